import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from props import combinations, describe, rng
from scipy.signal import convolve2d
from svg_checks import SVG, grid_numbers, marked, numbers, panel, parse, texts
from torch import nn

from d2lconv.data import sweep_kernel
from d2lconv.explorer import MOTION_MIME, MOTION_VARIABLE
from d2lconv.picture import format_number
from d2lconv.shapes import conv2d_output_shape
from d2lconv.sweep import TOPICS, SweepExplorer, draw_sweep

RANGES = {
    "input_h": range(1, 17),
    "input_w": range(1, 17),
    "kernel_h": range(1, 8),
    "kernel_w": range(1, 8),
    "padding_h": range(0, 5),
    "padding_w": range(0, 5),
    "stride_h": range(1, 5),
    "stride_w": range(1, 5),
    "dilation": range(1, 4),
    "values": ["ramp", "random", "edge"],
    "kernel": ["ramp", "ones", "random", "edge"],
    "seed": range(0, 21),
    "flip": [False, True],
}
X3 = torch.arange(9.0).reshape(3, 3)
K2 = torch.tensor([[0.0, 1.0], [2.0, 3.0]])


def reference(e):
    """PyTorch's answer for what the explorer shows."""
    v = e.values()
    K = sweep_kernel(v["kernel"], (v["kernel_h"], v["kernel_w"]), v["seed"])
    if v["flip"]:
        K = torch.flip(K, (0, 1))
    return F.conv2d(
        e.X[None, None],
        K[None, None],
        padding=(v["padding_h"], v["padding_w"]),
        stride=(v["stride_h"], v["stride_w"]),
        dilation=v["dilation"],
    )[0, 0]


def run_pytorch_line(root, X, K):
    """Run the nn.Conv2d line written in the picture on X with weights K."""
    (line,) = [t for t in texts(root) if t.startswith("PyTorch: ")]
    call, shapes = line[len("PyTorch: ") :].split("  # ")
    padded = re.match(r"F\.pad\(x, (\(.*?\))\) then (.*)", call)
    pad, call = (padded.group(1), padded.group(2)) if padded else (None, call)
    return run_pytorch_call(call, pad, shapes, X, K)


def run_pytorch_call(call, pad, shapes, X, K):
    """``call`` ("nn.Conv2d(...)") after ``F.pad(x, pad)`` (None: no pad) on X,
    with weights K; the shapes "(1, 1, h, w) -> (1, 1, h', w')" must hold."""
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


def check(e, why=""):
    """Everything that must hold in any state of the explorer."""
    v = e.values()
    assert not e.output.outputs, (e.output.outputs, why)
    try:
        oh, ow = conv2d_output_shape(
            (v["input_h"], v["input_w"]),
            (v["kernel_h"], v["kernel_w"]),
            (v["stride_h"], v["stride_w"]),
            (v["padding_h"], v["padding_w"]),
            v["dilation"],
        )
    except ValueError as err:
        assert e.picture is None and e.result is None and e.svg == "", why
        assert e.message == str(err), why
        assert "output" in e.explanation.value and "&lt; 1" in e.explanation.value
        assert e.view.layout.display == "none", why
        assert e.controls["step"].max == 0, why
        return
    assert e.message == "" and e.explanation.layout.display == "none", why
    assert e.view.layout.display is None, why
    assert e.controls["step"].max == oh * ow - 1 == e.play.max, why
    Y = reference(e)
    torch.testing.assert_close(e.result, Y, rtol=0, atol=1e-4, msg=why)
    root = parse(e.svg)
    output = panel(root, f"output {oh}x{ow}")
    expected = [[format_number(y) for y in row] for row in e.result.tolist()]
    assert grid_numbers(output) == expected, why
    # The current cell is outlined, the cells still to come are pale.
    step = v["step"]
    i, j = divmod(step, ow)
    assert marked(output, "outline") == {(i, j)}, why
    later = {(k // ow, k % ow) for k in range(step + 1, oh * ow)}
    assert marked(output, "dimmed") == later, why
    # The window: rows i*s + a*d, columns j*s + b*d of the padded input.
    rows = [i * v["stride_h"] + a * v["dilation"] for a in range(v["kernel_h"])]
    cols = [j * v["stride_w"] + b * v["dilation"] for b in range(v["kernel_w"])]
    padded = F.pad(e.X, (v["padding_w"],) * 2 + (v["padding_h"],) * 2)
    group = panel(root, "input")
    assert marked(group, "outline") == {(r, c) for r in rows for c in cols}, why
    assert len(marked(group, "padding")) == padded.numel() - e.X.numel(), why
    # The products are the window times the kernel; they sum to the output.
    products = padded[rows][:, cols] * e.K
    shown = grid_numbers(panel(root, "products"))
    assert shown == [[format_number(p) for p in row] for row in products.tolist()]
    assert f"sum = {format_number(Y[i, j].item())}" in texts(root), why
    assert e.pytorch in " ".join(texts(root)), why


def test_book_examples():
    e = SweepExplorer(controls=TOPICS)
    assert e.result.tolist() == [[19, 25], [37, 43]]
    e.controls["padding_h"].value = e.controls["padding_w"].value = 1
    assert e.result.tolist() == [
        [0, 3, 8, 4],
        [9, 19, 25, 10],
        [21, 37, 43, 16],
        [6, 7, 8, 0],
    ]
    e.controls["stride_h"].value, e.controls["stride_w"].value = 3, 2
    assert e.result.tolist() == [[0, 8], [6, 8]]
    check(e)


def test_edge_example_sets_the_book_sizes():
    e = SweepExplorer(controls=TOPICS, values="edge", kernel="edge")
    assert e.X.shape == (6, 8) and e.K.tolist() == [[1, -1]]
    expected = torch.zeros(6, 7)
    expected[:, 1], expected[:, 5] = 1, -1
    assert e.result.tolist() == expected.tolist()
    e.controls["values"].value = "ramp"
    e.controls["kernel"].value = "ones"
    e.controls["values"].value = "edge"
    assert (e.controls["input_h"].value, e.controls["input_w"].value) == (6, 8)
    e.controls["kernel"].value = "edge"
    assert (e.controls["kernel_h"].value, e.controls["kernel_w"].value) == (1, 2)
    check(e)


def test_true_convolution_matches_scipy():
    e = SweepExplorer(
        controls=TOPICS,
        input_size=(5, 6),
        kernel_size=(2, 3),
        padding=1,
        values="random",
        kernel="random",
        flip=True,
        seed=3,
    )
    K = sweep_kernel("random", (2, 3), 3)
    padded = F.pad(e.X, (1, 1, 1, 1))
    expected = convolve2d(padded.numpy(), K.numpy(), mode="valid")
    np.testing.assert_allclose(e.result.numpy(), expected)
    assert "kernel 2x3, flipped" in texts(parse(e.svg))
    check(e)


def test_step_walks_every_output_cell():
    e = SweepExplorer(controls=TOPICS, input_size=4, kernel_size=2, padding=1, stride=2)
    pictures = set()
    for step in range(e.controls["step"].max + 1):
        e.controls["step"].value = step
        check(e)
        pictures.add(e.svg)
    assert len(pictures) == 9 == e.result.numel()
    # Growing the kernel shrinks the output: the step follows, Play too.
    e.controls["kernel_h"].value = 4
    assert e.controls["step"].max == e.play.max == 2 * 3 - 1
    assert e.controls["step"].value <= 5
    check(e)


def test_empty_output_explains_instead_of_a_traceback():
    e = SweepExplorer(controls=TOPICS, input_size=3, kernel_size=2)
    e.controls["kernel_w"].value = 5
    assert e.picture is None and "output width" in e.message
    assert "floor((3 + 2*0 - 1*(5-1) - 1)/1) + 1 = -1 < 1" in e.message
    assert e.controls["step"].disabled and e.play.disabled
    check(e)
    e.controls["padding_w"].value = 1
    assert e.picture is not None and not e.controls["step"].disabled
    check(e)


def test_every_control_over_its_range_and_random_combinations():
    e = SweepExplorer(controls=TOPICS, input_size=5, kernel_size=3)
    changes = 0

    def shown_state():
        """What the picture depends on (the seed only through the values)."""
        geometry = tuple(e.values()[name] for name in list(RANGES)[:9])
        if e.picture is None:
            return geometry, e.message
        v = e.values()
        return geometry, e.X.tolist(), e.K.tolist(), v["step"], v["flip"]

    def change(name, value, why=""):
        nonlocal changes
        before = shown_state(), e.svg
        e.controls[name].value = value
        check(e, why)
        if shown_state() != before[0] and e.picture is not None:
            assert e.svg != before[1], f"the picture did not change; {why}"
        changes += 1

    for name, values in RANGES.items():
        # Every value, boundaries first, then back to a middle one.
        for value in [values[0], values[-1], *values[1:-1]]:
            change(name, value)
        change(name, RANGES[name][0] if name not in ("input_h", "input_w") else 5)
    r = rng("sweep explorer")
    names = list(RANGES) + ["step"] * 3
    for _ in range(combinations(240)):
        name = r.choice(names)
        if name == "step":
            value = r.randint(0, e.controls["step"].max)
        else:
            value = r.choice(list(RANGES[name]))
        change(name, value, f"{name}={value!r} after {e.values()}; {describe(r)}")
    assert changes > 300


def test_pytorch_line_runs_and_gives_the_output_shown():
    cases = [
        dict(input_size=3, kernel_size=2),
        dict(input_size=(5, 7), kernel_size=(2, 3), padding=(1, 2), stride=(2, 1)),
        dict(input_size=(6, 8), kernel_size=3, padding=2, dilation=2, stride=3),
    ]
    for case in cases:
        e = SweepExplorer(controls=TOPICS, values="random", kernel="random", **case)
        y = run_pytorch_line(parse(e.svg), e.X, e.K)
        torch.testing.assert_close(y, e.result, msg=str(case))
    # padding="same" with an even kernel pads one side more: F.pad first.
    X = torch.arange(20.0).reshape(4, 5)
    root = parse(draw_sweep(X, K2, padding="same").svg)
    expected = F.conv2d(X[None, None], K2[None, None], padding="same")[0, 0]
    torch.testing.assert_close(run_pytorch_line(root, X, K2), expected)


def test_draw_sweep_shows_the_book_output_as_text():
    root = parse(draw_sweep(X3, K2, step=3).svg)
    assert {"19", "25", "37", "43"} <= set(texts(root))
    assert grid_numbers(panel(root, "output 2x2")) == [["19", "25"], ["37", "43"]]
    assert grid_numbers(panel(root, "kernel 2x2")) == [["0", "1"], ["2", "3"]]
    assert "output[1, 1] = 4*0 + 5*1 + 7*2 + 8*3 = 43" in " ".join(texts(root))
    # Numbers are text, not pictures of text.
    assert not list(root.iter(SVG + "image"))


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


def test_the_sweep_of_notebook_2_shows_input_kernel_step_and_flip_only():
    e = SweepExplorer()
    shown = [
        getattr(c, "description", "")
        for box in e.widget.children[0].children
        for c in box.children
    ]
    assert not any(
        word in " ".join(shown) for word in ("padding", "stride", "dilation")
    )
    assert {"input height", "kernel width", "true convolution (flip K)"} <= set(shown)
    lines = " ".join(texts(parse(e.svg)))
    assert "height: n - k + 1 = 3 - 2 + 1 = 2" in lines
    assert "nn.Conv2d(1, 1, kernel_size=2, bias=False)" in lines
    assert not any(word in lines for word in ("floor", "padding", "stride", "dilation"))


def test_the_lesson_chooses_the_sweeps_controls():
    e = SweepExplorer(padding=1, controls=["padding"])
    assert e.topics == ("padding",) and e.values()["padding_h"] == 1
    with pytest.raises(ValueError, match=r"stride=2 needs the stride sliders"):
        SweepExplorer(stride=2, controls="padding")
    with pytest.raises(ValueError, match=r"controls must name topics .* got 'flip'"):
        SweepExplorer(controls=["flip"])


def test_floor_drop_is_reported_and_tinted():
    root = parse(draw_sweep(torch.zeros(7, 7), torch.zeros(2, 2), stride=(2, 3)).svg)
    # 7 rows, windows of 2 every 2: rows 0..5 used, row 6 dropped; 7 columns
    # every 3: columns 0..4 used, 2 dropped.
    assert "drops 1 row at the bottom and 2 columns at the right" in " ".join(
        texts(root)
    )
    group = panel(root, "input 7x7")
    tints = {e.get("data-dropped") for e in group.iter() if e.get("data-dropped")}
    assert tints == {"1 rows", "2 columns"}


def test_dilated_window_skips_cells():
    root = parse(draw_sweep(torch.ones(5, 5), torch.ones(2, 2), dilation=2, step=4).svg)
    # Output 3x3, step 4 is the centre (1, 1): rows and columns 1 and 3.
    window = marked(panel(root, "input 5x5"), "outline")
    assert window == {(1, 1), (1, 3), (3, 1), (3, 3)}
    assert numbers(panel(root, "output 3x3"))[(1, 1)] == "4"


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: draw_sweep(X3, K2, step=4), ValueError, ["step", "0 and 3", "4"]),
        (lambda: draw_sweep(X3, K2, step=1.0), TypeError, ["step", "1.0"]),
        (lambda: draw_sweep([[1.0]], K2), TypeError, ["X", "torch.Tensor"]),
        (lambda: draw_sweep(X3, K2[None]), ValueError, ["K", "2-D", "(1, 2, 2)"]),
        (
            lambda: draw_sweep(X3 > 0, K2),
            TypeError,
            ["X", "real numbers", "torch.bool"],
        ),
        (lambda: draw_sweep(X3, K2, stride=0), ValueError, ["stride", ">= 1"]),
        (lambda: draw_sweep(X3, K2, padding=-1), ValueError, ["padding", "-1"]),
        (lambda: draw_sweep(X3, K2, flip=1), TypeError, ["flip", "1"]),
        (
            lambda: draw_sweep(X3, torch.ones(4, 4)),
            ValueError,
            ["floor((3 + 2*0 - 1*(4-1) - 1)/1) + 1 = 0 < 1"],
        ),
        (
            lambda: SweepExplorer(controls=TOPICS, padding="same"),
            ValueError,
            ["padding", "same"],
        ),
    ],
)
def test_bad_input_is_explained(call, error, words):
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value)


def test_draw_sweep_saves_svg_text_and_png(tmp_path):
    picture = draw_sweep(X3, K2, padding=1, step=2)
    text = picture.save(tmp_path / "sweep.svg").read_text()
    assert "43" in texts(parse(text))
    png = picture.save(tmp_path / "sweep.png").read_bytes()
    assert png.startswith(b"\x89PNG")


def test_motion_is_one_frame_per_output_cell_in_visiting_order(monkeypatch):
    e = SweepExplorer(controls=TOPICS, input_size=4, kernel_size=2, padding=1, stride=2)
    frames = e.frames()
    assert len(frames) == 9 == e.result.numel()
    for step, frame in enumerate(frames):
        outlined = marked(panel(parse(frame.svg), "output 3x3"), "outline")
        assert outlined == {divmod(step, 3)}
    # The still picture and the controls are left as they were.
    assert e.controls["step"].value == 0 and e.svg == e.view.value
    monkeypatch.setenv(MOTION_VARIABLE, "1")
    motion = parse(e._repr_mimebundle_()[MOTION_MIME])
    assert motion.get("data-frames") == "9"
