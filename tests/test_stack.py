"""Stacks of layers: sizes and receptive fields in the picture, checked with PyTorch."""

import pytest
import torch
from explorer_checks import error_outputs
from props import combinations, describe, rng
from svg_checks import SVG, panel, parse, texts
from torch import nn

from d2lconv.stack import StackExplorer, draw_stack, repeat_layer, stack_sizes


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    # Many tiny convolutions: thread start-up costs more than the work.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def torch_sizes(input_size, count, k, p=0, s=1, d=1):
    """Output (h, w) after each of ``count`` real nn.Conv2d layers."""
    X = torch.zeros(1, 1, input_size, input_size)
    sizes = []
    for _ in range(count):
        X = nn.Conv2d(1, 1, k, stride=s, padding=p, dilation=d, bias=False)(X)
        sizes.append(tuple(X.shape[2:]))
    return sizes


def torch_seen_rows(input_size, layers):
    """Rows of every level (input first) the centre output of the last layer
    depends on, from gradients through real nn.Conv2d layers (ones as weights)."""
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
        rows.append((min(used), max(used)))
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


def test_seven_5x5_layers_take_32_to_4():
    sizes = stack_sizes(32, repeat_layer(7, 5))
    assert [h for h, _ in sizes] == [28, 24, 20, 16, 12, 8, 4]
    assert sizes == torch_sizes(32, 7, 5)


def test_224_needs_55_layers_to_reach_4():
    assert stack_sizes(224, repeat_layer(55, 5))[-1] == (4, 4)
    assert stack_sizes(224, repeat_layer(54, 5))[-1] == (8, 8)
    assert stack_sizes(224, repeat_layer(55, 5)) == torch_sizes(224, 55, 5)


@pytest.mark.parametrize("k", [1, 3, 5, 7])
def test_total_padding_k_minus_1_keeps_the_size(k):
    sizes = stack_sizes(32, repeat_layer(10, k, padding=(k - 1) // 2))
    assert sizes == [(32, 32)] * 10 == torch_sizes(32, 10, k, (k - 1) // 2)


def test_draw_stack_shows_each_size_and_the_last_field():
    root = parse(draw_stack(32, repeat_layer(7, 5)).svg)
    levels = shown_levels(root)
    expected = [(32, 32)] + torch_sizes(32, 7, 5)
    assert levels == {
        level: ("input" if level == 0 else f"layer {level}") + f": {h}x{w}"
        for level, (h, w) in enumerate(expected)
    }
    # The plot's title sums up the last layer: 5 + 6 * 4 = 29 rows of field.
    plot = panel(root, "output height and receptive field per layer")
    assert "after 7 layers: 4x4, field 29x29, jump 1x1" in texts(plot)


@pytest.mark.parametrize(
    "input_size, layers",
    [
        (32, repeat_layer(7, 5)),
        (3, repeat_layer(2, 2)),
        (32, repeat_layer(2, 3, stride=2)),
        (40, repeat_layer(3, 3, padding=1, dilation=2)),
        (17, repeat_layer(4, 4, padding=2, stride=1)),
    ],
)
def test_the_orange_cone_is_what_the_centre_output_depends_on(input_size, layers):
    root = parse(draw_stack(input_size, layers).svg)
    rows = torch_seen_rows(input_size, layers)
    sizes = [(input_size, input_size)] + stack_sizes(input_size, layers)
    expected = [
        ("input" if level == 0 else f"layer {level}") + f": rows {r0}..{r1} of {h}"
        for level, ((r0, r1), (h, _)) in enumerate(zip(rows, sizes, strict=True))
    ]
    assert shown_seen(root) == expected


def test_draw_stack_explains_an_empty_layer_or_no_layer():
    with pytest.raises(ValueError, match="layer 8"):
        draw_stack(32, repeat_layer(8, 5))
    with pytest.raises(ValueError, match="at least one"):
        draw_stack(32, [])
    with pytest.raises(ValueError, match="input_size must be positive"):
        draw_stack(0, repeat_layer(1, 3))


def test_explorer_defaults_show_the_book_stack():
    e = StackExplorer()
    assert [row.output_size for row in e.table][-1] == (4, 4)
    assert e.table[-1].receptive_field == (29, 29)
    assert shown_levels(parse(e.svg))[7] == "layer 7: 4x4"
    e.controls["count"].value = 8
    assert e.picture is None and "layer 8" in e.message and "< 1" in e.message


def check(e, why=""):
    v = e.values()
    assert error_outputs(e) == [], why
    try:
        expected = torch_sizes(
            v["input_size"],
            v["count"],
            v["kernel_size"],
            v["padding"],
            v["stride"],
            v["dilation"],
        )
    except RuntimeError:
        assert e.picture is None and "< 1" in e.message, why
        return
    assert e.picture is not None and e.message == "", why
    levels = shown_levels(parse(e.svg))
    last = v["count"]
    assert levels[last] == f"layer {last}: {expected[-1][0]}x{expected[-1][1]}", why
    assert [row.output_size for row in e.table] == expected, why


def geometry(e):
    """What the picture depends on: dilation matters only through d(k - 1)."""
    v = e.values()
    span = v["dilation"] * (v["kernel_size"] - 1) + 1
    return v["count"], v["input_size"], span, v["padding"], v["stride"]


def test_every_control_over_its_range_and_random_combinations():
    e = StackExplorer(count=3, input_size=16)
    ranges = {name: (c.min, c.max) for name, c in e.controls.items()}
    for name, (low, high) in ranges.items():
        for value in (low, high, (low + high) // 2):
            e.controls[name].value = value
            check(e, f"{name} = {value}")
    r = rng("stack")
    before = (geometry(e), e.svg or e.message)
    for _ in range(combinations(60)):
        name = r.choice(list(ranges))
        e.controls[name].value = r.randint(*ranges[name])
        why = f"{e.values()}; {describe(r)}"
        check(e, why)
        now = (geometry(e), e.svg or e.message)
        if now[0] != before[0] and e.picture is not None:
            assert now[1] != before[1], why
        before = now
