"""Checks for the exercises of notebook 10-real-photo."""

import numbers

import torch
import torch.nn.functional as F

from .._validate import positive_pair
from ..i18n import tr
from ._common import (
    as_int_pair,
    as_number,
    as_tensor,
    call,
    close,
    correct,
    first_hint,
    hint,
    same,
    xcorr,
)


def _sobel_x():
    # Sobel's kernel: a difference across the columns, smoothed down the rows.
    return torch.outer(
        torch.tensor([1.0, 2.0, 1.0], dtype=torch.float64),
        torch.tensor([-1.0, 0.0, 1.0], dtype=torch.float64),
    )


def check_sobel_y(K):
    """``K``: Sobel's 3x3 kernel for brightness that grows from top to bottom."""
    K = as_tensor(K)
    if K is None:
        return hint(tr("give a 3x3 kernel (a tensor), got nothing."))
    if K.shape != (3, 3):
        return hint(
            tr(
                "give a 3x3 kernel (a tensor), got shape {shape}.",
                shape=tuple(K.shape),
            )
        )
    reference = _sobel_x().T
    if close(K, reference, 1e-6):
        return correct(
            tr(
                "Sobel's y kernel is the x kernel transposed: a difference down "
                "the rows, smoothed with [1, 2, 1] along them."
            )
        )
    if close(K, _sobel_x(), 1e-6):
        return hint(
            tr(
                "this kernel answers brightness growing from left to right; you "
                "want one that compares rows, not columns."
            )
        )
    if close(K, -reference, 1e-6):
        return hint(
            tr("the sign: brightness growing downwards must give a positive output.")
        )
    if abs(float(K.sum())) > 1e-6:
        return hint(tr("a flat image must give 0: the weights must add up to 0."))
    # A multiple of the kernel: the right shape, the wrong scale.
    scale = float((K * reference).sum() / (reference * reference).sum())
    if scale > 0 and close(K, scale * reference, 1e-6):
        return hint(
            tr(
                "right shape, but {scale:g} times Sobel's weights: its rows are "
                "[-1, -2, -1], [0, 0, 0] and [1, 2, 1].",
                scale=scale,
            )
        )
    ramp = torch.arange(6.0, dtype=torch.float64)[:, None].expand(6, 6)
    if bool((xcorr(ramp, K) > 0).all()):
        return hint(
            tr(
                "it answers the right direction; Sobel's kernel also weights the "
                "middle column twice as much as the two others."
            )
        )
    return hint(
        tr(
            "subtract the row above from the row below, weighting the middle "
            "column twice."
        )
    )


def check_edge_strength(edge_strength):
    """``edge_strength(X)``: ``sqrt(gx**2 + gy**2)`` for a 2-D ``X``.

    ``gx`` and ``gy`` are ``X`` cross-correlated with Sobel's x kernel and its
    transpose, without padding; ``X`` is a float32 tensor.
    """
    # With no cases, first_hint only has a hint if edge_strength is no function.
    if text := first_hint(edge_strength, ()):
        return hint(text)
    g = torch.Generator().manual_seed(7)
    ramp = torch.arange(7.0)[None, :] + 2 * torch.arange(6.0)[:, None]
    for X in (torch.randn(8, 9, generator=g), ramp, torch.ones(5, 5)):
        X64 = X.double()
        gx, gy = xcorr(X64, _sobel_x()), xcorr(X64, _sobel_x().T)
        reference = torch.sqrt(gx**2 + gy**2)
        result, error = call(edge_strength, X.clone())
        if error:
            return hint(error)
        got = as_tensor(result)
        if got is None:
            return hint(tr("return a tensor, got {name}.", name=type(result).__name__))
        if got.shape != reference.shape:
            h, w = X.shape
            return hint(
                tr(
                    "an image of {h}x{w} gives {m_h}x{m_w} values with 3x3 kernels "
                    "and no padding; got shape {shape}.",
                    h=h,
                    w=w,
                    m_h=h - 2,
                    m_w=w - 2,
                    shape=tuple(got.shape),
                )
            )
        if close(got, reference):
            continue
        if close(got, gx.abs() + gy.abs()):
            return hint(
                tr(
                    "that is |gx| + |gy|; the strength is the length of the vector "
                    "(gx, gy)."
                )
            )
        if close(got, gx**2 + gy**2):
            return hint(tr("a length: take the square root of the sum of squares."))
        if any(close(got, m) for m in (gx, gy, gx.abs(), gy.abs())):
            return hint(tr("combine both directions: an edge can run any way."))
        if bool((got < 0).any()):
            return hint(tr("a strength is a length: it is never negative."))
        return hint(
            tr(
                "cross-correlate with Sobel's kernel and with its transpose, then "
                "combine the two maps into the length of the gradient (gx, gy)."
            )
        )
    return correct(
        tr(
            "(gx, gy) points across the edge, and its length sees edges that run "
            "any way (for a smooth ramp it does not depend on the direction at all)."
        )
    )


def check_limit_scaling(answer):
    """By what factor does the stable learning rate change when X doubles?

    The loss is the mean squared error of a kernel on ``X``; the answer is the
    new ``stable_lr`` divided by the old one (a number).
    """
    from ..photo import stable_lr

    X = torch.rand(
        12, 10, generator=torch.Generator().manual_seed(3), dtype=torch.float64
    )
    reference = stable_lr(2 * X, 3) / stable_lr(X, 3)
    got = as_number(answer)
    if got is None:
        return hint(tr("give a number: the new limit divided by the old one."))
    if same(got, reference):
        return correct(
            tr(
                "the Hessian 2 A^T A / N holds two factors of the image, so it "
                "grows four times and the limit 2 / lambda_max shrinks four times: "
                "one reason to normalise inputs."
            )
        )
    if got > 1:
        return hint(
            tr(
                "doubling the photo makes the loss steeper, so the limit gets "
                "smaller, not larger."
            )
        )
    if same(got, 1.0):
        return hint(tr("the Hessian depends on the image's values: it changes."))
    if same(got, 0.5):
        return hint(
            tr(
                "count the factors of the image in the Hessian 2 A^T A / N "
                "(A holds its windows)."
            )
        )
    return hint(
        tr(
            "the limit is 2 / lambda_max of 2 A^T A / N; see what happens to "
            "A^T A when every entry of A doubles."
        )
    )


def check_pooled_size(answer, shape=(128, 109), rounds=3):
    """``answer``: the (h, w) of a ``shape`` image after ``rounds`` ``MaxPool2d(2)``."""
    h, w = positive_pair(shape, "shape")
    if isinstance(rounds, bool) or not isinstance(rounds, numbers.Integral):
        raise TypeError(f"rounds must be an int, got {rounds!r}")
    if not 1 <= rounds or min(h, w) < 2**rounds:
        raise ValueError(
            f"rounds must be >= 1 and leave at least one pixel of {h} x {w} "
            f"(each round halves it), got {rounds}"
        )
    X = torch.empty(1, 1, h, w, device="meta")
    up = X
    for _ in range(rounds):
        X = F.max_pool2d(X, 2)
        up = F.max_pool2d(up, 2, ceil_mode=True)
    reference, rounded_up = tuple(X.shape[2:]), tuple(up.shape[2:])
    got = as_int_pair(answer)
    if got is None:
        return hint(tr("give a pair of ints (h, w), got {answer!r}.", answer=answer))
    if got == reference:
        return correct(
            tr(
                "each 2x2 pooling with stride 2 halves the size, rounding down: a "
                "last row or column without a full window is dropped."
            )
        )
    if got == rounded_up:
        return hint(
            tr(
                "PyTorch rounds down: a last row or column without a full 2x2 "
                "window is dropped."
            )
        )
    if got == (h - rounds, w - rounds):
        return hint(
            tr(
                "nn.MaxPool2d(2) moves its window 2 pixels at a time (its stride "
                "is the window size by default), not 1."
            )
        )
    return hint(
        tr(
            "apply floor((n - 2) / 2) + 1 once per pooling layer, to the height "
            "and to the width."
        )
    )
