"""Cross-correlation and pooling written as plain loops, the way the book teaches them.

The loops are for reading, not for speed: results equal PyTorch's
``torch.nn.functional`` (exactly on integer-valued inputs), and gradients flow
through them, so a hand-written layer can be trained with them.
"""

import torch
import torch.nn.functional as F
from torch import nn

from ._validate import (
    check_real_dtype,
    check_same_device,
    check_tensor,
    nonnegative_pair,
    positive_pair,
)
from .shapes import conv2d_geometry, conv2d_output_shape, pool2d_output_shape


def _check_pair_of_tensors(X, K, x_ndim, k_ndim):
    """Validate the input and the kernel, and bring them to a common dtype."""
    check_real_dtype(check_tensor(X, "X", x_ndim), "X")
    check_real_dtype(check_tensor(K, "K", k_ndim), "K")
    check_same_device(X, K, "X", "K")
    dtype = torch.promote_types(X.dtype, K.dtype)
    return X.to(dtype), K.to(dtype)


def corr2d(X, K, padding=0, stride=1, dilation=1):
    """2-D cross-correlation of ``X`` (h, w) with the kernel ``K`` (kh, kw).

    ``padding`` is per side as in ``nn.Conv2d`` (an int, an ``(h, w)`` pair,
    ``"valid"``, ``"same"`` or ``((top, bottom), (left, right))``); the book's
    total padding ``p_h`` is twice PyTorch's ``padding``.
    """
    X, K = _check_pair_of_tensors(X, K, 2, 2)
    if 0 in K.shape:
        raise ValueError(f"K must not be empty, got shape {tuple(K.shape)}")
    if 0 in X.shape:
        raise ValueError(f"X must not be empty, got shape {tuple(X.shape)}")
    g = conv2d_geometry(tuple(X.shape), tuple(K.shape), stride, padding, dilation)
    (top, bottom), (left, right) = g.sides
    X = F.pad(X, (left, right, top, bottom))
    (oh, ow), (sh, sw), (dh, dw) = g.output_size, g.stride, g.dilation
    # The window under the kernel spans d(k - 1) + 1 input rows/columns.
    (span_h, span_w), values = g.span, []
    for i in range(oh):
        for j in range(ow):
            window = X[i * sh : i * sh + span_h : dh, j * sw : j * sw + span_w : dw]
            values.append((window * K).sum())
    # torch.stack keeps the autograd graph, so gradients reach X and K.
    return torch.stack(values).reshape(oh, ow)


def corr2d_multi_in(X, K):
    """Cross-correlate each channel of ``X`` (c, h, w) with ``K`` (c, kh, kw), sum."""
    X, K = _check_pair_of_tensors(X, K, 3, 3)
    if X.shape[0] != K.shape[0]:
        raise ValueError(
            f"X and K must have the same number of input channels, got "
            f"X with {X.shape[0]} (shape {tuple(X.shape)}) and K with "
            f"{K.shape[0]} (shape {tuple(K.shape)})"
        )
    if X.shape[0] == 0:
        raise ValueError(f"X must have at least one channel, got {tuple(X.shape)}")
    return sum(corr2d(x, k) for x, k in zip(X, K, strict=True))


def corr2d_multi_in_out(X, K):
    """``X`` (c_i, h, w) with ``K`` (c_o, c_i, kh, kw) -> (c_o, oh, ow)."""
    check_tensor(K, "K", 4)
    check_tensor(X, "X", 3)
    if X.shape[0] != K.shape[1]:
        raise ValueError(
            f"K's second axis must match X's channels, got K of shape "
            f"{tuple(K.shape)} (c_i = {K.shape[1]}) and X of shape "
            f"{tuple(X.shape)} (c_i = {X.shape[0]})"
        )
    if K.shape[0] == 0:
        raise ValueError(
            f"K must have at least one output channel, got {tuple(K.shape)}"
        )
    return torch.stack([corr2d_multi_in(X, k) for k in K])


def corr2d_multi_in_out_1x1(X, K):
    """1x1 convolution as one matrix product: ``K`` (c_o, c_i, 1, 1) -> (c_o, h, w)."""
    X, K = _check_pair_of_tensors(X, K, 3, 4)
    c_i, h, w = X.shape
    c_o = K.shape[0]
    if tuple(K.shape[1:]) != (c_i, 1, 1):
        raise ValueError(
            f"K must have shape (c_o, c_i, 1, 1) = ({c_o}, {c_i}, 1, 1) for X of "
            f"shape {tuple(X.shape)}, got {tuple(K.shape)}"
        )
    # Every pixel is a sample of c_i features: a fully connected layer per pixel.
    Y = K.reshape(c_o, c_i) @ X.reshape(c_i, h * w)
    return Y.reshape(c_o, h, w)


def pool2d(X, pool_size, mode="max", padding=0, stride=1):
    """Max or average pooling of ``X`` (h, w), or (c, h, w) channel by channel.

    The default stride is 1, as in the book's version; ``nn.MaxPool2d`` and
    ``nn.AvgPool2d`` default to the window size instead (pass ``stride=None``
    for that). With padding it matches ``F.max_pool2d`` (padding never wins
    the max) and ``F.avg_pool2d`` with ``count_include_pad=True`` (padded zeros
    count in the mean).
    """
    check_real_dtype(check_tensor(X, "X", (2, 3)), "X")
    if mode not in ("max", "avg"):
        raise ValueError(f'mode must be "max" or "avg", got {mode!r}')
    kernel_size = positive_pair(pool_size, "pool_size")
    stride = kernel_size if stride is None else positive_pair(stride, "stride")
    if 0 in X.shape:
        raise ValueError(f"X must not be empty, got shape {tuple(X.shape)}")
    # Checks the padding (at most half the window) and explains an empty output.
    out = pool2d_output_shape(tuple(X.shape[-2:]), kernel_size, stride, padding)
    padding = nonnegative_pair(padding, "padding")
    if mode == "avg" and not X.is_floating_point():
        X = X.to(torch.get_default_dtype())
    reduce, fill = torch.mean, 0
    if mode == "max":
        reduce = torch.amax
        # Padding with the lowest value makes it lose every max, as in PyTorch.
        fill = float("-inf") if X.is_floating_point() else torch.iinfo(X.dtype).min
    X = F.pad(X, (padding[1], padding[1], padding[0], padding[0]), value=fill)
    # One window at a time, in every channel at once (the ``...`` of a 3-D X).
    (kh, kw), (sh, sw) = kernel_size, stride
    values = [
        reduce(X[..., i * sh : i * sh + kh, j * sw : j * sw + kw], dim=(-2, -1))
        for i in range(out[0])
        for j in range(out[1])
    ]
    return torch.stack(values, -1).reshape(*X.shape[:-2], *out)


def comp_conv2d(conv2d, X):
    """Apply a conv layer to a 2-D ``X`` (adds, then drops batch and channel axes)."""
    if not callable(conv2d):
        raise TypeError(f"conv2d must be a layer such as nn.Conv2d, got {conv2d!r}")
    check_tensor(X, "X", 2)
    if isinstance(conv2d, nn.Conv2d):
        if conv2d.in_channels != 1:
            raise ValueError(
                f"conv2d must take 1 input channel for a 2-D X, got "
                f"in_channels={conv2d.in_channels}"
            )
        if conv2d.padding_mode == "zeros":
            # Checked here so an impossible shape reads as a formula, not a
            # RuntimeError from deep inside PyTorch.
            conv2d_output_shape(
                tuple(X.shape),
                conv2d.kernel_size,
                conv2d.stride,
                conv2d.padding,
                conv2d.dilation,
            )
    # (1, 1) prepended: batch size 1 and one channel.
    Y = conv2d(X.reshape((1, 1) + tuple(X.shape)))
    if Y.shape[1] == 1:
        return Y.reshape(Y.shape[2:])
    return Y[0]


class Conv2D(nn.Module):
    """A hand-written 2-D conv layer: ``corr2d(X, weight) + bias``, both learned."""

    def __init__(self, kernel_size):
        super().__init__()
        self.weight = nn.Parameter(
            torch.randn(positive_pair(kernel_size, "kernel_size"))
        )
        self.bias = nn.Parameter(torch.randn(1))

    def forward(self, X):
        """Cross-correlate ``X`` (h, w) with the weight and add the bias."""
        return corr2d(X, self.weight) + self.bias
