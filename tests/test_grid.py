import numpy as np
import pytest
import torch
from svg_checks import SVG, grid_numbers, marked, panel, parse, texts

from d2lconv.grid import Grid, draw_grid
from d2lconv.picture import Picture


def test_draw_grid_writes_every_number_with_its_title():
    picture = draw_grid(torch.tensor([[19.0, 25.0], [37.0, 43.0]]), title="Y")
    assert isinstance(picture, Picture)
    group = panel(parse(picture.svg), "Y 2x2")
    assert grid_numbers(group) == [["19", "25"], ["37", "43"]]
    assert "Y" in texts(group)


def test_indices_count_from_the_given_origin():
    group = panel(parse(draw_grid(np.zeros((3, 4)), indices=(-1, -2)).svg), "grid")
    small = [t.text for t in group.iter(SVG + "text") if t.get("fill") == "#666666"]
    assert small == ["-2", "-1", "0", "1", "-1", "0", "1"]
    group = panel(parse(draw_grid(np.zeros((2, 2)), indices=True).svg), "grid")
    assert [t for t in texts(group) if t != "0"] == ["1", "1"]
    plain = panel(parse(draw_grid(np.zeros((2, 2))).svg), "grid")
    assert texts(plain) == ["0"] * 4


def test_format_and_label():
    picture = draw_grid([[1 / 3, 2.5]], fmt="{:.3f}", label="thirds")
    assert grid_numbers(panel(parse(picture.svg), "thirds")) == [["0.333", "2.500"]]
    picture = draw_grid([[1, 2]], fmt=lambda v: f"<{v:g}>")
    assert grid_numbers(panel(parse(picture.svg), "grid")) == [["<1>", "<2>"]]


def test_highlight_and_padding_by_mask_or_by_cells():
    mask = np.eye(3, dtype=bool)
    picture = draw_grid(np.arange(9.0).reshape(3, 3), outlined=mask, hatched=[(0, 2)])
    group = panel(parse(picture.svg), "grid")
    assert marked(group, "outline") == {(0, 0), (1, 1), (2, 2)}
    assert marked(group, "padding") == {(0, 2)}


def test_large_grids_shrink_their_numbers_to_fit_the_cells():
    small, large = Grid([[1]]), Grid([[123456.0]])
    assert large.fontsize < small.fontsize
    # About 0.62 em per digit: the widest number fits inside its cell.
    assert 6 * 0.62 * large.fontsize <= large.cell


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: draw_grid(np.zeros((1, 2, 2))), ["values", "2-D", "(1, 2, 2)"]),
        (lambda: draw_grid([[1]], cmap="nope"), ["cmap", "'nope'"]),
        (lambda: draw_grid([[1]], outlined=[(0, 3)]), ["outlined", "(0, 3)"]),
    ],
)
def test_bad_input_is_explained(call, words):
    with pytest.raises(ValueError) as info:
        call()
    for word in words:
        assert word in str(info.value)
