"""The vectorised implementations agree with F.conv2d; timings read and plot well."""

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from props import examples

from d2lconv import one_thread
from d2lconv.fast import (
    conv2d_im2col,
    corr2d_unfold,
    draw_timings,
    format_duration,
)

small = st.integers(1, 4)


def torch_conv(X, K, bias=None, **kwargs):
    """F.conv2d's answer, or None when PyTorch refuses the combination."""
    try:
        return F.conv2d(X, K, bias, **kwargs)
    except RuntimeError:
        return None


def integer_valued(shape, seed):
    # Small integers in float64: every sum is exact, so results must be equal.
    g = torch.Generator().manual_seed(seed)
    return torch.randint(-5, 6, shape, generator=g).double()


@examples(200)
@given(
    n=st.integers(1, 3),
    c_i=st.integers(1, 3),
    c_o=st.integers(1, 3),
    h=st.integers(1, 10),
    w=st.integers(1, 10),
    kh=small,
    kw=small,
    padding=st.tuples(st.integers(0, 3), st.integers(0, 3)),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    dilation=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    with_bias=st.booleans(),
    batched=st.booleans(),
    seed=st.integers(0, 2**16),
)
@one_thread()  # tiny tensors: on a busy machine, threads cost more than they gain
def test_unfold_and_im2col_match_conv2d(
    n, c_i, c_o, h, w, kh, kw, padding, stride, dilation, with_bias, batched, seed
):
    X = integer_valued((n, c_i, h, w), seed)
    K = integer_valued((c_o, c_i, kh, kw), seed + 1)
    bias = integer_valued((c_o,), seed + 2) if with_bias else None
    args = dict(padding=padding, stride=stride, dilation=dilation)
    want = torch_conv(X, K, bias, **args)
    if want is None:
        with pytest.raises(ValueError, match="< 1"):
            conv2d_im2col(X, K, bias, **args)
        with pytest.raises(ValueError, match="< 1"):
            corr2d_unfold(X[0, 0], K[0, 0], **args)
    else:
        got = conv2d_im2col(X if batched else X[0], K, bias, **args)
        assert torch.equal(got, want if batched else want[0])
        # corr2d_unfold: the first channel of the first sample, the first kernel.
        want = F.conv2d(X[:1, :1], K[:1, :1], **args)[0, 0]
        assert torch.equal(corr2d_unfold(X[0, 0], K[0, 0], **args), want)


def test_worked_examples_from_the_course():
    X = torch.arange(9).reshape(3, 3)
    K = torch.tensor([[0, 1], [2, 3]])
    # Integer tensors stay integers, exact.
    Y = corr2d_unfold(X, K)
    assert Y.dtype == torch.int64 and Y.tolist() == [[19, 25], [37, 43]]
    X2 = torch.stack([X, X + 1]).float()
    K2 = torch.stack([K, K + 1]).float()
    K3 = torch.stack([K2, K2 + 1, K2 + 2])
    assert conv2d_im2col(X2, K3).tolist() == [
        [[56, 72], [104, 120]],
        [[76, 100], [148, 172]],
        [[96, 128], [192, 224]],
    ]


# PyTorch warns that it copies the input for an even kernel; that is expected.
@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_same_padding_with_an_even_kernel_matches_pytorch():
    X = integer_valued((1, 2, 6, 7), 3)
    K = integer_valued((3, 2, 2, 4), 4)
    want = F.conv2d(X, K, padding="same")
    assert torch.equal(conv2d_im2col(X, K, padding="same"), want)
    want = F.conv2d(X[:, :1], K[:1, :1], padding="same")[0, 0]
    assert torch.equal(corr2d_unfold(X[0, 0], K[0, 0], padding="same"), want)


@one_thread()
def test_gradients_flow_like_conv2d():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(2, 3, 7, 6, generator=g, dtype=torch.float64)
    K = torch.randn(4, 3, 3, 2, generator=g, dtype=torch.float64)
    mine = K.clone().requires_grad_(True)
    ref = K.clone().requires_grad_(True)
    conv2d_im2col(X, mine, padding=1, stride=2).square().sum().backward()
    F.conv2d(X, ref, padding=1, stride=2).square().sum().backward()
    assert torch.allclose(mine.grad, ref.grad)
    k2 = K[0, 0].clone().requires_grad_(True)
    corr2d_unfold(X[0, 0], k2).sum().backward()
    k2_ref = K[0, 0].clone().requires_grad_(True)
    F.conv2d(X[:1, :1], k2_ref[None, None]).sum().backward()
    assert torch.allclose(k2.grad, k2_ref.grad)


def test_bad_input_is_explained():
    with pytest.raises(ValueError, match=r"c_i = 2.*c_i = 3"):
        conv2d_im2col(torch.ones(1, 3, 4, 4), torch.ones(1, 2, 2, 2))
    with pytest.raises(TypeError, match="X must be a floating-point"):
        conv2d_im2col(torch.ones(1, 1, 4, 4, dtype=torch.int64), torch.ones(1, 1, 2, 2))
    with pytest.raises(ValueError, match="bias must have one value per output"):
        conv2d_im2col(torch.ones(1, 1, 4, 4), torch.ones(2, 1, 2, 2), torch.ones(3))
    with pytest.raises(ValueError, match=r"n - k \+ 1 = 2 - "):
        corr2d_unfold(torch.ones(2, 2), torch.ones(3, 3))


def test_format_duration_reproduces_the_seeds_estimate():
    # SYLLABUS: 10 layers of 1.024e9 multiply-adds on 1M samples.
    work = 10 * 1_000_000 * 1.024e9
    assert format_duration(work / 0.15e12) == "19 h"
    assert format_duration(work / 12e12) == "14.2 min"
    assert format_duration(0.0123) == "12.3 ms"
    assert format_duration(3e-6) == "3 µs"
    assert format_duration(math.nan) == "n/a"


def test_draw_timings_draws_one_line_per_implementation():
    fig = draw_timings([8, 16], {"loop": [1e-3, 4e-3], "F.conv2d": [1e-5, 2e-5]})
    (ax,) = fig.axes
    assert [line.get_label() for line in ax.get_lines()] == ["loop", "F.conv2d"]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    # The x ticks are the sizes measured, as plain numbers, and nothing else.
    assert list(ax.get_xticks()) == [8, 16]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["8", "16"]
    assert list(ax.get_xticks(minor=True)) == []
    with pytest.raises(ValueError, match="one value per size"):
        draw_timings([8, 16], {"loop": [1e-3]})
