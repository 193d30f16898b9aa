"""Checks for the exercises of notebook 08-pooling."""

import torch
import torch.nn.functional as F

from ._common import (
    as_int_pair,
    as_tensor,
    correct,
    grade_answer,
    grade_formula,
    grade_function,
    hint,
    random_normal,
    without,
)


def _pool_cases(reference, mistakes=lambda X, k, s: []):
    """Cases for ``pool(X, pool_size, stride)``: ``reference`` and ``mistakes``."""
    normal = random_normal(8)
    for shape, k, s in [
        ((1, 1, 4, 4), 2, 1),
        ((2, 3, 6, 6), 2, 2),
        ((1, 2, 7, 5), 3, 2),
    ]:
        X = normal(*shape)
        where = f"X of shape {shape}, pool_size={k}, stride={s}"
        yield where, (X.float(), k, s), reference(X, k, s), mistakes(X, k, s)


def _windows(X, k, s):
    """All k x k windows of X (N, C, H, W): shape (N, C, m_h, m_w, k*k)."""
    return X.unfold(2, k, s).unfold(3, k, s).flatten(-2)


def check_avg_pool_as_conv(avg_pool):
    """``avg_pool(X, pool_size, stride)``: average pooling of X (N, C, H, W) by a conv.

    Same result as ``F.avg_pool2d(X, pool_size, stride)``; use ``F.conv2d`` (or
    ``nn.Conv2d``), not a pooling function.
    """

    def mixed(X, k, s):
        # A kernel over all channels averages their sum into every channel.
        summed = F.avg_pool2d(X.sum(1, keepdim=True), k, s)
        text = (
            "your result mixes channels: pooling works on each channel "
            "separately (the channel count stays the same)."
        )
        return [(summed.expand(-1, X.shape[1], -1, -1), text)]

    return grade_function(
        avg_pool,
        _pool_cases(F.avg_pool2d, mixed),
        right="average pooling is a convolution with fixed weights 1/(k*k), one "
        "channel at a time: a linear operation.",
        forbid=without(lambda name: "pool" in name),
        require=({"conv2d"}, "the values are right; now use conv2d."),
    )


def check_max_pool_not_linear(x, y):
    """``x``, ``y``: two 2-D tensors showing that 2x2 max pooling is not linear.

    A convolution is linear: conv(x + y) = conv(x) + conv(y) for every x, y.
    Find x and y (same shape, at least 2x2) where 2x2 max pooling (stride 1)
    breaks this.
    """
    x, y = as_tensor(x), as_tensor(y)
    if x is None or y is None or x.dim() != 2 or x.shape != y.shape or min(x.shape) < 2:
        return hint("give two 2-D tensors of the same shape, at least 2x2.")

    def pool(t):
        return F.max_pool2d(t[None, None], 2, stride=1)[0, 0]

    if torch.allclose(pool(x + y), pool(x) + pool(y)):
        return hint(
            "for these two, pool(x + y) = pool(x) + pool(y). Try inputs whose "
            "largest values sit in different places."
        )
    return correct(
        "pool(x + y) != pool(x) + pool(y): max pooling is not linear, and every "
        "convolution is, so no convolution can compute it."
    )


_COMPARISONS = {"gt", "ge", "lt", "le", "greater", "less", "greater_equal"}
_MAX_LIKE = ("max", "min", "clamp", "clip", "where", "sort", "topk", "abs", "sign")

# Taking a maximum any other way than with ReLU.
_RELU_ONLY = without(
    lambda name: name in _COMPARISONS or any(word in name for word in _MAX_LIKE),
    "do it with ReLU only, without {}.",
)


def check_max_from_relu(max_from_relu):
    """``max_from_relu(a, b)`` -> elementwise max of two tensors, using only ReLU.

    Allowed: ``F.relu`` (or ``torch.relu``, ``nn.ReLU``), +, - and scaling.
    Not allowed: max, maximum, clamp, abs, where, comparisons.
    """
    normal = random_normal(9)
    a = normal(5, 7).float()
    b = normal(5, 7).float()
    b[0] = a[0]  # ties
    return grade_function(
        max_from_relu,
        [(None, (a.clone(), b.clone()), torch.maximum(a, b).double(), [])],
        right="max(a, b) = a + ReLU(b - a): one ReLU per pair.",
        otherwise="write max(a, b) as a plus a correction that is zero whenever a "
        "is the larger one.",
        shape="return a tensor shaped like a and b.",
        forbid=_RELU_ONLY,
        require=({"relu"}, "the values are right; now use ReLU."),
    )


def check_max_pool_from_relu(max_pool):
    """``max_pool(X)``: 2x2 max pooling (stride 2) of X (N, C, H, W) with ReLU only.

    ``H`` and ``W`` are even. Allowed: convolutions, slicing, reshaping, ReLU,
    +, - and scaling; not allowed: max functions, clamp, abs, comparisons.
    """
    normal = random_normal(10)
    shapes = [(1, 1, 4, 4), (2, 3, 6, 8)]
    cases = (
        (f"X of shape {tuple(x.shape)}", (x.float(),), F.max_pool2d(x, 2), [])
        for x in (normal(*shape) for shape in shapes)
    )
    return grade_function(
        max_pool,
        cases,
        right="a 2x2 max is two rounds of pairwise maxima, each a ReLU: a "
        "convolution-and-ReLU network can pool.",
        otherwise="take the max of the two top values and of the two bottom "
        "values, then the max of those two.",
        forbid=_RELU_ONLY,
    )


def _tournament_rounds(values):
    """Rounds of pairwise maxima needed to reduce ``values`` numbers to one."""
    rounds = 0
    while values > 1:
        values = (values + 1) // 2
        rounds += 1
    return rounds


def check_relu_max_layers(answer):
    """``answer = (layers_2x2, layers_3x3)``: ReLU layers to max-pool a window.

    Each layer takes maxima of pairs (as in ``check_max_from_relu``), and a value
    with no partner passes through.
    """
    want = (_tournament_rounds(4), _tournament_rounds(9))
    return grade_answer(
        answer,
        want,
        right=f"{want[0]} layers for 2x2 (4 values) and {want[1]} for 3x3 (9 "
        f"values): ceil(log2(window size)), since each layer halves the candidates.",
        wrong=[
            ((4 - 1, 9 - 1), "compare pairs side by side in one layer: a tournament.")
        ],
        otherwise="each layer halves the number of candidates (rounding up). How "
        "many halvings take 4 values to 1? And 9?",
        ask="give two whole numbers (2x2, 3x3)",
        read=as_int_pair,
    )


def _pool_reads(c, h, w, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1):
    X = torch.empty(1, c, h, w, device="meta")
    Y = F.max_pool2d(X, (k_h, k_w), (s_h, s_w), (p_h, p_w))
    return Y.numel() * k_h * k_w


def check_pooling_cost(pooling_cost):
    """``pooling_cost(c, h, w, k_h, k_w, p_h, p_w, s_h, s_w)`` -> values read.

    The number of input values the pooling layer reads: one per window element
    per output value (padding per side). Max pooling compares about that
    many; average pooling adds about that many.
    """
    return grade_formula(
        pooling_cost,
        "c, h, w, k_h, k_w, p_h, p_w, s_h, s_w",
        [
            (1, 4, 4, 2, 2, 0, 0, 2, 2),
            (3, 32, 32, 3, 3, 1, 1, 1, 1),
            (2, 9, 7, 3, 2, 1, 0, 2, 3),
            (64, 56, 56, 3, 3, 1, 1, 2, 2),
        ],
        _pool_reads,
        lambda want, c, *_: [(want / c, "each channel is pooled on its own.")],
        right="c * m_h * m_w * k_h * k_w: like a convolution with c_i = c_o = c "
        "but no channel mixing, and no parameters.",
        otherwise="you answered {got!r}: find the output size first (as for a "
        "convolution), then count the window's values.",
    )


def check_min_pooling(min_pool):
    """``min_pool(X, pool_size, stride)``: minimum pooling of X (N, C, H, W)."""
    return grade_function(
        min_pool,
        _pool_cases(lambda X, k, s: _windows(X, k, s).amin(-1)),
        right="min pooling needs no layer of its own: min(x) = -max(-x), so "
        "negate, max-pool, negate.",
    )


def check_softmax_pooling(softmax_pool):
    """``softmax_pool(X, pool_size, stride)``: each window's softmax-weighted mean.

    For the values x of a window, the output is sum(softmax(x) * x). X has
    shape (N, C, H, W).
    """

    def reference(X, k, s):
        windows = _windows(X, k, s)
        return (torch.softmax(windows, -1) * windows).sum(-1)

    return grade_function(
        softmax_pool,
        _pool_cases(reference),
        right="softmax pooling lies between average and max pooling, but costs "
        "exponentials for every value, and its output depends on the scale "
        "of the inputs.",
    )
