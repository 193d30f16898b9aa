"""Several input and output channels: per-channel cross-correlations and their sums."""

import ipywidgets as widgets
import torch
import torch.nn.functional as F

from ._validate import check_real_dtype, check_tensor
from .cost import conv2d_flops, conv2d_params
from .device import one_thread
from .explorer import Explorer, choices, int_slider
from .grid import Grid
from .i18n import N_, tr
from .ops import corr2d_multi_in_out_1x1
from .picture import GAP, Lines, Picture, drawing, row
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


def channel_data(in_channels=2, out_channels=3, kernel_size=2, size=3, seed=0):
    """Seeded small integers: X (c_i, n, n) in 0..3 and K (c_o, c_i, k, k) in -1..2.

    Small integers keep every product and sum readable in the picture.
    """
    generator = torch.Generator().manual_seed(seed)
    X = torch.randint(0, 4, (in_channels, size, size), generator=generator)
    shape = (out_channels, in_channels, kernel_size, kernel_size)
    K = torch.randint(-1, 3, shape, generator=generator)
    return X.float(), K.float()


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
    return [
        f"nn.Conv2d({c_i}, {c_o}, kernel_size={pair_text(kernel_size)}, bias=False)"
        f"  # ({c_i}, {n_h}, {n_w}) -> ({c_o}, {m_h}, {m_w})",
        tr(
            "parameters c_o*c_i*k_h*k_w = {product} = {weights} weights "
            "(+ {c_o} biases = {total} with bias=True; bias not drawn)",
            product=f"{c_o}*{c_i}*{k_h}*{k_w}",
            weights=weights,
            c_o=c_o,
            total=weights + c_o,
        ),
        tr(
            "multiply-adds for one {h}x{w} image: c_i*c_o*k_h*k_w*m_h*m_w = "
            "{product} = {flops}",
            h=n_h,
            w=n_w,
            product=f"{c_i}*{c_o}*{k_h}*{k_w}*{m_h}*{m_w}",
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


def channel_parts(X, K):
    """``parts[o, i]``: the cross-correlation of input channel i with ``K[o, i]``.

    Output channel o of the layer is ``parts[o].sum(0)``. One grouped
    ``F.conv2d`` computes them all.
    """
    c_o, c_i, k_h, k_w = K.shape
    weight = K.transpose(0, 1).reshape(c_i * c_o, 1, k_h, k_w)
    with one_thread():
        parts = F.conv2d(X[None], weight, groups=c_i)[0]
    return parts.view(c_i, c_o, *parts.shape[1:]).transpose(0, 1)


def _sums(X, K, parts):
    """Every X[i] * K[o, i] and their sum over i, output channel o, one row per o."""
    c_o, c_i = K.shape[:2]
    Y = parts.sum(1)
    panels, bottom = _inputs(X)
    for o in range(c_o):
        line = []
        for i in range(c_i):
            if i:
                line.append(_sign("+", tr("plus")))
            line.append(Grid(K[o, i], title=f"K[{o},{i}]", cell=CELL, **KERNEL_COLOURS))
            part = parts[o, i]
            line.append(
                Grid(part, title=f"X[{i}] * K[{o},{i}]", cmap="RdBu_r", cell=CELL)
            )
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
    Xr = Grid(
        X.reshape(c_i, pixels),
        title=tr(
            "X reshaped to (c_i, h*w) = ({c_i}, {pixels})", c_i=c_i, pixels=pixels
        ),
        label=tr("X reshaped {c_i}x{pixels}", c_i=c_i, pixels=pixels),
        cmap="Greys",
        cell=LONG_CELL,
    )
    Yr = Grid(
        Y.reshape(c_o, pixels),
        title=tr(
            "Y as (c_o, h*w) = ({c_o}, {pixels})\nrow o is output channel o",
            c_o=c_o,
            pixels=pixels,
        ),
        label=tr("Y reshaped {c_o}x{pixels}", c_o=c_o, pixels=pixels),
        cmap="RdBu_r",
        cell=LONG_CELL,
    )
    times, equals = _sign("@", tr("matrix product")), _sign("=", tr("equals"))
    bottom = row([W, times, Xr], y=bottom + GAP / 2)
    # The product is long: Y goes under X reshaped, the "=" under the "@".
    Yr.x, Yr.y = Xr.x, bottom + GAP / 2 + Yr.top
    equals.x = times.x
    _centre(times, W)
    _centre(equals, Yr)
    bottom = Yr.y + Yr.height
    return panels + [W, times, Xr, equals, Yr], bottom


@drawing
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
    if k_h > n_h or k_w > n_w:
        raise ShapeError(
            N_(
                "kernel_size {k_h}x{k_w} is larger than the {n_h}x{n_w} input: the "
                "output would be (n - k + 1) = {o_h}x{o_w}. Choose a smaller "
                "kernel or a larger input."
            ),
            k_h=k_h,
            k_w=k_w,
            n_h=n_h,
            n_w=n_w,
            o_h=n_h - k_h + 1,
            o_w=n_w - k_w + 1,
        )
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
    with one_thread():
        reference = F.conv2d(X[None], K)[0]
        Y = corr2d_multi_in_out_1x1(X, K) if mode == MODES[1] else None
    if mode == MODES[1]:
        panels, bottom = _matmul(X, K, Y)
        check = tr(
            "the matrix product equals F.conv2d: max |difference| = {difference:g}",
            difference=(Y - reference).abs().max().item(),
        )
    else:
        parts = channel_parts(X, K)
        panels, bottom = _sums(X, K, parts)
        difference = (parts.sum(1) - reference).abs().max().item()
        check = tr(
            "each output channel sums c_i = {c_i} cross-correlations; the sums "
            "equal F.conv2d: max |difference| = {difference:g}",
            c_i=c_i,
            difference=difference,
        )
    caption = Lines([*_costs_lines(c_i, c_o, (k_h, k_w), (n_h, n_w)), check], bold=[0])
    caption.y = bottom + GAP / 2
    title = tr(
        "{c_i} input and {c_o} output channels, {k_h}x{k_w} kernels: {mode}",
        c_i=c_i,
        c_o=c_o,
        k_h=k_h,
        k_w=k_w,
        mode=tr(mode),
    )
    return Picture([*panels, caption], title=title)


class ChannelsExplorer(Explorer):
    """Input and output channels, kernel size and input size, with the costs."""

    def __init__(
        self,
        in_channels=2,
        out_channels=3,
        kernel_size=2,
        size=3,
        values="book example",
    ):
        style = {"description_width": "initial"}

        def slider(description, value, low, high):
            return int_slider(value, low, high, description, label_width="initial")

        controls = {
            "in_channels": slider(tr("input channels c_i"), in_channels, 1, 4),
            "out_channels": slider(tr("output channels c_o"), out_channels, 1, 4),
            "kernel_size": slider(tr("kernel size k"), kernel_size, 1, 4),
            "size": slider(tr("input size n"), size, 2, 6),
            "values": widgets.Dropdown(
                options=choices((v, v) for v in VALUES),
                value=values,
                description=tr("values"),
                style=style,
            ),
            "seed": slider(tr("seed"), 0, 0, 20),
            "mode": widgets.ToggleButtons(
                options=choices((m, m) for m in MODES),
                value=MODES[0],
                description=tr("view"),
                style=style,
            ),
        }
        c = controls
        layout = widgets.VBox(
            [
                widgets.HBox([c["in_channels"], c["out_channels"]]),
                widgets.HBox([c["kernel_size"], c["size"]]),
                widgets.HBox([c["values"], c["seed"]]),
                c["mode"],
            ]
        )
        super().__init__(controls, layout=layout)

    def data(self, in_channels, out_channels, kernel_size, size, values, seed):
        """The (X, K) that the controls describe."""
        if values == "book example":
            if (in_channels, kernel_size, size) != (2, 2, 3):
                raise ShapeError(
                    N_(
                        "The book's example has c_i = 2 input channels, 2x2 kernels "
                        "and a 3x3 input; got c_i = {c_i}, kernel size {k}, input "
                        "{n}x{n}. Choose 'small random integers' to try other sizes."
                    ),
                    c_i=in_channels,
                    k=kernel_size,
                    n=size,
                )
            return book_example(out_channels)
        return channel_data(in_channels, out_channels, kernel_size, size, seed)

    def draw(self, mode, **values):
        """The picture of the current state (the Explorer calls this)."""
        return draw_channels(*self.data(**values), mode)
