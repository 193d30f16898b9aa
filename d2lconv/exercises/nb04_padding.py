"""Checks for the exercises of notebook 04-padding."""

import warnings
from functools import partial

import numpy as np
import torch
import torch.nn.functional as F

from .._validate import check_nonnegative_int, check_positive_int, positive_pair
from ..i18n import N_, tr
from ..shapes import conv2d_geometry
from . import _common as c
from ._common import correct

CONSISTENT = N_("be consistent: either repeat the border value or never.")

# fmt: off
TABLE = {
    "padded_size": dict(c.OUTPUT_SHAPE, right=N_("n + 2p - k + 1 per axis: padding={padding} per side adds {rows} rows and {columns} columns in total.")),
    "corner_uses": {
        "right": N_("{uses} windows, against {centre} for a central pixel: padding gives the border more weight, but still less than the middle."),
        "unpadded": N_("that is without padding: with padding the windows that start in the padding cover the corner too."),
        "centre": N_("that is a pixel in the middle: count only the windows that contain the corner."),
        "per_axis": N_("count along both axes: rows and columns."),
        "otherwise": N_("count, along one axis, the window positions that contain row 0 of the input (the padded input starts p rows earlier), then multiply the two axes."),
        "ask": N_("give a whole number of outputs")},
    "same_padding": {
        "ask": N_("give ((top, bottom), (left, right)) as whole numbers, got {answer!r}"),
        "right": N_("{sides}: top + bottom = {total} = k_h - 1 keeps the height, and with an odd total PyTorch puts the extra row at the bottom and the extra column at the right."),
        "book": N_("that is the book's choice (the extra row on top); PyTorch's 'same' puts it at the other end."),
        "per_side": N_("k - 1 is the total padding of an axis: split it between the sides."),
        "total": N_("to keep the size, the padding of an axis must add up to k - 1 (top + bottom = k_h - 1)."),
        "otherwise": N_("the totals are right; which side gets the larger share?")},
    "mirror_padding": {
        # numpy's padding mode -> the hint for a padding that matches it.
        "reflect": CONSISTENT,
        "symmetric": CONSISTENT,
        "sides": N_("your sides disagree: on some the mirror repeats the border value, on others it skips it. Do the same on all four sides: skip it everywhere, or repeat it everywhere."),
        "corners": N_("the four sides are mirrored right, the corners are not: mirror the rows first, then the columns of that result (its new rows included)."),
        "forbid": N_("write it yourself from slices and torch.cat, not with a function that pads in one call (F.pad, nn.ReflectionPad2d)."),
        "constant": N_("that is zero padding; mirror the image instead."),
        "edge": N_("that repeats the border value; a mirror copies the values next to the border, in reverse order."),
        "shape": N_("p rows and columns are added on every side: X of shape {shape} with p = {p} becomes {want}."),
        "otherwise": N_("the padded values should be the image's own values next to the border, in reverse order, as in a mirror."),
        "right_reflect": N_("this is PyTorch's F.pad(..., mode='reflect'): the border value is not repeated."),
        "right_symmetric": N_("the border value is repeated (numpy's 'symmetric'); PyTorch's 'reflect' mirrors without repeating it. Both are mirror padding.")},
}
# fmt: on


def check_padded_size(answer, input_size=(5, 6), kernel_size=3, padding=2):
    """``answer``: the (h, w) output of the sweep explorer's layer (stride 1,
    ``padding`` per side, as in ``nn.Conv2d`` and the explorer's sliders)."""
    entry = TABLE["padded_size"]
    return c.grade_output_shape(answer, entry, input_size, kernel_size, padding)


def _uses(n, k, p):
    """How many windows of a k x k kernel use each pixel of an n x n input."""
    X = torch.zeros(1, 1, n, n, dtype=torch.float64, requires_grad=True)
    ones = torch.ones(1, 1, k, k, dtype=torch.float64)
    # The gradient of the sum of the outputs counts the windows over each pixel.
    F.conv2d(X, ones, padding=p).sum().backward()
    return X.grad[0, 0]


def check_corner_uses(answer, input_size=6, kernel_size=3, padding=1):
    """``answer``: how many outputs use the corner pixel (square input and kernel,
    ``padding`` per side)."""
    n = check_positive_int(input_size, "input_size")
    k = check_positive_int(kernel_size, "kernel_size")
    p = check_nonnegative_int(padding, "padding")
    conv2d_geometry(n, k, 1, p)  # a clear ShapeError if the layer has no output
    uses = _uses(n, k, p)
    want, centre = int(uses[0, 0]), int(uses[n // 2, n // 2])
    unpadded, per_axis = int(_uses(n, k, 0)[0, 0]), min(p, k - 1) + 1
    wrong = dict(unpadded=unpadded, centre=centre, per_axis=per_axis)
    entry, facts = TABLE["corner_uses"], dict(uses=want, centre=centre)
    return c.grade(answer, entry, want, wrong, read=c.as_whole, **facts)


def _torch_same_sides(kernel_size):
    """The per-side padding that PyTorch's ``padding="same"`` uses, found by trial."""
    (k_h, k_w), normal = kernel_size, c.random_normal(0)
    X, K = normal(1, 1, k_h + 4, k_w + 4), normal(1, 1, k_h, k_w)
    with warnings.catch_warnings():
        # PyTorch notes that an even kernel needs a padded copy; harmless here.
        warnings.simplefilter("ignore", UserWarning)
        same = F.conv2d(X, K, padding="same")
    for top in range(k_h):
        for left in range(k_w):
            (t, b), (lf, r) = sides = ((top, k_h - 1 - top), (left, k_w - 1 - left))
            if c.close(F.conv2d(F.pad(X, (lf, r, t, b)), K), same, 1e-9):
                return sides
    raise AssertionError(f"no split of the padding matches 'same' for {kernel_size}")


def _sides(answer):
    """``answer`` as ``((top, bottom), (left, right))`` in ints, or ``None``."""
    pairs = answer if isinstance(answer, (tuple, list)) and len(answer) == 2 else ()
    sides = tuple(map(c.as_ints, pairs))
    return sides if len(sides) == 2 and None not in sides else None


def check_same_padding(answer, kernel_size=(4, 2)):
    """``answer``: the ``((top, bottom), (left, right))`` that PyTorch's
    ``F.conv2d(..., padding="same")`` adds for a kernel of ``kernel_size``."""
    k = positive_pair(kernel_size, "kernel_size")
    want, totals = _torch_same_sides(k), (k[0] - 1, k[1] - 1)
    book = tuple((n - n // 2, n // 2) for n in totals)
    wrong = dict(book=book, per_side=tuple((n, n) for n in totals))
    wrong["total"] = lambda got: tuple(map(sum, got)) != totals
    facts = dict(sides=want, total=totals[0])
    return c.grade(answer, TABLE["same_padding"], want, wrong, read=_sides, **facts)


def _mirror_hint(X, p, got, modes):
    """Why ``got`` is not ``X`` mirrored in one of ``modes``, which it narrows."""
    t, got = TABLE["mirror_padding"], c.as_tensor(got)
    want = (X.shape[0] + 2 * p, X.shape[1] + 2 * p)
    if got is None or tuple(got.shape) != want:
        return tr(t["shape"], shape=tuple(X.shape), p=p, want=want)
    pads = ("reflect", "symmetric", "constant", "edge")  # numpy's; mirrors first
    padded = {mode: torch.from_numpy(np.pad(X.numpy(), p, mode)) for mode in pads}
    found = [mode for mode in pads if c.close(got, padded[mode])]
    if modes.intersection(found):
        modes.intersection_update(found)
        return None
    if found:
        return tr(t[found[0]])
    # The top, bottom, left and right strips (no corners): the mirrors each matches.
    inner, outer = slice(p, -p), (slice(0, p), slice(-p, None))
    strips = [(s, inner) for s in outer] + [(inner, s) for s in outer]
    mirrors = [{m for m in pads[:2] if c.close(got[s], padded[m][s])} for s in strips]
    if all(mirrors):  # every side a mirror: alike or not?
        return tr(t["corners"] if set.intersection(*mirrors) else t["sides"])
    return tr(t["otherwise"])


def check_mirror_padding(mirror_pad):
    """``mirror_pad(X, p)`` -> ``X`` (2-D) with ``p`` mirrored rows/columns per side,
    written from slices and ``torch.cat``: a one-call padding of PyTorch (``F.pad``,
    ``nn.ReflectionPad2d``) gets the hint ``forbid`` (numpy's ``np.pad`` is not
    seen)."""
    t, modes = TABLE["mirror_padding"], {"reflect", "symmetric"}
    normal = c.random_normal(3)
    shapes = [((4, 5), 1), ((5, 6), 2), ((3, 3), 2), ((6, 4), 3)]
    calls = [(normal(*shape), p) for shape, p in shapes]
    judges = partial(partial, _mirror_hint, modes=modes)
    forbid = (lambda name: "pad" in name, t["forbid"])
    if text := c.first_hint(mirror_pad, t, calls, judges, forbid=forbid):
        return c.refuse(text)
    return correct(t["right_reflect" if "reflect" in modes else "right_symmetric"])
