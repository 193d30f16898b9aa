"""Pictures shown one after another: an ``Animation``, one SVG that moves by itself.

Each frame is a Picture's SVG in a group that an SMIL ``<animate>`` shows in
turn, looping: no script and no ``<style>``, so it moves in a static page, in
an .svg file and in GitHub's README (which shows SVG through ``<img>``), and
its numbers stay text.
"""

import re
from html import escape

from .i18n import tr
from .picture import save_svg


class Animation:
    """``frames`` (Pictures) shown ``duration`` ms each, the last ``last_duration``."""

    def __init__(self, frames, *, duration=700, last_duration=None, title=""):
        self.frames = list(frames)
        if not self.frames:
            raise ValueError("frames must hold at least one picture, got none")
        for name, value in (("duration", duration), ("last_duration", last_duration)):
            if value is not None and not (
                isinstance(value, (int, float)) and value > 0
            ):
                raise ValueError(f"{name} must be a positive number of ms, got {value}")
        self.duration = duration
        self.last_duration = duration if last_duration is None else last_duration
        self.title = title

    @property
    def svg(self):
        """The animation as SVG text: one group per frame, each with its timing."""
        svgs = [frame.svg for frame in self.frames]
        # The size written on each frame's root element; the largest is the whole.
        sizes = [re.search(r'width="(\d+)" height="(\d+)"', s).groups() for s in svgs]
        w, h = (max(int(size[i]) for size in sizes) for i in (0, 1))
        label = escape(
            self.title or tr("animation of {count} pictures", count=len(svgs))
        )
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
            f'viewBox="0 0 {w} {h}" role="group" aria-label="{label}" '
            f'data-frames="{len(svgs)}">',
            f"<title>{label}</title>",
            f'<rect x="0" y="0" width="{w}" height="{h}" fill="white"/>',
        ]
        # Frame k shows from k * duration to the next; the last for last_duration.
        starts = [k * self.duration for k in range(len(svgs))]
        total = starts[-1] + self.last_duration
        for k, (svg, start) in enumerate(zip(svgs, starts, strict=True)):
            end = starts[k + 1] if k + 1 < len(svgs) else total
            parts += [f'<g data-frame="{k}"{_timing(start, end, total)}', svg, "</g>"]
        return "\n".join(parts + ["</svg>"])

    def __repr__(self):
        return f"<Animation {self.title!r}: {len(self.frames)} frames>"

    def _repr_svg_(self):
        return self.svg

    _repr_html_ = _repr_svg_

    def save(self, path):
        """Write the animation to ``path`` (an .svg file)."""
        return save_svg(self.svg, path)


def _timing(start, end, total):
    """The rest of a frame's ``<g`` tag: hidden, and an animate that shows it.

    With ``calcMode="discrete"`` each value holds from its key time to the
    next; the loop repeats every ``total`` ms.
    """
    if start == 0 and end == total:
        return ">"
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
