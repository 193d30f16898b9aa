"""Regenerate every file in images/ from the d2lconv drawing functions.

    .venv/bin/python scripts/make_images.py             # rewrite images/
    .venv/bin/python scripts/make_images.py --out DIR   # write them elsewhere
    .venv/bin/python scripts/make_images.py NAME ...    # only these files

Every image is an SVG file, text the course writes itself: fixed inputs, so
the same bytes on any machine. A sweep also moves (``*-animated.svg``): an
``Animation``, one SVG whose frames SVG's own animation shows in turn, with
no script, so GitHub's README shows it moving. ``*.zh.svg`` speaks Chinese.
"""

import argparse
import sys
from pathlib import Path

import torch

from d2lconv import i18n
from d2lconv.animation import Animation
from d2lconv.channels import MODES as CHANNEL_MODES
from d2lconv.channels import book_example, channel_data, draw_channels
from d2lconv.figures import draw_padding_modes, draw_transposed_conv, sweep_frames
from d2lconv.pooling import draw_pooling
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
    """The sweep with ``args`` as an Animation: one frame per output cell."""
    frames = sweep_frames(**args)
    return Animation(
        frames, duration=FRAME_MS, last_duration=LAST_FRAME_MS, title=frames[0].title
    )


def chinese(draw):
    """What ``draw()`` draws, in Chinese (then the language spoken before)."""
    before = i18n.language()
    i18n.set_language("zh")
    try:
        return draw()
    finally:
        i18n.set_language(before)


# Every image: its file name and a function that draws it (a Picture or an
# Animation: both have .save).
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


def generate(out_dir=IMAGES_DIR, names=None):
    """Write the named images (all by default) into ``out_dir``; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = list(IMAGES) if names is None else list(names)
    unknown = [name for name in names if name not in IMAGES]
    if unknown:
        raise ValueError(f"unknown images {unknown}; known: {', '.join(IMAGES)}")
    return [IMAGES[name]().save(out_dir / name) for name in names]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="images to write (default: all)")
    parser.add_argument("--out", default=IMAGES_DIR, help="folder (default: images/)")
    args = parser.parse_args(argv)
    for path in generate(args.out, args.names or None):
        print(f"{path.stat().st_size / 1024:6.1f} KB  {path}")


if __name__ == "__main__":
    sys.exit(main())
