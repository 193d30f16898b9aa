"""Shape arithmetic against the sizes PyTorch's own layers produce (and refuse),
and what a layer costs against real layers and a count by hand."""

import warnings

import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from props import examples, ours
from torch import nn

from d2lconv import (
    conv2d_flops,
    conv2d_output_shape,
    conv2d_params,
    one_thread,
    pool2d_output_shape,
    same_padding,
)
from d2lconv.shapes import conv2d_geometry

MANY = examples(300)

sizes = st.integers(1, 12)
kernels = st.integers(1, 5)
strides = st.integers(1, 4)
dilations = st.integers(1, 3)
paddings = st.integers(0, 3)


def pairs(values):
    """An int or an (h, w) pair drawn from ``values``."""
    return st.one_of(values, st.tuples(values, values))


def as_tuple(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def torch_shape(fn, input_size, *args, **kwargs):
    """Output (h, w) of ``fn`` on a zero input, or None when there is none.

    None when PyTorch refuses, and also when it returns an EMPTY output (size
    0 on an axis): d2lconv raises there by design.
    """
    x = torch.zeros((1, 1) + as_tuple(input_size))
    with warnings.catch_warnings():
        # "same" with an even kernel warns about an extra padded copy.
        warnings.simplefilter("ignore", UserWarning)
        try:
            shape = tuple(fn(x, *args, **kwargs).shape[-2:])
        except (RuntimeError, ValueError):
            return None
    return shape if min(shape) > 0 else None


@MANY
@given(
    input_size=pairs(sizes),
    kernel_size=pairs(kernels),
    stride=pairs(strides),
    padding=st.one_of(pairs(paddings), st.sampled_from(["valid", "same"])),
    dilation=pairs(dilations),
)
@one_thread()  # tiny tensors: on a busy machine, threads cost more than they gain
def test_conv2d_geometry_matches_pytorchs_windows(
    input_size, kernel_size, stride, padding, dilation
):
    weight = torch.zeros((1, 1) + as_tuple(kernel_size))
    options = dict(stride=stride, padding=padding, dilation=dilation)
    expected = torch_shape(F.conv2d, input_size, weight, **options)
    got = ours(conv2d_output_shape, input_size, kernel_size, **options)
    assert got == expected
    if expected is None or isinstance(padding, str):
        return
    g = conv2d_geometry(input_size, kernel_size, **options)
    (ph, pw), X = as_tuple(padding), torch.zeros(as_tuple(input_size))
    H, W = F.pad(X, (pw, pw, ph, ph)).shape
    assert g.padded_size == (H, W)
    # Every cell's own row and column number, read through PyTorch's windows:
    # the largest is the last row (column) a window reaches.
    grids = torch.meshgrid(torch.arange(H), torch.arange(W), indexing="ij")
    del options["padding"]
    last_row, last_col = (
        F.unfold(grid[None, None].float(), kernel_size, **options).max().item()
        for grid in grids
    )
    assert g.dropped == (H - 1 - last_row, W - 1 - last_col)
    for axis in (0, 1):
        assert g.formula(axis).endswith(f"= {expected[axis]}")


@MANY
@given(
    input_size=pairs(sizes),
    kernel_size=pairs(kernels),
    stride=st.one_of(st.none(), pairs(strides)),
    padding=pairs(paddings),
    dilation=pairs(dilations),
    ceil_mode=st.booleans(),
    average=st.booleans(),
)
@one_thread()
def test_pool2d_output_shape_matches_max_and_avg_pool2d(
    input_size, kernel_size, stride, padding, dilation, ceil_mode, average
):
    options = dict(stride=stride, padding=padding, ceil_mode=ceil_mode)
    if average:  # F.avg_pool2d has no dilation
        expected = torch_shape(F.avg_pool2d, input_size, kernel_size, **options)
    else:
        options["dilation"] = dilation
        expected = torch_shape(F.max_pool2d, input_size, kernel_size, **options)
    got = ours(pool2d_output_shape, input_size, kernel_size, **options)
    assert got == expected


def test_same_padding_puts_the_odd_one_after():
    # corr2d's property (test_ops) compares padding="same" with PyTorch's.
    # A 2x4 kernel: 1 row and 3 columns in total, the extra one bottom and right.
    assert same_padding((2, 4)) == ((0, 1), (1, 2))
    # Dilation 2 spreads a 3x3 kernel over 5x5: 2 on every side.
    assert same_padding(3, dilation=2) == ((2, 2), (2, 2))


@MANY
@given(c_i=kernels, c_o=kernels, kernel_size=pairs(kernels), bias=st.booleans())
def test_params_equal_those_of_nn_conv2d(c_i, c_o, kernel_size, bias):
    layer = nn.Conv2d(c_i, c_o, kernel_size, bias=bias, device="meta")
    expected = sum(p.numel() for p in layer.parameters())
    assert conv2d_params(c_i, c_o, kernel_size, bias=bias) == expected


def test_flops_of_a_layer_counted_by_hand():
    # 2 -> 3 channels, 3x2 kernel, 5x6 input, padding 1, stride 2: the windows
    # start at rows 0, 2, 4 and columns 0, 2, 4, 6 of the padded 7x8 input, so
    # 3 channels x 12 outputs, each 2 * 3 * 2 products: 432 multiply-adds.
    assert conv2d_flops((5, 6), 2, 3, (3, 2), stride=2, padding=1) == 432
