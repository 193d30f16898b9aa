"""Benchmark: the latency a student feels on SweepExplorer, in JupyterLab, in Chromium.

Starts the course's JupyterLab as ``make lab`` does (scripts/lab.sh, 127.0.0.1,
a token), opens a scratch notebook (written to artifacts/benchmarks/) in
headless Chromium, and times, in the page, each key press on a focused slider
until the new SVG picture is in the page and painted:

- parameter: ArrowRight on "input width" (every press a new geometry);
- step, first visit: ArrowRight on "output cell";
- step, revisit: ArrowLeft back over the same cells (drawn again: no cache);
- baseline: a plain slider that swaps precomputed SVGs of the same size in an
  ipywidgets.HTML, measured in the same run: the cost of the key, the comm
  round trip and the page's own work, with no drawing in the kernel.

Targets (on a 2-core machine, no GPU): parameter change at most 100 ms,
step change at most 50 ms (median). Prints the medians, the time the kernel
spent in ``redraw`` (building the picture and its SVG) for each, the ratio to the
baseline, and PASS or FAIL for each target; exits 0 either way, since the
absolute figures depend on the machine's load. Needs Chromium and playwright
(see scripts/install-browser.sh).
"""

import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.jupyterlab import NotebookPage, key_latencies  # noqa: E402
from tests.browser.labserver import chromium, login, running_lab  # noqa: E402

PRESSES = 12
TARGETS_MS = {"parameter": 100, "step, first visit": 50}
OUT = ROOT / "artifacts" / "benchmarks"

CELLS = [
    "import statistics\nimport time\n\nimport ipywidgets as widgets\n\nimport d2lconv",
    # The explorer under test, with its redraw timed in the kernel.
    """sweep = d2lconv.SweepExplorer(input_size=3, kernel_size=2)
redraw_times = []
_redraw = sweep.redraw


def timed_redraw():
    start = time.perf_counter()
    _redraw()
    redraw_times.append(time.perf_counter() - start)


sweep.redraw = timed_redraw
sweep""",
    # Baseline: same-sized SVGs, precomputed, swapped by a slider.
    """source = d2lconv.SweepExplorer(input_size=(3, 16), kernel_size=2)
frames = []
for step in range(source.controls["step"].max + 1):
    source.controls["step"].value = step
    frames.append(source.svg)
frame = widgets.IntSlider(value=0, min=0, max=len(frames) - 1, description="frame")
picture = widgets.HTML(frames[0])
picture.add_class("d2lconv-picture")
explanation = widgets.HTML()
explanation.add_class("d2lconv-explanation")
frame.observe(lambda change: setattr(picture, "value", frames[change["new"]]), "value")
box = widgets.VBox([widgets.VBox([frame]), explanation, picture])
box.add_class("d2lconv-explorer")
box""",
]


def scratch_notebook(path):
    """Write the benchmark's notebook (no outputs) to ``path``."""
    cells = [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": f"c{i}",
            "metadata": {},
            "outputs": [],
            "source": source,
        }
        for i, source in enumerate(CELLS)
    ]
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {
                "name": "python3",
                "display_name": "Python 3",
                "language": "python",
            }
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, indent=1))


def kernel_median_ms(notebook):
    """Median of the redraw times recorded since the last call, in ms; reset them."""
    text = notebook.kernel_print(
        "print(1e3 * statistics.median(redraw_times) if redraw_times else 'nan')\n"
        "redraw_times.clear()"
    )
    return float(text)


def measure(page, path):
    notebook = NotebookPage.open(page, path.relative_to(ROOT))
    notebook.activate()
    notebook.wait_until_open()
    notebook.start_restart_and_run_all()
    while not notebook.run_finished():
        page.wait_for_timeout(200)  # poll interval
    errors = notebook.error_outputs()
    if errors:
        raise RuntimeError(f"the benchmark notebook failed: {errors}")
    sweep = notebook.explorer_in_cell(1)
    baseline = notebook.explorer_in_cell(2)
    results = {}
    kernel = {}

    def run(name, view, handle, key):
        kernel_median_ms(notebook)  # drop the redraws done so far
        samples = key_latencies(view, handle, key, PRESSES)
        results[name] = samples
        kernel[name] = kernel_median_ms(notebook) if view is sweep else 0.0

    run("parameter", sweep, sweep.slider("input width"), "ArrowRight")
    run("step, first visit", sweep, sweep.slider("output cell"), "ArrowRight")
    run("step, revisit", sweep, sweep.slider("output cell"), "ArrowLeft")
    run("baseline (no drawing)", baseline, baseline.slider("frame"), "ArrowRight")
    return results, kernel


def main():
    path = OUT / "browser_latency.ipynb"
    scratch_notebook(path)
    with tempfile.TemporaryDirectory() as home:
        with running_lab(Path(home), OUT / "lab.log") as lab, chromium() as browser:
            page = login(browser, lab)
            results, kernel = measure(page, path)
    medians = {
        name: statistics.median(s["total"] for s in samples)
        for name, samples in results.items()
    }
    floor = medians["baseline (no drawing)"]
    print(f"SweepExplorer in JupyterLab, headless Chromium, {PRESSES} key presses each")
    print(f"{'change':24s} {'median ms':>10s} {'in redraw':>10s} {'x baseline':>11s}")
    for name, value in medians.items():
        print(f"{name:24s} {value:10.0f} {kernel[name]:10.0f} {value / floor:11.1f}")
    for name, target in TARGETS_MS.items():
        verdict = "PASS" if medians[name] <= target else "FAIL"
        print(
            f"{verdict}: {name} median {medians[name]:.0f} ms (target <= {target} ms)"
        )
    record = {
        "medians_ms": medians,
        "redraw_ms": kernel,
        "targets_ms": TARGETS_MS,
        "samples": results,
    }
    (OUT / "browser_latency.json").write_text(json.dumps(record, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
