"""Padding modes: ``pad2d`` (``F.pad`` with nn.Conv2d's mode names) and a picture."""

import numpy as np
import torch
import torch.nn.functional as F

from ._validate import check_matrix, nonnegative_pair
from .grid import Grid
from .i18n import tr
from .picture import MARGIN, Lines, Picture, row

# nn.Conv2d's names for its padding modes, in the order the course shows them.
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
# F.pad calls zero padding "constant"; both names are accepted.
_F_PAD_MODES = {"zeros": "constant", "constant": "constant"}
_F_PAD_MODES |= {mode: mode for mode in ("reflect", "replicate", "circular")}
_AXES = ("height", "width")


def pad2d(X, padding, mode="zeros"):
    """Pad the 2-D tensor ``X`` by ``padding`` per side with ``F.pad``'s ``mode``.

    ``mode`` is one of nn.Conv2d's ``padding_mode`` names (``"zeros"``,
    ``"reflect"``, ``"replicate"``, ``"circular"``) or F.pad's ``"constant"``.
    """
    # A non-empty 2-D real tensor, as float32 (F.pad's modes need floats).
    X = check_matrix(X, "X").detach().to(torch.float32).cpu()
    ph, pw = nonnegative_pair(padding, "padding")
    if mode not in _F_PAD_MODES:
        raise ValueError(
            f"mode must be one of {', '.join(map(repr, _F_PAD_MODES))}, got {mode!r}"
        )
    for axis, (p, n) in enumerate(zip((ph, pw), X.shape, strict=True)):
        # F.pad's own rules, stated with the numbers instead of a RuntimeError.
        if mode == "reflect" and p >= n:
            raise ValueError(
                f"padding {_AXES[axis]} {p} with mode 'reflect' must be smaller "
                f"than the input {_AXES[axis]} {n} (p < n: reflection mirrors the "
                f"input without repeating its edge row), got padding={padding!r}"
            )
        if mode == "circular" and p > n:
            raise ValueError(
                f"padding {_AXES[axis]} {p} with mode 'circular' must be at most "
                f"the input {_AXES[axis]} {n} (p <= n: it wraps the input around "
                f"once), got padding={padding!r}"
            )
    F_mode = _F_PAD_MODES[mode]
    # F.pad wants (left, right, top, bottom) and, except for zeros, a batch axis.
    return F.pad(X[None, None], (pw, pw, ph, ph), mode=F_mode)[0, 0]


def _size(shape, sign="\u00d7"):
    return f"{shape[0]}{sign}{shape[1]}"


def _grid(values, name, title, **options):
    """A Grid titled "title" over its size, labelled "name HxW"."""
    shape = tuple(values.shape)
    label = f"{name} {_size(shape, 'x')}"
    return Grid(values, title=f"{title}\n{_size(shape)}", label=label, **options)


def _heading(lines, panels, title):
    """A picture: ``lines`` of text on top, then ``panels`` in rows below."""
    heading = Lines(lines, mono=False, size=13, label=tr("heading"))
    y = MARGIN + heading.height + 10
    for panel_row in panels:
        y = row(panel_row, y=y) + 8
    return Picture(
        [heading, *(p for panel_row in panels for p in panel_row)], title=title
    )


def draw_padding_modes():
    """Draw 1..9 as a 3x3 input and padded by 1 per side in each ``PADDING_MODES``.

    The values come from ``F.pad``; padding cells are grey and hatched. The
    input holds 1..9 so that zero padding stands out from it.
    """
    X = torch.arange(1.0, 10.0).reshape(3, 3)
    padded = [pad2d(X, 1, mode) for mode in PADDING_MODES]
    mask = np.pad(np.zeros((3, 3), dtype=bool), 1, constant_values=True)  # the padding
    lo, hi = min(float(P.min()) for P in padded), max(float(P.max()) for P in padded)
    panels = [_grid(X, tr("input"), tr("input X"))]
    for mode, P in zip(PADDING_MODES, padded, strict=True):
        name = f"'{mode}'"
        if mode != _F_PAD_MODES[mode]:
            name = tr("'{mode}' (F.pad 'constant')", mode=mode)
        panels.append(_grid(P, mode, name, hatched=mask, vmin=lo, vmax=hi))
    sides = dict(ph=1, pw=1, total_h=2, total_w=2)
    heading = tr(
        "padding = ({ph}, {pw}) on each side (the book's total p_h = {total_h}, "
        "p_w = {total_w}): {input} input \u2192 {padded} padded input",
        input=_size(X.shape),
        padded=_size(padded[0].shape),
        **sides,
    )
    title = tr("padding modes: {heading}", heading=heading)
    return _heading([heading], [panels], title=title)
