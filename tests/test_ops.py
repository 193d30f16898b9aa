"""Every convolution of the course against torch.nn.functional (the loops of
ops.py and the vectorised versions of fast.py: values, shapes, gradients),
and corr2d against the book's d2l.corr2d."""

import warnings

import pytest
import torch
import torch.nn.functional as F
from d2l import torch as d2l
from hypothesis import given
from hypothesis import strategies as st
from props import examples, ours
from test_pooling import reference
from torch import nn

from d2lconv import (
    comp_conv2d,
    conv2d_im2col,
    corr2d,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
    corr2d_unfold,
    one_thread,
    pool2d,
)

MANY = examples(300)

small = st.integers(1, 3)
pair_of = st.tuples
seeds = st.integers(0, 2**31 - 1)
paddings = st.one_of(
    st.integers(0, 2),
    pair_of(st.integers(0, 2), st.integers(0, 2)),
    st.sampled_from(["valid", "same"]),
    # ((top, bottom), (left, right)), the form same_padding returns.
    pair_of(
        pair_of(st.integers(0, 2), st.integers(0, 2)),
        pair_of(st.integers(0, 2), st.integers(0, 2)),
    ),
)


def ints(shape, generator):
    """Integer-valued floats: any summation order gives exactly the same result."""
    return torch.randint(-4, 5, shape, generator=generator).float()


def reference_conv(X, K, padding=0, stride=1, dilation=1):
    """F.conv2d on a batch (n, c_i, h, w); None when PyTorch refuses."""
    if isinstance(padding, tuple) and isinstance(padding[0], tuple):
        (top, bottom), (left, right) = padding
        X = F.pad(X, (left, right, top, bottom))
        padding = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            return F.conv2d(X, K, None, stride, padding, dilation)
        except RuntimeError:
            return None


def with_gradients(conv, X, K, **geometry):
    """``conv(X, K)`` and the gradients of its sum of squares for X and K."""
    X, K = X.clone().requires_grad_(), K.clone().requires_grad_()
    Y = conv(X, K, **geometry)
    (Y**2).sum().backward()
    return Y, X.grad, K.grad


@MANY
@given(
    c_i=st.integers(1, 3),
    c_o=st.integers(1, 3),
    n=pair_of(st.integers(1, 7), st.integers(1, 7)),
    k=pair_of(st.integers(1, 4), st.integers(1, 4)),
    padding=paddings,
    stride=st.one_of(small, pair_of(small, small)),
    dilation=st.one_of(small, pair_of(small, small)),
    seed=seeds,
)
@one_thread()  # tiny tensors: on a busy machine, threads cost more than they gain
def test_every_convolution_and_its_gradients_equal_conv2d_exactly(
    c_i, c_o, n, k, padding, stride, dilation, seed
):
    g = torch.Generator().manual_seed(seed)
    X, K = ints((2, c_i) + n, g), ints((c_o, c_i) + k, g)  # a batch of 2
    if padding == "same":  # where the odd one goes (PyTorch: stride 1 only)
        stride = 1
    geometry = dict(padding=padding, stride=stride, dilation=dilation)
    # The channels' loops take no padding, stride or dilation.
    plain, Y = reference_conv(X[:1], K), ours(corr2d_multi_in_out, X[0], K)
    assert Y is None if plain is None else torch.equal(Y, plain[0])
    if plain is not None:
        assert torch.equal(corr2d_multi_in(X[0], K[0]), plain[0, 0])
    # A 1x1 convolution as one matrix product, with the kernels' first entries.
    K1 = K[:, :, :1, :1]
    assert torch.equal(corr2d_multi_in_out_1x1(X[0], K1), F.conv2d(X[0], K1))
    expected = reference_conv(X, K, **geometry)
    if expected is None:  # no output at all: each says so, with the formula
        for conv, args in [
            (corr2d, (X[0, 0], K[0, 0])),
            (corr2d_unfold, (X[0, 0], K[0, 0])),
            (conv2d_im2col, (X, K)),
        ]:
            with pytest.raises(ValueError, match="< 1"):
                conv(*args, **geometry)
        return
    assert torch.equal(conv2d_im2col(X[0], K, **geometry), expected[0])
    # The gradients, what lets a hand-written layer learn: corr2d and
    # corr2d_unfold on the first channel with the first kernel, and im2col.
    want = with_gradients(reference_conv, X[:1, :1], K[:1, :1], **geometry)
    for conv in (corr2d, corr2d_unfold):
        got = with_gradients(conv, X[0, 0], K[0, 0], **geometry)
        assert all(torch.equal(a, b[0, 0]) for a, b in zip(got, want, strict=True))
    got = with_gradients(conv2d_im2col, X, K, **geometry)
    want = with_gradients(reference_conv, X, K, **geometry)
    assert all(torch.equal(a, b) for a, b in zip(got, want, strict=True))


@MANY
@given(
    c=st.integers(1, 2),
    n=pair_of(st.integers(1, 7), st.integers(1, 7)),
    pool_size=st.one_of(
        st.integers(1, 4), pair_of(st.integers(1, 4), st.integers(1, 4))
    ),
    padding=st.one_of(st.integers(0, 2), pair_of(st.integers(0, 2), st.integers(0, 2))),
    stride=st.one_of(st.none(), small, pair_of(small, small)),
    mode=st.sampled_from(["max", "avg"]),
    seed=seeds,
)
def test_pool2d_equals_pytorch_pooling(c, n, pool_size, padding, stride, mode, seed):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn((c,) + n, generator=g)
    # PyTorch's layers: padding counts in an average; None when they refuse.
    expected = reference(X, pool_size, stride, padding, mode, False, True)
    options = dict(mode=mode, padding=padding, stride=stride)
    got = ours(pool2d, X, pool_size, **options)
    if expected is None:
        assert got is None
        return
    torch.testing.assert_close(got, expected)
    # A 2-D input gives the first channel of the 3-D result.
    torch.testing.assert_close(pool2d(X[0], pool_size, **options), expected[0])


def test_max_pool_on_integer_tensors_pads_with_the_lowest_integer():
    X = -torch.arange(1, 10).reshape(3, 3)
    want = [[-1, -1, -2], [-1, -1, -2], [-4, -4, -5]]
    assert pool2d(X, 3, padding=1).tolist() == want


def test_comp_conv2d_keeps_several_output_channels():
    # One output channel, against the layer: test_lesson_code.
    several = comp_conv2d(nn.Conv2d(1, 3, kernel_size=3), torch.rand(5, 6))
    assert several.shape == (3, 3, 4)


# The book's own package as a reference.
@MANY
@given(
    n=st.tuples(st.integers(1, 8), st.integers(1, 8)),
    k=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    seed=st.integers(0, 2**31 - 1),
)
def test_corr2d_equals_d2l_corr2d_on_random_inputs(n, k, seed):
    # The book's version has no checks: keep the kernel inside the input.
    k = (min(k[0], n[0]), min(k[1], n[1]))
    g = torch.Generator().manual_seed(seed)
    X, K = torch.randn(n, generator=g), torch.randn(k, generator=g)
    # Same window sums in the same order: bit-for-bit equal, not just close.
    assert torch.equal(corr2d(X, K), d2l.corr2d(X, K))
