"""Pictures for the course's images: padding modes, transposed convolution, sweeps.

The drawing functions return a ``Picture`` (SVG text); a sweep moves as an
``Animation`` (one SVG, no script): the same text on any machine.
"""

import numpy as np
import torch
import torch.nn.functional as F

from ._validate import as_pair, check_matrix, check_positive_int, nonnegative_pair
from .animation import Animation
from .grid import Grid
from .i18n import tr
from .picture import MARGIN, Lines, Picture, row
from .shapes import conv2d_geometry, conv_transpose2d_output_shape
from .sweep import draw_sweep

# nn.Conv2d's names for its padding modes, in the order the course shows them.
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
# F.pad calls zero padding "constant"; both names are accepted.
_F_PAD_MODES = {"zeros": "constant", "constant": "constant"}
_F_PAD_MODES |= {mode: mode for mode in ("reflect", "replicate", "circular")}
_AXES = ("height", "width")


def _check_matrix(X, name):
    """A non-empty 2-D real tensor, as float32 (F.pad's modes need floats)."""
    return check_matrix(X, name).detach().to(torch.float32).cpu()


def pad2d(X, padding, mode="zeros"):
    """Pad the 2-D tensor ``X`` by ``padding`` per side with ``F.pad``'s ``mode``.

    ``mode`` is one of nn.Conv2d's ``padding_mode`` names (``"zeros"``,
    ``"reflect"``, ``"replicate"``, ``"circular"``) or F.pad's ``"constant"``.
    """
    X = _check_matrix(X, "X")
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


def draw_padding_modes(X=None, padding=1, modes=PADDING_MODES):
    """Draw ``X`` and ``X`` padded by ``padding`` per side in each of ``modes``.

    The values come from ``F.pad``; padding cells are grey and hatched. The
    default ``X`` holds 1..9 so that zero padding stands out from the input.
    """
    X = torch.arange(1.0, 10.0).reshape(3, 3) if X is None else _check_matrix(X, "X")
    ph, pw = nonnegative_pair(padding, "padding")
    if not (modes := (modes,) if isinstance(modes, str) else tuple(modes)):
        raise ValueError("modes must name at least one padding mode, got none")
    padded = [pad2d(X, (ph, pw), mode) for mode in modes]
    mask = np.ones(padded[0].shape, dtype=bool)
    mask[ph : ph + X.shape[0], pw : pw + X.shape[1]] = False
    lo, hi = min(float(P.min()) for P in padded), max(float(P.max()) for P in padded)
    panels = [_grid(X, tr("input"), tr("input X"))]
    for mode, P in zip(modes, padded, strict=True):
        name = f"'{mode}'"
        if mode != _F_PAD_MODES[mode]:
            name = tr("'{mode}' (F.pad 'constant')", mode=mode)
        panels.append(_grid(P, mode, name, hatched=mask, vmin=lo, vmax=hi))
    heading = tr(
        "padding = ({ph}, {pw}) on each side (the book's total p_h = {total_h}, "
        "p_w = {total_w}): {input} input \u2192 {padded} padded input",
        ph=ph,
        pw=pw,
        total_h=2 * ph,
        total_w=2 * pw,
        input=_size(X.shape),
        padded=_size(padded[0].shape),
    )
    title = tr("padding modes: {heading}", heading=heading)
    return _heading([heading], [panels], title=title)


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


def draw_transposed_conv(
    X=None, K=None, *, stride=1, padding=0, output_padding=0, dilation=1, max_terms=9
):
    """Draw a transposed convolution: each ``X[i, j]`` scatters ``X[i, j] * K``.

    The terms add up on a canvas; ``padding`` then removes that many rows and
    columns from each side, giving exactly ``F.conv_transpose2d``'s output.
    Defaults: the book's 2x2 example, ``X = K = [[0, 1], [2, 3]]``.
    """
    X = torch.tensor([[0.0, 1.0], [2.0, 3.0]]) if X is None else _check_matrix(X, "X")
    K = torch.tensor([[0.0, 1.0], [2.0, 3.0]]) if K is None else _check_matrix(K, "K")
    max_terms = check_positive_int(max_terms, "max_terms")
    out_shape = conv_transpose2d_output_shape(
        tuple(X.shape), tuple(K.shape), stride, padding, output_padding, dilation
    )
    # Checked just above; here they become (h, w) pairs.
    pairs = (as_pair(v, "") for v in (stride, padding, output_padding, dilation))
    stride, padding, output_padding, dilation = pairs
    if X.numel() > max_terms:
        raise ValueError(
            f"X has {X.shape[0]}\u00d7{X.shape[1]} = {X.numel()} elements; the "
            f"picture draws one term per element, at most max_terms={max_terms}: "
            "use a smaller X or raise max_terms"
        )
    # The terms land on the uncropped canvas, (n-1)s + d(k-1) + 1 plus the
    # output_padding rows/columns PyTorch adds at the bottom/right.
    canvas = conv_transpose2d_output_shape(
        tuple(X.shape), tuple(K.shape), stride, 0, output_padding, dilation
    )
    terms = _transposed_terms(X, K, stride, dilation, canvas)
    stacked = np.stack(list(terms.values()))
    total = np.nansum(stacked, axis=0)
    (ph, pw) = padding
    output = total[ph : ph + out_shape[0], pw : pw + out_shape[1]]
    cropped = np.ones(canvas, dtype=bool)
    cropped[ph : ph + out_shape[0], pw : pw + out_shape[1]] = False
    top = [_grid(X, tr("input"), tr("input X")), _grid(K, tr("kernel"), tr("kernel K"))]
    if cropped.any():
        title = tr("sum of the terms (hatched: removed by padding)")
        top += [
            _grid(total, tr("sum"), title, hatched=cropped),
            _grid(output, tr("output"), tr("output")),
        ]
    else:
        top.append(_grid(output, tr("output"), tr("output (sum)")))
    lo, hi = min(0.0, float(np.nanmin(stacked))), max(0.0, float(np.nanmax(stacked)))
    term_rows = [[] for _ in range(X.shape[0])]
    for (i, j), term in terms.items():
        title = tr(
            "X[{i},{j}]\u00b7K = {x:g}\u00b7K\nat ({row}, {col})",
            i=i,
            j=j,
            x=float(X[i, j]),
            row=i * stride[0],
            col=j * stride[1],
        )
        placed = np.isfinite(term)
        label = tr("term {i},{j} {size}", i=i, j=j, size=_size(canvas, "x"))
        options = dict(outlined=placed, vmin=lo, vmax=hi, cell=24)
        term_rows[i].append(Grid(term, title=title, label=label, **options))
    formula = "(n-1)s - 2p + d(k-1) + output_padding + 1"
    sizes = (X.shape, K.shape, stride, padding, output_padding, dilation)
    numbers = [_formula(*(size[a] for size in sizes)) for a in (0, 1)]
    if numbers[0] == numbers[1]:
        lines = [
            tr("output height and width = {formula}", formula=formula),
            f"= {numbers[0]}",
        ]
    else:
        n_h, n_w = numbers
        lines = [
            tr("output height = {formula} = {numbers}", formula=formula, numbers=n_h),
            tr("output width = {formula} = {numbers}", formula=formula, numbers=n_w),
        ]
    return _heading(lines, [top, *term_rows], title=tr("transposed convolution"))


def sweep_frames(X, K, *, padding=0, stride=1, dilation=1, flip=False):
    """One ``draw_sweep`` Picture per output cell, in the kernel's visiting order."""
    check_matrix(X, "X")
    check_matrix(K, "K")
    g = conv2d_geometry(tuple(X.shape), tuple(K.shape), stride, padding, dilation)
    options = dict(padding=padding, stride=stride, dilation=dilation, flip=flip)
    steps = range(g.output_size[0] * g.output_size[1])
    return [draw_sweep(X, K, step=step, **options) for step in steps]


def animate_sweep(path, X, K, *, duration=700, last_duration=1800, **sweep_options):
    """Write an animated SVG of ``K`` sweeping ``X``, a frame per output cell.

    ``sweep_options`` are ``padding``, ``stride``, ``dilation`` and ``flip``;
    returns the path (it must end in .svg).
    """
    frames = sweep_frames(X, K, **sweep_options)
    return Animation(frames, duration=duration, last_duration=last_duration).save(path)
