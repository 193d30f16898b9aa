"""Parameter and multiply-add counts against real layers and PyTorch's flop counter."""

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from props import examples
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from d2lconv import conv2d_flops, conv2d_params

MANY = examples(300)

small = st.integers(1, 4)
pairs = st.one_of(small, st.tuples(small, small))


@MANY
@given(c_i=small, c_o=small, kernel_size=pairs, bias=st.booleans())
def test_params_equal_those_of_nn_conv2d(c_i, c_o, kernel_size, bias):
    layer = nn.Conv2d(c_i, c_o, kernel_size, bias=bias, device="meta")
    expected = sum(p.numel() for p in layer.parameters())
    assert conv2d_params(c_i, c_o, kernel_size, bias=bias) == expected


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@examples(200)
@given(
    input_size=st.tuples(st.integers(1, 9), st.integers(1, 9)),
    c_i=small,
    c_o=small,
    kernel_size=pairs,
    stride=pairs,
    padding=st.one_of(st.integers(0, 2), st.just("same"), st.just("valid")),
    dilation=st.integers(1, 2),
)
def test_flops_equal_pytorchs_flop_counter(
    input_size, c_i, c_o, kernel_size, stride, padding, dilation
):
    if padding == "same":
        stride = 1
    layer = nn.Conv2d(c_i, c_o, kernel_size, stride, padding, dilation, bias=False)
    try:
        with FlopCounterMode(display=False) as counter:
            layer(torch.zeros((1, c_i) + input_size))
    except RuntimeError:
        with pytest.raises(ValueError):
            conv2d_flops(input_size, c_i, c_o, kernel_size, stride, padding, dilation)
        return
    # PyTorch counts a multiply-add as 2 floating-point operations.
    expected = counter.get_total_flops() // 2
    got = conv2d_flops(input_size, c_i, c_o, kernel_size, stride, padding, dilation)
    assert got == expected


def test_flops_by_counting_every_multiply_add():
    # 2 -> 3 channels, 3x2 kernel, 5x6 input, padding 1, stride 2: walk it.
    c_i, c_o, (k_h, k_w), (n_h, n_w), p, s = 2, 3, (3, 2), (5, 6), 1, 2
    count = 0
    for _out_channel in range(c_o):
        # Top-left corners of the windows inside the padded input.
        for _top in range(0, n_h + 2 * p - k_h + 1, s):
            for _left in range(0, n_w + 2 * p - k_w + 1, s):
                for _in_channel in range(c_i):
                    for _a in range(k_h):
                        for _b in range(k_w):
                            count += 1
    # 3 x 4 output positions, 3 output channels, 2 * 3 * 2 products each.
    assert count == 432
    assert conv2d_flops((n_h, n_w), c_i, c_o, (k_h, k_w), s, p) == count


def test_params_do_not_depend_on_the_image_size():
    assert conv2d_params(100, 100, 5, bias=False) == 250_000


def test_bad_channels_are_refused():
    with pytest.raises(
        ValueError, match=r"in_channels must be a positive int .* got 0"
    ):
        conv2d_params(0, 3, 3)
    with pytest.raises(TypeError, match="out_channels must be an int, got 2.5"):
        conv2d_flops(8, 1, 2.5, 3)
    with pytest.raises(TypeError, match="bias must be True or False, got 'yes'"):
        conv2d_params(1, 1, 3, bias="yes")


def test_flops_of_an_impossible_layer_state_the_formula():
    with pytest.raises(ValueError, match=r"n - k \+ 1 = 4 - 5 \+ 1 = 0 < 1"):
        conv2d_flops(4, 1, 1, 5)
