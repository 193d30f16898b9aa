"""Bad input, in one table: each refusal is a TypeError or a ValueError whose
message names the parameter, the value and the rule (a shape: the formula
with the numbers filled in). Also what the shared argument checks accept."""

import numpy as np
import pytest
import torch
from torch import nn

from d2lconv import (
    comp_conv2d,
    conv2d_im2col,
    conv2d_output_shape,
    conv2d_params,
    corr2d,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
    corr2d_unfold,
    expect_close,
    expect_descent,
    expect_pool2d,
    expect_shrinks,
    pool2d,
    pool2d_output_shape,
    receptive_field,
    receptive_field_table,
)
from d2lconv._validate import (
    as_pair,
    check_int_range,
    check_matrix,
    check_nonnegative_int,
    check_positive_int,
    check_same_device,
    check_tensor,
    nonnegative_pair,
    positive_pair,
)

T = torch.ones
LOPSIDED_POOL = dict(kind="max", kernel_size=2, padding=((0, 1), (0, 0)))


def test_the_checks_return_what_they_accept():
    pairs = [(3, (3, 3)), ([2, 5], (2, 5)), (torch.Size([4, 1]), (4, 1))]
    for value, pair in pairs + [(np.int64(2), (2, 2)), ((np.int32(1), 7), (1, 7))]:
        result = as_pair(value, "kernel_size")
        assert result == pair and all(type(v) is int for v in result)
    assert check_positive_int(np.int64(3), "steps") == 3
    assert check_nonnegative_int(0, "padding") == 0
    assert check_int_range(3, "seed", 0, 3) == 3
    assert nonnegative_pair(0, "padding") == (0, 0)
    X = T(2, 3)
    assert check_tensor(X, "X", (2, 3)) is X and check_matrix(X, "X") is X
    check_same_device(X, T(1), "X", "K")


NOT_INTS = [True, 2.0, "3", None, (1.0, 2), (True, 2)]
TYPE_ERRORS = [
    (
        lambda v=v: as_pair(v, "k"),
        f"k must be an int or an (h, w) pair of ints, got {v!r}",
    )
    for v in NOT_INTS
]
TYPE_ERRORS += [
    (lambda: check_positive_int(False, "s"), "s must be an int, got False of type"),
    (
        lambda: check_tensor(np.zeros(2), "X", 1),
        "X must be a torch.Tensor, got ndarray",
    ),
    (
        lambda: check_matrix(T(2, 2) > 0, "X"),
        "X must hold real numbers (a floating or integer dtype), got dtype torch.bool",
    ),
    (lambda: conv2d_output_shape(8, 2.0), "kernel_size must be an int or an (h, w)"),
    (lambda: pool2d_output_shape(8, 2, None, 0, 1, 1), "ceil_mode must be True or"),
    (lambda: comp_conv2d(3, T(8, 8)), "conv2d must be a layer such as nn.Conv2d"),
    (lambda: conv2d_params(1, 1, 3, bias="yes"), "bias must be True or False, got 'y"),
    (lambda: conv2d_params(1, 2.5, 3), "out_channels must be an int, got 2.5"),
    (
        lambda: conv2d_im2col(T(1, 1, 4, 4, dtype=torch.int64), T(1, 1, 2, 2)),
        "X must be a floating-point tensor (as for F.conv2d), got dtype torch.int64",
    ),
    (lambda: receptive_field([dict(kernal_size=3)]), "unknown keys ['kernal_size']"),
    (lambda: receptive_field([dict(stride=2)]), "layer dict needs a kernel_size, got"),
    (
        lambda: receptive_field([nn.Linear(3, 3)]),
        "each layer must be a dict with kernel_size/stride/",
    ),
    (lambda: expect_close(1, 1, 3), "what must be a non-empty string, got 3"),
    (lambda: expect_close("one", 1, "x"), "got must be a number, a tensor or a seq"),
    (lambda: expect_close(True, 1, "x"), "got must be a number or a tensor, got True"),
    (lambda: expect_descent(None, 0.1, 1.0), "losses must be a sequence of numbers"),
    (lambda: expect_descent([2, 1], 0.1, "1"), "limit must be a number, got '1'"),
    (lambda: expect_shrinks(1.0, 0.5, 0.9, 2.5, "d"), "steps must be an int, got 2.5"),
    (lambda: expect_shrinks("a", 0.5, 0.9, 2, "d"), "start must be a number, got 'a'"),
]

VALUE_ERRORS = [
    (lambda: as_pair((1, 2, 3), "s"), "s must be an int or an (h, w) pair, got (1, 2"),
    (lambda: positive_pair((1, 0), "s"), "s must be positive (>= 1), got (1, 0)"),
    (lambda: check_positive_int(0, "s"), "s must be a positive int (>= 1), got 0"),
    (lambda: check_tensor(T(2, 3), "X", (3, 4)), "X must be a 3-D or 4-D tensor, got"),
    (
        lambda: check_same_device(T(1), torch.zeros(1, device="meta"), "X", "K"),
        "X and K must be on the same device, got cpu and meta; move one with .to(",
    ),
    # The shapes, their formulas with the numbers (notebook 2's plain one first).
    (
        lambda: conv2d_output_shape(3, 5),
        "output height = n - k + 1 = 3 - 5 + 1 = -1 < 1: kernel_size 5 is larger "
        "than the input 3",
    ),
    (
        lambda: conv2d_output_shape(3, 5, 2),
        "output height = floor((n + 2p - d(k-1) - 1)/s) + 1 = floor((3 + 2*0 - "
        "1*(5-1) - 1)/2) + 1 = 0 < 1: kernel_size 5 (effective size d(k-1) + 1 = "
        "5) is larger than the padded input 3 + 2*0 = 3",
    ),
    (
        lambda: conv2d_output_shape((10, 4), (1, 4), 1, 1, 2),
        "output width = floor((n + 2p - d(k-1) - 1)/s) + 1 = floor((4 + 2*1 - "
        "2*(4-1) - 1)/1) + 1 = 0 < 1",
    ),
    (
        lambda: conv2d_output_shape(1, 3, 1, ((0, 1), (1, 1))),
        "output height = floor((n + p_top + p_bottom - d(k-1) - 1)/s) + 1 = "
        "floor((1 + 0 + 1 - 1*(3-1) - 1)/1) + 1 = 0 < 1: kernel_size 3 "
        "(effective size d(k-1) + 1 = 3) is larger than the padded input 1 + 0 + "
        "1 = 2",
    ),
    (
        lambda: conv2d_output_shape(8, 3, (2, 1), "same"),
        'padding="same" needs stride 1 (as in PyTorch), got stride=(2, 1)',
    ),
    (
        lambda: conv2d_output_shape(8, 3, 1, "full"),
        'padding must be an int, an (h, w) pair, "valid" or "same", got \'full\'',
    ),
    (lambda: conv2d_output_shape(0, 3), "input_size must be positive (>= 1), got 0"),
    (lambda: conv2d_output_shape(8, 3, 1, (1, -1)), "padding must be non-negative"),
    (
        lambda: pool2d_output_shape(8, 3, None, 2),
        "padding height 2 is more than half the pooling window: padding must be "
        "<= kernel_size // 2 = 3 // 2 = 1 (PyTorch's rule for pooling), got "
        "padding=(2, 2), kernel_size=(3, 3)",
    ),
    # PyTorch's rule uses the window, not the dilated span (5 inputs here).
    (lambda: pool2d_output_shape(8, 3, None, 2, 2), "kernel_size // 2 = 3 // 2"),
    (
        lambda: pool2d_output_shape(2, 3, 1),
        "output height = floor((n + 2p - d(k-1) - 1)/s) + 1 = floor((2 + 2*0 - "
        "1*(3-1) - 1)/1) + 1 = 0 < 1: the pooling window (kernel_size 3, "
        "effective size 3) is larger than the padded input 2 + 2*0 = 2",
    ),
    (
        lambda: pool2d_output_shape(1, 5, 2, 0, 1, True),
        "ceil((1 + 2*0 - 1*(5-1) - 1)/2) + 1 = -1 < 1",
    ),
    # The loops check more than the shapes do.
    (
        lambda: corr2d_multi_in(T(2, 3, 3), T(3, 2, 2)),
        "X and K must have the same number of input channels, got X with 2 (shape "
        "(2, 3, 3)) and K with 3 (shape (3, 2, 2))",
    ),
    (
        lambda: corr2d_multi_in_out(T(2, 3, 3), T(4, 3, 2, 2)),
        "K's second axis must match X's channels, got K of shape (4, 3, 2, 2) "
        "(c_i = 3) and X of shape (2, 3, 3) (c_i = 2)",
    ),
    (
        lambda: corr2d_multi_in_out(T(2, 3, 3), T(0, 2, 2, 2)),
        "K must have at least one output channel, got (0, 2, 2, 2)",
    ),
    (
        lambda: conv2d_im2col(T(1, 3, 4, 4), T(1, 2, 2, 2)),
        "K's second axis must match X's channels, got K of shape (1, 2, 2, 2) "
        "(c_i = 2) and X of shape (1, 3, 4, 4) (c_i = 3)",
    ),
    (lambda: corr2d_unfold(T(2, 2), T(3, 3)), "n - k + 1 = 2 - 3 + 1 = 0 < 1"),
    (
        lambda: corr2d_multi_in_out_1x1(T(2, 3, 3), T(4, 2, 2, 2)),
        "K must have shape (c_o, c_i, 1, 1) = (4, 2, 1, 1) for X of shape (2, 3, "
        "3), got (4, 2, 2, 2)",
    ),
    (
        lambda: comp_conv2d(nn.Conv2d(3, 1, 3), T(8, 8)),
        "conv2d must take 1 input channel for a 2-D X, got in_channels=3",
    ),
    (lambda: comp_conv2d(nn.Conv2d(1, 1, 9), T(8, 8)), "n - k + 1 = 8 - 9 + 1 = 0"),
    (lambda: pool2d(T(0, 3, 3), 2), "X must not be empty, got shape (0, 3, 3)"),
    (lambda: corr2d(T(3, 3), T(0, 1)), "K must not be empty, got shape (0, 1)"),
    (lambda: corr2d_multi_in(T(0, 3, 3), T(0, 1, 1)), "X must have at least one cha"),
    (lambda: pool2d(T(3, 3), 2, mode="mean"), 'mode must be "max" or "avg", got \'me'),
    (lambda: expect_pool2d(T(1, 1), T(3, 3), 2, "min"), 'mode must be "max" or "a'),
    # A stack names the layer that fails.
    (
        lambda: receptive_field_table([dict(kernel_size=3), dict(kernel_size=5)], 6),
        "layer 2: conv 5x5: output height = n - k + 1 = 4 - 5 + 1 = 0 < 1",
    ),
    (lambda: receptive_field([dict(kernel_size=0)]), "kernel_size must be positive"),
    (
        lambda: receptive_field([dict(kernel_size=3, kind="min")]),
        "layer kind must be one of ('conv', 'max', 'avg'), got 'min'",
    ),
    (
        lambda: receptive_field_table([LOPSIDED_POOL], 4),
        "pooling padding must be the same on both sides, got ((0, 1), (0, 0))",
    ),
    # The checks of the worked examples.
    (lambda: expect_close(1, 1, "x", atol=-1), "atol must be >= 0, got -1"),
    (lambda: expect_descent([1.0], 0.1, 1.0), "losses must hold the loss before and"),
    (lambda: expect_descent([2, 1], 0, 1.0), "lr must be a positive, finite number"),
    (lambda: expect_shrinks(1.0, 0.5, -0.5, 2, "d"), "factor must be >= 0, got -0.5"),
]


@pytest.mark.parametrize(
    ("call", "message", "error"),
    [(*case, TypeError) for case in TYPE_ERRORS]
    + [(*case, ValueError) for case in VALUE_ERRORS],
)
def test_bad_input_names_the_parameter_the_value_and_the_rule(call, message, error):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)
