"""What a conv layer costs: parameters and multiply-adds, from its shape alone."""

from ._validate import check_positive_int, positive_pair
from .shapes import conv2d_output_shape


def conv2d_params(in_channels, out_channels, kernel_size, bias=True):
    """Number of learned values of ``nn.Conv2d``: c_i*c_o*k_h*k_w (+ c_o biases).

    It does not depend on the image size, unlike a fully connected layer.
    """
    c_i = check_positive_int(in_channels, "in_channels")
    c_o = check_positive_int(out_channels, "out_channels")
    k_h, k_w = positive_pair(kernel_size, "kernel_size")
    if not isinstance(bias, bool):
        raise TypeError(f"bias must be True or False, got {bias!r}")
    return c_i * c_o * k_h * k_w + (c_o if bias else 0)


def conv2d_flops(
    input_size, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1
):
    """Multiply-adds of one forward pass on one sample: c_i*c_o*k_h*k_w*m_h*m_w.

    ``(m_h, m_w)`` is the output size, from ``conv2d_output_shape`` (padding per
    side, as in ``nn.Conv2d``). Bias additions are not counted.
    """
    weights = conv2d_params(in_channels, out_channels, kernel_size, bias=False)
    m_h, m_w = conv2d_output_shape(input_size, kernel_size, stride, padding, dilation)
    return weights * m_h * m_w
