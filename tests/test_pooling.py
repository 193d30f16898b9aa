"""Pooling: the picture shows PyTorch's numbers, the window and a line to paste."""

import random

import numpy as np
import pytest
import torch
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


RANDOM_INPUT = "random 0..9: 2 channels, 6x6"


def explorer(**settings):
    """A pooling explorer with ``settings`` as traits (what the page sends)."""
    e = PoolingExplorer()
    e.set_state(settings)
    return e


def test_explorer_starts_on_the_books_example():
    e = PoolingExplorer()
    X = torch.arange(32.0).view(2, 4, 4)
    expected = nn.MaxPool2d(3, stride=(2, 1), padding=1)(X[None])[0]
    root = parse(e.svg)
    for ch in range(2):
        assert np.array_equal(matrix(panel(root, f"output channel {ch}")), expected[ch])
    assert marked(panel(root, "output channel 0"), "outline") == {(0, 0)}
    assert "nn.MaxPool2d(kernel_size=3, stride=(2, 1), padding=1, ceil_mode=False)" in (
        texts(root)
    )


def test_the_page_gets_the_values_of_every_input():
    e = PoolingExplorer()
    assert list(e.inputs) == [
        "arange(32): 2 channels, 4x4 (book)",
        "0..8: 1 channel, 3x3 (book)",
        "edge image: 1 channel, 6x8",
        RANDOM_INPUT,
        "0..48: 1 channel, 7x7",
    ]
    assert e.input == "arange(32): 2 channels, 4x4 (book)"
    assert e.inputs[e.input] == torch.arange(32).view(2, 4, 4).tolist()
    assert e.inputs["0..48: 1 channel, 7x7"] == torch.arange(49).view(1, 7, 7).tolist()
    generator = torch.Generator().manual_seed(0)
    random_values = torch.randint(0, 10, (2, 6, 6), generator=generator)
    assert e.inputs[RANDOM_INPUT] == random_values.tolist()
    assert e.inputs["edge image: 1 channel, 6x8"][0][0] == [1, 1, 0, 0, 0, 0, 1, 1]


def test_average_pooling_with_ceil_mode_is_pytorchs():
    e = explorer(mode="avg", input="0..48: 1 channel, 7x7", window_h=4)
    e.set_state(dict(stride_h=3, padding_h=2, ceil_mode=True, count_include_pad=False))
    X = torch.arange(49.0).view(1, 1, 7, 7)
    layer = nn.AvgPool2d(
        (4, 3), (3, 1), (2, 1), ceil_mode=True, count_include_pad=False
    )
    shown = matrix(panel(parse(e.svg), "output channel 0"))
    assert np.allclose(shown, layer(X)[0, 0], atol=0.006)


def test_an_output_cell_beyond_the_output_is_its_last():
    e = explorer(cell=99)
    assert marked(panel(parse(e.svg), "output channel 0"), "outline") == {(1, 3)}


def test_impossible_settings_are_explained_in_words():
    e = explorer(padding_h=2)
    assert e.svg == ""
    assert e.message.startswith("No pooling for these settings.\npadding height 2")
    assert "padding must be <= kernel_size // 2 = 3 // 2 = 1" in e.message
    bundle, _ = e._repr_mimebundle_()
    assert "No pooling for these settings." in bundle["text/html"]
    e = explorer(input="0..8: 1 channel, 3x3 (book)", window_h=4, padding_h=0)
    e.stride_h = 1
    assert "(3 + 2*0 - 1*(4-1) - 1)/1) + 1 = 0 < 1" in e.message


def test_the_display_holds_the_widget_and_the_picture_for_pages_without_js():
    e = PoolingExplorer()
    bundle, _ = e._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == e.model_id
    assert bundle["text/html"] == e.svg and "15" in texts(parse(e.svg))


def test_random_settings_show_pytorchs_numbers_or_explain():
    """Python's picture of the settings (the page's fallback) against PyTorch."""
    e = PoolingExplorer()
    r = rng("pooling")
    invalid, count = 0, combinations(60)
    for _ in range(count):
        k = (r.randint(1, 4), r.randint(1, 4))
        settings = dict(
            mode=r.choice(["max", "avg"]),
            input=r.choice(list(e.inputs)),
            window_h=k[0],
            window_w=k[1],
            padding_h=r.randint(0, 2),
            padding_w=r.randint(0, 2),
            stride_h=r.randint(1, 4),
            stride_w=r.randint(1, 4),
            ceil_mode=r.random() < 0.5,
            count_include_pad=r.random() < 0.5,
        )
        e.set_state(settings)
        why = f"{settings}; {describe(r)}"
        X = torch.tensor(e.inputs[e.input], dtype=torch.float32)
        p = e.parameters()
        expected = reference(
            X,
            p["kernel_size"],
            p["stride"],
            p["padding"],
            e.mode,
            e.ceil_mode,
            e.count_include_pad,
        )
        if expected is None:
            assert e.svg == "" and "No pooling" in e.message, why
            invalid += 1
            continue
        root = parse(e.svg)
        for ch in range(expected.shape[0]):
            shown = matrix(panel(root, f"output channel {ch}"))
            assert np.allclose(shown, expected[ch].numpy(), atol=0.006), why
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
