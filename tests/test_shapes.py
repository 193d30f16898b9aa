"""Shape arithmetic against the sizes PyTorch's own layers produce (and refuse)."""

import re
import warnings

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from props import examples

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


def our_shape(fn, *args, **kwargs):
    """Our (h, w), or None when we raise ValueError (any other error fails)."""
    try:
        return fn(*args, **kwargs)
    except ValueError:
        return None


@MANY
@given(
    input_size=pairs(sizes),
    kernel_size=pairs(kernels),
    stride=pairs(strides),
    padding=st.one_of(pairs(paddings), st.sampled_from(["valid", "same"])),
    dilation=pairs(dilations),
)
def test_conv2d_output_shape_matches_pytorch(
    input_size, kernel_size, stride, padding, dilation
):
    weight = torch.zeros((1, 1) + as_tuple(kernel_size))
    options = dict(stride=stride, padding=padding, dilation=dilation)
    expected = torch_shape(F.conv2d, input_size, weight, **options)
    assert our_shape(conv2d_output_shape, input_size, kernel_size, **options) == (
        expected
    )


@examples(100)
@given(
    input_size=st.tuples(sizes, sizes),
    kernel_size=st.tuples(kernels, kernels),
    stride=st.tuples(strides, strides),
    padding=st.tuples(paddings, paddings),
    dilation=st.tuples(dilations, dilations),
)
def test_conv2d_geometry_is_where_pytorchs_windows_lie(
    input_size, kernel_size, stride, padding, dilation
):
    args = (input_size, kernel_size, stride, padding, dilation)
    if our_shape(conv2d_output_shape, *args) is None:
        return
    g = conv2d_geometry(*args)
    (ph, pw), X = padding, torch.zeros(input_size)
    padded = F.pad(X, (pw, pw, ph, ph))
    assert g.padded_size == tuple(padded.shape)
    # Every cell's own row and column number, read through PyTorch's windows:
    # the largest is the last row (column) a window reaches.
    H, W = padded.shape
    rows = torch.arange(H, dtype=torch.float32)[:, None].expand(H, W)
    cols = torch.arange(W, dtype=torch.float32)[None, :].expand(H, W)
    options = dict(kernel_size=kernel_size, stride=stride, dilation=dilation)
    last_row = F.unfold(rows[None, None], **options).max().item()
    last_col = F.unfold(cols[None, None], **options).max().item()
    assert g.dropped == (H - 1 - last_row, W - 1 - last_col)
    for axis in (0, 1):
        assert g.formula(axis).endswith(f"= {g.output_size[axis]}")


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
    assert our_shape(pool2d_output_shape, input_size, kernel_size, **options) == (
        expected
    )


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
    options = dict(
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
    )
    expected = torch_shape(F.conv_transpose2d, input_size, weight, **options)
    got = our_shape(conv_transpose2d_output_shape, input_size, kernel_size, **options)
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


@MANY
@given(
    n=st.integers(1, 40),
    k=st.integers(1, 7),
    p_total=st.integers(0, 8).map(lambda p: 2 * p),
    s=st.integers(1, 5),
)
def test_book_total_padding_formula(n, k, p_total, s):
    # The book: floor((n - k + p_h + s) / s) with p_h = TOTAL padding = 2 * padding.
    book = (n - k + p_total + s) // s
    if book >= 1:
        assert conv2d_output_shape(n, k, s, p_total // 2) == (book, book)
    else:
        with pytest.raises(ValueError, match=rf"= {book} < 1"):
            conv2d_output_shape(n, k, s, p_total // 2)


def test_transposed_zero_size_is_refused_where_pytorch_returns_an_empty_tensor():
    # The case hypothesis once found: PyTorch gives 0x0 without a word.
    empty = F.conv_transpose2d(
        torch.zeros(1, 1, 1, 1), torch.zeros(1, 1, 4, 4), padding=2
    )
    assert empty.shape[-2:] == (0, 0)
    with pytest.raises(
        ValueError, match=r"\(1-1\)\*1 - 2\*2 \+ 1\*\(4-1\) \+ 0 \+ 1 = 0 < 1.*empty"
    ):
        conv_transpose2d_output_shape(1, 4, stride=1, padding=2)


def test_ceil_mode_drops_a_last_window_that_starts_in_the_padding():
    # ceil((5 + 2 - 1 - 1)/2) + 1 = 4, but window 4 would start at 6 >= 5 + 1;
    # with n = 6 the fourth window starts at 6 < 6 + 1 and is kept.
    assert pool2d_output_shape(5, 2, 2, padding=1, ceil_mode=True) == (3, 3)
    assert pool2d_output_shape(6, 2, 2, padding=1, ceil_mode=True) == (4, 4)


# Rejected input: the exception, and its message with the numbers (a regex).
REFUSED = [
    # No padding, stride or dilation: the plain formula of notebook 2.
    (
        (conv2d_output_shape, 3, 5),
        ValueError,
        "^output height = n - k \\+ 1 = 3 - 5 \\+ 1 = -1 < 1: kernel_size 5 is "
        "larger than the input 3$",
    ),
    (
        (conv2d_output_shape, 3, 5, 2),
        ValueError,
        "output height = floor\\(\\(n \\+ 2p - d\\(k-1\\) - 1\\)/s\\) \\+ 1 = "
        "floor\\(\\(3 \\+ 2\\*0 - 1\\*\\(5-1\\) - 1\\)/2\\) \\+ 1 = 0 < 1: "
        "kernel_size 5 \\(effective size d\\(k-1\\) \\+ 1 = 5\\) is larger than "
        "the padded input 3 \\+ 2\\*0 = 3",
    ),
    (
        (conv2d_output_shape, (10, 4), (1, 4), 1, 1, 2),
        ValueError,
        "output width = .*\\(\\(4 \\+ 2\\*1 - 2\\*\\(4-1",
    ),
    (
        (conv2d_output_shape, 1, 3, 1, ((0, 1), (1, 1))),
        ValueError,
        "p_top \\+ p_bottom.*\\(1 \\+ 0 \\+ 1 - 1\\*\\(3-1",
    ),
    (
        (conv2d_output_shape, 8, 3, (2, 1), "same"),
        ValueError,
        'padding="same" needs stride 1.*\\(2, 1\\)',
    ),
    ((conv2d_output_shape, 8, 3, 1, "full"), ValueError, "padding must be .*'full'"),
    ((conv2d_output_shape, 0, 3), ValueError, "input_size must be positive \\(>= 1"),
    ((conv2d_output_shape, 8, 3, 1, 0, -1), ValueError, "dilation must be positive"),
    ((conv2d_output_shape, 8, 3, 1, (1, -1)), ValueError, "padding must be non-neg"),
    ((conv2d_output_shape, 8, 2.0), TypeError, "kernel_size must be an int or an"),
    (
        (pool2d_output_shape, 8, 3, None, 2),
        ValueError,
        "padding height 2 is more than half the pooling window: padding must be "
        "<= kernel_size // 2 = 3 // 2 = 1",
    ),
    # PyTorch's rule uses the window, not the dilated span (5 inputs here).
    ((pool2d_output_shape, 8, 3, None, 2, 2), ValueError, "kernel_size // 2"),
    (
        (pool2d_output_shape, 2, 3, 1),
        ValueError,
        "^output height = floor\\(\\(n \\+ 2p - d\\(k-1\\) - 1\\)/s\\) \\+ 1 = "
        "floor\\(\\(2 \\+ 2\\*0 - 1\\*\\(3-1\\) - 1\\)/1\\) \\+ 1 = 0 < 1: the "
        "pooling window \\(kernel_size 3, effective size 3\\) is larger than the "
        "padded input 2 \\+ 2\\*0 = 2$",
    ),
    (
        (pool2d_output_shape, 1, 5, 2, 0, 1, True),
        ValueError,
        "ceil\\(\\(1 \\+ 2\\*0 - 1\\*\\(5-1\\) - 1\\)/2\\) \\+ 1 = -1 < 1",
    ),
    ((pool2d_output_shape, 8, 2, None, 0, 1, 1), TypeError, "ceil_mode must be True"),
    (
        (conv_transpose2d_output_shape, 4, 3, 2, 0, (0, 2)),
        ValueError,
        "output_padding must be smaller than the stride or the dilation \\(as in "
        "PyTorch\\), got output_padding width 2 with stride 2 and dilation 1",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), REFUSED)
def test_refused_arguments_say_which_rule_with_the_numbers(call, error, message):
    fn, *args = call
    with pytest.raises(error) as info:
        fn(*args)
    assert re.search(message, str(info.value)), str(info.value)
