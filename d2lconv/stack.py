"""A stack of convolution layers: how the size shrinks and the receptive field grows."""

from ._validate import check_positive_int, positive_pair
from .i18n import N_, tr
from .picture import GAP, MARGIN, Picture, Rect, Text, row, title_texts
from .plot import Plot
from .receptive import LayerError, receptive_field_table
from .shapes import ShapeError

BAR_COLOR, BAR_EDGE, SEEN_COLOR = "#c6dbef", "#6baed6", "#fd8d3c"
FIELD_COLOR, SIZE_COLOR = "#e6550d", "#1f77b4"


def repeat_layer(count, kernel_size, padding=0, stride=1, dilation=1):
    """``count`` copies of one convolution layer, as dicts for ``receptive_field``."""
    count = check_positive_int(count, "count")
    layer = dict(kernel_size=kernel_size, padding=padding, stride=stride)
    layer["dilation"] = dilation
    return [dict(layer) for _ in range(count)]


def centre_windows(table):
    """Rows ``(r0, r1)`` of every level (input first) that the centre output sees.

    The centre output of the last layer sees one row of its own level; one
    layer down, rows ``r0*s - p`` to ``r1*s - p + d(k - 1)`` (``p`` the top
    padding). Rows below 0 or past a level's height lie in the padding.
    """
    centre = (table[-1].output_size[0] - 1) // 2
    windows = [(centre, centre)]
    for layer in reversed(table):
        (r0, r1), k, s = windows[0], layer.kernel_size[0], layer.stride[0]
        p, d = layer.padding[0][0], layer.dilation[0]
        windows.insert(0, (r0 * s - p, r1 * s - p + d * (k - 1)))
    return windows


class Bars:
    """One bar per level, as wide as its height in pixels; orange: what is seen."""

    def __init__(self, sizes, windows, *, width=420, title=""):
        self.sizes, self.windows, self.title = sizes, windows, title
        self.label = tr("size per layer ({count}-layer stack)", count=len(sizes) - 1)
        self.bar = min(18.0, max(5.0, 480 / len(sizes)))
        self.scale = width / max(h for h, _ in sizes)
        self.width, self.height = width + 120, self.bar * len(sizes)
        self.top, self.span = 2 * 13 * 1.25 + 8, (0, 0)
        self.x = self.y = MARGIN

    def primitives(self):
        out, widest = [], max(h for h, _ in self.sizes) * self.scale
        levels, scale, bar = len(self.sizes), self.scale, self.bar
        rows = zip(self.sizes, self.windows, strict=True)
        for level, ((h, w), (r0, r1)) in enumerate(rows):
            y = self.y + level * bar
            left = self.x + (widest - h * scale) / 2
            english = "input" if level == 0 else f"layer {level}"  # data-seen
            name = tr("input") if level == 0 else tr("layer {level}", level=level)
            out.append(Rect(left, y + 1, h * scale, bar - 2, BAR_COLOR, BAR_EDGE, 0.5))
            # The part of this level that the last layer's centre output sees,
            # clipped to the level: beyond it lies padding.
            lo, hi = max(r0, 0), min(r1, h - 1)
            if lo <= hi:
                seen = {"seen": f"{english}: rows {lo}..{hi} of {h}"}
                width, seen_x = (hi - lo + 1) * scale, left + lo * scale
                out.append(Rect(seen_x, y + 1, width, bar - 2, SEEN_COLOR, data=seen))
            if levels <= 24 or level in (0, levels - 1) or level % 5 == 0:
                size = min(11.0, bar * 0.8) if levels <= 24 else 9.0
                text = tr("{name}: {h}x{w}", name=name, h=h, w=w)
                tx, ty = self.x + widest + 8, y + bar / 2 + 0.36 * size
                level_data = {"level": level}
                out.append(Text(tx, ty, text, size, anchor="start", data=level_data))
        return out + title_texts(self.title, self.x + self.width / 2, self.y - 8, 12)


def draw_stack(input_size, layers):
    """Picture: each layer's size as a bar, the centre output's field, a size plot."""
    input_size = positive_pair(input_size, "input_size")
    table = receptive_field_table(layers, input_size)
    if not table:
        raise ValueError(
            "layers must hold at least one convolution or pooling layer, "
            f"got {layers!r}"
        )
    sizes = [input_size] + [layer.output_size for layer in table]
    bars = Bars(
        sizes,
        centre_windows(table),
        title=tr(
            "size per layer (height axis)\norange: what the centre output of the "
            "last layer sees"
        ),
    )
    levels = list(range(len(sizes)))
    fields = [1] + [layer.receptive_field[0] for layer in table]
    last = table[-1]
    (h, w), (field_h, field_w) = last.output_size, last.receptive_field
    count = len(table)
    summary = dict(count=count, h=h, w=w, field_h=field_h, field_w=field_w)
    summary.update(jump_h=last.jump[0], jump_w=last.jump[1])
    plot = Plot(
        [
            (levels, [h for h, _ in sizes], SIZE_COLOR, tr("output height")),
            (levels, fields, FIELD_COLOR, tr("receptive field (rows)")),
        ],
        width=300,
        height=max(160, min(bars.height, 300)),
        ylim=(0, 1.05 * max(max(h for h, _ in sizes), max(fields))),
        title=tr(
            "after layer {count}: {h}x{w}, field {field_h}x{field_w}, "
            "jump {jump_h}x{jump_w}",
            **summary,
        ),
        xlabel=tr("layer (0 = input)"),
        ylabel=tr("pixels"),
        label=tr("output height and receptive field per layer"),
    )
    row([plot], y=row([bars]) + GAP)  # the plot under the bars: a lesson's column
    title = tr(
        "a {count}-layer stack on a {input} input", count=count, input=input_size
    )
    return Picture([bars, plot], title=title)


def layer_error(err):
    """``receptive_field_table``'s ``LayerError`` as a ShapeError an explorer shows.

    The layer is named as the table names it and the reason is the ShapeError
    of ``shapes``, both in the reader's language (``err.english``: English).
    """
    if not (isinstance(err, LayerError) and isinstance(err.error, ShapeError)):
        return err
    return ShapeError(
        N_("layer {index}: {layer}: {reason}"),
        index=err.number,
        layer=err.shown,
        reason=err.error,
    )
