"""Shape arithmetic against the sizes PyTorch's own layers produce (and refuse)."""

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
    0 on an axis, as conv_transpose2d can): d2lconv raises there by design
    (see the docstring of d2lconv/shapes.py).
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
    expected = torch_shape(
        F.conv2d, input_size, weight, stride=stride, padding=padding, dilation=dilation
    )
    got = our_shape(
        conv2d_output_shape, input_size, kernel_size, stride, padding, dilation
    )
    assert got == expected


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
    assert g.output_size == conv2d_output_shape(*args)
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
)
def test_pool2d_output_shape_matches_max_pool2d(
    input_size, kernel_size, stride, padding, dilation, ceil_mode
):
    expected = torch_shape(
        F.max_pool2d,
        input_size,
        kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        ceil_mode=ceil_mode,
    )
    got = our_shape(
        pool2d_output_shape,
        input_size,
        kernel_size,
        stride=stride,
        padding=padding,
        dilation=dilation,
        ceil_mode=ceil_mode,
    )
    assert got == expected


@MANY
@given(
    input_size=pairs(sizes),
    kernel_size=pairs(kernels),
    stride=st.one_of(st.none(), pairs(strides)),
    padding=pairs(paddings),
    ceil_mode=st.booleans(),
)
def test_pool2d_output_shape_matches_avg_pool2d(
    input_size, kernel_size, stride, padding, ceil_mode
):
    expected = torch_shape(
        F.avg_pool2d,
        input_size,
        kernel_size,
        stride=stride,
        padding=padding,
        ceil_mode=ceil_mode,
    )
    got = our_shape(
        pool2d_output_shape,
        input_size,
        kernel_size,
        stride=stride,
        padding=padding,
        ceil_mode=ceil_mode,
    )
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
    expected = torch_shape(
        F.conv_transpose2d,
        input_size,
        weight,
        stride=stride,
        padding=padding,
        output_padding=output_padding,
        dilation=dilation,
    )
    got = our_shape(
        conv_transpose2d_output_shape,
        input_size,
        kernel_size,
        stride,
        padding,
        output_padding,
        dilation,
    )
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


def test_same_padding_puts_the_extra_row_at_the_bottom():
    assert same_padding(3) == ((1, 1), (1, 1))
    assert same_padding((2, 4)) == ((0, 1), (1, 2))
    assert same_padding(2, dilation=3) == ((1, 2), (1, 2))


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
        with pytest.raises(ValueError):
            conv2d_output_shape(n, k, s, p_total // 2)


# Rejected input: each class, its exception type and what the message says.


def test_empty_conv_output_states_the_formula_with_numbers():
    with pytest.raises(ValueError) as info:
        conv2d_output_shape(3, 5)
    message = str(info.value)
    # No padding, stride or dilation: the plain formula of notebook 2.
    assert message == (
        "output height = n - k + 1 = 3 - 5 + 1 = -1 < 1: kernel_size 5 is larger "
        "than the input 3"
    )
    with pytest.raises(ValueError) as info:
        conv2d_output_shape(3, 5, stride=2)
    message = str(info.value)
    assert "output height = floor((n + 2p - d(k-1) - 1)/s) + 1" in message
    assert "floor((3 + 2*0 - 1*(5-1) - 1)/2) + 1 = 0 < 1" in message
    assert "larger than the padded input" in message


def test_empty_conv_output_names_the_width_when_only_the_width_fails():
    with pytest.raises(ValueError, match=r"output width = .*\(\(4 \+ 2\*1 - 2\*\(4-1"):
        conv2d_output_shape((10, 4), (1, 4), padding=1, dilation=2)


def test_asymmetric_padding_shows_each_side():
    with pytest.raises(
        ValueError, match=r"p_top \+ p_bottom.*\(1 \+ 0 \+ 1 - 1\*\(3-1"
    ):
        conv2d_output_shape(1, 3, padding=((0, 1), (1, 1)))


def test_same_padding_with_stride_is_refused_like_pytorch():
    with pytest.raises(ValueError, match=r'padding="same" needs stride 1.*\(2, 1\)'):
        conv2d_output_shape(8, 3, stride=(2, 1), padding="same")


def test_unknown_padding_string_is_refused():
    with pytest.raises(ValueError, match="padding must be .*got 'full'"):
        conv2d_output_shape(8, 3, padding="full")


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"input_size": 0}, "input_size"),
        ({"kernel_size": (3, 0)}, "kernel_size"),
        ({"stride": 0}, "stride"),
        ({"dilation": -1}, "dilation"),
    ],
)
def test_non_positive_sizes_are_refused(kwargs, name):
    args = {"input_size": 8, "kernel_size": 3} | kwargs
    with pytest.raises(ValueError, match=rf"{name} must be positive \(>= 1\), got"):
        conv2d_output_shape(**args)


def test_negative_padding_is_refused():
    with pytest.raises(ValueError, match=r"padding must be non-negative.*\(1, -1\)"):
        conv2d_output_shape(8, 3, padding=(1, -1))


@pytest.mark.parametrize("bad", [2.0, "3", None, True, [3.0, 3]])
def test_sizes_of_the_wrong_type_are_type_errors(bad):
    with pytest.raises(TypeError, match="kernel_size must be an int or an"):
        conv2d_output_shape(8, bad)


def test_pool_padding_over_half_the_window_is_refused():
    with pytest.raises(ValueError) as info:
        pool2d_output_shape(8, 3, padding=2)
    message = str(info.value)
    assert "padding height 2" in message
    assert "kernel_size // 2 = 3 // 2 = 1" in message


def test_pool_padding_rule_uses_the_window_not_the_dilated_span():
    # PyTorch refuses this although the dilated window spans 5 inputs.
    with pytest.raises(ValueError, match="kernel_size // 2"):
        pool2d_output_shape(8, 3, padding=2, dilation=2)


def test_empty_pool_output_states_the_formula_with_numbers():
    with pytest.raises(ValueError) as info:
        pool2d_output_shape(2, 3, stride=1)
    message = str(info.value)
    assert "floor((2 + 2*0 - 1*(3-1) - 1)/1) + 1 = 0 < 1" in message


def test_ceil_mode_drops_a_last_window_that_starts_in_the_padding():
    # ceil((5 + 2 - 1 - 1)/2) + 1 = 4, but window 4 would start at 6 >= 5 + 1.
    assert pool2d_output_shape(5, 2, 2, padding=1, ceil_mode=True) == (3, 3)
    # With n = 6 the fourth window starts at 6 < 6 + 1 and is kept.
    assert pool2d_output_shape(6, 2, 2, padding=1, ceil_mode=True) == (4, 4)
    for n in (5, 6):
        torch_size = F.max_pool2d(torch.zeros(1, 1, n, n), 2, 2, 1, ceil_mode=True)
        assert pool2d_output_shape(n, 2, 2, 1, ceil_mode=True) == torch_size.shape[2:]


def test_ceil_mode_message_explains_the_dropped_window():
    with pytest.raises(ValueError, match=r"ceil\(\(1 \+ 2\*0 - 1\*\(5-1\) - 1\)/2\)"):
        pool2d_output_shape(1, 5, 2, ceil_mode=True)


def test_ceil_mode_must_be_a_bool():
    with pytest.raises(TypeError, match="ceil_mode must be True or False, got 1"):
        pool2d_output_shape(8, 2, ceil_mode=1)


def test_output_padding_not_smaller_than_stride_or_dilation_is_refused():
    with pytest.raises(ValueError) as info:
        conv_transpose2d_output_shape(4, 3, stride=2, output_padding=(0, 2))
    message = str(info.value)
    assert "output_padding must be smaller than the stride or the dilation" in message
    assert "output_padding width 2 with stride 2 and dilation 1" in message


def test_empty_transposed_output_states_the_formula_with_numbers():
    with pytest.raises(
        ValueError, match=r"\(1-1\)\*1 - 2\*1 \+ 1\*\(1-1\) \+ 0 \+ 1 = -1"
    ):
        conv_transpose2d_output_shape(1, 1, padding=1)


# Zero-size outputs: the boundary, case by case (see d2lconv/shapes.py).
# Each row: the arguments, then the output size worked out by hand from the
# formula, with 0 or a negative number where there is no output.
CONV_BOUNDARY = [
    # n, k, s, p, d -> floor((n + 2p - d(k-1) - 1)/s) + 1
    ((3, 3, 1, 0, 1), 1),  # (3 - 2 - 1)/1 + 1 = 1: exactly one output
    ((2, 3, 1, 0, 1), 0),  # (2 - 2 - 1)/1 + 1 = 0
    ((1, 5, 2, 0, 1), -1),  # floor((1 - 4 - 1)/2) + 1 = -1
    ((1, 3, 1, 1, 1), 1),  # padding rescues it: (1 + 2 - 2 - 1) + 1 = 1
    ((4, 3, 1, 0, 2), 0),  # dilation: (4 - 4 - 1) + 1 = 0
    ((3, 3, 5, 0, 1), 1),  # a large stride still gives one window
]


@pytest.mark.parametrize(("args", "size"), CONV_BOUNDARY)
def test_conv_boundary_sizes(args, size):
    n, k, s, p, d = args
    x, w = torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k)
    if size >= 1:
        assert conv2d_output_shape(n, k, s, p, d) == (size, size)
        assert F.conv2d(x, w, stride=s, padding=p, dilation=d).shape[-2:] == (
            size,
            size,
        )
    else:
        with pytest.raises(ValueError, match=rf"= {size} < 1"):
            conv2d_output_shape(n, k, s, p, d)
        with pytest.raises(RuntimeError):  # PyTorch refuses too
            F.conv2d(x, w, stride=s, padding=p, dilation=d)


POOL_BOUNDARY = [
    # n, k, s, p, ceil_mode -> (floor or ceil)((n + 2p - k)/s) + 1
    ((3, 3, 1, 0, False), 1),
    ((2, 3, 1, 0, False), 0),  # (2 - 3)/1 + 1 = 0
    ((2, 3, 2, 0, True), 1),  # ceil(-1/2) + 1 = 0 + 1 = 1: ceil_mode keeps one
    ((2, 3, 1, 0, True), 0),  # ceil(-1/1) + 1 = 0, even rounding up
    ((1, 5, 2, 0, False), -1),  # floor((1 - 5)/2) + 1 = -1
    ((1, 3, 2, 1, True), 1),  # ceil((1 + 2 - 3)/2) + 1 = 1
]


@pytest.mark.parametrize(("args", "size"), POOL_BOUNDARY)
def test_pool_boundary_sizes(args, size):
    n, k, s, p, ceil_mode = args
    x = torch.zeros(1, 1, n, n)
    for fn in (F.max_pool2d, F.avg_pool2d):
        if size >= 1:
            assert fn(x, k, s, p, ceil_mode=ceil_mode).shape[-2:] == (size, size)
        else:
            with pytest.raises(RuntimeError):
                fn(x, k, s, p, ceil_mode=ceil_mode)
    if size >= 1:
        assert pool2d_output_shape(n, k, s, p, ceil_mode=ceil_mode) == (size, size)
    else:
        with pytest.raises(ValueError, match=rf"= {size} < 1"):
            pool2d_output_shape(n, k, s, p, ceil_mode=ceil_mode)


TRANSPOSED_BOUNDARY = [
    # n, k, s, p -> (n - 1)s - 2p + (k - 1) + 1
    ((1, 3, 1, 1), 1),  # 0 - 2 + 2 + 1 = 1: exactly one output
    ((1, 4, 1, 2), 0),  # 0 - 4 + 3 + 1 = 0: PyTorch returns an EMPTY 0x0 tensor
    ((2, 1, 1, 1), 0),  # 1 - 2 + 0 + 1 = 0: here PyTorch raises
    ((1, 1, 1, 1), -1),  # 0 - 2 + 0 + 1 = -1
]


@pytest.mark.parametrize(("args", "size"), TRANSPOSED_BOUNDARY)
def test_transposed_boundary_sizes(args, size):
    n, k, s, p = args
    x, w = torch.zeros(1, 1, n, n), torch.zeros(1, 1, k, k)
    if size >= 1:
        assert conv_transpose2d_output_shape(n, k, s, p) == (size, size)
        assert F.conv_transpose2d(x, w, stride=s, padding=p).shape[-2:] == (
            size,
            size,
        )
    else:
        with pytest.raises(ValueError, match=rf"= {size} < 1.*empty output"):
            conv_transpose2d_output_shape(n, k, s, p)


def test_transposed_zero_size_is_refused_where_pytorch_returns_an_empty_tensor():
    # The case hypothesis once found: PyTorch gives 0x0 without a word.
    empty = F.conv_transpose2d(
        torch.zeros(1, 1, 1, 1), torch.zeros(1, 1, 4, 4), padding=2
    )
    assert empty.shape[-2:] == (0, 0)
    with pytest.raises(
        ValueError, match=r"\(1-1\)\*1 - 2\*2 \+ 1\*\(4-1\) \+ 0 \+ 1 = 0"
    ):
        conv_transpose2d_output_shape(1, 4, stride=1, padding=2)
