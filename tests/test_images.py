"""images/: exactly what scripts/make_images.py draws, and the sweeps move.

Every image is SVG text the course writes itself, so a fresh run must give
the same bytes on any machine. The package's drawing functions are checked
against PyTorch in their own tests; here, an animated sweep must show its
frames one after another, the kernel's window moving cell by cell, with
PyTorch's output, and the script's transposed convolution is PyTorch's.
"""

import re
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from props import examples
from svg_checks import SVG, marked, matrix, panel, parse, shown_frames, texts

ROOT = Path(__file__).resolve().parent.parent
IMAGES_DIR = ROOT / "images"
REGENERATE = ".venv/bin/python scripts/make_images.py"
sys.path.insert(0, str(ROOT / "scripts"))
import make_images  # noqa: E402

NAMES = sorted(make_images.IMAGES)


def image(name):
    return parse((IMAGES_DIR / name).read_text(encoding="utf-8"))


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
        root = image(name)
        assert name.endswith(".svg") and not list(root.iter(SVG + "script")), name
        assert not list(root.iter(SVG + "style")), name


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
        assert np.array_equal(
            matrix(panel(frame, f"kernel {K.shape[0]}x{K.shape[1]}")), K
        )
        out = panel(frame, f"output {h}x{w}")
        assert np.array_equal(matrix(out), Y)
        assert marked(out, "outline") == {divmod(k, w)}
        assert np.array_equal(matrix(panel(frame, label)), F.pad(X, (p, p, p, p)))
    # 0.7 s a frame, the last one 2 s, looping: one frame at a time, in order.
    times = [0.35 + 0.7 * k for k in range(h * w)] + [0.7 * h * w + 1.0]
    shown = [shown_frames(animated, t) for t in [*times, 0.7 * h * w + 1.4]]
    assert shown == [[k] for k in range(h * w)] + [[h * w - 1], [0]]
    # Before the animation starts (or without SMIL) the first frame shows.
    assert [g.get("visibility") for g in moving] == ["visible"] + ["hidden"] * (
        h * w - 1
    )


@pytest.mark.parametrize("name", [n for n in NAMES if n.endswith(".zh.svg")])
def test_chinese_animation_has_the_english_numbers_and_chinese_labels(name):
    chinese, english = image(name), image(name.replace(".zh.svg", ".svg"))
    assert re.search("[\u4e00-\u9fff]", chinese.get("aria-label"))
    for zh, en in zip(frames(chinese), frames(english), strict=True):
        texts = [t.text for t in zh.iter(SVG + "text") if t.get("data-cell")]
        assert texts == [t.text for t in en.iter(SVG + "text") if t.get("data-cell")]


@examples(25)
@given(
    n=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    k=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    s=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    p=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    op=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    seed=st.integers(0, 1000),
)
def test_transposed_conv_figure_equals_conv_transpose2d(n, k, s, p, op, seed):
    generator = torch.Generator().manual_seed(seed)
    X = torch.randint(-5, 10, n, generator=generator).float()
    K = torch.randint(-5, 10, k, generator=generator).float()
    kwargs = dict(stride=s, padding=p, output_padding=op)
    try:
        expected = F.conv_transpose2d(X[None, None], K[None, None], **kwargs)[0, 0]
    except RuntimeError:
        return  # PyTorch refuses this combination
    root = parse(make_images.draw_transposed_conv(X, K, **kwargs).svg)
    oh, ow = expected.shape
    np.testing.assert_array_equal(matrix(panel(root, f"output {oh}x{ow}")), expected)
    # The size formula, with the numbers filled in, gives PyTorch's size.
    heading = " ".join(texts(panel(root, "heading")))
    assert all(re.search(rf"\+ 1 = {n}\b", heading) for n in (oh, ow))
    # Each term, cropped like the output, is the transposed convolution of X
    # with every other element set to zero; it outlines where X[i, j] * K lands.
    for i, j in np.ndindex(*n):
        term = panel(root, f"term {i},{j}")
        one = torch.zeros_like(X)
        one[i, j] = X[i, j]
        alone = F.conv_transpose2d(one[None, None], K[None, None], **kwargs)[0, 0]
        cropped = np.nan_to_num(matrix(term))[p[0] : p[0] + oh, p[1] : p[1] + ow]
        np.testing.assert_array_equal(cropped, alone.numpy())
        rows, cols = range(i * s[0], i * s[0] + k[0]), range(j * s[1], j * s[1] + k[1])
        assert marked(term, "outline") == {(r, c) for r in rows for c in cols}
    if any(p):  # the padding's ring is hatched: the canvas minus the output
        (h, w) = matrix(panel(root, "sum")).shape
        assert len(marked(panel(root, "sum"), "padding")) == h * w - oh * ow
