"""Checks for the exercises of notebook 10-real-photo."""

from functools import partial

import torch
import torch.nn.functional as F

from .._validate import positive_pair
from ..i18n import N_, tr
from . import _common as c
from ._common import as_tensor, close, correct, hint, xcorr

# fmt: off
TABLE = {
    "sobel_y": {
        "nothing": N_("give a 3x3 kernel (a tensor), got nothing."),
        "shape": N_("give a 3x3 kernel (a tensor), got shape {shape}."),
        "right": N_("Sobel's y kernel is the x kernel transposed: a difference down the rows, smoothed with [1, 2, 1] along them."),
        "x": N_("this kernel answers brightness growing from left to right; you want one that compares rows, not columns."),
        "sign": N_("the sign: brightness growing downwards must give a positive output."),
        "flat": N_("a flat image must give 0: the weights must add up to 0."),
        "scale": N_("the right pattern, but {scale:g} times Sobel's weights."),
        "direction": N_("it answers the right direction; Sobel's kernel also weights the middle column twice as much as the two others."),
        "otherwise": N_("subtract the row above from the row below, weighting the middle column twice.")},
    "edge_strength": {
        "tensor": N_("return a tensor, got {name}."),
        "shape": N_("an image of {h}x{w} gives {m_h}x{m_w} values with 3x3 kernels and no padding; got shape {shape}."),
        "abs": N_("that is |gx| + |gy|; the strength is the length of the vector (gx, gy)."),
        "squares": N_("a length: take the square root of the sum of squares."),
        "one": N_("combine both directions: an edge can run any way."),
        "negative": N_("a strength is a length: it is never negative."),
        "normalised": N_("yours is divided by its maximum: edge_strength returns the length itself; divide only the picture you pass to show_images."),
        "otherwise": N_("cross-correlate with Sobel's kernel and with its transpose, then combine the two maps into the length of the gradient (gx, gy)."),
        "right": N_("(gx, gy) points across the edge, and its length sees edges that run any way (for a smooth ramp it does not depend on the direction at all).")},
    "limit_scaling": {
        "ask": N_("give a number: the new limit divided by the old one."),
        "right": N_("the Hessian 2 A^T A / N holds two factors of the image, so it grows four times and the limit 2 / lambda_max shrinks four times: one reason to normalise inputs."),
        "larger": N_("doubling the photo makes the loss steeper, so the limit gets smaller, not larger."),
        "unchanged": N_("the Hessian depends on the image's values: it changes."),
        "half": N_("count the factors of the image in the Hessian 2 A^T A / N (A holds its windows)."),
        "otherwise": N_("the limit is 2 / lambda_max of 2 A^T A / N; see what happens to A^T A when every entry of A doubles.")},
    "pooled_size": {
        "ask": N_("give a pair of ints (h, w), got {answer!r}."),
        "right": N_("each 2x2 pooling with stride 2 halves the size, rounding down: a last row or column without a full window is dropped."),
        "up": N_("PyTorch rounds down: a last row or column without a full 2x2 window is dropped."),
        "stride": N_("nn.MaxPool2d(2) moves its window 2 pixels at a time (its stride is the window size by default), not 1."),
        "otherwise": N_("apply floor((n - 2) / 2) + 1 once per pooling layer, to the height and to the width.")},
}
# fmt: on


# Sobel's kernel: a difference across the columns, smoothed down the rows.
SOBEL_X = torch.outer(torch.tensor([1.0, 2, 1]), torch.tensor([-1.0, 0, 1])).double()


def check_sobel_y(K):
    """``K``: Sobel's 3x3 kernel for brightness that grows from top to bottom."""
    t, K = TABLE["sobel_y"], as_tensor(K)
    if K is None:
        return hint(t["nothing"])
    if K.shape != (3, 3):
        return hint(t["shape"], shape=tuple(K.shape))
    want, like = SOBEL_X.T, partial(close, K, tol=1e-6)
    if like(want):
        return correct(t["right"])
    # A multiple of the kernel: the right shape, the wrong scale.
    scale = float((K * want).sum() / (want * want).sum())
    ramp = torch.arange(6.0, dtype=torch.float64)[:, None].expand(6, 6)
    problems = dict(x=like(SOBEL_X), sign=like(-want), flat=abs(float(K.sum())) > 1e-6)
    problems |= dict(scale=scale > 0 and like(scale * want))
    problems |= dict(direction=bool((xcorr(ramp, K) > 0).all()))
    return hint(t[c.first(problems) or "otherwise"], scale=scale)


def _strength_hint(X, got):
    """Why ``got`` is not the edge strength of ``X``, translated, or ``None``."""
    t = TABLE["edge_strength"]
    gx, gy = xcorr(X, SOBEL_X), xcorr(X, SOBEL_X.T)
    want = torch.sqrt(gx**2 + gy**2)
    if (tensor := as_tensor(got)) is None:
        return tr(t["tensor"], name=type(got).__name__)
    if tensor.shape != want.shape:
        (h, w), shape = X.shape, tuple(tensor.shape)
        return tr(t["shape"], h=h, w=w, m_h=h - 2, m_w=w - 2, shape=shape)
    like = partial(close, tensor)
    if like(want):
        return None
    problems = dict(abs=like(gx.abs() + gy.abs()), squares=like(gx**2 + gy**2))
    problems |= dict(one=any(map(like, (gx, gy, gx.abs(), gy.abs()))))
    problems |= dict(negative=bool((tensor < 0).any()))
    peak = float(want.max())  # 0 for a flat image
    problems |= dict(normalised=peak > 0 and like(want / peak))
    return tr(t[c.first(problems) or "otherwise"])


def check_edge_strength(edge_strength):
    """``edge_strength(X)``: ``sqrt(gx**2 + gy**2)``, gx and gy the 2-D float32 ``X``
    cross-correlated with Sobel's x kernel and its transpose, no padding."""
    ramp = torch.arange(7.0)[None, :] + 2 * torch.arange(6.0)[:, None]
    noise = c.random_normal(7)(8, 9)
    calls = [(X.float().double(),) for X in (noise, ramp, torch.ones(5, 5))]
    entry = TABLE["edge_strength"]
    return c.grade_calls(edge_strength, entry, calls, partial(partial, _strength_hint))


def check_limit_scaling(answer):
    """By what factor does the stable learning rate (``stable_lr``) change when X
    doubles? (The loss: the mean squared error of a kernel on X.)"""
    from ..photo import stable_lr

    t = TABLE["limit_scaling"]
    g = torch.Generator().manual_seed(3)
    X = torch.rand(12, 10, generator=g, dtype=torch.float64)
    want = stable_lr(2 * X, 3) / stable_lr(X, 3)
    if (got := c.as_number(answer)) is None:
        return hint(t["ask"])
    wrong = dict(larger=lambda got: got > 1, unchanged=1.0, half=0.5)
    return c.verdict(t, c.mistake(got, want, wrong))


def check_pooled_size(answer, shape=(128, 109)):
    """``answer``: the (h, w) of a ``shape`` image after three ``MaxPool2d(2)``."""
    t, (h, w), rounds = TABLE["pooled_size"], positive_pair(shape, "shape"), 3
    if min(h, w) < 2**rounds:
        raise ValueError(
            f"shape must leave at least one pixel after {rounds} poolings "
            f"(each halves it), got {h} x {w}"
        )
    X = up = torch.empty(1, 1, h, w, device="meta")
    for _ in range(rounds):
        X, up = F.max_pool2d(X, 2), F.max_pool2d(up, 2, ceil_mode=True)
    wrong = dict(stride=(h - rounds, w - rounds), up=tuple(up.shape[2:]))
    return c.grade(answer, t, tuple(X.shape[2:]), wrong, read=c.as_ints)
