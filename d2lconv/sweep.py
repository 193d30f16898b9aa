"""The kernel sweeping over the input, one output cell at a time."""

import io

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle
from PIL import Image

from ._validate import positive_pair
from .explorer import Explorer
from .grid import FastLabels, draw_grid, format_number, grid_figure
from .ops import corr2d
from .shapes import _padding_sides, conv2d_output_shape

_AXES = ("height", "width")
_DROP_COLOR = "#d62728"
# The widest figure, in inches: cells shrink beyond it so that a 16x16 input
# with padding still fits a notebook.
_MAX_WIDTH = 11.0
_TEXT_LINES = 7
_FORMULA_FONT = 8.5


def edge_image(height=6, width=8):
    """The book's edge image: ones with a dark stripe (columns 2..5 of 8) of zeros."""
    X = torch.ones(height, width)
    X[:, width // 4 : width - width // 4] = 0
    return X


def sweep_input(kind, size, seed=0):
    """Input values: "ramp" (0..n-1), "random" (small integers) or "edge"."""
    h, w = positive_pair(size, "input_size")
    if kind == "ramp":
        return torch.arange(h * w, dtype=torch.float32).reshape(h, w)
    if kind == "random":
        generator = torch.Generator().manual_seed(seed)
        return torch.randint(-2, 5, (h, w), generator=generator).float()
    if kind == "edge":
        return edge_image(h, w)
    raise ValueError(f'input values must be "ramp", "random" or "edge", got {kind!r}')


def sweep_kernel(kind, size, seed=0):
    """Kernel values: "ramp" (0..k-1), "ones", "random" or "edge" ([1, -1] columns)."""
    h, w = positive_pair(size, "kernel_size")
    if kind == "ramp":
        return torch.arange(h * w, dtype=torch.float32).reshape(h, w)
    if kind == "ones":
        return torch.ones(h, w)
    if kind == "random":
        # A different stream from the input's, so both are not the same numbers.
        generator = torch.Generator().manual_seed(seed + 1000)
        return torch.randint(-2, 3, (h, w), generator=generator).float()
    if kind == "edge":
        K = torch.zeros(h, w)
        K[:, 0] = 1
        K[:, -1] -= 1
        return K
    raise ValueError(
        f'kernel values must be "ramp", "ones", "random" or "edge", got {kind!r}'
    )


def _array(values):
    if hasattr(values, "detach"):
        values = values.detach().cpu()
    return np.asarray(values, dtype=float)


def _terms_text(window, kernel, total, i, j):
    """ "output[i, j] = x*k + ... = total", shortened when the kernel is large."""
    pairs = [
        f"{format_number(x)}*{format_number(k)}"
        for x, k in zip(window.ravel(), kernel.ravel(), strict=True)
    ]
    head = f"output[{i}, {j}] = "
    if len(pairs) > 9:
        body = " + ".join(pairs[:4]) + f" + ... ({len(pairs)} products)"
    else:
        body = " + ".join(pairs)
    return f"{head}{body} = {format_number(total)}".replace("+ -", "- ")


def _formula_lines(axis, n, k, s, sides, d, out):
    """Both output-size formulas for one axis, with the numbers filled in."""
    name = _AXES[axis]
    before, after = sides
    if before == after:
        p_sym, p_num = "2p", f"2*{before}"
    else:
        p_sym, p_num = "p_before + p_after", f"{before} + {after}"
    torch_line = (
        f"{name}: floor((n + {p_sym} - d(k-1) - 1)/s) + 1 = "
        f"floor(({n} + {p_num} - {d}*({k}-1) - 1)/{s}) + 1 = {out}"
        "   (PyTorch: padding per side)"
    )
    total = before + after
    if d == 1:
        book_line = (
            f"{' ' * len(name)}  book, total padding p = {total}: "
            f"floor((n - k + p + s)/s) = floor(({n} - {k} + {total} + {s})/{s}) = {out}"
        )
    else:
        keff = d * (k - 1) + 1
        book_line = (
            f"{' ' * len(name)}  book, total padding p = {total}, dilated kernel "
            f"k' = d(k-1)+1 = {keff}: floor((n - k' + p + s)/s) = "
            f"floor(({n} - {keff} + {total} + {s})/{s}) = {out}"
        )
    return torch_line, book_line


def _dropped(n, k, s, sides, d, out):
    """Rows (or columns) of the padded input that no window reaches."""
    return n + sides[0] + sides[1] - ((out - 1) * s + d * (k - 1) + 1)


def _dropped_text(dropped_h, dropped_w):
    if not dropped_h and not dropped_w:
        return (
            "the floor drops nothing: the last window ends on the last row and column"
        )
    parts = []
    if dropped_h:
        parts.append(f"{dropped_h} row{'s' * (dropped_h > 1)} at the bottom")
    if dropped_w:
        parts.append(f"{dropped_w} column{'s' * (dropped_w > 1)} at the right")
    return (
        "the floor drops " + " and ".join(parts) + " of the padded input "
        "(red): the next stride would run off the edge"
    )


def _label_size(cell_inches, values):
    """A font size (points) at which the longest number fits in a cell."""
    longest = max((len(format_number(v)) for v in np.ravel(values)), default=1)
    # A digit of DejaVu Sans is about 0.64 em wide; keep a margin of 15%.
    fit = cell_inches * 72 * 0.85 / (0.64 * max(longest, 2))
    return float(min(10.0, fit))


class SweepPicture:
    """A sweep figure for one geometry, whose values and step can be updated.

    Building the panels is the slow part of drawing, so ``SweepExplorer``
    keeps one of these per geometry and only calls ``update``.
    """

    def __init__(
        self, input_size, kernel_size, padding=0, stride=1, dilation=1, dpi=100
    ):
        self.input_size = positive_pair(input_size, "input_size")
        self.kernel_size = positive_pair(kernel_size, "kernel_size")
        self.stride = positive_pair(stride, "stride")
        self.dilation = positive_pair(dilation, "dilation")
        # Raises the explanation (formula with numbers) when the output is empty.
        self.output_size = conv2d_output_shape(
            self.input_size, self.kernel_size, self.stride, padding, self.dilation
        )
        self.sides = _padding_sides(
            padding, self.kernel_size, self.stride, self.dilation
        )
        (top, bottom), (left, right) = self.sides
        n_h, n_w = self.input_size
        self.padded_size = (n_h + top + bottom, n_w + left + right)
        shapes = [
            self.padded_size,
            self.kernel_size,
            self.kernel_size,
            self.output_size,
        ]
        columns = sum(c for _, c in shapes)
        gap = 0.6
        cell = min(0.42, (_MAX_WIDTH - 0.7 - gap * 3) / columns)
        self.cell = cell
        text_height = _TEXT_LINES * _FORMULA_FONT * 1.25 / 72 + 0.2
        self.figure, axes = grid_figure(
            *shapes,
            cell_size=cell,
            gap=gap,
            top=0.8,
            bottom=text_height + 0.3,
            min_width=8.4,
            dpi=dpi,
        )
        FigureCanvasAgg(self.figure)
        self.ax_input, self.ax_kernel, self.ax_products, self.ax_output = axes
        for ax, label in zip(
            axes, ("input", "kernel", "products", "output"), strict=True
        ):
            ax.set_label(label)
        mask = np.ones(self.padded_size, dtype=bool)
        mask[top : top + n_h, left : left + n_w] = False
        zeros = np.zeros
        self.input_grid = draw_grid(
            self.ax_input,
            zeros(self.padded_size),
            mask=mask,
            cmap="Blues",
            indices=True,
            index_origin=(-top, -left),
        )
        self.kernel_grid = draw_grid(
            self.ax_kernel, zeros(self.kernel_size), cmap="PuOr_r"
        )
        self.products_grid = draw_grid(
            self.ax_products, zeros(self.kernel_size), cmap="RdBu_r"
        )
        self.output_grid = draw_grid(
            self.ax_output, zeros(self.output_size), cmap="RdBu_r"
        )
        self._mark_dropped()
        # Cells the sweep has not reached yet are veiled with translucent white.
        self.veil = self.ax_output.imshow(
            np.zeros((*self.output_size, 4)), interpolation="nearest", zorder=3
        )
        self.ax_output.set_xlim(-0.5, self.output_size[1] - 0.5)
        self.ax_output.set_ylim(self.output_size[0] - 0.5, -0.5)
        self.lines = []
        y = (text_height + 0.1) / self.figure.get_figheight()
        step = _FORMULA_FONT * 1.25 / 72 / self.figure.get_figheight()
        for i in range(_TEXT_LINES):
            self.lines.append(
                self.figure.text(
                    0.02,
                    y - i * step,
                    "",
                    ha="left",
                    va="top",
                    family="monospace",
                    fontsize=_FORMULA_FONT,
                )
            )
        self.lines[0].set_fontweight("bold")
        self.figure.add_artist(FastLabels(self.lines))
        self._write_formulas()

    def _mark_dropped(self):
        """Colour the padded rows and columns that the floor leaves out."""
        H, W = self.padded_size
        dropped = [
            _dropped(
                self.input_size[a],
                self.kernel_size[a],
                self.stride[a],
                self.sides[a],
                self.dilation[a],
                self.output_size[a],
            )
            for a in (0, 1)
        ]
        self.dropped = tuple(dropped)
        style = dict(facecolor=_DROP_COLOR, alpha=0.18, edgecolor="none", zorder=2.5)
        if dropped[0]:
            self.ax_input.add_patch(
                Rectangle((-0.5, H - dropped[0] - 0.5), W, dropped[0], **style)
            )
        if dropped[1]:
            self.ax_input.add_patch(
                Rectangle((W - dropped[1] - 0.5, -0.5), dropped[1], H, **style)
            )

    def _write_formulas(self):
        for axis in (0, 1):
            torch_line, book_line = _formula_lines(
                axis,
                self.input_size[axis],
                self.kernel_size[axis],
                self.stride[axis],
                self.sides[axis],
                self.dilation[axis],
                self.output_size[axis],
            )
            self.lines[2 + 2 * axis].set_text(torch_line)
            self.lines[3 + 2 * axis].set_text(book_line)
        self.lines[6].set_text(_dropped_text(*self.dropped))

    def window_cells(self, step):
        """The (row, col) cells of the padded input under the kernel at ``step``."""
        i, j = divmod(step, self.output_size[1])
        rows = [
            i * self.stride[0] + a * self.dilation[0]
            for a in range(self.kernel_size[0])
        ]
        cols = [
            j * self.stride[1] + b * self.dilation[1]
            for b in range(self.kernel_size[1])
        ]
        return rows, cols

    def update(self, X, K, Y, step, flip=False):
        """Show ``X``, the applied kernel ``K``, the output ``Y`` at ``step``."""
        oh, ow = self.output_size
        if not 0 <= step < oh * ow:
            raise ValueError(
                f"step must be between 0 and {oh * ow - 1} (the output has "
                f"{oh}x{ow} = {oh * ow} cells), got {step}"
            )
        (top, bottom), (left, right) = self.sides
        padded = np.pad(_array(X), ((top, bottom), (left, right)))
        kernel, output = _array(K), _array(Y)
        shown = (padded.tobytes(), kernel.tobytes(), output.tobytes())
        if shown != getattr(self, "_shown", None):
            for grid, values in (
                (self.input_grid, padded),
                (self.kernel_grid, kernel),
                (self.output_grid, output),
            ):
                grid.set_fontsize(_label_size(self.cell, values))
                grid.set_values(values)
            self._shown = shown
        rows, cols = self.window_cells(step)
        window = padded[np.ix_(rows, cols)]
        products = window * kernel
        i, j = divmod(step, ow)
        self.products_grid.set_fontsize(_label_size(self.cell, products))
        self.products_grid.set_values(products)
        self.input_grid.set_highlight([(r, c) for r in rows for c in cols])
        self.output_grid.set_highlight([(i, j)])
        veil = np.zeros((oh, ow, 4))
        veil[..., :3] = 1.0
        veil[..., 3] = (np.arange(oh * ow) > step).reshape(oh, ow) * 0.65
        self.veil.set_data(veil)
        n_h, n_w = self.input_size
        H, W = self.padded_size
        self.input_grid.set_title(
            f"input {n_h}x{n_w}"
            + (f", padded to {H}x{W}" if (H, W) != (n_h, n_w) else "")
        )
        self.kernel_grid.set_title(
            f"kernel {self.kernel_size[0]}x{self.kernel_size[1]}"
            + (", flipped" if flip else "")
        )
        self.products_grid.set_title(
            f"window * kernel\nsum = {format_number(products.sum())}"
        )
        self.output_grid.set_title(f"output {oh}x{ow}")
        what = "convolution (kernel flipped)" if flip else "cross-correlation"
        self.lines[0].set_text(
            f"{what}, step {step + 1} of {oh * ow}: "
            + _terms_text(window, kernel, output[i, j], i, j)
        )
        self.lines[1].set_text(
            f"stride {self.stride}, dilation {self.dilation}, padding "
            f"(top, bottom, left, right) = ({top}, {bottom}, {left}, {right})"
        )
        return self.figure


def sweep_result(X, K, padding=0, stride=1, dilation=1, flip=False):
    """The applied kernel and ``corr2d`` of ``X`` with it (flipped if ``flip``)."""
    applied = torch.flip(K, (0, 1)) if flip else K
    return applied, corr2d(X, applied, padding, stride, dilation)


def draw_sweep(X, K, *, padding=0, stride=1, dilation=1, step=0, flip=False, dpi=100):
    """Figure of ``K`` sweeping ``X``: padded input, window, products, output, formulas.

    ``padding`` is per side as in ``nn.Conv2d``; ``step`` is the output cell in
    row-major order; ``flip=True`` flips the kernel (true convolution).
    """
    applied, Y = sweep_result(X, K, padding, stride, dilation, flip)
    picture = SweepPicture(
        tuple(X.shape), tuple(K.shape), padding, stride, dilation, dpi
    )
    return picture.update(X, applied, Y, step, flip)


def png_bytes(fig):
    """Render a Figure that has an Agg canvas to PNG bytes, quickly.

    Compression level 1 encodes several times faster than the default for a
    file about a third larger, which is the right trade for a slider.
    """
    fig.canvas.draw()
    width, height = fig.canvas.get_width_height()
    image = Image.frombuffer(
        "RGBA", (width, height), fig.canvas.buffer_rgba(), "raw", "RGBA", 0, 1
    )
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


_INPUTS = [
    ("0..n-1 ramp", "ramp"),
    ("small random integers", "random"),
    ("edge image (6x8)", "edge"),
]
_KERNELS = [
    ("0..k-1 ramp", "ramp"),
    ("ones", "ones"),
    ("small random integers", "random"),
    ("edge detector [1, -1]", "edge"),
]
_GEOMETRY = (
    "input_h",
    "input_w",
    "kernel_h",
    "kernel_w",
    "padding_h",
    "padding_w",
    "stride_h",
    "stride_w",
    "dilation",
)


class SweepExplorer(Explorer):
    """Sliders for input, kernel, padding, stride and dilation; watch the sweep.

    ``SweepExplorer()`` starts from the book's 3x3 input and 2x2 kernel (the
    6x8 image and 1x2 kernel for ``"edge"``); keyword arguments set the start.
    ``X``, ``K`` (the kernel as applied, flipped for convolution) and
    ``result`` hold what is shown.
    """

    def __init__(
        self,
        input_size=None,
        kernel_size=None,
        padding=0,
        stride=1,
        dilation=1,
        values="ramp",
        kernel="ramp",
        flip=False,
        seed=0,
        step=0,
    ):
        if input_size is None:
            input_size = (6, 8) if values == "edge" else 3
        if kernel_size is None:
            kernel_size = (1, 2) if kernel == "edge" else 2
        n_h, n_w = positive_pair(input_size, "input_size")
        k_h, k_w = positive_pair(kernel_size, "kernel_size")
        p_h, p_w = _padding_sides(padding, (k_h, k_w), (1, 1), (1, 1))
        if p_h[0] != p_h[1] or p_w[0] != p_w[1]:
            raise ValueError(
                f"padding must be the same on both sides here, got {padding}"
            )
        s_h, s_w = positive_pair(stride, "stride")

        def slider(value, low, high, description):
            return widgets.IntSlider(
                value=value,
                min=low,
                max=high,
                description=description,
                continuous_update=False,
                style={"description_width": "110px"},
            )

        controls = {
            "input_h": slider(n_h, 1, 16, "input height"),
            "input_w": slider(n_w, 1, 16, "input width"),
            "kernel_h": slider(k_h, 1, 7, "kernel height"),
            "kernel_w": slider(k_w, 1, 7, "kernel width"),
            "padding_h": slider(p_h[0], 0, 4, "padding h (each side)"),
            "padding_w": slider(p_w[0], 0, 4, "padding w (each side)"),
            "stride_h": slider(s_h, 1, 4, "stride height"),
            "stride_w": slider(s_w, 1, 4, "stride width"),
            "dilation": slider(dilation, 1, 3, "dilation"),
            "values": widgets.Dropdown(
                options=_INPUTS, value=values, description="input"
            ),
            "kernel": widgets.Dropdown(
                options=_KERNELS, value=kernel, description="kernel"
            ),
            "seed": slider(seed, 0, 20, "seed"),
            "flip": widgets.Checkbox(
                value=flip, description="true convolution (flip K)"
            ),
            "step": widgets.IntSlider(value=0, min=0, max=0, description="output cell"),
        }
        self.play = widgets.Play(interval=700, min=0, max=0, description="play")
        widgets.link((self.play, "value"), (controls["step"], "value"))
        widgets.link((self.play, "max"), (controls["step"], "max"))
        c = controls
        layout = widgets.HBox(
            [
                widgets.VBox(
                    [
                        c["input_h"],
                        c["input_w"],
                        c["kernel_h"],
                        c["kernel_w"],
                        c["dilation"],
                    ]
                ),
                widgets.VBox(
                    [
                        c["padding_h"],
                        c["padding_w"],
                        c["stride_h"],
                        c["stride_w"],
                        c["seed"],
                    ]
                ),
                widgets.VBox(
                    [
                        c["values"],
                        c["kernel"],
                        c["flip"],
                        widgets.HBox([self.play, c["step"]]),
                    ]
                ),
            ]
        )
        self._pictures = {}
        self._frames = {}
        self.X = self.K = self.result = None
        # The step range must fit the first output before the first redraw.
        self.controls = controls
        self._held = 0
        self._sync_step_range()
        controls["step"].value = min(step, controls["step"].max)
        super().__init__(controls, layout=layout)

    def geometry(self, values=None):
        """The current ``(input_size, kernel_size, padding, stride, dilation)``."""
        v = self.values() if values is None else values
        return (
            (v["input_h"], v["input_w"]),
            (v["kernel_h"], v["kernel_w"]),
            (v["padding_h"], v["padding_w"]),
            (v["stride_h"], v["stride_w"]),
            v["dilation"],
        )

    def _sync_step_range(self):
        """Make the step slider cover exactly the cells of the current output."""
        input_size, kernel_size, padding, stride, dilation = self.geometry()
        try:
            oh, ow = conv2d_output_shape(
                input_size, kernel_size, stride, padding, dilation
            )
            cells = oh * ow
        except ValueError:
            cells = 1
        step = self.controls["step"]
        if step.value > cells - 1:
            step.value = cells - 1
        step.max = cells - 1
        step.disabled = self.play.disabled = cells == 1

    def _on_change(self, change):
        if self._held:
            return
        owner = change["owner"]
        if owner is self.controls["step"]:
            self.redraw()
            return
        with self.hold():
            # Choosing the book's examples also sets the sizes they come in.
            if owner is self.controls["values"] and change["new"] == "edge":
                self.controls["input_h"].value, self.controls["input_w"].value = 6, 8
            if owner is self.controls["kernel"] and change["new"] == "edge":
                self.controls["kernel_h"].value, self.controls["kernel_w"].value = 1, 2
            self._sync_step_range()

    def draw(self, **v):
        input_size, kernel_size, padding, stride, dilation = self.geometry(v)
        key = self.geometry(v)
        picture = self._pictures.get(key)
        if picture is None:
            picture = SweepPicture(input_size, kernel_size, padding, stride, dilation)
            if len(self._pictures) > 16:
                self._pictures.clear()
            self._pictures[key] = picture
        X = sweep_input(v["values"], input_size, v["seed"])
        K = sweep_kernel(v["kernel"], kernel_size, v["seed"])
        applied, Y = sweep_result(X, K, padding, stride, dilation, v["flip"])
        self.X, self.K, self.result = X, applied, Y
        self._frame_key = tuple(sorted(v.items()))
        # Always update the figure, so that ``figure`` is the state shown even
        # when ``render`` finds the frame in its cache.
        return picture.update(X, applied, Y, v["step"], v["flip"])

    def redraw(self):
        """Draw the current state, or explain why there is nothing to draw."""
        self.X = self.K = self.result = None
        super().redraw()

    def render(self, fig):
        """PNG bytes of the current frame, from a cache of frames already seen."""
        frame = self._frames.get(self._frame_key)
        if frame is None:
            frame = png_bytes(fig)
            if len(self._frames) > 512:
                self._frames.clear()
            self._frames[self._frame_key] = frame
        return frame
