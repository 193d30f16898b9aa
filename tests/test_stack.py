"""Stacks of layers: sizes and receptive fields in the picture, checked with PyTorch."""

import pytest
import torch
from svg_checks import SVG, panel, parse, texts
from torch import nn

from d2lconv import one_thread
from d2lconv.explorers.stack import RANGES, StackExplorer
from d2lconv.stack import draw_stack, repeat_layer
from d2lconv.sweep import TOPICS


def torch_sizes(count, input_size, k, p=0, s=1, d=1):
    """Output (h, w) after each of ``count`` real nn.Conv2d layers (the explorer's
    settings, in its order)."""
    X = torch.zeros(1, 1, input_size, input_size)
    sizes = []
    for _ in range(count):
        X = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d, bias=False)(X)
        sizes.append(tuple(X.shape[2:]))
    return sizes


def torch_seen_rows(input_size, layers):
    """Rows ``(r0, r1, height)`` of every level (input first) the centre output of
    the last layer depends on: gradients through real nn.Conv2d layers of ones."""
    X = torch.ones(1, 1, input_size, input_size, requires_grad=True)
    levels, out = [X], X
    for layer in layers:
        conv = nn.Conv2d(1, 1, bias=False, **layer)
        nn.init.ones_(conv.weight)
        out = conv(out)
        out.retain_grad()
        levels.append(out)
    centre = (out.shape[2] - 1) // 2
    out[0, 0, centre, :].sum().backward()
    rows = []
    for level in levels:
        used = level.grad[0, 0].abs().sum(1).nonzero().flatten().tolist()
        rows.append((min(used), max(used), level.shape[2]))
    return rows


def shown_levels(root):
    """What the bars say: "input: 32x32", "layer 1: 28x28", ... by level."""
    group = panel(root, "size per layer")
    return {
        int(t.get("data-level")): t.text
        for t in group.iter(SVG + "text")
        if t.get("data-level")
    }


def shown_seen(root):
    """The orange part of each level: "layer 3: rows 2..25 of 20"."""
    group = panel(root, "size per layer")
    return [r.get("data-seen") for r in group.iter(SVG + "rect") if r.get("data-seen")]


def test_the_plot_sums_up_the_last_layer():
    # The book's stack (7 layers of 5x5 on 32x32), where the explorer starts; each
    # level's size: test_each_level_and_the_orange_cone_are_pytorchs.
    for svg in (draw_stack(32, repeat_layer(7, 5)).svg, StackExplorer().svg):
        # 32 - 7 * 4 = 4 rows, and 5 + 6 * 4 = 29 rows of field.
        plot = panel(parse(svg), "output height and receptive field per layer")
        assert "after layer 7: 4x4, field 29x29, jump 1x1" in texts(plot)
        assert parse(svg).get("aria-label") == "a 7-layer stack on a (32, 32) input"


@pytest.mark.parametrize(
    "settings",
    [
        dict(),  # the book's: 7 layers of 5x5 on 32x32
        dict(count=2, input_size=3, kernel_size=2),
        dict(count=2, kernel_size=3, stride=2),
        dict(count=3, input_size=40, kernel_size=3, padding=1, dilation=2),
        dict(count=4, input_size=17, kernel_size=4, padding=2, stride=1),
        dict(count=10, kernel_size=7, padding=3),  # k - 1 in total keeps the size
        dict(count=55, input_size=224),  # the book: 55 layers take 224 to 4
        # Every slider at its lowest, and at its highest.
        dict(count=1, input_size=1, kernel_size=1),
        dict(count=60, input_size=256, kernel_size=3, padding=1),
        dict(count=3, input_size=256, kernel_size=7, padding=3, stride=3, dilation=3),
    ],
)
@one_thread()  # many tiny convolutions: threads cost more than the work
def test_each_level_and_the_orange_cone_are_pytorchs(settings):
    """Each bar's size and its orange part, what the centre output of the last
    layer depends on, from gradients through the real layers: in draw_stack's
    picture and in the explorer's after the page sends ``settings``."""
    e = StackExplorer(controls=TOPICS)
    e.set_state(settings)
    assert {name: getattr(e, name) for name in settings} == settings
    layers = repeat_layer(e.count, e.kernel_size, e.padding, e.stride, e.dilation)
    rows = torch_seen_rows(e.input_size, layers)
    names = ["input"] + [f"layer {level}" for level in range(1, len(rows))]
    seen = [
        f"{n}: rows {r0}..{r1} of {h}"
        for n, (r0, r1, h) in zip(names, rows, strict=True)
    ]
    for svg in (draw_stack(e.input_size, layers).svg, e.svg):
        root = parse(svg)
        assert shown_seen(root) == seen
        assert int(root.get("width")) <= 830  # a lesson's output column
        # Every level is named, or some (always the last) when there are many.
        levels = shown_levels(root)
        assert len(layers) in levels
        for level, name in levels.items():
            assert name == f"{names[level]}: {rows[level][2]}x{rows[level][2]}"


@one_thread()
def test_every_slider_over_its_range_draws_exactly_what_pytorch_computes():
    # From 3 layers on 16x16, each slider at its lowest, highest and middle:
    # no picture but a "< 1" formula exactly where a real nn.Conv2d refuses.
    e = StackExplorer(count=3, input_size=16)
    for name, (low, high) in RANGES.items():
        for value in (low, high, (low + high) // 2):
            setattr(e, name, value)
            why = f"{name} = {value}"
            try:
                sizes = torch_sizes(*(getattr(e, name) for name in RANGES))
            except RuntimeError:
                assert e.svg == "" and "< 1" in e.message, why
                continue
            last = shown_levels(parse(e.svg))[len(sizes)]
            assert last == f"layer {len(sizes)}: {sizes[-1][0]}x{sizes[-1][1]}", why


def test_explorer_recovers_from_an_empty_layer():
    # Its message: test_picture.test_an_explorer_explains_settings_with_no_picture.
    e = StackExplorer(count=8)
    e.padding = 2
    assert e.message == "" and shown_levels(parse(e.svg))[8] == "layer 8: 32x32"


def test_the_lesson_chooses_the_stacks_controls():
    assert StackExplorer().topics == []
    assert StackExplorer(padding=1, controls="padding").topics == ["padding"]
