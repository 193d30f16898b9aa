"""Checks for the exercises of notebook 03-padding-and-stride."""

import math
from functools import partial

import numpy as np
import torch
import torch.nn.functional as F

from .._validate import check_positive_int, nonnegative_pair, positive_pair
from ..shapes import conv2d_output_shape
from ._common import (
    as_int_pair,
    as_tensor,
    close,
    conv_macs,
    conv_output_size,
    correct,
    first_hint,
    grade_answer,
    grade_function,
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
    want = conv_output_size(*n, *k, *p, *s)
    # Padding read as the book's total (p rows added instead of 2p).
    total = tuple((n[a] - k[a] + p[a] + s[a]) // s[a] for a in (0, 1))
    no_stride = tuple(n[a] + 2 * p[a] - k[a] + 1 for a in (0, 1))
    return grade_answer(
        answer,
        want,
        right=f"the output is {want[0]}x{want[1]}, as nn.Conv2d says.",
        wrong=[
            (
                total,
                "padding= is per side in PyTorch: the padded input has n + 2p "
                "rows. The book's p_h is the total.",
            ),
            (no_stride, "the window jumps s rows (columns) at a time: divide by s."),
        ],
        otherwise="one axis at a time: pad both sides, count the window positions "
        "that fit when the window jumps s at a time (round down).",
        ask="give a pair of whole numbers (height, width)",
        read=as_int_pair,
    )


def check_audio_stride(answer, sample_rate=16000):
    """``answer``: output samples per second of a stride-2 1-D conv on audio."""
    sample_rate = check_positive_int(sample_rate, "sample_rate")
    one_second = torch.empty(1, 1, sample_rate, device="meta")
    kernel = torch.empty(1, 1, 3, device="meta")
    want = F.conv1d(one_second, kernel, stride=2, padding=1).shape[-1]
    return grade_answer(
        answer,
        want,
        right=f"{want} samples per second: stride 2 halves the sampling rate "
        f"(downsampling), so the highest frequency it can represent halves too.",
        wrong=[
            (
                2 * sample_rate,
                "a stride skips positions: are there more outputs or fewer?",
            )
        ],
        otherwise=f"the input has {sample_rate} samples per second; the kernel "
        f"moves 2 samples between outputs.",
        ask="give a number of samples per second",
    )


_PAD_HINTS = {
    "reflect": "be consistent: either repeat the border value or never.",
    "symmetric": "be consistent: either repeat the border value or never.",
    "constant": "that is zero padding; mirror the image instead.",
    "edge": "that repeats the border value; a mirror copies the values next to "
    "the border, in reverse order.",
}


def _mirror_hint(got, X, p, modes):
    """Why ``got`` is not ``X`` mirrored in one of ``modes``, which it narrows."""
    got, want = as_tensor(got), (X.shape[0] + 2 * p, X.shape[1] + 2 * p)
    if got is None or tuple(got.shape) != want:
        return (
            f"p rows and columns are added on every side: X of shape "
            f"{tuple(X.shape)} with p = {p} becomes {want}."
        )
    padded = {mode: torch.from_numpy(np.pad(X.numpy(), p, mode)) for mode in _PAD_HINTS}
    if matched := {mode for mode in modes if close(got, padded[mode])}:
        modes.intersection_update(matched)
        return None
    return next(
        (text for mode, text in _PAD_HINTS.items() if close(got, padded[mode])),
        "the padded values should be the image's own values next to the "
        "border, in reverse order, as in a mirror.",
    )


def check_mirror_padding(mirror_pad):
    """``mirror_pad(X, p)`` -> ``X`` (2-D) with ``p`` mirrored rows/columns per side."""
    normal, modes = random_normal(3), {"reflect", "symmetric"}
    cases = []
    for shape, p in [((4, 5), 1), ((5, 6), 2), ((3, 3), 2), ((6, 4), 3)]:
        X = normal(*shape)
        judge = partial(_mirror_hint, X=X, p=p, modes=modes)
        cases.append((None, (X.float(), p), judge, []))
    if text := first_hint(mirror_pad, cases):
        return hint(text)
    if "reflect" in modes:
        return correct(
            "this is PyTorch's F.pad(..., mode='reflect'): the border value is "
            "not repeated."
        )
    return correct(
        "the border value is repeated (numpy's 'symmetric'); PyTorch's "
        "'reflect' mirrors without repeating it. Both are mirror padding."
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
        right=f"{want:g} times fewer: stride s computes one output in s*s, and "
        f"the smaller output also needs {want:g} times less memory.",
        wrong=[
            (math.sqrt(want), "the stride applies to the height and to the width."),
            (1 / want, "give how many times fewer (a number above 1)."),
        ],
        otherwise="compare the number of output positions for the two strides.",
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
        where = f"X of shape {x_shape} and K of shape {k_shape}"
        return where, (X.float(), K.float()), want[0, 0], []

    shapes = [((3, 3), (2, 2)), ((2, 4), (3, 3)), ((4, 3), (1, 2))]
    return grade_function(
        stride_half,
        (case(*pair) for pair in shapes),
        right="this doubles the size: it is PyTorch's transposed convolution "
        "(nn.ConvTranspose2d, stride 2), used to upsample.",
        otherwise="the shape is right, the values are not: check where the "
        "inserted zeros go, and that you cross-correlate (no flip).",
        shape="the output is {want}, got {got}: check the zeros inserted "
        "(n -> 2n - 1) and the k - 1 zeros of padding per side.",
    )
