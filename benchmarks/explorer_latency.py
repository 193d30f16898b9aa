"""How fast every explorer answers every control, against a new matplotlib figure.

Run: .venv/bin/python benchmarks/explorer_latency.py [--changes 12] [NAME ...]

For each explorer (sweep, channels, pooling, stack, training) and each of its
controls, starting from the largest pictures the sliders allow, the script
makes a dozen one-step changes of that control (a slider one step up or down,
the next option, a checkbox flipped) and times the Python side of each: from
setting the control to the new SVG (or explanation) in the widget. It prints
the median and worst time, the ratio of the baseline median to that median,
and PASS or FAIL against the targets: median <= 15 ms (<= 5 ms for the sweep's
step), worst <= 60 ms. TrainingExplorer's Train button must show at least 10
pictures per second. The baseline, measured in the same run, draws the
sweep picture of an 8x8 input as a new matplotlib Figure and renders it to
PNG, as a plain matplotlib explorer would. Exit code 1 on any FAIL.

The machine's other work slows every line (the baseline too): run it when it
is quiet. To tell load from a slow explorer, the "quiet" column scales each
median by QUIET_BASELINE_MS / the measured baseline (the issue measured a new
matplotlib figure of a sweep at 270-390 ms on a quiet 2-core machine); it is
an estimate for reading, PASS and FAIL use the measured times.
"""

import argparse
import io
import math
import statistics
import sys
import time

import ipywidgets as widgets

from d2lconv.channels import VALUES, ChannelsExplorer
from d2lconv.data import sweep_input, sweep_kernel
from d2lconv.picture_mpl import to_figure
from d2lconv.pooling import PoolingExplorer
from d2lconv.stack import StackExplorer
from d2lconv.sweep import SweepExplorer, draw_sweep
from d2lconv.training import TrainingExplorer

MEDIAN_TARGET_MS = 15.0
STEP_TARGET_MS = 5.0
WORST_TARGET_MS = 60.0
TRAIN_PICTURES_PER_SECOND = 10.0
QUIET_BASELINE_MS = 330.0
# Controls that move along the picture (no new geometry): a tighter target.
STEP_CONTROLS = {("SweepExplorer", "step")}


def heavy_sweep():
    return SweepExplorer(
        input_size=16, kernel_size=3, padding=4, values="random", controls="padding"
    )


def heavy_channels():
    e = ChannelsExplorer(
        in_channels=4, out_channels=4, kernel_size=1, size=6, values=VALUES[0]
    )
    return e


def book_channels():
    # The book's sizes, so that switching to its numbers draws a picture.
    return ChannelsExplorer(values=VALUES[0])


def heavy_pooling(padding=2):
    """Two 6x6 channels, a 4x4 window, stride 1: 10x10 padded inputs, 7x7 outputs."""
    e = PoolingExplorer()
    with e.hold():
        e.controls["input"].value = "random 0..9: 2 channels, 6x6"
        for name in ("window_h", "window_w"):
            e.controls[name].value = 4
        for name in ("padding_h", "padding_w"):
            e.controls[name].value = padding
        for name in ("stride_h", "stride_w"):
            e.controls[name].value = 1
    return e


def pooling_for_windows():
    # A 3x3 window allows padding 1 only: start where a window step keeps it.
    return heavy_pooling(padding=1)


def heavy_stack():
    return StackExplorer(count=60, input_size=256, kernel_size=3, padding=1)


def heavy_training():
    return TrainingExplorer(lr=0.01, steps=100)


# Each explorer: how to build it at its largest, and controls that need
# another start (control name -> builder).
EXPLORERS = {
    "SweepExplorer": (heavy_sweep, {}),
    "ChannelsExplorer": (heavy_channels, {"values": book_channels}),
    "PoolingExplorer": (
        heavy_pooling,
        {"window_h": pooling_for_windows, "window_w": pooling_for_windows},
    ),
    "StackExplorer": (heavy_stack, {}),
    "TrainingExplorer": (heavy_training, {}),
}


def one_step_values(control, count):
    """``count`` values, each one step from the one before (starting at the current)."""
    if isinstance(control, widgets.Checkbox):
        return [
            not control.value if k % 2 == 0 else control.value for k in range(count)
        ]
    if hasattr(control, "options"):
        options = list(control.options)
        if isinstance(options[0], tuple):  # (label, value) pairs
            options = [value for _, value in options]
        start = options.index(control.value)
        if isinstance(control, widgets.SelectionSlider):
            # A slider moves to a neighbour: up and back down.
            near = start + 1 if start + 1 < len(options) else start - 1
            return [
                options[near] if k % 2 == 0 else options[start] for k in range(count)
            ]
        return [options[(start + 1 + k) % len(options)] for k in range(count)]
    value, low, high = control.value, control.min, control.max
    if low == high:
        return []
    near = value - 1 if value > low else value + 1
    return [near if k % 2 == 0 else value for k in range(count)]


def time_changes(explorer, name, count):
    """Milliseconds of each one-step change of one control, and how many explained."""
    control = explorer.controls[name]
    original = control.value
    times, explained = [], 0
    for value in one_step_values(control, count + 1):
        start = time.perf_counter()
        control.value = value
        times.append((time.perf_counter() - start) * 1000)
        explained += explorer.picture is None
    control.value = original  # the next control starts from the same state
    return times[1:], explained  # the first change warms Python's own caches


def baseline(count):
    """A new matplotlib figure of an 8x8 sweep, rendered to PNG, ``count`` times."""
    X, K = sweep_input("ramp", 8), sweep_kernel("ramp", 3)
    times = []
    for step in range(count):
        start = time.perf_counter()
        buffer = io.BytesIO()
        to_figure(draw_sweep(X, K, padding=1, step=step)).savefig(buffer, format="png")
        times.append((time.perf_counter() - start) * 1000)
    return times


def train_rate(paced=True):
    """Pictures per second shown while Train runs (100 steps), their count, seconds.

    ``paced=False`` drops the pause between pictures: what the CPU could draw.
    """
    e = heavy_training()
    if not paced:
        e.PICTURES_PER_SECOND = math.inf
    shown = []
    e.view.observe(lambda change: shown.append(time.perf_counter()), "value")
    start = time.perf_counter()
    e.train()
    seconds = time.perf_counter() - start
    return len(shown) / seconds, len(shown), seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--changes", type=int, default=12)
    parser.add_argument("names", nargs="*", help="explorers to measure (default all)")
    args = parser.parse_args(argv)
    names = args.names or list(EXPLORERS)
    base = statistics.median(baseline(args.changes))
    print(f"baseline: a new matplotlib figure + PNG, median {base:7.1f} ms\n")
    quiet = QUIET_BASELINE_MS / base
    print(
        f"{'explorer':18} {'control':18} {'median':>8} {'worst':>8} {'ratio':>7} "
        f"{'quiet':>7}"
    )
    failed = []
    for name in names:
        build, starts = EXPLORERS[name]
        explorer = build()
        for control in explorer.controls:
            e = starts[control]() if control in starts else explorer
            times, explained = time_changes(e, control, args.changes)
            if not times:
                continue
            median, worst = statistics.median(times), max(times)
            step = (name, control) in STEP_CONTROLS
            target = STEP_TARGET_MS if step else MEDIAN_TARGET_MS
            ok = median <= target and worst <= WORST_TARGET_MS
            failed += [] if ok else [f"{name}.{control}"]
            note = f"  ({explained} explanations)" if explained else ""
            print(
                f"{name:18} {control:18} {median:6.1f}ms {worst:6.1f}ms "
                f"{base / median:6.1f}x {median * quiet:5.1f}ms  "
                f"{'PASS' if ok else 'FAIL'} "
                f"(<= {target:g} ms, worst <= {WORST_TARGET_MS:g} ms){note}"
            )
    if "TrainingExplorer" in names:
        for paced in (True, False):
            rate, count, seconds = train_rate(paced)
            ok = rate >= TRAIN_PICTURES_PER_SECOND
            failed += [] if ok else ["TrainingExplorer.Train"]
            what = "Train (100 steps)" if paced else "  without pauses"
            print(
                f"{'TrainingExplorer':18} {what:18} {count} pictures in "
                f"{seconds:.2f} s = {rate:.1f}/s  {'PASS' if ok else 'FAIL'} "
                f"(>= {TRAIN_PICTURES_PER_SECOND:g}/s)"
            )
    print("\nFAIL: " + ", ".join(failed) if failed else "\nevery control PASS")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
