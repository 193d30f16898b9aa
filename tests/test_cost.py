"""Parameter and multiply-add counts against real layers and PyTorch's flop counter."""

from hypothesis import given
from hypothesis import strategies as st
from props import examples
from torch import nn

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


def test_flops_of_a_layer_counted_by_hand():
    # 2 -> 3 channels, 3x2 kernel, 5x6 input, padding 1, stride 2: the windows
    # start at rows 0, 2, 4 and columns 0, 2, 4, 6 of the padded 7x8 input, so
    # 3 channels x 12 outputs, each 2 * 3 * 2 products: 432 multiply-adds.
    assert conv2d_flops((5, 6), 2, 3, (3, 2), stride=2, padding=1) == 432
