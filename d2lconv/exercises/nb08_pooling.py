"""Checks for the exercises of notebook 08-pooling."""

import math
from functools import partial

import torch
import torch.nn.functional as F

from ..i18n import N_
from . import _common as c
from ._common import Choices, correct, grade_calls, hint

# fmt: off
TABLE = {
    "avg_pool_as_conv": {
        "mixed": N_("your result mixes channels: pooling works on each channel separately (the channel count stays the same)."),
        "sums": N_("your kernel sums each window: the mean divides that sum by the k*k values of the window."),
        "right": N_("average pooling is a convolution with fixed weights 1/(k*k), one channel at a time: a linear operation."),
        "require": N_("the values are right; now use conv2d.")},
    "max_pool_not_linear": {
        "ask": N_("give two 2-D tensors of the same shape, at least 2x2."),
        "linear": N_("for these two, pool(x + y) = pool(x) + pool(y). Try inputs whose largest values sit in different places."),
        "right": N_("pool(x + y) != pool(x) + pool(y): max pooling is not linear, and every convolution is, so no convolution can compute it.")},
    "max_from_relu": {
        "right": N_("max(a, b) = a + ReLU(b - a): one ReLU per pair."),
        "otherwise": N_("write max(a, b) as a plus a correction that is zero whenever a is the larger one."),
        "shape": N_("return a tensor shaped like a and b."),
        "require": N_("the values are right; now use ReLU.")},
    "max_pool_from_relu": {
        "case": N_("X of shape {shape}"),
        "right": N_("a 2x2 max is two rounds of pairwise maxima, each a ReLU: a convolution-and-ReLU network can pool."),
        "otherwise": N_("take the max of the two top values and of the two bottom values, then the max of those two.")},
    "relu_max_layers": {
        "right": N_("{layers_2x2} layers for 2x2 (4 values) and {layers_3x3} for 3x3 (9 values): ceil(log2(window size)), since each layer halves the candidates."),
        "linear": N_("compare pairs side by side in one layer: a tournament."),
        "otherwise": N_("each layer halves the number of candidates (rounding up). How many halvings take 4 values to 1? And 9?"),
        "ask": N_("give two whole numbers (2x2, 3x3)")},
    "pooling_cost": {
        "per_channel": N_("each channel is pooled on its own."),
        "right": N_("c * m_h * m_w * k_h * k_w: like a convolution with c_i = c_o = c but no channel mixing, and no parameters."),
        "otherwise": N_("you answered {got!r}: find the output size first (as for a convolution), then count the window's values.")},
    "min_pooling": {
        "max": N_("that is max pooling: min(x) = -max(-x)."),
        "negate": N_("negate the input as well: min(x) = -max(-x), not -max(x)."),
        "mean": N_("that is each window's mean, not its minimum."),
        "negate_back": N_("that is max(-x), which is -min(x): negate the result back."),
        "right": N_("min pooling needs no layer of its own: min(x) = -max(-x), so negate, max-pool, negate.")},
    "softmax_pooling": {
        "mean": N_("that is the plain mean: weight each value by the softmax of its window's values."),
        "max": N_("that is max pooling: weight each value by softmax(x) instead."),
        "weights": N_("the weights alone add up to 1: multiply each by its value x."),
        "axis": N_("your softmax spans more than one window: each window needs a softmax of its own, over its k*k values."),
        "right": N_("softmax pooling lies between average and max pooling, but costs exponentials for every value, and its output depends on the scale of the inputs.")},
    "pooling_prediction": {
        "ask_shape": N_("give the output shape as a pair (h, w), got {shape!r}"),
        "ask_top_left": N_("give the top-left output value as a number, got {top_left!r}"),
        "shape": {
            "no_padding": N_("the padding adds p rows and columns on each side."),
            "no_stride": N_("the window jumps s rows (columns) at a time."),
            "otherwise": N_("use floor((n + 2p - k) / s) + 1 on each axis, as for a convolution.")},
        "on_shape": N_("the shape: {text}"),
        "top_left": {
            "unpadded": N_("the first window starts in the padding."),
            "mean": N_("this is max pooling: keep the largest value, do not average."),
            "zero": N_("max pooling pads with -inf, so padding never wins the maximum."),
            "otherwise": N_("the first window covers rows and columns -{p} to {last}; which real pixels does it hold, and which is the largest?")},
        "on_top_left": N_("the top-left value: {text}"),
        "right": N_("output {shape}, top-left value {value:g}: the first window holds only {real} real pixels. Now set the explorer and compare.")},
    "strided_conv_params": {
        "right": N_("{want} parameters ({c}*{c}*2*2 weights + {c} biases) where max pooling has none."),
        "no_bias": N_("nn.Conv2d has a bias by default: c_o more parameters."),
        "one_input": N_("every output channel reads every input channel."),
        "none": N_("pooling has no parameters, but the convolution has."),
        "otherwise": N_("the weight has shape (c_o, c_i, k, k); add the bias.")},
    "pool_or_conv": {
        "choices": {
            "a": N_("A stride-2 convolution does everything a 2x2 max-pooling layer does, at no extra cost."),
            "b": N_("A stride-2 convolution shrinks the input just as much and can learn average pooling, but no convolution computes a maximum, and it adds weights to learn and multiply-adds to compute."),
            "c": N_("A convolution cannot shrink its input, so pooling layers are needed."),
            "d": N_("Pooling layers learn their weights too, so the two are the same layer.")},
        "right": N_("a strided convolution can downsample, and learn to average, but max pooling is not linear (exercise 2); the convolution also costs parameters (part a) and multiply-adds."),
        "a": N_("exercise 2: can any convolution compute a maximum?"),
        "c": N_("what does stride 2 do to the output size?"),
        "d": N_("count the parameters of nn.MaxPool2d.")},
}
# fmt: on
POOL_OR_CONV_CHOICES = Choices(TABLE["pool_or_conv"]["choices"])


def _grade_pool(pool, entry, reference, mistakes=None, **rules):
    """``grade_calls`` for ``pool(X, pool_size, stride)`` (X of shape N, C, H, W)."""
    normal = c.random_normal(8)
    shapes = [((1, 1, 4, 4), 2, 1), ((2, 3, 6, 6), 2, 2), ((1, 2, 7, 5), 3, 2)]
    where = c.case(
        N_("X of shape {shape}, pool_size={k}, stride={s}"), shape=0, k=1, s=2
    )
    calls = [(normal(*shape), k, s) for shape, k, s in shapes]
    return grade_calls(pool, entry, calls, reference, mistakes, where, **rules)


def _windows(X, k, s):
    """All k x k windows of X (N, C, H, W): shape (N, C, m_h, m_w, k*k)."""
    return X.unfold(2, k, s).unfold(3, k, s).flatten(-2)


def check_avg_pool_as_conv(avg_pool):
    """``avg_pool(X, pool_size, stride)``: ``F.avg_pool2d`` of X (N, C, H, W),
    computed with ``F.conv2d`` (or ``nn.Conv2d``), no pooling function."""

    def mistakes(want, X, k, s):
        # A kernel over all channels averages their sum into every channel.
        summed = F.avg_pool2d(X.sum(1, keepdim=True), k, s)
        mixed = summed.expand(-1, X.shape[1], -1, -1)
        return dict(mixed=mixed, sums=want * k * k)

    rules = dict(forbid=(lambda name: "pool" in name, c.DO_WITHOUT), require={"conv2d"})
    entry = TABLE["avg_pool_as_conv"]
    return _grade_pool(avg_pool, entry, F.avg_pool2d, mistakes, **rules)


def check_max_pool_not_linear(x, y):
    """``x``, ``y``: two 2-D tensors (same shape, at least 2x2) for which 2x2 max
    pooling (stride 1) of x + y is not the sum of the poolings."""
    t, x, y = TABLE["max_pool_not_linear"], c.as_tensor(x), c.as_tensor(y)
    if x is None or y is None or x.dim() != 2 or x.shape != y.shape or min(x.shape) < 2:
        return hint(t["ask"])
    pool_x, pool_y, pool_sum = F.max_pool2d(torch.stack([x, y, x + y])[:, None], 2, 1)
    linear = torch.allclose(pool_sum, pool_x + pool_y)
    return hint(t["linear"]) if linear else correct(t["right"])


_COMPARISONS = {"gt", "ge", "lt", "le", "greater", "less", "greater_equal"}
_MAX_LIKE = ("max", "min", "clamp", "clip", "where", "sort", "topk", "abs", "sign")
# The rule against taking a maximum any other way than with ReLU.
RELU_ONLY = (
    lambda name: name in _COMPARISONS or any(word in name for word in _MAX_LIKE),
    N_("do it with ReLU only, without {names}."),
)


def check_max_from_relu(max_from_relu):
    """``max_from_relu(a, b)`` -> elementwise max of two tensors with ReLU, +, -
    and scaling only (no max, maximum, clamp, abs, where, comparisons)."""
    normal = c.random_normal(9)
    a, b = normal(5, 7).float().double(), normal(5, 7).float().double()
    b[0] = a[0]  # ties
    rules = dict(forbid=RELU_ONLY, require={"relu"})
    entry = TABLE["max_from_relu"]
    return grade_calls(max_from_relu, entry, [(a, b)], torch.maximum, **rules)


def check_max_pool_from_relu(max_pool):
    """``max_pool(X)``: 2x2 max pooling (stride 2) of X (N, C, H, W), H and W even,
    with ReLU, convolutions, slicing, +, - and scaling only (no max, clamp, abs)."""
    t, normal = TABLE["max_pool_from_relu"], c.random_normal(10)
    calls = [(normal(1, 1, 4, 4),), (normal(2, 3, 6, 8),)]
    reference, where = partial(F.max_pool2d, kernel_size=2), c.case(t["case"], shape=0)
    return grade_calls(max_pool, t, calls, reference, None, where, forbid=RELU_ONLY)


def check_relu_max_layers(answer):
    """``answer = (layers_2x2, layers_3x3)``: layers of pairwise ReLU maxima that
    max-pool a window (a value with no partner passes through)."""
    # Each layer of pairwise maxima halves the candidates, rounding up.
    want = tuple(math.ceil(math.log2(values)) for values in (4, 9))
    facts = dict(layers_2x2=want[0], layers_3x3=want[1])
    entry = TABLE["relu_max_layers"]
    return c.grade(answer, entry, want, dict(linear=(3, 8)), read=c.as_ints, **facts)


def _reads(c, h, w, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1):
    X = torch.empty(1, c, h, w, device="meta")
    return F.max_pool2d(X, (k_h, k_w), (s_h, s_w), (p_h, p_w)).numel() * k_h * k_w


def check_pooling_cost(pooling_cost):
    """``pooling_cost(c, h, w, k_h, k_w, p_h, p_w, s_h, s_w)`` -> input values read:
    one per window element per output value (padding per side)."""
    calls = [
        (1, 4, 4, 2, 2, 0, 0, 2, 2),
        (3, 32, 32, 3, 3, 1, 1, 1, 1),
        (2, 9, 7, 3, 2, 1, 0, 2, 3),
        (64, 56, 56, 3, 3, 1, 1, 2, 2),
    ]
    entry, names = TABLE["pooling_cost"], "c, h, w, k_h, k_w, p_h, p_w, s_h, s_w"

    def mistakes(want, c, *_):
        return dict(per_channel=want / c)

    return grade_calls(pooling_cost, entry, calls, _reads, mistakes, names)


def check_min_pooling(min_pool):
    """``min_pool(X, pool_size, stride)``: minimum pooling of X (N, C, H, W)."""

    def reference(X, k, s):
        return _windows(X, k, s).amin(-1)

    def mistakes(want, X, k, s):
        windows = _windows(X, k, s)
        maxima = windows.amax(-1)
        wrong = dict(max=maxima, negate=-maxima, mean=windows.mean(-1))
        return wrong | dict(negate_back=-want)

    return _grade_pool(min_pool, TABLE["min_pooling"], reference, mistakes)


def check_softmax_pooling(softmax_pool):
    """``softmax_pool(X, pool_size, stride)``: sum(softmax(x) * x) over the values x
    of each window of X (N, C, H, W)."""

    def reference(X, k, s):
        windows = _windows(X, k, s)
        return (torch.softmax(windows, -1) * windows).sum(-1)

    def mistakes(want, X, k, s):
        windows = _windows(X, k, s)
        weights = torch.softmax(windows, -1).sum(-1)
        wrong = dict(mean=windows.mean(-1), max=windows.amax(-1), weights=weights)
        # A softmax over every window (N, C, positions, k*k) or the whole image
        # (N, C, H*W): the weights of one window no longer add up to 1.
        across = torch.softmax(windows.flatten(2, 3), 2).view_as(windows)
        image = _windows(torch.softmax(X.flatten(2), -1).view_as(X) * X, k, s)
        axis = c.any_of((across * windows).sum(-1), image.sum(-1))
        return wrong | dict(axis=axis)

    return _grade_pool(softmax_pool, TABLE["softmax_pooling"], reference, mistakes)


def check_pooling_prediction(shape, top_left):
    """``shape`` (h, w) and ``top_left`` value of ``nn.MaxPool2d(3, 2, 1)`` on the
    explorer's input 0..48 (7x7, row by row)."""
    n, k, p, s = 7, 3, 1, 2
    X = torch.arange(float(n * n)).view(n, n)
    Y = F.max_pool2d(X[None, None], k, s, p)[0, 0]
    want_shape, want_value = tuple(Y.shape), Y[0, 0].item()
    no_padding, no_stride = (n - k) // s + 1, n + 2 * p - k + 1
    shapes = dict(no_padding=(no_padding,) * 2, no_stride=(no_stride,) * 2)
    mean = X[: k - p, : k - p].sum().item() / k**2
    values = dict(unpadded=X[:k, :k].max().item(), mean=mean, zero=0.0)
    parts = dict(
        shape=(shape, c.as_ints, want_shape, shapes),
        top_left=(top_left, c.as_number, want_value, values),
    )
    facts = dict(shape=want_shape, value=want_value, real=(k - p) ** 2)
    facts |= dict(p=p, last=k - p - 1)
    return c.grade_parts(TABLE["pooling_prediction"], parts, **facts)


def check_strided_conv_params(answer):
    """``answer``: parameters (bias included) ``nn.Conv2d(64, 64, 2, stride=2)`` adds
    in place of ``nn.MaxPool2d(2)``."""
    n = 64
    # On the meta device: no weights drawn, the global random state left alone.
    layers = (torch.nn.Conv2d(n, n, 2, stride=2, device="meta"), torch.nn.MaxPool2d(2))
    conv, pool = (sum(p.numel() for p in layer.parameters()) for layer in layers)
    want = conv - pool
    wrong = dict(no_bias=n * n * 4, one_input=c.any_of(n * 4 + n, n * 4), none=0)
    return c.grade(answer, TABLE["strided_conv_params"], want, wrong, c=n, want=want)


def check_pool_or_conv(answer):
    """``answer``: the letter of ``POOL_OR_CONV_CHOICES`` that is right."""
    x = torch.tensor([[[[1.0, 0.0], [0.0, 0.0]]]])
    y = torch.tensor([[[[0.0, 0.0], [0.0, 1.0]]]])
    # Each fact behind the right letter, checked with PyTorch.
    shrinks = F.conv2d(torch.empty(1, 1, 8, 8), torch.ones(1, 1, 2, 2), stride=2)
    average = F.conv2d(x + 2 * y, torch.full((1, 1, 2, 2), 0.25), stride=2)
    max_linear = bool(F.max_pool2d(x + y, 2) == F.max_pool2d(x, 2) + F.max_pool2d(y, 2))
    facts = (
        shrinks.shape[-1] == 4
        and torch.equal(average, F.avg_pool2d(x + 2 * y, 2))
        and not max_linear
    )
    entry = TABLE["pool_or_conv"]
    return c.grade_choice(answer, entry, "POOL_OR_CONV_CHOICES", "b" if facts else "a")
