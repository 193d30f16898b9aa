"""Every worked example of the course (cross-correlation to pooling), exact values."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from d2lconv import (
    Conv2D,
    comp_conv2d,
    conv2d_flops,
    conv2d_output_shape,
    conv2d_params,
    corr2d,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
    pool2d,
    pool2d_output_shape,
    same_padding,
)

X3 = torch.arange(9.0).reshape(3, 3)
K2 = torch.tensor([[0.0, 1.0], [2.0, 3.0]])


def edge_image():
    """6x8 ones with a dark stripe in columns 2..5."""
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    return X


# Cross-correlation and the convolutional layer


def test_cross_correlation_example():
    assert corr2d(X3, K2).tolist() == [[19, 25], [37, 43]]
    assert 0 * 0 + 1 * 1 + 3 * 2 + 4 * 3 == 19


def test_output_shape_shrinks_by_kernel_minus_one():
    assert corr2d(torch.zeros(6, 8), torch.zeros(2, 3)).shape == (6 - 2 + 1, 8 - 3 + 1)


def test_convolution_is_cross_correlation_with_a_flipped_kernel():
    from scipy.signal import convolve2d

    flipped = torch.flip(K2, dims=(0, 1))
    expected = convolve2d(X3.numpy(), K2.numpy(), mode="valid")
    assert corr2d(X3, flipped).tolist() == expected.tolist() == [[5, 11], [23, 29]]


def test_edge_detection_finds_vertical_edges_only():
    X = edge_image()
    K = torch.tensor([[1.0, -1.0]])
    Y = corr2d(X, K)
    expected = torch.zeros(6, 7)
    expected[:, 1] = 1
    expected[:, 5] = -1
    assert torch.equal(Y, expected)
    assert torch.equal(corr2d(X.T, K), torch.zeros(8, 5))


def test_learning_the_kernel_with_nn_conv2d():
    # Variant (a): nn.Conv2d(1, 1, (1, 2), bias=False), 10 steps, lr 3e-2.
    X = edge_image()
    Y = corr2d(X, torch.tensor([[1.0, -1.0]]))
    torch.manual_seed(0)
    conv2d = nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False)
    X4, Y4 = X.reshape(1, 1, 6, 8), Y.reshape(1, 1, 6, 7)
    losses = []
    for _ in range(10):
        loss = ((conv2d(X4) - Y4) ** 2).sum()
        conv2d.zero_grad()
        loss.backward()
        conv2d.weight.data -= 3e-2 * conv2d.weight.grad
        losses.append(loss.item())
    assert losses[-1] < losses[0] / 10
    torch.testing.assert_close(
        conv2d.weight.data.reshape(1, 2), torch.tensor([[1.0, -1.0]]), atol=0.1, rtol=0
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_learning_the_kernel_with_the_hand_written_layer(seed):
    # Variant (b): Conv2D with random weight and bias, 30 steps, lr 0.01.
    X = edge_image()
    Y = corr2d(X, torch.tensor([[1.0, -1.0]]))
    layer = Conv2D((1, 2), generator=torch.Generator().manual_seed(seed))
    losses = []
    for _ in range(30):
        loss = ((layer(X) - Y) ** 2).sum()
        layer.zero_grad()
        loss.backward()
        with torch.no_grad():
            layer.weight -= 0.01 * layer.weight.grad
            layer.bias -= 0.01 * layer.bias.grad
        losses.append(loss.item())
    assert losses[-1] < 0.01
    assert losses[-1] < losses[0] / 100
    torch.testing.assert_close(
        layer.weight.data, torch.tensor([[1.0, -1.0]]), atol=0.03, rtol=0
    )
    assert abs(layer.bias.item()) < 0.01


def test_two_stacked_2x2_layers_see_all_nine_inputs():
    X = torch.rand(3, 3, requires_grad=True)
    Y = corr2d(corr2d(X, torch.ones(2, 2)), torch.ones(2, 2))
    assert Y.shape == (1, 1)
    Y.sum().backward()
    assert (X.grad != 0).all()


# Padding


def test_without_padding_32_shrinks_to_28_then_to_4():
    n = 32
    sizes = []
    for _ in range(7):
        n = conv2d_output_shape(n, 5)[0]
        sizes.append(n)
    assert sizes[0] == 28
    assert sizes[-1] == 4


def test_padding_formula_uses_total_padding():
    # The book's p_h is top + bottom: (n - k + p_h + 1); PyTorch's padding is per side.
    n_h, k_h, p_h = 8, 3, 4
    assert conv2d_output_shape(n_h, k_h, padding=p_h // 2)[0] == n_h - k_h + p_h + 1


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6])
def test_total_padding_k_minus_one_keeps_the_shape(k):
    (top, bottom), (left, right) = same_padding(k)
    assert top + bottom == k - 1
    # Even k: one side gets ceil(p/2), the other floor(p/2); PyTorch: the bottom.
    assert (top, bottom) == ((k - 1) // 2, math.ceil((k - 1) / 2))
    X = torch.rand(7, 9)
    K = torch.rand(k, k)
    assert corr2d(X, K, padding="same").shape == (7, 9)


def test_padding_example():
    assert corr2d(X3, K2, padding=1).tolist() == [
        [0, 3, 8, 4],
        [9, 19, 25, 10],
        [21, 37, 43, 16],
        [6, 7, 8, 0],
    ]


# Stride


def test_224_needs_55_layers_of_5x5_to_reach_4():
    n, layers = 224, 0
    while n > 4:
        n = conv2d_output_shape(n, 5)[0]
        layers += 1
    assert (n, layers) == (4, 55)


def test_stride_example():
    assert corr2d(X3, K2, padding=1, stride=(3, 2)).tolist() == [[0, 8], [6, 8]]


@pytest.mark.parametrize("n", [5, 8, 9, 224])
@pytest.mark.parametrize("s", [1, 2, 3])
def test_stride_formula_with_total_padding_k_minus_one(n, s):
    k = 3  # p_h = k - 1 = 2 in total, 1 per side
    assert conv2d_output_shape(n, k, stride=s, padding=1)[0] == (n + s - 1) // s
    if n % s == 0:
        assert conv2d_output_shape(n, k, stride=s, padding=1)[0] == n // s


@pytest.mark.parametrize(
    ("kwargs", "shape"),
    [
        ({"kernel_size": 3, "padding": 1}, (8, 8)),
        ({"kernel_size": (5, 3), "padding": (2, 1)}, (8, 8)),
        ({"kernel_size": 3, "padding": 1, "stride": 2}, (4, 4)),
        ({"kernel_size": (3, 5), "padding": (0, 1), "stride": (3, 4)}, (2, 2)),
        ({"kernel_size": 3, "padding": (2, 3), "stride": 2}, (5, 6)),
    ],
)
def test_comp_conv2d_examples(kwargs, shape):
    conv2d = nn.Conv2d(1, 1, **kwargs)
    assert comp_conv2d(conv2d, torch.rand(8, 8)).shape == shape
    assert conv2d_output_shape(8, **kwargs) == shape


# Multiple input and output channels

XX = torch.stack([X3, X3 + 1])
KK = torch.stack([K2, K2 + 1])


def test_multi_input_example():
    assert corr2d_multi_in(XX, KK).tolist() == [[56, 72], [104, 120]]


def test_multi_output_example():
    K = torch.stack([KK, KK + 1, KK + 2])
    assert K.shape == (3, 2, 2, 2)
    assert corr2d_multi_in_out(XX, K).tolist() == [
        [[56, 72], [104, 120]],
        [[76, 100], [148, 172]],
        [[96, 128], [192, 224]],
    ]


def test_1x1_as_matrix_product_matches_general_code():
    torch.manual_seed(0)
    X = torch.normal(0, 1, (3, 3, 3))
    K = torch.normal(0, 1, (2, 3, 1, 1))
    Y1 = corr2d_multi_in_out_1x1(X, K)
    Y2 = corr2d_multi_in_out(X, K)
    assert Y1.shape == (2, 3, 3)
    assert float(torch.abs(Y1 - Y2).sum()) < 1e-6


def test_full_conv_layer_shapes():
    conv = nn.Conv2d(2, 3, kernel_size=(3, 5), stride=1, padding=(1, 2))
    assert conv(torch.rand(4, 2, 3, 5)).shape == (4, 3, 3, 5)
    assert conv.weight.shape == (3, 2, 3, 5)
    assert conv.bias.shape == (3,)
    assert conv2d_output_shape((3, 5), (3, 5), 1, (1, 2)) == (3, 5)
    assert conv2d_params(2, 3, (3, 5)) == 3 * 2 * 3 * 5 + 3


def test_cost_example_one_gigaflop():
    flops = conv2d_flops(64, 100, 100, 5, padding=2)
    assert flops == 1_024_000_000
    total = 10 * 1_000_000 * flops  # 10 layers, 1M samples
    assert total == pytest.approx(1.024e16)  # about 10 PFLOP
    assert round(total / 0.15e12 / 3600) == 19  # hours on a 0.15 TFLOPS CPU
    assert round(total / 12e12 / 60) == 14  # minutes on a 12 TFLOPS GPU


def test_conv_params_do_not_depend_on_the_image_but_dense_ones_do():
    assert conv2d_params(3, 16, 3, bias=False) == 3 * 16 * 3 * 3
    dense = nn.Linear(3 * 32 * 32, 16 * 32 * 32, bias=False, device="meta")
    assert dense.weight.numel() == 3 * 16 * 32 * 32 * 32 * 32


def test_two_stacked_kernels_equal_one_of_size_k1_plus_k2_minus_1():
    torch.manual_seed(0)
    X = torch.randint(-3, 4, (8, 9)).float()
    K1 = torch.randint(-3, 4, (2, 3)).float()
    K2 = torch.randint(-3, 4, (3, 2)).float()
    # The combined kernel: K1 shifted by every (u, v) of K2, weighted by K2[u, v].
    K = torch.zeros(2 + 3 - 1, 3 + 2 - 1)
    for u in range(3):
        for v in range(2):
            K[u : u + 2, v : v + 3] += K2[u, v] * K1
    assert torch.equal(corr2d(corr2d(X, K1), K2), corr2d(X, K))


def test_doubling_padding_adds_two_p_to_each_side_of_the_output():
    # Doubling padding does not double the output: it adds 2p rows (per-side p).
    assert conv2d_output_shape(32, 5, padding=2) == (32, 32)
    assert conv2d_output_shape(32, 5, padding=4) == (36, 36)


def test_convolution_as_a_matrix_product_with_unfold():
    torch.manual_seed(0)
    X = torch.randint(-3, 4, (2, 5, 6)).float()
    K = torch.randint(-3, 4, (3, 2, 3, 3)).float()
    columns = F.unfold(X[None], kernel_size=3)[0]  # (c_i*k_h*k_w, m_h*m_w)
    Y = (K.reshape(3, -1) @ columns).reshape(3, 3, 4)
    assert torch.equal(Y, corr2d_multi_in_out(X, K))


# Pooling


def test_pooling_example():
    assert pool2d(X3, (2, 2)).tolist() == [[4, 5], [7, 8]]
    assert pool2d(X3, (2, 2), "avg").tolist() == [[2, 3], [5, 6]]


def test_pooling_keeps_the_number_of_channels():
    X = torch.arange(32.0).view(1, 2, 4, 4)
    assert pool2d(X[0], 3, padding=1, stride=(2, 1)).shape == (2, 2, 4)


def test_pytorch_pooling_default_stride_is_the_window():
    X = torch.arange(16.0).reshape(1, 1, 4, 4)
    assert nn.MaxPool2d(3)(X).tolist() == [[[[10.0]]]]
    assert pool2d(X[0, 0], 3, stride=None).tolist() == [[10.0]]
    assert pool2d_output_shape(4, 3) == (1, 1)


def test_multi_channel_max_pool_example():
    X = torch.arange(32.0).view(1, 2, 4, 4)
    expected = [
        [[[5, 6, 7, 7], [13, 14, 15, 15]], [[21, 22, 23, 23], [29, 30, 31, 31]]]
    ]
    assert nn.MaxPool2d(3, padding=1, stride=(2, 1))(X).tolist() == expected
    assert pool2d(X[0], 3, padding=1, stride=(2, 1)).tolist() == expected[0]
    assert pool2d_output_shape(4, 3, stride=(2, 1), padding=1) == (2, 4)


def test_multi_channel_avg_pool_example():
    X = torch.arange(32.0).view(1, 2, 4, 4)
    Y = pool2d(X[0], 3, "avg", padding=1, stride=(2, 1))
    expected = torch.tensor([[1.1111, 2, 2.6667, 2], [5.6667, 9, 10, 7]])
    torch.testing.assert_close(Y[0], expected, atol=1e-4, rtol=0)
    # Exactly: the zero padding counts, every mean is over 9 values.
    assert Y[0, 0, 0].item() == pytest.approx((0 + 1 + 4 + 5) / 9)
