"""The course's corr2d against references other than PyTorch (``test_ops.py``):
the book's own package and SciPy."""

import torch
from d2l import torch as d2l
from hypothesis import given
from hypothesis import strategies as st
from props import examples
from scipy.signal import convolve2d

from d2lconv import corr2d


@examples(300)
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


def test_convolution_is_cross_correlation_with_a_flipped_kernel():
    X, K = torch.arange(9.0).reshape(3, 3), torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    expected = convolve2d(X.numpy(), K.numpy(), mode="valid")
    flipped = torch.flip(K, dims=(0, 1))
    assert corr2d(X, flipped).tolist() == expected.tolist() == [[5, 11], [23, 29]]
