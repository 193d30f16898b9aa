"""Stacks of layers: sizes and receptive fields in the picture, checked with PyTorch."""

import pytest
import torch
from svg_checks import SVG, panel, parse, texts
from torch import nn

from d2lconv.explorers.stack import RANGES, StackExplorer
from d2lconv.stack import draw_stack, repeat_layer


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    # Many tiny convolutions: thread start-up costs more than the work.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


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


def test_draw_stack_shows_each_size_and_the_last_field():
    sizes = [32, 28, 24, 20, 16, 12, 8, 4]  # the book's: 4 rows fewer a layer
    # The book's stack is also where the explorer starts.
    for svg in (draw_stack(32, repeat_layer(7, 5)).svg, StackExplorer().svg):
        assert shown_levels(parse(svg)) == {
            level: ("input" if level == 0 else f"layer {level}") + f": {h}x{h}"
            for level, h in enumerate(sizes)
        }
        # The plot's title sums up the last layer: 5 + 6 * 4 = 29 rows of field.
        plot = panel(parse(svg), "output height and receptive field per layer")
        assert "after 7 layers: 4x4, field 29x29, jump 1x1" in texts(plot)


@pytest.mark.parametrize(
    "input_size, layers",
    [
        (32, repeat_layer(7, 5)),
        (3, repeat_layer(2, 2)),
        (32, repeat_layer(2, 3, stride=2)),
        (40, repeat_layer(3, 3, padding=1, dilation=2)),
        (17, repeat_layer(4, 4, padding=2, stride=1)),
        (32, repeat_layer(10, 7, padding=3)),  # k - 1 in total keeps the size
        (224, repeat_layer(55, 5)),  # the book: 55 layers take 224 to 4
    ],
)
def test_each_level_and_the_orange_cone_are_pytorchs(input_size, layers):
    """Each bar's size and its orange part, what the centre output of the last
    layer depends on, from gradients through the real layers."""
    root = parse(draw_stack(input_size, layers).svg)
    rows = torch_seen_rows(input_size, layers)
    names = ["input"] + [f"layer {level}" for level in range(1, len(rows))]
    seen = [
        f"{n}: rows {r0}..{r1} of {h}"
        for n, (r0, r1, h) in zip(names, rows, strict=True)
    ]
    assert shown_seen(root) == seen
    # Every level is named, or some (always the last) when there are many.
    levels = shown_levels(root)
    assert len(layers) in levels
    for level, name in levels.items():
        assert name == f"{names[level]}: {rows[level][2]}x{rows[level][2]}"


def test_explorer_explains_an_empty_layer_in_words():
    e = StackExplorer(count=8)
    assert e.svg == ""
    assert e.message == (
        "layer 8: conv 5x5: output height = n - k + 1 = 4 - 5 + 1 = 0 < 1: "
        "kernel_size 5 is larger than the input 4"
    )
    bundle, _ = e._repr_mimebundle_()
    assert "layer 8: conv 5x5" in bundle["text/html"]
    e.padding = 2
    assert e.message == "" and shown_levels(parse(e.svg))[8] == "layer 8: 32x32"


def test_the_lesson_chooses_the_stacks_controls():
    assert StackExplorer().topics == []
    assert StackExplorer(padding=1, controls="padding").topics == ["padding"]


def check(e, why=""):
    """The explorer's picture shows PyTorch's sizes, or says why there is none."""
    try:
        expected = torch_sizes(*(getattr(e, name) for name in RANGES))
    except RuntimeError:
        assert e.svg == "" and "< 1" in e.message, why
        return
    assert e.svg and e.message == "", why
    # Every level is named, or some (always the last) when there are many.
    levels = shown_levels(parse(e.svg))
    assert len(expected) in levels, why
    for level, (h, w) in enumerate(expected, 1):
        want = f"layer {level}: {h}x{w}"
        assert levels.get(level, want) == want, why


def test_every_setting_over_its_range():
    # The page computes the same in the browser (tests/browser/test_explorer_pages.py);
    # here, the Python picture behind it and the static fallback.
    # Random stacks: test_receptive checks the table against the real layers.
    e = StackExplorer(count=3, input_size=16)
    for name, (low, high) in RANGES.items():
        for value in (low, high, (low + high) // 2):
            setattr(e, name, value)
            check(e, f"{name} = {value}")
