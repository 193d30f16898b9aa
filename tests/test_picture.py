"""The picture model and its SVG: what a reader gets (text, labels, marks);
what every drawer and explorer says of bad input and of settings with no picture."""

import html
import itertools
from functools import partial

import numpy as np
import pytest
import torch
from matplotlib import colormaps
from matplotlib.colors import to_hex
from svg_checks import SVG, explains, grid_numbers, marked, numbers, panel, parse

from d2lconv import (
    ChannelsExplorer,
    PoolingExplorer,
    channel_data,
    draw_channels,
    draw_pooling,
)
from d2lconv.channels import MODES, VALUES
from d2lconv.explorers.stack import StackExplorer
from d2lconv.explorers.sweep import SweepExplorer
from d2lconv.figures import pad2d
from d2lconv.grid import Grid, draw_grid
from d2lconv.picture import Lines, Picture, format_number, row
from d2lconv.plot import Plot
from d2lconv.stack import draw_stack, repeat_layer
from d2lconv.sweep import TOPICS, draw_sweep


def drawn(values, **options):
    """The SVG root of a picture of one ``Grid(values, **options)``."""
    grid = Grid(values, **options)
    row([grid])
    return parse(Picture([grid]).svg)


def test_numbers_are_text_and_the_panel_says_what_it_is(tmp_path):
    Y = torch.tensor([[19.0, 25.0], [37.0, 43.0]])
    # What a notebook shows, and what save writes.
    root = parse(draw_grid(Y, title="output").save(tmp_path / "a.svg").read_text())
    group = panel(root, "output 2x2")
    assert group.find(SVG + "title").text == "output 2x2"
    assert group.get("role") == "group"
    assert numbers(group) == {(0, 0): "19", (0, 1): "25", (1, 0): "37", (1, 1): "43"}
    assert "output" in [t.text for t in root.iter(SVG + "text")]
    # Attributes only: a <style> block would restyle the notebook page.
    assert not list(root.iter(SVG + "style"))
    assert int(root.get("width")) > 60 and int(root.get("height")) > 60


def test_highlights_padding_and_dimmed_cells_are_marked():
    # Dropped rows and columns: test_sweep.test_floor_drop_is_reported_tinted_and_faded.
    hatched = np.ones((4, 5), dtype=bool)  # cells as a boolean matrix or as pairs
    hatched[1:3, 1:4] = False
    root = drawn(
        np.arange(20.0).reshape(4, 5),
        title="input",
        hatched=hatched,
        outlined=[(1, 1), (1, 2)],
        dimmed=[(2, 3)],
        indices=(-1, -1),
    )
    group = panel(root, "input 4x5")
    assert marked(group, "outline") == {(1, 1), (1, 2)}
    assert marked(group, "padding") == {tuple(rc) for rc in np.argwhere(hatched)}
    assert marked(group, "dimmed") == {(2, 3)}
    # A dimmed cell is paler: 65% of the way to white (its number:
    # test_dimmed_numbers_can_be_read). Undimmed, (2, 3) holds 13, the largest
    # value outside the padding: the darkest blue.
    [cell] = [e for e in group.iter(SVG + "rect") if e.get("data-dimmed") == "2,3"]
    assert rgb(cell.get("fill")) == faded(rgb(to_hex(colormaps["Blues"](1.0))))
    # Row and column indices start at the given origin.
    small = [t.text for t in group.iter(SVG + "text") if t.get("font-size") == "10"]
    assert small == ["-1", "0", "1", "2", "3", "-1", "0", "1", "2"]


def rgb(color):
    """The (r, g, b) of "#rrggbb", 0 to 255."""
    return [int(color[k : k + 2], 16) for k in (1, 3, 5)]


def faded(channels):
    """A colour 65% of the way to white, each channel rounded half up."""
    return [int(0.35 * v + 0.65 * 255 + 0.5) for v in channels]


def contrast(a, b):
    """The WCAG contrast ratio of two (r, g, b) colours, 0 to 255."""

    def luminance(channels):
        c = np.array(channels) / 255
        linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return linear @ [0.2126, 0.7152, 0.0722] + 0.05

    return max(luminance(a), luminance(b)) / min(luminance(a), luminance(b))


def test_dimmed_numbers_can_be_read_on_every_faded_colour_and_the_purple_tint():
    # The last row and column dropped: tinted purple once each (the corner by
    # one tint), under the numbers; their numbers and a dimmed cell's (0) at
    # >= 4.5:1 (WCAG) on every faded colour of the page's colour maps, tinted too.
    values = np.arange(9.0).reshape(3, 3)
    group = panel(drawn(values, dimmed=[(0, 0)], dropped=(1, 1)), "grid 3x3")
    items = list(group)
    tints = [e for e in items if e.get("data-dropped")]
    last_tint = max(items.index(e) for e in tints)
    assert last_tint < min(items.index(t) for t in group.iter(SVG + "text"))
    boxes = [[float(e.get(k)) for k in ("x", "y", "width", "height")] for e in tints]
    (x, y, w, h), (x2, y2, w2, h2) = boxes
    assert min(x + w, x2 + w2) <= max(x, x2) or min(y + h, y2 + h2) <= max(y, y2)
    side = float(next(e for e in items if e.get("data-dimmed")).get("width"))
    assert sum(w * h for _, _, w, h in boxes) == 5 * side**2  # the 5 dropped cells
    inks = {t.get("fill") for t in group.iter(SVG + "text") if t.text in ("0", "8")}
    purple, alpha = rgb(tints[0].get("fill")), float(tints[0].get("fill-opacity"))
    for ink, name in itertools.product(
        map(rgb, inks), ("Blues", "PuOr_r", "RdBu_r", "Greys")
    ):
        for color in colormaps[name](np.arange(colormaps[name].N)):
            fill = faded(rgb(to_hex(color)))
            tinted = (1 - alpha) * np.array(fill) + alpha * np.array(purple)
            assert min(contrast(ink, fill), contrast(ink, tinted)) >= 4.5, name


def test_colours_come_from_the_matplotlib_colormap():
    group = panel(drawn([[0.0, 5.0, 10.0]], cmap="Blues"), "grid 1x3")
    fills = [r.get("fill") for r in group.iter(SVG + "rect")]
    cmap = colormaps["Blues"]
    assert fills == [to_hex(cmap(0.0)), to_hex(cmap(0.5)), to_hex(cmap(1.0))]
    # A diverging map keeps zero in the middle; negative values pick one.
    group = panel(parse(draw_grid([[-2.0, 0.0, 1.0]]).svg), "grid 1x3")
    fills = [r.get("fill") for r in group.iter(SVG + "rect")]
    assert fills[1] == to_hex(colormaps["RdBu_r"](0.5))
    # Dark cells get white numbers.
    ink = [t.get("fill", "black") for t in group.iter(SVG + "text")]
    assert ink == ["white", "black", "black"]
    # All zeros on a diverging map: the middle colour, not the most negative.
    group = panel(drawn([[0.0, 0.0]], cmap="RdBu_r"), "grid 1x2")
    fills = [r.get("fill") for r in group.iter(SVG + "rect")]
    assert fills == [to_hex(colormaps["RdBu_r"](0.5))] * 2


def test_row_places_panels_side_by_side_without_overlap():
    grids = [Grid(np.zeros((3, 3)), title="a long title for a small grid"), Grid([1])]
    row(grids)
    a, b = grids
    assert b.x > a.x + a.width
    assert a.y == b.y and a.y >= a.top


def test_text_is_escaped_and_lines_keep_their_spaces():
    lines = Lines(["a < b & c", "  indented"], bold=[0])
    root = parse(Picture([lines], title="<formulas>").svg)
    texts = list(root.iter(SVG + "text"))
    assert [t.text for t in texts] == ["a < b & c", "  indented"]
    assert texts[0].get("font-weight") == "bold"
    assert root.find(SVG + "title").text == "<formulas>"


def test_numbers_are_written_briefly_or_as_asked():
    values = (3.0, -0.001, 2.5, 1 / 3, float("nan"), float("-inf"))
    assert [format_number(v) for v in values] == ["3", "0", "2.5", "0.33", "", "−∞"]
    root = drawn([[1 / 3, 2.5]], fmt="{:.3f}".format, label="thirds")
    assert grid_numbers(panel(root, "thirds")) == [["0.333", "2.500"]]


def test_large_grids_shrink_their_numbers_to_fit_the_cells():
    small, large = Grid([[1]]), Grid([[123456.0]])
    assert large.fontsize < small.fontsize
    # About 0.62 em per digit: the widest number fits inside its cell.
    assert 6 * 0.62 * large.fontsize <= large.cell


def test_plot_draws_each_series_with_its_name_beside_the_curves():
    series = [
        ([0, 1, 2], [0.0, 1.0, 4.0], "#1f77b4", "output height"),
        ([0, 1, 2], [1.0, 3.0, 5.0], "#ff7f0e", "receptive field (rows)"),
    ]
    plot = Plot(series, width=300, height=160, title="training", xlabel="layer")
    root = parse(Picture([plot]).svg)
    paths = root.iter(SVG + "path")
    (line,) = [p for p in paths if p.get("data-series") == "output height"]
    points = line.get("d").replace("M", "").split(" L")
    assert len(points) == 3
    # y grows downwards in SVG: the largest value is the highest point.
    ys = [float(p.split()[1]) for p in points]
    assert ys[0] > ys[1] > ys[2]
    texts = list(root.iter(SVG + "text"))
    assert {"training", "layer", "0", "4"} <= {t.text for t in texts}
    frame = [float(v) for v in root.get("viewBox").split()]
    (box,) = [r for r in root.iter(SVG + "rect") if r.get("stroke") == "#444444"]
    right = float(box.get("x")) + float(box.get("width"))
    names = [t for t in texts if t.text in ("output height", "receptive field (rows)")]
    assert len(names) == 2
    for name in names:
        # Right of the box, off the curves, and the whole name inside the frame.
        end = float(name.get("x")) + 0.6 * 10 * len(name.text)
        assert right < float(name.get("x")) and end <= frame[0] + frame[2]
    middle = [t for t in texts if t.get("text-anchor") == "middle"]
    ticks = [t.text for t in middle if t.get("fill") == "#666666"]
    assert ticks == ["0", "1", "2"]  # no half layers


X3, K2 = torch.arange(9.0).reshape(3, 3), torch.tensor([[0.0, 1.0], [2.0, 3.0]])
X32, (XC, KC) = torch.arange(32.0).view(2, 4, 4), channel_data(2, 1, 2, 3)
# Explorers with every slider.
SWEEP = partial(SweepExplorer, controls=TOPICS)
STACK = partial(StackExplorer, controls=TOPICS)
CHANNELS = partial(ChannelsExplorer, values=VALUES[0])  # small random integers
# The longer messages a user reads, word for word.
ONLY_SLIDERS = "stride=2 needs the stride sliders"
TOPICS_ONLY = "controls must name topics"
COUNT = "count must be an int from 1 to 60, got "
LARGER = "output height = n - k + 1 = 2 - 3 + 1 = 0 < 1: kernel_size 3 is larger"
C_I = "X has 3 channels but K expects c_i = 2"
REFLECT = (
    "padding height 2 with mode 'reflect' must be smaller than the input "
    "height 2 (p < n"
)
CIRCULAR = (
    "padding width 3 with mode 'circular' must be at most the input width 2 (p <= n"
)
NEGATIVE = "padding must be non-negative (>= 0), got -1"


# What each drawer, and the explorer behind it, says of a bad argument:
# (call, words the message holds): the parameter, the value and the rule.
VALUE_ERRORS = [
    (lambda: Grid(np.zeros((2, 2, 2))), "values", "2-D", "(2, 2, 2)"),
    (lambda: Grid(np.zeros((0, 3))), "values", "empty"),
    (lambda: draw_grid([[1]]).save("x.pdf"), "path", "x.pdf"),
    (lambda: draw_sweep(X3, K2, step=4), "step", "0 and 3", "4"),
    (lambda: draw_sweep(X3, K2[None]), "K", "2-D", "(1, 2, 2)"),
    (lambda: draw_sweep(X3, K2, stride=0), "stride", ">= 1"),
    (lambda: draw_sweep(X3, K2, padding=-1), "padding", "-1"),
    (lambda: draw_sweep(X3, torch.ones(4, 4)), "n - k + 1 = 3 - 4 + 1 = 0 < 1"),
    (lambda: SweepExplorer(controls=TOPICS, padding="same"), "padding", "same"),
    (lambda: SweepExplorer(stride=2, controls="padding"), ONLY_SLIDERS),
    (lambda: StackExplorer(stride=2, controls=["padding"]), ONLY_SLIDERS),
    (lambda: StackExplorer(controls=["layers"]), TOPICS_ONLY, "got 'layers'"),
    (lambda: STACK(count=0), COUNT + "0"),
    (lambda: STACK(count=61), COUNT + "61"),
    (lambda: STACK(input_size=257), "input_size must be an int from 1 to 256"),
    (lambda: STACK(padding=-1), "padding must be an int from 0 to 3, got -1"),
    (lambda: STACK(dilation=4), "dilation must be an int from 1 to 3, got 4"),
    (lambda: draw_stack(32, repeat_layer(8, 5)), "layer 8"),
    (lambda: draw_stack(32, []), "at least one"),
    (lambda: draw_stack(0, repeat_layer(1, 3)), "input_size must be positive"),
    (lambda: draw_channels(*channel_data(2, 1, 3, 2)), LARGER),
    (lambda: draw_channels(XC, KC, MODES[1]), "1x1 kernels, got kernel_size 2x2"),
    (lambda: draw_channels(XC, KC, "sideways"), "mode must be one of"),
    (lambda: draw_channels(torch.zeros(3, 3, 3), KC), C_I),
    (lambda: draw_channels(XC, KC[0]), "K must be a 4-D tensor"),
    (lambda: channel_data(size=7), "size must be at most 6", "got 7"),
    (lambda: ChannelsExplorer(in_channels=5), "in_channels", "from 1 to 4", "5"),
    (lambda: ChannelsExplorer(size=1), "size", "from 2 to 6", "got 1"),
    (lambda: ChannelsExplorer(values="zeros"), "values", "'book example'", "'zeros'"),
    (lambda: draw_pooling(X32, 2, padding=2), "padding"),
    (lambda: draw_pooling(X32, 2, cell=99), "cell must be between 0 and 3"),
    (lambda: draw_pooling(X32, 2, cell=(2, 0)), "cell must be a position (i, j)"),
    (lambda: draw_pooling(X32, 2, mode="min"), "mode must be one of"),
    (lambda: draw_pooling(X32[None], 2), "X must be a 3-D tensor"),
    (lambda: pad2d(torch.ones(2, 3), 2, "reflect"), REFLECT),
    (lambda: pad2d(torch.ones(4, 2), (1, 3), "circular"), CIRCULAR),
    (lambda: pad2d(torch.ones(2, 2), 1, "mirror"), "mode must be one of 'zeros'"),
    (lambda: pad2d(torch.ones(2, 2), -1), NEGATIVE),
]
TYPE_ERRORS = [
    (lambda: draw_sweep(X3, K2, step=1.0), "step", "1.0"),
    (lambda: draw_sweep([[1.0]], K2), "X", "torch.Tensor"),
    (lambda: draw_sweep(X3 > 0, K2), "X", "real numbers", "torch.bool"),
    (lambda: draw_sweep(X3, K2, flip=1), "flip", "1"),
    (lambda: STACK(kernel_size=2.5), "kernel_size must be an int, got 2.5"),
    (lambda: STACK(stride=True), "stride must be an int, got True"),
    (lambda: draw_channels(XC.tolist(), KC), "X must be a torch.Tensor"),
    (lambda: channel_data(in_channels=2.0), "in_channels must be an int"),
    (lambda: ChannelsExplorer(kernel_size=2.0), "kernel_size", "int", "2.0"),
    (lambda: draw_pooling(X32, 2.5), "kernel_size must be an int"),
]


@pytest.mark.parametrize(
    "case",
    [(ValueError, *c) for c in VALUE_ERRORS] + [(TypeError, *c) for c in TYPE_ERRORS],
)
def test_bad_input_is_explained(case):
    explains(*case)


NO_POOLING = "No pooling for these settings.\n"
LAYER_8 = (
    "layer 8: conv 5x5: output height = n - k + 1 = 4 - 5 + 1 = 0 < 1: "
    "kernel_size 5 is larger than the input 4"
)
HALF = "padding must be <= kernel_size // 2 = 3 // 2 = 1"
BOOK_3X3 = dict(input="0..8: 1 channel, 3x3 (book)", window_h=4, padding_h=0)
TOO_SMALL = "(3 + 2*0 - 1*(4-1) - 1)/1) + 1 = 0 < 1"
BOTH = "Choose 'small random integers' with kernel size 1."


@pytest.mark.parametrize(
    "explorer, settings, words",
    [
        (SWEEP, dict(kernel_w=5), ["output width", "n - k + 1 = 3 - 5 + 1 = -1 < 1"]),
        (PoolingExplorer, dict(padding_h=2), [NO_POOLING + "padding height 2", HALF]),
        (PoolingExplorer, BOOK_3X3 | dict(stride_h=1), [NO_POOLING, TOO_SMALL]),
        (StackExplorer, dict(count=8), [LAYER_8]),
        (CHANNELS, dict(values=VALUES[1], size=4), ["The book's example has c_i"]),
        (CHANNELS, dict(kernel_size=4, size=3), ["output height", "3 - 4 + 1 = 0 < 1"]),
        (CHANNELS, dict(kernel_size=2, mode=MODES[1]), ["The matrix-product view"]),
        (ChannelsExplorer, dict(mode=MODES[1]), ["The matrix-product view", BOTH]),
        (ChannelsExplorer, dict(mode=MODES[1], kernel_size=1), ["The matrix", BOTH]),
    ],
)
def test_an_explorer_explains_settings_with_no_picture(explorer, settings, words):
    """The message starts with its first words and holds the others; a page
    without JavaScript shows it instead of the picture."""
    e = explorer()
    e.set_state(settings)
    assert e.svg == "" and e.message.startswith(words[0])
    assert all(word in e.message for word in words)
    bundle, _ = e._repr_mimebundle_()
    assert html.escape(e.message) in bundle["text/html"]
