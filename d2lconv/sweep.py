"""The kernel sweeping over the input, one output cell at a time."""

import math

import numpy as np
import torch
import torch.nn.functional as F

from ._validate import check_int, check_matrix
from .device import one_thread
from .grid import Grid, dropped_text, unread
from .i18n import tr
from .picture import Lines, Picture, format_number, row, text_units
from .shapes import _padding_text as padding_terms
from .shapes import conv2d_geometry, pair_text

# The width the cells share, in pixels: they shrink to fit it, but not below 18 px
# (8 px numbers); long numbers widen their panel's cells (Grid's min_font) and
# the picture scrolls: exact numbers, which the student checks against the sum.
_MAX_WIDTH = 1000
# What a sweep can show beyond input and kernel, in nn.Conv2d's argument order;
# the formulas and the explorer's controls cover the topics a lesson taught.
TOPICS = ("stride", "padding", "dilation")


def _output(X, K, g):
    """PyTorch's output of the sweep: ``F.conv2d`` of ``X`` with ``K`` (2-D)."""
    (top, bottom), (left, right) = g.sides
    padded = F.pad(X, (left, right, top, bottom))[None, None]
    with one_thread():  # a tiny convolution: more threads only cost time
        Y = F.conv2d(padded, K[None, None], stride=g.stride, dilation=g.dilation)
    return Y[0, 0]


def conv2d_call(g, padding=None, topics=TOPICS):
    """The ``nn.Conv2d`` line for this sweep, with the shapes in and out.

    It names the arguments of ``topics`` (those a lesson has taught).
    """
    (top, bottom), (left, right) = g.sides
    uneven = not isinstance(padding, str) and (top != bottom or left != right)
    if isinstance(padding, str):
        pad = repr(padding)
    elif not uneven:
        pad = pair_text((top, left))
    else:  # nn.Conv2d pads both sides alike: pad first
        pad = "0"
    (n_h, n_w), (o_h, o_w) = g.input_size, g.output_size
    arguments = dict(stride=pair_text(g.stride), padding=pad)
    arguments["dilation"] = pair_text(g.dilation)
    named = "".join(f"{t}={arguments[t]}, " for t in TOPICS if t in topics)
    call = (
        f"nn.Conv2d(1, 1, kernel_size={pair_text(g.kernel_size)}, {named}"
        f"bias=False)  # (1, 1, {n_h}, {n_w}) -> (1, 1, {o_h}, {o_w})"
    )
    if not uneven:
        return call
    pad_call = f"F.pad(x, ({left}, {right}, {top}, {bottom}))"
    return tr("{pad} then {conv}", pad=pad_call, conv=call)


def _terms_text(window, kernel, total, i, j):
    """ "output[i, j] = x*k + ... = total", shortened when the kernel is large."""
    pairs = [
        f"{format_number(x)}*{format_number(k)}"
        for x, k in zip(window.ravel(), kernel.ravel(), strict=True)
    ]
    body, first = " + ".join(pairs), " + ".join(pairs[:4])
    if len(pairs) > 9:
        body = tr("{first} + ... ({count} products)", first=first, count=len(pairs))
    terms = dict(i=i, j=j, terms=body, total=format_number(total))
    return tr("output[{i}, {j}] = {terms} = {total}", **terms).replace("+ -", "- ")


def _formula_lines(axis, g, topics=TOPICS):
    """PyTorch's and the book's output-size formulas for one axis, numbers filled in.

    Without stride and dilation among ``topics`` the formulas are the simpler
    ones of the lessons before notebook 5 (no floor), without padding the
    book's and PyTorch's are the same one line.
    """
    n, k, s = g.input_size[axis], g.kernel_size[axis], g.stride[axis]
    total, out = sum(g.sides[axis]), g.output_size[axis]
    name = tr("width") if axis else tr("height")
    if "stride" not in topics and "dilation" not in topics:
        if "padding" not in topics:
            formula = f"n - k + 1 = {n} - {k} + 1 = {out}"
            return (tr("{axis}: {formula}", axis=name, formula=formula),)
        p_sym, p_num = padding_terms(g.sides[axis], axis)
        formula = f"n + {p_sym} - k + 1 = {n} + {p_num} - {k} + 1 = {out}"
        book = f"n - k + p + 1 = {n} - {k} + {total} + 1"
    elif g.dilation[axis] == 1:
        formula = g.formula(axis)
        book = f"floor((n - k + p + s)/s) = floor(({n} - {k} + {total} + {s})/{s})"
    else:
        formula, keff = g.formula(axis), g.span[axis]
        book = f"floor((n - k' + p + s)/s) = floor(({n} - {keff} + {total} + {s})/{s})"
        book = tr(
            "dilated kernel k' = d(k-1)+1 = {span}: {formula}", span=keff, formula=book
        )
    first = tr(
        "{axis}: {formula}   (PyTorch: padding per side)", axis=name, formula=formula
    )
    # The book's formula starts under PyTorch's.
    indent = " " * round(text_units(first[: first.index(formula)]))
    fields = dict(indent=indent, total=total, book=book, out=out)
    return first, tr(
        "{indent}book, total padding p = {total}: {book} = {out}", **fields
    )


def sweep_picture(X, K, Y, g, step=0, flip=False, padding=None, topics=TOPICS):
    """The picture of the applied kernel ``K`` over ``X`` at ``step``.

    ``X``, ``K`` and the output ``Y`` are 2-D tensors, ``g`` their geometry;
    the formulas under it cover ``topics`` (see ``TOPICS``) and any setting
    off its default (no padding, stride 1, dilation 1).
    """
    off = dict(stride=g.stride != (1, 1), dilation=g.dilation != (1, 1))
    off["padding"] = g.sides != ((0, 0), (0, 0))
    topics = [t for t in TOPICS if t in topics or off[t]]
    padded, K, Y = np.pad(X.numpy(), g.sides), K.numpy(), Y.numpy()
    (n_h, n_w), (k_h, k_w), (o_h, o_w) = g.input_size, g.kernel_size, g.output_size
    (H, W), (top, bottom), (left, right) = g.padded_size, *g.sides
    i, j = divmod(step, o_w)
    rows = range(i * g.stride[0], i * g.stride[0] + g.span[0], g.dilation[0])
    cols = range(j * g.stride[1], j * g.stride[1] + g.span[1], g.dilation[1])
    window = padded[np.ix_(rows, cols)]
    products = window * K
    cell = min(30, max(18, (_MAX_WIDTH - 260) / (W + 2 * k_w + o_w)))
    hatched = np.ones((H, W), dtype=bool)
    hatched[top : top + n_h, left : left + n_w] = False
    if (H, W) != (n_h, n_w):
        title = tr("input {h}x{w}, padded to {ph}x{pw}", h=n_h, w=n_w, ph=H, pw=W)
    else:
        title = tr("input {h}x{w}", h=n_h, w=n_w)
    if flip:
        kernel = tr("kernel {h}x{w}, flipped", h=k_h, w=k_w)
    else:
        kernel = tr("kernel {h}x{w}", h=k_h, w=k_w)
    total = format_number(products.sum())
    sum_title = tr("window times kernel, element-wise\nsum = {total}", total=total)
    products_label = tr("products {h}x{w}", h=k_h, w=k_w)
    output = tr("output {h}x{w}", h=o_h, w=o_w)
    later = np.arange(o_h * o_w).reshape(o_h, o_w) > step
    window_cells = [(r, c) for r in rows for c in cols]
    sizes = (g.input_size, (top, left), g.output_size, g.stride, g.span, g.dilation)
    faded, skipped_lines = unread((H, W), *sizes)
    marks = dict(hatched=hatched, outlined=window_cells, dropped=g.dropped)
    marks["dimmed"] = faded
    marks["indices"] = (-top, -left)
    # Every number at 8 px or more: a panel with long numbers widens its cells.
    size = dict(cell=cell, min_font=8)
    red = dict(cmap="RdBu_r", **size)
    panels = [
        Grid(padded, title=title, label=title, cmap="Blues", **size, **marks),
        Grid(K, title=kernel, label=kernel, cmap="PuOr_r", **size),
        Grid(products, title=sum_title, label=products_label, **red),
        Grid(Y, title=output, outlined=[(i, j)], dimmed=later, **red),
    ]
    bottom_y = row(panels)
    what = tr("convolution (kernel flipped)") if flip else tr("cross-correlation")
    sides = dict(top=top, bottom=bottom, left=left, right=right)
    settings = {
        "stride": tr("stride {stride}", stride=g.stride),
        "dilation": tr("dilation {dilation}", dilation=g.dilation),
        "padding": tr(
            "padding (top, bottom, left, right) = ({top}, {bottom}, {left}, {right})",
            **sides,
        ),
    }
    shown = [settings[t] for t in TOPICS if t in topics]
    terms = _terms_text(window, K, Y[i, j], i, j)
    now = dict(what=what, step=step + 1, steps=o_h * o_w, terms=terms)
    lines = Lines(
        [
            tr("{what}, step {step} of {steps}: {terms}", **now),
            *([tr(", ").join(shown)] if shown else []),
            *_formula_lines(0, g, topics),
            *_formula_lines(1, g, topics),
            *([dropped_text(*g.dropped)] if "stride" in topics else []),
            *skipped_lines,
            tr("PyTorch: {code}", code=conv2d_call(g, padding, topics)),
            *(
                [tr("# its weight is the flipped kernel: nn.Conv2d does not flip")]
                if flip
                else []
            ),
        ],
        bold=[0],
        label=tr("formulas"),
    )
    lines.y = bottom_y + 14
    names = dict(what=what, input=title, kernel=kernel, output=output)
    title = tr("{what}: {input}, {kernel}, {output}", **names)
    return Picture([*panels, lines], title=title)


def draw_sweep(X, K, *, padding=0, stride=1, dilation=1, step=0, flip=False):
    """Picture of ``K`` sweeping ``X``: padded input, window, products, output.

    ``padding`` is per side as in ``nn.Conv2d``; ``step`` is the output cell in
    row-major order; ``flip=True`` flips the kernel (true convolution). The
    formulas under the picture cover the arguments given other than their
    defaults (no padding, stride 1, dilation 1).
    """
    X = check_matrix(X, "X").detach().cpu().double()
    K = check_matrix(K, "K").detach().cpu().double()
    g = conv2d_geometry(X.shape, K.shape, stride, padding, dilation)
    steps = math.prod(g.output_size)
    step = check_int(step, "step")
    if not 0 <= step < steps:
        raise ValueError(
            f"step must be between 0 and {steps - 1} (the output has "
            f"{g.output_size[0]}x{g.output_size[1]} = {steps} cells), got {step}"
        )
    if not isinstance(flip, bool):
        raise TypeError(f"flip must be True or False, got {flip!r}")
    applied = torch.flip(K, (0, 1)) if flip else K
    # A padding given as a word ("same") is named even where it adds nothing.
    topics = ("padding",) if isinstance(padding, str) else ()
    Y = _output(X, applied, g)
    return sweep_picture(X, applied, Y, g, step, flip, padding, topics)
