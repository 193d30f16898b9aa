"""Every explorer in the notebooks answers a student's clicks, drags and keys.

Each explorer is found in the notebook where the course shows it (already run
by Restart Kernel and Run All); the test changes its controls with the
keyboard and the mouse and checks that a new picture (or an explanation)
appears each time, with no error anywhere. Screenshots before and after go to
artifacts/screenshots/.
"""

import json
import re
import statistics

import pytest
import torch
import torch.nn.functional as F

from .jupyterlab import key_latencies
from .labserver import NOTEBOOK_DIR, NOTEBOOKS, SCREENSHOTS


def find_explorers(notebooks=None):
    """(notebook path, cell number, class name) of every explorer a notebook shows.

    By default the English notebooks' (the Chinese ones, whose controls have
    Chinese labels, are driven by test_chinese_in_browser.py).
    """
    if notebooks is None:
        notebooks = [p for p in NOTEBOOKS if NOTEBOOK_DIR / "zh" not in p.parents]
    found = []
    for path in notebooks:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            source = "".join(cell["source"])
            if cell["cell_type"] != "code":
                continue
            for name in re.findall(r"(?<!class )\b(\w+Explorer)\(", source):
                found.append((path, i, name))
    return found


EXPLORERS = find_explorers()
IDS = [f"{p.relative_to(NOTEBOOK_DIR)}-cell{i}-{name}" for p, i, name in EXPLORERS]

# What a student does to each explorer: (how, control label pattern, detail).
# "key": focus the slider and press an arrow; "drag": drag its handle by a
# fraction of the track; "toggle": click a toggle button that is not pressed
# (matching the text, or any); "check": click a checkbox; "select": pick the
# next option of a dropdown.
ACTIONS = {
    "SweepExplorer": [
        ("key", "output cell"),
        ("key", "padding h"),
        ("drag", "input width", 0.3),
        ("check", "flip"),
        ("select", "kernel"),
    ],
    "StackExplorer": [
        # Notebook 2 starts on a 3x3 input: make room for more layers first.
        ("drag", "input size", 0.3),
        ("key", "layers"),
        ("key", "kernel size"),
    ],
    "ChannelsExplorer": [
        # The book's example has fixed sizes: leave it first.
        ("select", "values"),
        ("key", "output channels"),
        ("key", "kernel size"),
        ("toggle", ""),
    ],
    "PoolingExplorer": [
        ("toggle", "avg"),
        ("key", "window w"),
        ("drag", "stride h", 0.4),
        ("key", "output cell"),
    ],
    "TrainingExplorer": [
        ("key", "seed"),
        ("toggle", "diagonal"),
        ("check", "bias"),
    ],
}
# An explorer not listed above: the first two sliders, by keyboard and by mouse.
DEFAULT_ACTIONS = [("key", ""), ("drag", "", 0.3)]


def perform(view, action):
    """Do one action on the explorer; return a description for messages."""
    how, pattern = action[0], action[1]
    if how == "key":
        key = view.nudge(view.slider(pattern))
        return f"{key} on slider /{pattern}/"
    if how == "drag":
        view.drag(view.slider(pattern), action[2])
        return f"drag of slider /{pattern}/"
    if how == "toggle":
        buttons = view.toggle_buttons()
        if pattern:
            buttons = buttons.filter(has_text=re.compile(pattern, re.IGNORECASE))
        assert buttons.count(), f"no unpressed toggle button /{pattern}/"
        button = buttons.first
        text = button.inner_text()
        button.click()
        return f"click on toggle button {text!r}"
    if how == "check":
        view.checkbox(pattern).click()
        return f"click on checkbox /{pattern}/"
    if how == "select":
        select = view.dropdown(pattern)
        options = select.locator("option").all_inner_texts()
        current = select.evaluate("s => s.selectedIndex")
        choice = options[(current + 1) % len(options)]
        select.select_option(label=choice)
        return f"choice {choice!r} in dropdown /{pattern}/"
    raise ValueError(f"unknown action {action!r}")


def check_no_errors(notebook):
    errors = notebook.error_outputs()
    assert not errors, "\n\n".join(f"cell {i}:\n{text}" for i, text in errors)
    logged = notebook.log_errors()
    assert not logged, "log console:\n" + "\n\n".join(t for _, t in logged)


def test_the_notebooks_show_explorers():
    names = {name for _, _, name in EXPLORERS}
    assert names, "no notebook shows an explorer"


# Run in the kernel around a click on Train: remember each TrainingExplorer's
# history, then report the one whose history was replaced by the run.
REMEMBER_HISTORIES = """
import gc as _gc
import d2lconv as _d2lconv
_browser_test_histories = {
    id(e): e.history for e in _gc.get_objects()
    if isinstance(e, _d2lconv.TrainingExplorer)
}
"""
REPORT_TRAINED = """
_trained = [
    e for e in _gc.get_objects()
    if isinstance(e, _d2lconv.TrainingExplorer)
    and e.history is not _browser_test_histories.get(id(e))
]
print(len(_trained))
if _trained:
    print(_trained[0].history[0].loss, _trained[0].history[-1].loss)
"""

TRAINING = [(p, c, n) for p, c, n in EXPLORERS if n == "TrainingExplorer"]


@pytest.mark.parametrize(
    "path, cell, name", TRAINING, ids=[f"{p.stem}-cell{c}" for p, c, _ in TRAINING]
)
def test_train_button_animates_the_loss_and_ends_low(
    notebook_pages, path, cell, name, report
):
    """Train with the notebook's settings: the curve grows live, the loss ends low."""
    notebook = notebook_pages[path]
    view = notebook.explorer_in_cell(cell)
    page = view.page
    notebook.kernel_print(REMEMBER_HISTORIES)
    page.evaluate(
        """(pic) => {
             window.__trainFrames = [];
             new MutationObserver(() => {
               const svg = pic.querySelector('svg');
               if (svg) window.__trainFrames.push(svg.outerHTML);
             }).observe(pic, {childList: true, subtree: true});
           }""",
        view.picture.element_handle(),
    )
    view.button("Train").click()
    # The kernel answers this only after the training run the click started.
    trained = notebook.kernel_print(REPORT_TRAINED).split()
    assert trained and trained[0] == "1", f"one explorer should have trained: {trained}"
    first, last = float(trained[1]), float(trained[2])
    page.wait_for_function("() => window.__trainFrames.length >= 3", timeout=20_000)
    frames = page.evaluate("() => window.__trainFrames")
    view.screenshot(SCREENSHOTS / f"{path.stem}-cell{cell}-{name}-trained.png")
    report(
        f"{path.name} Train: {len(set(frames))} pictures shown while training, "
        f"loss {first:.3g} -> {last:.3g}"
    )
    assert len(set(frames)) >= 3, "the loss curve did not update while training"
    assert last < 1e-3 and last < first / 1000, f"loss ended at {last} (from {first})"
    check_no_errors(notebook)


SWEEPS = [(p, c, n) for p, c, n in EXPLORERS if n == "SweepExplorer"][:1]


@pytest.mark.parametrize(
    "path, cell, name", SWEEPS, ids=[f"{p.stem}-cell{c}" for p, c, _ in SWEEPS]
)
def test_sweep_latency_a_student_feels(notebook_pages, path, cell, name, report):
    """Median ms from a key press to the new picture: a parameter, then the step.

    Printed, not judged (the targets live in benchmarks/browser_latency.py).
    """
    notebook = notebook_pages[path]
    view = notebook.explorer_in_cell(cell)
    width = view.slider("input width")
    room = int(float(width.get_attribute("aria-valuemax"))) - int(
        float(width.get_attribute("aria-valuenow"))
    )
    key = "ArrowRight" if room >= 10 else "ArrowLeft"
    parameter = key_latencies(view, width, key, 10)
    step = view.slider("output cell")
    cells = int(float(step.get_attribute("aria-valuemax"))) + 1
    assert cells >= 11, f"only {cells} output cells to step through"
    stepping = key_latencies(view, step, "ArrowRight", 10)
    report(
        "SweepExplorer in JupyterLab, key press -> new picture painted, median of 10:"
    )
    for label, samples in (("input width", parameter), ("output cell", stepping)):
        total = statistics.median(s["total"] for s in samples)
        kernel = statistics.median(s["to_src"] for s in samples)
        report(f"  {label:12s} {total:6.0f} ms  (until the new src: {kernel:.0f} ms)")
    assert len(parameter) == len(stepping) == 10
    check_no_errors(notebook)


def matrix(label, cells):
    """The numbers of a panel, shaped as its aria-label says ("output 4x4")."""
    rows, cols = (int(n) for n in re.findall(r"(\d+)x(\d+)", label)[-1])
    values = [float(c.replace("\u2212", "-")) for c in cells]
    return torch.tensor(values).reshape(rows, cols)


@pytest.mark.parametrize(
    "path, cell, name", SWEEPS, ids=[f"{p.stem}-cell{c}" for p, c, _ in SWEEPS]
)
def test_sweep_numbers_are_text_in_the_page_and_match_conv2d(
    notebook_pages, path, cell, name
):
    """After a key press, the output read from the page's text is F.conv2d of
    the input and kernel read from the page's text."""
    notebook = notebook_pages[path]
    view = notebook.explorer_in_cell(cell)
    old = view.state()
    view.nudge(view.slider("padding h"))
    view.wait_for_new_state(old)
    sliders = {
        label: int(float(handle.get_attribute("aria-valuenow")))
        for label, handle in view.sliders()
    }
    ph, pw = sliders["padding h (each side)"], sliders["padding w (each side)"]
    n_h, n_w = sliders["input height"], sliders["input width"]
    padded = matrix(*view.grid("input"))
    assert padded.shape == (n_h + 2 * ph, n_w + 2 * pw)
    X = padded[ph : ph + n_h, pw : pw + n_w]
    K = matrix(*view.grid("kernel"))
    Y = matrix(*view.grid("output"))
    expected = F.conv2d(
        X[None, None],
        K[None, None],
        padding=(ph, pw),
        stride=(sliders["stride height"], sliders["stride width"]),
        dilation=sliders["dilation"],
    )[0, 0]
    # The page shows at most two decimals.
    torch.testing.assert_close(Y, expected, rtol=0, atol=0.006)
    check_no_errors(notebook)


# Defined last so that it runs last: the tests above start from the state
# the notebook leaves (pytest runs a module's tests in the order written).
@pytest.mark.parametrize("path, cell, name", EXPLORERS, ids=IDS)
def test_explorer_answers_its_controls(notebook_pages, path, cell, name):
    notebook = notebook_pages[path]
    view = notebook.explorer_in_cell(cell)
    shot = SCREENSHOTS / f"{path.stem}-cell{cell}-{name}"
    view.screenshot(shot.with_name(shot.name + "-before.png"))
    new_images = 0
    for action in ACTIONS.get(name, DEFAULT_ACTIONS):
        old = view.state()
        done = perform(view, action)
        try:
            new = view.wait_for_new_state(old)
        except Exception as err:  # Playwright's TimeoutError: say what was done
            raise AssertionError(
                f"{name}: the picture did not change after {done}"
            ) from err
        if new[0] != old[0] and view.picture.is_visible():
            new_images += 1
    view.screenshot(shot.with_name(shot.name + "-after.png"))
    assert new_images >= 2, f"{name}: only {new_images} actions drew a new picture"
    check_no_errors(notebook)
