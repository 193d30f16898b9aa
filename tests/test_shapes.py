"""Shape arithmetic against the sizes PyTorch's own layers produce (and refuse)."""

import warnings

import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from props import examples, ours

from d2lconv import (
    conv2d_output_shape,
    conv_transpose2d_output_shape,
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
    0 on an axis, as conv_transpose2d can): d2lconv raises there by design.
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


@MANY
@given(
    input_size=pairs(sizes),
    kernel_size=pairs(kernels),
    stride=pairs(strides),
    padding=pairs(paddings),
    output_padding=pairs(st.integers(0, 3)),
    dilation=pairs(dilations),
)
def test_conv_transpose2d_output_shape_matches_pytorch(
    input_size, kernel_size, stride, padding, output_padding, dilation
):
    weight = torch.zeros((1, 1) + as_tuple(kernel_size))
    options = dict(stride=stride, padding=padding, dilation=dilation)
    options["output_padding"] = output_padding
    expected = torch_shape(F.conv_transpose2d, input_size, weight, **options)
    got = ours(conv_transpose2d_output_shape, input_size, kernel_size, **options)
    assert got == expected


# F.conv2d(padding="same") is slow on CPU (milliseconds), hence fewer cases.
@examples(100)
@given(
    input_size=st.tuples(st.integers(1, 8), st.integers(1, 8)),
    kernel_size=st.tuples(st.integers(1, 5), st.integers(1, 5)),
    dilation=pairs(dilations),
    seed=st.integers(0, 2**31 - 1),
)
def test_same_padding_is_where_pytorch_puts_it(input_size, kernel_size, dilation, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(-5, 6, (1, 1) + input_size, generator=g).float()
    w = torch.randint(-5, 6, (1, 1) + kernel_size, generator=g).float()
    (top, bottom), (left, right) = same_padding(kernel_size, dilation)
    padded = F.pad(x, (left, right, top, bottom))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        expected = F.conv2d(x, w, padding="same", dilation=dilation)
    # Integer-valued inputs: every order of summation gives the same floats.
    assert torch.equal(F.conv2d(padded, w, dilation=dilation), expected)
    # The extra row goes to the bottom, the extra column to the right.
    assert same_padding((2, 4)) == ((0, 1), (1, 2))


def test_ceil_mode_drops_a_last_window_that_starts_in_the_padding():
    # ceil((5 + 2 - 1 - 1)/2) + 1 = 4, but window 4 would start at 6 >= 5 + 1;
    # with n = 6 the fourth window starts at 6 < 6 + 1 and is kept.
    assert pool2d_output_shape(5, 2, 2, padding=1, ceil_mode=True) == (3, 3)
    assert pool2d_output_shape(6, 2, 2, padding=1, ceil_mode=True) == (4, 4)
