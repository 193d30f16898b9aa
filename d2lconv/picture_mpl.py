"""A ``Picture`` drawn with plain matplotlib: for PNG and GIF files, or a Figure.

One SVG pixel is one point of the Figure (72 dpi), so fonts and lines keep
their sizes; ``savefig(dpi=...)`` scales the whole picture.

Text with Chinese characters is drawn in the first font of ``CJK_FONTS`` that
matplotlib finds (``cjk_font()``). Where it finds none, a picture made in
Chinese is drawn in English (``picture.english()``): a raster image never
shows a Chinese character as an empty box.
"""

import functools
import re
from pathlib import Path

import numpy as np
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image

from .picture import Picture, Polyline, Rect, Text, wide_characters

_FAMILY = {False: "DejaVu Sans", True: "DejaVu Sans Mono"}
# Fonts with Chinese characters, in order of preference (Linux, macOS, Windows).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",
    "Microsoft YaHei",
    "SimHei",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Sans SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans",
    "Heiti SC",
    "Noto Serif CJK SC",
    "Noto Serif CJK JP",
)
# File names of such fonts, for a font cache made before they were installed.
_CJK_FILE = re.compile(
    r"cjk|sourcehan|wqy|wenquanyi|pingfang|msyh|simhei|notosanssc", re.IGNORECASE
)


def _known_cjk_font():
    names = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


@functools.cache
def cjk_font():
    """The name of a font with Chinese characters that matplotlib has, or None.

    First among the fonts matplotlib knows; then among the system's font files
    whose names say CJK (matplotlib's font cache may predate them).
    """
    found = _known_cjk_font()
    if found is None:
        for path in font_manager.findSystemFonts():
            if _CJK_FILE.search(Path(path).name):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        found = _known_cjk_font()
    return found


def _has_wide_text(groups):
    return any(
        isinstance(item, Text) and wide_characters(item.text)
        for _, items in groups
        for item in items
    )


def to_figure(picture):
    """Draw ``picture`` on a new matplotlib Figure (Rectangle, Text, lines)."""
    if not isinstance(picture, Picture):
        raise TypeError(f"picture must be a Picture, got {type(picture).__name__}")
    groups, (x0, y0, x1, y1) = picture.groups()
    font = None
    if _has_wide_text(groups):
        font = cjk_font()
        if font is None and picture.english is not None:
            return to_figure(picture.english())
    fig = Figure(figsize=((x1 - x0) / 72, (y1 - y0) / 72), dpi=72)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y1, y0)
    ax.set_axis_off()
    for label, items in groups:
        for z, item in enumerate(items):
            _draw(ax, item, z, font)
        ax.set_label(label)
    return fig


def _draw(ax, item, z, font=None):
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
            family=_family(item, font),
            zorder=z,
        )
    elif isinstance(item, Polyline):
        lines = LineCollection(
            item.lines, colors=item.stroke, linewidths=item.stroke_width, zorder=z
        )
        ax.add_collection(lines)


def _family(text, font):
    """DejaVu; for text with Chinese characters, ``font`` first (when found)."""
    if font is None or not wide_characters(text.text):
        return _FAMILY[text.mono]
    return [font, _FAMILY[text.mono]]


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
