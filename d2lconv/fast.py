"""Fast cross-correlation for the performance lab, and how to show its timings.

``corr2d`` in ``ops.py`` visits one window per Python step; ``corr2d_unfold``
views every window at once (``Tensor.unfold``), and ``conv2d_im2col`` copies
every window into the columns of a matrix (im2col) and does a whole layer as
ONE matrix product, as many libraries do. Both match ``F.conv2d``.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from . import plot
from ._validate import check_same_device, check_tensor
from .i18n import given, language, tr
from .ops import _check_pair_of_tensors
from .shapes import conv2d_geometry


def _check_not_empty(X, K):
    """Return ``X, K``; a ValueError when either has no values."""
    if 0 in X.shape or 0 in K.shape:
        raise ValueError(
            f"X and K must not be empty, got shapes {tuple(X.shape)} and "
            f"{tuple(K.shape)}"
        )
    return X, K


def corr2d_unfold(X, K, padding=0, stride=1, dilation=1):
    """``corr2d`` without a Python loop: all windows at once via ``Tensor.unfold``.

    Same arguments and result as ``corr2d``, exact on integer tensors.
    """
    X, K = _check_not_empty(*_check_pair_of_tensors(X, K, 2, 2))
    g = conv2d_geometry(tuple(X.shape), tuple(K.shape), stride, padding, dilation)
    (top, bottom), (left, right) = g.sides
    (oh, ow), (sh, sw), (dh, dw) = g.output_size, g.stride, g.dilation
    X = F.pad(X, (left, right, top, bottom))
    # unfold returns a view (no copy): windows[i, j] is the patch under the
    # kernel for output (i, j); a dilated kernel skips every d-th value.
    windows = X.unfold(0, g.span[0], sh).unfold(1, g.span[1], sw)
    windows = windows[:oh, :ow, ::dh, ::dw]
    return torch.tensordot(windows, K, dims=2)


# glibc's largest threshold for serving a block with its own fresh mapping.
_HUGE_PAGE_MATRIX_BYTES = 32 * 2**20


def _empty_matrix(shape, dtype, device):
    """An uninitialised tensor for the im2col matrix, on huge pages if possible.

    A fresh 41 MB matrix is mapped one 4 KB page fault at a time, most of the
    time spent filling it; NumPy asks Linux for 2 MB pages for large arrays.
    """
    itemsize = torch.empty((), dtype=dtype).element_size()
    nbytes = math.prod(shape) * itemsize
    if device.type != "cpu" or nbytes < _HUGE_PAGE_MATRIX_BYTES:
        return torch.empty(shape, dtype=dtype, device=device)
    buffer = np.empty(nbytes, dtype=np.uint8)
    return torch.from_numpy(buffer).view(dtype).view(shape)


def conv2d_im2col(X, K, padding=0, stride=1, dilation=1):
    """``F.conv2d`` (no bias) as im2col plus one matrix product.

    ``X`` (N, c_i, h, w) or (c_i, h, w), ``K`` (c_o, c_i, kh, kw) -> (N, c_o,
    oh, ow) (or (c_o, oh, ow)). Floating point only, like ``F.conv2d``.
    """
    check_tensor(X, "X", (3, 4))
    check_tensor(K, "K", 4)
    for name, T in (("X", X), ("K", K)):
        if not T.is_floating_point():
            raise TypeError(
                f"{name} must be a floating-point tensor (as for F.conv2d), got "
                f"dtype {T.dtype}; convert it with {name}.float()"
            )
    check_same_device(X, K, "X", "K")
    batched = X.dim() == 4
    X = X if batched else X.unsqueeze(0)
    n, c_i, h, w = X.shape
    c_o, k_ci, kh, kw = K.shape
    if k_ci != c_i:
        raise ValueError(
            f"K's second axis must match X's channels, got K of shape "
            f"{tuple(K.shape)} (c_i = {k_ci}) and X of shape {tuple(X.shape)} "
            f"(c_i = {c_i})"
        )
    _check_not_empty(X, K)
    g = conv2d_geometry((h, w), (kh, kw), stride, padding, dilation)
    (top, bottom), (left, right) = g.sides
    (oh, ow), (sh, sw), (dh, dw) = g.output_size, g.stride, g.dilation
    dtype = torch.promote_types(X.dtype, K.dtype)
    X = F.pad(X.to(dtype), (left, right, top, bottom)).contiguous()
    # A view of every window, no copy yet: element (i, a, b, c, y, x) is input
    # X[i, c, y*sh + a*dh, x*sw + b*dw], the value under kernel offset (a, b)
    # of the window of output (y, x).
    s_n, s_c, s_h, s_w = X.stride()
    windows = X.as_strided(
        (n, kh, kw, c_i, oh, ow),
        (s_n, dh * s_h, dw * s_w, s_c, sh * s_h, sw * s_w),
    )
    # im2col: copy the view into a (kh*kw*c_i, oh*ow) matrix per sample, whose
    # column l holds every input under window l. Ordering the rows (a, b,
    # channel) makes the copy run along contiguous output rows.
    cols = _empty_matrix((n, kh, kw, c_i, oh, ow), dtype, X.device)
    cols.copy_(windows)
    cols = cols.view(n, kh * kw * c_i, oh * ow)
    # The kernels, flattened in the same (a, b, channel) order: one row each.
    weights = K.to(dtype).permute(0, 2, 3, 1).reshape(c_o, kh * kw * c_i)
    # ONE matrix product (batched over the samples) computes the whole layer.
    Y = (weights @ cols).reshape(n, c_o, oh, ow)
    return Y if batched else Y[0]


def format_duration(seconds):
    """A duration in the unit that reads best: µs, ms, s, min, h or days."""
    if not math.isfinite(seconds) or seconds < 0:
        return "n/a"
    for limit, unit, scale in (
        (1e-3, "µs", 1e6),
        (1, "ms", 1e3),
        (60, "s", 1),
        (3600, "min", 1 / 60),
        (86400, "h", 1 / 3600),
    ):
        if seconds < limit:
            return f"{seconds * scale:.3g} {unit}"
    return tr("{days:.3g} days", days=seconds / 86400)


def draw_timings(sizes, timings, title=None):
    """Log-log plot of seconds against size, one line per implementation.

    The labels and ``title`` are in the current language (as SVG text in
    Chinese: ``plot.chinese_figures``).
    """
    plot.chinese_figures(language() != "en")
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    for name, seconds in timings.items():
        if len(seconds) != len(sizes):
            raise ValueError(
                f"timings[{name!r}] must have one value per size ({len(sizes)}), "
                f"got {len(seconds)}"
            )
        ax.plot(sizes, seconds, marker="o", label=name)
    ax.set(xscale="log", yscale="log")
    # Ticks at the sizes measured, written as plain numbers (not 2x10^1).
    ax.set_xticks(sizes, [f"{n:g}" for n in sizes])
    ax.set_xticks([], minor=True)
    ax.set_xlabel(tr("input size n (n x n)"))
    ax.set_ylabel(tr("time (s)"))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    if title:
        ax.set_title(given(title))
    return fig
