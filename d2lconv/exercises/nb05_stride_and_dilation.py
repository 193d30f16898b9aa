"""Checks for the exercises of notebook 05-stride-and-dilation."""

import math

import torch
import torch.nn.functional as F

from .._validate import check_positive_int, nonnegative_pair, positive_pair
from ..i18n import tr
from ..receptive import receptive_field_table
from ..shapes import conv2d_output_shape
from ..stack import repeat_layer
from ._common import (
    as_int_pair,
    conv_macs,
    correct,
    grade_answer,
    grade_function,
    grade_output_shape,
    hint,
    random_normal,
)


def check_output_shape(
    answer, input_size=8, kernel_size=(3, 5), padding=(0, 1), stride=(3, 4)
):
    """``answer``: the (h, w) output of ``nn.Conv2d`` with these arguments.

    Sizes are an int or an (h, w) pair; padding is per side. The defaults are
    the section's last example.
    """
    n = positive_pair(input_size, "input_size")
    k = positive_pair(kernel_size, "kernel_size")
    p = nonnegative_pair(padding, "padding")
    s = positive_pair(stride, "stride")
    # A clear ValueError (with the formula) if the layer has no output.
    conv2d_output_shape(n, k, s, p)
    return grade_output_shape(answer, n, k, p, s)


def check_audio_stride(answer, sample_rate=16000):
    """``answer``: output samples per second of a stride-2 1-D conv on audio."""
    sample_rate = check_positive_int(sample_rate, "sample_rate")
    one_second = torch.empty(1, 1, sample_rate, device="meta")
    kernel = torch.empty(1, 1, 3, device="meta")
    want = F.conv1d(one_second, kernel, stride=2, padding=1).shape[-1]
    return grade_answer(
        answer,
        want,
        right=tr(
            "{samples} samples per second: stride 2 halves the sampling rate "
            "(downsampling), so the highest frequency it can represent halves too.",
            samples=want,
        ),
        wrong=[
            (
                2 * sample_rate,
                tr("a stride skips positions: are there more outputs or fewer?"),
            )
        ],
        otherwise=tr(
            "the input has {rate} samples per second; the kernel moves 2 samples "
            "between outputs.",
            rate=sample_rate,
        ),
        ask=tr("give a number of samples per second"),
    )


def check_stride_savings(answer):
    """``answer``: how many times fewer multiply-adds stride 2 needs than stride 1.

    The layer: 224x224 input, 3x3 kernel, padding 1 (per side), one channel.
    """
    stride_1 = conv_macs(1, 224, 224, 1, 3, 3, 1, 1, 1, 1)
    stride_2 = conv_macs(1, 224, 224, 1, 3, 3, 1, 1, 2, 2)
    want = stride_1 / stride_2
    return grade_answer(
        answer,
        want,
        right=tr(
            "{ratio:g} times fewer: stride s computes one output in s*s, and the "
            "smaller output also needs {ratio:g} times less memory.",
            ratio=want,
        ),
        wrong=[
            (
                math.sqrt(want),
                tr("the stride applies to the height and to the width."),
            ),
            (1 / want, tr("give how many times fewer (a number above 1).")),
        ],
        otherwise=tr("compare the number of output positions for the two strides."),
        rel=1e-3,
    )


def check_fractional_stride(stride_half):
    """``stride_half(X, K)``: a "stride 1/2" cross-correlation of 2-D tensors.

    Insert one zero between neighbouring rows and columns of ``X`` (n becomes
    2n - 1), pad k - 1 zeros on every side, then cross-correlate with ``K``.
    """
    normal = random_normal(4)

    def case(x_shape, k_shape):
        X, K = normal(*x_shape), normal(*k_shape)
        # A transposed convolution with stride 2 is the same computation with
        # the kernel flipped.
        want = F.conv_transpose2d(X[None, None], K.flip(0, 1)[None, None], stride=2)
        where = tr("X of shape {x} and K of shape {k}", x=x_shape, k=k_shape)
        return where, (X.float(), K.float()), want[0, 0], []

    shapes = [((3, 3), (2, 2)), ((2, 4), (3, 3)), ((4, 3), (1, 2))]
    return grade_function(
        stride_half,
        (case(*pair) for pair in shapes),
        right=tr(
            "this doubles the size: it is PyTorch's transposed convolution "
            "(nn.ConvTranspose2d, stride 2), used to upsample."
        ),
        otherwise=tr(
            "the shape is right, the values are not: check where the inserted "
            "zeros go, and that you cross-correlate (no flip)."
        ),
        shape=tr(
            "the output is {want}, got {got}: check the zeros inserted "
            "(n -> 2n - 1) and the k - 1 zeros of padding per side."
        ),
    )


def check_stride_prediction(
    answer, input_size=7, kernel_size=3, padding=1, stride=2, dilation=1
):
    """``answer``: the (h, w) output of the sweep explorer's layer.

    ``padding`` is per side, as in ``nn.Conv2d`` and the explorer's sliders.
    """
    n = positive_pair(input_size, "input_size")
    k = positive_pair(kernel_size, "kernel_size")
    p = nonnegative_pair(padding, "padding")
    s = positive_pair(stride, "stride")
    d = positive_pair(dilation, "dilation")
    conv2d_output_shape(n, k, s, p, d)
    return grade_output_shape(
        answer,
        n,
        k,
        p,
        s,
        d,
        right=tr(
            "floor((n + 2p - d(k - 1) - 1) / s) + 1 per axis; set the sliders and "
            "watch the windows land."
        ),
    )


def check_stack_prediction(
    answer, count=5, input_size=32, kernel_size=3, padding=1, stride=2
):
    """``answer``: ``(output size, receptive field)`` after ``count`` equal layers.

    Square input and layers; ``padding`` is per side. The field is in input
    pixels along one axis, as ``receptive_field_table`` counts it.
    """
    count = check_positive_int(count, "count")
    n = check_positive_int(input_size, "input_size")
    layers = repeat_layer(count, kernel_size, padding, stride)
    last = receptive_field_table(layers, n)[-1]
    want = (last.output_size[0], last.receptive_field[0])
    got = as_int_pair(answer)
    if got is None:
        return hint(
            tr(
                "give a pair of whole numbers (output size, receptive field), got "
                "{answer!r}",
                answer=answer,
            )
        )
    k, s = last.kernel_size[0], last.stride[0]
    size, field = got
    if size != want[0]:
        if size == n - count * (k - 1):
            return hint(
                tr(
                    "the output size: a stride s divides the size by about s at "
                    "every layer."
                )
            )
        return hint(
            tr("the output size: apply floor((n + 2p - k) / s) + 1 once per layer.")
        )
    if field != want[1]:
        if field == 1 + count * (k - 1):
            text = tr(
                "the receptive field: each layer adds (k - 1) times the jump below "
                "it, and every stride multiplies the jump."
            )
        elif field == n:
            text = tr(
                "the receptive field: a receptive field can be larger than the "
                "input: the part outside lies in the padding."
            )
        else:
            text = tr(
                "the receptive field: add, layer by layer, (k - 1) times the "
                "product of the strides below that layer."
            )
        return hint(text)
    values = dict(size=want[0], field=want[1], n=n, s=s, jump=last.jump[0])
    if want[1] > n:
        return correct(
            tr(
                "{size}x{size}, and each output sees {field}x{field} input pixels, "
                "more than the {n} input pixels: the rest of the field is padding. "
                "The stride {s} multiplies the jump at every layer (jump {jump} "
                "after the last).",
                **values,
            )
        )
    return correct(
        tr(
            "{size}x{size}, and each output sees {field}x{field} input pixels. The "
            "stride {s} multiplies the jump at every layer (jump {jump} after the "
            "last).",
            **values,
        )
    )


def check_dilated_field(answer, dilations=(1, 2, 4), kernel_size=3):
    """``answer``: the receptive field of stacked layers with these dilations.

    One layer per dilation, kernel ``kernel_size``, stride 1; the field is in
    input pixels along one axis.
    """
    if isinstance(dilations, int) or not dilations:
        raise ValueError(
            f"dilations must list one dilation per layer, got {dilations!r}"
        )
    k = check_positive_int(kernel_size, "kernel_size")
    ds = [check_positive_int(d, "dilation") for d in dilations]
    layers = [dict(kernel_size=k, dilation=d) for d in ds]
    want = receptive_field_table(layers)[-1].receptive_field[0]
    spans = [d * (k - 1) + 1 for d in ds]
    return grade_answer(
        answer,
        want,
        right=tr(
            "{field}: each layer adds d(k - 1), so {layers} layers see {field} "
            "pixels; the same {layers} layers without dilation would see only "
            "{plain} pixels.",
            field=want,
            layers=len(ds),
            plain=1 + len(ds) * (k - 1),
        ),
        wrong=[
            (
                1 + len(ds) * (k - 1),
                tr(
                    "the dilation spreads the kernel: a layer with dilation d "
                    "spans d(k - 1) + 1 pixels."
                ),
            ),
            (
                1 + sum(d * k - 1 for d in ds),
                tr("a dilated kernel spans d(k - 1) + 1 pixels, not d * k."),
            ),
            (
                sum(spans),
                tr(
                    "fields do not simply add: two stacked windows of 3 see 5 "
                    "pixels, not 6 (they overlap by one)."
                ),
            ),
            (
                max(spans),
                tr("the layers below widen what each input of the last layer sees."),
            ),
        ],
        otherwise=tr(
            "one layer at a time: a layer with dilation d and kernel k adds "
            "d(k - 1) to the field (stride 1 keeps the jump at 1)."
        ),
        ask=tr("give a whole number of pixels"),
    )


def check_undilated_layers(answer, dilations=(1, 2, 4), kernel_size=3):
    """``answer``: how many undilated layers (stride 1) see as far as the dilated ones.

    The dilated stack has one ``kernel_size`` layer per dilation, stride 1; the
    plain stack has layers of the same kernel, dilation 1.
    """
    if isinstance(dilations, int) or not dilations:
        raise ValueError(
            f"dilations must list one dilation per layer, got {dilations!r}"
        )
    k = check_positive_int(kernel_size, "kernel_size")
    if k < 2:
        raise ValueError(f"kernel_size must be >= 2 to widen the field, got {k}")
    ds = [check_positive_int(d, "dilation") for d in dilations]
    dilated = [dict(kernel_size=k, dilation=d) for d in ds]
    field = receptive_field_table(dilated)[-1].receptive_field[0]
    want = 1
    while receptive_field_table(repeat_layer(want, k))[-1].receptive_field[0] < field:
        want += 1
    return grade_answer(
        answer,
        want,
        right=tr(
            "{layers} layers: each adds k - 1 = {added}, so 1 + {layers} x {added} "
            "= {plain} pixels, with {weights} weights; the dilated stack sees "
            "{field} with {dilated} layers and {dilated_weights} weights.",
            layers=want,
            added=k - 1,
            plain=1 + want * (k - 1),
            weights=want * k * k,
            field=field,
            dilated=len(ds),
            dilated_weights=len(ds) * k * k,
        ),
        wrong=[
            (
                len(ds),
                tr(
                    "{layers} undilated layers widen the field by only {added} "
                    "each: 1 + {layers} x {added} is far below {field}.",
                    layers=len(ds),
                    added=k - 1,
                    field=field,
                ),
            ),
            (field, tr("that is the field in pixels; count the layers it takes.")),
            (
                want - 1,
                tr(
                    "one short: 1 + {fewer} x {added} < {field}.",
                    fewer=want - 1,
                    added=k - 1,
                    field=field,
                ),
            ),
            (
                math.ceil(field / k),
                tr(
                    "stacked windows overlap: each layer adds k - 1 = {added} "
                    "pixels, not {k}.",
                    added=k - 1,
                    k=k,
                ),
            ),
        ],
        otherwise=tr(
            "a single output sees 1 pixel before the first layer, and each "
            "undilated {k}x{k} layer adds k - 1 = {added}.",
            k=k,
            added=k - 1,
        ),
        ask=tr("give a whole number of layers"),
    )
