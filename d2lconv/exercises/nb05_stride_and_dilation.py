"""Checks for the exercises of notebook 05-stride-and-dilation."""

import math

import torch
import torch.nn.functional as F

from .._validate import check_positive_int
from ..i18n import N_
from ..receptive import receptive_field_table
from ..stack import repeat_layer
from . import _common as c
from ._common import grade

# fmt: off
TABLE = {
    "audio_stride": {
        "right": N_("{samples} samples per second: stride 2 halves the sampling rate (downsampling), so the highest frequency it can represent halves too."),
        "double": N_("a stride skips positions: are there more outputs or fewer?"),
        "otherwise": N_("the input has {rate} samples per second; the kernel moves 2 samples between outputs."),
        "ask": N_("give a number of samples per second")},
    "stride_savings": {
        "right": N_("{ratio:g} times fewer: stride s computes one output in s*s, and the smaller output also needs {ratio:g} times less memory."),
        "one_axis": N_("the stride applies to the height and to the width."),
        "inverse": N_("give how many times fewer (a number above 1)."),
        "otherwise": N_("compare the number of output positions for the two strides.")},
    "fractional_stride": {
        "right": N_("this doubles the size: it is PyTorch's transposed convolution (nn.ConvTranspose2d, stride 2), used to upsample."),
        "otherwise": N_("the shape is right, the values are not: check where the inserted zeros go, and that you cross-correlate (no flip)."),
        "shape": N_("the output is {want}, got {got}: check the zeros inserted (n -> 2n - 1) and the k - 1 zeros of padding per side.")},
    "output_shape": c.OUTPUT_SHAPE,
    "stride_prediction": dict(c.OUTPUT_SHAPE, right=N_("floor((n + 2p - d(k - 1) - 1) / s) + 1 per axis; set the sliders and watch the windows land.")),
    "stack_prediction": {
        "ask": N_("give a pair of whole numbers (output size, receptive field), got {answer!r}"),
        "no_stride": N_("the output size: a stride s divides the size by about s at every layer."),
        "size": N_("the output size: apply floor((n + 2p - k) / s) + 1 once per layer."),
        "no_jump": N_("the receptive field: each layer adds (k - 1) times the jump below it, and every stride multiplies the jump."),
        "input": N_("the receptive field: a receptive field can be larger than the input: the part outside lies in the padding."),
        "otherwise": N_("the receptive field: add, layer by layer, (k - 1) times the product of the strides below that layer."),
        "right_padding": N_("{size}x{size}, and each output sees {field}x{field} input pixels, more than the {n} input pixels: the rest of the field is padding. The stride {s} multiplies the jump at every layer (jump {jump} after the last)."),
        "right": N_("{size}x{size}, and each output sees {field}x{field} input pixels. The stride {s} multiplies the jump at every layer (jump {jump} after the last).")},
    "dilated_field": {
        "right": N_("{field}: each layer adds d(k - 1), so {layers} layers see {field} pixels; the same {layers} layers without dilation would see only {plain} pixels."),
        "plain": N_("the dilation spreads the kernel: a layer with dilation d spans d(k - 1) + 1 pixels."),
        "d_times_k": N_("a dilated kernel spans d(k - 1) + 1 pixels, not d * k."),
        "sum": N_("fields do not simply add: two stacked windows of 3 see 5 pixels, not 6 (they overlap by one)."),
        "max": N_("the layers below widen what each input of the last layer sees."),
        "otherwise": N_("one layer at a time: a layer with dilation d and kernel k adds d(k - 1) to the field (stride 1 keeps the jump at 1)."),
        "ask": N_("give a whole number of pixels")},
    "undilated_layers": {
        "right": N_("{layers} layers: each adds k - 1 = {added}, so 1 + {layers} x {added} = {plain} pixels, with {weights} weights; the dilated stack sees {field} with {dilated} layers and {dilated_weights} weights."),
        "dilated": N_("{dilated} undilated layers widen the field by only {added} each: 1 + {dilated} x {added} is far below {field}."),
        "field": N_("that is the field in pixels; count the layers it takes."),
        "short": N_("one short: 1 + {fewer} x {added} < {field}."),
        "k_each": N_("stacked windows overlap: each layer adds k - 1 = {added} pixels, not {k}."),
        "otherwise": N_("a single output sees 1 pixel before the first layer, and each undilated {k}x{k} layer adds k - 1 = {added}."),
        "ask": N_("give a whole number of layers")},
}
# fmt: on


def check_output_shape(
    answer, input_size=8, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4)
):
    """``answer``: the (h, w) output of ``nn.Conv2d`` with these arguments (ints
    or (h, w) pairs; padding per side); the defaults are the section's last example."""
    entry = TABLE["output_shape"]
    return c.grade_output_shape(answer, entry, input_size, kernel_size, padding, stride)


def check_audio_stride(answer):
    """``answer``: output samples per second of a stride-2 1-D conv on 16 kHz audio."""
    rate = 16000
    one_second = torch.empty(1, 1, rate, device="meta")
    kernel = torch.empty(1, 1, 3, device="meta")
    want = F.conv1d(one_second, kernel, stride=2, padding=1).shape[-1]
    entry = TABLE["audio_stride"]
    return grade(answer, entry, want, dict(double=2 * rate), samples=want, rate=rate)


def check_stride_savings(answer):
    """``answer``: how many times fewer multiply-adds stride 2 needs than stride 1
    (224x224 input, 3x3 kernel, padding 1 per side, one channel)."""
    stride_1 = c.conv_macs(1, 224, 224, 1, 3, 3, 1, 1, 1, 1)
    ratio = stride_1 / c.conv_macs(1, 224, 224, 1, 3, 3, 1, 1, 2, 2)
    wrong = dict(one_axis=math.sqrt(ratio), inverse=1 / ratio)
    return grade(answer, TABLE["stride_savings"], ratio, wrong, rel=1e-3, ratio=ratio)


def _stride_half(X, K):
    # A transposed convolution with stride 2 is the same computation with the
    # kernel flipped.
    return F.conv_transpose2d(X[None, None], K.flip(0, 1)[None, None], stride=2)[0, 0]


def check_fractional_stride(stride_half):
    """``stride_half(X, K)``: a "stride 1/2" cross-correlation of 2-D tensors: one
    zero between the rows and columns of X, k - 1 zeros of padding, then corr2d."""
    normal, entry = c.random_normal(4), TABLE["fractional_stride"]
    shapes = [((3, 3), (2, 2)), ((2, 4), (3, 3)), ((4, 3), (1, 2))]
    calls = [(normal(*x), normal(*k)) for x, k in shapes]
    return c.grade_calls(stride_half, entry, calls, _stride_half, None, c.case())


def check_stride_prediction(
    answer, input_size=7, kernel_size=3, padding=1, stride=2, dilation=1
):
    """``answer``: the (h, w) output of the explorer's layer (padding per side)."""
    n, k, p, s, d = input_size, kernel_size, padding, stride, dilation
    return c.grade_output_shape(answer, TABLE["stride_prediction"], n, k, p, s, d)


def check_stack_prediction(
    answer, count=5, input_size=32, kernel_size=3, padding=1, stride=2
):
    """``answer``: ``(output size, receptive field)`` after ``count`` equal square
    layers (padding per side; the field in input pixels along one axis)."""
    layers = repeat_layer(count, kernel_size, padding, stride)
    n = check_positive_int(input_size, "input_size")
    t, last = TABLE["stack_prediction"], receptive_field_table(layers, n)[-1]
    k, want = last.kernel_size[0], (last.output_size[0], last.receptive_field[0])
    size, field = want
    # A wrong size first, then a wrong field.
    wrong = dict(
        no_stride=lambda got: got[0] != size and got[0] == n - count * (k - 1),
        size=lambda got: got[0] != size,
        no_jump=lambda got: got[1] == 1 + count * (k - 1),
        input=lambda got: got[1] == n,
    )
    entry = dict(t, right=t["right_padding" if field > n else "right"])
    facts = dict(size=size, field=field, n=n, s=last.stride[0], jump=last.jump[0])
    return grade(answer, entry, want, wrong, read=c.as_ints, **facts)


def _dilated_field(dilations, kernel_size):
    """``(k, ds, field)``: the checked arguments and the receptive field they give."""
    if isinstance(dilations, int) or not dilations:
        raise ValueError(
            f"dilations must list one dilation per layer, got {dilations!r}"
        )
    k = check_positive_int(kernel_size, "kernel_size")
    ds = [check_positive_int(d, "dilation") for d in dilations]
    return k, ds, c.field([k] * len(ds), ds)


def check_dilated_field(answer, dilations=(1, 2, 4), kernel_size=3):
    """``answer``: the receptive field (input pixels, one axis) of stacked layers,
    one per dilation, kernel ``kernel_size``, stride 1."""
    k, ds, field = _dilated_field(dilations, kernel_size)
    spans = [d * (k - 1) + 1 for d in ds]
    plain = 1 + len(ds) * (k - 1)
    wrong = dict(plain=plain, d_times_k=1 + sum(d * k - 1 for d in ds))
    wrong |= dict(sum=sum(spans), max=max(spans))
    facts = dict(field=field, layers=len(ds), plain=plain)
    return grade(answer, TABLE["dilated_field"], field, wrong, **facts)


def check_undilated_layers(answer, dilations=(1, 2, 4), kernel_size=3):
    """``answer``: how many undilated layers (stride 1) see as far as the dilated ones
    (one ``kernel_size`` layer per dilation)."""
    k, ds, field = _dilated_field(dilations, kernel_size)
    if k < 2:
        raise ValueError(f"kernel_size must be >= 2 to widen the field, got {k}")
    n = c.fewest_layers(k, field)
    facts = dict(layers=n, added=k - 1, plain=1 + n * (k - 1), weights=n * k * k)
    facts |= dict(field=field, dilated=len(ds), dilated_weights=len(ds) * k * k)
    wrong = dict(dilated=len(ds), field=field, short=n - 1, k_each=math.ceil(field / k))
    return grade(answer, TABLE["undilated_layers"], n, wrong, k=k, fewer=n - 1, **facts)
