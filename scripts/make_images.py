"""Regenerate every file in images/ from the d2lconv drawing functions.

    .venv/bin/python scripts/make_images.py             # rewrite images/
    .venv/bin/python scripts/make_images.py --out DIR   # write them elsewhere
    .venv/bin/python scripts/make_images.py NAME ...    # only these files

Still pictures are SVG files (text: the same bytes on any machine); the sweep
animations are GIFs, and a ``.png`` entry accepts a Picture or a matplotlib
Figure. The output is deterministic: fixed inputs and seeds, fixed dpi, no
metadata. For GIF and PNG files the same library versions give the same bytes;
``rendered-with.json`` records the versions used, because another matplotlib
or Pillow draws other pixels.
"""

import argparse
import json
import sys
from pathlib import Path

import matplotlib
import PIL
import torch
from matplotlib import ft2font

from d2lconv.channels import MODES as CHANNEL_MODES
from d2lconv.channels import book_example, channel_data, draw_channels
from d2lconv.figures import (
    draw_padding_modes,
    draw_transposed_conv,
    save_gif,
    save_png,
    sweep_frames,
)
from d2lconv.picture import Picture
from d2lconv.pooling import draw_pooling
from d2lconv.sweep import draw_sweep

ROOT = Path(__file__).resolve().parent.parent
IMAGES_DIR = ROOT / "images"
STACK_FILE = "rendered-with.json"
DPI = 80
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
# The pooling example: arange(32) as 2 channels of 4x4, a 3x3 window,
# padding 1 on each side, stride (2, 1).
X32 = torch.arange(32.0).view(2, 4, 4)
POOL = dict(kernel_size=3, stride=(2, 1), padding=1)


# Every image: its file name and a function that draws it. An ``.svg`` entry
# returns a Picture, a ``.png`` entry a Picture or a Figure, a ``.gif`` entry
# the list of its frames.
IMAGES = {
    **{
        f"{name}.svg": (lambda args=args, step=step: draw_sweep(**args, step=step))
        for name, (args, step) in SWEEPS.items()
    },
    **{
        f"{name}.gif": (lambda args=args: sweep_frames(**args))
        for name, (args, _) in SWEEPS.items()
    },
    "padding-modes.svg": lambda: draw_padding_modes(padding=1),
    "channels-multi-in.svg": lambda: draw_channels(*book_example(1)),
    "channels-multi-out.svg": lambda: draw_channels(*book_example(3)),
    "channels-1x1.svg": lambda: draw_channels(
        *channel_data(3, 2, kernel_size=1, size=3, seed=0), mode=CHANNEL_MODES[1]
    ),
    "pooling-max.svg": lambda: draw_pooling(X32, mode="max", **POOL),
    "pooling-avg.svg": lambda: draw_pooling(X32, mode="avg", **POOL),
    "transposed-conv.svg": lambda: draw_transposed_conv(K2, K2),
    "transposed-conv-stride2.svg": lambda: draw_transposed_conv(K2, K2, stride=2),
}


def save(name, drawn, path):
    """Save what ``IMAGES[name]`` drew: SVG text, a PNG, or a GIF of its frames."""
    if name.endswith(".gif"):
        return save_gif(
            drawn, path, duration=FRAME_MS, last_duration=LAST_FRAME_MS, dpi=DPI
        )
    if name.endswith(".svg"):
        if not isinstance(drawn, Picture):
            raise TypeError(f"{name} needs a Picture, got {type(drawn).__name__}")
        return drawn.save(path)
    return save_png(drawn, path, dpi=DPI)


def rendering_stack():
    """The library versions that decide the pixels and bytes of the images."""
    return {
        "matplotlib": matplotlib.__version__,
        "freetype": ft2font.__freetype_version__,
        "Pillow": PIL.__version__,
    }


def generate(out_dir=IMAGES_DIR, names=None, inspect=None):
    """Write the named images (all by default) into ``out_dir``; return their paths.

    ``inspect(name, drawn)``, when given, sees each Picture or Figure (or list
    of frames) before it is saved.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = list(IMAGES) if names is None else list(names)
    unknown = [name for name in names if name not in IMAGES]
    if unknown:
        raise ValueError(f"unknown images {unknown}; known: {', '.join(IMAGES)}")
    paths = []
    for name in names:
        drawn = IMAGES[name]()
        if inspect is not None:
            inspect(name, drawn)
        paths.append(save(name, drawn, out_dir / name))
    stack = json.dumps(rendering_stack(), indent=2, sort_keys=True) + "\n"
    (out_dir / STACK_FILE).write_text(stack)
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
