"""images/: exactly what scripts/make_images.py draws, with PyTorch's numbers.

Every image is SVG text the course writes itself, so a fresh run must give
the same bytes on any machine. The numbers a reader sees are compared with
PyTorch's for the inputs the picture shows, and an animated sweep must show
its frames one after another, the kernel's window moving cell by cell.
"""

import importlib.util
import re
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from svg_checks import SVG, marked, matrix, numbers, panel, parse

ROOT = Path(__file__).resolve().parent.parent
IMAGES_DIR = ROOT / "images"
REGENERATE = ".venv/bin/python scripts/make_images.py"

spec = importlib.util.spec_from_file_location(
    "make_images", ROOT / "scripts" / "make_images.py"
)
make_images = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_images)
NAMES = sorted(make_images.IMAGES)


def image(name):
    return parse((IMAGES_DIR / name).read_text(encoding="utf-8"))


def tensor(group):
    return torch.from_numpy(matrix(group))


def frames(root):
    """The frames of an animated SVG (the picture itself when it does not move)."""
    found = [g for g in root.iter(SVG + "g") if g.get("data-frame") is not None]
    return found or [root]


def test_images_are_what_the_script_draws(tmp_path):
    assert {p.name for p in IMAGES_DIR.iterdir()} == set(NAMES), (
        f"images/ differs from what the script draws: run {REGENERATE}"
    )
    make_images.generate(tmp_path)
    for name in NAMES:
        assert (IMAGES_DIR / name).read_bytes() == (tmp_path / name).read_bytes(), (
            f"images/{name} is stale: run {REGENERATE}"
        )
        assert (IMAGES_DIR / name).stat().st_size < 300 * 1024, name
    # SVG only, with no script or style: GitHub shows it through <img>.
    assert all(name.endswith(".svg") for name in NAMES)
    for name in NAMES:
        root = image(name)
        assert not list(root.iter(SVG + "script")), name
        assert not list(root.iter(SVG + "style")), name


def visible(frame, seconds):
    """Whether an animated frame shows ``seconds`` into the loop (SMIL, discrete)."""
    animate = frame.find(SVG + "animate")
    if animate is None:
        return frame.get("visibility") != "hidden"
    assert animate.get("calcMode") == "discrete"
    assert animate.get("repeatCount") == "indefinite"
    loop = float(animate.get("dur").rstrip("s"))
    t = seconds % loop / loop
    keys = [float(k) for k in animate.get("keyTimes").split(";")]
    values = animate.get("values").split(";")
    return [v for k, v in zip(keys, values, strict=True) if k <= t][-1] == "visible"


@pytest.mark.parametrize("sweep", list(make_images.SWEEPS))
def test_sweep_shows_pytorchs_output_and_moves_cell_by_cell(sweep):
    args, step = make_images.SWEEPS[sweep]
    X, K = args["X"], args["K"]
    options = {k: v for k, v in args.items() if k not in ("X", "K")}
    Y = F.conv2d(X[None, None], K[None, None], **options)[0, 0]
    h, w = Y.shape
    p, (n, m) = options.get("padding", 0), X.shape
    label = f"input {n}x{m}" + (f", padded to {n + 2 * p}x{m + 2 * p}" if p else "")
    still = image(f"{sweep}.svg")
    animated = image(f"{sweep}-animated.svg")
    moving = frames(animated)
    assert int(animated.get("data-frames")) == len(moving) == h * w
    # Each frame (and the still one) shows the input, the kernel and
    # PyTorch's output, and outlines the output cell it computes.
    for k, frame in [(step, still), *enumerate(moving)]:
        assert torch.equal(tensor(panel(frame, f"kernel {K.shape[0]}x{K.shape[1]}")), K)
        out = panel(frame, f"output {h}x{w}")
        assert torch.equal(tensor(out), Y)
        assert marked(out, "outline") == {divmod(k, w)}
        assert torch.equal(tensor(panel(frame, label)), F.pad(X, (p, p, p, p)))
    # 0.7 s a frame, the last one 2 s, looping: one frame at a time, in order.
    times = [0.35 + 0.7 * k for k in range(h * w)] + [0.7 * h * w + 1.0]
    shown = [[k for k, f in enumerate(moving) if visible(f, t)] for t in times]
    assert shown == [[k] for k in range(h * w)] + [[h * w - 1]]
    assert [k for k, f in enumerate(moving) if visible(f, 0.7 * h * w + 1.4)] == [0]


@pytest.mark.parametrize("name", [n for n in NAMES if n.endswith(".zh.svg")])
def test_chinese_animation_has_the_english_numbers_and_chinese_labels(name):
    chinese, english = image(name), image(name.replace(".zh.svg", ".svg"))
    assert re.search("[\u4e00-\u9fff]", chinese.get("aria-label"))
    for zh, en in zip(frames(chinese), frames(english), strict=True):
        texts = [t.text for t in zh.iter(SVG + "text") if t.get("data-cell")]
        assert texts == [t.text for t in en.iter(SVG + "text") if t.get("data-cell")]


def test_channels_are_pytorchs_sums_of_cross_correlations():
    for name, c_o in [("channels-multi-in.svg", 1), ("channels-multi-out.svg", 3)]:
        root = image(name)
        X = torch.stack([tensor(panel(root, f"input X[{j}]")) for j in range(2)])
        K = torch.stack(
            [
                torch.stack([tensor(panel(root, f"K[{i},{j}]")) for j in range(2)])
                for i in range(c_o)
            ]
        )
        Y = F.conv2d(X[None], K)[0]
        for i in range(c_o):
            assert torch.equal(tensor(panel(root, f"output Y[{i}]")), Y[i])
    root = image("channels-1x1.svg")
    X = torch.stack([tensor(panel(root, f"input X[{j}]")) for j in range(3)])
    W = tensor(panel(root, "W (c_o, c_i)"))
    Y = F.conv2d(X[None], W[:, :, None, None])[0]
    assert torch.allclose(tensor(panel(root, "Y reshaped")), Y.reshape(2, 9))
    assert torch.equal(tensor(panel(root, "X reshaped")), X.reshape(3, 9))


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pooling_is_pytorchs(mode):
    root = image(f"pooling-{mode}.svg")
    pool = {"max": F.max_pool2d, "avg": F.avg_pool2d}[mode]
    Y = pool(make_images.X32[None], **make_images.POOL)[0]
    for c in range(2):
        shown = tensor(panel(root, f"output channel {c} 2x4"))
        # Averages are written with two decimals.
        assert torch.allclose(shown, Y[c].double(), atol=0.005), (c, shown, Y[c])
        padded = tensor(panel(root, f"input channel {c} 6x6"))
        assert torch.equal(padded[1:-1, 1:-1], make_images.X32[c].double())


def test_padding_modes_are_pytorchs():
    root = image("padding-modes.svg")
    X = tensor(panel(root, "input 3x3"))
    assert torch.equal(X, torch.arange(1.0, 10).view(3, 3).double())
    for mode, f_mode in [
        ("zeros", "constant"),
        ("reflect", "reflect"),
        ("replicate", "replicate"),
        ("circular", "circular"),
    ]:
        expected = F.pad(X[None, None], (1, 1, 1, 1), mode=f_mode)[0, 0]
        assert torch.equal(tensor(panel(root, f"{mode} 5x5")), expected), mode


@pytest.mark.parametrize(("name", "stride"), [("", 1), ("-stride2", 2)])
def test_transposed_convolution_is_pytorchs(name, stride):
    root = image(f"transposed-conv{name}.svg")
    X, K = tensor(panel(root, "input 2x2")), tensor(panel(root, "kernel 2x2"))
    Y = F.conv_transpose2d(X[None, None], K[None, None], stride=stride)[0, 0]
    size = 1 + stride + 1
    assert torch.equal(tensor(panel(root, f"output {size}x{size}")), Y)
    # Each input cell's term: the kernel times that cell, placed by the stride.
    for r in range(2):
        for c in range(2):
            term = torch.zeros_like(Y)
            for (i, j), text in numbers(panel(root, f"term {r},{c}")).items():
                term[i, j] = float(text) if text else 0.0
            expected = torch.zeros_like(Y)
            expected[r * stride : r * stride + 2, c * stride : c * stride + 2] = (
                X[r, c] * K
            )
            assert torch.equal(term, expected), (r, c)
