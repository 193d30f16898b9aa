"""Several input and output channels: per-channel cross-correlations and their sums."""

import torch
import torch.nn.functional as F

from ._validate import check_positive_int, check_real_dtype, check_tensor
from .cost import conv2d_flops, conv2d_params
from .device import one_thread
from .grid import Grid
from .i18n import N_, tr
from .ops import corr2d_multi_in_out_1x1
from .picture import GAP, Lines, Picture, row
from .shapes import ShapeError, conv2d_output_shape, pair_text

VALUES = (N_("small random integers"), N_("book example"))
MODES = (N_("sum of cross-correlations"), N_("1x1 as a matrix product"))
CELL = 26  # pixels per matrix cell
LONG_CELL = 22  # the reshaped matrices of the 1x1 view are long
KERNEL_COLOURS = dict(cmap="RdBu_r", vmin=-3, vmax=3)


def book_example(out_channels=3):
    """The book's data: X (2, 3, 3) and K (c_o, 2, 2, 2) stacked as K, K+1, K+2, ..."""
    X = torch.stack([torch.arange(9.0), torch.arange(1.0, 10.0)]).view(2, 3, 3)
    K = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]])
    return X, torch.stack([K + o for o in range(out_channels)])


# The largest sizes the explorer offers: its page takes the leading part of
# the integers drawn at these sizes, so that a size change needs no PyTorch.
LARGEST = dict(in_channels=4, out_channels=4, kernel_size=4, size=6)


def channel_pool(seed=0):
    """The seed's small integers at the largest sizes: X (4, 6, 6), K (4, 4, 4, 4)."""
    generator = torch.Generator().manual_seed(seed)
    c, n, k = LARGEST["in_channels"], LARGEST["size"], LARGEST["kernel_size"]
    X = torch.randint(0, 4, (c, n, n), generator=generator)
    K = torch.randint(-1, 3, (LARGEST["out_channels"], c, k, k), generator=generator)
    return X.float(), K.float()


def channel_data(in_channels=2, out_channels=3, kernel_size=2, size=3, seed=0):
    """Seeded small integers: X (c_i, n, n) in 0..3 and K (c_o, c_i, k, k) in -1..2.

    Small integers keep every product and sum readable. They are the leading
    part of ``channel_pool(seed)``, as the explorer's page takes them: sizes
    above ``LARGEST`` are a ValueError.
    """
    given = (in_channels, out_channels, kernel_size, size)
    for (name, largest), value in zip(LARGEST.items(), given, strict=True):
        if check_positive_int(value, name) > largest:
            raise ValueError(
                f"{name} must be at most {largest} (the largest size of "
                f"the random integers), got {value}"
            )
    X, K = channel_pool(seed)
    X = X[:in_channels, :size, :size].clone()
    return X, K[:out_channels, :in_channels, :kernel_size, :kernel_size].clone()


def _sign(text, label):
    """A "+", "=" or "@" standing between two panels."""
    return Lines([text], mono=False, size=20, label=label)


def _centre(sign, beside):
    """Put ``sign`` at the height of the middle of the panel ``beside``."""
    sign.y = beside.y + beside.height / 2 - sign.height / 2


def _costs_lines(c_i, c_o, kernel_size, input_size):
    """The layer as PyTorch code, its parameters and multiply-adds (from cost.py)."""
    (k_h, k_w), (n_h, n_w) = kernel_size, input_size
    m_h, m_w = conv2d_output_shape(input_size, kernel_size)
    weights = conv2d_params(c_i, c_o, kernel_size, bias=False)
    flops = conv2d_flops(input_size, c_i, c_o, kernel_size)
    params = dict(product=f"{c_o}*{c_i}*{k_h}*{k_w}", weights=weights, c_o=c_o)
    adds = dict(h=n_h, w=n_w, product=f"{c_i}*{c_o}*{k_h}*{k_w}*{m_h}*{m_w}")
    return [
        f"nn.Conv2d({c_i}, {c_o}, kernel_size={pair_text(kernel_size)}, bias=False)"
        f"  # ({c_i}, {n_h}, {n_w}) -> ({c_o}, {m_h}, {m_w})",
        tr(
            "parameters c_o*c_i*k_h*k_w = {product} = {weights} weights "
            "(+ {c_o} biases = {total} with bias=True; bias not drawn)",
            **params,
            total=weights + c_o,
        ),
        tr(
            "multiply-adds for one {h}x{w} image: c_i*c_o*k_h*k_w*m_h*m_w = "
            "{product} = {flops}",
            **adds,
            flops=flops,
        ),
    ]


def _inputs(X):
    """The input channels side by side; returns the panels and the y below them."""
    grids = [
        Grid(X[i], title=tr("input X[{i}]", i=i), cmap="Greys", cell=CELL)
        for i in range(X.shape[0])
    ]
    return grids, row(grids)


def _sums(X, K, parts, Y):
    """Every corr2d(X[i], K[o,i]), their sum over i: output channel o, one row per o."""
    c_o, c_i = K.shape[:2]
    panels, bottom = _inputs(X)
    for o in range(c_o):
        line = []
        for i in range(c_i):
            if i:
                line.append(_sign("+", tr("plus")))
            line.append(Grid(K[o, i], title=f"K[{o},{i}]", cell=CELL, **KERNEL_COLOURS))
            part = f"corr2d(X[{i}], K[{o},{i}])"
            line.append(Grid(parts[o, i], title=part, cmap="RdBu_r", cell=CELL))
        line.append(_sign("=", tr("equals")))
        title = tr("output Y[{o}]", o=o)
        line.append(Grid(Y[o], title=title, cmap="RdBu_r", cell=CELL))
        bottom = row(line, y=bottom + GAP / 2)
        for k, panel in enumerate(line):
            if isinstance(panel, Lines):
                _centre(panel, line[k + 1])
        panels += line
    return panels, bottom


def _matmul(X, K, Y):
    """The 1x1 layer as W (c_o, c_i) @ X as (c_i, h*w) = Y as (c_o, h*w)."""
    c_o, c_i = K.shape[:2]
    pixels = X.shape[1] * X.shape[2]
    panels, bottom = _inputs(X)
    W = Grid(K.reshape(c_o, c_i), title="W (c_o, c_i)", cell=CELL, **KERNEL_COLOURS)
    sizes = dict(c_i=c_i, c_o=c_o, pixels=pixels)
    title = tr("X reshaped to (c_i, h*w) = ({c_i}, {pixels})", **sizes)
    named = dict(title=title, label=tr("X reshaped {c_i}x{pixels}", **sizes))
    Xr = Grid(X.reshape(c_i, pixels), **named, cmap="Greys", cell=LONG_CELL)
    title = tr(
        "Y as (c_o, h*w) = ({c_o}, {pixels})\nrow o is output channel o", **sizes
    )
    named = dict(title=title, label=tr("Y reshaped {c_o}x{pixels}", **sizes))
    Yr = Grid(Y.reshape(c_o, pixels), **named, cmap="RdBu_r", cell=LONG_CELL)
    times, equals = _sign("@", tr("matrix product")), _sign("=", tr("equals"))
    bottom = row([W, times, Xr], y=bottom + GAP / 2)
    # The product is long: Y goes under X reshaped, the "=" under the "@".
    Yr.x, Yr.y = Xr.x, bottom + GAP / 2 + Yr.top
    equals.x = times.x
    _centre(times, W)
    _centre(equals, Yr)
    return panels + [W, times, Xr, equals, Yr], Yr.y + Yr.height


def draw_channels(X, K, mode=MODES[0]):
    """Picture of a multi-channel convolution: per-channel parts and sums, or a matmul.

    ``X`` is (c_i, h, w), ``K`` is (c_o, c_i, k_h, k_w). The second mode needs
    1x1 kernels and shows the same result as one matrix product.
    """
    check_tensor(X, "X", 3)
    check_tensor(K, "K", 4)
    check_real_dtype(X, "X")
    check_real_dtype(K, "K")
    X, K = X.detach().cpu().float(), K.detach().cpu().float()
    c_o, c_i, k_h, k_w = K.shape
    n_h, n_w = X.shape[1:]
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    if X.shape[0] != c_i:
        raise ValueError(
            f"X has {X.shape[0]} channels but K expects c_i = {c_i} (K of shape "
            f"{tuple(K.shape)}): K's second axis must match X's first"
        )
    # A kernel larger than the input: "output height = n - k + 1 = 3 - 4 + 1 = 0 < 1"
    conv2d_output_shape((n_h, n_w), (k_h, k_w))
    if mode == MODES[1] and (k_h, k_w) != (1, 1):
        raise ShapeError(
            N_(
                "The matrix-product view is for 1x1 kernels, got kernel_size "
                "{k_h}x{k_w}. Set the kernel size to 1: then every output pixel "
                "mixes only the channels of the same input pixel. (Larger kernels "
                "can be written as a matrix product too, after unfolding every "
                "window into a column: im2col, F.unfold.)"
            ),
            k_h=k_h,
            k_w=k_w,
        )
    # The caption says the picture equals F.conv2d: checked here, each time.
    with one_thread():
        if mode == MODES[1]:
            Y = corr2d_multi_in_out_1x1(X, K)
            panels, bottom = _matmul(X, K, Y)
            check = tr("the matrix product equals F.conv2d (checked in Python)")
        else:
            # parts[o, i] = corr2d(X[i], K[o, i]), all from one grouped F.conv2d.
            weight = K.transpose(0, 1).reshape(c_i * c_o, 1, k_h, k_w)
            parts = F.conv2d(X[None], weight, groups=c_i)[0]
            parts = parts.view(c_i, c_o, *parts.shape[1:]).transpose(0, 1)
            Y = parts.sum(1)
            panels, bottom = _sums(X, K, parts, Y)
            check = tr(
                "each output channel sums c_i = {c_i} cross-correlations; the sums "
                "equal F.conv2d (checked in Python)",
                c_i=c_i,
            )
        torch.testing.assert_close(Y, F.conv2d(X[None], K)[0])
    caption = Lines([*_costs_lines(c_i, c_o, (k_h, k_w), (n_h, n_w)), check], bold=[0])
    caption.y = bottom + GAP / 2
    sizes = dict(c_i=c_i, c_o=c_o, k_h=k_h, k_w=k_w)
    title = tr(
        "{c_i} input and {c_o} output channels, {k_h}x{k_w} kernels: {mode}",
        **sizes,
        mode=tr(mode),
    )
    return Picture([*panels, caption], title=title)
