"""Every check accepts a correct answer and rejects the typical wrong ones."""

import math
from itertools import pairwise
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

import d2lconv
from d2lconv import Conv2D, corr2d, corr2d_multi_in_out, exercises

# ---------------------------------------------------------------------------
# Correct answers, written the way a student would


def out_len(n, k, p, s):
    return (n + 2 * p - k) // s + 1


def edge_kernel(v):
    v_h, v_w = v
    # Directional derivative along v: v_h * (down - here) + v_w * (right - here).
    return torch.tensor([[-(v_h + v_w), v_w], [v_h, 0.0]])


def kernel_gradient_by_hand(X, Y, K, b):
    return corr2d(X, 2 * (corr2d(X, K) + b - Y))


def kernel_gradient_by_autograd(X, Y, K, b):
    layer = Conv2D(tuple(K.shape))
    with torch.no_grad():
        layer.weight.copy_(K)
        layer.bias.copy_(b)
    ((layer(X) - Y) ** 2).sum().backward()
    return layer.weight.grad


def kernel_matrix(K, input_shape):
    h, w = input_shape
    kh, kw = K.shape
    oh, ow = h - kh + 1, w - kw + 1
    W = torch.zeros(oh * ow, h * w)
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                W[i * ow + j, (i + a) * w + j : (i + a) * w + j + kw] = K[a]
    return W


def mirror_pad(X, p):
    return F.pad(X[None], (p, p, p, p), mode="reflect")[0]


def mirror_pad_symmetric(X, p):
    # Repeats the border value: numpy's "symmetric".
    for _ in range(2):
        X = torch.cat([X[:p].flip(0), X, X[-p:].flip(0)]).T
    return X


def stride_half(X, K):
    n, m = X.shape
    Z = torch.zeros(2 * n - 1, 2 * m - 1)
    Z[::2, ::2] = X
    return corr2d(Z, K, padding=(K.shape[0] - 1, K.shape[1] - 1))


def compose(K1, K2):
    # The combined kernel is the full convolution of K1 with K2.
    k2h, k2w = K2.shape
    padded = F.pad(K1[None, None], (k2w - 1, k2w - 1, k2h - 1, k2h - 1))
    return F.conv2d(padded, K2.flip(0, 1)[None, None])[0, 0]


def forward_cost(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w):
    return c_i * c_o * k_h * k_w * out_len(h, k_h, p_h, s_h) * out_len(w, k_w, p_w, s_w)


def forward_memory(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w):
    m = out_len(h, k_h, p_h, s_h) * out_len(w, k_w, p_w, s_w)
    return c_i * h * w + c_o * c_i * k_h * k_w + c_o + c_o * m


def backward_cost(*layer):
    return 2 * forward_cost(*layer)


def backward_memory(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w):
    m = out_len(h, k_h, p_h, s_h) * out_len(w, k_w, p_w, s_w)
    return 2 * c_i * h * w + 2 * c_o * c_i * k_h * k_w + c_o + c_o * m


def conv2d_matmul(X, K):
    c_o, c_i, kh, kw = K.shape
    cols = F.unfold(X[None], (kh, kw))[0]
    oh, ow = X.shape[1] - kh + 1, X.shape[2] - kw + 1
    return (K.reshape(c_o, -1) @ cols).reshape(c_o, oh, ow)


def avg_pool(X, k, s):
    C = X.shape[1]
    return F.conv2d(X, torch.full((C, 1, k, k), 1 / k**2), stride=s, groups=C)


def relu_max(a, b):
    return a + F.relu(b - a)


def max_pool_relu(X):
    top = relu_max(X[..., ::2, ::2], X[..., ::2, 1::2])
    bottom = relu_max(X[..., 1::2, ::2], X[..., 1::2, 1::2])
    return relu_max(top, bottom)


def pooling_cost(c, h, w, k_h, k_w, p_h, p_w, s_h, s_w):
    return c * out_len(h, k_h, p_h, s_h) * out_len(w, k_w, p_w, s_w) * k_h * k_w


def loglog_slopes(n, t):
    return [
        math.log(t2 / t1) / math.log(n2 / n1)
        for (n1, n2), (t1, t2) in zip(pairwise(n), pairwise(t), strict=True)
    ]


def intensity(c, n=64, k=5, p=2):
    m = n + 2 * p - k + 1
    return c * c * k * k * m * m / (c * n * n + c * c * k * k + c * m * m)


def windows(X, k, s):
    return X.unfold(2, k, s).unfold(3, k, s).flatten(-2)


def softmax_pool(X, k, s):
    win = windows(X, k, s)
    return (torch.softmax(win, -1) * win).sum(-1)


SOBEL_X = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])


def sobel_maps(X, padding=0):
    K = torch.stack([SOBEL_X, SOBEL_X.T])[:, None]
    gx, gy = F.conv2d(X[None, None], K, padding=padding)[0]
    return gx, gy


def edge_strength(X):
    gx, gy = sobel_maps(X)
    return torch.sqrt(gx**2 + gy**2)


# ---------------------------------------------------------------------------
# Typical wrong answers


def forward_cost_total_padding(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w):
    # The book's formula with PyTorch's per-side padding plugged in as the total.
    m_h = (h - k_h + p_h + s_h) // s_h
    m_w = (w - k_w + p_w + s_w) // s_w
    return c_i * c_o * k_h * k_w * m_h * m_w


def forward_cost_no_stride(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w):
    return c_i * c_o * k_h * k_w * out_len(h, k_h, p_h, 1) * out_len(w, k_w, p_w, 1)


def mixing_avg_pool(X, k, s):
    C = X.shape[1]
    return F.conv2d(X, torch.full((C, C, k, k), 1 / k**2), stride=s)


CASES = {
    "check_fc_weights": ([3.6e9], [[1.2e9], [14.4e9], ["lots"]]),
    "check_diagonal_edges": ([0], [[1], [2], [3], [0.5]]),
    "check_edge_kernel": (
        [edge_kernel],
        [
            [lambda v: torch.tensor([[1.0, -1.0]])],  # the vertical-edge kernel
            [lambda v: torch.tensor([[0.0, 1.0], [1.0, 0.0]])],  # not zero-sum
            [lambda v: torch.tensor([[1.0, -2.0, 1.0]])],  # second derivative
        ],
    ),
    "check_second_derivative_kernel": (
        [torch.tensor([[1.0, -2.0, 1.0]])],
        [
            [torch.tensor([[1.0, -1.0]])],
            [torch.tensor([[-1.0, 2.0, -1.0]])],
            [torch.tensor([[1.0, -2.0, 2.0]])],
            [torch.tensor([[0.5, -1.0, 0.5]])],
        ],
    ),
    "check_derivative_kernel_size": (
        [lambda d: d + 1],
        [[lambda d: d], [lambda d: 2 * d + 1], [lambda d: 3]],
    ),
    "check_blur_kernel": (
        [torch.ones(3, 3) / 9],
        [
            [torch.ones(3, 3)],
            [torch.tensor([[0.0, 0.0], [0.0, 1.0]])],
            [torch.tensor([[-1.0, 3.0, -1.0]])],
        ],
    ),
    "check_kernel_gradient": (
        [kernel_gradient_by_hand],
        [
            [lambda X, Y, K, b: corr2d(X, corr2d(X, K) + b - Y)],
            [lambda X, Y, K, b: corr2d(X, 2 * (Y - corr2d(X, K) - b))],
            [lambda X, Y, K, b: torch.zeros(3, 3)],
        ],
    ),
    "check_kernel_matrix": (
        [kernel_matrix],
        [
            [lambda K, s: kernel_matrix(K.flip(0, 1), s)],
            [lambda K, s: kernel_matrix(K, s).T],
        ],
    ),
    "check_fc_weights_224": (
        [150_528_000],
        [[50_176_000], [672_000], [602_112_000], ["lots"]],
    ),
    "check_conv_params_224": ([1792], [[1728], [640], [576], [150_528]]),
    "check_position_task": (
        ["c", "b"],
        [["a", "b"], ["d", "b"], ["c", "a"], ["c", "c"], ["x", "b"]],
    ),
    "check_audio_text": (
        ["b", "c"],
        [["a", "c"], ["c", "c"], ["b", "b"], ["b", "a"], [1, "c"]],
    ),
    "check_layers_to_see_all": ([112], [[111], [75], [224], [112.5]]),
    "check_sweep_shape": ([(3, 4)], [[(2, 3)], [(5, 8)], [(4, 3)], ["3x4"]]),
    "check_training_prediction": (["diverges"], [["converges"], ["maybe"]]),
    "check_stack_field": ([17], [[20], [16], [21], [5], [17.5]]),
    "check_receptive_field_size": (
        [lambda sizes: 1 + sum(k - 1 for k in sizes)],
        [[sum], [lambda sizes: sum(k - 1 for k in sizes)], [max]],
    ),
    "check_output_shape": ([(2, 2)], [[(3, 3)], [(2, 3)], [(4, 4)], ["2x2"]]),
    "check_audio_stride": ([8000], [[32000], [16000], [2]]),
    "check_mirror_padding": (
        [mirror_pad],
        [
            [lambda X, p: F.pad(X, (p, p, p, p))],
            [lambda X, p: F.pad(X[None], (p, p, p, p), mode="replicate")[0]],
            [lambda X, p: F.pad(X[None], (p, p, 0, 0), mode="reflect")[0]],
        ],
    ),
    "check_stride_savings": ([4], [[2], [0.25], [8]]),
    "check_padded_size": ([(7, 8)], [[(5, 6)], [(3, 4)], [(9, 10)], ["7x8"]]),
    "check_corner_uses": ([4], [[1], [9], [2], [4.5], [float("inf")]]),
    "check_same_padding": (
        [((1, 2), (0, 1))],
        [
            [((2, 1), (1, 0))],
            [((3, 3), (1, 1))],
            [((1, 1), (0, 1))],
            [((1.5, 1.5), (0.5, 0.5))],
            [(3, 1)],
        ],
    ),
    "check_stride_prediction": ([(4, 4)], [[(3, 3)], [(7, 7)], [(5, 5)], [4]]),
    "check_stack_prediction": (
        [(1, 63)],
        [[(22, 63)], [(2, 63)], [(1, 11)], [(1, 32)], [(1, 31)], [1]],
    ),
    "check_dilated_field": ([15], [[7], [19], [17], [9], [16]]),
    "check_undilated_layers": ([7], [[3], [15], [6], [5], [8], [7.5]]),
    "check_fractional_stride": (
        [stride_half],
        [
            [lambda X, K: stride_half(X, K.flip(0, 1))],
            [lambda X, K: corr2d(X, K, padding=1)],
        ],
    ),
    "check_composed_kernel_size": (
        [lambda k1, k2: k1 + k2 - 1],
        [[lambda k1, k2: k1 + k2], [lambda k1, k2: k1 * k2], [max]],
    ),
    "check_compose_kernels": (
        [compose],
        [
            [lambda K1, K2: compose(K1, K2.flip(0, 1))],
            [lambda K1, K2: K1 @ K2 if K1.shape[1] == K2.shape[0] else K1],
        ],
    ),
    "check_every_kernel_factors": ([False], [[True], ["no"]]),
    "check_forward_cost": (
        [forward_cost],
        [
            [forward_cost_total_padding],
            [forward_cost_no_stride],
            [lambda *layer: 2 * forward_cost(*layer)],
            [lambda *layer: forward_cost(*layer) // layer[0]],
        ],
    ),
    "check_forward_memory": (
        [forward_memory],
        [
            [lambda *layer: forward_memory(*layer) - layer[3]],
            [lambda *layer: forward_memory(*layer) - layer[0] * layer[1] * layer[2]],
            [forward_cost],
        ],
    ),
    "check_backward_cost": (
        [backward_cost],
        [[forward_cost], [lambda *layer: 4 * forward_cost(*layer)]],
    ),
    "check_backward_memory": (
        [backward_memory],
        [
            [forward_memory],
            [lambda *layer: 2 * forward_memory(*layer)],
            # The bias counted as kept by the forward pass, and as its gradient.
            [lambda *layer: backward_memory(*layer) + layer[3]],
        ],
    ),
    "check_doubling_channels": ([4], [[2], [16]]),
    # The seeds' answer "padding doubled -> 2x the work" is wrong.
    "check_doubling_padding": ([(68 / 64) ** 2], [[2], [4], [68 / 64]]),
    "check_1x1_cost": (
        [lambda c_i, c_o, h, w: c_i * c_o * h * w],
        [
            [lambda c_i, c_o, h, w: c_i * h * w],
            [lambda c_i, c_o, h, w: c_i * c_o],
            [lambda c_i, c_o, h, w: 0],
        ],
    ),
    # The seeds' answer (floating-point error) is choice b; a says "identical".
    "check_y1_y2": (["b"], [["a"], ["c"], ["d"], ["e"], [2]]),
    "check_conv2d_as_matmul": (
        [conv2d_matmul],
        [
            [lambda X, K: F.conv2d(X[None], K)[0]],
            [corr2d_multi_in_out],
            [lambda X, K: conv2d_matmul(X, K.flip(2, 3))],
        ],
    ),
    "check_block_diagonal_speedup": (
        [lambda c, b: b],
        [[lambda c, b: b * b], [lambda c, b: c / b]],
    ),
    "check_groups_lose": (["b"], [["a"], ["c"], ["d"], ["e"], [2]]),
    "check_avg_pool_as_conv": (
        [avg_pool],
        [
            [mixing_avg_pool],
            [lambda X, k, s: F.avg_pool2d(X, k, s)],
            [lambda X, k, s: avg_pool(X, k, s) * k * k],
        ],
    ),
    "check_max_pool_not_linear": (
        [
            torch.tensor([[1.0, 0.0], [0.0, 0.0]]),
            torch.tensor([[0.0, 0.0], [0.0, 1.0]]),
        ],
        [
            [torch.ones(3, 3), 2 * torch.ones(3, 3)],
            [torch.ones(2, 2), torch.ones(3, 3)],
        ],
    ),
    "check_max_from_relu": (
        [relu_max],
        [
            [torch.maximum],
            [lambda a, b: (a + b + (a - b).abs()) / 2],
            [lambda a, b: torch.where(a > b, a, b)],
            [lambda a, b: a.clamp(min=b)],
            [max],
            [lambda a, b: F.relu(b - a)],
        ],
    ),
    "check_max_pool_from_relu": (
        [max_pool_relu],
        [[lambda X: F.max_pool2d(X, 2)], [lambda X: F.avg_pool2d(X, 2)]],
    ),
    "check_relu_max_layers": ([(2, 4)], [[(3, 8)], [(1, 1)], [(2, 3)]]),
    "check_pooling_cost": (
        [pooling_cost],
        [[lambda *a: pooling_cost(*a) // a[0]], [lambda *a: pooling_cost(*a) * a[0]]],
    ),
    "check_min_pooling": (
        [lambda X, k, s: -F.max_pool2d(-X, k, s)],
        [
            [lambda X, k, s: F.max_pool2d(X, k, s)],
            [lambda X, k, s: -F.max_pool2d(X, k)],
        ],
    ),
    "check_softmax_pooling": (
        [softmax_pool],
        [
            [lambda X, k, s: F.avg_pool2d(X, k, s)],
            [lambda X, k, s: F.max_pool2d(X, k, s)],
        ],
    ),
    # Notebook 6's explorer task: nn.Conv2d(3, 2, 3) on a 3x5x5 input.
    "check_channel_prediction": (
        [54, (2, 3, 3)],
        [
            [27, (2, 3, 3)],  # one kernel for all output channels
            [18, (2, 3, 3)],  # one slice for all input channels
            [56, (2, 3, 3)],  # the bias counted
            [54, (3, 3, 3)],  # c_i output channels
            [54, (1, 3, 3)],  # the output channels summed
            [54, (2, 5, 5)],  # no shrinking
            [54, "2x3x3"],
        ],
    ),
    # Notebook 8's explorer task: MaxPool2d(3, 2, 1) on the 7x7 input 0..48.
    "check_pooling_prediction": (
        [(4, 4), 8],
        [[(3, 3), 8], [(7, 7), 8], [(4, 4), 16], [(4, 4), 16 / 9], [(4, 4), 0]],
    ),
    "check_strided_conv_params": ([16448], [[16384], [320], [256], [0], ["lots"]]),
    "check_pool_or_conv": (["b"], [["a"], ["c"], ["d"], ["e"], [2]]),
    "check_loglog_slopes": (
        [loglog_slopes],
        [
            [lambda n, t: [math.log(b / a) for a, b in pairwise(t)]],
            [lambda n, t: [math.log2(b / a) for a, b in pairwise(t)]],
            [lambda n, t: [b / a for a, b in pairwise(t)]],
            [lambda n, t: [-s for s in loglog_slopes(n, t)]],
            [lambda n, t: loglog_slopes(n, t)[:1]],
        ],
    ),
    # 100 channels, 5x5 kernel, 64x64 input, padding 2: 2500 x 4096 floats.
    "check_im2col_megabytes": (
        [40.96],
        [[2500 * 4096 * 4 / 2**20], [10.24], [81.92], [0.4096], [1.6384], ["40 MB"]],
    ),
    "check_arithmetic_intensity": (
        [intensity],
        [
            [lambda c: c * c * 25 * 64 * 64 / (2 * c * 64 * 64)],  # no weights
            [lambda c: c * c * 25 * 64 * 64 / (c * 64 * 64 + c * c * 25)],
            [lambda c: c * c * 25 * 64 * 64],
        ],
    ),
    "check_float64_memory_bound": ([2], [[0.5], [1], [4], ["twice"]]),
    "check_sobel_y": (
        [SOBEL_X.T],
        [
            [SOBEL_X],
            [-SOBEL_X.T],
            [torch.tensor([[-1.0, -1, -1], [0, 0, 0], [1, 1, 1]])],  # Prewitt
            [torch.ones(3, 3)],
            [torch.tensor([[1.0, -1.0]])],
        ],
    ),
    "check_edge_strength": (
        [edge_strength],
        [
            [lambda X: sum(g.abs() for g in sobel_maps(X))],
            [lambda X: sum(g**2 for g in sobel_maps(X))],
            [lambda X: sobel_maps(X)[0].abs()],
            [lambda X: torch.sqrt(sum(g**2 for g in sobel_maps(X, padding=1)))],
            [lambda X: X],
        ],
    ),
    "check_limit_scaling": ([0.25], [[0.5], [4], [1], [0.1], ["a quarter"]]),
    "check_pooled_size": (
        [(16, 13)],
        [[(16, 14)], [(125, 106)], [(32, 27)], [(16.0, 13.5)]],
    ),
}


def test_every_check_is_tested():
    checks = {n for n in dir(exercises) if n.startswith("check_")}
    assert checks == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_accepts_the_correct_answer(name, capsys):
    right, _ = CASES[name]
    assert getattr(exercises, name)(*right) is True
    assert capsys.readouterr().out.startswith("Correct. ")


@pytest.mark.parametrize(
    "name, index",
    [(name, i) for name in sorted(CASES) for i in range(len(CASES[name][1]))],
)
def test_check_rejects_a_wrong_answer_with_a_hint(name, index, capsys):
    wrong = CASES[name][1][index]
    assert getattr(exercises, name)(*wrong) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet. Hint: ")
    assert "Traceback" not in out


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_placeholder_gets_a_hint_not_an_error(name, capsys):
    right, _ = CASES[name]
    assert getattr(exercises, name)(*([None] * len(right))) is False
    assert capsys.readouterr().out.startswith("Not yet. Hint: ")


@pytest.mark.parametrize("name", ["check_kernel_gradient", "check_edge_kernel"])
def test_a_function_that_raises_gets_a_hint(name, capsys):
    def broken(*args):
        raise ZeroDivisionError("division by zero")

    assert getattr(exercises, name)(broken) is False
    assert "ZeroDivisionError: division by zero" in capsys.readouterr().out


def test_autograd_through_the_hand_written_layer_is_accepted():
    assert exercises.check_kernel_gradient(kernel_gradient_by_autograd)


def test_symmetric_mirror_padding_is_accepted_and_named(capsys):
    assert exercises.check_mirror_padding(mirror_pad_symmetric)
    assert "symmetric" in capsys.readouterr().out


def test_other_second_derivatives_are_accepted():
    assert exercises.check_second_derivative_kernel(
        torch.tensor([[1.0], [-2.0], [1.0]])
    )
    laplacian = torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])
    assert exercises.check_second_derivative_kernel(laplacian)
    assert exercises.check_second_derivative_kernel(torch.tensor([1.0, -2.0, 1.0]))


def test_output_shape_check_follows_nn_conv2d_for_other_layers(capsys):
    # SYLLABUS: kernel 3, padding (2, 3), stride 2 on 8x8 -> 5x6.
    assert exercises.check_output_shape((5, 6), 8, 3, (2, 3), 2)
    assert not exercises.check_output_shape((4, 4), 8, 3, (2, 3), 2)
    # The book's total padding mistaken for PyTorch's per-side padding.
    assert not exercises.check_output_shape((7, 7), 8, 3, 1, 1)
    assert "per side" in capsys.readouterr().out
    with pytest.raises(ValueError, match="floor"):
        exercises.check_output_shape((1, 1), 2, 5)


def test_hints_do_not_give_the_answer_away(capsys):
    exercises.check_doubling_padding(2)
    exercises.check_fc_weights(1e9)
    exercises.check_output_shape((3, 3))
    exercises.check_relu_max_layers((3, 8))
    exercises.check_audio_stride(32000)
    out = capsys.readouterr().out
    for answer in ("1.12", "3.6", "2x2", "(2, 2)", "(2, 4)", "8000"):
        assert answer not in out


def test_doubling_padding_is_not_twice_the_work(capsys):
    # 64x64, 5x5, padding 2 -> 4 per side: the output goes from 64x64 to 68x68.
    assert exercises.check_doubling_padding((68 / 64) ** 2)
    assert "68x68" in capsys.readouterr().out
    # 32x32, 3x3, padding 1 -> 2 per side: the output goes from 32x32 to 34x34.
    assert exercises.check_doubling_padding((34 / 32) ** 2, 32, 3, 1)


def test_seeds_layer_costs_one_gigaflop():
    # SYLLABUS: c_i = c_o = 100, k = 5, m = 64 -> 1.024e9 multiply-adds.
    assert forward_cost(100, 64, 64, 100, 5, 5, 2, 2, 1, 1) == 1_024_000_000
    assert exercises.check_forward_cost(forward_cost)


def test_backward_memory_counts_what_pytorch_saves():
    # The check's definition says the forward pass keeps the input and the
    # weights for the backward pass: PyTorch confirms it.
    saved = []
    X = torch.randn(1, 3, 9, 7, requires_grad=True)
    layer = torch.nn.Conv2d(3, 4, (3, 2), stride=2, padding=1)
    with torch.autograd.graph.saved_tensors_hooks(
        lambda t: saved.append(t.shape) or t, lambda t: t
    ):
        layer(X)
    assert sorted(saved) == sorted([X.shape, layer.weight.shape])


@pytest.mark.parametrize(
    "layer", [(3, 9, 7, 4, 3, 2, 1, 1, 2, 2), (2, 8, 8, 5, 5, 3, 2, 0, 1, 3)]
)
def test_cost_checks_agree_with_pytorchs_flop_counter(layer):
    # PyTorch counts a multiply-add as 2 floating-point operations.
    c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w = layer
    X = torch.randn(1, c_i, h, w, requires_grad=True)
    K = torch.randn(c_o, c_i, k_h, k_w, requires_grad=True)
    with FlopCounterMode(display=False) as forward:
        Y = F.conv2d(X, K, padding=(p_h, p_w), stride=(s_h, s_w))
    with FlopCounterMode(display=False) as backward:
        Y.backward(torch.ones_like(Y))
    assert forward.get_total_flops() == 2 * forward_cost(*layer)
    assert backward.get_total_flops() == 2 * backward_cost(*layer)


def test_composed_kernel_size_is_what_composition_gives():
    # Stacking a 3x3 and a 2x2 layer equals one 4x4 layer (k1 + k2 - 1).
    g = torch.Generator().manual_seed(0)
    K1, K2 = torch.randn(3, 3, generator=g), torch.randn(2, 2, generator=g)
    X = torch.randn(9, 9, generator=g)
    K = compose(K1, K2)
    assert K.shape == (4, 4)
    twice = F.conv2d(F.conv2d(X[None, None], K1[None, None]), K2[None, None])
    assert torch.allclose(F.conv2d(X[None, None], K[None, None]), twice, atol=1e-5)


def test_y1_y2_differ_only_by_rounding():
    # The 1x1 code and the general code give results equal up to rounding.
    g = torch.Generator().manual_seed(0)
    X = torch.randn(3, 3, 3, generator=g)
    K = torch.randn(2, 3, 1, 1, generator=g)
    Y1 = (K.reshape(2, 3) @ X.reshape(3, 9)).reshape(2, 3, 3)
    Y2 = corr2d_multi_in_out(X, K)
    assert float((Y1 - Y2).abs().max()) < 1e-6


def test_diagonal_edge_image_has_a_diagonal_edge():
    X = exercises.diagonal_edge_image(4)
    assert X.tolist() == [[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]]


def test_checks_leave_the_global_random_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    exercises.check_blur_kernel(torch.ones(2, 2) / 4)
    exercises.check_kernel_gradient(kernel_gradient_by_hand)
    assert torch.equal(torch.rand(3), expected)


def test_relu_max_layers_is_a_tournament():
    # 4 values -> 2 -> 1; 9 -> 5 -> 3 -> 2 -> 1.
    assert exercises.check_relu_max_layers((2, 4))
    assert math.ceil(math.log2(9)) == 4


def test_each_check_lives_in_the_module_of_the_notebook_that_calls_it():
    # nbNN_topic.py holds the checks of notebooks/NN-topic.ipynb, and each
    # check is called there; d2lconv re-exports the very same objects.
    notebooks = Path(__file__).parent.parent / "notebooks"
    choices = ["Y1_Y2_CHOICES", "GROUPS_CHOICES", "POOL_OR_CONV_CHOICES"]
    for name in sorted(CASES) + choices + ["diagonal_edge_image"]:
        assert getattr(d2lconv, name) is getattr(exercises, name)
    for name in CASES:
        module = getattr(exercises, name).__module__.rsplit(".", 1)[1]
        (notebook,) = notebooks.glob(f"{module[2:4]}-*.ipynb")
        assert notebook.stem.replace("-", "_") == module[2:]
        assert f"exercises.{name}(" in notebook.read_text()


def test_a_hint_says_which_case_went_wrong(capsys):
    # Right for d = 1 and 2, wrong from d = 3 on.
    assert not exercises.check_derivative_kernel_size(lambda d: min(d + 1, 3))
    assert "for d=3:" in capsys.readouterr().out
    # Right for the first layer only: the hint names the second one.
    assert not exercises.check_pooling_cost(lambda c, *layer: 16 if c == 1 else 0)
    assert "for c=3, h=32, w=32, k_h=3" in capsys.readouterr().out


def test_forward_memory_of_the_padded_input_gets_its_hint(capsys):
    def padded_input(c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w):
        layer = (c_i, h, w, c_o, k_h, k_w, p_h, p_w, s_h, s_w)
        padded = c_i * (h + 2 * p_h) * (w + 2 * p_w)
        return forward_memory(*layer) - c_i * h * w + padded

    assert not exercises.check_forward_memory(padded_input)
    assert "the padding is not stored" in capsys.readouterr().out


def test_mirror_padding_that_switches_modes_is_not_accepted(capsys):
    # Reflect for p = 1, symmetric for larger p: each case is a mirror, the
    # whole is not one padding.
    def mixed(X, p):
        return mirror_pad(X, p) if p == 1 else mirror_pad_symmetric(X, p)

    assert not exercises.check_mirror_padding(mixed)
    assert "be consistent" in capsys.readouterr().out


@pytest.mark.parametrize(
    "check, args, error, words",
    [
        ("check_audio_stride", (8000, 0), ValueError, ["sample_rate", "0", ">= 1"]),
        ("check_audio_stride", (8000, "16k"), TypeError, ["sample_rate", "'16k'"]),
        ("check_doubling_padding", (1.0, 64, 5, -1), ValueError, ["padding", "-1"]),
        ("check_doubling_padding", (1.0, 64, 2.5), TypeError, ["kernel_size", "2.5"]),
        ("check_doubling_padding", (1.0, 2, 5, 0), ValueError, ["kernel_size 5"]),
        ("check_doubling_padding", (1.0, 8, 3, 1, 0), ValueError, ["stride", "0"]),
        ("check_output_shape", ((1, 1), 8, "3"), TypeError, ["kernel_size", "'3'"]),
        ("check_output_shape", ((1, 1), 8, 3, (1, 2, 3)), ValueError, ["padding"]),
    ],
)
def test_a_bad_setting_of_a_check_raises_a_clear_error(check, args, error, words):
    with pytest.raises(error) as raised:
        getattr(exercises, check)(*args)
    for word in words:
        assert word in str(raised.value)


@pytest.mark.parametrize("answer", [float("inf"), float("nan"), torch.tensor(1.5)])
def test_odd_numbers_get_a_hint_not_an_error(answer, capsys):
    assert exercises.check_diagonal_edges(answer) is False
    assert exercises.check_fc_weights(answer) is False
    assert capsys.readouterr().out.count("Not yet. Hint: ") == 2


def test_pooled_size_follows_the_photo_it_is_given(capsys):
    # 150 x 128 -> 75 x 64 -> 37 x 32 -> 18 x 16.
    assert exercises.check_pooled_size((18, 16), torch.Size([150, 128]))
    assert exercises.check_pooled_size((37, 32), (150, 128), rounds=2)
    assert not exercises.check_pooled_size((16, 13), (150, 128))
    with pytest.raises(ValueError, match="rounds must be >= 1 and leave at least"):
        exercises.check_pooled_size((1, 1), (4, 4), rounds=3)
    with pytest.raises(TypeError, match="shape must be an int or an"):
        exercises.check_pooled_size((1, 1), "128x109")


def test_limit_scaling_is_a_quarter():
    # The Hessian 2 A^T A / N holds two factors of the image.
    from d2lconv import stable_lr

    X = torch.rand(9, 7, dtype=torch.float64)
    assert stable_lr(2 * X, 3) / stable_lr(X, 3) == pytest.approx(0.25)


@pytest.mark.parametrize(
    "check, args, words",
    [
        ("check_padded_size", ((5, 6),), "per side in PyTorch"),
        ("check_padded_size", ((3, 4),), "both sides"),
        ("check_corner_uses", (1,), "without padding"),
        ("check_corner_uses", (2,), "both axes"),
        ("check_same_padding", (((2, 1), (1, 0)),), "the book's choice"),
        ("check_same_padding", (((3, 3), (1, 1)),), "split it"),
        ("check_same_padding", (((1, 1), (0, 1)),), "add up to k - 1"),
        ("check_stride_prediction", ((7, 7),), "jumps s rows"),
        ("check_stride_prediction", ((4, 4), 7, 3, 1, 2, 2), "dilation matters"),
        ("check_stride_prediction", ((4, 4), 9, 3, 0, 1, 2), "not d * k"),
        ("check_output_shape", ((3, 3),), "round down"),
        ("check_stack_prediction", ((22, 63),), "divides the size"),
        ("check_stack_prediction", ((1, 11),), "multiplies the jump"),
        ("check_stack_prediction", ((1, 32),), "larger than the input"),
        ("check_dilated_field", (7,), "spreads the kernel"),
        ("check_dilated_field", (19,), "not d * k"),
        ("check_dilated_field", (17,), "overlap by one"),
        ("check_undilated_layers", (3,), "far below"),
        ("check_undilated_layers", (15,), "field in pixels"),
        ("check_undilated_layers", (5,), "not 3"),
    ],
)
def test_padding_and_stride_mistakes_get_their_own_hint(check, args, words, capsys):
    assert getattr(exercises, check)(*args) is False
    assert words in capsys.readouterr().out


def test_padding_and_stride_checks_follow_pytorch_for_other_settings(capsys):
    assert exercises.check_stride_prediction((3, 3), 7, 3, 1, 2, dilation=2)
    assert exercises.check_padded_size((6, 6), 4, 3, 2)
    assert exercises.check_corner_uses(9, 8, 3, 2)
    assert exercises.check_corner_uses(1, 8, 3, 0)
    assert exercises.check_same_padding(((2, 2), (1, 2)), (5, 4))
    assert exercises.check_stack_prediction((4, 15), 3, 32, 3, 1, 2)
    assert exercises.check_dilated_field(5, (2,))
    assert exercises.check_undilated_layers(2, (2,))
    assert exercises.check_undilated_layers(3, (1, 2), kernel_size=2)
    with pytest.raises(ValueError, match="square"):
        exercises.check_corner_uses(1, (6, 5))
    with pytest.raises(ValueError, match="one dilation per layer"):
        exercises.check_dilated_field(1, 2)


@pytest.mark.parametrize(
    "check, args, words",
    [
        ("check_fc_weights_224", (50_176_000,), "three values"),
        ("check_conv_params_224", (1728,), "bias"),
        ("check_position_task", ("a", "b"), "stays the same"),
        ("check_position_task", ("c", "a"), "same kernel at every position"),
        ("check_audio_text", ("a", "c"), "loudness"),
        ("check_audio_text", ("b", "b"), "locality"),
        ("check_audio_text", ("b", "a"), "word order"),
        ("check_layers_to_see_all", (111,), "one short"),
        ("check_layers_to_see_all", (75,), "overlap"),
        ("check_sweep_shape", ((2, 3),), "fits once"),
        ("check_sweep_shape", ((4, 3),), "rows come first"),
        ("check_training_prediction", ("converges",), "lambda_max"),
        ("check_stack_field", (20,), "overlap"),
        ("check_stack_field", (16,), "1 pixel"),
    ],
)
def test_why_convolution_and_kernel_mistakes_get_their_own_hint(
    check, args, words, capsys
):
    assert getattr(exercises, check)(*args) is False
    assert words in capsys.readouterr().out


def test_training_prediction_follows_the_stable_limit(monkeypatch, capsys):
    # The check compares the task's rate with the image's limit, not a stored
    # answer: a rate below the diagonal image's limit converges.
    from d2lconv.exercises import nb03_learning_a_kernel as nb03

    monkeypatch.setattr(nb03, "TRAINING_TASK_LR", 0.01)
    assert exercises.check_training_prediction("converges")
    assert "Correct." in capsys.readouterr().out


def test_channel_prediction_follows_the_layer_it_is_given(capsys):
    # nn.Conv2d(1, 2, 2) on a 1x3x3 input: 8 weights, output (2, 2, 2).
    assert exercises.check_channel_prediction(8, (2, 2, 2), 1, 2, 2, 3)
    assert not exercises.check_channel_prediction(54, (2, 3, 3), 1, 2, 2, 3)
    assert "the weights:" in capsys.readouterr().out


def test_pooling_prediction_follows_the_layer_it_is_given(capsys):
    # MaxPool2d(3, 2, 1) on the 4x4 input 0..15: 2x2, first window max 5.
    assert exercises.check_pooling_prediction((2, 2), 5, size=4)
    assert not exercises.check_pooling_prediction((2, 2), 10, size=4)
    assert "the top-left value:" in capsys.readouterr().out


def test_im2col_megabytes_follow_the_layer_it_is_given():
    # 3 channels, 3x3 kernel, 8x8 input, padding 1: 27 rows, 64 columns.
    assert exercises.check_im2col_megabytes(27 * 64 * 4 / 1e6, 3, 3, 8, 1)
    with pytest.raises(ValueError):
        exercises.check_im2col_megabytes(1.0, 3, 9, 4, 0)


def test_slopes_of_a_fixed_cost_then_n_squared():
    sizes = [8, 16, 32, 64, 128, 256, 512, 1024]
    seconds = [1e-5 + 1e-9 * n**2 for n in sizes]
    found = loglog_slopes(sizes, seconds)
    assert found[0] < 0.1 < 1.9 < found[-1] < 2
    assert exercises.check_loglog_slopes(loglog_slopes)


def _summing_conv(X, k, s):
    """Average pooling's typical slip: a kernel of ones (a sum, not a mean)."""
    channels = X.shape[1]
    return F.conv2d(X, torch.ones(channels, 1, k, k), stride=s, groups=channels)


@pytest.mark.parametrize(
    "name, answer, words",
    [
        ("check_min_pooling", lambda X, k, s: F.max_pool2d(X, k, s), "max pooling"),
        ("check_min_pooling", lambda X, k, s: -F.max_pool2d(X, k, s), "negate the"),
        ("check_min_pooling", lambda X, k, s: F.avg_pool2d(X, k, s), "window's mean"),
        ("check_softmax_pooling", lambda X, k, s: F.avg_pool2d(X, k, s), "plain mean"),
        ("check_softmax_pooling", lambda X, k, s: F.max_pool2d(X, k, s), "softmax(x)"),
        ("check_avg_pool_as_conv", _summing_conv, "sums each window"),
        ("check_composed_kernel_size", lambda k1, k2: k1 * k2, "sees k2 values"),
        ("check_composed_kernel_size", lambda k1, k2: k1 + k2, "two 1x1 kernels"),
        (
            "check_backward_memory",
            lambda *layer: backward_memory(*layer) + layer[3],
            "the bias appears only once",
        ),
    ],
)
def test_a_typical_mistake_gets_the_hint_that_names_it(name, answer, words, capsys):
    assert getattr(exercises, name)(answer) is False
    out = capsys.readouterr().out
    assert out.startswith("Not yet. Hint:") and words in out, out


def test_a_scaled_sobel_kernel_is_told_its_scale(capsys):
    sobel_y = torch.tensor([[-1.0, -2, -1], [0, 0, 0], [1, 2, 1]])
    assert exercises.check_sobel_y(2 * sobel_y) is False
    assert "2 times Sobel's weights" in capsys.readouterr().out
