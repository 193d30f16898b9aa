import io
import random

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image
from scipy.signal import convolve2d

from d2lconv.explorer import figure_to_png
from d2lconv.grid import format_number
from d2lconv.shapes import conv2d_output_shape
from d2lconv.sweep import (
    SweepExplorer,
    SweepPicture,
    _PngWriter,
    draw_sweep,
    sweep_kernel,
)

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


def panel_numbers(fig, label):
    """The numbers written in the cells of one panel of the figure."""
    (ax,) = [ax for ax in fig.axes if ax.get_label() == label]
    image = ax.images[0].get_array()
    texts = [t.get_text() for t in ax.texts]
    return texts[: image.size], image.shape


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


def check(e):
    """Everything that must hold in any state of the explorer."""
    v = e.values()
    for item in e.output.outputs:
        assert item.get("output_type") != "error", item
        assert item.get("name") != "stderr", item
    try:
        oh, ow = conv2d_output_shape(
            (v["input_h"], v["input_w"]),
            (v["kernel_h"], v["kernel_w"]),
            (v["stride_h"], v["stride_w"]),
            (v["padding_h"], v["padding_w"]),
            v["dilation"],
        )
    except ValueError as err:
        assert e.figure is None and e.result is None
        assert e.message == str(err)
        assert "output" in e.explanation.value and "&lt; 1" in e.explanation.value
        assert e.image.layout.display == "none"
        assert e.controls["step"].max == 0
        return
    assert e.message == "" and e.explanation.value == ""
    assert e.image.layout.display is None
    assert e.controls["step"].max == oh * ow - 1 == e.play.max
    torch.testing.assert_close(e.result, reference(e), rtol=0, atol=1e-4)
    texts, shape = panel_numbers(e.figure, "output")
    assert shape == (oh, ow)
    assert texts == [format_number(y) for y in e.result.flatten().tolist()]
    i, j = divmod(v["step"], ow)
    products, _ = panel_numbers(e.figure, "products")
    # The products panel holds the terms of the current output cell.
    title = [ax for ax in e.figure.axes if ax.get_label() == "products"][0].get_title()
    assert title.endswith(f"sum = {format_number(e.result[i, j].item())}")
    assert len(products) == v["kernel_h"] * v["kernel_w"]


def shown_state(e):
    """What the picture depends on (the seed matters only through the values)."""
    v = e.values()
    geometry = tuple(v[name] for name in list(RANGES)[:9])
    if e.X is None:
        return geometry, e.message
    return geometry, e.X.tolist(), e.K.tolist(), v["step"], v["flip"]


def picture(e):
    """The image shown, or None while an explanation replaces it."""
    return bytes(e.image.value) if e.figure is not None else None


def pixels(png):
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGB"))


def drawn(fig):
    """The pixels of the whole figure, drawn in one go."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()


def drawn_afresh(e):
    """The pixels of the explorer's state drawn by a new figure."""
    v = e.values()
    picture = SweepPicture(*e.geometry())
    return drawn(picture.update(e.X, e.K, e.result, v["step"], v["flip"]))


def check_picture(e):
    """The PNG shown (drawn in parts, encoded in bands) is the whole figure."""
    shown = pixels(e.image.value)
    np.testing.assert_array_equal(shown, drawn(e.figure))
    np.testing.assert_array_equal(shown, drawn_afresh(e))


def test_book_examples():
    e = SweepExplorer()
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
    e = SweepExplorer(values="edge", kernel="edge")
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
    check(e)


def test_step_walks_every_output_cell():
    e = SweepExplorer(input_size=4, kernel_size=2, padding=1, stride=2)
    images = set()
    for step in range(e.controls["step"].max + 1):
        e.controls["step"].value = step
        check(e)
        images.add(e.image.value)
    assert len(images) == 9 == e.result.numel()
    # Growing the kernel shrinks the output: the step follows, Play too.
    e.controls["kernel_h"].value = 4
    assert e.controls["step"].max == e.play.max == 2 * 3 - 1
    assert e.controls["step"].value <= 5
    check(e)


def test_empty_output_explains_instead_of_a_traceback():
    e = SweepExplorer(input_size=3, kernel_size=2)
    e.controls["kernel_w"].value = 5
    assert e.figure is None and "output width" in e.message
    assert "floor((3 + 2*0 - 1*(5-1) - 1)/1) + 1 = -1 < 1" in e.message
    assert e.controls["step"].disabled and e.play.disabled
    check(e)
    e.controls["padding_w"].value = 1
    assert e.figure is not None and not e.controls["step"].disabled
    check(e)


def test_every_control_over_its_range_and_random_combinations():
    e = SweepExplorer(input_size=5, kernel_size=3)
    before = shown_state(e), picture(e), e.message
    changes = 0

    def change(name, value):
        nonlocal before, changes
        e.controls[name].value = value
        check(e)
        now = shown_state(e), picture(e), e.message
        if now[0] != before[0] and e.figure is not None:
            # A different state shows a different picture.
            assert now[1] != before[1]
        changes += 1
        if e.figure is not None and changes % 12 == 0:
            check_picture(e)
        before = now

    for name, values in RANGES.items():
        # Every value, boundaries first, then back to a middle one.
        for value in [values[0], values[-1], *values[1:-1]]:
            change(name, value)
        change(name, RANGES[name][0] if name not in ("input_h", "input_w") else 5)
    rng = random.Random(0)
    names = list(RANGES) + ["step"] * 3
    for _ in range(240):
        name = rng.choice(names)
        if name == "step":
            value = rng.randint(0, e.controls["step"].max)
        else:
            value = rng.choice(list(RANGES[name]))
        change(name, value)
    assert changes > 300


def test_step_changes_redraw_in_parts_and_match_a_full_drawing():
    e = SweepExplorer(input_size=(5, 7), kernel_size=(2, 3), padding=1, stride=(2, 1))
    e.controls["values"].value = "random"
    cells = e.controls["step"].max + 1
    order = list(range(cells)) + [cells - 1, 0, cells // 2, 1, cells - 2]
    for step in order:
        e.controls["step"].value = step
        check(e)
        check_picture(e)
    # Frames already seen come from the cache and are the same picture.
    e.controls["step"].value = 3
    first = bytes(e.image.value)
    e.controls["step"].value = 4
    e.controls["step"].value = 3
    assert bytes(e.image.value) == first
    # A parameter that keeps the sizes, then one that changes them.
    e.controls["flip"].value = True
    check_picture(e)
    e.controls["padding_w"].value = 0
    check(e)
    check_picture(e)


def test_png_writer_reencodes_changed_bands_exactly():
    rng = np.random.default_rng(0)
    writer = _PngWriter()
    image = np.full((70, 53, 4), 255, np.uint8)
    for k in range(8):
        if k == 5:
            image = np.full((41, 30, 4), 255, np.uint8)  # a new size
        top = rng.integers(0, image.shape[0] - 5)
        image[top : top + 5, 3:20, :3] = rng.integers(0, 256, (5, 17, 3))
        png = writer.encode(image)
        np.testing.assert_array_equal(pixels(png), image[..., :3])


def test_draw_sweep_saves_as_png_and_vector_graphics():
    X = torch.arange(9.0).reshape(3, 3)
    fig = draw_sweep(X, torch.ones(2, 2), padding=1, step=2)
    np.testing.assert_array_equal(pixels(figure_to_png(fig)), drawn(fig))
    for fmt in ("pdf", "svg"):
        buffer = io.BytesIO()
        fig.savefig(buffer, format=fmt)
        assert len(buffer.getvalue()) > 1000


def test_draw_sweep_shows_the_book_padding_example():
    X = torch.arange(9.0).reshape(3, 3)
    K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    fig = draw_sweep(X, K, padding=1, step=5)
    texts, shape = panel_numbers(fig, "output")
    assert shape == (4, 4)
    assert texts == "0 3 8 4 9 19 25 10 21 37 43 16 6 7 8 0".split()
    padded, shape = panel_numbers(fig, "input")
    assert shape == (5, 5) and padded[6:9] == ["0", "1", "2"]
    lines = [t.get_text() for t in fig.texts]
    assert any("output[1, 1] = 0*0 + 1*1 + 3*2 + 4*3 = 19" in line for line in lines)
    assert any("floor((3 + 2*1 - 1*(2-1) - 1)/1) + 1 = 4" in line for line in lines)
    assert any("total padding p = 2" in line for line in lines)


def test_floor_drop_is_reported():
    fig = draw_sweep(torch.zeros(7, 7), torch.zeros(2, 2), stride=(2, 3))
    lines = " ".join(t.get_text() for t in fig.texts)
    # 7 rows, windows of 2 every 2: rows 0..5 used, row 6 dropped; 7 columns
    # every 3: columns 0..4 used, 2 dropped.
    assert "drops 1 row at the bottom and 2 columns at the right" in lines


def test_step_out_of_range_is_explained():
    with pytest.raises(ValueError, match="step must be between 0 and 3"):
        draw_sweep(torch.zeros(3, 3), torch.zeros(2, 2), step=4)


def test_tight_bounding_box_keeps_titles_and_formulas():
    # Jupyter shows a Figure with bbox_inches="tight": the titles and the
    # formula lines, painted from hidden Text artists, must not be cut off.
    fig = draw_sweep(torch.arange(9.0).reshape(3, 3), torch.ones(2, 2), step=1)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    tight = pixels(buffer.getvalue())
    full = drawn(fig)
    assert tight.shape[0] > 0.85 * full.shape[0]
    # Ink in the last tenth: the line about dropped rows is there.
    assert (tight[-tight.shape[0] // 10 :] < 128).any()
