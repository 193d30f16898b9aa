"""Pictures for the course's images: padding modes, transposed convolution, GIFs.

The drawing functions return a ``matplotlib.figure.Figure``; ``save_png`` and
``save_gif`` write them with no timestamp or software metadata, so the same
code and the same library versions always give the same bytes.
"""

import io
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from ._grid_mpl import draw_grid, grid_figure
from ._validate import (
    check_positive_int,
    check_real_dtype,
    check_tensor,
    nonnegative_pair,
    positive_pair,
)
from .shapes import conv2d_output_shape, conv_transpose2d_output_shape
from .sweep import draw_sweep

# nn.Conv2d's names for its padding modes, in the order the course shows them.
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")
# F.pad calls zero padding "constant"; both names are accepted.
_F_PAD_MODES = {
    "zeros": "constant",
    "constant": "constant",
    "reflect": "reflect",
    "replicate": "replicate",
    "circular": "circular",
}
_AXES = ("height", "width")


def _check_matrix(X, name):
    """A non-empty 2-D real tensor, as float32 (F.pad's modes need floats)."""
    check_tensor(X, name, 2)
    check_real_dtype(X, name)
    if X.numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(X.shape)}")
    return X.detach().to(torch.float32).cpu()


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


def _size(shape):
    return f"{shape[0]}\u00d7{shape[1]}"


def draw_padding_modes(X=None, padding=1, modes=PADDING_MODES, *, dpi=100):
    """Draw ``X`` and ``X`` padded by ``padding`` per side in each of ``modes``.

    The values come from ``F.pad``; padding cells are grey and hatched. The
    default ``X`` holds 1..9 so that zero padding stands out from the input.
    """
    X = torch.arange(1.0, 10.0).reshape(3, 3) if X is None else _check_matrix(X, "X")
    ph, pw = nonnegative_pair(padding, "padding")
    if isinstance(modes, str):
        modes = (modes,)
    modes = tuple(modes)
    if not modes:
        raise ValueError("modes must name at least one padding mode, got none")
    padded = [pad2d(X, (ph, pw), mode) for mode in modes]
    mask = np.ones(padded[0].shape, dtype=bool)
    mask[ph : ph + X.shape[0], pw : pw + X.shape[1]] = False
    fig, axes = grid_figure(
        tuple(X.shape), *(tuple(P.shape) for P in padded), top=0.95, dpi=dpi
    )
    fig.suptitle(
        f"padding = ({ph}, {pw}) on each side (the book's total p_h = {2 * ph}, "
        f"p_w = {2 * pw}): {_size(X.shape)} input \u2192 "
        f"{_size(padded[0].shape)} padded input",
        fontsize=10,
        y=0.985,
    )
    draw_grid(axes[0], X, title=f"input X\n{_size(X.shape)}")
    axes[0].set_label("input")
    lo = min(float(P.min()) for P in padded)
    hi = max(float(P.max()) for P in padded)
    for ax, mode, P in zip(axes[1:], modes, padded, strict=True):
        name = (
            f"'{mode}'"
            if mode == _F_PAD_MODES[mode]
            else f"'{mode}' (F.pad 'constant')"
        )
        draw_grid(ax, P, mask=mask, vmin=lo, vmax=hi, title=f"{name}\n{_size(P.shape)}")
        ax.set_label(mode)
    return fig


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
    X=None,
    K=None,
    *,
    stride=1,
    padding=0,
    output_padding=0,
    dilation=1,
    max_terms=9,
    dpi=100,
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
    stride = positive_pair(stride, "stride")
    padding = nonnegative_pair(padding, "padding")
    output_padding = nonnegative_pair(output_padding, "output_padding")
    dilation = positive_pair(dilation, "dilation")
    if X.numel() > max_terms:
        raise ValueError(
            f"X has {X.shape[0]}\u00d7{X.shape[1]} = {X.numel()} elements; the "
            f"picture draws one term per element, at most max_terms={max_terms}: "
            "use a smaller X or raise max_terms"
        )
    # The terms land on the uncropped canvas, (n-1)s + d(k-1) + 1 plus the
    # output_padding rows/columns PyTorch adds at the bottom/right.
    canvas = tuple(
        (X.shape[a] - 1) * stride[a]
        + dilation[a] * (K.shape[a] - 1)
        + 1
        + output_padding[a]
        for a in (0, 1)
    )
    terms = _transposed_terms(X, K, stride, dilation, canvas)
    total = np.nansum(np.stack(list(terms.values())), axis=0)
    (ph, pw) = padding
    output = total[ph : ph + out_shape[0], pw : pw + out_shape[1]]
    cropped = np.ones(canvas, dtype=bool)
    cropped[ph : ph + out_shape[0], pw : pw + out_shape[1]] = False
    crops = bool(cropped.any())

    top_shapes = [tuple(X.shape), tuple(K.shape), canvas] + (
        [out_shape] if crops else []
    )
    fig, top_axes, term_axes = _transposed_layout(top_shapes, X.shape, canvas, dpi)
    formula = "(n-1)s - 2p + d(k-1) + output_padding + 1"
    numbers = [
        _formula(
            X.shape[a],
            K.shape[a],
            stride[a],
            padding[a],
            output_padding[a],
            dilation[a],
        )
        for a in (0, 1)
    ]
    if numbers[0] == numbers[1]:
        lines = [f"output height and width = {formula}", f"= {numbers[0]}"]
    else:
        lines = [
            f"output {name} = {formula} = {nums}"
            for name, nums in zip(_AXES, numbers, strict=True)
        ]
    fig.suptitle("\n".join(lines), fontsize=10, y=1 - 0.12 / fig.get_figheight())
    ax_x, ax_k, ax_sum = top_axes[:3]
    draw_grid(ax_x, X, title=f"input X\n{_size(X.shape)}", highlight=None)
    ax_x.set_label("input")
    draw_grid(ax_k, K, title=f"kernel K\n{_size(K.shape)}")
    ax_k.set_label("kernel")
    if crops:
        draw_grid(
            ax_sum,
            total,
            mask=cropped,
            title=f"sum of the terms {_size(canvas)}\n(hatched: removed by padding)",
        )
        ax_sum.set_label("sum")
        draw_grid(top_axes[3], output, title=f"output\n{_size(out_shape)}")
        top_axes[3].set_label("output")
    else:
        draw_grid(ax_sum, output, title=f"output (sum)\n{_size(out_shape)}")
        ax_sum.set_label("output")
    finite = [t[np.isfinite(t)] for t in terms.values()]
    lo = min(0.0, min(float(f.min()) for f in finite))
    hi = max(0.0, max(float(f.max()) for f in finite))
    for (i, j), term in terms.items():
        ax = term_axes[i][j]
        placed = np.isfinite(term)
        draw_grid(
            ax,
            term,
            highlight=placed,
            vmin=lo,
            vmax=hi,
            title=f"X[{i},{j}]\u00b7K = {float(X[i, j]):g}\u00b7K\n"
            f"at ({i * stride[0]}, {j * stride[1]})",
        )
        ax.set_label(f"term {i},{j}")
    return fig


def _transposed_layout(top_shapes, grid, canvas, dpi):
    """Axes for one row of panels above an ``grid``-shaped block of term panels."""
    cell, gap, margin, title, head = 0.36, 0.5, 0.3, 0.75, 0.7
    top_w = cell * sum(c for _, c in top_shapes) + gap * (len(top_shapes) - 1)
    top_h = cell * max(r for r, _ in top_shapes)
    n_rows, n_cols = grid
    terms_w = n_cols * canvas[1] * cell + (n_cols - 1) * gap
    # Wide enough for the formula above the panels.
    width = max(6.6, 2 * margin + max(top_w, terms_w))
    height = head + title + top_h + n_rows * (title + canvas[0] * cell) + 0.2
    fig = Figure(figsize=(width, height), dpi=dpi)

    def add(x, y_top, shape):
        w, h = shape[1] * cell, shape[0] * cell
        return fig.add_axes(
            ((x) / width, (height - y_top - h) / height, w / width, h / height)
        )

    top_axes, x = [], margin
    for shape in top_shapes:
        top_axes.append(add(x, head + title, shape))
        x += shape[1] * cell + gap
    term_axes = []
    y = head + title + top_h
    for _ in range(n_rows):
        y += title
        term_axes.append(
            [
                add(margin + j * (canvas[1] * cell + gap), y, canvas)
                for j in range(n_cols)
            ]
        )
        y += canvas[0] * cell
    return fig, top_axes, term_axes


def save_png(fig, path, dpi=80):
    """Write ``fig`` as a PNG without metadata: same figure, same bytes."""
    fig.savefig(path, format="png", dpi=dpi, metadata={"Software": None})
    return Path(path)


def _rgb(fig, dpi):
    """Render ``fig`` at ``dpi`` to a Pillow RGB image."""
    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB")


def save_gif(figures, path, duration=700, last_duration=None, dpi=80):
    """Write ``figures`` (same size) as a looping GIF, ``duration`` ms per frame.

    All frames share one palette computed from all of them, so a colour never
    shifts between frames; the last frame stays ``last_duration`` ms.
    """
    frames = [_rgb(fig, dpi) for fig in figures]
    if not frames:
        raise ValueError("figures must hold at least one Figure, got none")
    sizes = {f.size for f in frames}
    if len(sizes) != 1:
        raise ValueError(f"every frame must have the same pixel size, got {sizes}")
    width, height = frames[0].size
    strip = Image.new("RGB", (width, height * len(frames)))
    for k, frame in enumerate(frames):
        strip.paste(frame, (0, k * height))
    palette = strip.quantize(
        colors=255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    indexed = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    durations = [duration] * len(frames)
    durations[-1] = duration if last_duration is None else last_duration
    buffer = io.BytesIO()
    indexed[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=indexed[1:],
        duration=durations,
        loop=0,
    )
    Path(path).write_bytes(buffer.getvalue())
    return Path(path)


def sweep_frames(X, K, *, padding=0, stride=1, dilation=1, **sweep_options):
    """One ``draw_sweep`` Figure per output cell, in the kernel's visiting order."""
    check_tensor(X, "X", 2)
    check_tensor(K, "K", 2)
    oh, ow = conv2d_output_shape(
        tuple(X.shape), tuple(K.shape), stride, padding, dilation
    )
    return [
        draw_sweep(
            X,
            K,
            padding=padding,
            stride=stride,
            dilation=dilation,
            step=step,
            **sweep_options,
        )
        for step in range(oh * ow)
    ]


def animate_sweep(
    path,
    X,
    K,
    *,
    padding=0,
    stride=1,
    dilation=1,
    duration=700,
    last_duration=1800,
    dpi=80,
    **sweep_options,
):
    """Write a GIF of ``K`` sweeping ``X``, a frame per output cell; return the path."""
    figures = sweep_frames(
        X, K, padding=padding, stride=stride, dilation=dilation, **sweep_options
    )
    return save_gif(
        figures, path, duration=duration, last_duration=last_duration, dpi=dpi
    )
