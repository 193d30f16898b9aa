"""How fast SweepExplorer redraws, against a new matplotlib figure for each change.

Run: .venv/bin/python benchmarks/sweep_redraw.py
Times the Python side of a control change, from setting the control to the new
SVG in the widget (8x8 input, 3x3 kernel, padding 1), and the same changes at
the largest sizes the sliders allow (16x16 input, padding 4) for the worst
case. Prints medians (ms), the ratio to the baseline and PASS/FAIL against the
targets: parameter change <= 15 ms, step change <= 5 ms, worst <= 60 ms. The
baseline draws the same picture as a new matplotlib Figure (picture_mpl) and
renders it to PNG, as a plain matplotlib explorer would.
"""

import io
import statistics
import time

import torch

from d2lconv.data import sweep_input, sweep_kernel
from d2lconv.picture_mpl import to_figure
from d2lconv.sweep import SweepExplorer, draw_sweep

PARAM_TARGET_MS = 15.0
STEP_TARGET_MS = 5.0
WORST_TARGET_MS = 60.0
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
    ("kernel_w", 4),
    ("kernel_w", 3),
    ("input_h", 9),
    ("input_h", 8),
]


def timed(action):
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def setter(e, name, value):
    return lambda: setattr(e.controls[name], "value", value)


def baseline(step, padding):
    """A new matplotlib figure of the same picture, rendered to PNG."""
    X, K = sweep_input("ramp", 8), sweep_kernel("ramp", 3)
    buffer = io.BytesIO()
    to_figure(draw_sweep(X, K, padding=padding, step=step)).savefig(buffer)
    return buffer.getvalue()


def main():
    torch.set_num_threads(1)
    base = [timed(lambda s=s: baseline(s, s % 2)) for s in range(8)]
    e = SweepExplorer(input_size=8, kernel_size=3, padding=1, controls="padding")
    params = [timed(setter(e, n, v)) for _ in range(2) for n, v in CHANGES]
    steps = [timed(setter(e, "step", s)) for s in range(1, e.controls["step"].max + 1)]
    # The largest pictures: 16x16 input, padding 4, every kernel size.
    big = SweepExplorer(
        input_size=16, kernel_size=1, padding=4, values="random", controls="padding"
    )
    worst = [timed(setter(big, "step", s)) for s in range(1, 40)]
    for k in (2, 7, 1):
        worst += [timed(setter(big, "kernel_h", k)), timed(setter(big, "kernel_w", k))]
    worst += [timed(setter(big, "flip", f)) for f in (True, False)]
    worst += params + steps
    b, p, s, w = statistics.median(base), *map(statistics.median, (params, steps)), 0
    w = max(worst)
    print(f"baseline (new matplotlib figure + PNG): median {b:7.1f} ms")
    for name, value, target in (
        ("parameter change", p, PARAM_TARGET_MS),
        ("step change", s, STEP_TARGET_MS),
    ):
        verdict = "PASS" if value <= target else "FAIL"
        print(
            f"{name + ':':39} median {value:7.1f} ms  ratio {b / value:5.1f}x  "
            f"{verdict} (<= {target} ms)"
        )
    verdict = "PASS" if w <= WORST_TARGET_MS else "FAIL"
    print(
        f"{'worst change (up to 24x24 padded):':39} max    {w:7.1f} ms  "
        f"{'':13}{verdict} (<= {WORST_TARGET_MS} ms)"
    )


if __name__ == "__main__":
    main()
