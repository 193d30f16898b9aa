"""Checks for the exercises of notebook 06-channels."""

import torch
import torch.nn.functional as F

from ..i18n import N_
from . import _common as c
from ._common import Choices, grade_calls, grade_choice

# fmt: off
TABLE = {
    "composed_kernel_size": {
        "ones": N_("two 1x1 kernels make one 1x1 kernel: what does yours give?"),
        "shifted": N_("each value of the second layer sees k2 values of the first; each of those sees k1 inputs, shifted by one: how wide is that?"),
        "right": N_("two kernels of sizes k1 and k2 act like one of size k1 + k2 - 1 (with no nonlinearity in between)."),
        "otherwise": N_("you answered {got!r}. Push a single 1 through both layers and measure what comes out.")},
    "compose_kernels": {
        "case": N_("K1 of shape {s1} and K2 of shape {s2}"),
        "right": N_("two stacked kernels with nothing in between are one bigger kernel."),
        "otherwise": N_("push a single 1 through K1 and then K2: what comes out is the combined kernel, up to a flip."),
        "shape": N_("they combine into a kernel of shape {want}, got {got}.")},
    "every_kernel_factors": {
        "right": N_("two 2x2 kernels have {two_small} numbers, a 3x3 kernel has {one_big}: the pairs cannot reach every 3x3 kernel (most do not factor)."),
        "otherwise": N_("count the numbers you can choose in two 2x2 kernels and in one 3x3."),
        "ask": N_("answer True or False")},
    "y1_y2": {
        "choices": {
            "a": N_("They are always exactly equal: both add up the same products."),
            "b": N_("They agree up to rounding: the same products are added in a different order, and floating-point addition is not associative."),
            "c": N_("They differ because the kernel is random."),
            "d": N_("They differ because the matrix-product version leaves out the bias.")},
        "right": N_("in float64, (0.1 + 0.2) + 0.3 = {left!r} but 0.1 + (0.2 + 0.3) = {right!r}; compare with a tolerance, never with ==."),
        "otherwise": N_("both codes use the same kernel and neither has a bias. Does the order in which floats are added change the result?")},
    "conv2d_as_matmul": {
        "right": N_("unfold the windows into columns (im2col), flatten the kernels into rows, multiply once: this is how many libraries compute convolutions."),
        "otherwise": N_("lay each window of X (all channels) out as one column; each output channel's kernel becomes one row."),
        "shape": N_("the output has shape {want} (c_o, then the height, then the width), got {got}."),
        "forbid": N_("do it without {names}: that is the reference."),
        "require": N_("the values are right; now do the sums as one matrix product.")},
    "block_diagonal_speedup": {
        "squared": N_("there are b blocks, each (c/b) x (c/b)."),
        "right": N_("b times faster: c^2 / b multiply-adds per pixel instead of c^2."),
        "otherwise": N_("you answered {got!r}: count the nonzero entries of both matrices.")},
    "groups_lose": {
        "choices": {
            "a": N_("Nothing: a grouped layer computes everything a dense one does, with fewer multiply-adds."),
            "b": N_("An output channel sees only the input channels of its own group: within the layer, no information crosses from one group to another."),
            "c": N_("Resolution: a grouped layer divides the height and width by b."),
            "d": N_("Output channels: a grouped layer gives c / b of them instead of c.")},
        "right": N_("the b groups are b thin layers side by side. A dense 1x1 layer, or a shuffle of the channels, between grouped layers lets them mix again."),
        "a": N_("the grouped weight is block-diagonal: can output channel 0 weigh an input channel of another group?"),
        "c": N_("a 1x1 layer with stride 1 keeps the height and the width."),
        "d": N_("each of the b groups gives c / b output channels: c in all.")},
    "channel_prediction": {
        "ask_weights": N_("give the number of weights as a number, got {weights!r}"),
        "ask_shape": N_("give the output shape as (channels, height, width), got {shape!r}"),
        "weights": {
            "one_kernel": N_("every output channel has a kernel of its own."),
            "one_slice": N_("each output kernel has a slice per input channel."),
            "k_by_k": N_("one k x k slice per input channel, for every output channel."),
            "bias": N_("leave the bias out: count the weights only."),
            "otherwise": N_("the weight tensor has shape (c_o, c_i, k, k) = ({c_o}, {c_i}, {k}, {k}): how many numbers is that?")},
        "on_weights": N_("the weights: {text}"),
        "shape": {
            "c_i": N_("one output channel per kernel: c_o of them, not c_i."),
            "summed": N_("the input channels are summed, but each of the c_o kernels gives an output channel of its own."),
            "unshrunk": N_("without padding a k x k window fits n - k + 1 times."),
            "minus_k": N_("count the window positions: n - k + 1."),
            "otherwise": N_("one channel per output kernel, each shrunk as in notebook 2 (no padding, stride 1).")},
        "on_shape": N_("the output shape: {text}"),
        "right": N_("{weights} weights (one {c_i}x{k}x{k} kernel per output channel) and an output of shape {shape}: set the sliders and compare.")},
}
# fmt: on
Y1_Y2_CHOICES = Choices(TABLE["y1_y2"]["choices"])
GROUPS_CHOICES = Choices(TABLE["groups_lose"]["choices"])


def _impulse_response_size(k1, k2):
    """Size of what two stacked kernels make of a single 1: their combined kernel."""
    # Positive weights, so no value cancels out.
    K1, K2 = (torch.ones(1, 1, k, k, dtype=torch.float64) for k in (k1, k2))
    n = 2 * (k1 + k2) + 1
    X = torch.zeros(1, 1, n, n, dtype=torch.float64)
    X[0, 0, n // 2, n // 2] = 1.0
    Y = F.conv2d(F.conv2d(X, K1, padding=k1 - 1), K2, padding=k2 - 1)[0, 0]
    return int((Y != 0).any(dim=1).sum())


def check_composed_kernel_size(composed_size):
    """``composed_size(k1, k2)`` -> size of the single kernel equal to k1 then k2."""

    def mistakes(want, k1, k2):
        # (2, 2) gives k1 + k2 = k1 * k2 = 4: the 1x1 hint only where it fits.
        ones = k1 + k2 if k1 == k2 == 1 else None
        return dict(ones=ones, shifted=c.any_of(k1 * k2, max(k1, k2)))

    calls = [(1, 1), (2, 2), (3, 3), (2, 5), (5, 3), (1, 4), (7, 2)]
    entry, reference = TABLE["composed_kernel_size"], _impulse_response_size
    return grade_calls(composed_size, entry, calls, reference, mistakes, "k1, k2")


def _compose(K1, K2):
    # corr2d(corr2d(X, K1), K2) sums X[i + a + c, j + b + d] K1[a, b] K2[c, d]:
    # the kernel is the full convolution of K1 with K2.
    return F.conv_transpose2d(K1[None, None], K2[None, None])[0, 0]


def check_compose_kernels(compose):
    """``compose(K1, K2)`` -> K: corr2d(corr2d(X, K1), K2) = corr2d(X, K), all 2-D."""
    t, normal = TABLE["compose_kernels"], c.random_normal(6)
    shapes = [((2, 2), (2, 2)), ((1, 2), (2, 1)), ((3, 3), (2, 2)), ((2, 3), (3, 1))]
    calls = [(normal(*s1), normal(*s2)) for s1, s2 in shapes]
    return grade_calls(compose, t, calls, _compose, None, c.case(t["case"], s1=0, s2=1))


def check_every_kernel_factors(answer):
    """``answer`` (True/False): can every 3x3 kernel be split into two 2x2 kernels?"""
    facts = dict(two_small=2 * 2 * 2, one_big=3 * 3)  # the numbers one can choose
    entry, want = TABLE["every_kernel_factors"], facts["two_small"] >= facts["one_big"]
    return c.grade(
        answer, entry, want, read=lambda a: a if isinstance(a, bool) else None, **facts
    )


def check_y1_y2(answer):
    """``answer``: a letter from ``Y1_Y2_CHOICES``: why Y1 and Y2 may differ."""
    # Floating-point addition in a different order: a first-principles check.
    left, right = (0.1 + 0.2) + 0.3, 0.1 + (0.2 + 0.3)
    want = "b" if left != right else "a"
    entry = TABLE["y1_y2"]
    return grade_choice(answer, entry, "Y1_Y2_CHOICES", want, left=left, right=right)


def _conv2d(X, K):
    return F.conv2d(X[None], K)[0]


def check_conv2d_as_matmul(conv2d_matmul):
    """``conv2d_matmul(X, K)``: X (c_i, h, w), K (c_o, c_i, k_h, k_w) -> (c_o, m, m').
    No padding, stride 1: one matrix product, no convolution function."""
    t, normal = TABLE["conv2d_as_matmul"], c.random_normal(7)
    X0 = torch.stack([torch.arange(9.0), torch.arange(1.0, 10.0)]).reshape(2, 3, 3)
    K0 = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])
    calls = [
        (X0.double(), torch.stack([K0, K0 + 1, K0 + 2]).double()),
        (normal(3, 7, 5), normal(4, 3, 3, 2)),  # a 5x4 output: height != width
        (normal(1, 4, 4), normal(2, 1, 1, 1)),
    ]
    products = {"matmul", "mm", "bmm", "einsum", "tensordot", "linear", "addmm"}
    rules = dict(forbid=(lambda n: "conv" in n, t["forbid"]), require=products)
    return grade_calls(conv2d_matmul, t, calls, _conv2d, None, c.case(), **rules)


def check_block_diagonal_speedup(speedup):
    """``speedup(c, b)``: how many times fewer multiply-adds a c x c matrix with
    b equal diagonal blocks (b divides c) needs than a dense one, times a vector."""

    def reference(c, b):
        block = torch.block_diag(*[torch.ones(c // b, c // b)] * b)
        return c * c / int(block.count_nonzero())

    def mistakes(want, c, b):
        return dict(squared=b * b)

    calls = [(8, 2), (12, 3), (256, 4), (64, 64), (10, 1)]
    entry = TABLE["block_diagonal_speedup"]
    return grade_calls(speedup, entry, calls, reference, mistakes, "c, b")


def check_groups_lose(answer):
    """``answer``: the letter of ``GROUPS_CHOICES`` saying what b groups lose."""
    c, b = 4, 2
    X = torch.zeros(1, c, 3, 3)
    X[:, -1] = 1.0  # an input in the last group only
    # Each fact behind the right letter, checked with PyTorch: output channel 0
    # of nn.Conv2d(c, c, 1, groups=b) does not see that input, a dense layer's
    # does, and the grouped layer keeps the shape.
    grouped = F.conv2d(X, torch.ones(c, c // b, 1, 1), groups=b)
    dense = F.conv2d(X, torch.ones(c, c, 1, 1))
    facts = not grouped[:, 0].any() and dense[:, 0].any() and grouped.shape == X.shape
    want = "b" if facts else "a"
    return grade_choice(answer, TABLE["groups_lose"], "GROUPS_CHOICES", want)


def check_channel_prediction(weights, shape):
    """``weights`` (no bias) and output ``shape`` (channels, height, width) of
    ``nn.Conv2d(3, 2, 3)`` on one 5x5 input."""
    c_i, c_o, k, n = 3, 2, 3, 5
    layer = torch.nn.Conv2d(c_i, c_o, k, bias=False, device="meta")
    want_weights = layer.weight.numel()
    want_shape = tuple(layer(torch.empty(1, c_i, n, n, device="meta")).shape[1:])
    weight_counts = dict(one_kernel=c_i * k * k, one_slice=c_o * k * k, k_by_k=k * k)
    weight_counts["bias"] = want_weights + c_o
    m = n - k + 1
    shapes = dict(c_i=(c_i, m, m), summed=(1, m, m), unshrunk=(c_o, n, n))
    shapes["minus_k"] = (c_o, m - 1, m - 1)
    parts = dict(
        weights=(weights, c.as_number, want_weights, weight_counts),
        shape=(shape, lambda s: c.as_ints(s, 3), want_shape, shapes),
    )
    facts = dict(weights=want_weights, c_i=c_i, c_o=c_o, k=k, shape=want_shape)
    return c.grade_parts(TABLE["channel_prediction"], parts, **facts)
