"""Pictures as data, drawn as SVG text: the one model behind every grid picture.

A ``Picture`` is a list of panels placed in pixels. ``picture.svg`` is its SVG
text: numbers are ``<text>``, each panel is a ``<g role="group"
aria-label="output 2x2">`` with a ``<title>``, attributes only (no
``<style>``). Jupyter shows a Picture inline; ``picture.save("x.svg")`` writes
a file. The explorers draw the same pictures in the page (``d2lconv/explorers``).

A panel has ``label``, ``x, y`` (the top left of its body in pixels), ``top``
(room for its title above that), ``span`` (extra room left and right),
``width``, ``height`` and ``primitives()``: ``grid.Grid`` (coloured cells with
their numbers), ``Lines`` (lines of text) and ``plot.Plot`` (a small line
plot). ``row(panels)`` places panels side by side, their bodies aligned under
the tallest title, and returns the y below them; the picture's size is the
extent of what is drawn.

    X, K = torch.arange(9.0).reshape(3, 3), torch.tensor([[0.0, 1], [2, 3]])
    panels = [Grid(X, title="input"), Grid(K, title="kernel", cmap="PuOr_r")]
    caption = Lines(["one line of text"])
    caption.y = row(panels) + 10
    Picture([*panels, caption], title="a kernel and its input").svg

Panels turn themselves into three primitives (``Rect``, ``Text``,
``Polyline``); the SVG writer here and the ES modules only draw primitives,
so a new panel or colour is one edit in one place. A primitive's ``data``
becomes ``data-*`` attributes saying what a mark means (``data-cell="r,c"``
on a cell's number, ``data-outline``, ``data-padding``, ``data-dimmed``,
``data-dropped``); tests and browsers read them.
"""

import functools
import math
import pathlib
from dataclasses import dataclass
from html import escape
from unicodedata import east_asian_width

import numpy as np
from matplotlib import colormaps

from . import i18n
from .i18n import tr

CELL = 30
GAP = 36
MARGIN = 12
TITLE_SIZE = 13
LINE_SIZE = 12
MASK_COLOR = "#e9e9e9"
MASK_TEXT_COLOR = "#8a8a8a"
HATCH_COLOR = "#b5b5b5"
HIGHLIGHT_COLOR = "#d62728"
DROPPED_COLOR = "#9467bd"
INDEX_COLOR = "#666666"
SANS = "DejaVu Sans, Arial, Helvetica, sans-serif"
MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"
# A picture drawn in Chinese: the same Latin fonts first, then fonts that have
# Chinese characters (Linux, macOS, Windows), so the browser finds them.
CJK_FAMILIES = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei"
SANS_CJK = f"DejaVu Sans, Arial, Helvetica, {CJK_FAMILIES}, sans-serif"
MONO_CJK = (
    f"DejaVu Sans Mono, Menlo, Consolas, Noto Sans Mono CJK SC, {CJK_FAMILIES}, "
    "monospace"
)
# The pictures' colour maps whose middle colour is neutral: zero stays there.
DIVERGING = {"RdBu", "PuOr"}


def text_units(text):
    """The width of ``text`` in Latin characters (about 0.6 em each); a wide
    character (a Chinese one, a full-width comma) is about 1 em: 5/3 of one."""
    wide = 0 if text.isascii() else sum(east_asian_width(c) in "WF" for c in text)
    return len(text) + wide * 2 / 3 if wide else len(text)


def to_matrix(values):
    """Return ``values`` (tensor, array, nested list) as a 2-D float array; a
    number is a 1x1 matrix, a vector one row."""
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    array = np.atleast_2d(np.asarray(values, dtype=float))
    if array.ndim != 2:
        raise ValueError(
            f"values must be a 2-D matrix, got shape {tuple(array.shape)}; "
            "draw one channel at a time"
        )
    if array.size == 0:
        raise ValueError(f"values must not be empty, got shape {array.shape}")
    return array


def format_number(value):
    """Write a cell value briefly: integers without a point, others with up to 2
    decimals (trailing zeros dropped)."""
    if math.isnan(value):
        return ""
    if math.isinf(value):
        return "\u2212\u221e" if value < 0 else "\u221e"
    if float(value).is_integer():
        return str(int(value)) if abs(value) < 1e6 else f"{value:.2g}"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@functools.cache
def palette(cmap):
    """The colours of a matplotlib colormap as hex strings, and which are dark.

    Looked up once per name: ``colormaps[name]`` builds a new table each time.
    """
    colormap = colormaps[cmap]
    rgba = colormap(np.arange(colormap.N))
    rgb = np.round(rgba[:, :3] * 255).astype(int)
    hexes = np.array([f"#{r:02x}{g:02x}{b:02x}" for r, g, b in rgb.tolist()])
    return hexes, rgba[:, :3] @ np.array([0.299, 0.587, 0.114]) < 0.5


def colors(values, cmap=None, vmin=None, vmax=None, ignore=None):
    """Hex fill colours of ``values`` from a matplotlib colormap (``None``:
    ``"RdBu_r"`` when a value is negative, else ``"Blues"``; diverging maps keep
    zero white), and the ink (white on dark cells) of their numbers; NaN cells
    are grey."""
    finite = np.isfinite(values) & (True if ignore is None else ~ignore)
    shown = values[finite]
    if cmap is None:
        cmap = "RdBu_r" if shown.size and shown.min() < 0 else "Blues"
    lo = vmin if vmin is not None else (shown.min() if shown.size else 0.0)
    hi = vmax if vmax is not None else (shown.max() if shown.size else 1.0)
    if cmap.split("_")[0] in DIVERGING:
        # All zeros: [-1, 1], so zero is the middle colour, not the bottom one.
        reach = max(abs(lo), abs(hi)) or 1.0
        lo, hi = -reach, reach
    if hi <= lo:
        hi = lo + 1
    hexes, dark = palette(cmap)
    # As a matplotlib colormap does: [lo, hi] onto its N colours, clipped.
    scaled = (np.nan_to_num(values, nan=lo, posinf=hi, neginf=lo) - lo) / (hi - lo)
    # Clipped before the cast: a huge value (a diverging run) is the top colour.
    index = np.minimum((np.clip(scaled, 0, 1) * len(hexes)).astype(int), len(hexes) - 1)
    nan = np.isnan(values)
    fills = np.where(nan, MASK_COLOR, hexes[index])
    inks = np.where(dark[index] & ~nan, "white", "black")
    return fills, inks


# ---- primitives -----------------------------------------------------------


@dataclass(slots=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str = "none"
    stroke: str = "none"
    stroke_width: float = 0.0
    opacity: float = 1.0
    data: dict = None

    def extent(self):
        """(left, top, right, bottom), the stroke included."""
        half = self.stroke_width / 2
        x1, y1 = self.x + self.width + half, self.y + self.height + half
        return self.x - half, self.y - half, x1, y1


@dataclass(slots=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float = LINE_SIZE
    color: str = "black"
    anchor: str = "middle"  # "start", "middle" or "end"
    bold: bool = False
    mono: bool = False
    data: dict = None

    def extent(self):
        """(left, top, right, bottom), estimated from the number of characters."""
        width = text_units(self.text) * self.size * (0.61 if self.mono else 0.6)
        left = self.x - {"start": 0, "middle": width / 2, "end": width}[self.anchor]
        return left, self.y - self.size, left + width, self.y + 0.3 * self.size


@dataclass(slots=True)
class Polyline:
    """Line segments (``[(x0, y0), (x1, y1), ...]`` each), or polylines."""

    lines: list
    stroke: str = "black"
    stroke_width: float = 1.0
    data: dict = None

    def extent(self):
        """(left, top, right, bottom) of the points, or None without any."""
        points = [p for line in self.lines for p in line]
        if not points:
            return None
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        return min(xs), min(ys), max(xs), max(ys)


# ---- panels ---------------------------------------------------------------


def title_texts(title, x, bottom, size=TITLE_SIZE):
    lines = title.split("\n") if title else []
    step = size * 1.25
    return [
        Text(x, bottom - (len(lines) - 1 - k) * step, line, size=size)
        for k, line in enumerate(lines)
    ]


class Lines:
    """Lines of text, left-aligned; ``bold`` holds the indices of bold lines."""

    def __init__(self, lines, *, mono=True, size=LINE_SIZE, bold=(), label=None):
        self.lines = [str(line) for line in lines]
        self.mono, self.size, self.bold = mono, size, set(bold)
        self.label = tr("text") if label is None else label
        self.x = self.y = MARGIN
        self.top = 0
        self.span = (0, 0)

    @property
    def width(self):
        return max((text_units(s) for s in self.lines), default=0) * self.size * 0.61

    @property
    def height(self):
        return len(self.lines) * self.size * 1.35

    def primitives(self):
        step, lift = self.size * 1.35, 0.35 * self.size
        text = functools.partial(Text, size=self.size, anchor="start", mono=self.mono)
        return [
            text(self.x, self.y + (k + 1) * step - lift, line, bold=k in self.bold)
            for k, line in enumerate(self.lines)
            if line
        ]


def row(panels, x=MARGIN, y=MARGIN, gap=GAP):
    """Place ``panels`` side by side, bodies aligned under the tallest title;
    return the y just below the tallest panel."""
    top = max((p.top for p in panels), default=0)
    for panel in panels:
        left, right = panel.span
        panel.x, panel.y = x + left, y + top
        x += left + panel.width + right + gap
    return y + top + max((p.height for p in panels), default=0)


# ---- the picture and its SVG ----------------------------------------------


class Picture:
    """Panels placed in pixels; ``svg`` is the SVG text, Jupyter shows it inline.

    A picture made in Chinese names fonts with Chinese characters too.
    """

    def __init__(self, panels, *, title=""):
        self.panels = list(panels)
        self.title = title
        self.fonts = (SANS, MONO) if i18n.language() == "en" else (SANS_CJK, MONO_CJK)

    def groups(self):
        """Each panel's label and primitives, and the bounds (x0, y0, x1, y1)."""
        groups = [(p.label, p.primitives()) for p in self.panels]
        boxes = [item.extent() for _, items in groups for item in items]
        boxes = [box for box in boxes if box is not None]
        if not boxes:
            return groups, (0, 0, 2 * MARGIN, 2 * MARGIN)
        x0, y0 = (min(b[k] for b in boxes) for k in (0, 1))
        x1, y1 = (max(b[k] for b in boxes) for k in (2, 3))
        return groups, (x0 - MARGIN, y0 - MARGIN, x1 + MARGIN, y1 + MARGIN)

    @property
    def svg(self):
        """The picture as SVG text."""
        groups, (x0, y0, x1, y1) = self.groups()
        w, h = math.ceil(x1 - x0), math.ceil(y1 - y0)
        x0, y0 = math.floor(x0), math.floor(y0)
        sans, mono = self.fonts
        title = escape(self.title or tr("picture"))
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
            f'viewBox="{x0} {y0} {w} {h}" font-family="{sans}" role="group" '
            f'aria-label="{title}">',
            f"<title>{title}</title>",
            f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="white"/>',
        ]
        text = functools.partial(_svg_text, mono=mono)  # the picture's mono font
        svg = {Rect: _svg_rect, Text: text, Polyline: _svg_path}
        for label, items in groups:
            label = escape(label)
            parts.append(f'<g role="group" aria-label="{label}"><title>{label}</title>')
            parts += [svg[type(item)](item) for item in items]
            parts.append("</g>")
        parts.append("</svg>")
        return "\n".join(parts)

    def __repr__(self):
        labels = ", ".join(p.label for p in self.panels)
        return f"<Picture {self.title!r}: {labels}>"

    def _repr_svg_(self):
        return self.svg

    def _repr_html_(self):
        # JupyterLab's CSS shrinks a wide SVG to the column, and its numbers with
        # it: the picture keeps its drawn size, and the output scrolls.
        return self.svg.replace("<svg ", '<svg style="max-width:none" ', 1)

    def save(self, path):
        """Write the SVG text to ``path``, which must end in .svg; return the path."""
        path = pathlib.Path(path)
        if path.suffix != ".svg":
            raise ValueError(f"path must end in .svg, got {str(path)!r}")
        path.write_text(self.svg, encoding="utf-8")
        return path


def _data(data):
    return "".join(f' data-{k}="{escape(str(v))}"' for k, v in (data or {}).items())


def _svg_rect(r):
    extra = ""
    if r.stroke_width:
        extra = f' stroke="{r.stroke}" stroke-width="{r.stroke_width:.5g}"'
    if r.opacity != 1:
        extra += f' fill-opacity="{r.opacity}"'
    return (
        f'<rect x="{r.x:.5g}" y="{r.y:.5g}" width="{r.width:.5g}" '
        f'height="{r.height:.5g}" fill="{r.fill}"{extra}{_data(r.data)}/>'
    )


def _svg_text(t, mono):
    extra = "" if t.anchor == "start" else f' text-anchor="{t.anchor}"'
    if t.bold:
        extra += ' font-weight="bold"'
    if t.mono:
        extra += f' font-family="{mono}" xml:space="preserve"'
    if t.color != "black":
        extra += f' fill="{t.color}"'
    return (
        f'<text x="{t.x:.5g}" y="{t.y:.5g}" font-size="{t.size:.5g}"{extra}'
        f"{_data(t.data)}>{escape(t.text, quote=False)}</text>"
    )


def _svg_path(p):
    d = " ".join(
        "M" + " L".join(f"{x:.5g} {y:.5g}" for x, y in line) for line in p.lines
    )
    return (
        f'<path d="{d}" fill="none" stroke="{p.stroke}" '
        f'stroke-width="{p.stroke_width:.5g}"{_data(p.data)}/>'
    )
