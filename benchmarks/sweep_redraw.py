"""How fast SweepExplorer redraws, against a naive redraw that builds a new figure.

Run: .venv/bin/python benchmarks/sweep_redraw.py
Prints medians (ms), the ratio to the baseline and PASS/FAIL against the
targets (parameter change <= 40 ms, step-only change <= 10 ms, 8x8 input,
3x3 kernel). The cache of finished frames is emptied before each timed change,
so every timing is a first visit, not a cache hit: the explorer keeps only its
one live figure (updated in place, as in a notebook) and the glyph bitmaps.
The baseline draws with the same ``draw_sweep`` (a new figure each time) and
encodes with ``savefig``; the cached line revisits frames already shown.
"""

import statistics
import time

import torch

from d2lconv.explorer import figure_to_png
from d2lconv.sweep import SweepExplorer, draw_sweep, sweep_input, sweep_kernel

PARAM_TARGET_MS = 40.0
STEP_TARGET_MS = 10.0
CHANGES = [
    ("padding_h", 0),
    ("padding_h", 1),
    ("stride_w", 2),
    ("stride_w", 1),
    ("flip", True),
    ("flip", False),
    ("values", "random"),
    ("values", "ramp"),
    ("dilation", 2),
    ("dilation", 1),
    ("kernel", "ones"),
    ("kernel", "ramp"),
]


def timed(action):
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def naive(step, padding):
    """The baseline: a new figure for every change, rendered with savefig."""
    X, K = sweep_input("ramp", 8), sweep_kernel("ramp", 3)
    return figure_to_png(draw_sweep(X, K, padding=padding, step=step))


def main():
    torch.set_num_threads(1)
    e = SweepExplorer(input_size=8, kernel_size=3, padding=1)
    baseline = [timed(lambda s=s: naive(s, s % 2)) for s in range(12)]
    params = []
    for _ in range(2):
        for name, value in CHANGES:
            e._frames.clear()
            params.append(
                timed(lambda n=name, v=value: setattr(e.controls[n], "value", v))
            )
    steps = []
    for step in range(1, e.controls["step"].max + 1):
        e._frames.clear()
        steps.append(timed(lambda s=step: setattr(e.controls["step"], "value", s)))
    cells = range(e.controls["step"].max + 1)
    for step in cells:  # show every frame once, so the next pass revisits
        e.controls["step"].value = step
    cached = [timed(lambda s=s: setattr(e.controls["step"], "value", s)) for s in cells]
    base, param, step = map(statistics.median, (baseline, params, steps))
    print(f"baseline (new figure + savefig): median {base:7.1f} ms")
    print(
        f"parameter change:                median {param:7.1f} ms  "
        f"ratio {base / param:4.1f}x  "
        f"{'PASS' if param <= PARAM_TARGET_MS else 'FAIL'} (<= {PARAM_TARGET_MS} ms)"
    )
    print(
        f"step-only change (first visit):  median {step:7.1f} ms  "
        f"ratio {base / step:4.1f}x  "
        f"{'PASS' if step <= STEP_TARGET_MS else 'FAIL'} (<= {STEP_TARGET_MS} ms)"
    )
    print(
        f"step-only change (cached frame): median {statistics.median(cached):7.1f} ms"
    )


if __name__ == "__main__":
    main()
