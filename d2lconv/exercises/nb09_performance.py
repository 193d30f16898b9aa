"""Checks for the exercises of notebook 09-performance."""

import torch
import torch.nn.functional as F

from .._validate import check_nonnegative_int, check_positive_int
from ..i18n import tr
from ..shapes import conv2d_output_shape
from ._common import conv_macs, grade_answer, grade_formula, grade_function

# The layer the notebook times: c channels in and out, a 5x5 kernel on a
# 64x64 input with padding 2 per side.
_SIZE, _KERNEL, _PADDING = 64, 5, 2


def _slope_cases():
    """Timings ``(sizes, seconds)`` and their log-log slopes, computed with torch."""
    timings = [
        ([8, 16, 32, 64], [1e-6 * n**2 for n in (8, 16, 32, 64)]),
        ([10, 30, 90, 270], [5e-5 + 1e-8 * n**2 for n in (10, 30, 90, 270)]),
        ([100, 150, 400], [2e-9 * n**3 for n in (100, 150, 400)]),
    ]
    for sizes, seconds in timings:
        n = torch.tensor(sizes, dtype=torch.float64).log()
        t = torch.tensor(seconds, dtype=torch.float64).log()
        want = (t[1:] - t[:-1]) / (n[1:] - n[:-1])
        ratio = torch.tensor(seconds[1:]) / torch.tensor(seconds[:-1])
        steps = torch.tensor(sizes[1:]) / torch.tensor(sizes[:-1])
        log_size = tr("divide by the log of the size ratio, log(n2 / n1), too.")
        wrong = [
            (want.neg(), tr("the slope is positive when the time grows with n.")),
            (ratio.double(), tr("on log-log axes the slope compares logarithms.")),
            ((t[1:] - t[:-1]), log_size),
            (ratio.log2().double(), log_size),
            (
                (steps.log() / ratio.log()).double(),
                tr("the time's change goes on top."),
            ),
        ]
        where = tr("sizes {sizes}", sizes=sizes)
        yield where, (list(sizes), list(seconds)), want, wrong


def check_loglog_slopes(slopes):
    """``slopes(sizes, seconds)`` -> the log-log slope between consecutive sizes.

    ``sizes`` and ``seconds`` are lists of equal length; the result has one
    slope fewer: ``log(t2 / t1) / log(n2 / n1)`` for each neighbouring pair.
    """
    return grade_function(
        slopes,
        _slope_cases(),
        right=tr(
            "a slope of 2 means the time grows like n^2; near 0, a fixed cost "
            "per call dominates."
        ),
        otherwise=tr(
            "a straight line on log-log axes is t = c * n^a; take the log "
            "of both sides and solve for a between two points."
        ),
        shape=tr(
            "return one slope per pair of neighbouring sizes: {want} values, got {got}."
        ),
    )


def check_im2col_megabytes(answer, channels=100, kernel_size=5, size=64, padding=2):
    """``answer``: megabytes (10^6 bytes) of the im2col matrix, in float32.

    The layer has ``channels`` input channels, a square kernel and a square
    input, ``padding`` per side and stride 1.
    """
    c = check_positive_int(channels, "channels")
    k = check_positive_int(kernel_size, "kernel_size")
    n = check_positive_int(size, "size")
    p = check_nonnegative_int(padding, "padding")
    # A clear ValueError (with the formula) if the layer has no output.
    conv2d_output_shape(n, k, 1, p)
    X = torch.empty(1, c, n, n, device="meta")
    columns = F.unfold(X, k, padding=p)
    rows, cols = columns.shape[1:]
    want = columns.numel() * 4 / 1e6
    return grade_answer(
        answer,
        want,
        right=tr(
            "{rows} rows (c_i*k_h*k_w) by {cols} columns (m_h*m_w), 4 bytes "
            "each: {megabytes:.4g} MB, {times:.0f} times the input.",
            rows=rows,
            cols=cols,
            megabytes=want,
            times=want / (c * n * n * 4 / 1e6),
        ),
        wrong=[
            (want * 1e6 / 2**20, tr("that is in MiB (2^20 bytes); give MB (10^6).")),
            (want / 4, tr("each float32 value takes 4 bytes.")),
            (want * 2, tr("float32 takes 4 bytes per value, not 8.")),
            (want / c, tr("a column holds the window of every input channel.")),
            (
                c * n * n * 4 / 1e6,
                tr(
                    "that is the input; im2col copies each value once per window "
                    "that covers it."
                ),
            ),
        ],
        otherwise=tr(
            "count the rows (one per kernel weight of one output channel) "
            "and the columns (one per output position), then the bytes."
        ),
        rel=0.01,
    )


def _intensity(c):
    """Multiply-adds per value of input, weights and output, for the timed layer."""
    n, k, p = _SIZE, _KERNEL, _PADDING
    layer = torch.nn.Conv2d(c, c, k, padding=p, bias=False, device="meta")
    X = torch.empty(1, c, n, n, device="meta")
    values = X.numel() + layer.weight.numel() + layer(X).numel()
    return conv_macs(c, n, n, c, k, k, p, p) / values


def check_arithmetic_intensity(intensity):
    """``intensity(c)`` -> multiply-adds per value read or written by the layer.

    The layer has ``c`` input and output channels, a 5x5 kernel, a 64x64 input
    and padding 2 per side; count the input, the weights and the output (leave
    the bias out).
    """
    n, k = _SIZE, _KERNEL

    def mistakes(want, c):
        macs = conv_macs(c, n, n, c, k, k, _PADDING, _PADDING)
        return [
            (macs / (2 * c * n * n), tr("the weights are read too.")),
            (macs / (c * n * n + c * c * k * k), tr("the output is written too.")),
            (macs, tr("divide by the number of values moved.")),
        ]

    return grade_formula(
        intensity,
        "c",
        [(1,), (32,), (100,), (256,)],
        _intensity,
        mistakes,
        right=tr(
            "the work grows like c^2, the input and output only like c: "
            "{at_32:.0f} multiply-adds per value for c = 32, "
            "{at_100:.0f} for c = 100. A wider layer does more arithmetic "
            "per value it moves.",
            at_32=_intensity(32),
            at_100=_intensity(100),
        ),
        otherwise=tr(
            "you answered {got!r}: divide c*c*k*k*m*m by the values of "
            "input (c*n*n), weights (c*c*k*k) and output (c*m*m)."
        ),
    )


def check_float64_memory_bound(answer):
    """``answer``: how many times longer float64 takes if only memory traffic counts."""
    want = (
        torch.empty(0, dtype=torch.float64).element_size()
        / torch.empty(0, dtype=torch.float32).element_size()
    )
    return grade_answer(
        answer,
        want,
        right=tr(
            "{want:g} times: a float64 value is {want:g} times as many bytes. "
            "Compare with what you measure.",
            want=want,
        ),
        wrong=[
            (
                1 / want,
                tr("more bytes take longer: the ratio of the times is above 1."),
            ),
            (1.0, tr("the number of values is the same, but each is larger.")),
            (want**2, tr("each value takes 8 bytes instead of 4.")),
        ],
        otherwise=tr("compare the bytes of one float64 and one float32 value."),
        ask=tr("give a number (a ratio of times)"),
    )
