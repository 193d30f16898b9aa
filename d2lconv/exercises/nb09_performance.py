"""Checks for the exercises of notebook 09-performance."""

import torch
import torch.nn.functional as F

from ..i18n import N_
from ._common import any_of, as_number, case, conv_macs, grade, grade_calls, judge, same

# The layer the notebook times: c channels in and out, a 5x5 kernel on a
# 64x64 input with padding 2 per side.
_SIZE, _KERNEL, _PADDING = 64, 5, 2

# fmt: off
TABLE = {
    "loglog_slopes": {
        "negative": N_("the slope is positive when the time grows with n."),
        "ratio": N_("on log-log axes the slope compares logarithms."),
        "upside_down": N_("the time's change goes on top."),
        "log_size": N_("divide by the log of the size ratio, log(n2 / n1), too."),
        "right": N_("a slope of 2 means the time grows like n^2; near 0, a fixed cost per call dominates."),
        "otherwise": N_("a straight line on log-log axes is t = c * n^a; take the log of both sides and solve for a between two points."),
        "shape": N_("return one slope per pair of neighbouring sizes: {want} values, got {got}.")},
    "im2col_megabytes": {
        "right": N_("{rows} rows (c_i*k_h*k_w) by {cols} columns (m_h*m_w), 4 bytes each: {megabytes:.4g} MB, {times:.0f} times the input."),
        "mib": N_("that is in MiB (2^20 bytes); give MB (10^6)."),
        "quarter": N_("each float32 value takes 4 bytes."),
        "float64": N_("float32 takes 4 bytes per value, not 8."),
        "one_channel": N_("a column holds the window of every input channel."),
        "input": N_("that is the input; im2col copies each value once per window that covers it."),
        "otherwise": N_("count the rows (one per kernel weight of one output channel) and the columns (one per output position), then the bytes.")},
    "arithmetic_intensity": {
        "no_weights": N_("the weights are read too."),
        "no_output": N_("the output is written too."),
        "macs": N_("divide by the number of values moved."),
        "bias": N_("leave the bias out, as the exercise says: count the input, the weights and the output."),
        "right": N_("the work grows like c^2, the input and output only like c: {at_32:.0f} multiply-adds per value for c = 32, {at_100:.0f} for c = 100 (a little less if you count the padded input that section 9.4's code passes). A wider layer does more arithmetic per value it moves."),
        "otherwise": N_("you answered {got!r}. Check each count on its own: the multiply-adds (as in section 9.4), and the values of the input, of the weights and of the output (.numel() of each tensor).")},
    "float64_memory_bound": {
        "right": N_("{want:g} times: a float64 value is {want:g} times as many bytes. Compare with what you measure."),
        "inverse": N_("more bytes take longer: the ratio of the times is above 1."),
        "one": N_("the number of values is the same, but each is larger."),
        "square": N_("each value takes 8 bytes instead of 4."),
        "otherwise": N_("compare the bytes of one float64 and one float32 value."),
        "ask": N_("give a number (a ratio of times)")},
}
# fmt: on


def _f64(values):
    return torch.tensor(values, dtype=torch.float64)


def _slope(sizes, seconds):
    return _f64(seconds).log().diff() / _f64(sizes).log().diff()


def check_loglog_slopes(slopes):
    """``slopes(sizes, seconds)`` -> ``log(t2 / t1) / log(n2 / n1)`` for each pair of
    neighbouring sizes (one value fewer than the lists)."""
    calls = [
        ([8, 16, 32, 64], [1e-6 * n**2 for n in (8, 16, 32, 64)]),
        ([10, 30, 90, 270], [5e-5 + 1e-8 * n**2 for n in (10, 30, 90, 270)]),
        ([100, 150, 400], [2e-9 * n**3 for n in (100, 150, 400)]),
    ]

    def mistakes(want, sizes, seconds):
        ratio = _f64(seconds[1:]) / _f64(seconds[:-1])
        steps = _f64(sizes[1:]) / _f64(sizes[:-1])
        wrong = dict(negative=-want, ratio=ratio)
        wrong["log_size"] = any_of(ratio.log(), ratio.log2())
        return wrong | dict(upside_down=steps.log() / ratio.log())

    entry, where = TABLE["loglog_slopes"], case(N_("sizes {sizes}"), sizes=0)
    return grade_calls(slopes, entry, calls, _slope, mistakes, where)


def check_im2col_megabytes(answer):
    """``answer``: megabytes (10^6 bytes) of the float32 im2col matrix of the timed
    layer with c = 100 (stride 1)."""
    X = torch.empty(1, 100, _SIZE, _SIZE, device="meta")
    columns = F.unfold(X, _KERNEL, padding=_PADDING)
    (rows, cols), c = columns.shape[1:], X.shape[1]
    mb, input_mb = columns.numel() * 4 / 1e6, X.numel() * 4 / 1e6
    facts = dict(rows=rows, cols=cols, megabytes=mb, times=mb / input_mb)
    wrong = dict(mib=mb * 1e6 / 2**20, quarter=mb / 4, float64=mb * 2)
    wrong |= dict(one_channel=mb / c, input=input_mb)
    return grade(answer, TABLE["im2col_megabytes"], mb, wrong, rel=0.01, **facts)


def _macs(c):
    return conv_macs(c, _SIZE, _SIZE, c, _KERNEL, _KERNEL, _PADDING, _PADDING)


def _intensity(c, padded=False):
    """Multiply-adds per value of input, weights and output, for the timed layer
    (``padded``: its input padded first, as section 9.4's code passes it)."""
    n, k, p = _SIZE, _KERNEL, _PADDING
    n, p = (n + 2 * p, 0) if padded else (n, p)
    layer = torch.nn.Conv2d(c, c, k, padding=p, bias=False, device="meta")
    X = torch.empty(1, c, n, n, device="meta")
    return _macs(c) / (X.numel() + layer.weight.numel() + layer(X).numel())


def check_arithmetic_intensity(intensity):
    """``intensity(c)`` -> multiply-adds per value of input, weights and output (no
    bias) of the layer: c channels in and out, 5x5 kernel, 64x64 input, padding 2."""
    facts = dict(at_32=_intensity(32), at_100=_intensity(100))
    n, k = _SIZE, _KERNEL

    def mistakes(c):
        no_output = _macs(c) / (c * n * n + c * c * k * k)
        no_weights = _macs(c) / (2 * c * n * n)
        wrong = dict(no_weights=no_weights, no_output=no_output, macs=_macs(c))
        # The values moved, input unpadded or padded, and the c biases.
        moved = (_macs(c) / _intensity(c, padded) for padded in (False, True))
        return wrong | dict(bias=any_of(*(_macs(c) / (v + c) for v in moved)))

    def reference(c):
        # Counting the padded input (what section 9.4's code feeds the layer) as
        # read is right too.
        padded = _intensity(c, padded=True)
        want, wrong = _intensity(c), mistakes(c)
        return lambda got: (
            None if same(as_number(got), padded) else judge(entry, got, want, wrong)
        )

    calls, entry = [(1,), (32,), (100,), (256,)], TABLE["arithmetic_intensity"]
    return grade_calls(intensity, entry, calls, reference, None, "c", **facts)


def check_float64_memory_bound(answer):
    """``answer``: how many times longer float64 takes if only memory traffic counts."""
    want = torch.float64.itemsize / torch.float32.itemsize
    wrong = dict(inverse=1 / want, one=1.0, square=want**2)
    return grade(answer, TABLE["float64_memory_bound"], want, wrong, want=want)
