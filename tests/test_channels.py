"""Multiple channels: the picture's numbers are PyTorch's, sums and 1x1 matmul."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from props import examples
from svg_checks import matrix, panel, parse, texts
from torch import nn

from d2lconv import ChannelsExplorer, channel_data, draw_channels
from d2lconv.channels import MODES, VALUES, book_example

# The book's two-channel example.
X_BOOK = torch.tensor(
    [[[0.0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1.0, 2, 3], [4, 5, 6], [7, 8, 9]]]
)
K_BOOK = torch.tensor([[[0.0, 1], [2, 3]], [[1.0, 2], [3, 4]]])


def test_three_output_channels_of_the_book():
    X, K = book_example(3)
    assert torch.equal(X, X_BOOK) and torch.equal(K[0], K_BOOK)
    # The book's numbers, and F.conv2d's: worked out for c_o = 1 and 3.
    expected = F.conv2d(X[None], K)[0]
    assert expected[0].tolist() == [[56, 72], [104, 120]]
    assert expected[2].tolist() == [[96, 128], [192, 224]]
    # The book's example is also where the explorer starts.
    for root in (parse(draw_channels(X, K).svg), parse(ChannelsExplorer().svg)):
        for o in range(3):
            assert np.array_equal(matrix(panel(root, f"output Y[{o}]")), expected[o])
        # The inputs and the kernels are shown as given.
        for i in range(2):
            assert np.array_equal(matrix(panel(root, f"input X[{i}]")), X_BOOK[i])
            assert np.array_equal(matrix(panel(root, f"K[2,{i}]")), K[2, i])


@examples(25)
@given(
    c_i=st.integers(1, 3),
    c_o=st.integers(1, 3),
    k=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    extra=st.tuples(st.integers(0, 3), st.integers(0, 3)),
    seed=st.integers(0, 99),
)
def test_each_part_and_every_output_channel_shown_is_f_conv2d(c_i, c_o, k, extra, seed):
    generator = torch.Generator().manual_seed(seed)
    size = (c_i, k[0] + extra[0], k[1] + extra[1])
    X = torch.randint(-3, 4, size, generator=generator).float()
    K = torch.randint(-2, 3, (c_o, c_i, *k), generator=generator).float()
    root = parse(draw_channels(X, K).svg)
    expected = F.conv2d(X[None], K)[0]
    for o in range(c_o):
        assert np.array_equal(matrix(panel(root, f"output Y[{o}]")), expected[o])
        # Part i is input channel i cross-correlated with K[o, i] alone.
        for i in range(c_i):
            part = matrix(panel(root, f"corr2d(X[{i}], K[{o},{i}])"))
            alone = F.conv2d(X[None, i : i + 1], K[o : o + 1, i : i + 1])[0, 0]
            assert np.array_equal(part, alone)
    # A screen reader hears the equation: parts, "plus", "equals", the output.
    labels = [g.get("aria-label") for g in root.iter() if g.get("aria-label")]
    assert labels.count("plus") == c_o * (c_i - 1) and labels.count("equals") == c_o


def test_one_by_one_view_is_a_matrix_product():
    X, K = channel_data(3, 2, kernel_size=1, size=4, seed=1)
    root = parse(draw_channels(X, K, MODES[1]).svg)
    W = matrix(panel(root, "W (c_o, c_i)"))
    Xr = matrix(panel(root, "X reshaped 3x16"))
    Yr = matrix(panel(root, "Y reshaped 2x16"))
    assert np.array_equal(W, K.reshape(2, 3).numpy())
    assert np.array_equal(Xr, X.reshape(3, 16).numpy())
    assert np.array_equal(Yr, F.conv2d(X[None], K)[0].reshape(2, 16).numpy())
    assert np.array_equal(W @ Xr, Yr)


def test_the_text_gives_the_layer_and_its_costs_as_pytorch_counts_them():
    X, K = channel_data(3, 4, kernel_size=2, size=5)
    words = texts(parse(draw_channels(X, K).svg))
    layer = nn.Conv2d(3, 4, 2, bias=False)
    code = next(w for w in words if w.startswith("nn.Conv2d("))
    # The line runs as it reads, and gives the output shape PyTorch gives.
    assert code.startswith("nn.Conv2d(3, 4, kernel_size=2, bias=False)")
    assert f"-> {tuple(layer(X).shape)}" in code
    weights = layer.weight.numel()
    assert any(f"= {weights} weights" in w for w in words)
    # One multiply-add per weight per output pixel: 4x4 outputs.
    assert any(w.endswith(f"= {weights * 16}") for w in words if "multiply" in w)


def largest_draw(seed):
    """PyTorch's integers at the largest sizes the explorer offers, X then K."""
    generator = torch.Generator().manual_seed(seed)
    X = torch.randint(0, 4, (4, 6, 6), generator=generator).float()
    return X, torch.randint(-1, 3, (4, 4, 4, 4), generator=generator).float()


@pytest.mark.parametrize(
    "settings",
    [
        dict(in_channels=4, out_channels=4, kernel_size=3, size=6, seed=9),
        dict(in_channels=3, out_channels=2, kernel_size=1, size=4, seed=2),
        dict(in_channels=1, kernel_size=1, size=5, seed=3, mode=MODES[1]),
    ],
)
def test_settings_show_f_conv2d_and_the_page_gets_the_seeds_integers(settings):
    """Python's picture (the page's fallback): F.conv2d of the leading part of
    the seed's largest draw (the part the page takes). Settings with no picture:
    test_picture.test_an_explorer_explains_settings_with_no_picture."""
    e = ChannelsExplorer(values=VALUES[0])
    answered = e.answered
    e.set_state(settings)
    assert e.message == ""
    c_i, c_o, k, n = (e.in_channels, e.out_channels, e.kernel_size, e.size)
    X, K = largest_draw(e.seed)
    # A new seed is answered: the page gets the draw's integers.
    assert e.answered == answered + 1
    assert e.pools == {"x": X.int().tolist(), "k": K.int().tolist()}
    reference = F.conv2d(X[None, :c_i, :n, :n], K[:c_o, :c_i, :k, :k])[0]
    root = parse(e.svg)
    if e.mode == MODES[0]:
        shown = np.stack([matrix(panel(root, f"output Y[{o}]")) for o in range(c_o)])
    else:
        shown = matrix(panel(root, f"Y reshaped {c_o}x{n * n}")).reshape(c_o, n, n)
    assert np.array_equal(shown, reference.numpy())
