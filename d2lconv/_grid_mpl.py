"""The old matplotlib grid (temporary: removed once every picture is a Picture)."""

import numpy as np
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import get_hinting_flag
from matplotlib.collections import LineCollection, PatchCollection
from matplotlib.colors import Normalize, to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import findfont, get_font
from matplotlib.patches import Rectangle
from matplotlib.transforms import Bbox

MASK_COLOR = "#e9e9e9"
MASK_TEXT_COLOR = "#8a8a8a"
HIGHLIGHT_COLOR = "#d62728"
# Colour maps whose middle colour is neutral: the grid keeps zero in the middle.
DIVERGING = {
    "RdBu",
    "PuOr",
    "PiYG",
    "PRGn",
    "BrBG",
    "RdGy",
    "RdYlBu",
    "coolwarm",
    "bwr",
    "seismic",
}


def to_matrix(values):
    """Return ``values`` (tensor, array, nested list) as a 2-D float array."""
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        array = array.reshape(1, 1)
    elif array.ndim == 1:
        array = array.reshape(1, -1)
    elif array.ndim != 2:
        raise ValueError(
            f"values must be a 2-D matrix, got shape {tuple(array.shape)}; "
            "draw one channel at a time"
        )
    return array


def format_number(value):
    """Write a cell value briefly: integers without a point, others with 2 decimals."""
    if not np.isfinite(value):
        return ""
    if float(value).is_integer():
        return str(int(value)) if abs(value) < 1e6 else f"{value:.2g}"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _cells(spec, shape):
    """Turn a boolean matrix or an iterable of (row, col) into a list of cells."""
    if spec is None:
        return []
    array = np.asarray(spec)
    if array.dtype == bool and array.shape == shape:
        return [tuple(int(i) for i in rc) for rc in np.argwhere(array)]
    return [(int(r), int(c)) for r, c in spec]


def _mask_array(mask, shape):
    if mask is None:
        return np.zeros(shape, dtype=bool)
    array = np.asarray(mask)
    if array.dtype == bool:
        if array.shape != shape:
            raise ValueError(
                f"mask must have the shape of values {shape}, got {array.shape}"
            )
        return array.copy()
    out = np.zeros(shape, dtype=bool)
    for r, c in _cells(mask, shape):
        out[r, c] = True
    return out


class FastLabels(Artist):
    """Draw many short Text artists from cached glyph bitmaps.

    Drawing a matplotlib ``Text`` costs about a millisecond (layout, font
    lookup); a grid has hundreds of them, which makes a redraw far too slow for
    a slider. This artist keeps the ``Text`` objects (hidden, so ``ax.texts``
    still tells what is written where) and paints each string from a bitmap
    rendered once per (string, font, size, dpi) by the same FreeType code that
    matplotlib's Agg backend uses, so the pixels look the same.
    """

    _cache = {}

    def __init__(self, texts):
        super().__init__()
        self.texts = list(texts)
        for text in self.texts:
            text.set_visible(False)
        self.set_zorder(4)
        # Titles and indices lie outside the Axes: never clipped to it, which
        # also keeps them in a tight bounding box.
        self.set_clip_on(False)

    def add(self, text):
        """Draw one more Text through this artist."""
        text.set_visible(False)
        self.texts.append(text)

    @classmethod
    def _bitmap(cls, line, prop, dpi):
        key = (line, hash(prop), dpi)
        bitmap = cls._cache.get(key)
        if bitmap is None:
            font = get_font(findfont(prop))
            font.set_size(prop.get_size_in_points(), dpi)
            font.set_text(line, 0.0, flags=get_hinting_flag())
            font.draw_glyphs_to_bitmap(antialiased=True)
            # A copy: on matplotlib 3.7 the image is a view of the font's own
            # buffer, which the next string drawn with this font overwrites.
            alpha = np.array(font.get_image())
            descent = font.get_descent() / 64.0
            bitmap = (alpha, descent)
            if len(cls._cache) > 20000:
                cls._cache.clear()
            cls._cache[key] = bitmap
        return bitmap

    def _layout(self, text, dpi):
        """Each line of ``text``: (coverage bitmap, left, bottom) in display pixels."""
        string = text.get_text()
        if not string:
            return []
        x, y = text.get_transform().transform(text.get_unitless_position())
        prop = text.get_fontproperties()
        lines = string.split("\n")
        bitmaps = [self._bitmap(line, prop, dpi) for line in lines]
        step = prop.get_size_in_points() * dpi / 72 * 1.2
        height = step * (len(lines) - 1) + bitmaps[-1][0].shape[0]
        va, ha = text.get_verticalalignment(), text.get_horizontalalignment()
        # y of the top of the block, in display pixels (y grows upwards).
        if va == "top":
            top = y
        elif va == "bottom":
            top = y + height
        elif va == "baseline":
            top = y + height - bitmaps[-1][1]
        else:
            top = y + height / 2
        placed = []
        for i, (alpha, _) in enumerate(bitmaps):
            h, w = alpha.shape
            left = x - w / 2 if ha == "center" else x - w if ha == "right" else x
            placed.append((alpha, left, top - i * step - h))
        return placed

    def get_window_extent(self, renderer=None):
        """Where the labels are drawn, so that ``bbox_inches="tight"`` (Jupyter's
        inline figures) keeps titles and indices that lie outside the Axes."""
        dpi = self.figure.dpi if renderer is None else renderer.dpi
        boxes = [
            Bbox.from_bounds(left, bottom, alpha.shape[1], alpha.shape[0])
            for text in self.texts
            for alpha, left, bottom in self._layout(text, dpi)
            if alpha.size
        ]
        return Bbox.union(boxes) if boxes else Bbox.null()

    def draw(self, renderer):
        if not self.get_visible():
            return
        gc = renderer.new_gc()
        for text in self.texts:
            placed = self._layout(text, renderer.dpi)
            if not placed:
                continue
            rgba = np.array(to_rgba(text.get_color(), text.get_alpha()))
            for alpha, left, bottom in placed:
                h, w = alpha.shape
                if not h or not w:
                    continue
                image = np.empty((h, w, 4), np.uint8)
                image[..., :3] = np.round(rgba[:3] * 255)
                image[..., 3] = alpha * rgba[3]
                renderer.draw_image(gc, round(left), round(bottom), image[::-1])
        gc.restore()
        self.stale = False


class Grid:
    """The artists of one drawn matrix, kept so that a redraw only updates them."""

    def __init__(
        self,
        ax,
        values,
        *,
        title,
        highlight,
        mask,
        fmt,
        cmap,
        vmin,
        vmax,
        indices,
        index_origin,
        fontsize,
        highlight_color,
    ):
        self.ax = ax
        self.fmt = fmt if callable(fmt) else fmt.format
        self.vmin, self.vmax = vmin, vmax
        self.highlight_color = highlight_color
        data = to_matrix(values)
        self.shape = data.shape
        rows, cols = self.shape
        if fontsize is None:
            # Shrink the numbers as the grid grows so they stay inside their cells.
            fontsize = max(5.0, 11.0 - 0.25 * max(rows, cols))
        if cmap is None:
            cmap = "RdBu_r" if np.nanmin(data) < 0 else "Blues"
        self.cmap = colormaps[cmap].with_extremes(bad=MASK_COLOR)
        self.norm = Normalize()
        self.image = ax.imshow(
            np.zeros(self.shape),
            cmap=self.cmap,
            norm=self.norm,
            interpolation="nearest",
            aspect="equal",
        )
        self.texts = [
            [
                ax.text(c, r, "", ha="center", va="center", fontsize=fontsize)
                for c in range(cols)
            ]
            for r in range(rows)
        ]
        # White lines between cells, as one collection: axis gridlines would
        # cost a tick machinery redraw each time.
        segments = [[(x - 0.5, -0.5), (x - 0.5, rows - 0.5)] for x in range(1, cols)]
        segments += [[(-0.5, y - 0.5), (cols - 0.5, y - 0.5)] for y in range(1, rows)]
        self.lines = LineCollection(segments, colors="white", linewidths=1.0, zorder=2)
        ax.add_collection(self.lines)
        ax.set_xlim(-0.5, cols - 0.5)
        ax.set_ylim(rows - 0.5, -0.5)
        # No axis at all (ticks are slow to draw); indices are plain labels.
        ax.set_axis_off()
        labels = [t for row in self.texts for t in row]
        if indices:
            r0, c0 = index_origin
            small = max(5.0, fontsize - 2)
            for c in range(cols):
                labels.append(
                    ax.text(
                        c,
                        -0.6,
                        str(c0 + c),
                        ha="center",
                        va="bottom",
                        fontsize=small,
                        color="#666666",
                    )
                )
            for r in range(rows):
                labels.append(
                    ax.text(
                        -0.6,
                        r,
                        str(r0 + r),
                        ha="right",
                        va="center",
                        fontsize=small,
                        color="#666666",
                    )
                )
        # Leave room for the column indices above the grid.
        # An explicit y keeps matplotlib from moving the title at each draw.
        self.title = ax.set_title(
            title or "", fontsize=10, pad=14 if indices else 6, y=1.0
        )
        labels.append(self.title)
        self.labels = FastLabels(labels)
        ax.add_artist(self.labels)
        self.hatch = None
        self.outline = None
        self.mask = np.zeros(self.shape, dtype=bool)
        self.set_mask(mask)
        self.set_values(data)
        self.set_highlight(highlight)

    def set_values(self, values):
        """Show new numbers (same shape) with colours rescaled to them."""
        data = to_matrix(values)
        if data.shape != self.shape:
            raise ValueError(
                f"values must keep the grid's shape {self.shape}, got {data.shape}"
            )
        self.values = data
        shown = np.ma.masked_array(data, mask=self.mask)
        finite = data[~self.mask & np.isfinite(data)]
        lo = (
            self.vmin if self.vmin is not None else (finite.min() if finite.size else 0)
        )
        hi = (
            self.vmax if self.vmax is not None else (finite.max() if finite.size else 1)
        )
        if self.cmap.name.split("_")[0] in DIVERGING:
            # Diverging colours: keep zero white.
            lo, hi = -max(abs(lo), abs(hi)), max(abs(lo), abs(hi))
        if hi <= lo:
            hi = lo + 1
        self.norm.vmin, self.norm.vmax = lo, hi
        self.image.set_data(shown)
        self.image.set_norm(self.norm)
        rgba = self.cmap(self.norm(np.where(np.isfinite(data), data, lo)))
        luminance = rgba[..., :3] @ np.array([0.299, 0.587, 0.114])
        for r in range(self.shape[0]):
            for c in range(self.shape[1]):
                text = self.texts[r][c]
                text.set_text(self.fmt(data[r, c]))
                if self.mask[r, c]:
                    text.set_color(MASK_TEXT_COLOR)
                else:
                    text.set_color("white" if luminance[r, c] < 0.5 else "black")

    def set_mask(self, mask):
        """Draw these cells (boolean matrix or (row, col) list) as padding."""
        self.mask = _mask_array(mask, self.shape)
        if self.hatch is not None:
            self.hatch.remove()
            self.hatch = None
        cells = np.argwhere(self.mask)
        if len(cells):
            self.hatch = PatchCollection(
                [Rectangle((c - 0.5, r - 0.5), 1, 1) for r, c in cells],
                facecolor="none",
                edgecolor="#b5b5b5",
                hatch="///",
                linewidth=0,
            )
            self.ax.add_collection(self.hatch)
        if hasattr(self, "values"):
            self.set_values(self.values)

    def set_highlight(self, highlight):
        """Outline these cells (boolean matrix or (row, col) list); None clears."""
        if self.outline is not None:
            self.outline.remove()
            self.outline = None
        cells = _cells(highlight, self.shape)
        if cells:
            self.outline = PatchCollection(
                [Rectangle((c - 0.5, r - 0.5), 1, 1) for r, c in cells],
                facecolor="none",
                edgecolor=self.highlight_color,
                linewidth=2.2,
                zorder=3.5,
            )
            self.ax.add_collection(self.outline)

    def set_title(self, title):
        """Change the title above the grid."""
        self.title.set_text(title or "")

    def set_fontsize(self, size):
        """Change the size of the cell numbers (points)."""
        for row in self.texts:
            for text in row:
                text.set_fontsize(size)


def draw_grid(
    ax,
    values,
    *,
    title=None,
    highlight=None,
    mask=None,
    fmt=format_number,
    cmap=None,
    vmin=None,
    vmax=None,
    indices=False,
    index_origin=(0, 0),
    fontsize=None,
    highlight_color=HIGHLIGHT_COLOR,
):
    """Draw ``values`` on ``ax`` as coloured cells with their numbers; return a Grid.

    ``highlight`` cells are outlined, ``mask`` cells (such as padding) are grey
    and hatched, ``fmt`` is a format string or a function of one number,
    ``cmap=None`` picks a diverging map when some value is negative, and
    ``indices=True`` labels rows and columns starting at ``index_origin``.
    The returned ``Grid`` has ``set_values``, ``set_highlight``, ``set_mask`` and
    ``set_title`` to update the picture without drawing it again.
    """
    return Grid(
        ax,
        values,
        title=title,
        highlight=highlight,
        mask=mask,
        fmt=fmt,
        cmap=cmap,
        vmin=vmin,
        vmax=vmax,
        indices=indices,
        index_origin=index_origin,
        fontsize=fontsize,
        highlight_color=highlight_color,
    )


def grid_figure(
    *shapes, cell_size=0.42, gap=0.55, top=0.75, bottom=0.25, min_width=0.0, dpi=100
):
    """Make a Figure with one Axes per (rows, cols) shape, all cells the same size.

    Returns ``(fig, axes)``. Axes sit side by side, top-aligned, at fixed
    positions (no layout engine), so a cell is ``cell_size`` inches in every
    panel and redrawing the Figure costs no layout pass. ``bottom`` inches are
    left free under the grids (for text); a Figure narrower than ``min_width``
    inches is widened and the panels centred.
    """
    if not shapes:
        raise ValueError("grid_figure needs at least one (rows, cols) shape")
    shapes = [(max(1, int(r)), max(1, int(c))) for r, c in shapes]
    max_rows = max(r for r, _ in shapes)
    margin = 0.35
    panels = cell_size * sum(c for _, c in shapes) + gap * (len(shapes) - 1)
    width = max(2 * margin + panels, min_width)
    height = top + cell_size * max_rows + bottom
    fig = Figure(figsize=(width, height), dpi=dpi)
    axes = []
    x = (width - panels) / 2
    for rows, cols in shapes:
        w, h = cols * cell_size, rows * cell_size
        y = height - top - h
        axes.append(fig.add_axes((x / width, y / height, w / width, h / height)))
        x += w + gap
    return fig, axes
