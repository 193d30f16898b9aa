"""The explorers in JupyterLab: the page redraws, Python hears, and no kernel is needed.

Each explorer is found in the notebook where the course shows it (already run
by Run All Cells in the kernel it opened with). Its drawing is tested on plain pages
(test_explorer_pages.py); here, the plumbing a student relies on in
JupyterLab: a key on a slider redraws the picture in the page and the kernel
learns the new setting; a control that needs PyTorch is answered by Python;
and once the kernel is shut down, the controls still redraw while the ones
that need Python say so. Screenshots go to artifacts/screenshots/.
"""

import json
import statistics

import pytest

from d2lconv.explorers import Explorer

from .jupyterlab import BACK, key_samples
from .labserver import NOTEBOOK_DIR, NOTEBOOKS, ROOT, SCREENSHOTS, find_explorers
from .pages import TEXT_SIZES, choose_random_values

ENGLISH = [p for p in NOTEBOOKS if NOTEBOOK_DIR / "zh" not in p.parents]
EXPLORERS = find_explorers(ENGLISH)
IDS = [f"{p.relative_to(NOTEBOOK_DIR)}-cell{i}-{name}" for p, i, name in EXPLORERS]

# The explorers' traits, as the kernel holds them now: {class name: [state]}.
KERNEL_STATES = """
import gc as _gc, json as _json
from d2lconv.explorers import Explorer as _Explorer
print(_json.dumps([
    {"name": type(e).__name__, "state": {k: v for k, v in e.get_state().items()
     if not k.startswith("_") and k not in ("text", "palettes", "layout")}}
    for e in _gc.get_objects() if isinstance(e, _Explorer)
]))
"""


# The slider a test moves, by name: one that draws a new picture from the
# notebook's start (none named: the first slider), and that the kernel hears of.
SLIDER = {
    "ChannelsExplorer": "out_channels",
    "StackExplorer": "input_size",
    "PoolingExplorer": "window_h",
}


def ask_python(view, name, note):
    """Move the first slider that asks Python (enabled first: random values
    chosen); wait until the note on such controls passes ``note`` (JS of ``text``)."""
    if view.root.locator('select[name="values"]').count():
        choose_random_values(view.root)
    slider = view.asking_python().and_(view.root.locator("[type=range]")).first
    slider.wait_for()
    assert slider.is_enabled(), name
    view.nudge(slider)
    view.page.wait_for_function(
        f"(root) => (text => {note})"
        "(root.querySelector('.d2lconv-kernel-note').textContent)",
        arg=view.root.element_handle(),
        timeout=20_000,
    )


def named(sliders, name):
    """(label, input) of the slider called ``name`` (None: the first one)."""
    return next((t, c) for t, c in sliders if name in (None, c.get_attribute("name")))


def explorer_states(notebook, name):
    """The settings of the kernel's explorers of class ``name`` (traits)."""
    found = json.loads(notebook.kernel_print(KERNEL_STATES))
    return [s["state"] for s in found if s["name"] == name]


def test_the_notebooks_show_every_explorer():
    kinds = {kind.__name__ for kind in Explorer.__subclasses__()}
    assert {name for _, _, name in EXPLORERS} == kinds


# How many controls of each explorer PyTorch answers (a new seed; training's
# learning rate, steps, seed, start, bias and image): the page marks them.
ASKS = {"SweepExplorer": 1, "ChannelsExplorer": 1, "TrainingExplorer": 6}


@pytest.mark.parametrize("path, cell, name", EXPLORERS, ids=IDS)
def test_a_key_redraws_in_the_page_the_kernel_hears_it_and_python_answers(
    notebook_pages, path, cell, name, report
):
    notebook = notebook_pages[path]
    view = notebook.explorer_in_cell(cell)
    label, slider = named(view.sliders(), SLIDER.get(name))
    before, settings = view.state(), explorer_states(notebook, name)
    key = view.nudge(slider)
    assert view.wait_for_new_state(before) != before
    value = int(slider.input_value())
    # The kernel learns the new setting: the page sends it when it has drawn,
    # so the message may come after the first request that reads the traits.
    for _ in range(50):  # up to 5 s
        changed = [
            {k: v for k, v in after.items() if before_.get(k) != v}
            for before_, after in zip(
                settings, explorer_states(notebook, name), strict=True
            )
        ]
        if any(value in c.values() for c in changed):
            break
        notebook.page.wait_for_timeout(100)
    assert any(value in c.values() for c in changed), (label, value, changed)
    samples = key_samples(view.page, view.root, slider, BACK[key], 6)
    report(
        f"{path.name} {name}, {label!r}: key press -> picture painted, median "
        f"of 6: {statistics.median(samples):.1f} ms"
    )
    view.screenshot(SCREENSHOTS / f"{path.stem}-cell{cell}-{name}.png")
    # The controls that need PyTorch: Python answers them.
    assert view.asking_python().count() == ASKS.get(name, 0)
    if name in ASKS:
        answered = [s["answered"] for s in explorer_states(notebook, name)]
        ask_python(view, name, "!text")
        after = [s["answered"] for s in explorer_states(notebook, name)]
        assert sum(after) > sum(answered)
    notebook.assert_ran_clean()


NOTEBOOKS_SHOWN = sorted({path for path, _, _ in EXPLORERS})


@pytest.mark.parametrize("path", NOTEBOOKS_SHOWN, ids=[p.name for p in NOTEBOOKS_SHOWN])
def test_every_pictures_text_is_drawn_at_least_8_px_high(notebook_pages, path):
    """JupyterLab shrinks a wide SVG output to the column: the course's pictures
    keep their drawn size (the output scrolls), so no number is under 8 px."""
    notebook = notebook_pages[path]
    notebook.activate()
    texts = notebook.page.evaluate(TEXT_SIZES, f"{notebook.selector} svg text")
    assert len(texts) > 50, texts
    small = [t for t in texts if t[0] < 8]
    assert not small, f"text under 8 px on screen ([px, text]): {small[:5]}"


# Last in the module: it shuts the kernels down.
@pytest.mark.parametrize("path", NOTEBOOKS_SHOWN, ids=[p.name for p in NOTEBOOKS_SHOWN])
def test_explorers_redraw_with_no_kernel_and_say_what_needs_one(
    lab, notebook_pages, path
):
    lab.shut_down_kernel(path.relative_to(ROOT))
    notebook = notebook_pages[path]
    for shown, cell, name in EXPLORERS:
        if shown != path:
            continue
        view = notebook.explorer_in_cell(cell)
        slider_name = {**SLIDER, "TrainingExplorer": "step"}.get(name)
        label, slider = named(view.sliders(local=True), slider_name)
        for _ in range(2):
            before = view.state()
            view.nudge(slider)
            assert view.wait_for_new_state(before) != before, (name, label)
        if name in ASKS:
            ask_python(view, name, "text.includes('running kernel')")
        view.screenshot(SCREENSHOTS / f"{path.stem}-cell{cell}-{name}-no-kernel.png")
