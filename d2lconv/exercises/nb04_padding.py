"""Checks for the exercises of notebook 04-padding."""

import math
import warnings
from functools import partial

import numpy as np
import torch
import torch.nn.functional as F

from .._validate import nonnegative_pair, positive_pair
from ..i18n import tr
from ..shapes import conv2d_output_shape
from ._common import (
    as_number,
    as_tensor,
    close,
    correct,
    first_hint,
    grade_answer,
    grade_output_shape,
    hint,
    random_normal,
)


def check_padded_size(answer, input_size=(5, 6), kernel_size=3, padding=2):
    """``answer``: the (h, w) output of the sweep explorer's layer (stride 1).

    ``padding`` is per side, as in ``nn.Conv2d`` and the explorer's sliders.
    """
    n = positive_pair(input_size, "input_size")
    k = positive_pair(kernel_size, "kernel_size")
    p = nonnegative_pair(padding, "padding")
    # A clear ValueError (with the formula) if the layer has no output.
    conv2d_output_shape(n, k, 1, p)
    return grade_output_shape(
        answer,
        n,
        k,
        p,
        (1, 1),
        right=tr(
            "n + 2p - k + 1 per axis: padding={padding} per side adds {rows} rows "
            "and {columns} columns in total.",
            padding=padding,
            rows=2 * p[0],
            columns=2 * p[1],
        ),
    )


def _uses(n, k, p):
    """How many windows of a k x k kernel use each pixel of an n x n input."""
    X = torch.zeros(1, 1, n, n, dtype=torch.float64, requires_grad=True)
    ones = torch.ones(1, 1, k, k, dtype=torch.float64)
    # The gradient of the sum of the outputs counts the windows over each pixel.
    F.conv2d(X, ones, padding=p).sum().backward()
    return X.grad[0, 0]


def _whole(answer):
    """``answer`` as a whole number, or ``None``."""
    v = as_number(answer)
    return v if v is not None and math.isfinite(v) and v == int(v) else None


def check_corner_uses(answer, input_size=6, kernel_size=3, padding=1):
    """``answer``: how many outputs use the corner pixel (``padding`` per side)."""
    n = positive_pair(input_size, "input_size")
    k = positive_pair(kernel_size, "kernel_size")
    p = nonnegative_pair(padding, "padding")
    if n[0] != n[1] or k[0] != k[1] or p[0] != p[1]:
        raise ValueError(
            "this check takes a square input, kernel and padding, got "
            f"input_size={input_size}, kernel_size={kernel_size}, padding={padding}"
        )
    conv2d_output_shape(n, k, 1, p)
    uses = _uses(n[0], k[0], p[0])
    want = int(uses[0, 0])
    centre = int(uses[n[0] // 2, n[0] // 2])
    unpadded = int(_uses(n[0], k[0], 0)[0, 0])
    per_axis = min(p[0], k[0] - 1) + 1
    return grade_answer(
        answer,
        want,
        right=tr(
            "{uses} windows, against {centre} for a central pixel: padding gives "
            "the border more weight, but still less than the middle.",
            uses=want,
            centre=centre,
        ),
        wrong=[
            (
                unpadded,
                tr(
                    "that is without padding: with padding the windows that start "
                    "in the padding cover the corner too."
                ),
            ),
            (
                centre,
                tr(
                    "that is a pixel in the middle: count only the windows that "
                    "contain the corner."
                ),
            ),
            (per_axis, tr("count along both axes: rows and columns.")),
        ],
        otherwise=tr(
            "count, along one axis, the window positions that contain row 0 of the "
            "input (the padded input starts p rows earlier), then multiply the two "
            "axes."
        ),
        ask=tr("give a whole number of outputs"),
        read=_whole,
    )


def _as_sides(answer):
    """``((top, bottom), (left, right))`` of ints, or ``None``."""
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        return None
    sides = []
    for pair in answer:
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            return None
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in pair):
            return None
        sides.append(tuple(pair))
    return tuple(sides)


def _torch_same_sides(kernel_size):
    """The per-side padding that PyTorch's ``padding="same"`` uses, found by trial."""
    k_h, k_w = kernel_size
    g = torch.Generator().manual_seed(0)
    X = torch.randn(1, 1, k_h + 4, k_w + 4, generator=g, dtype=torch.float64)
    K = torch.randn(1, 1, k_h, k_w, generator=g, dtype=torch.float64)
    with warnings.catch_warnings():
        # PyTorch notes that an even kernel needs a padded copy; harmless here.
        warnings.simplefilter("ignore", UserWarning)
        same = F.conv2d(X, K, padding="same")
    for top in range(k_h):
        for left in range(k_w):
            sides = ((top, k_h - 1 - top), (left, k_w - 1 - left))
            (t, b), (lf, r) = sides
            if close(F.conv2d(F.pad(X, (lf, r, t, b)), K), same, 1e-9):
                return sides
    raise AssertionError(f"no split of the padding matches 'same' for {kernel_size}")


def check_same_padding(answer, kernel_size=(4, 2)):
    """``answer``: ``((top, bottom), (left, right))`` of ``padding="same"``.

    The padding that PyTorch's ``F.conv2d(..., padding="same")`` adds, for a
    kernel of ``kernel_size``, found by comparing with ``F.pad`` then no padding.
    """
    k = positive_pair(kernel_size, "kernel_size")
    want = _torch_same_sides(k)
    book = tuple((t - t // 2, t // 2) for t in (k[0] - 1, k[1] - 1))
    per_side = ((k[0] - 1, k[0] - 1), (k[1] - 1, k[1] - 1))
    got = _as_sides(answer)
    if got is None:
        return hint(
            tr(
                "give ((top, bottom), (left, right)) as whole numbers, got {answer!r}",
                answer=answer,
            )
        )
    if got == want:
        return correct(
            tr(
                "{sides}: top + bottom = {total} = k_h - 1 keeps the height, and "
                "with an odd total PyTorch puts the extra row at the bottom and "
                "the extra column at the right.",
                sides=want,
                total=k[0] - 1,
            )
        )
    if got == book and book != want:
        return hint(
            tr(
                "that is the book's choice (the extra row on top); PyTorch's "
                "'same' puts it at the other end."
            )
        )
    if got == per_side:
        return hint(
            tr("k - 1 is the total padding of an axis: split it between the sides.")
        )
    if sum(got[0]) != k[0] - 1 or sum(got[1]) != k[1] - 1:
        return hint(
            tr(
                "to keep the size, the padding of an axis must add up to k - 1 "
                "(top + bottom = k_h - 1)."
            )
        )
    return hint(tr("the totals are right; which side gets the larger share?"))


def _pad_hints():
    """numpy padding mode -> the hint for a student's padding that matches it."""
    consistent = tr("be consistent: either repeat the border value or never.")
    return {
        "reflect": consistent,
        "symmetric": consistent,
        "constant": tr("that is zero padding; mirror the image instead."),
        "edge": tr(
            "that repeats the border value; a mirror copies the values next to "
            "the border, in reverse order."
        ),
    }


def _mirror_hint(got, X, p, modes):
    """Why ``got`` is not ``X`` mirrored in one of ``modes``, which it narrows."""
    got, want = as_tensor(got), (X.shape[0] + 2 * p, X.shape[1] + 2 * p)
    if got is None or tuple(got.shape) != want:
        return tr(
            "p rows and columns are added on every side: X of shape {shape} with "
            "p = {p} becomes {want}.",
            shape=tuple(X.shape),
            p=p,
            want=want,
        )
    hints = _pad_hints()
    padded = {mode: torch.from_numpy(np.pad(X.numpy(), p, mode)) for mode in hints}
    if matched := {mode for mode in modes if close(got, padded[mode])}:
        modes.intersection_update(matched)
        return None
    return next(
        (text for mode, text in hints.items() if close(got, padded[mode])),
        tr(
            "the padded values should be the image's own values next to the "
            "border, in reverse order, as in a mirror."
        ),
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
            tr(
                "this is PyTorch's F.pad(..., mode='reflect'): the border value is "
                "not repeated."
            )
        )
    return correct(
        tr(
            "the border value is repeated (numpy's 'symmetric'); PyTorch's "
            "'reflect' mirrors without repeating it. Both are mirror padding."
        )
    )
