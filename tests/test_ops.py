"""The loop implementations against torch.nn.functional: values, shapes, gradients."""

import warnings

import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from props import examples, ours
from torch import nn

from d2lconv import (
    Conv2D,
    comp_conv2d,
    corr2d,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
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


def reference_conv(X, K, padding, stride, dilation):
    """F.conv2d on (c_i, h, w) and (c_o, c_i, kh, kw); None when PyTorch refuses."""
    if isinstance(padding, tuple) and isinstance(padding[0], tuple):
        (top, bottom), (left, right) = padding
        X = F.pad(X, (left, right, top, bottom))
        padding = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            return F.conv2d(
                X[None], K, stride=stride, padding=padding, dilation=dilation
            )[0]
        except RuntimeError:
            return None


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
def test_the_loops_and_their_gradients_equal_conv2d_exactly(
    c_i, c_o, n, k, padding, stride, dilation, seed
):
    g = torch.Generator().manual_seed(seed)
    X, K = ints((c_i,) + n, g), ints((c_o, c_i) + k, g)
    if padding == "same":  # where the odd one goes (PyTorch: stride 1 only)
        stride = 1
    geometry = dict(padding=padding, stride=stride, dilation=dilation)
    expected = reference_conv(X, K, **geometry)
    got = ours(corr2d_multi_in_out, X, K, **geometry)
    if expected is None:
        assert got is None
        return
    assert torch.equal(got, expected)
    assert torch.equal(corr2d_multi_in(X, K[0], **geometry), expected[0])
    # A 1x1 convolution as one matrix product, with the kernels' first entries.
    K1 = K[:, :, :1, :1]
    assert torch.equal(corr2d_multi_in_out_1x1(X, K1), F.conv2d(X[None], K1)[0])
    # corr2d alone, and its gradients: what lets a hand-written layer learn.
    mine = [t.clone().requires_grad_() for t in (X[0], K[0, 0])]
    theirs = [t.clone().requires_grad_() for t in (X[:1], K[:1, :1])]
    y, y_ref = corr2d(*mine, **geometry), reference_conv(*theirs, **geometry)[0]
    assert torch.equal(y, y_ref)
    ((y**2).sum() + (y_ref**2).sum()).backward()
    assert torch.equal(mine[0].grad, theirs[0].grad[0])
    assert torch.equal(mine[1].grad, theirs[1].grad[0, 0])


def reference_pool(X, mode, pool_size, padding, stride):
    """F.max_pool2d / F.avg_pool2d on (c, h, w); None when PyTorch refuses."""
    try:
        if mode == "max":
            return F.max_pool2d(X[None], pool_size, stride, padding)[0]
        return F.avg_pool2d(
            X[None], pool_size, stride, padding, count_include_pad=True
        )[0]
    except RuntimeError:
        return None


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
    expected = reference_pool(X, mode, pool_size, padding, stride)
    got = ours(pool2d, X, pool_size, mode=mode, padding=padding, stride=stride)
    if expected is None:
        assert got is None
        return
    torch.testing.assert_close(got, expected)
    # A 2-D input gives the first channel of the 3-D result.
    torch.testing.assert_close(
        pool2d(X[0], pool_size, mode=mode, padding=padding, stride=stride), expected[0]
    )


def test_max_pool_on_integer_tensors_pads_with_the_lowest_integer():
    X = -torch.arange(1, 10).reshape(3, 3)
    want = [[-1, -1, -2], [-1, -1, -2], [-4, -4, -5]]
    assert pool2d(X, 3, padding=1).tolist() == want


def test_pool2d_default_stride_is_one_as_in_the_book():
    X = torch.arange(16.0).reshape(4, 4)
    assert pool2d(X, 2).tolist() == [[5, 6, 7], [9, 10, 11], [13, 14, 15]]


def test_comp_conv2d_matches_the_layer_and_keeps_several_output_channels():
    torch.manual_seed(0)
    conv = nn.Conv2d(1, 1, kernel_size=3, padding=1, stride=2)
    X = torch.rand(8, 8)
    torch.testing.assert_close(comp_conv2d(conv, X), conv(X[None, None])[0, 0])
    several = comp_conv2d(nn.Conv2d(1, 3, kernel_size=3), torch.rand(5, 6))
    assert several.shape == (3, 3, 4)


def test_conv2d_module_computes_corr2d_plus_bias():
    layer = Conv2D((1, 2), generator=torch.Generator().manual_seed(0))
    assert (layer.weight.shape, layer.bias.shape) == ((1, 2), (1,))
    X = torch.rand(6, 8)
    expected = F.conv2d(X[None, None], layer.weight[None, None], layer.bias)[0, 0]
    torch.testing.assert_close(layer(X), expected)
