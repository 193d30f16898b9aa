"""A stack of convolution layers: how the size shrinks and the receptive field grows."""

from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from ._validate import check_positive_int, positive_pair
from .explorer import Explorer, int_slider
from .receptive import field_window, receptive_field_table


def repeat_layer(count, kernel_size, padding=0, stride=1, dilation=1):
    """``count`` copies of one convolution layer, as dicts for ``receptive_field``."""
    count = check_positive_int(count, "count")
    layer = dict(
        kernel_size=kernel_size, padding=padding, stride=stride, dilation=dilation
    )
    return [dict(layer) for _ in range(count)]


def stack_sizes(input_size, layers):
    """Output ``(h, w)`` after each layer (a ``ValueError`` names an empty one)."""
    return [row.output_size for row in receptive_field_table(layers, input_size)]


def _centre_windows(layers, sizes):
    """Rows of every level that the centre output of the last layer depends on."""
    last = sizes[-1][0]
    centre = (last - 1) // 2
    windows = []
    for level in range(len(layers) + 1):
        above = layers[level:]
        if not above:
            windows.append((centre, centre))
            continue
        rows, _ = field_window(receptive_field_table(above)[-1], centre, 0)
        windows.append(rows)
    return windows


def draw_stack(input_size, layers, *, dpi=100):
    """Figure: each layer's size as a bar, the centre output's field as a cone."""
    input_size = positive_pair(input_size, "input_size")
    table = receptive_field_table(layers, input_size)
    sizes = [input_size] + [row.output_size for row in table]
    windows = _centre_windows(layers, sizes)
    levels = len(sizes)
    bar_height = min(0.32, 5.0 / levels)
    height = 1.6 + bar_height * levels
    fig = Figure(figsize=(10, height), dpi=dpi)
    # Fixed positions: a layout engine would cost more than the drawing.
    top, bottom = 0.45 / height, 0.55 / height
    ax_bars = fig.add_axes((0.01, bottom, 0.55, 1 - top - bottom))
    ax_plot = fig.add_axes((0.64, bottom, 0.34, 1 - top - bottom))
    widest = max(h for h, _ in sizes)
    bars, seen = [], []
    for level, ((h, w), (r0, r1)) in enumerate(zip(sizes, windows, strict=True)):
        left = (widest - h) / 2
        bars.append(Rectangle((left, level - 0.4), h, 0.8))
        # The part of this level that the last layer's centre output sees,
        # clipped to the level: beyond it lies padding.
        lo, hi = max(r0, 0), min(r1, h - 1)
        if lo <= hi:
            seen.append(Rectangle((left + lo, level - 0.4), hi - lo + 1, 0.8))
        name = "input" if level == 0 else f"layer {level}"
        if levels <= 24 or level in (0, levels - 1) or level % 5 == 0:
            ax_bars.text(
                widest + widest * 0.03,
                level,
                f"{name}: {h}x{w}",
                va="center",
                fontsize=8,
            )
    ax_bars.add_collection(
        PatchCollection(bars, facecolor="#c6dbef", edgecolor="#6baed6", linewidth=0.5)
    )
    ax_bars.add_collection(
        PatchCollection(seen, facecolor="#fd8d3c", alpha=0.8, linewidth=0)
    )
    ax_bars.set_xlim(-widest * 0.02, widest * 1.35)
    ax_bars.set_ylim(levels - 0.5, -0.5)
    ax_bars.set_axis_off()
    ax_bars.set_title(
        "size per layer (height axis); orange: what the centre "
        "output of the last layer sees",
        fontsize=9,
    )
    xs = list(range(levels))
    ax_plot.plot(xs, [h for h, _ in sizes], "o-", ms=3, label="output height")
    fields = [1] + [row.receptive_field[0] for row in table]
    ax_plot.plot(
        xs, fields, "s-", ms=3, color="#e6550d", label="receptive field (rows)"
    )
    ax_plot.set_xlabel("layer (0 = input)")
    ax_plot.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_plot.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax_plot.set_ylabel("pixels")
    ax_plot.grid(alpha=0.3)
    ax_plot.legend(fontsize=8)
    last = table[-1]
    ax_plot.set_title(
        f"after {len(table)} layers: {last.output_size[0]}x{last.output_size[1]}, "
        f"field {last.receptive_field[0]}x{last.receptive_field[1]}, "
        f"jump {last.jump[0]}x{last.jump[1]}",
        fontsize=9,
    )
    return fig


class StackExplorer(Explorer):
    """Stack identical convolution layers and watch size and receptive field.

    The defaults reproduce the book's 32x32 input through seven 5x5 layers.
    """

    def __init__(
        self, count=7, input_size=32, kernel_size=5, padding=0, stride=1, dilation=1
    ):
        controls = {
            "count": int_slider(count, 1, 60, "layers"),
            "input_size": int_slider(input_size, 1, 256, "input size"),
            "kernel_size": int_slider(kernel_size, 1, 7, "kernel size"),
            "padding": int_slider(padding, 0, 3, "padding (each side)"),
            "stride": int_slider(stride, 1, 3, "stride"),
            "dilation": int_slider(dilation, 1, 3, "dilation"),
        }
        self.table = None
        super().__init__(controls)

    def layers(self, values=None):
        """The current stack as a list of layer dicts."""
        v = self.values() if values is None else values
        return repeat_layer(
            v["count"], v["kernel_size"], v["padding"], v["stride"], v["dilation"]
        )

    def draw(self, **v):
        self.table = None
        layers = self.layers(v)
        self.table = receptive_field_table(layers, v["input_size"])
        return draw_stack(v["input_size"], layers)
