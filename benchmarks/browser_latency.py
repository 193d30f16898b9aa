"""Benchmark: the latency a student feels on every explorer, in JupyterLab, in Chromium.

Run: .venv/bin/python benchmarks/browser_latency.py [--presses 16] [NAME ...]

Starts the course's JupyterLab as ``make lab`` does (scripts/lab.sh, 127.0.0.1,
a token), opens a scratch notebook (written to artifacts/benchmarks/) in
headless Chromium, and times, in the page, each key press on a focused slider
until the new SVG picture is in the page and painted (the frame after it
arrives). Each explorer starts from the largest picture its sliders allow
(as benchmarks/explorer_latency.py does), and the slider goes one step and
back, again and again:

- SweepExplorer, 16x16 input, 3x3 kernel, padding 4: "input width" (a new
  geometry every press) and "output cell" (a step along the sweep);
- ChannelsExplorer, 4 input and 4 output channels, 6x6 inputs: "seed";
- PoolingExplorer, two 6x6 channels, 4x4 window, padding 2: "output cell";
- StackExplorer, 60 layers on a 256 input: "input size";
- TrainingExplorer, 100 steps: "seed" (trains again and draws).

The baseline, measured in the same run, press by press alternating with the
explorer's, is a plain slider that swaps precomputed SVGs in an ipywidgets.HTML:
the same pictures, in the same order, as the explorer draws. It costs the key,
the comm round trip, the page putting the same SVG in place and painting it,
and no drawing in the kernel. So median(explorer) - median(baseline) is what
the explorer adds: building the picture in the kernel and the few extra widget
messages a redraw sends.

Target: that difference at most 30 ms for every explorer. Why 30: the kernel's
own budget for a picture is 15 ms (the issue's target, checked by
benchmarks/explorer_latency.py), and a redraw may send a few more messages than
the baseline's one; 30 ms on top of the round trip (about 64 ms on a quiet
2-core machine) keeps a key press under about 100 ms, the time within which a
response feels immediate. The difference, not the total, is judged: the round
trip depends on the machine and its load, and no explorer can make it shorter.

Prints, for each explorer, the medians (explorer, baseline), the difference,
the ratio, the kernel's median time in ``redraw`` and PASS or FAIL; exits 1 on
any FAIL. The machine's load average is printed too: the kernel's redraw
slows with the machine's other work while the baseline has none to slow, so
run it on a quiet machine. Needs Chromium and playwright (see
scripts/install-browser.sh).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.jupyterlab import NotebookPage, key_latencies  # noqa: E402
from tests.browser.labserver import chromium, login, running_lab  # noqa: E402

TARGET_MS = 30.0
OUT = ROOT / "artifacts" / "benchmarks"

HEAVY_SWEEP = (
    "d2lconv.SweepExplorer(input_size=16, kernel_size=3, padding=4, "
    'values="random", controls="padding")'
)
BACK = {"ArrowLeft": "ArrowRight", "ArrowRight": "ArrowLeft"}
# name: (code that builds the explorer, control, slider label, first key).
CASES = {
    "SweepExplorer, parameter": (
        HEAVY_SWEEP,
        "input_w",
        "input width",
        "ArrowLeft",
    ),
    "SweepExplorer, step": (
        HEAVY_SWEEP,
        "step",
        "output cell",
        "ArrowRight",
    ),
    "ChannelsExplorer": (
        "d2lconv.ChannelsExplorer(in_channels=4, out_channels=4, kernel_size=3, "
        'size=6, values="small random integers")',
        "seed",
        "seed",
        "ArrowRight",
    ),
    "PoolingExplorer": ("heavy_pooling()", "cell", "output cell", "ArrowRight"),
    "StackExplorer": (
        "d2lconv.StackExplorer(count=60, input_size=256, kernel_size=3, padding=1)",
        "input_size",
        "input size",
        "ArrowLeft",
    ),
    "TrainingExplorer": (
        "d2lconv.TrainingExplorer(lr=0.01, steps=100)",
        "seed",
        "seed",
        "ArrowRight",
    ),
}

SETUP = '''\
import time

import ipywidgets as widgets

import d2lconv

redraw_ms = {}


def timed(name, explorer):
    """Record, under ``name``, how long each redraw of ``explorer`` takes."""
    times = redraw_ms.setdefault(name, [])
    redraw = explorer.redraw

    def timed_redraw():
        start = time.perf_counter()
        redraw()
        times.append(1e3 * (time.perf_counter() - start))

    explorer.redraw = timed_redraw
    return explorer.widget


def baseline(explorer, control, presses, step):
    """A slider that swaps the SVGs ``explorer`` shows after each press (one step
    of ``control`` and back, again and again): no drawing."""
    slider = explorer.controls[control]
    frames = [explorer.svg]
    for i in range(presses):
        slider.value += step if i % 2 == 0 else -step
        frames.append(explorer.svg)
    assert all(frames), "every state of the benchmark must draw a picture"
    frame = widgets.IntSlider(value=0, min=0, max=presses, description="frame")
    picture = widgets.HTML(frames[0])
    picture.add_class("d2lconv-picture")
    explanation = widgets.HTML()
    explanation.add_class("d2lconv-explanation")
    frame.observe(lambda c: setattr(picture, "value", frames[c["new"]]), "value")
    box = widgets.VBox([widgets.VBox([frame]), explanation, picture])
    box.add_class("d2lconv-explorer")
    return box


def heavy_pooling():
    """Two 6x6 channels, a 4x4 window, padding 2, stride 1: 7x7 outputs."""
    e = d2lconv.PoolingExplorer()
    with e.hold():
        e.controls["input"].value = "random 0..9: 2 channels, 6x6"
        for name in ("window_h", "window_w"):
            e.controls[name].value = 4
        for name in ("padding_h", "padding_w"):
            e.controls[name].value = 2
        for name in ("stride_h", "stride_w"):
            e.controls[name].value = 1
    return e
'''


def cells(names, presses):
    """The notebook's code: the set-up, then per case its explorer and its baseline."""
    sources = [SETUP]
    for name in names:
        build, control, _, key = CASES[name]
        step = 1 if key == "ArrowRight" else -1
        sources.append(f"timed({name!r}, {build})")
        sources.append(f"baseline({build}, {control!r}, {presses}, {step})")
    return sources


def scratch_notebook(path, sources):
    """Write a notebook of ``sources`` (no outputs) to ``path``."""
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"c{i}",
                "metadata": {},
                "outputs": [],
                "source": source,
            }
            for i, source in enumerate(sources)
        ],
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


def measure(page, path, names, presses):
    """{case: {"explorer": samples, "baseline": samples, "redraw_ms": [...]}}."""
    notebook = NotebookPage.open(page, path.relative_to(ROOT))
    notebook.activate()
    notebook.wait_until_open()
    notebook.start_restart_and_run_all()
    while not notebook.run_finished():
        page.wait_for_timeout(200)  # poll interval
    errors = notebook.error_outputs()
    if errors:
        raise RuntimeError(f"the benchmark notebook failed: {errors}")
    results = {}
    for i, name in enumerate(names):
        _, _, label, key = CASES[name]
        explorer = notebook.explorer_in_cell(1 + 2 * i)
        base = notebook.explorer_in_cell(2 + 2 * i)
        # A press before timing: the first redraw warms Python's own caches.
        key_latencies(explorer, explorer.slider(label), key, 1)
        key_latencies(base, base.slider("frame"), "ArrowRight", 1)
        notebook.kernel_print(f"redraw_ms[{name!r}].clear()")
        samples = {"explorer": [], "baseline": []}
        handle, frame = explorer.slider(label), base.slider("frame")
        # Press by press, explorer and baseline alternating: a change in the
        # machine's load meets both alike. The explorer's slider goes one step
        # and back, so the picture stays the largest.
        for i in range(presses):
            back = BACK[key] if i % 2 == 0 else key
            samples["explorer"] += key_latencies(explorer, handle, back, 1)
            samples["baseline"] += key_latencies(base, frame, "ArrowRight", 1)
        printed = notebook.kernel_print(f"print(*redraw_ms[{name!r}])")
        samples["redraw_ms"] = [float(x) for x in printed.split()]
        errors = notebook.error_outputs()
        if errors:
            raise RuntimeError(f"{name} showed an error: {errors}")
        results[name] = samples
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--presses", type=int, default=16, help="timed presses per explorer"
    )
    parser.add_argument("names", nargs="*", help="cases to measure (default all)")
    args = parser.parse_args(argv)
    names = args.names or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        parser.error(f"unknown cases {unknown}; choose from {list(CASES)}")
    presses = max(1, args.presses)
    path = OUT / "browser_latency.ipynb"
    # The warm-up press plus the timed ones: the baseline needs a frame for each.
    scratch_notebook(path, cells(names, presses + 1))
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as home:
        with running_lab(Path(home), OUT / "lab.log") as lab, chromium() as browser:
            page = login(browser, lab)
            results = measure(page, path, names, presses)
    load = (load_before, os.getloadavg()[0])
    print(
        f"JupyterLab in headless Chromium: key press -> new picture painted, "
        f"median of {presses} presses each (explorer and baseline alternating); "
        f"load average {load[0]:.1f} before, {load[1]:.1f} after, "
        f"on {os.cpu_count()} CPUs"
    )
    print(
        f"{'explorer':26s} {'explorer':>9s} {'baseline':>9s} {'difference':>11s} "
        f"{'ratio':>6s} {'in redraw':>10s}"
    )
    failed = []
    record = {
        "target_ms": TARGET_MS,
        "presses": presses,
        "load_average": load,
        "cases": {},
    }
    for name, samples in results.items():
        mine = statistics.median(s["total"] for s in samples["explorer"])
        base = statistics.median(s["total"] for s in samples["baseline"])
        redraw = statistics.median(samples["redraw_ms"] or [float("nan")])
        difference = mine - base
        ok = difference <= TARGET_MS
        failed += [] if ok else [name]
        print(
            f"{name:26s} {mine:7.0f}ms {base:7.0f}ms {difference:+9.0f}ms "
            f"{mine / base:5.2f}x {redraw:8.1f}ms  {'PASS' if ok else 'FAIL'} "
            f"(difference <= {TARGET_MS:g} ms)"
        )
        record["cases"][name] = {
            "median_ms": mine,
            "baseline_median_ms": base,
            "difference_ms": difference,
            "ratio": mine / base,
            "redraw_median_ms": redraw,
            "pass": ok,
            **samples,
        }
    (OUT / "browser_latency.json").write_text(json.dumps(record, indent=1))
    print("\nFAIL: " + ", ".join(failed) if failed else "\nevery explorer PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
