"""Pooling: the picture shows PyTorch's numbers, the window and a line to paste."""

import numpy as np
import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st
from props import examples
from svg_checks import SVG, marked, matrix, panel, parse, texts
from torch import nn

from d2lconv import PoolingExplorer, draw_pooling

X32 = torch.arange(32.0).view(2, 4, 4)  # the book's example
RANDOM_INPUT = "random 0..9: 2 channels, 6x6"


def reference(X, kernel_size, stride, padding, mode, ceil_mode, count_include_pad):
    """PyTorch's layer on ``X`` (c, h, w); None when PyTorch refuses the arguments."""
    if mode == "max":
        layer = nn.MaxPool2d(kernel_size, stride, padding, ceil_mode=ceil_mode)
    else:
        args = (kernel_size, stride, padding, ceil_mode, count_include_pad)
        layer = nn.AvgPool2d(*args)
    try:
        Y = layer(X[None])[0]
    except RuntimeError:
        return None
    return Y if Y.numel() else None


def pasted_layer(words):
    """Run the ``nn.MaxPool2d(...)``/``nn.AvgPool2d(...)`` line the picture shows."""
    code = next(w for w in words if w.startswith(("nn.MaxPool2d(", "nn.AvgPool2d(")))
    return eval(code, {"nn": nn})  # the line a student would paste


def outputs(root, channels):
    """The output panels' numbers, channel by channel."""
    return np.stack(
        [matrix(panel(root, f"output channel {c}")) for c in range(channels)]
    )


def test_the_books_example_shows_pytorchs_output_and_a_line_to_paste():
    # 3x3 windows, padding 1, stride (2, 1): also where the explorer starts.
    maximum = [[[5, 6, 7, 7], [13, 14, 15, 15]], [[21, 22, 23, 23], [29, 30, 31, 31]]]
    book = draw_pooling(X32, 3, stride=(2, 1), padding=1)
    for root in (parse(book.svg), parse(PoolingExplorer().svg)):
        assert np.array_equal(outputs(root, 2), maximum)
        # The padded input: padding shows -inf (it never wins a max).
        padded = matrix(panel(root, "input channel 1"))
        assert np.all(padded[0] == -np.inf) and np.array_equal(padded[1:5, 1:5], X32[1])
        assert marked(panel(root, "output channel 0"), "outline") == {(0, 0)}
        words = texts(root)
        layer = "nn.MaxPool2d(kernel_size=3, stride=(2, 1), padding=1, ceil_mode=False)"
        assert layer in words and any("-> output (2, 2, 4)" in w for w in words)
        assert pasted_layer(words)(X32[None])[0].tolist() == maximum
        # Windows of 3 at stride 2 cover rows 0-4 of the 6 padded rows: row 5,
        # padding, stays hatched, not faded.
        assert "the floor drops 1 row at the bottom of the padded input" in words[-2]
        assert marked(panel(root, "input channel 0"), "dimmed") == set()
    root = parse(draw_pooling(X32, 3, stride=(2, 1), padding=1, mode="avg").svg)
    # Two decimals; the padding counts as zeros: every sum is divided by 9.
    shown = matrix(panel(root, "output channel 0"))
    assert np.allclose(shown, [[1.11, 2, 2.67, 2], [5.67, 9, 10, 7]])
    assert isinstance(pasted_layer(texts(root)), nn.AvgPool2d)
    # Without a stride, the windows do not overlap.
    root = parse(draw_pooling(X32, 2).svg)
    assert outputs(root, 2).tolist() == [[[5, 7], [13, 15]], [[21, 23], [29, 31]]]


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


def test_dropped_rows_and_columns_are_faded():
    # 2x2 windows every 2 on 5x5: rows and columns 0-3 are read, 4 is dropped.
    root = parse(draw_pooling(torch.arange(25.0).view(1, 5, 5), 2).svg)
    assert "drops 1 row at the bottom and 1 column" in " ".join(texts(root))
    unread = {(r, c) for r in range(5) for c in range(5) if 4 in (r, c)}
    assert marked(panel(root, "input channel 0"), "dimmed") == unread
    assert "skipped by every window" not in " ".join(texts(root))


def test_rows_and_columns_the_stride_steps_over_are_faded_and_named():
    # 1x1 windows every 3 on 5x5 read rows and columns 0 and 3: 1 and 2 are
    # stepped over, 4 is dropped; only the four cells read stay unfaded.
    root = parse(draw_pooling(torch.arange(25.0).view(1, 5, 5), 1, stride=3).svg)
    words = " ".join(texts(root))
    assert "skipped by every window (faded): rows 1, 2; columns 1, 2" in words
    read = {(0, 0), (0, 3), (3, 0), (3, 3)}
    unread = {(r, c) for r in range(5) for c in range(5)} - read
    assert marked(panel(root, "input channel 0"), "dimmed") == unread
    # Windows 3 wide every 4 over padding 1 read padded columns 0-2, 4-6 and
    # 8-10: input columns 0, 1, 3-5, 7, 8; 2 and 6 are stepped over (padded 3
    # and 7). The padding columns 0 and 10 stay hatched, not faded.
    X = torch.arange(45.0).view(1, 5, 9)
    root = parse(draw_pooling(X, (1, 3), stride=(3, 4), padding=(0, 1)).svg)
    words = " ".join(texts(root))
    assert "skipped by every window (faded): rows 1, 2; columns 2, 6" in words
    unread = {(r, c) for r in range(5) for c in range(1, 10) if r in (1, 2, 4)}
    unread |= {(r, c) for r in range(5) for c in (3, 7)}
    assert marked(panel(root, "input channel 0"), "dimmed") == unread


def test_padded_input_is_numbered_from_minus_the_padding():
    # The caption names input rows: 2x2 windows every 3 over padding 1 read
    # padded rows 0, 1 and 3, 4, that is input rows -1, 0 and 2, 3: row 1 is
    # stepped over, and the panel numbers its rows and columns -1 to 5.
    root = parse(draw_pooling(torch.arange(25.0).view(1, 5, 5), 2, 3, 1).svg)
    assert "skipped by every window (faded): rows 1; columns 1" in texts(root)
    group = panel(root, "input channel 0")
    small = [t.text for t in group.iter(SVG + "text") if t.get("font-size") == "10"]
    assert small == [str(i) for i in range(-1, 6)] * 2


@pytest.mark.parametrize(
    "n, k, s, p, tinted",
    # ceil((5 - 1)/3) + 1 = 3 windows, the 3rd would start at 6 >= 5: dropped.
    # ceil((7 + 4 - 4)/3) + 1 = 4, the 4th at 9 >= 7 + 2 (past the input):
    # dropped; the padded row 10 is left (padding). ceil(6/4) + 1 = 3, the 3rd
    # at 8 >= 6 + 1; padded rows 6, 7 left. ceil(3/2) + 1 = 3, the 3rd at 4 < 5
    # and ceil(6/2) + 1 = 4, the 4th at 6 < 7 + 1 start in the input: kept.
    [
        (5, 1, 3, 0, 1),
        (7, 4, 3, 2, 1),
        (6, 2, 4, 1, 2),
        (5, 2, 2, 0, 0),
        (7, 3, 2, 1, 0),
    ],
)
def test_ceil_mode_drops_a_window_that_would_start_past_the_input(n, k, s, p, tinted):
    X = torch.arange(n * n, dtype=torch.float32).view(1, n, n).requires_grad_()
    Y = nn.AvgPool2d(k, s, p, ceil_mode=True)(X[None])
    Y.sum().backward()  # the input rows no window reads get no gradient
    last_read = int(torch.nonzero(X.grad[0, :, 0]).max())
    assert n - 1 - last_read == max(0, tinted - p)
    root = parse(draw_pooling(X.detach(), k, s, p, "avg", ceil_mode=True).svg)
    assert matrix(panel(root, "output channel 0")).shape == Y.shape[-2:]
    words = texts(root)
    note = f"- 1 (the last window would start past the input) = {Y.shape[-1]}"
    formulas = [w for w in words if w.startswith(("  h: ceil", "  w: ceil"))]
    caption = [w for w in words if "unread (tinted purple)" in w]
    if not tinted:  # the formulas on one line, no window dropped
        assert not formulas and not caption
        return
    assert len(formulas) == 2 and all(w.endswith(note) for w in formulas)
    rows = f"{tinted} row" + "s" * (tinted > 1)
    columns = f"{tinted} column" + "s" * (tinted > 1)
    assert caption == [
        f"{rows} at the bottom and {columns} at the right unread (tinted purple): "
        "no window may start past the input"
    ]
    group = panel(root, "input channel 0")
    tints = {e.get("data-dropped") for e in group.iter() if e.get("data-dropped")}
    assert tints == {f"{tinted} rows", f"{tinted} columns"}
    assert int(root.get("width")) <= 800  # a lesson's column


@examples(50)
@given(
    size=st.tuples(st.integers(1, 2), st.integers(1, 7), st.integers(1, 7)),
    k=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    s=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    p=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    mode=st.sampled_from(["max", "avg"]),
    ceil=st.booleans(),
    include=st.booleans(),
    seed=st.integers(0, 99),
    cell=st.integers(0, 99),
)
def test_every_output_and_window_shown_is_pytorchs(
    size, k, s, p, mode, ceil, include, seed, cell
):
    X = torch.randint(-9, 10, size, generator=torch.Generator().manual_seed(seed))
    X = X.float()
    expected = reference(X, k, s, p, mode, ceil, include)
    assume(expected is not None)
    cell %= expected[0].numel()
    root = parse(draw_pooling(X, k, s, p, mode, ceil, include, cell).svg)
    assert np.allclose(outputs(root, size[0]), expected.numpy(), atol=0.006)
    # The line under the picture, pasted, makes the same layer.
    layer = pasted_layer(texts(root))
    assert torch.allclose(layer(X[None])[0], expected)
    # The chosen cell's window and divisor, written out, give PyTorch's number.
    line = next(w for w in texts(root) if w.startswith("channel 0, output cell"))
    value = float(line.split(" = ")[-1].split()[0])
    i, j = divmod(cell, expected.shape[2])
    assert value == pytest.approx(float(expected[0, i, j]), rel=1e-3, abs=1e-3)


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
    assert e.inputs[e.input] == X32.int().tolist()
    assert e.inputs["0..48: 1 channel, 7x7"] == torch.arange(49).view(1, 7, 7).tolist()
    generator = torch.Generator().manual_seed(0)
    random_values = torch.randint(0, 10, (2, 6, 6), generator=generator)
    assert e.inputs[RANDOM_INPUT] == random_values.tolist()
    assert e.inputs["edge image: 1 channel, 6x8"][0][0] == [1, 1, 0, 0, 0, 0, 1, 1]


def test_the_settings_are_pytorchs_arguments():
    # Every setting away from its default, as the page sends them; draw_pooling
    # itself is checked against PyTorch for random arguments above.
    settings = dict(mode="avg", input=RANDOM_INPUT, window_h=3, window_w=4)
    settings.update(padding_h=0, padding_w=2, stride_h=2, stride_w=3)
    settings.update(ceil_mode=True, count_include_pad=False, cell=99)
    e = PoolingExplorer()
    e.set_state(settings)
    X = torch.tensor(e.inputs[RANDOM_INPUT], dtype=torch.float32)
    expected = nn.AvgPool2d((3, 4), (2, 3), (0, 2), True, False)(X[None])[0]
    root = parse(e.svg)
    assert np.allclose(outputs(root, 2), expected.numpy(), atol=0.006)
    # An output cell beyond the output (3x3) is its last.
    assert marked(panel(root, "output channel 0"), "outline") == {(2, 2)}
