"""Checks for the exercises of notebook 07-layer-cost."""

import math

import torch

from .._validate import check_nonnegative_int, check_positive_int
from ..i18n import tr
from ..shapes import conv2d_output_shape
from ._common import (
    conv_macs,
    conv_output_size,
    grade_answer,
    grade_formula,
)


def _one_operation():
    return tr("count a multiply-add as one operation.")


# Layers used to test the cost formulas: (c_i, h, w, c_o, k_h, k_w, p_h, p_w,
# s_h, s_w), padding per side. They include notebook 7's 1-GFLOP layer.
_LAYERS = [
    (1, 8, 8, 1, 3, 3, 1, 1, 1, 1),
    (3, 32, 32, 16, 5, 5, 2, 2, 1, 1),
    (2, 9, 7, 3, 3, 2, 0, 1, 2, 3),
    (4, 15, 16, 8, 3, 3, 1, 1, 2, 2),
    (3, 8, 8, 2, 3, 5, 0, 1, 3, 4),
    (100, 64, 64, 100, 5, 5, 2, 2, 1, 1),
]


def _grade_layer_formula(fn, reference, mistakes, right):
    """The verdict on ``fn(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w)``."""
    return grade_formula(
        fn,
        "c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w",
        _LAYERS,
        reference,
        mistakes,
        right=right,
        otherwise=tr(
            "your count is {got!r}. Work out the output size first (padding "
            "per side), then count."
        ),
    )


def _forward_cost_mistakes(right, c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w):
    # Padding read as the book's total (p instead of 2p rows added).
    total = max((h - k_h + p_h + s_h) // s_h, 0) * max((w - k_w + p_w + s_w) // s_w, 0)
    no_stride = (h + 2 * p_h - k_h + 1) * (w + 2 * p_w - k_w + 1)
    per_side = tr(
        "padding here is per side (PyTorch's padding=): the padded input has "
        "h + 2*p_h rows. The book's p_h is the total."
    )
    stride = tr(
        "with a stride the window jumps s rows or columns at a time, so there "
        "are fewer output positions."
    )
    return [
        (c_i * c_o * k_h * k_w * total, per_side),
        (c_i * c_o * k_h * k_w * no_stride, stride),
        (right // c_i, tr("each output value sums over all c_i input channels.")),
        (
            right // c_o,
            tr("every one of the c_o output channels has its own kernel."),
        ),
        (
            2 * right,
            tr(
                "count a multiply-add (one multiplication and one addition) "
                "as one operation, as the course does."
            ),
        ),
    ]


def check_forward_cost(forward_cost):
    """``forward_cost(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w)`` -> multiply-adds.

    One forward pass of one sample, no bias; padding per side. A multiply-add
    counts as one operation.
    """
    return _grade_layer_formula(
        forward_cost,
        conv_macs,
        _forward_cost_mistakes,
        right=tr(
            "c_i * c_o * k_h * k_w * m_h * m_w, with (m_h, m_w) the output "
            "size: 1.024e9 for notebook 7's layer."
        ),
    )


def _conv_values(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w):
    """(Values of input, weights, bias and output; values saved for backward)."""
    X = torch.empty(1, c_i, h, w, device="meta", requires_grad=True)
    layer = torch.nn.Conv2d(c_i, c_o, (k_h, k_w), (s_h, s_w), (p_h, p_w), device="meta")
    saved = []
    with torch.autograd.graph.saved_tensors_hooks(
        lambda t: saved.append(t.numel()) or t, lambda t: t
    ):
        Y = layer(X)
    held = X.numel() + sum(p.numel() for p in layer.parameters()) + Y.numel()
    return held, sum(saved)


def _forward_values(*layer):
    """Numbers a forward pass holds: input, weights, bias and output."""
    return _conv_values(*layer)[0]


def check_forward_memory(forward_memory):
    """``forward_memory(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w)`` -> values.

    Count the values held by one forward pass of one sample: the input, the
    weights, the bias (c_o values) and the output. Padding is per side and is
    not stored (PyTorch pads on the fly). Multiply by 4 for bytes in float32.
    """

    def mistakes(right, c_i, h, w, c_o, k_h, k_w, p_h, p_w, *_):
        padded = c_i * (h + 2 * p_h) * (w + 2 * p_w)
        return [
            (
                right - c_o * c_i * k_h * k_w - c_o,
                tr("the weights and the bias are stored too."),
            ),
            (right - c_o, tr("the bias has c_o values.")),
            (right - c_i * h * w, tr("the input is stored too.")),
            (
                right - c_i * h * w + padded,
                tr("the padding is not stored: count the input as it is, c_i*h*w."),
            ),
        ]

    return _grade_layer_formula(
        forward_memory,
        _forward_values,
        mistakes,
        right=tr(
            "c_i*h*w + c_o*c_i*k_h*k_w + c_o + c_o*m_h*m_w values (4 bytes "
            "each in float32)."
        ),
    )


def _backward_macs(*layer):
    """Multiply-adds of the backward pass (gradients of input and weights)."""
    # Every forward product x * w sends one multiply-add to dL/dx (w * dL/dy)
    # and one to dL/dw (x * dL/dy).
    return 2 * conv_macs(*layer)


def check_backward_cost(backward_cost):
    """``backward_cost(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w)`` -> multiply-adds.

    The gradients with respect to the input and to the weights, for one sample
    (the bias gradient is only additions: leave it out).
    """
    two = tr(
        "the backward pass computes two gradients: for the input (to pass on) "
        "and for the weights (to learn)."
    )
    return _grade_layer_formula(
        backward_cost,
        _backward_macs,
        lambda right, *_: [(right // 2, two), (2 * right, _one_operation())],
        right=tr(
            "twice the forward cost: one pass for dL/dX, one for dL/dW, each "
            "as many multiply-adds as the forward pass."
        ),
    )


def _backward_values(*layer):
    """Saved tensors (as PyTorch saves them) + incoming gradient + gradients out."""
    held, saved = _conv_values(*layer)
    # The incoming gradient is shaped like the output, the gradients out like
    # the input, the weights and the bias: the forward pass's values again.
    return saved + held


def check_backward_memory(backward_memory):
    """``backward_memory(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w)`` -> values.

    Count what the backward pass of one sample holds: the tensors the forward
    pass kept for it (the input and the weights), the gradient arriving from
    the next layer (shaped like the output), and the gradients it produces (for
    the input, the weights and the bias).
    """
    kept = tr(
        "the forward pass keeps the input and the weights for the backward "
        "pass: count them."
    )

    def mistakes(right, c_i, h, w, c_o, k_h, k_w, *_):
        return [
            (right - c_i * h * w - c_o * c_i * k_h * k_w, kept),
            (right - c_o, tr("the bias gradient has c_o values.")),
            (
                right + c_o,
                tr(
                    "the bias appears only once, as its gradient: the forward "
                    "pass does not keep it for the backward pass (the bias "
                    "gradient is the sum of dL/dY and needs no saved value)."
                ),
            ),
        ]

    return _grade_layer_formula(
        backward_memory,
        _backward_values,
        mistakes,
        right=tr(
            "2*(c_i*h*w) + 2*(c_o*c_i*k_h*k_w) + c_o + c_o*m_h*m_w values: "
            "about twice the forward pass."
        ),
    )


def check_doubling_channels(answer):
    """``answer``: factor by which multiply-adds grow when c_i and c_o both double."""
    before = conv_macs(16, 16, 16, 16, 3, 3, 1, 1)
    after = conv_macs(32, 16, 16, 32, 3, 3, 1, 1)
    return grade_answer(
        answer,
        after / before,
        right=tr("4 times: c_i * c_o appears as a product in the cost."),
        wrong=[(2.0, tr("both c_i and c_o double, and the cost has their product."))],
        otherwise=tr("look at how c_i and c_o appear in c_i*c_o*k_h*k_w*m_h*m_w."),
    )


def check_doubling_padding(answer, input_size=64, kernel_size=5, padding=2, stride=1):
    """``answer``: factor by which multiply-adds grow when the padding doubles.

    Defaults: a 64x64 input, 5x5 kernel, padding 2 per side (output 64x64),
    which becomes padding 4 per side. Give the exact ratio (e.g. 1.25).
    """
    n = check_positive_int(input_size, "input_size")
    k = check_positive_int(kernel_size, "kernel_size")
    p = check_nonnegative_int(padding, "padding")
    s = check_positive_int(stride, "stride")
    # A clear ValueError (with the formula) if the layer has no output.
    conv2d_output_shape(n, k, s, p)
    m0 = conv_output_size(n, n, k, k, p, p, s, s)
    m1 = conv_output_size(n, n, k, k, 2 * p, 2 * p, s, s)
    want = (m1[0] * m1[1]) / (m0[0] * m0[1])
    border = tr(
        "padding does not scale the work; it adds a border of zeros. Compute "
        "the output size before and after."
    )
    return grade_answer(
        answer,
        want,
        right=tr(
            "the output grows from {h0}x{w0} to {h1}x{w1}: "
            "{want:.4f} times the work, not 2 (padding only adds a border).",
            h0=m0[0],
            w0=m0[1],
            h1=m1[0],
            w1=m1[1],
            want=want,
        ),
        wrong=[
            (2.0, border),
            (4.0, border),
            (math.sqrt(want), tr("the output grows in height and in width.")),
        ],
        otherwise=tr(
            "compute both output sizes; the cost is proportional to their area."
        ),
        rel=1e-3,
    )


def check_1x1_cost(cost_1x1):
    """``cost_1x1(c_i, c_o, h, w)`` -> multiply-adds of a 1x1 conv layer (stride 1)."""

    def mistakes(want, c_i, c_o, h, w):
        each = tr("every output channel reads every input channel.")
        mixing = tr("the channel mixing happens at every pixel.")
        return [(c_i * h * w, each), (c_o * h * w, each), (c_i * c_o, mixing)] + [
            (2 * want, _one_operation())
        ]

    return grade_formula(
        cost_1x1,
        "c_i, c_o, h, w",
        [(3, 2, 3, 3), (64, 32, 28, 28), (256, 64, 14, 14), (1, 5, 7, 2)],
        lambda c_i, c_o, h, w: conv_macs(c_i, h, w, c_o, 1, 1),
        mistakes,
        right=tr("c_i * c_o * h * w: a (c_o x c_i) matrix times a (c_i x hw) matrix."),
        otherwise=tr("you answered {got!r}; think of a matrix product."),
    )
