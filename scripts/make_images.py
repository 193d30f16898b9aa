"""Regenerate every file in images/ from the d2lconv drawing functions.

    .venv/bin/python scripts/make_images.py             # rewrite images/
    .venv/bin/python scripts/make_images.py --out DIR   # write them elsewhere
    .venv/bin/python scripts/make_images.py NAME ...    # only these files

Every image is an SVG file, text the course writes itself: fixed inputs, so
the same bytes on any machine. A sweep also moves (``*-animated.svg``): one
SVG whose frames SVG's own animation shows in turn, with no script, so
GitHub's README shows it moving. ``*.zh.svg`` speaks Chinese. The transposed
convolution and the animation are drawn here only: no lesson draws them.
"""

import argparse
import math
import re
import sys
from html import escape
from pathlib import Path

import numpy as np
import torch

from d2lconv import i18n
from d2lconv.channels import MODES as CHANNEL_MODES
from d2lconv.channels import book_example, channel_data, draw_channels
from d2lconv.figures import _grid, _heading, _size, draw_padding_modes
from d2lconv.grid import Grid
from d2lconv.pooling import draw_pooling
from d2lconv.shapes import conv2d_geometry
from d2lconv.sweep import draw_sweep

ROOT = Path(__file__).resolve().parent.parent
IMAGES_DIR = ROOT / "images"
FRAME_MS = 700
LAST_FRAME_MS = 2000

# The course's worked examples (SYLLABUS): the 3x3 ramp and the 2x2 kernel.
X3 = torch.arange(9.0).reshape(3, 3)
K2 = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
# The classic stride-2 picture: a 5x5 input, a 3x3 kernel, padding 1.
X5 = torch.arange(25.0).reshape(5, 5)
K3 = torch.tensor([[0.0, 1.0, 2.0], [2.0, 2.0, 0.0], [0.0, 1.0, 2.0]])
# Each sweep: its arguments, and the output cell the still image shows.
SWEEPS = {
    "sweep-no-padding": (dict(X=X3, K=K2), 0),
    "sweep-padding": (dict(X=X3, K=K2, padding=1), 5),
    "sweep-stride": (dict(X=X5, K=K3, padding=1, stride=2), 4),
    "sweep-dilation": (dict(X=X5, K=K2, dilation=2), 4),
}
# The sweeps README.zh.md shows, also drawn in Chinese.
CHINESE = ("sweep-padding", "sweep-stride")
# The pooling example: arange(32) as 2 channels of 4x4, a 3x3 window,
# padding 1 on each side, stride (2, 1).
X32 = torch.arange(32.0).view(2, 4, 4)
POOL = dict(kernel_size=3, stride=(2, 1), padding=1)


def animate(args):
    """The sweep with ``args`` as one SVG that shows a frame per output cell in turn.

    Each frame is a ``draw_sweep`` picture in a group that an SMIL ``<animate>``
    shows, looping: no script and no ``<style>``, and its numbers stay text.
    """
    options = {k: args[k] for k in ("padding", "stride", "dilation") if k in args}
    g = conv2d_geometry(tuple(args["X"].shape), tuple(args["K"].shape), **options)
    frames = [draw_sweep(**args, step=k) for k in range(math.prod(g.output_size))]
    svgs = [frame.svg for frame in frames]
    # The size written on each frame's root element; the largest is the whole.
    sizes = [re.search(r'width="(\d+)" height="(\d+)"', s).groups() for s in svgs]
    w, h = (max(int(size[i]) for size in sizes) for i in (0, 1))
    label = escape(frames[0].title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="group" aria-label="{label}" '
        f'data-frames="{len(svgs)}">',
        f"<title>{label}</title>",
        f'<rect x="0" y="0" width="{w}" height="{h}" fill="white"/>',
    ]
    # Frame k shows from k * FRAME_MS to the next; the last for LAST_FRAME_MS.
    total = (len(svgs) - 1) * FRAME_MS + LAST_FRAME_MS
    for k, svg in enumerate(svgs):
        end = (k + 1) * FRAME_MS if k + 1 < len(svgs) else total
        parts += [f'<g data-frame="{k}"{_timing(k * FRAME_MS, end, total)}', svg]
        parts.append("</g>")
    return "\n".join(parts + ["</svg>"])


def _timing(start, end, total):
    """The rest of a frame's ``<g`` tag: hidden, and an animate that shows it.

    With ``calcMode="discrete"`` each value holds from its key time to the
    next; the loop repeats every ``total`` ms.
    """
    values, times = (["visible"], []) if start == 0 else (["hidden", "visible"], [0])
    times.append(start / total)
    if end < total:
        values.append("hidden")
        times.append(end / total)
    key_times = ";".join(f"{t:.6g}" for t in times)
    return (
        f' visibility="{values[0]}"><animate attributeName="visibility" '
        f'values="{";".join(values)}" keyTimes="{key_times}" calcMode="discrete" '
        f'dur="{total / 1000:.6g}s" repeatCount="indefinite"/>'
    )


def _transposed_terms(X, K, stride, dilation, canvas):
    """One canvas per input element: ``X[i, j] * K`` placed at ``(i s_h, j s_w)``.

    Cells no kernel element reaches are NaN, so they are drawn blank.
    """
    (sh, sw), (dh, dw) = stride, dilation
    kh, kw = K.shape
    terms = {}
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            term = np.full(canvas, np.nan)
            rows = i * sh + dh * np.arange(kh)
            cols = j * sw + dw * np.arange(kw)
            term[np.ix_(rows, cols)] = float(X[i, j]) * K.numpy()
            terms[i, j] = term
    return terms


def _formula(n, k, s, p, op, d):
    out = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
    return f"({n}-1)\u00b7{s} - 2\u00b7{p} + {d}\u00b7({k}-1) + {op} + 1 = {out}"


def _transposed_shape(sizes, padding, output_padding):
    """Per axis (n - 1)s - 2p + (k - 1) + output_padding + 1: the output's (h, w)."""
    axes = zip(*sizes, padding, output_padding, strict=True)
    return tuple((n - 1) * s - 2 * p + k + op for n, k, s, p, op in axes)


def draw_transposed_conv(X, K, *, stride=(1, 1), padding=(0, 0), output_padding=(0, 0)):
    """Draw a transposed convolution: each ``X[i, j]`` scatters ``X[i, j] * K``.

    The terms add up on a canvas; ``padding`` (an (h, w) pair, as the others)
    then removes that many rows and columns from each side, giving exactly
    ``F.conv_transpose2d``'s output. In English only: no lesson shows it.
    """
    dilation = (1, 1)
    sizes = (tuple(X.shape), tuple(K.shape), stride)
    out_shape = _transposed_shape(sizes, padding, output_padding)
    # The terms land on the uncropped canvas, (n-1)s + d(k-1) + 1 plus the
    # output_padding rows/columns PyTorch adds at the bottom/right.
    canvas = _transposed_shape(sizes, (0, 0), output_padding)
    terms = _transposed_terms(X, K, stride, dilation, canvas)
    stacked = np.stack(list(terms.values()))
    total = np.nansum(stacked, axis=0)
    (ph, pw) = padding
    output = total[ph : ph + out_shape[0], pw : pw + out_shape[1]]
    cropped = np.ones(canvas, dtype=bool)
    cropped[ph : ph + out_shape[0], pw : pw + out_shape[1]] = False
    top = [_grid(X, "input", "input X"), _grid(K, "kernel", "kernel K")]
    if cropped.any():
        title = "sum of the terms (hatched: removed by padding)"
        top += [
            _grid(total, "sum", title, hatched=cropped),
            _grid(output, "output", "output"),
        ]
    else:
        top.append(_grid(output, "output", "output (sum)"))
    lo, hi = min(0.0, float(np.nanmin(stacked))), max(0.0, float(np.nanmax(stacked)))
    term_rows = [[] for _ in range(X.shape[0])]
    for (i, j), term in terms.items():
        x, row, col = float(X[i, j]), i * stride[0], j * stride[1]
        title = f"X[{i},{j}]\u00b7K = {x:g}\u00b7K\nat ({row}, {col})"
        label = f"term {i},{j} {_size(canvas, 'x')}"
        options = dict(outlined=np.isfinite(term), vmin=lo, vmax=hi, cell=24)
        term_rows[i].append(Grid(term, title=title, label=label, **options))
    formula = "(n-1)s - 2p + d(k-1) + output_padding + 1"
    sizes = (X.shape, K.shape, stride, padding, output_padding, dilation)
    numbers = [_formula(*(size[a] for size in sizes)) for a in (0, 1)]
    if numbers[0] == numbers[1]:
        lines = [f"output height and width = {formula}", f"= {numbers[0]}"]
    else:
        lines = [
            f"output height = {formula} = {numbers[0]}",
            f"output width = {formula} = {numbers[1]}",
        ]
    return _heading(lines, [top, *term_rows], title="transposed convolution")


def chinese(draw):
    """What ``draw()`` draws, in Chinese (then the language spoken before)."""
    before = i18n.language()
    i18n.set_language("zh")
    try:
        return draw()
    finally:
        i18n.set_language(before)


# Every image: its file name and a function that draws it (a Picture, or the
# SVG text of an animation).
IMAGES = {
    **{
        f"{name}.svg": (lambda args=args, step=step: draw_sweep(**args, step=step))
        for name, (args, step) in SWEEPS.items()
    },
    **{
        f"{name}-animated.svg": (lambda args=args: animate(args))
        for name, (args, _) in SWEEPS.items()
    },
    **{
        f"{name}-animated.zh.svg": (
            lambda args=SWEEPS[name][0]: chinese(lambda: animate(args))
        )
        for name in CHINESE
    },
    "padding-modes.svg": draw_padding_modes,
    "channels-multi-in.svg": lambda: draw_channels(*book_example(1)),
    "channels-multi-out.svg": lambda: draw_channels(*book_example(3)),
    "channels-1x1.svg": lambda: draw_channels(
        *channel_data(3, 2, kernel_size=1, size=3, seed=0), mode=CHANNEL_MODES[1]
    ),
    "pooling-max.svg": lambda: draw_pooling(X32, mode="max", **POOL),
    "pooling-avg.svg": lambda: draw_pooling(X32, mode="avg", **POOL),
    "transposed-conv.svg": lambda: draw_transposed_conv(K2, K2),
    "transposed-conv-stride2.svg": lambda: draw_transposed_conv(K2, K2, stride=(2, 2)),
}


def generate(out_dir=IMAGES_DIR, names=None):
    """Write the named images (all by default) into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = list(IMAGES) if names is None else list(names)
    unknown = [name for name in names if name not in IMAGES]
    if unknown:
        raise ValueError(f"unknown images {unknown}; known: {', '.join(IMAGES)}")
    paths = []
    for name in names:
        drawn = IMAGES[name]()
        paths.append(out_dir / name)
        paths[-1].write_text(getattr(drawn, "svg", drawn), encoding="utf-8")
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="images to write (default: all)")
    parser.add_argument("--out", default=IMAGES_DIR, help="folder (default: images/)")
    args = parser.parse_args(argv)
    for path in generate(args.out, args.names or None):
        print(f"{path.stat().st_size / 1024:6.1f} KB  {path}")


if __name__ == "__main__":
    sys.exit(main())
