"""Checks for the exercises of notebook 07-layer-cost."""

import math
from functools import partial

import torch

from ..i18n import N_
from . import _common as c
from ._common import conv_macs, conv_output_size, grade, grade_calls

ONE_OPERATION = N_("count a multiply-add as one operation.")
# The formula checks take a layer (c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w),
# padding per side; these include notebook 7's 1-GFLOP layer.
NAMES = "c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w"
# The first tells the typical mistakes apart: each gives a count of its own.
LAYERS = [
    (3, 8, 7, 4, 3, 2, 2, 1, 2, 3),
    (1, 8, 8, 1, 3, 3, 1, 1, 1, 1),
    (3, 32, 32, 16, 5, 5, 2, 2, 1, 1),
    (2, 9, 7, 3, 3, 2, 0, 1, 2, 3),
    (4, 15, 16, 8, 3, 3, 1, 1, 2, 2),
    (3, 8, 8, 2, 3, 5, 0, 1, 3, 4),
    (100, 64, 64, 100, 5, 5, 2, 2, 1, 1),
]
COUNT = N_(
    "your count is {got!r}. Work out the output size first (padding per side), "
    "then count."
)
# fmt: off
TABLE = {
    "forward_cost": {
        "total_padding": N_("padding here is per side (PyTorch's padding=): the padded input has h + 2*p_h rows. The book's p_h is the total."),
        "no_stride": N_("with a stride the window jumps s rows or columns at a time, so there are fewer output positions."),
        "one_input": N_("each output value sums over all c_i input channels."),
        "one_output": N_("every one of the c_o output channels has its own kernel."),
        "no_kernel": N_("each output value sums k_h * k_w products per input channel, one per kernel weight."),
        "bias": N_("the bias is added once per output value, with no multiplication: it is not a multiply-add, leave it out."),
        "two": N_("count a multiply-add (one multiplication and one addition) as one operation, as the course does."),
        "size": COUNT,
        "right": N_("c_i * c_o * k_h * k_w * m_h * m_w, with (m_h, m_w) the output size: 1.024e9 for notebook 7's layer."),
        "otherwise": N_("your count is {got!r}. Count the multiply-adds of one output value, then multiply by the number of output values of all c_o channels.")},
    "forward_memory": {
        "no_weights": N_("the weights and the bias are stored too."),
        "no_bias": N_("the bias has c_o values."),
        "no_input": N_("the input is stored too."),
        "no_output": N_("the output is stored too."),
        "padded": N_("the padding is not stored: count the input as it is, c_i*h*w."),
        "one_input": N_("each of the c_o kernels has a k_h x k_w slice for every one of the c_i input channels."),
        "bytes": N_("that is a number of bytes; count values (4 bytes each in float32)."),
        "size": COUNT,
        "right": N_("c_i*h*w + c_o*c_i*k_h*k_w + c_o + c_o*m_h*m_w values (4 bytes each in float32)."),
        "otherwise": N_("your count is {got!r}. Add up the values of each tensor: the input, the weights, the bias and the output.")},
    "backward_cost": {
        "half": N_("the backward pass computes two gradients: for the input (to pass on) and for the weights (to learn)."),
        "two": ONE_OPERATION,
        "with_forward": N_("that counts the forward pass too: the backward pass computes only the two gradients."),
        "size": COUNT,
        "right": N_("twice the forward cost: one pass for dL/dX, one for dL/dW, each as many multiply-adds as the forward pass."),
        "otherwise": N_("your count is {got!r}. Count the multiply-adds of each gradient, for the input and for the weights, as exercise 1 counts the forward pass.")},
    "backward_memory": {
        "not_kept": N_("the forward pass keeps the input and the weights for the backward pass: count them."),
        "once": N_("the input and the weights are each held twice: kept by the forward pass, and as their gradients dL/dX and dL/dW."),
        "no_bias": N_("the bias gradient has c_o values."),
        "bias_kept": N_("the bias appears only once, as its gradient: the forward pass does not keep it for the backward pass (the bias gradient is the sum of dL/dY and needs no saved value)."),
        "no_incoming": N_("the incoming gradient dL/dY, shaped like the output, is held too."),
        "output_kept": N_("PyTorch's convolution does not keep its output for the backward pass, only its input and its weights."),
        "twice": N_("not all of the forward pass is kept: its output and its bias are not saved for the backward pass, only the input and the weights."),
        "size": COUNT,
        "right": N_("2*(c_i*h*w) + 2*(c_o*c_i*k_h*k_w) + c_o + c_o*m_h*m_w values: about twice the forward pass."),
        "otherwise": N_("your count is {got!r}. Add up the values of each tensor: what the forward pass saved, the incoming gradient, and the gradients for the input, the weights and the bias.")},
    "doubling_channels": {
        "right": N_("4 times: c_i * c_o appears as a product in the cost."),
        "one": N_("both c_i and c_o double, and the cost has their product."),
        "otherwise": N_("look at how c_i and c_o appear in c_i*c_o*k_h*k_w*m_h*m_w.")},
    "doubling_padding": {
        "right": N_("the output grows from {h0}x{w0} to {h1}x{w1}: {want:.4f} times the work, not 2 (padding only adds a border)."),
        "border": N_("padding does not scale the work; it adds a border of zeros. Compute the output size before and after."),
        "one_axis": N_("the output grows in height and in width."),
        "otherwise": N_("compute both output sizes; the cost is proportional to their area.")},
    "1x1_cost": {
        "one_side": N_("every output channel reads every input channel."),
        "per_pixel": N_("the channel mixing happens at every pixel."),
        "two": ONE_OPERATION,
        "right": N_("c_i * c_o * h * w: a (c_o x c_i) matrix times a (c_i x hw) matrix."),
        "otherwise": N_("you answered {got!r}; think of a matrix product.")},
}
# fmt: on


def _misread(layer, count):
    """Name -> ``count(m_h * m_w)`` for each misread output size (m_h, m_w)."""
    c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w = layer
    sizes = c.misread_sizes((h, w), (k_h, k_w), (p_h, p_w), (s_h, s_w))
    return {key: count(math.prod(m)) for key, m in sizes.items()}


def check_forward_cost(forward_cost):
    """``forward_cost(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w)`` -> multiply-adds
    of one forward pass on one sample, no bias; padding per side."""

    def mistakes(want, *layer):
        c_i, h, w, c_o, k_h, k_w, *_ = layer
        per_output = c_i * c_o * k_h * k_w  # multiply-adds per output position
        counts = _misread(layer, lambda positions: per_output * positions)
        # Two misread sizes have a hint of their own (checked first), the rest "size".
        wrong = dict(total_padding=counts["total"], no_stride=counts["no_stride"])
        wrong |= dict(one_input=want // c_i, one_output=want // c_o)
        outputs = want // (c_i * k_h * k_w)  # c_o * m_h * m_w: the bias adds one each
        wrong |= dict(no_kernel=want // (k_h * k_w), bias=want + outputs, two=2 * want)
        return wrong | dict(size=c.any_of(*counts.values()))

    entry = TABLE["forward_cost"]
    return grade_calls(forward_cost, entry, LAYERS, conv_macs, mistakes, NAMES)


def _values(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w, backward=False):
    """Values the forward pass holds (with ``backward``: the backward pass)."""
    X = torch.empty(1, c_i, h, w, device="meta", requires_grad=True)
    layer = torch.nn.Conv2d(c_i, c_o, (k_h, k_w), (s_h, s_w), (p_h, p_w), device="meta")
    saved = []
    with torch.autograd.graph.saved_tensors_hooks(
        lambda t: saved.append(t.numel()) or t, lambda t: t
    ):
        Y = layer(X)
    held = X.numel() + sum(p.numel() for p in layer.parameters()) + Y.numel()
    # The incoming gradient is shaped like the output, the gradients out like the
    # input, the weights and the bias: the forward pass's values again.
    return held + sum(saved) if backward else held


def check_forward_memory(forward_memory):
    """``forward_memory(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w)`` -> values held
    by one forward pass: input (unpadded), weights, bias and output."""

    def mistakes(want, *layer):
        c_i, h, w, c_o, k_h, k_w, p_h, p_w, *_ = layer
        weights = c_o * c_i * k_h * k_w
        out = c_o * math.prod(conv_output_size(h, w, k_h, k_w, *layer[6:]))
        padded = want - c_i * h * w + c_i * (h + 2 * p_h) * (w + 2 * p_w)
        wrong = dict(no_weights=want - weights - c_o, no_bias=want - c_o)
        wrong |= dict(no_input=want - c_i * h * w, no_output=want - out, padded=padded)
        # The weights without c_i: c_o * k_h * k_w.
        wrong |= dict(one_input=want - weights + weights // c_i, bytes=4 * want)
        size = c.any_of(*_misread(layer, lambda m: want - out + c_o * m).values())
        return wrong | dict(size=size)

    entry = TABLE["forward_memory"]
    return grade_calls(forward_memory, entry, LAYERS, _values, mistakes, NAMES)


def check_backward_cost(backward_cost):
    """``backward_cost(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w)`` -> multiply-adds
    of the gradients for the input and the weights (leave the bias out)."""

    def macs(*layer):
        # Every forward product x * w sends one multiply-add to dL/dx (w * dL/dy)
        # and one to dL/dw (x * dL/dy).
        return 2 * conv_macs(*layer)

    def mistakes(want, *layer):
        per_output = 2 * layer[0] * math.prod(layer[3:6])  # 2 * c_i * c_o * k_h * k_w
        size = c.any_of(*_misread(layer, lambda m: per_output * m).values())
        return dict(half=want // 2, two=2 * want, with_forward=3 * want // 2, size=size)

    entry = TABLE["backward_cost"]
    return grade_calls(backward_cost, entry, LAYERS, macs, mistakes, NAMES)


def check_backward_memory(backward_memory):
    """``backward_memory(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w)`` -> values:
    input and weights kept, the incoming gradient and the three gradients out."""

    def mistakes(want, *layer):
        c_i, h, w, c_o, k_h, k_w, *padding_stride = layer
        inputs, weights = c_i * h * w, c_o * c_i * k_h * k_w
        once = c.any_of(want - inputs, want - weights)  # not kept, or no gradient
        wrong = dict(not_kept=want - inputs - weights, once=once)
        wrong |= dict(no_bias=want - c_o, bias_kept=want + c_o)
        # The incoming gradient: as many values as the output.
        out = c_o * math.prod(conv_output_size(h, w, k_h, k_w, *padding_stride))
        wrong |= dict(no_incoming=want - out, output_kept=want + out)
        size = c.any_of(*_misread(layer, lambda m: want - out + c_o * m).values())
        return wrong | dict(twice=want + c_o + out, size=size)

    entry, values = TABLE["backward_memory"], partial(_values, backward=True)
    return grade_calls(backward_memory, entry, LAYERS, values, mistakes, NAMES)


def check_doubling_channels(answer):
    """``answer``: factor by which multiply-adds grow when c_i and c_o both double."""
    before = conv_macs(16, 16, 16, 16, 3, 3, 1, 1)
    after = conv_macs(32, 16, 16, 32, 3, 3, 1, 1)
    return grade(answer, TABLE["doubling_channels"], after / before, dict(one=2.0))


def check_doubling_padding(answer):
    """``answer``: the exact factor by which multiply-adds grow when the padding
    (per side) of a 5x5 kernel on a 64x64 input doubles from 2 to 4."""
    (h0, w0) = conv_output_size(64, 64, 5, 5, 2, 2)
    (h1, w1) = conv_output_size(64, 64, 5, 5, 4, 4)
    want = h1 * w1 / (h0 * w0)
    wrong = dict(border=c.any_of(2.0, 4.0, rel=1e-3), one_axis=math.sqrt(want))
    facts = dict(h0=h0, w0=w0, h1=h1, w1=w1, want=want)
    return grade(answer, TABLE["doubling_padding"], want, wrong, rel=1e-3, **facts)


def check_1x1_cost(cost_1x1):
    """``cost_1x1(c_i, c_o, h, w)`` -> multiply-adds of a 1x1 conv layer (stride 1)."""

    def reference(c_i, c_o, h, w):
        return conv_macs(c_i, h, w, c_o, 1, 1)

    def mistakes(want, c_i, c_o, h, w):
        one_side = c.any_of(c_i * h * w, c_o * h * w)
        return dict(one_side=one_side, per_pixel=c_i * c_o, two=2 * want)

    calls = [(3, 2, 3, 3), (64, 32, 28, 28), (256, 64, 14, 14), (1, 5, 7, 2)]
    entry = TABLE["1x1_cost"]
    return grade_calls(cost_1x1, entry, calls, reference, mistakes, "c_i, c_o, h, w")
