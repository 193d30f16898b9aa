"""Pooling: the picture shows PyTorch's numbers, the window and a line to paste."""

import random

import numpy as np
import pytest
import torch
from explorer_checks import error_outputs
from hypothesis import assume, given
from hypothesis import strategies as st
from props import combinations, describe, examples, rng
from svg_checks import marked, matrix, panel, parse, texts
from torch import nn

from d2lconv import PoolingExplorer, draw_pooling, pool
from d2lconv.pooling import pooling_window


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


def pasted_layer(words):
    """Run the ``nn.MaxPool2d(...)``/``nn.AvgPool2d(...)`` line the picture shows."""
    code = next(w for w in words if w.startswith(("nn.MaxPool2d(", "nn.AvgPool2d(")))
    return eval(code, {"nn": nn})  # the line a student would paste


def test_the_books_max_pool_example_shows_pytorchs_output():
    X = torch.arange(16.0).reshape(1, 1, 4, 4)
    expected = nn.MaxPool2d(3, padding=1, stride=(2, 1))(X)[0, 0]
    root = parse(draw_pooling(X[0], 3, stride=(2, 1), padding=1).svg)
    words = texts(root)
    for value in expected.flatten().tolist():
        assert f"{value:g}" in words
    shown = matrix(panel(root, "output channel 0"))
    assert np.array_equal(shown, expected.numpy())
    # The shown line is the layer itself: pasted, it gives the same numbers.
    layer = pasted_layer(words)
    assert isinstance(layer, nn.MaxPool2d)
    assert torch.equal(layer(X)[0, 0], expected)
    assert any(f"-> output {tuple(expected[None].shape)}" in w for w in words)


def test_two_channels_are_pooled_each_on_its_own():
    X = torch.arange(32.0).view(2, 4, 4)
    expected = torch.tensor(
        [[[5.0, 6, 7, 7], [13, 14, 15, 15]], [[21, 22, 23, 23], [29, 30, 31, 31]]]
    )
    root = parse(draw_pooling(X, 3, stride=(2, 1), padding=1).svg)
    for ch in range(2):
        assert np.array_equal(matrix(panel(root, f"output channel {ch}")), expected[ch])
        # The padded input: padding shows -inf (it never wins a max).
        padded = matrix(panel(root, f"input channel {ch}"))
        assert padded.shape == (6, 6) and np.all(padded[0] == -np.inf)
        assert np.array_equal(padded[1:5, 1:5], X[ch].numpy())


def test_avg_pool_counts_padding_as_in_the_book():
    X = torch.arange(32.0).view(2, 4, 4)
    root = parse(draw_pooling(X, 3, stride=(2, 1), padding=1, mode="avg").svg)
    expected = nn.AvgPool2d(3, (2, 1), 1)(X[None])[0]
    shown = matrix(panel(root, "output channel 0"))
    # Two decimals in the picture.
    assert np.allclose(shown, expected[0].numpy(), atol=0.006)
    assert np.allclose(shown, [[1.11, 2, 2.67, 2], [5.67, 9, 10, 7]])
    assert isinstance(pasted_layer(texts(root)), nn.AvgPool2d)


def test_the_window_of_the_chosen_cell_is_outlined():
    X = torch.arange(16.0).view(1, 4, 4)
    root = parse(draw_pooling(X, 2, stride=1, padding=1, cell=(1, 3)).svg)
    assert marked(panel(root, "output channel 0"), "outline") == {(1, 3)}
    # Output (1, 3) with stride 1 sees padded rows 1-2 and columns 3-4.
    window = marked(panel(root, "input channel 0"), "outline")
    assert window == {(1, 3), (1, 4), (2, 3), (2, 4)}
    line = next(w for w in texts(root) if w.startswith("channel 0, output cell"))
    assert "max(2, 3, 6, 7) = 7" in line
    # A row-major index names the same cell (the output is 5x5).
    same = parse(draw_pooling(X, 2, stride=1, padding=1, cell=8).svg)
    assert marked(panel(same, "input channel 0"), "outline") == window


def test_ceil_mode_formula_drops_a_window_that_starts_in_the_padding():
    X = torch.arange(49.0).view(1, 7, 7)
    layer = nn.MaxPool2d((4, 3), stride=(3, 2), padding=(2, 1), ceil_mode=True)
    root = parse(
        draw_pooling(X, (4, 3), stride=(3, 2), padding=(2, 1), ceil_mode=True).svg
    )
    expected = layer(X[None])[0, 0]
    assert np.array_equal(matrix(panel(root, "output channel 0")), expected.numpy())
    formula = next(w for w in texts(root) if w.startswith("output size"))
    assert (
        f"= 4 - 1 (last window would start in the padding) = {expected.shape[0]}"
        in (formula)
    )


@examples(40)
@given(
    size=st.tuples(st.integers(1, 2), st.integers(1, 7), st.integers(1, 7)),
    k=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    s=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    p=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    mode=st.sampled_from(["max", "avg"]),
    ceil=st.booleans(),
    include=st.booleans(),
    seed=st.integers(0, 99),
)
def test_every_output_shown_is_pytorchs(size, k, s, p, mode, ceil, include, seed):
    X = torch.randint(-9, 10, size, generator=torch.Generator().manual_seed(seed))
    X = X.float()
    expected = reference(X, k, s, p, mode, ceil, include)
    assume(expected is not None)
    root = parse(draw_pooling(X, k, s, p, mode, ceil, include).svg)
    for ch in range(size[0]):
        shown = matrix(panel(root, f"output channel {ch}"))
        assert np.allclose(shown, expected[ch].numpy(), atol=0.006)
    # The line under the picture, pasted, makes the same layer.
    layer = pasted_layer(texts(root))
    assert torch.allclose(layer(X[None])[0], expected)


def test_pool_on_the_3x3_example():
    X = torch.arange(9.0).view(1, 3, 3)
    assert pool(X, 2, stride=1, mode="max").tolist() == [[[4, 5], [7, 8]]]
    assert pool(X, 2, stride=1, mode="avg").tolist() == [[[2, 3], [5, 6]]]


def test_pool_default_stride_is_the_window():
    X = torch.arange(16.0).view(1, 4, 4)
    assert torch.equal(pool(X, 2), nn.MaxPool2d(2)(X[None])[0])


def test_draw_pooling_explains_bad_arguments():
    X = torch.arange(32.0).view(2, 4, 4)
    with pytest.raises(ValueError, match="padding"):
        draw_pooling(X, 2, padding=2)
    with pytest.raises(ValueError, match="cell must be between 0 and 3"):
        draw_pooling(X, 2, cell=99)
    with pytest.raises(ValueError, match=r"cell must be a position \(i, j\)"):
        draw_pooling(X, 2, cell=(2, 0))
    with pytest.raises(ValueError, match="mode must be one of"):
        draw_pooling(X, 2, mode="min")
    with pytest.raises(ValueError, match="X must be a 2-D or 3-D tensor"):
        draw_pooling(X[None], 2)
    with pytest.raises(TypeError, match="kernel_size must be an int"):
        draw_pooling(X, 2.5)


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


def check_state(explorer, previous, why=""):
    """Assert the explorer shows PyTorch's result or an explanation; return state."""
    assert error_outputs(explorer) == [], why
    args = settings(explorer)
    expected = reference(*args)
    if expected is None:
        assert explorer.picture is None, why
        assert "No pooling for these settings" in explorer.message, why
        assert explorer.explanation.value != "", why
        return None
    assert explorer.message == "", why
    assert torch.equal(explorer.result(), expected), why
    root = parse(explorer.svg)
    tolerance = 0 if args[4] == "max" else 0.006  # avg shows two decimals
    for ch in range(expected.shape[0]):
        shown = matrix(panel(root, f"output channel {ch}"))
        assert np.allclose(shown, expected[ch].numpy(), atol=tolerance), why
    # The outlined output cell is the one the cell slider names.
    oh, ow = expected.shape[1:]
    assert explorer.controls["cell"].max == oh * ow - 1, why
    cell = divmod(explorer.controls["cell"].value, ow)
    assert marked(panel(root, "output channel 0"), "outline") == {cell}, why
    state = (effective_state(explorer), explorer.svg)
    if previous is not None and previous[0] != state[0]:
        assert previous[1] != state[1], f"picture did not change: {state[0]} {why}"
    return state


def test_every_control_at_its_boundaries():
    explorer = PoolingExplorer()
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
            why = f"{name} = {value!r}"
            previous = check_state(explorer, previous, why) or previous


def test_random_combinations():
    explorer = PoolingExplorer()
    r = rng("pooling")
    previous, invalid, count = None, 0, combinations(60)
    for _ in range(count):
        with explorer.hold():
            for control in explorer.controls.values():
                if hasattr(control, "options"):
                    control.value = r.choice(list(control.options))
                elif hasattr(control, "min"):
                    control.value = r.randint(control.min, control.max)
                else:
                    control.value = r.random() < 0.5
        why = f"{explorer.values()}; {describe(r)}"
        state = check_state(explorer, previous, why)
        invalid += state is None
        previous = state or previous
    # Both kinds of combination were exercised.
    assert 0 < invalid < count, describe(r)


def test_windows_shown_give_pytorchs_numbers():
    """The outlined window and divisor of every output cell reproduce PyTorch."""
    r = random.Random(1)
    checked = 0
    for _ in range(300):
        c, h, w = r.randint(1, 2), r.randint(1, 7), r.randint(1, 7)
        X = torch.randint(-9, 10, (c, h, w)).float()
        k = (r.randint(1, 4), r.randint(1, 4))
        s = (r.randint(1, 4), r.randint(1, 4))
        p = (r.randint(0, k[0] // 2), r.randint(0, k[1] // 2))
        mode, ceil = r.choice(["max", "avg"]), r.random() < 0.5
        include = r.random() < 0.5
        Y = reference(X, k, s, p, mode, ceil, include)
        if Y is None:
            continue
        for i in range(Y.shape[1]):
            for j in range(Y.shape[2]):
                rows, cols, with_pad, without_pad = pooling_window(
                    (h, w), (i, j), k, s, p
                )
                rr = [x - p[0] for x in rows if 0 <= x - p[0] < h]
                qq = [x - p[1] for x in cols if 0 <= x - p[1] < w]
                window = X[:, rr][:, :, qq]
                if mode == "max":
                    got = window.amax(dim=(1, 2))
                else:
                    got = window.sum(dim=(1, 2)) / (
                        with_pad if include else without_pad
                    )
                assert torch.allclose(got, Y[:, i, j], atol=1e-5)
                checked += 1
    assert checked > 1000


def test_motion_moves_the_window_over_every_output_cell():
    e = PoolingExplorer()
    _, oh, ow = e.result().shape
    frames = e.frames()
    assert len(frames) == oh * ow
    cells = [marked(panel(parse(f.svg), "output channel 0"), "outline") for f in frames]
    assert cells == [{divmod(k, ow)} for k in range(oh * ow)]
    assert e.animation().times()[1] == e.FRAME_MS * (oh * ow - 1) + e.LAST_FRAME_MS
    # Settings with no output have no motion either (and no traceback).
    e.controls["padding_h"].value = 2
    e.controls["window_h"].value = 1
    assert e.picture is None
    assert e.animation() is None
