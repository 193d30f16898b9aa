import random

import pytest
import torch
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


def test_explorer_defaults_show_the_book_stack():
    e = StackExplorer()
    assert [row.output_size for row in e.table][-1] == (4, 4)
    assert e.table[-1].receptive_field == (29, 29)
    e.controls["count"].value = 8
    assert e.figure is None and "layer 8" in e.message and "< 1" in e.message


def check(e):
    v = e.values()
    for item in e.output.outputs:
        assert item.get("output_type") != "error", item
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
        assert e.figure is None and "< 1" in e.message
        return
    assert e.figure is not None and e.message == ""
    assert [row.output_size for row in e.table] == expected


def geometry(e):
    """What the picture depends on: dilation matters only through d(k - 1)."""
    v = e.values()
    span = v["dilation"] * (v["kernel_size"] - 1) + 1
    return v["count"], v["input_size"], span, v["padding"], v["stride"]


def test_every_control_over_its_range_and_random_combinations():
    e = StackExplorer(count=3, input_size=16)
    ranges = {name: (c.min, c.max) for name, c in e.controls.items()}
    before = (geometry(e), bytes(e.image.value) if e.figure else e.message)
    for name, (low, high) in ranges.items():
        for value in (low, high, (low + high) // 2):
            e.controls[name].value = value
            check(e)
    rng = random.Random(0)
    for _ in range(200):
        name = rng.choice(list(ranges))
        e.controls[name].value = rng.randint(*ranges[name])
        check(e)
        now = (geometry(e), bytes(e.image.value) if e.figure else e.message)
        if now[0] != before[0] and e.figure is not None:
            assert now[1] != before[1]
        before = now


def test_draw_stack_returns_a_figure_with_both_panels():
    fig = draw_stack(32, repeat_layer(2, 3, stride=2))
    assert len(fig.axes) == 2
    assert "field 7x7" in fig.axes[1].get_title()  # 3 + 2*(3-1) = 7
