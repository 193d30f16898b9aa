"""Several input and output channels: per-channel cross-correlations and their sums."""

import ipywidgets as widgets
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from ._grid_mpl import draw_grid
from .cost import conv2d_flops, conv2d_params
from .explorer import Explorer, int_slider
from .ops import corr2d, corr2d_multi_in_out, corr2d_multi_in_out_1x1

VALUES = ("small random integers", "book example")
MODES = ("sum of cross-correlations", "1x1 as a matrix product")
CELL = 0.3  # inches per matrix cell
TITLE = 0.9  # cells of room above a panel for its title


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


class Panels:
    """One Figure of matrices, measured in cells, kept across redraws.

    ``layout`` sizes the Figure for a new arrangement; ``put`` places a
    matrix there, reusing the panel of the same key when its shape has not
    changed (then only numbers and position change, which is fast);
    ``finish`` removes the panels that the arrangement no longer uses.
    """

    def __init__(self):
        self.fig = Figure(dpi=80)
        self.grids = {}
        self.signs = []
        self.used = set()
        self.width = self.height = 1
        self.caption = self.fig.text(
            0.01, 0.02, "", fontsize=8.5, family="monospace", va="bottom"
        )

    def layout(self, width, height):
        """Start an arrangement of ``width`` x ``height`` cells (caption included)."""
        self.width, self.height = max(width, 36), height
        self.fig.set_size_inches(self.width * CELL, height * CELL)
        for sign in self.signs:
            sign.remove()
        self.signs, self.used = [], set()

    def put(self, key, x, y, values, **options):
        """Show ``values`` with its top-left corner at cell (x, y)."""
        rows, cols = values.shape
        W, H = self.width, self.height
        box = (x / W, 1 - (y + rows) / H, cols / W, rows / H)
        grid = self.grids.get(key)
        if grid is not None and grid.shape == (rows, cols):
            grid.ax.set_position(box)
            grid.set_values(values)
        else:
            if grid is not None:
                self.fig.delaxes(grid.ax)
            self.grids[key] = draw_grid(self.fig.add_axes(box), values, **options)
        self.used.add(key)

    def sign(self, x, y, text):
        """A '+' or '=' between panels, centred on cell (x, y)."""
        self.signs.append(
            self.fig.text(
                x / self.width,
                1 - y / self.height,
                text,
                fontsize=14,
                ha="center",
                va="center",
            )
        )

    def finish(self, caption):
        """Drop the panels not used by this arrangement and set the caption."""
        for key in [k for k in self.grids if k not in self.used]:
            self.fig.delaxes(self.grids.pop(key).ax)
        self.caption.set_text(caption)
        return self


def _costs_text(c_i, c_o, k, n):
    """Parameters and multiply-adds of this layer, formula and numbers from cost.py."""
    m = n - k + 1
    weights = conv2d_params(c_i, c_o, k, bias=False)
    total = conv2d_params(c_i, c_o, k, bias=True)
    flops = conv2d_flops(n, c_i, c_o, k)
    return (
        f"nn.Conv2d({c_i}, {c_o}, kernel_size={k}): parameters c_o*c_i*k_h*k_w "
        f"= {c_o}*{c_i}*{k}*{k} = {weights} weights (+ {c_o} biases = {total}; "
        "bias not drawn)\n"
        f"multiply-adds for one {n}x{n} image: c_i*c_o*k_h*k_w*m_h*m_w = "
        f"{c_i}*{c_o}*{k}*{k}*{m}*{m} = {flops}"
    )


def _draw_sums(X, K, Y, panels):
    """Every X_i * K[o, i] with the sum over i as output channel o, one row per o."""
    c_o, c_i, k, _ = K.shape
    n, m = X.shape[1], Y.shape[1]
    block = max(n, k + 1 + m)
    row = max(k, m) + TITLE
    panels.layout(
        1 + c_i * block + (c_i - 1) + 2 + m + 1, TITLE + n + 0.6 + c_o * row + 2.6
    )
    for i in range(c_i):
        x = 1 + i * (block + 1)
        panels.put(("X", i), x, TITLE, X[i], title=f"input X[{i}]", cmap="Greys")
    for o in range(c_o):
        y = TITLE + n + 0.6 + o * row + TITLE
        for i in range(c_i):
            x = 1 + i * (block + 1)
            panels.put(
                ("K", o, i),
                x,
                y,
                K[o, i],
                title=f"K[{o},{i}]",
                cmap="RdBu_r",
                vmin=-3,
                vmax=3,
            )
            panels.put(
                ("P", o, i),
                x + k + 1,
                y,
                corr2d(X[i], K[o, i]),
                title=f"X[{i}] * K[{o},{i}]",
                cmap="RdBu_r",
            )
            if i:
                panels.sign(x - 0.5, y + m / 2, "+")
        x = 1 + c_i * (block + 1) + 1
        panels.sign(x - 1, y + m / 2, "=")
        panels.put(
            ("Y", o),
            x,
            y,
            Y[o],
            title=f"output Y[{o}]",
            cmap="RdBu_r",
            highlight=[(r, c) for r in range(m) for c in range(m)],
            highlight_color="#2ca02c",
        )
    return panels


def _draw_matmul(X, K, Y, panels):
    """The 1x1 layer as W (c_o, c_i) @ X reshaped to (c_i, h*w) = Y as (c_o, h*w)."""
    c_o, c_i = K.shape[:2]
    n = X.shape[1]
    pixels = n * n
    width = max(1 + c_i * (n + 1), 1 + c_i + 2 + pixels + 2 + pixels + 1)
    panels.layout(width, TITLE + n + 1 + TITLE + max(c_i, c_o) + 2.6)
    for i in range(c_i):
        panels.put(
            ("X", i), 1 + i * (n + 1), TITLE, X[i], title=f"input X[{i}]", cmap="Greys"
        )
    y = TITLE + n + 1 + TITLE
    panels.put(
        "W",
        1,
        y,
        K.reshape(c_o, c_i),
        title="W (c_o, c_i)",
        cmap="RdBu_r",
        vmin=-3,
        vmax=3,
    )
    panels.put(
        "Xr",
        1 + c_i + 2,
        y,
        X.reshape(c_i, pixels),
        title=f"X reshaped to (c_i, h*w) = ({c_i}, {pixels})",
        cmap="Greys",
    )
    x = 1 + c_i + 2 + pixels + 2
    panels.put(
        "Yr",
        x,
        y,
        Y.reshape(c_o, pixels),
        title="Y as (c_o, h*w); row o is output channel o",
        cmap="RdBu_r",
    )
    panels.sign(1 + c_i + 1, y + c_o / 2, "@")
    panels.sign(x - 1, y + c_o / 2, "=")
    return panels


def draw_channels(X, K, mode=MODES[0]):
    """Draw a multi-channel convolution: per-channel parts and sums, or a matmul.

    ``X`` is (c_i, n, n), ``K`` is (c_o, c_i, k, k). The second mode needs
    ``k == 1`` and shows the same result as one matrix product.
    """
    return channels_figure(X, K, mode).fig


def channels_figure(X, K, mode=MODES[0], reuse=None):
    """Like ``draw_channels`` but return the ``Panels``; ``reuse`` (a ``Panels``)
    is updated in place, keeping every panel whose shape did not change."""
    c_o, c_i, k_h, k_w = K.shape
    n = X.shape[1]
    if X.shape[0] != c_i:
        raise ValueError(
            f"X has {X.shape[0]} channels but K expects c_i = {c_i} (K of shape "
            f"{tuple(K.shape)})"
        )
    if k_h > n:
        raise ValueError(
            f"kernel_size {k_h} is larger than the {n}x{n} input: the output "
            f"would be (n - k + 1) = {n} - {k_h} + 1 = {n - k_h + 1} wide. "
            "Choose a smaller kernel or a larger input."
        )
    Y = corr2d_multi_in_out(X, K)
    reference = F.conv2d(X[None], K)[0]
    if mode == MODES[1]:
        if (k_h, k_w) != (1, 1):
            raise ValueError(
                f"The matrix-product view is for 1x1 kernels, got kernel_size "
                f"{k_h}. Set the kernel size to 1: then every output pixel mixes "
                "only the channels of the same input pixel. (Larger kernels can "
                "be written as a matrix product too, after unfolding every "
                "window into a column: im2col, F.unfold.)"
            )
        Y1 = corr2d_multi_in_out_1x1(X, K)
        panels = _draw_matmul(X, K, Y1, Panels() if reuse is None else reuse)
        check = (
            f"the matrix product equals the general multi-channel code: max "
            f"|difference| = {(Y1 - Y).abs().max().item():g}; equals F.conv2d: "
            f"{torch.allclose(Y1, reference)}"
        )
    elif mode == MODES[0]:
        panels = _draw_sums(X, K, Y, Panels() if reuse is None else reuse)
        check = (
            f"each output channel sums c_i = {c_i} cross-correlations; "
            f"equals F.conv2d: {torch.allclose(Y, reference)}"
        )
    else:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    return panels.finish(_costs_text(c_i, c_o, k_h, n) + "\n" + check)


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
            "in_channels": slider("input channels c_i", in_channels, 1, 4),
            "out_channels": slider("output channels c_o", out_channels, 1, 4),
            "kernel_size": slider("kernel size k", kernel_size, 1, 4),
            "size": slider("input size n", size, 2, 6),
            "values": widgets.Dropdown(
                options=VALUES, value=values, description="values", style=style
            ),
            "seed": slider("seed", 0, 0, 20),
            "mode": widgets.ToggleButtons(
                options=MODES, value=MODES[0], description="view", style=style
            ),
        }
        self._panels = None
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
                raise ValueError(
                    "The book's example has c_i = 2 input channels, 2x2 kernels "
                    f"and a 3x3 input; got c_i = {in_channels}, kernel size "
                    f"{kernel_size}, input {size}x{size}. Choose 'small random "
                    "integers' to try other sizes."
                )
            return book_example(out_channels)
        return channel_data(in_channels, out_channels, kernel_size, size, seed)

    def draw(self, mode, **values):
        """Draw the current state (the Explorer calls this)."""
        X, K = self.data(**values)
        self._panels = channels_figure(X, K, mode, self._panels)
        return self._panels.fig
