import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.signal import convolve2d
from svg_checks import SVG, grid_numbers, marked, matrix, panel, parse, texts
from torch import nn

from d2lconv.data import sweep_kernel
from d2lconv.explorers.sweep import SweepExplorer
from d2lconv.sweep import TOPICS, draw_sweep

X3 = torch.arange(9.0).reshape(3, 3)
K2 = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
# The picture's PyTorch line: the F.pad first where the padding is uneven (its
# argument, else None), the layer, and the shapes "(1, 1, h, w) -> (1, 1, h', w')".
PYTORCH_LINE = re.compile(r"PyTorch: (?:F\.pad\(x, (\(.*?\))\) then )?(.*)  # (.*)")


def run_pytorch_line(root, X, K, line=PYTORCH_LINE):
    """Run the PyTorch line (``line`` matches it) written in the picture on X with
    weights K; the shapes it states must hold."""
    ((pad, call, shapes),) = [m.groups() for m in map(line.fullmatch, texts(root)) if m]
    x = X[None, None].float()
    if pad is not None:
        x = F.pad(x, eval(pad))
    conv = eval(call, {"nn": nn})
    with torch.no_grad():
        conv.weight.copy_(K[None, None])
        y = conv(x)
    shape_in, shape_out = (tuple(eval(s)) for s in shapes.split(" -> "))
    assert shape_in == tuple(X[None, None].shape)
    assert shape_out == tuple(y.shape)
    return y[0, 0]


def test_the_book_example_shows_its_output_as_text():
    # draw_sweep's picture, and the explorer's where it starts: also what a
    # page without JavaScript shows.
    e = SweepExplorer()
    bundle, _ = e._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == e.model_id
    assert bundle["text/html"] == e.svg
    for svg, terms in [
        (draw_sweep(X3, K2, step=3).svg, "output[1, 1] = 4*0 + 5*1 + 7*2 + 8*3 = 43"),
        (e.svg, "output[0, 0] = 0*0 + 1*1 + 3*2 + 4*3 = 19"),
    ]:
        root = parse(svg)
        assert grid_numbers(panel(root, "output 2x2")) == [["19", "25"], ["37", "43"]]
        assert grid_numbers(panel(root, "kernel 2x2")) == [["0", "1"], ["2", "3"]]
        assert not list(root.iter(SVG + "image"))  # numbers are text, not pictures
        lines = " ".join(texts(root))
        assert terms in lines
    # Notebook 2's sweep: only the formulas taught by then.
    assert "height: n - k + 1 = 3 - 2 + 1 = 2" in lines
    assert "nn.Conv2d(1, 1, kernel_size=2, bias=False)" in lines
    assert not any(word in lines for word in ("floor", "padding", "stride", "dilation"))


def test_edge_example_starts_at_the_book_sizes():
    e = SweepExplorer(values="edge", kernel="edge")
    X, K, Y, _ = e.tensors()
    assert X.shape == (6, 8) and K.tolist() == [[1, -1]]
    expected = torch.zeros(6, 7)
    expected[:, 1], expected[:, 5] = 1, -1
    assert Y.tolist() == expected.tolist()


def test_true_convolution_with_padding_and_stride_matches_scipy():
    # The page computes this too (tests/browser/test_explorer_pages.py); here,
    # what Python draws for the same settings, and the output behind it.
    sizes = dict(input_size=(5, 6), kernel_size=(2, 3), padding=1, stride=(2, 3))
    e = SweepExplorer(
        controls=TOPICS, values="random", kernel="random", flip=True, seed=3, **sizes
    )
    X, _, Y, _ = e.tensors()
    K = sweep_kernel("random", (2, 3), 3)
    full = convolve2d(F.pad(X, (1, 1, 1, 1)).numpy(), K.numpy(), mode="valid")
    np.testing.assert_allclose(Y.numpy(), full[::2, ::3])
    assert np.array_equal(matrix(panel(parse(e.svg), "output")), full[::2, ::3])
    shown = texts(parse(e.svg))
    assert "kernel 2x3, flipped" in shown
    # The PyTorch line is followed by what nn.Conv2d would need: a flipped weight.
    note = "# its weight is the flipped kernel: nn.Conv2d does not flip"
    assert shown[shown.index(note) - 1].startswith("PyTorch: nn.Conv2d(")
    e.flip = False
    assert note not in texts(parse(e.svg))


def test_a_new_seed_is_answered_with_pytorchs_random_integers():
    e = SweepExplorer(values="random", kernel="random")
    answered = e.answered
    e.seed = 5
    assert e.answered == answered + 1
    generator = torch.Generator().manual_seed(5)
    assert e.pools["x"] == torch.randint(-2, 5, (16, 16), generator=generator).tolist()
    X, K, _, _ = e.tensors()
    assert X.tolist() == [row[:3] for row in e.pools["x"][:3]]
    assert K.tolist() == [row[:2] for row in e.pools["k"][:2]]


def test_draw_sweep_shows_the_book_padding_example():
    root = parse(draw_sweep(X3, K2, padding=1, step=5).svg)
    output = panel(root, "output 4x4")
    assert [t for row in grid_numbers(output) for t in row] == (
        "0 3 8 4 9 19 25 10 21 37 43 16 6 7 8 0".split()
    )
    padded = panel(root, "input 3x3, padded to 5x5")
    assert grid_numbers(padded)[1] == ["0", "0", "1", "2", "0"]
    assert len(marked(padded, "padding")) == 25 - 9
    assert marked(padded, "outline") == {(1, 1), (1, 2), (2, 1), (2, 2)}
    lines = " ".join(texts(root))
    assert "output[1, 1] = 0*0 + 1*1 + 3*2 + 4*3 = 19" in lines
    # Padding alone: the formulas of notebook 4, PyTorch's per side, the book's total.
    assert "height: n + 2p - k + 1 = 3 + 2*1 - 2 + 1 = 4" in lines
    assert "book, total padding p = 2: n - k + p + 1 = 3 - 2 + 2 + 1 = 4" in lines
    assert "floor" not in lines and "stride" not in lines and "dilation" not in lines
    assert "nn.Conv2d(1, 1, kernel_size=2, padding=1, bias=False)" in lines


def test_the_lesson_chooses_the_sweeps_controls():
    e = SweepExplorer(padding=1, controls=["padding"])
    assert e.topics == ["padding"] and e.padding_h == 1
    # A setting a cell changes later, without its sliders, still gets its formula.
    e = SweepExplorer()
    e.padding_h = 2
    line = "height: n + 2p - k + 1 = 3 + 2*2 - 2 + 1 = 6   (PyTorch: padding per side)"
    assert line in texts(parse(e.svg))


@pytest.mark.parametrize(
    "options",
    [
        dict(),
        dict(padding=1, flip=True),
        dict(padding=((0, 1), (1, 2))),  # uneven: F.pad first
        dict(padding=(1, 0), stride=(2, 3), dilation=2),
    ],
)
def test_the_pytorch_line_runs_and_gives_the_output_shown(options):
    X = torch.arange(20.0).reshape(4, 5)
    root = parse(draw_sweep(X, K2, **options).svg)
    K = K2.flip(0, 1) if options.get("flip") else K2
    shown = matrix(panel(root, "output"))
    assert np.array_equal(shown, run_pytorch_line(root, X, K).numpy())


def test_floor_drop_is_reported_tinted_and_faded():
    root = parse(draw_sweep(torch.zeros(7, 7), torch.zeros(2, 2), stride=(2, 3)).svg)
    # 7 rows, windows of 2 every 2: rows 0..5 used, row 6 dropped; 7 columns
    # every 3: columns 0, 1 and 3, 4 used, 2 skipped between them, 5, 6 dropped.
    caption = " ".join(texts(root))
    assert "drops 1 row at the bottom and 2 columns at the right" in caption
    assert "skipped by every window (faded): rows none; columns 2" in caption
    group = panel(root, "input 7x7")
    tints = {e.get("data-dropped") for e in group.iter() if e.get("data-dropped")}
    assert tints == {"1 rows", "2 columns"}
    # Faded: every cell no window reads, the skipped and the dropped ones.
    read = {(r, c) for r in range(6) for c in (0, 1, 3, 4)}
    unread = {(r, c) for r in range(7) for c in range(7)} - read
    assert marked(group, "dimmed") == unread
    # Padding 2, every 2nd row: windows at rows -2, 0, 2, 4 read input rows 0 and
    # 2 of 0..2; the padding is never named nor faded.
    root = parse(
        draw_sweep(torch.zeros(3, 3), torch.zeros(1, 1), padding=2, stride=2).svg
    )
    assert "skipped by every window (faded): rows 1; columns 1" in " ".join(texts(root))
    unread = {(r + 2, c + 2) for r in range(3) for c in range(3) if 1 in (r, c)}
    assert marked(panel(root, "input 3x3, padded to 7x7"), "dimmed") == unread


def test_dilated_window_skips_cells():
    root = parse(draw_sweep(torch.ones(5, 5), torch.ones(2, 2), dilation=2, step=4).svg)
    # Output 3x3, step 4 is the centre (1, 1): rows and columns 1 and 3.
    window = marked(panel(root, "input 5x5"), "outline")
    assert window == {(1, 1), (1, 3), (3, 1), (3, 3)}
    assert grid_numbers(panel(root, "output 3x3"))[1][1] == "4"
