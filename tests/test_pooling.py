"""PoolingExplorer: every control over its range, results equal to PyTorch's."""

import random

import numpy as np
import pytest
import torch
from explorer_checks import error_outputs, fingerprint
from torch import nn

from d2lconv import PoolingExplorer, draw_pooling, pool
from d2lconv.pooling import pooling_window

N_RANDOM = 200


def reference(X, window, stride, padding, mode, ceil_mode, count_include_pad):
    """PyTorch's layer on ``X`` (c, h, w); None when PyTorch refuses the arguments."""
    if mode == "max":
        layer = nn.MaxPool2d(window, stride, padding, ceil_mode=ceil_mode)
    else:
        layer = nn.AvgPool2d(
            window,
            stride,
            padding,
            ceil_mode=ceil_mode,
            count_include_pad=count_include_pad,
        )
    try:
        Y = layer(X[None])[0]
    except RuntimeError:
        return None
    return Y if Y.numel() else None


def settings(explorer):
    v = explorer.values()
    return (
        explorer.inputs[v["input"]],
        (v["window_h"], v["window_w"]),
        (v["stride_h"], v["stride_w"]),
        (v["padding_h"], v["padding_w"]),
        v["mode"],
        v["ceil_mode"],
        v["count_include_pad"],
    )


def effective_state(explorer):
    """The values that decide the picture: count_include_pad only matters for avg."""
    v = explorer.values()
    if v["mode"] == "max":
        v.pop("count_include_pad")
    return tuple(sorted(v.items()))


@pytest.fixture
def explorer(monkeypatch):
    # PNG encoding is the slow part and is tested separately below; here the
    # image holds a fingerprint of everything the figure draws.
    monkeypatch.setattr(PoolingExplorer, "render", lambda self, fig: fingerprint(fig))
    return PoolingExplorer()


def test_default_is_the_books_max_pool_example(explorer):
    expected = torch.tensor(
        [[[5.0, 6, 7, 7], [13, 14, 15, 15]], [[21, 22, 23, 23], [29, 30, 31, 31]]]
    )
    assert explorer.message == ""
    assert torch.equal(explorer.result(), expected)
    shown = [grid.values for grid in explorer._figure.output_grids]
    assert np.array_equal(np.stack(shown), expected.numpy())


def test_avg_pool_counts_padding_as_in_the_book(explorer):
    explorer.controls["mode"].value = "avg"
    first = explorer.result()[0]
    expected = torch.tensor([[1.1111, 2, 2.6667, 2], [5.6667, 9, 10, 7]])
    assert torch.allclose(first, expected, atol=1e-4)


def test_pool_on_the_3x3_example():
    X = torch.arange(9.0).view(1, 3, 3)
    assert pool(X, 2, stride=1, mode="max").tolist() == [[[4, 5], [7, 8]]]
    assert pool(X, 2, stride=1, mode="avg").tolist() == [[[2, 3], [5, 6]]]


def test_pool_default_stride_is_the_window():
    X = torch.arange(16.0).view(1, 4, 4)
    assert torch.equal(pool(X, 2), nn.MaxPool2d(2)(X[None])[0])


def check_state(explorer, previous):
    """Assert the explorer shows PyTorch's result or an explanation; return state."""
    assert error_outputs(explorer) == []
    args = settings(explorer)
    expected = reference(*args)
    if expected is None:
        assert explorer.figure is None
        assert "No pooling for these settings" in explorer.message
        assert explorer.explanation.value != ""
        return None
    assert explorer.message == ""
    assert explorer.figure is not None
    assert torch.equal(explorer.result(), expected)
    for ch, grid in enumerate(explorer._figure.output_grids):
        assert np.array_equal(grid.values, expected[ch].numpy())
    # The outlined output cell is the one the cell slider names.
    oh, ow = expected.shape[1:]
    cell = divmod(explorer.controls["cell"].value, ow)
    assert explorer.controls["cell"].max == oh * ow - 1
    assert explorer._figure.output_grids[0].outline is not None
    state = (effective_state(explorer), explorer.image.value)
    if previous is not None and previous[0] != state[0]:
        assert previous[1] != state[1], f"picture did not change: {state[0]}"
    assert cell[0] < oh
    return state


def test_every_control_at_its_boundaries(explorer):
    previous = check_state(explorer, None)
    for name, control in explorer.controls.items():
        if hasattr(control, "options"):
            ends = list(control.options)
        elif hasattr(control, "min"):
            ends = [control.min, control.max, control.min]
        else:
            ends = [not control.value, control.value]
        for value in ends:
            control.value = value
            previous = check_state(explorer, previous) or previous
        assert name in explorer.controls


def test_random_combinations(explorer):
    rng = random.Random(0)
    previous = None
    invalid = 0
    for _ in range(N_RANDOM):
        with explorer.hold():
            for control in explorer.controls.values():
                if hasattr(control, "options"):
                    control.value = rng.choice(list(control.options))
                elif hasattr(control, "min"):
                    control.value = rng.randint(control.min, control.max)
                else:
                    control.value = rng.random() < 0.5
        state = check_state(explorer, previous)
        invalid += state is None
        previous = state or previous
    # Both kinds of combination were exercised.
    assert 0 < invalid < N_RANDOM


def test_windows_shown_give_pytorchs_numbers():
    """The outlined window and divisor of every output cell reproduce PyTorch."""
    rng = random.Random(1)
    checked = 0
    for _ in range(300):
        c, h, w = rng.randint(1, 2), rng.randint(1, 7), rng.randint(1, 7)
        X = torch.randint(-9, 10, (c, h, w)).float()
        k = (rng.randint(1, 4), rng.randint(1, 4))
        s = (rng.randint(1, 4), rng.randint(1, 4))
        p = (rng.randint(0, k[0] // 2), rng.randint(0, k[1] // 2))
        mode, ceil = rng.choice(["max", "avg"]), rng.random() < 0.5
        include = rng.random() < 0.5
        Y = reference(X, k, s, p, mode, ceil, include)
        if Y is None:
            continue
        for i in range(Y.shape[1]):
            for j in range(Y.shape[2]):
                rows, cols, with_pad, without_pad = pooling_window(
                    (h, w), (i, j), k, s, p
                )
                r = [r - p[0] for r in rows if 0 <= r - p[0] < h]
                q = [q - p[1] for q in cols if 0 <= q - p[1] < w]
                window = X[:, r][:, :, q]
                if mode == "max":
                    got = window.amax(dim=(1, 2))
                else:
                    got = window.sum(dim=(1, 2)) / (
                        with_pad if include else without_pad
                    )
                assert torch.allclose(got, Y[:, i, j], atol=1e-5)
                checked += 1
    assert checked > 1000


def test_png_changes_with_the_state():
    ex = PoolingExplorer()
    images = {bytes(ex.image.value)}
    assert bytes(ex.image.value).startswith(b"\x89PNG")
    for name, value in [
        ("mode", "avg"),
        ("cell", 3),
        ("stride_w", 2),
        ("ceil_mode", True),
        ("input", list(ex.inputs)[2]),
    ]:
        ex.controls[name].value = value
        assert bytes(ex.image.value) not in images
        images.add(bytes(ex.image.value))
    assert error_outputs(ex) == []


def test_draw_pooling_returns_a_figure_or_explains():
    X = torch.arange(32.0).view(2, 4, 4)
    fig = draw_pooling(X, 3, stride=(2, 1), padding=1)
    assert len(fig.axes) == 4
    with pytest.raises(ValueError, match="padding"):
        draw_pooling(X, 2, padding=2)
    with pytest.raises(ValueError, match="cell"):
        draw_pooling(X, 2, cell=99)
