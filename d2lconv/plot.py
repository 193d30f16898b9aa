"""Small line plots as a ``Picture`` panel (SVG), for plots an explorer redraws;
matplotlib's own figures in Chinese (``chinese_figures``, which
``set_language("zh")`` calls): SVG whose text the reader's browser draws with
its own fonts, on any machine, Colab included.
"""

import functools
import math
import warnings
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib import font_manager

from .i18n import tr
from .picture import (
    INDEX_COLOR,
    MARGIN,
    TITLE_SIZE,
    Polyline,
    Rect,
    Text,
    text_units,
    title_texts,
)

# Fonts with Chinese characters, in order of preference (Linux, macOS, Windows).
CJK_FONTS = (
    "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, SimHei, "
    "WenQuanYi Zen Hei, WenQuanYi Micro Hei, Noto Sans SC, Noto Sans CJK JP, "
    "Noto Sans CJK TC, Source Han Sans, Heiti SC, Noto Serif CJK SC, Noto Serif CJK JP"
).split(", ")
# File names of such fonts, for a font cache made before they were installed.
_CJK_FILE = "cjk sourcehan wqy wenquanyi pingfang msyh simhei notosanssc".split()


def _known_cjk_font():
    names = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


@functools.cache
def cjk_font():
    """The name of a font with Chinese characters that matplotlib has, or None.

    First among the fonts matplotlib knows; then among the system's font files
    whose names say CJK (matplotlib's font cache may predate them).
    """
    if _known_cjk_font() is None:
        for path in font_manager.findSystemFonts():
            if any(word in Path(path).name.lower() for word in _CJK_FILE):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
    return _known_cjk_font()


# matplotlib's warning for a character its fonts lack ("Glyph 21367 ... missing
# from font(s) DejaVu Sans."): the SVG leaves that character to the browser.
_MISSING_GLYPH = r"Glyph \d+ .*missing from"
# What chinese_figures() changes, kept to put back for English.
_CHANGED = ("font.family", "font.sans-serif", "svg.fonttype")
_saved = {}


def chinese_figures(on=True):
    """matplotlib's figures for Chinese text (``on``), or back as they were.

    DejaVu Sans for Latin letters and digits, then the CJK fonts: the one
    matplotlib has, if any, and the names a browser may have; text in SVG
    written as text; Jupyter's inline figures as SVG; no warning for a glyph
    matplotlib's fonts lack (that filter stays when back in English).
    """
    inline = _inline_backend()
    if on:  # again each time: warnings.catch_warnings() may have reset it
        warnings.filterwarnings("ignore", _MISSING_GLYPH, UserWarning)
    if on and not _saved:
        _saved.update({k: matplotlib.rcParams[k] for k in _CHANGED})
        _saved["formats"] = inline and set(inline.figure_formats)
        cjk = cjk_font()
        sans = [cjk] * bool(cjk) + [name for name in CJK_FONTS if name != cjk]
        matplotlib.rcParams.update(
            {
                "font.family": ["DejaVu Sans", "sans-serif"],
                "font.sans-serif": [*sans, "DejaVu Sans"],
                "svg.fonttype": "none",
            }
        )
        _show_inline(inline, {"svg"})
    elif not on and _saved:
        formats = _saved.pop("formats")
        matplotlib.rcParams.update(_saved)
        _saved.clear()
        _show_inline(inline, formats)


def _inline_backend():
    """The configuration of Jupyter's inline figures, or None outside IPython."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.config import InlineBackend
    except ImportError:
        return None
    return InlineBackend.instance() if get_ipython() is not None else None


def _show_inline(inline, formats):
    if inline is not None and formats:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats

        inline.figure_formats = formats
        select_figure_formats(get_ipython(), formats, **inline.print_figure_kwargs)


class Plot:
    """A small line plot: ``series`` of ``(xs, ys, colour, name)``, axes with ticks.

    The legend stands right of the box, off the curves; x ticks are whole
    numbers when every x is (layers, steps).
    """

    def __init__(
        self,
        series,
        *,
        width=280,
        height=180,
        title="",
        xlabel="",
        ylabel="",
        xlim=None,
        ylim=None,
        label=None,
    ):
        self.series = [
            (np.asarray(xs, float), np.asarray(ys, float), color, name)
            for xs, ys, color, name in series
        ]
        self.width, self.height = width, height
        self.title, self.xlabel, self.ylabel = title, xlabel, ylabel
        self.xlim = xlim or _limits([s[0] for s in self.series])
        self.ylim = ylim or _limits([s[1] for s in self.series])
        self.label = label or (title.split("\n")[0] if title else tr("plot"))
        self.x = self.y = MARGIN
        self.top = (len(title.split("\n")) if title else 0) * TITLE_SIZE * 1.25 + 20
        # The legend: a 14 px swatch, then the name (10 px text).
        names = max((text_units(name) for *_, name in self.series), default=0)
        self.span = (46, 36 + 6 * names)
        self.integer_x = all(
            np.all(xs[np.isfinite(xs)] % 1 == 0) for xs, *_ in self.series
        )

    def _to_pixels(self, xs, ys):
        (x0, x1), (y0, y1) = self.xlim, self.ylim
        px = self.x + (xs - x0) / (x1 - x0) * self.width
        py = self.y + self.height - (ys - y0) / (y1 - y0) * self.height
        return px, py

    def primitives(self):
        x, y, w, h = self.x, self.y, self.width, self.height
        out = [Rect(x, y, w, h, "white", "#444444", 1)]
        for value in _ticks(*self.xlim, integer=self.integer_x):
            px = self._to_pixels(value, 0.0)[0]
            out.append(Polyline([[(px, y + h), (px, y + h + 4)]], "#444444"))
            out.append(Text(px, y + h + 15, f"{value:g}", 10, INDEX_COLOR))
        for value in _ticks(*self.ylim):
            py = self._to_pixels(0.0, value)[1]
            out.append(Polyline([[(x - 4, py), (x, py)]], "#444444"))
            out.append(Text(x - 6, py + 3.5, f"{value:g}", 10, INDEX_COLOR, "end"))
        for k, (xs, ys, color, name) in enumerate(self.series):
            px, py = self._to_pixels(xs, ys)
            keep = np.isfinite(px) & np.isfinite(py)
            pieces = np.split(np.arange(len(px)), np.flatnonzero(~keep))
            lines = [[(px[i], py[i]) for i in piece if keep[i]] for piece in pieces]
            lines = [line for line in lines if line]
            out.append(Polyline(lines, color, 2, data={"series": name}))
            out.append(Rect(x + w + 8, y + 8 + 15 * k, 14, 3, color))
            out.append(Text(x + w + 26, y + 13 + 15 * k, name, 10, anchor="start"))
        if self.xlabel:
            out.append(Text(x + w / 2, y + h + 30, self.xlabel, 11))
        if self.ylabel:
            out.append(Text(x, y - 6, self.ylabel, 11, anchor="start"))
        return out + title_texts(self.title, x + w / 2, y - 22)


def _limits(arrays):
    values = np.concatenate([a[np.isfinite(a)] for a in arrays] or [np.zeros(0)])
    if not values.size:
        return (0.0, 1.0)
    lo, hi = float(values.min()), float(values.max())
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


def _ticks(lo, hi, count=5, integer=False):
    """Round tick values between ``lo`` and ``hi`` (whole numbers if ``integer``)."""
    step = 10 ** math.floor(math.log10((hi - lo) / count))
    for factor in (1, 2, 5, 10):
        if (hi - lo) / (step * factor) <= count:
            break
    step = max(step * factor, 1) if integer else step * factor
    first = math.ceil(lo / step - 1e-9) * step
    return [
        round(first + k * step, 10) for k in range(int((hi - first) / step + 1e-9) + 1)
    ]
