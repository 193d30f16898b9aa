"""A ``Picture`` drawn with plain matplotlib: for PNG and GIF files, or a Figure.

One SVG pixel is one point of the Figure (72 dpi), so fonts and lines keep
their sizes; ``savefig(dpi=...)`` scales the whole picture.
"""

from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image

from .picture import Picture, Polyline, Rect, Text

_FAMILY = {False: "DejaVu Sans", True: "DejaVu Sans Mono"}


def to_figure(picture):
    """Draw ``picture`` on a new matplotlib Figure (Rectangle, Text, lines)."""
    if not isinstance(picture, Picture):
        raise TypeError(f"picture must be a Picture, got {type(picture).__name__}")
    groups, (x0, y0, x1, y1) = picture.groups()
    fig = Figure(figsize=((x1 - x0) / 72, (y1 - y0) / 72), dpi=72)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y1, y0)
    ax.set_axis_off()
    for label, items in groups:
        for z, item in enumerate(items):
            _draw(ax, item, z)
        ax.set_label(label)
    return fig


def _draw(ax, item, z):
    if isinstance(item, Rect):
        ax.add_patch(
            Rectangle(
                (item.x, item.y),
                item.width,
                item.height,
                facecolor=item.fill,
                edgecolor=item.stroke,
                linewidth=item.stroke_width,
                alpha=item.opacity if item.fill != "none" else None,
                zorder=z,
            )
        )
    elif isinstance(item, Text):
        ax.text(
            item.x,
            item.y,
            item.text,
            fontsize=item.size,
            color=item.color,
            ha={"start": "left", "middle": "center", "end": "right"}[item.anchor],
            va="baseline",
            fontweight="bold" if item.bold else "normal",
            family=_FAMILY[item.mono],
            zorder=z,
        )
    elif isinstance(item, Polyline):
        lines = LineCollection(
            item.lines, colors=item.stroke, linewidths=item.stroke_width, zorder=z
        )
        ax.add_collection(lines)


def _as_figure(picture):
    return to_figure(picture) if isinstance(picture, Picture) else picture


def rgb_image(picture, dpi=80):
    """A Picture (or a Figure) as a Pillow RGB image, ``dpi / 72`` pixels a point."""
    fig = _as_figure(picture)
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB")


def save_png(picture, path, dpi=80):
    """Write a Picture (or a Figure) as a PNG, no metadata: same picture, same bytes."""
    fig = _as_figure(picture)
    fig.savefig(path, format="png", dpi=dpi, metadata={"Software": None})
    return Path(path)
