import io

import numpy as np
import pytest
import torch
from PIL import Image

from d2lconv.explorer import figure_to_png
from d2lconv.grid import draw_grid, format_number, grid_figure


def cell_texts(grid):
    return [[t.get_text() for t in row] for row in grid.texts]


def test_numbers_are_written_in_their_cells():
    fig, (ax,) = grid_figure((2, 2))
    grid = draw_grid(ax, torch.tensor([[19.0, 25.0], [37.0, 43.0]]), title="Y")
    assert cell_texts(grid) == [["19", "25"], ["37", "43"]]
    # Each number sits at the centre of its cell: column = x, row = y.
    assert grid.texts[1][0].get_position() == (0, 1)
    assert ax.get_title() == "Y"
    assert figure_to_png(fig).startswith(b"\x89PNG")


def test_format_number():
    assert format_number(3.0) == "3"
    assert format_number(-1.0) == "-1"
    assert format_number(1.1111) == "1.11"
    assert format_number(2.6667) == "2.67"
    assert format_number(-0.001) == "0"
    assert format_number(float("nan")) == ""


def test_mask_cells_are_hatched_and_grey():
    X = np.pad(np.arange(9.0).reshape(3, 3), 1)
    mask = np.pad(np.zeros((3, 3), bool), 1, constant_values=True)
    fig, (ax,) = grid_figure(X.shape)
    grid = draw_grid(ax, X, mask=mask)
    assert len(grid.hatch.get_paths()) == mask.sum() == 16
    assert grid.hatch.get_hatch() == "///"
    # Padding does not take part in the colour scale: the image hides it.
    assert grid.image.get_array().mask.sum() == 16
    assert grid.texts[0][0].get_color() != grid.texts[1][1].get_color()


def test_highlight_outlines_cells_and_can_move():
    fig, (ax,) = grid_figure((3, 3))
    grid = draw_grid(ax, np.zeros((3, 3)), highlight=[(0, 0), (1, 1)])
    assert len(grid.outline.get_paths()) == 2
    grid.set_highlight(np.eye(3, dtype=bool))
    assert len(grid.outline.get_paths()) == 3
    grid.set_highlight(None)
    assert grid.outline is None


def test_set_values_updates_texts_and_colours():
    fig, (ax,) = grid_figure((1, 3))
    grid = draw_grid(ax, [1, 2, 3])
    before = figure_to_png(fig)
    grid.set_values([7, 8, 9.5])
    assert cell_texts(grid) == [["7", "8", "9.5"]]
    assert figure_to_png(fig) != before


def test_negative_values_use_a_diverging_map_centred_on_zero():
    fig, (ax,) = grid_figure((1, 2))
    grid = draw_grid(ax, [[1, -3]])
    assert grid.norm.vmin == -3 and grid.norm.vmax == 3


def test_indices_label_rows_and_columns_from_origin():
    fig, (ax,) = grid_figure((3, 4))
    grid = draw_grid(ax, np.zeros((3, 4)), indices=True, index_origin=(-1, -2))
    cells = {t for row in grid.texts for t in row}
    labels = {(t.get_position(), t.get_text()) for t in ax.texts if t not in cells}
    columns = {(x, text) for (x, y), text in labels if y < -0.5}
    rows = {(y, text) for (x, y), text in labels if x < -0.5}
    assert columns == {(0, "-2"), (1, "-1"), (2, "0"), (3, "1")}
    assert rows == {(0, "-1"), (1, "0"), (2, "1")}


def test_no_axis_is_drawn():
    fig, (ax,) = grid_figure((2, 2))
    draw_grid(ax, np.zeros((2, 2)), title="K")
    assert not ax.axison
    assert ax.get_title() == "K"


def test_labels_and_title_are_painted():
    # The numbers and the title really reach the pixels: compare with blanks.
    def png(title, fmt):
        fig, (ax,) = grid_figure((1, 2))
        draw_grid(ax, [[3, 4]], title=title, fmt=fmt, cmap="Greys", vmin=0, vmax=9)
        return figure_to_png(fig)

    blank = png("", lambda v: "")
    assert png("title", lambda v: "") != blank
    assert png("", "{:g}") != blank


def test_bad_shapes_are_explained():
    fig, (ax,) = grid_figure((2, 2))
    with pytest.raises(ValueError, match="2-D matrix.*shape \\(1, 2, 2\\)"):
        draw_grid(ax, np.zeros((1, 2, 2)))
    grid = draw_grid(ax, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="keep the grid's shape"):
        grid.set_values(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="at least one"):
        grid_figure()


def test_grid_figure_gives_equal_cells():
    fig, axes = grid_figure((5, 5), (2, 2), (4, 4), cell_size=0.5)
    width, height = fig.get_size_inches()
    sizes = [
        (ax.get_position().width * width / c, ax.get_position().height * height / r)
        for ax, (r, c) in zip(axes, [(5, 5), (2, 2), (4, 4)], strict=True)
    ]
    for w, h in sizes:
        assert w == pytest.approx(0.5) and h == pytest.approx(0.5)


def test_tight_bounding_box_keeps_the_title_and_indices():
    # Jupyter shows a Figure with bbox_inches="tight": the title and the row
    # and column numbers, painted outside the Axes, must not be cut off.
    fig, (ax,) = grid_figure((3, 3))
    draw_grid(ax, torch.arange(9.0).reshape(3, 3), title="input X", indices=True)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    tight = np.asarray(Image.open(buffer).convert("L"))
    # The title row sits above the column indices, above the first cell row:
    # a tight crop to the cells alone would start with coloured cells.
    first_ink = np.nonzero((tight < 128).any(axis=1))[0][0]
    cells_top = np.nonzero((tight < 250).sum(axis=1) > tight.shape[1] // 3)[0][0]
    assert cells_top - first_ink > 20
