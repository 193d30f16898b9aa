"""A matrix as coloured cells with their numbers: the panel of every grid picture.

``Grid`` is a ``Picture`` panel (see ``picture.py``); ``draw_grid`` is a
picture of one matrix, for a notebook cell.
"""

import math

import numpy as np

from .i18n import given, tr
from .picture import (
    CELL,
    DROPPED_COLOR,
    HATCH_COLOR,
    HIGHLIGHT_COLOR,
    INDEX_COLOR,
    MARGIN,
    MASK_COLOR,
    MASK_TEXT_COLOR,
    TITLE_SIZE,
    Picture,
    Polyline,
    Rect,
    Text,
    colors,
    format_number,
    row,
    text_units,
    title_texts,
    to_matrix,
)

# A dimmed cell's number: 4.5:1 (WCAG) or more on every faded colour of the
# palettes, the purple tint over it too; the pale fill says it is dimmed.
DIMMED_TEXT_COLOR = "#333333"


def cell_mask(cells, shape):
    """A boolean matrix of ``shape`` from a boolean matrix or ``(row, col)`` pairs."""
    mask = np.zeros(shape, dtype=bool)
    if cells is None:
        return mask
    if np.asarray(cells).dtype == bool:
        return np.array(cells)
    for r, c in cells:
        mask[r, c] = True
    return mask


class Grid:
    """A matrix drawn as coloured cells with their numbers (see the module doc)."""

    def __init__(
        self,
        values,
        *,
        title="",
        label=None,
        cmap=None,
        vmin=None,
        vmax=None,
        fmt=format_number,
        hatched=None,
        outlined=None,
        dimmed=None,
        dropped=(0, 0),
        indices=None,
        cell=CELL,
        min_font=None,
    ):
        self.values = to_matrix(values)
        shape = self.values.shape
        self.title, self.cmap, self.vmin, self.vmax = title, cmap, vmin, vmax
        first = title.split("\n")[0] if title else tr("grid")
        size = f"{shape[0]}x{shape[1]}"
        # "output 4x4" (a title that already ends with the size keeps it once)
        self.label = label or (first if first.endswith(size) else f"{first} {size}")
        self.texts = [[fmt(v) for v in row] for row in self.values.tolist()]
        self.hatched = cell_mask(hatched, shape)
        self.outlined = cell_mask(outlined, shape)
        self.dimmed = cell_mask(dimmed, shape)
        self.dropped = (int(dropped[0]), int(dropped[1]))
        self.indices = indices
        longest = max(2, *(len(t) for row in self.texts for t in row))
        if min_font:  # cells wide enough for the longest number at min_font px
            cell = max(cell, math.ceil(min_font * 0.62 * longest / 0.85))
        self.cell = cell
        fit = cell * 0.85 / (0.62 * longest)
        self.fontsize = round(min(0.45 * cell, fit), 1)
        self.x = self.y = MARGIN

    @property
    def width(self):
        return self.values.shape[1] * self.cell

    @property
    def height(self):
        return self.values.shape[0] * self.cell

    @property
    def top(self):
        """Room above the cells: the title lines and the column indices."""
        lines = len(self.title.split("\n")) if self.title else 0
        return lines * TITLE_SIZE * 1.25 + (18 if self.indices else 6)

    @property
    def span(self):
        """(room left of the cells, room to their right): indices, a wide title."""
        title = max((text_units(s) for s in self.title.split("\n")), default=0) * 7.8
        spare = max(0.0, (title - self.width) / 2)
        return spare + (18 if self.indices else 0), spare

    def _box(self, r, c, fill="none", **options):
        cell = self.cell
        return Rect(self.x + c * cell, self.y + r * cell, cell, cell, fill, **options)

    def primitives(self):
        """The cells, numbers, hatch, outlines and title as primitives."""
        rows, cols = self.values.shape
        x0, y0, cell, size = self.x, self.y, self.cell, self.fontsize
        fills, inks = colors(self.values, self.cmap, self.vmin, self.vmax, self.hatched)
        # Object arrays: "white"/"black" would cut a longer colour to 5 letters.
        fills, inks = fills.astype(object), inks.astype(object)
        fills[self.hatched], inks[self.hatched] = MASK_COLOR, MASK_TEXT_COLOR
        # Padding first, then the hatch across it, then the other cells on top
        # (so one set of long lines hatches every padding cell).
        padding = np.argwhere(self.hatched).tolist()
        out = [
            self._box(r, c, MASK_COLOR, data={"padding": f"{r},{c}"})
            for r, c in padding
        ]
        if padding:
            (r0, c0), (r1, c1) = np.min(padding, 0), np.max(padding, 0) + 1
            x, y = x0 + c0 * cell, y0 + r0 * cell
            hatch = _hatch(x, y, (c1 - c0) * cell, (r1 - r0) * cell)
            out.append(Polyline(hatch, HATCH_COLOR))
        # A dimmed cell (not computed yet, or read by no window, as the dropped
        # rows and columns) is its colour faded towards white, its number dark
        # grey: one element a cell, however many are dimmed. Padding stays hatched.
        drop_rows, drop_cols = self.dropped
        dimmed = self.dimmed.copy()
        dimmed[rows - drop_rows :] = True
        dimmed[:, cols - drop_cols :] = True
        dimmed &= ~self.hatched
        fills[dimmed] = [faded(f) for f in fills[dimmed]]
        inks[dimmed] = DIMMED_TEXT_COLOR
        out += [
            self._box(r, c, fills[r, c], data={"dimmed": f"{r},{c}"} if dim else None)
            for r, c in np.argwhere(~self.hatched).tolist()
            for dim in [bool(dimmed[r, c])]
        ]
        out.append(Polyline(_grid_lines(x0, y0, rows, cols, cell), "white"))
        # The tints under the numbers; the corner both share tinted once (by
        # the rows' tint: the columns' stops above it).
        kept = rows - drop_rows
        if drop_rows:
            y = y0 + kept * cell
            out.append(_tint(x0, y, self.width, drop_rows * cell, f"{drop_rows} rows"))
        if drop_cols:
            x, what = x0 + (cols - drop_cols) * cell, f"{drop_cols} columns"
            out.append(_tint(x, y0, drop_cols * cell, kept * cell, what))
        out += [
            Text(
                x0 + (c + 0.5) * cell,
                y0 + (r + 0.5) * cell + 0.36 * size,
                text,
                size,
                inks[r, c],
                data={"cell": f"{r},{c}"},
            )
            for r, line in enumerate(self.texts)
            for c, text in enumerate(line)
            if text
        ]
        frame = dict(stroke=HIGHLIGHT_COLOR, stroke_width=2.5)
        out += [
            self._box(r, c, data={"outline": f"{r},{c}"}, **frame)
            for r, c in np.argwhere(self.outlined).tolist()
        ]
        if self.indices is not None:
            # 10 px: the sweep's cells (18 px or more) keep them apart.
            r0, c0 = self.indices
            out += [
                Text(x0 + (c + 0.5) * cell, y0 - 5, str(c0 + c), 10, INDEX_COLOR)
                for c in range(cols)
            ]
            middle = y0 + 0.5 * cell + 3.6  # the baseline of row 0's index
            out += [
                Text(x0 - 5, middle + r * cell, str(r0 + r), 10, INDEX_COLOR, "end")
                for r in range(rows)
            ]
        bottom = y0 - (18 if self.indices else 6) - 2
        return out + title_texts(self.title, x0 + self.width / 2, bottom)


def faded(color):
    """``color`` ("#rrggbb") 65% of the way to white, each channel rounded half up."""
    channels = (int(color[k : k + 2], 16) for k in (1, 3, 5))
    return "#" + "".join(f"{(7 * v + 13 * 255 + 10) // 20:02x}" for v in channels)


def _tint(x, y, width, height, what):
    """A purple veil over the rows or columns that no window reaches (the
    window itself is outlined in red)."""
    return Rect(
        x, y, width, height, DROPPED_COLOR, opacity=0.25, data={"dropped": what}
    )


def dropped_text(dropped_h, dropped_w, ceil_mode=False):
    """The caption of the rows and columns no window reaches (tinted purple): by
    the floor, or (``ceil_mode``) as PyTorch drops a window starting past the input.
    """
    if not dropped_h and not dropped_w:
        return tr(
            "the floor drops nothing: the last window ends on the last row and column"
        )
    parts = []
    if dropped_h == 1:
        parts.append(tr("{count} row at the bottom", count=dropped_h))
    elif dropped_h:
        parts.append(tr("{count} rows at the bottom", count=dropped_h))
    if dropped_w == 1:
        parts.append(tr("{count} column at the right", count=dropped_w))
    elif dropped_w:
        parts.append(tr("{count} columns at the right", count=dropped_w))
    if len(parts) == 2:
        parts = [tr("{first} and {second}", first=parts[0], second=parts[1])]
    if ceil_mode:
        return tr(
            "{what} unread (tinted purple): no window may start past the input",
            what=parts[0],
        )
    return tr(
        "the floor drops {what} of the padded input (tinted purple): the next "
        "stride would run off the edge",
        what=parts[0],
    )


def unread(shape, size, before, windows, stride, span, dilation=(1, 1)):
    """The input cells no window reads before the last window ends (a stride larger
    than the window, or a dilation, steps over them): a mask of the padded input
    (``shape``) and the caption naming their rows and columns (faded), if any.

    Per axis: ``size`` input rows after ``before`` rows of padding; ``windows``
    windows ``span`` long, every ``stride``, reading every ``dilation``-th row.
    """
    skipped = []
    axes = zip(size, before, windows, stride, span, dilation, strict=True)
    for n, p, out, s, k, d in axes:
        read = {i + t - p for i in range(0, out * s, s) for t in range(0, k, d)}
        skipped.append([r for r in range(min(n, max(read))) if r not in read])
    rows, cols = skipped
    mask = np.zeros(shape, dtype=bool)
    mask[[r + before[0] for r in rows], :] = True
    mask[:, [c + before[1] for c in cols]] = True
    if not rows and not cols:
        return mask, []
    lists = [", ".join(map(str, xs)) or tr("none") for xs in (rows, cols)]
    text = tr(
        "skipped by every window (faded): rows {rows}; columns {columns}",
        rows=lists[0],
        columns=lists[1],
    )
    return mask, [text]


def _hatch(x, y, w, h, spacing=7.0):
    """Rising diagonal lines ("///") across a box, as segments."""
    lines = []
    # Along a rising line, (right of x) + (up from the bottom) is constant: t.
    for t in np.arange(spacing / 2, w + h, spacing).tolist():
        u0, u1 = max(0.0, t - h), min(w, t)
        lines.append([(x + u0, y + h - t + u0), (x + u1, y + h - t + u1)])
    return lines


def _grid_lines(x, y, rows, cols, cell):
    """The white lines between the cells."""
    bottom, right = y + rows * cell, x + cols * cell
    return [[(x + c * cell, y), (x + c * cell, bottom)] for c in range(1, cols)] + [
        [(x, y + r * cell), (right, y + r * cell)] for r in range(1, rows)
    ]


def draw_grid(values, *, title=""):
    """A picture of one matrix: coloured cells with their numbers."""
    # A title the notebook's code passes in, in the reader's language.
    grid = Grid(values, title=given(title))
    row([grid])
    return Picture([grid], title=grid.label)
