"""Benchmark: key or drag to the painted picture, every explorer, page and JupyterLab.

Run: .venv/bin/python benchmarks/browser_latency.py [--presses 12] [NAME ...]

Each explorer draws in the page (d2lconv/explorers/*.js): no message to the
kernel stands between a key and the picture. This measures, in headless
Chromium, from the input to the picture painted (a message posted from the
next animation frame runs once that frame's style, layout and paint are
done):

- key presses on a focused slider, one step and back, again and again;
- a drag of that slider with the mouse: each ``input`` event it makes;

in two places: a plain page holding the explorer's module and state, as the
course website does, and JupyterLab (started as ``make lab`` starts it, on a
scratch notebook written to artifacts/benchmarks/). Beside them, in the same
run:

- the floor: the same measure for a key press that changes one word of text,
  on each kind of page (JupyterLab's own work on a key press is in it);
- in JupyterLab, the kernel round trip a Python-drawn explorer cannot avoid:
  a plain ipywidgets slider whose callback, in the kernel, puts an SVG as
  large as the explorer's into an ``ipywidgets.HTML``.

Each explorer is measured at the settings its lesson starts from, and the
largest pictures its sliders allow ("largest": reported, not judged).
Target, at the lessons' settings: the explorer's own part, its median minus
the floor's, at most 16 ms (one frame at 60 Hz) for key presses and drags,
in both places. Prints the medians, the floors, the round trip and PASS or
FAIL; exits 1 on any FAIL. Needs Chromium and playwright (see
scripts/install-browser.sh).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import d2lconv  # noqa: E402, F401 (the cases' code names it)
from tests.browser.jupyterlab import (  # noqa: E402
    MEASURE,
    collected,
    key_samples,
    open_and_run,
)
from tests.browser.labserver import chromium, login, running_lab  # noqa: E402
from tests.browser.pages import open_saved  # noqa: E402

TARGET_MS = 16.0
OUT = ROOT / "artifacts" / "benchmarks"

LARGEST_SWEEP = (
    "d2lconv.SweepExplorer(input_size=16, kernel_size=3, padding=4, "
    'values="random", controls=["padding"])'
)
# name: (code that builds the explorer, slider name, first key, lesson's start?)
CASES = {
    "sweep, input width": ("d2lconv.SweepExplorer()", "input_w", "ArrowRight", 1),
    "sweep, output cell": (
        'd2lconv.SweepExplorer(padding=1, controls=["padding"])',
        "step",
        "ArrowRight",
        1,
    ),
    "channels": ("d2lconv.ChannelsExplorer()", "out_channels", "ArrowLeft", 1),
    "pooling": ("d2lconv.PoolingExplorer()", "cell", "ArrowRight", 1),
    "stack": ("d2lconv.StackExplorer()", "input_size", "ArrowLeft", 1),
    "training": ("d2lconv.TrainingExplorer()", "step", "ArrowLeft", 1),
    "sweep, input width, largest": (LARGEST_SWEEP, "input_w", "ArrowLeft", 0),
    "sweep, output cell, largest": (LARGEST_SWEEP, "step", "ArrowRight", 0),
    "channels, largest": (
        "d2lconv.ChannelsExplorer(in_channels=4, out_channels=4, kernel_size=3, "
        'size=6, values="small random integers")',
        "out_channels",
        "ArrowLeft",
        0,
    ),
    "stack, largest": (
        "d2lconv.StackExplorer(count=60, input_size=256, kernel_size=3, padding=1, "
        'controls=["padding"])',
        "input_size",
        "ArrowLeft",
        0,
    ),
    "training, largest": (
        "d2lconv.TrainingExplorer(lr=0.01, steps=100)",
        "step",
        "ArrowLeft",
        0,
    ),
}

SETUP = '''\
import ipywidgets as widgets

import d2lconv


def round_trip(explorer):
    """A slider whose kernel callback swaps SVGs as large as ``explorer``'s."""
    svg = explorer.svg
    frames = [svg, svg.replace("</svg>", "<!-- another -->\\n</svg>")]
    frame = widgets.IntSlider(value=0, min=0, max=1000, description="frame")
    picture = widgets.HTML(frames[0])
    frame.observe(lambda c: setattr(picture, "value", frames[c["new"] % 2]), "value")
    box = widgets.VBox([frame, picture])
    box.add_class("d2lconv-round-trip")
    return box
'''

# The floor: a key press that changes one word of text in `root`.
FLOOR = """(root) => {
  const word = document.createElement('div');
  word.textContent = '0';
  const input = document.createElement('input');
  root.append(input, word);
  input.addEventListener('keydown', () => {
    word.textContent = String(Math.random());
  });
  input.focus();
}"""


def drag_samples(page, root, control, steps=24):
    """ms from each input event of a drag across ``control`` to its picture."""
    page.evaluate(MEASURE, [root.element_handle(), "input"])
    control.scroll_into_view_if_needed()
    box = control.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 2, y)
    page.mouse.down()
    for k in range(1, steps + 1):
        page.mouse.move(box["x"] + 2 + (box["width"] - 4) * k / steps, y)
        page.wait_for_timeout(30)  # a hand moves about 30 times a second
    page.mouse.up()
    page.wait_for_timeout(100)
    return collected(page)


def floor_samples(page, root, presses):
    page.evaluate(FLOOR, root.element_handle())
    page.evaluate(MEASURE, [root.element_handle(), "keydown"])
    for i in range(presses):  # each waits for its word, then 80 ms, as key_samples
        page.keyboard.press("a")
        page.wait_for_function("(n) => window.__latency.samples.length > n", arg=i)
        page.wait_for_timeout(80)
    return collected(page)


def measured(page, root, name, key, presses):
    """{"key": [...], "drag": [...]} on the slider for the setting ``name`` (its
    HTML name), after two presses to warm up."""
    control = root.locator(f'[name="{name}"]')
    key_samples(page, root, control, key, 2)
    return {
        "key": key_samples(page, root, control, key, presses),
        "drag": drag_samples(page, root, control),
    }


def on_pages(browser, names, presses):
    """{case: {"key": [...], "drag": [...]}, "floor": [...]} on plain pages."""
    results = {}
    for name in names:
        code, label, key, _ = CASES[name]
        widget = eval(code)
        page = open_saved(browser, widget._esm, widget.get_state())
        results[name] = measured(page, page.locator("#explorer"), label, key, presses)
        page.close()
    page = browser.new_page()
    page.set_content("<div id='root'></div>")
    results["floor"] = floor_samples(page, page.locator("#root"), presses)
    page.close()
    return results


def in_jupyterlab(page, path, names, presses):
    """The same in JupyterLab, with the floor and each case's kernel round trip."""
    [notebook] = open_and_run(page, [path.relative_to(ROOT)]).values()
    errors = notebook.error_outputs()
    if errors:
        raise RuntimeError(f"the benchmark notebook failed: {errors}")
    results = {}
    for i, name in enumerate(names):
        _, label, key, _ = CASES[name]
        root = notebook.explorer_in_cell(1 + 2 * i).root
        base = notebook.panel.locator(".d2lconv-round-trip").nth(i)
        # Only the picture the kernel sends (the slider's own readout changes
        # in the page, before the kernel hears the key).
        picture, slider = base.locator(".widget-html"), base.get_by_role("slider")
        results[name] = {
            **measured(page, root, label, key, presses),
            "round_trip": key_samples(
                page, picture, slider.first, "ArrowRight", presses
            ),
        }
    first = notebook.explorer_in_cell(1).root
    results["floor"] = floor_samples(page, first, presses)
    return results


def scratch_notebook(path, sources):
    """Write a notebook of ``sources`` (no outputs) to ``path``."""
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in sources]
    )
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


def report(where, results, names):
    """Print one place's table; return the names that fail the target."""
    floor = statistics.median(results["floor"])
    print(f"\n{where}: floor (a key that changes one word) {floor:.1f} ms")
    print(f"{'explorer':30s} {'key':>7s} {'drag':>7s} {'own key':>8s} {'own drag':>9s}")
    failed = []
    for name in names:
        samples = results[name]
        key, drag = (statistics.median(samples[k]) for k in ("key", "drag"))
        own = (key - floor, drag - floor)
        judged = CASES[name][3]
        ok = max(own) <= TARGET_MS
        verdict = ("PASS" if ok else "FAIL") if judged else "(largest: not judged)"
        if judged and not ok:
            failed.append(f"{where}: {name}")
        line = f"{name:30s} {key:5.1f}ms {drag:5.1f}ms {own[0]:6.1f}ms {own[1]:7.1f}ms"
        if "round_trip" in samples:
            line += f"  round trip {statistics.median(samples['round_trip']):5.1f}ms"
        print(f"{line}  {verdict}")
    return failed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--presses", type=int, default=12, help="timed presses per explorer"
    )
    parser.add_argument("names", nargs="*", help="cases to measure (default all)")
    args = parser.parse_args(argv)
    names = args.names or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        parser.error(f"unknown cases {unknown}; choose from {list(CASES)}")
    presses = max(2, args.presses)
    path = OUT / "browser_latency.ipynb"
    sources = [SETUP]
    for name in names:
        sources += [CASES[name][0], f"round_trip({CASES[name][0]})"]
    scratch_notebook(path, sources)
    load_before = os.getloadavg()[0]
    with chromium() as browser:
        page_results = on_pages(browser, names, presses)
    with tempfile.TemporaryDirectory() as home:
        with running_lab(Path(home), OUT / "lab.log") as lab, chromium() as browser:
            lab_results = in_jupyterlab(login(browser, lab), path, names, presses)
    load = (load_before, os.getloadavg()[0])
    print(
        f"Headless Chromium, input -> picture painted, medians of {presses} key "
        f"presses and of one drag's input events; target: own part (median - floor) "
        f"<= {TARGET_MS:g} ms at the lessons' settings; load average {load[0]:.1f} "
        f"before, {load[1]:.1f} after, on {os.cpu_count()} CPUs"
    )
    failed = report("page (as on the website)", page_results, names)
    failed += report("JupyterLab", lab_results, names)
    record = {
        "target_ms": TARGET_MS,
        "load_average": load,
        "page": page_results,
        "jupyterlab": lab_results,
    }
    (OUT / "browser_latency.json").write_text(json.dumps(record, indent=1))
    print("\nFAIL: " + "; ".join(failed) if failed else "\nevery explorer PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
