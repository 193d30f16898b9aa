"""The course's figures: padding modes and transposed convolution against F.pad
and F.conv_transpose2d, and the files they are written to."""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from props import examples
from svg_checks import SVG, marked, matrix, panel, parse, texts

from d2lconv.figures import (
    PADDING_MODES,
    animate_sweep,
    draw_padding_modes,
    draw_transposed_conv,
    pad2d,
    sweep_frames,
)

F_PAD_NAME = {"zeros": "constant"}


def shown(picture, label):
    """The numbers a panel shows, as a float matrix (NaN where a cell is blank)."""
    return matrix(panel(parse(picture.svg), label))


def hatched_cells(picture, label):
    """How many cells of a panel are hatched (drawn as padding)."""
    return len(marked(panel(parse(picture.svg), label), "padding"))


def labels(picture):
    return [g.get("aria-label") for g in parse(picture.svg).iter(SVG + "g")]


def int_matrix(seed, shape, low=-5, high=10):
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(low, high, shape, generator=generator).float()


# ---- padding modes -------------------------------------------------------


@examples(60)
@given(
    h=st.integers(1, 6),
    w=st.integers(1, 6),
    ph=st.integers(0, 6),
    pw=st.integers(0, 6),
    mode=st.sampled_from(PADDING_MODES),
    seed=st.integers(0, 1000),
)
def test_pad2d_is_F_pad_per_side_and_refuses_what_it_refuses(h, w, ph, pw, mode, seed):
    X = int_matrix(seed, (h, w))
    try:
        expected = F.pad(X[None, None], (pw, pw, ph, ph), F_PAD_NAME.get(mode, mode))
    except RuntimeError:
        with pytest.raises(ValueError, match=f"padding .*'{mode}'"):
            pad2d(X, (ph, pw), mode)
        return
    torch.testing.assert_close(pad2d(X, (ph, pw), mode), expected[0, 0], rtol=0, atol=0)


def test_padding_modes_picture_shows_F_pad_values():
    X = int_matrix(3, (3, 4))
    picture = draw_padding_modes(X, padding=(1, 2))
    np.testing.assert_array_equal(shown(picture, "input 3x4"), X.numpy())
    for mode in PADDING_MODES:
        expected = F.pad(X[None, None], (2, 2, 1, 1), mode=F_PAD_NAME.get(mode, mode))
        np.testing.assert_array_equal(shown(picture, f"{mode} 5x8"), expected[0, 0])
        group = panel(parse(picture.svg), f"{mode} 5x8")
        assert "5\u00d78" in texts(group)
    # Padding cells are hatched: 5x8 padded minus the 3x4 input.
    assert hatched_cells(picture, "reflect 5x8") == 5 * 8 - 3 * 4
    # The default input holds 1..9, so that zero padding stands out; one mode.
    picture = draw_padding_modes(modes="replicate", padding=2)
    assert labels(picture) == ["heading", "input 3x3", "replicate 7x7"]
    assert np.array_equal(shown(picture, "input 3x3"), np.arange(1, 10).reshape(3, 3))


# ---- transposed convolution ---------------------------------------------


def term_panels(picture):
    """Each term panel's numbers, by the (i, j) of its input element."""
    terms = {}
    for label in labels(picture):
        if label.startswith("term "):
            i, j = label.split()[1].split(",")
            terms[int(i), int(j)] = shown(picture, label)
    return terms


@examples(25)
@given(
    nh=st.integers(1, 3),
    nw=st.integers(1, 3),
    kh=st.integers(1, 3),
    kw=st.integers(1, 3),
    s=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    p=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    op=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    d=st.tuples(st.integers(1, 2), st.integers(1, 2)),
    seed=st.integers(0, 1000),
)
def test_transposed_conv_figure_equals_conv_transpose2d(
    nh, nw, kh, kw, s, p, op, d, seed
):
    X, K = int_matrix(seed, (nh, nw)), int_matrix(seed + 1, (kh, kw))
    kwargs = dict(stride=s, padding=p, output_padding=op, dilation=d)
    try:
        expected = F.conv_transpose2d(X[None, None], K[None, None], **kwargs)[0, 0]
    except RuntimeError:
        # PyTorch refuses this combination; the figure must refuse it clearly.
        with pytest.raises(ValueError, match="output"):
            draw_transposed_conv(X, K, **kwargs)
        return
    picture = draw_transposed_conv(X, K, **kwargs)
    oh, ow = expected.shape
    np.testing.assert_array_equal(shown(picture, f"output {oh}x{ow}"), expected)
    # Each term, cropped like the output, is the transposed convolution of
    # X with every other element set to zero.
    terms = term_panels(picture)
    assert sorted(terms) == [(i, j) for i in range(nh) for j in range(nw)]
    for (i, j), term in terms.items():
        one = torch.zeros_like(X)
        one[i, j] = X[i, j]
        alone = F.conv_transpose2d(one[None, None], K[None, None], **kwargs)[0, 0]
        cropped = np.nan_to_num(term)[p[0] : p[0] + oh, p[1] : p[1] + ow]
        np.testing.assert_array_equal(cropped, alone.numpy())


def test_transposed_conv_default_is_the_books_example_and_padding_is_hatched():
    picture = draw_transposed_conv()
    # The book's example: [[0, 1], [2, 3]] with itself gives [[0, 0, 1],
    # [0, 4, 6], [4, 12, 9]], worked out by hand.
    np.testing.assert_array_equal(
        shown(picture, "output 3x3"), [[0, 0, 1], [0, 4, 6], [4, 12, 9]]
    )
    assert texts(panel(parse(picture.svg), "heading"))[-1].endswith("= 3")
    # Each term outlines the cells where X[i, j] * K lands.
    term = panel(parse(picture.svg), "term 1,0")
    assert marked(term, "outline") == {(1, 0), (1, 1), (2, 0), (2, 1)}
    picture = draw_transposed_conv(
        int_matrix(5, (2, 3)), int_matrix(6, (2, 2)), stride=2, padding=1
    )
    # The ring of width 1 is hatched: 4x6 canvas minus the 2x4 output.
    assert hatched_cells(picture, "sum 4x6") == 4 * 6 - 2 * 4
    heading = " ".join(texts(panel(parse(picture.svg), "heading")))
    assert "(2-1)\u00b72 - 2\u00b71 + 1\u00b7(2-1) + 0 + 1 = 2" in heading


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (
            lambda: pad2d(torch.ones(2, 3), 2, "reflect"),
            "padding height 2 with mode 'reflect' must be smaller than the input "
            "height 2 (p < n",
        ),
        (
            lambda: pad2d(torch.ones(4, 2), (1, 3), "circular"),
            "padding width 3 with mode 'circular' must be at most the input width 2 "
            "(p <= n",
        ),
        (lambda: pad2d(torch.ones(2, 2), 1, "mirror"), "mode must be one of 'zeros'"),
        (
            lambda: pad2d(torch.ones(2, 2), -1),
            "padding must be non-negative (>= 0), got -1",
        ),
        (lambda: draw_padding_modes(modes=()), "modes must name at least one"),
        (
            lambda: draw_padding_modes(torch.ones(2, 2), 2, modes=["reflect"]),
            "padding height 2 with mode 'reflect'",
        ),
        (
            lambda: draw_transposed_conv(torch.ones(4, 3)),
            "X has 4\u00d73 = 12 elements; the picture draws one term per element, "
            "at most max_terms=9",
        ),
        (
            lambda: draw_transposed_conv(stride=2, output_padding=2),
            "output_padding",
        ),
        (
            lambda: draw_transposed_conv(padding=2),
            "(2-1)*1 - 2*2 + 1*(2-1) + 0 + 1 = -1",
        ),
    ],
)
def test_bad_input_is_explained(call, words):
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)


# ---- sweep animation -----------------------------------------------------


def test_animate_sweep_writes_one_frame_per_output_cell(tmp_path):
    X, K = torch.arange(16.0).reshape(4, 4), torch.ones(2, 3)
    args = dict(padding=(1, 0), stride=(2, 1))
    Y = F.conv2d(X[None, None], K[None, None], **args)[0, 0]
    path = animate_sweep(tmp_path / "sweep.svg", X, K, duration=200, **args)
    root = parse(path.read_text())
    assert root.get("data-frames") == str(Y.numel()) == "6"
    # 200 ms a frame, the last one 1800 ms: 5 * 0.2 + 1.8 s.
    assert {a.get("dur") for a in root.iter(SVG + "animate")} == {"2.8s"}
    # Frame k shows output cell k (row-major) and PyTorch's value for it.
    for k, frame in enumerate(sweep_frames(X, K, **args)):
        text = "\n".join(texts(parse(frame.svg)))
        i, j = divmod(k, Y.shape[1])
        assert re.search(rf"output\[{i}, {j}\] = [^\n]* = {int(Y[i, j])}\n", text)
