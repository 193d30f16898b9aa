"""The kernel sweeping over the input, one output cell at a time."""

import struct
import zlib

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import (
    FigureCanvasAgg,
    RendererAgg,
    get_hinting_flag,
)
from matplotlib.colors import Normalize, to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.image import AxesImage
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from ._grid_mpl import (
    DIVERGING,
    HIGHLIGHT_COLOR,
    MASK_COLOR,
    MASK_TEXT_COLOR,
    FastLabels,
    format_number,
)
from ._validate import positive_pair
from .explorer import Explorer, int_slider
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


def _rgb(color):
    """A matplotlib colour as three bytes."""
    return np.round(np.array(to_rgba(color)[:3]) * 255).astype(np.uint8)


_WHITE = _rgb("white")
_BLACK = _rgb("black")
_MASK_RGB = _rgb(MASK_COLOR)
_MASK_TEXT_RGB = _rgb(MASK_TEXT_COLOR)
_HATCH_RGB = _rgb("#b5b5b5")
_DROP_RGB = _rgb(_DROP_COLOR)
_HIGHLIGHT_RGBA = np.append(_rgb(HIGHLIGHT_COLOR), 255).astype(np.uint8)
_DROP_ALPHA = 0.18
_VEIL_ALPHA = 0.65


def _borders(n, pixels):
    """Pixel offsets of the n + 1 borders of n equal cells across ``pixels``."""
    return np.round(np.arange(n + 1) * (pixels / n)).astype(int)


def _pixel_box(ax):
    """The Axes in whole display pixels: (left, bottom, width, height)."""
    x0, y0, x1, y1 = ax.bbox.extents
    left, bottom = round(x0), round(y0)
    return left, bottom, round(x1) - left, round(y1) - bottom


def _blend(pixels, color, alpha):
    """Paint ``color`` over ``pixels`` (uint8 RGB view) with coverage ``alpha``."""
    pixels[...] = pixels + (color.astype(np.float32) - pixels) * alpha + 0.5


def _hatch(rows, cols, dpi):
    """Coverage (0..1) of a "///" hatch like matplotlib's at these pixels.

    Lines rise at 45 degrees, 18 per inch, one point wide, anchored to the
    panel's corner so that neighbouring cells continue one pattern.
    """
    spacing = dpi / 18
    # Rows count downwards: along a rising line, column + row is constant.
    u = np.mod(cols + rows + 1.0, spacing)
    distance = np.minimum(u, spacing - u) / np.sqrt(2)
    return np.clip(dpi / 72 / 2 + 0.5 - distance, 0, 1).astype(np.float32)


class _PanelImage(AxesImage):
    """The Axes image of a panel: holds the values, draws the whole panel.

    ``get_array()`` gives the numbers as usual; drawing paints the cells, the
    white borders, the padding hatch, the dropped rows and the numbers as one
    image computed with numpy, which is many times faster than matplotlib's
    resampling, collections and one Text per cell.
    """

    def __init__(self, panel, ax, **kwargs):
        super().__init__(ax, **kwargs)
        self.panel = panel

    def draw(self, renderer):
        if not self.get_visible():
            return
        self.panel.paint(renderer)
        self.stale = False


class _Panel:
    """One matrix of the sweep on its own Axes, updated in place.

    The cell numbers are hidden ``Text`` artists of the Axes (``ax.texts``, row
    by row) so the Figure says what it shows; ``_PanelImage`` paints them.
    Changing the shape reuses the Text artists already made.
    """

    def __init__(self, fig, label, cmap, *, indices=False):
        self.ax = ax = fig.add_axes((0, 0, 1, 1), label=label)
        ax.set_axis_off()
        self.cmap = colormaps[cmap]
        self.diverging = cmap.split("_")[0] in DIVERGING
        self.image = _PanelImage(
            self,
            ax,
            cmap=self.cmap.with_extremes(bad=MASK_COLOR),
            norm=Normalize(0, 1),
            interpolation="nearest",
        )
        ax.add_image(self.image)
        self.indices = indices
        # An explicit y keeps matplotlib from moving the title at each draw.
        self.title = ax.set_title("", fontsize=10, pad=14 if indices else 6, y=1.0)
        self.labels = FastLabels([self.title])
        ax.add_artist(self.labels)
        self.texts = []
        self._spare = []
        self._index_texts = []
        self.shape = None
        self.veil_step = None
        self._raster = self._hatch_cache = self._layout = None

    def set_shape(self, shape, mask=None, dropped=(0, 0), index_origin=(0, 0)):
        """Make the panel a ``shape`` grid; ``mask`` cells are padding."""
        rows, cols = shape
        mask = np.zeros(shape, bool) if mask is None else mask
        layout = (shape, mask.tobytes(), dropped, index_origin)
        if layout == self._layout:
            return
        self._layout = layout
        self.shape = shape
        self.mask = mask
        self.dropped = dropped
        self._state = self.ink = None
        ax = self.ax
        while len(self.texts) > rows * cols:
            text = self.texts.pop()
            text.remove()
            self._spare.append(text)
        while len(self.texts) < rows * cols:
            if self._spare:
                text = self._spare.pop()
            else:
                text = Text(0, 0, "", ha="center", va="center", visible=False)
            ax._add_text(text)
            self.texts.append(text)
        for k, text in enumerate(self.texts):
            text.set_position((k % cols, k // cols))
        self.image.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))
        ax.set_xlim(-0.5, cols - 0.5)
        ax.set_ylim(rows - 0.5, -0.5)
        self.strings = [""] * (rows * cols)
        self.fontsize = None
        self._raster = None
        if self.indices:
            self._set_indices(index_origin)

    def _set_indices(self, origin):
        """Row and column numbers beside the grid (painted, not in ``ax.texts``)."""
        rows, cols = self.shape
        small = max(5.0, max(5.0, 11.0 - 0.25 * max(rows, cols)) - 2)
        wanted = [
            (c, -0.6, str(origin[1] + c), "center", "bottom") for c in range(cols)
        ]
        wanted += [
            (-0.6, r, str(origin[0] + r), "right", "center") for r in range(rows)
        ]
        while len(self._index_texts) < len(wanted):
            text = Text(0, 0, "", fontsize=small, color="#666666", visible=False)
            text.set_figure(self.ax.figure)
            text.set_transform(self.ax.transData)
            self._index_texts.append(text)
        used = self._index_texts[: len(wanted)]
        for text, (x, y, label, ha, va) in zip(used, wanted, strict=True):
            text.set_position((x, y))
            text.set_text(label)
            text.set_horizontalalignment(ha)
            text.set_verticalalignment(va)
            text.set_fontsize(small)
        self.labels.texts = [self.title, *used]

    def set_values(self, values, fontsize):
        """Show ``values`` (the panel's shape), coloured and written in cells."""
        data = values
        state = (data.tobytes(), fontsize)
        if state == self._state:
            return
        self._state = state
        mask = self.mask
        finite = data[~mask & np.isfinite(data)]
        lo, hi = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
        if self.diverging:
            # Diverging colours: keep zero white.
            lo, hi = -max(abs(lo), abs(hi)), max(abs(lo), abs(hi))
        if hi <= lo:
            hi = lo + 1
        norm = self.image.norm
        norm.vmin, norm.vmax = float(lo), float(hi)
        self.image.set_data(np.ma.masked_array(data, mask=mask))
        rgba = self.cmap(norm(np.where(np.isfinite(data), data, lo)))
        luminance = rgba[..., :3] @ np.array([0.299, 0.587, 0.114])
        colors = np.round(rgba[..., :3] * 255).astype(np.uint8)
        colors[mask] = _MASK_RGB
        ink = np.where((luminance < 0.5)[..., None], _WHITE, _BLACK).astype(np.uint8)
        ink[mask] = _MASK_TEXT_RGB
        old_ink = self.ink.reshape(-1, 3) if self.ink is not None else None
        self.colors, self.ink = colors, ink
        strings = [format_number(v) for v in data.ravel()]
        for text, old, new in zip(self.texts, self.strings, strings, strict=True):
            if old != new:
                text.set_text(new)
        self.strings = strings
        if fontsize != self.fontsize:
            for text in self.texts:
                text.set_fontsize(fontsize)
            self.fontsize = fontsize
            self.font = FontProperties(size=fontsize)
        for k, rgb in enumerate(ink.reshape(-1, 3)):
            if old_ink is None or (old_ink[k] != rgb).any():
                self.texts[k].set_color(rgb / 255)
        self._raster = None

    def set_title(self, title):
        self.title.set_text(title)

    def _cells(self, width, height):
        rows, cols = self.shape
        ys, xs = _borders(rows, height), _borders(cols, width)
        row_of = np.repeat(np.arange(rows), np.diff(ys))
        col_of = np.repeat(np.arange(cols), np.diff(xs))
        return ys, xs, row_of, col_of

    def _ink_cover(self, width, height, dpi):
        """Where the numbers are: pixel rows, columns and coverage (0..1)."""
        rows, cols = self.shape
        ys, xs, _, _ = self._cells(width, height)
        cover = np.zeros((height, width), np.uint8)
        for k, string in enumerate(self.strings):
            if not string:
                continue
            alpha = FastLabels._bitmap(string, self.font, dpi)[0]
            h, w = alpha.shape
            r, c = divmod(k, cols)
            top = round((ys[r] + ys[r + 1] - h) / 2)
            start = round((xs[c] + xs[c + 1] - w) / 2)
            t0, s0 = max(top, 0), max(start, 0)
            t1, s1 = min(top + h, height), min(start + w, width)
            if t1 > t0 and s1 > s0:
                part = cover[t0:t1, s0:s1]
                glyph = alpha[t0 - top : t1 - top, s0 - start : s1 - start]
                np.maximum(part, glyph, out=part)
        at = np.nonzero(cover)
        return at, cover[at][:, None] * np.float32(1 / 255)

    def _hatched(self, width, height, dpi):
        """The padding cells with their hatch: pixel positions and colours."""
        key = (width, height, dpi, self.mask.tobytes())
        if self._hatch_cache is None or self._hatch_cache[0] != key:
            _, _, row_of, col_of = self._cells(width, height)
            at = np.nonzero(self.mask[row_of[:, None], col_of[None, :]])
            alpha = _hatch(at[0], at[1], dpi)[:, None]
            shade = _MASK_RGB + (_HATCH_RGB.astype(np.float32) - _MASK_RGB) * alpha
            self._hatch_cache = (key, at, (shade + 0.5).astype(np.uint8))
        return self._hatch_cache[1:]

    def _paint_raster(self, colors, size, dpi, ink_cover):
        """The panel as an RGBA image (top row first), numbers included."""
        width, height = size
        rows, cols = self.shape
        ys, xs, row_of, col_of = self._cells(width, height)
        opaque = np.empty((rows, cols, 4), np.uint8)
        opaque[..., :3] = colors
        opaque[..., 3] = 255
        rgba = np.repeat(np.repeat(opaque, np.diff(ys), axis=0), np.diff(xs), axis=1)
        image = rgba[..., :3]
        if self.mask.any():
            at, shade = self._hatched(width, height, dpi)
            image[at] = shade
        line = max(1, round(dpi / 72))
        for x in xs[1:-1]:
            image[:, x - line // 2 : x - line // 2 + line] = 255
        for y in ys[1:-1]:
            image[y - line // 2 : y - line // 2 + line] = 255
        drop_rows, drop_cols = self.dropped
        if drop_rows:
            _blend(image[ys[rows - drop_rows] :], _DROP_RGB, _DROP_ALPHA)
        if drop_cols:
            _blend(image[:, xs[cols - drop_cols] :], _DROP_RGB, _DROP_ALPHA)
        at, alpha = ink_cover
        ink = self.ink[row_of[at[0]], col_of[at[1]]]
        under = image[at]
        image[at] = under + (ink - under.astype(np.float32)) * alpha + 0.5
        return rgba

    def paint(self, renderer):
        """Draw the panel; for the output, veil the cells after ``veil_step``."""
        box = _pixel_box(self.ax)
        left, bottom, width, height = box
        if width < 1 or height < 1:
            return
        dpi = renderer.dpi
        key = (width, height, dpi)
        if self._raster is None or self._raster[0] != key:
            ink = self._ink_cover(width, height, dpi)
            plain = self._paint_raster(self.colors, key[:2], dpi, ink)
            veiled = None
            if self.veil_step is not None:
                light = self.colors + (255 - self.colors) * _VEIL_ALPHA
                veiled = self._paint_raster(light.astype(np.uint8), key[:2], dpi, ink)
            # The picture as drawn: for the output, the veiled cells copied in.
            everything = self.shape[0] * self.shape[1] - 1
            self._raster = [key, plain, veiled, plain.copy(), everything]
        _, plain, veiled, image, shown = self._raster
        step = self.veil_step
        if step is not None and step != shown:
            # Only the cells between the old and the new step change.
            ys, xs, _, _ = self._cells(width, height)
            cols = self.shape[1]
            low, high = sorted((shown, step))
            for k in range(low + 1, high + 1):
                r, c = divmod(k, cols)
                cell = np.s_[ys[r] : ys[r + 1], xs[c] : xs[c + 1]]
                image[cell] = veiled[cell] if k > step else plain[cell]
            self._raster[4] = step
        _put_image(renderer, left, bottom, image)


def _put_image(renderer, left, bottom, rgba):
    """Draw an RGBA image (top row first) with its lower left corner there.

    On Agg the pixels are copied straight into the canvas (the same result as
    ``draw_image`` for opaque and fully transparent pixels, many times faster).
    """
    if isinstance(renderer, RendererAgg):
        canvas = np.asarray(renderer.buffer_rgba())
        height, width = rgba.shape[:2]
        top = canvas.shape[0] - bottom - height
        r0, c0 = max(top, 0), max(left, 0)
        r1 = min(top + height, canvas.shape[0])
        c1 = min(left + width, canvas.shape[1])
        if r1 <= r0 or c1 <= c0:
            return
        part = rgba[r0 - top : r1 - top, c0 - left : c1 - left]
        target = canvas[r0:r1, c0:c1]
        if part[..., 3].all():
            target[...] = part
        else:
            solid = part[..., 3] == 255
            target[solid] = part[solid]
        return
    gc = renderer.new_gc()
    renderer.draw_image(gc, left, bottom, rgba[::-1])
    gc.restore()


class _Outline(Artist):
    """Red outlines around some cells of a panel (the window, the current cell)."""

    def __init__(self, panel):
        super().__init__()
        self.panel = panel
        self.cells = []
        self.set_zorder(3.5)

    def draw(self, renderer):
        if not self.get_visible() or not self.cells:
            return
        left, bottom, width, height = _pixel_box(self.panel.ax)
        ys, xs, _, _ = self.panel._cells(width, height)
        thick = max(2, round(2.2 * renderer.dpi / 72))
        half = thick // 2
        rows = [r for r, _ in self.cells]
        cols = [c for _, c in self.cells]
        top, low = ys[min(rows)] - half, ys[max(rows) + 1] - half + thick
        start, end = xs[min(cols)] - half, xs[max(cols) + 1] - half + thick
        image = np.zeros((low - top, end - start, 4), np.uint8)
        for r, c in self.cells:
            y0, y1 = ys[r] - half - top, ys[r + 1] - half - top
            x0, x1 = xs[c] - half - start, xs[c + 1] - half - start
            image[y0 : y0 + thick, x0 : x1 + thick] = _HIGHLIGHT_RGBA
            image[y1 : y1 + thick, x0 : x1 + thick] = _HIGHLIGHT_RGBA
            image[y0 : y1 + thick, x0 : x0 + thick] = _HIGHLIGHT_RGBA
            image[y0 : y1 + thick, x1 : x1 + thick] = _HIGHLIGHT_RGBA
        _put_image(renderer, left + start, bottom + height - low, image)
        self.stale = False


class _TextLines(FastLabels):
    """Draw lines of monospaced text from cached bitmaps of their characters.

    FreeType takes about a millisecond for each string it lays out (it sets
    the size and hints again); the formula lines change at every step, but a
    monospaced font without kerning puts each glyph at a whole multiple of the
    advance, so each character is rendered once (after fixed glyphs that set
    the common baseline and height) and the lines are put together from them.
    The ``Text`` artists stay in the Figure, hidden, holding the strings.
    """

    _cache = {}
    _lines = {}
    # Glyphs before each character: the tallest, the lowest, then a space.
    _LEAD = "|_g "

    @classmethod
    def _glyphs(cls, prop, dpi):
        """Character -> (bitmap, rows above the baseline); and the advance."""
        key = (hash(prop), dpi)
        found = cls._cache.get(key)
        if found is None:
            font = get_font(findfont(prop))
            font.set_size(prop.get_size_in_points(), dpi)
            font.set_text("M", 0.0, flags=get_hinting_flag())
            found = cls._cache[key] = ({}, font.get_width_height()[0] / 64)
        return found

    @classmethod
    def _glyph(cls, char, prop, dpi, glyphs, advance):
        font = get_font(findfont(prop))
        font.set_size(prop.get_size_in_points(), dpi)
        font.set_text(cls._LEAD + char, 0.0, flags=get_hinting_flag())
        font.draw_glyphs_to_bitmap(antialiased=True)
        image = np.array(font.get_image())
        # Column 0 of the bitmap is where the ink of the first glyph starts.
        start = round(len(cls._LEAD) * advance - font.get_bitmap_offset()[0] / 64)
        # One column of the space before, one after the advance, for glyphs
        # whose ink hangs over their cell.
        crop = image[:, max(start - 1, 0) : start + round(advance) + 1]
        ascent = image.shape[0] - round(font.get_descent() / 64)
        glyphs[char] = (crop, ascent)
        return glyphs[char]

    @classmethod
    def _compose(cls, string, prop, dpi):
        """The coverage (0..255) of one line, its top row at the ink's top."""
        glyphs, advance = cls._glyphs(prop, dpi)
        placed = []
        for column, char in enumerate(string):
            if char == " ":
                continue
            glyph = glyphs.get(char)
            if glyph is None:
                glyph = cls._glyph(char, prop, dpi, glyphs, advance)
            placed.append((round(column * advance), *glyph))
        top = max(ascent for _, _, ascent in placed)
        low = max(bitmap.shape[0] - ascent for _, bitmap, ascent in placed)
        width = max(x + bitmap.shape[1] for x, bitmap, _ in placed)
        alpha = np.zeros((top + low, width), np.uint8)
        for x, bitmap, ascent in placed:
            h, w = bitmap.shape
            part = alpha[top - ascent : top - ascent + h, x : x + w]
            np.maximum(part, bitmap, out=part)
        return alpha

    def _placed(self, dpi):
        """Each line to draw: its Text, coverage and top left pixel."""
        for text in self.texts:
            string = text.get_text()
            if not string.strip():
                continue
            prop = text.get_fontproperties()
            key = (string, hash(prop), dpi)
            alpha = self._lines.get(key)
            if alpha is None:
                alpha = self._compose(string, prop, dpi)
                if len(self._lines) > 256:
                    self._lines.clear()
                self._lines[key] = alpha
            # ha="left", va="top", as the formula lines are placed.
            x, y = text.get_transform().transform(text.get_unitless_position())
            yield text, alpha, round(x) - 1, round(y)

    def get_window_extent(self, renderer=None):
        dpi = self.figure.dpi if renderer is None else renderer.dpi
        boxes = [
            Bbox([[x, y - alpha.shape[0]], [x + alpha.shape[1], y]])
            for _, alpha, x, y in self._placed(dpi)
        ]
        return Bbox.union(boxes) if boxes else Bbox.null()

    def draw(self, renderer):
        if not self.get_visible():
            return
        for text, alpha, x, y in self._placed(renderer.dpi):
            rgba = np.empty((*alpha.shape, 4), np.uint8)
            rgba[..., :3] = _rgb(text.get_color())
            rgba[..., 3] = alpha
            gc = renderer.new_gc()
            renderer.draw_image(gc, x, y - alpha.shape[0], rgba[::-1])
            gc.restore()
        self.stale = False


class _PngWriter:
    """PNG encoding that re-compresses only the bands of rows that changed.

    Each band of rows is deflated on its own (zlib level 1, no row filter)
    and ends on a full flush, so the bands of the previous picture that did
    not change are reused as they are; the checksums are combined.
    """

    BAND = 16

    def __init__(self):
        self._pixels = None
        self._bands = []

    def encode(self, rgba):
        height, width, _ = rgba.shape
        band = self.BAND
        starts = range(0, height, band)
        pixels = rgba.view(np.uint32).reshape(height, width)
        if self._pixels is None or self._pixels.shape != pixels.shape:
            changed = np.ones(len(starts), bool)
            self._pixels = pixels.copy()
            self._bands = [None] * len(starts)
        else:
            rows = (pixels != self._pixels).any(axis=1)
            changed = np.logical_or.reduceat(rows, starts)
        for b in np.flatnonzero(changed).tolist():
            start = b * band
            stop = min(start + band, height)
            self._pixels[start:stop] = pixels[start:stop]
            # Each row: filter type 0 (none), then red, green, blue per pixel.
            raw = np.empty((stop - start, 3 * width + 1), np.uint8)
            raw[:, 0] = 0
            pixels_rgb = raw[:, 1:].reshape(stop - start, width, 3)
            for channel in range(3):  # one channel at a time copies faster
                pixels_rgb[..., channel] = rgba[start:stop, :, channel]
            deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
            data = deflate.compress(raw) + deflate.flush(zlib.Z_FULL_FLUSH)
            self._bands[b] = (data, zlib.adler32(raw), raw.nbytes)
        adler = 1
        for _, band_adler, size in self._bands:
            adler = _adler32_combine(adler, band_adler, size)
        stream = b"".join(
            [b"\x78\x01", *(d for d, _, _ in self._bands), b"\x03\x00"]
        ) + adler.to_bytes(4, "big")
        header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        return b"".join(
            [b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header), _chunk(b"IDAT", stream)]
            + [_chunk(b"IEND", b"")]
        )


def _adler32_combine(first, second, second_length):
    """The Adler-32 of two byte strings joined, from the checksum of each."""
    base = 65521
    a1, b1 = first & 0xFFFF, first >> 16
    a2, b2 = second & 0xFFFF, second >> 16
    a = (a1 + a2 - 1) % base
    b = (b1 + b2 + second_length * (a1 - 1)) % base
    return (b << 16) | a


def _chunk(kind, data):
    crc = zlib.crc32(data, zlib.crc32(kind))
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


class SweepPicture:
    """A sweep figure that can be updated in place: values, step, even geometry.

    ``update`` changes only what changed. ``png`` draws it: the whole figure
    after a change of values or geometry, and after a change of the step only
    the artists that move (window, products, output veil and current cell,
    the first text line) over a saved copy of the rest.
    """

    def __init__(
        self, input_size, kernel_size, padding=0, stride=1, dilation=1, dpi=100
    ):
        self.figure = fig = Figure(dpi=dpi)
        FigureCanvasAgg(fig)
        self.input_grid = _Panel(fig, "input", "Blues", indices=True)
        self.kernel_grid = _Panel(fig, "kernel", "PuOr_r")
        self.products_grid = _Panel(fig, "products", "RdBu_r")
        self.output_grid = _Panel(fig, "output", "RdBu_r")
        self.ax_input, self.ax_kernel, self.ax_products, self.ax_output = (
            g.ax
            for g in (
                self.input_grid,
                self.kernel_grid,
                self.products_grid,
                self.output_grid,
            )
        )
        self.window = self.ax_input.add_artist(_Outline(self.input_grid))
        self.current = self.ax_output.add_artist(_Outline(self.output_grid))
        self.lines = [
            fig.text(
                0.02,
                0,
                "",
                ha="left",
                va="top",
                family="monospace",
                fontsize=_FORMULA_FONT,
            )
            for _ in range(_TEXT_LINES)
        ]
        self.lines[0].set_fontweight("bold")
        self.step_line = fig.add_artist(_TextLines(self.lines[:1]))
        fig.add_artist(_TextLines(self.lines[1:]))
        # What a change of the step alone redraws.
        self._moving = [
            self.window,
            self.products_grid.image,
            self.products_grid.labels,
            self.output_grid.image,
            self.current,
            self.step_line,
        ]
        self._writer = _PngWriter()
        self._background = None
        self._png = None
        self.geometry = None
        self.set_geometry(input_size, kernel_size, padding, stride, dilation)

    def set_geometry(self, input_size, kernel_size, padding=0, stride=1, dilation=1):
        """Lay the figure out for new sizes (raises the explanation if empty)."""
        geometry = (input_size, kernel_size, padding, stride, dilation)
        input_size = positive_pair(input_size, "input_size")
        kernel_size = positive_pair(kernel_size, "kernel_size")
        stride = positive_pair(stride, "stride")
        dilation = positive_pair(dilation, "dilation")
        # Raises the explanation (formula with numbers) when the output is empty.
        output_size = conv2d_output_shape(
            input_size, kernel_size, stride, padding, dilation
        )
        sides = _padding_sides(padding, kernel_size, stride, dilation)
        self.geometry = geometry
        self.input_size, self.kernel_size = input_size, kernel_size
        self.stride, self.dilation = stride, dilation
        self.output_size, self.sides = output_size, sides
        (top, bottom), (left, right) = sides
        n_h, n_w = input_size
        self.padded_size = (n_h + top + bottom, n_w + left + right)
        shapes = [self.padded_size, kernel_size, kernel_size, output_size]
        gap, margin, top_inches = 0.6, 0.35, 0.8
        columns = sum(c for _, c in shapes)
        self.cell = cell = min(0.42, (_MAX_WIDTH - 0.7 - gap * 3) / columns)
        text_height = _TEXT_LINES * _FORMULA_FONT * 1.25 / 72 + 0.2
        panels = cell * columns + gap * (len(shapes) - 1)
        width = max(2 * margin + panels, 8.4)
        height = top_inches + cell * max(r for r, _ in shapes) + text_height + 0.3
        self.figure.set_size_inches(width, height)
        x = (width - panels) / 2
        for ax, (rows, cols) in zip(self.figure.axes, shapes, strict=True):
            w, h = cols * cell, rows * cell
            y = height - top_inches - h
            ax.set_position((x / width, y / height, w / width, h / height))
            x += w + gap
        y = (text_height + 0.1) / height
        step = _FORMULA_FONT * 1.25 / 72 / height
        for i, line in enumerate(self.lines):
            line.set_position((0.02, y - i * step))
        mask = np.ones(self.padded_size, dtype=bool)
        mask[top : top + n_h, left : left + n_w] = False
        self.dropped = tuple(
            _dropped(
                input_size[a],
                kernel_size[a],
                stride[a],
                sides[a],
                dilation[a],
                output_size[a],
            )
            for a in (0, 1)
        )
        self.input_grid.set_shape(
            self.padded_size, mask, self.dropped, index_origin=(-top, -left)
        )
        self.kernel_grid.set_shape(kernel_size)
        self.products_grid.set_shape(kernel_size)
        self.output_grid.set_shape(output_size)
        self.output_grid.veil_step = 0
        self._write_formulas()
        self._shown = self._step = None
        self._dirty = "all"

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
        shown = (padded.tobytes(), kernel.tobytes(), output.tobytes(), flip)
        if shown != self._shown:
            for grid, values in (
                (self.input_grid, padded),
                (self.kernel_grid, kernel),
                (self.output_grid, output),
            ):
                grid.set_values(values, _label_size(self.cell, values))
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
            self.output_grid.set_title(f"output {oh}x{ow}")
            self.lines[1].set_text(
                f"stride {self.stride}, dilation {self.dilation}, padding "
                f"(top, bottom, left, right) = ({top}, {bottom}, {left}, {right})"
            )
            self._shown = shown
            self._padded, self._kernel, self._output = padded, kernel, output
            self._flip = flip
            self._step = None
            self._dirty = "all"
        if step == self._step:
            return self.figure
        padded, kernel, output = self._padded, self._kernel, self._output
        rows, cols = self.window_cells(step)
        window = padded[np.ix_(rows, cols)]
        products = window * kernel
        i, j = divmod(step, ow)
        self.products_grid.set_values(products, _label_size(self.cell, products))
        self.window.cells = [(r, c) for r in rows for c in cols]
        self.current.cells = [(i, j)]
        self.output_grid.veil_step = step
        self.products_grid.set_title(
            f"window * kernel\nsum = {format_number(products.sum())}"
        )
        what = "convolution (kernel flipped)" if self._flip else "cross-correlation"
        self.lines[0].set_text(
            f"{what}, step {step + 1} of {oh * ow}: "
            + _terms_text(window, kernel, output[i, j], i, j)
        )
        for artist in self._moving:
            artist.stale = True
        self._step = step
        self._dirty = self._dirty or "step"
        return self.figure

    def png(self):
        """PNG bytes of the figure as it stands, drawing only what changed."""
        if self._dirty is None and self._png is not None:
            return self._png
        canvas = self.figure.canvas
        renderer = canvas.get_renderer()
        if (
            self._dirty == "all"
            or self._background is None
            or self._background[0] is not renderer
        ):
            for artist in self._moving:
                artist.set_visible(False)
            try:
                canvas.draw()
            finally:
                for artist in self._moving:
                    artist.set_visible(True)
            renderer = canvas.get_renderer()
            self._background = (renderer, canvas.copy_from_bbox(self.figure.bbox))
        else:
            canvas.restore_region(self._background[1])
        for artist in self._moving:
            artist.draw(renderer)
        self._png = self._writer.encode(np.asarray(renderer.buffer_rgba()))
        self._dirty = None
        return self._png


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

    RGB rows without filter, deflated at level 1: several times faster than
    ``savefig`` for a file about as large, the right trade for a slider.
    """
    fig.canvas.draw()
    return _PngWriter().encode(np.asarray(fig.canvas.buffer_rgba()))


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

        controls = {
            "input_h": int_slider(n_h, 1, 16, "input height"),
            "input_w": int_slider(n_w, 1, 16, "input width"),
            "kernel_h": int_slider(k_h, 1, 7, "kernel height"),
            "kernel_w": int_slider(k_w, 1, 7, "kernel width"),
            "padding_h": int_slider(p_h[0], 0, 4, "padding h (each side)"),
            "padding_w": int_slider(p_w[0], 0, 4, "padding w (each side)"),
            "stride_h": int_slider(s_h, 1, 4, "stride height"),
            "stride_w": int_slider(s_w, 1, 4, "stride width"),
            "dilation": int_slider(dilation, 1, 3, "dilation"),
            "values": widgets.Dropdown(
                options=_INPUTS, value=values, description="input"
            ),
            "kernel": widgets.Dropdown(
                options=_KERNELS, value=kernel, description="kernel"
            ),
            "seed": int_slider(seed, 0, 20, "seed"),
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
        # One live picture, laid out again when the sizes change, and the PNG
        # of frames already shown (the Play button loops over them).
        self._picture = None
        self._data = None
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
        key = self.geometry(v)
        input_size, kernel_size, padding, stride, dilation = key
        picture = self._picture
        if picture is None:
            picture = SweepPicture(*key)
            self._picture = picture
        elif picture.geometry != key:
            picture.set_geometry(*key)
        data_key = tuple(sorted((n, x) for n, x in v.items() if n != "step"))
        if self._data is None or self._data[0] != data_key:
            X = sweep_input(v["values"], input_size, v["seed"])
            K = sweep_kernel(v["kernel"], kernel_size, v["seed"])
            applied, Y = sweep_result(X, K, padding, stride, dilation, v["flip"])
            # A change of the step alone needs no new input, kernel or output.
            self._data = (data_key, X, applied, Y)
        _, X, applied, Y = self._data
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
            frame = self._picture.png()
            if len(self._frames) > 256:
                self._frames.clear()
            self._frames[self._frame_key] = frame
        return frame
