"""Max and average pooling, window by window, checked against PyTorch."""

import math

import ipywidgets as widgets
import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure

from ._grid_mpl import draw_grid, format_number
from ._validate import as_pair
from .explorer import Explorer, int_slider
from .shapes import pool2d_output_shape
from .training import edge_image, one_thread

MODES = ("max", "avg")


def pooling_inputs():
    """The inputs the explorer offers, by name: each a (channels, h, w) tensor."""
    generator = torch.Generator().manual_seed(0)
    return {
        "arange(32): 2 channels, 4x4 (book)": torch.arange(32.0).view(2, 4, 4),
        "0..8: 1 channel, 3x3 (book)": torch.arange(9.0).view(1, 3, 3),
        "edge image: 1 channel, 6x8": edge_image("vertical")[None],
        "random 0..9: 2 channels, 6x6": torch.randint(
            0, 10, (2, 6, 6), generator=generator
        ).float(),
        "0..48: 1 channel, 7x7": torch.arange(49.0).view(1, 7, 7),
    }


def pool(
    X,
    kernel_size,
    stride=None,
    padding=0,
    mode="max",
    ceil_mode=False,
    count_include_pad=True,
):
    """Pool ``X`` (c, h, w) with PyTorch's own ``F.max_pool2d`` / ``F.avg_pool2d``.

    The output shape is checked first, so a bad combination raises a
    ``ValueError`` that explains the rule instead of a PyTorch error.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    kernel_size = as_pair(kernel_size, "kernel_size")
    stride = kernel_size if stride is None else as_pair(stride, "stride")
    padding = as_pair(padding, "padding")
    pool2d_output_shape(
        tuple(X.shape[-2:]), kernel_size, stride, padding, ceil_mode=ceil_mode
    )
    with one_thread():
        if mode == "max":
            Y = F.max_pool2d(X[None], kernel_size, stride, padding, ceil_mode=ceil_mode)
        else:
            Y = F.avg_pool2d(
                X[None],
                kernel_size,
                stride,
                padding,
                ceil_mode=ceil_mode,
                count_include_pad=count_include_pad,
            )
    return Y[0]


def pooling_window(input_size, cell, kernel_size, stride, padding):
    """Rows and columns of output ``cell``'s window, in padded-input coordinates.

    Returns ``(rows, cols, divisor_with_pad, divisor_without_pad)``: the two
    divisors PyTorch's average pooling uses with ``count_include_pad`` True or
    False. The window is cut at the end of the padding (``ceil_mode`` windows
    may reach past it), and the first divisor counts the padding it covers.
    """
    spans, with_pad, without_pad = [], 1, 1
    for axis in (0, 1):
        n, k, s, p = (input_size[axis], kernel_size[axis], stride[axis], padding[axis])
        start = cell[axis] * s - p
        end = min(start + k, n + p)
        with_pad *= end - start
        without_pad *= min(end, n) - max(start, 0)
        spans.append(range(start + p, start + p + k))
    return spans[0], spans[1], with_pad, without_pad


def _cell_formula(x, rows, cols, p, mode, divisor):
    """The arithmetic of one output cell, written out, and its value."""
    n_h, n_w = x.shape
    inside = [
        float(x[r - p[0], c - p[1]])
        for r in rows
        for c in cols
        if 0 <= r - p[0] < n_h and 0 <= c - p[1] < n_w
    ]
    shown = ", ".join(format_number(v) for v in inside)
    if mode == "max":
        value = max(inside)
        return f"max({shown}) = {format_number(value)}", value
    value = sum(inside) / divisor
    total = " + ".join(format_number(v) for v in inside)
    return f"({total}) / {divisor} = {value:.4g}", value


class PoolingFigure:
    """Padded input and output of every channel, kept so that a redraw only updates."""

    CELL = 0.36

    def __init__(self, channels, padded_shape, output_shape):
        self.channels = channels
        ph, pw = padded_shape
        oh, ow = output_shape
        cell, gap, left, top = self.CELL, 0.45, 0.3, 0.55
        rows = max(ph, oh)
        width = left * 2 + channels * (pw + ow) * cell + (2 * channels - 1) * gap
        text_h = 1.1
        height = top + rows * cell + text_h
        self.fig = Figure(figsize=(max(width, 10.5), height), dpi=80)
        W, H = self.fig.get_size_inches()
        self.inputs, self.outputs = [], []
        x = left
        for _ in range(channels):
            for shape, store in (((ph, pw), self.inputs), ((oh, ow), self.outputs)):
                h, w = shape[0] * cell, shape[1] * cell
                ax = self.fig.add_axes((x / W, (H - top - h) / H, w / W, h / H))
                store.append(ax)
                x += w + gap
        self.text = self.fig.text(
            0.01, 0.03, "", fontsize=8.5, family="monospace", va="bottom"
        )
        self.input_grids = []
        self.output_grids = []

    def update(self, padded, mask, output, window, cell, titles, text):
        """Show new values, the window of ``cell`` and the caption."""
        window_cells = [
            (r, c)
            for r in window[0]
            for c in window[1]
            if r < padded.shape[1] and c < padded.shape[2]
        ]
        for ch in range(self.channels):
            if len(self.input_grids) <= ch:
                self.input_grids.append(
                    draw_grid(
                        self.inputs[ch],
                        padded[ch],
                        mask=mask,
                        fmt=_fmt_cell,
                        highlight=window_cells,
                        fontsize=8,
                        cmap="Blues",
                    )
                )
                self.output_grids.append(
                    draw_grid(
                        self.outputs[ch],
                        output[ch],
                        highlight=[cell],
                        fontsize=8,
                        cmap="Blues",
                    )
                )
            else:
                grid = self.input_grids[ch]
                grid.set_mask(mask)
                grid.set_values(padded[ch])
                grid.set_highlight(window_cells)
                self.output_grids[ch].set_values(output[ch])
                self.output_grids[ch].set_highlight([cell])
            self.input_grids[ch].set_title(titles[ch][0])
            self.output_grids[ch].set_title(titles[ch][1])
        self.text.set_text(text)
        return self


def _fmt_cell(value):
    if value == -math.inf:
        return "−∞"
    return format_number(value)


def _padded_view(X, padding, extent, mode, count_include_pad):
    """The input with its padding (and any ceil-mode overhang) for display.

    Max pooling pads with -inf (padding never wins); average pooling with zeros
    that count only with ``count_include_pad``. Overhang past the padding is NaN.
    """
    c, n_h, n_w = X.shape
    p_h, p_w = padding
    fill = -math.inf if mode == "max" else 0.0
    shape = (max(n_h + 2 * p_h, extent[0]), max(n_w + 2 * p_w, extent[1]))
    padded = torch.full((c, *shape), math.nan)
    padded[:, : n_h + 2 * p_h, : n_w + 2 * p_w] = fill
    padded[:, p_h : p_h + n_h, p_w : p_w + n_w] = X
    mask = np.ones(shape, dtype=bool)
    mask[p_h : p_h + n_h, p_w : p_w + n_w] = False
    return padded, mask


def describe_pooling(input_size, kernel_size, stride, padding, ceil_mode, output_size):
    """The output-size formula, with this layer's numbers filled in, per axis."""
    rounding = "ceil" if ceil_mode else "floor"
    parts = []
    for axis, name in ((0, "h"), (1, "w")):
        n, k, s, p = (input_size[axis], kernel_size[axis], stride[axis], padding[axis])
        parts.append(
            f"{name}: {rounding}(({n} + 2*{p} - {k})/{s}) + 1 = {output_size[axis]}"
        )
    return ",  ".join(parts)


def draw_pooling(
    X,
    kernel_size,
    stride=None,
    padding=0,
    mode="max",
    ceil_mode=False,
    count_include_pad=True,
    cell=0,
):
    """Draw pooling of ``X`` (c, h, w) channel by channel, with one output's window.

    ``cell`` is the output position (row-major index or ``(i, j)``) whose window
    is outlined; the numbers come from PyTorch's pooling functions.
    """
    return pooling_figure(
        X, kernel_size, stride, padding, mode, ceil_mode, count_include_pad, cell
    ).fig


def pooling_figure(
    X,
    kernel_size,
    stride=None,
    padding=0,
    mode="max",
    ceil_mode=False,
    count_include_pad=True,
    cell=0,
    reuse=None,
):
    """Like ``draw_pooling`` but return the ``PoolingFigure``, updating ``reuse``
    when it has the right shape (a redraw then only changes numbers)."""
    if X.dim() == 2:
        X = X[None]
    kernel_size = as_pair(kernel_size, "kernel_size")
    stride = kernel_size if stride is None else as_pair(stride, "stride")
    padding = as_pair(padding, "padding")
    Y = pool(X, kernel_size, stride, padding, mode, ceil_mode, count_include_pad)
    c, oh, ow = Y.shape
    if isinstance(cell, int):
        if not 0 <= cell < oh * ow:
            raise ValueError(
                f"cell must be between 0 and {oh * ow - 1} (the output has "
                f"{oh}x{ow} cells), got {cell}"
            )
        cell = divmod(cell, ow)
    extent = tuple(
        (o - 1) * s + k for o, s, k in zip((oh, ow), stride, kernel_size, strict=True)
    )
    padded, mask = _padded_view(X, padding, extent, mode, count_include_pad)
    figure = reuse
    if figure is None or figure.key != (c, padded.shape[1:], (oh, ow)):
        figure = PoolingFigure(c, tuple(padded.shape[1:]), (oh, ow))
        figure.key = (c, padded.shape[1:], (oh, ow))
    input_size = tuple(X.shape[1:])
    rows, cols, with_pad, without_pad = pooling_window(
        input_size, cell, kernel_size, stride, padding
    )
    divisor = with_pad if count_include_pad else without_pad
    formula, _ = _cell_formula(X[0], rows, cols, padding, mode, divisor)
    titles = [
        (f"channel {ch}: input, padding {padding}", f"{mode} pool") for ch in range(c)
    ]
    layer = "MaxPool2d" if mode == "max" else "AvgPool2d"
    args = f"kernel_size={kernel_size}, stride={stride}, padding={padding}"
    args += f", ceil_mode={ceil_mode}"
    if mode == "avg":
        args += f", count_include_pad={count_include_pad}"
    pad_note = "padding counts as 0" if count_include_pad else "padding not counted"
    text = "\n".join(
        [
            f"nn.{layer}({args})",
            f"input {tuple(X.shape)} -> output {tuple(Y.shape)}: each channel is "
            "pooled on its own, channels are never summed",
            "output size (p = padding per side; the book's total padding is 2p): "
            + describe_pooling(
                input_size, kernel_size, stride, padding, ceil_mode, (oh, ow)
            ),
            f"channel 0, output cell {cell}: {formula}"
            + (
                "   (padding is -inf: it never wins)"
                if mode == "max"
                else f"   ({pad_note})"
            ),
        ]
    )
    return figure.update(padded, mask, Y, (rows, cols), cell, titles, text)


class PoolingExplorer(Explorer):
    """Max or average pooling with sliders for window, padding, stride and modes."""

    def __init__(self):
        self.inputs = pooling_inputs()
        style = {"description_width": "initial"}

        def slider(description, value, low, high):
            return int_slider(value, low, high, description, label_width="initial")

        controls = {
            "mode": widgets.ToggleButtons(
                options=MODES, value="max", description="pooling", style=style
            ),
            "input": widgets.Dropdown(
                options=list(self.inputs), description="input", style=style
            ),
            "window_h": slider("window h", 3, 1, 4),
            "window_w": slider("window w", 3, 1, 4),
            "padding_h": slider("padding h", 1, 0, 2),
            "padding_w": slider("padding w", 1, 0, 2),
            "stride_h": slider("stride h", 2, 1, 4),
            "stride_w": slider("stride w", 1, 1, 4),
            "ceil_mode": widgets.Checkbox(value=False, description="ceil_mode"),
            "count_include_pad": widgets.Checkbox(
                value=True, description="count_include_pad"
            ),
            "cell": slider("output cell", 0, 0, 7),
        }
        self._figure = None
        c = controls
        layout = widgets.VBox(
            [
                widgets.HBox([c["mode"], c["input"]]),
                widgets.HBox([c["window_h"], c["padding_h"], c["stride_h"]]),
                widgets.HBox([c["window_w"], c["padding_w"], c["stride_w"]]),
                widgets.HBox([c["ceil_mode"], c["count_include_pad"], c["cell"]]),
            ]
        )
        super().__init__(controls, layout=layout)

    def parameters(self, values=None):
        """The pooling arguments that the controls describe."""
        v = self.values() if values is None else values
        return dict(
            kernel_size=(v["window_h"], v["window_w"]),
            stride=(v["stride_h"], v["stride_w"]),
            padding=(v["padding_h"], v["padding_w"]),
            mode=v["mode"],
            ceil_mode=v["ceil_mode"],
            count_include_pad=v["count_include_pad"],
        )

    def result(self):
        """The pooled input for the current controls (PyTorch's numbers)."""
        v = self.values()
        return pool(self.inputs[v["input"]], **self.parameters(v))

    def redraw(self):
        # The output-cell slider must span the new output; adjust it first.
        v = self.values()
        X = self.inputs[v["input"]]
        p = self.parameters(v)
        try:
            oh, ow = pool2d_output_shape(
                tuple(X.shape[1:]),
                p["kernel_size"],
                p["stride"],
                p["padding"],
                ceil_mode=p["ceil_mode"],
            )
        except ValueError:
            oh = ow = None
        cell = self.controls["cell"]
        if oh is not None and cell.max != oh * ow - 1:
            self._held += 1
            try:
                if oh * ow - 1 > cell.max:
                    cell.max = oh * ow - 1
                else:
                    cell.value = min(cell.value, oh * ow - 1)
                    cell.max = oh * ow - 1
            finally:
                self._held -= 1
        self.controls["count_include_pad"].disabled = v["mode"] != "avg"
        super().redraw()

    def draw(self, input, cell, **values):
        """Draw the current state (the Explorer calls this)."""
        X = self.inputs[input]
        try:
            self._figure = pooling_figure(
                X,
                cell=cell,
                reuse=self._figure,
                **self.parameters({**values, "input": input}),
            )
        except ValueError as err:
            raise ValueError(f"No pooling for these settings.\n{err}") from None
        return self._figure.fig
