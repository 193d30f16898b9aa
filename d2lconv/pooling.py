"""Max and average pooling, window by window, checked against PyTorch."""

import math

import numpy as np
import torch
import torch.nn.functional as F

from ._validate import as_pair, check_tensor
from .data import edge_image
from .device import one_thread
from .grid import Grid, dropped_text, unread
from .i18n import N_, tr
from .picture import GAP, Lines, Picture, format_number, row
from .shapes import pair_text, pool2d_output_shape

MODES = (N_("max"), N_("avg"))
CELL = 28  # pixels per matrix cell


def pooling_inputs():
    """The inputs the explorer offers, by name: each a (channels, h, w) tensor."""
    generator = torch.Generator().manual_seed(0)
    return {
        N_("arange(32): 2 channels, 4x4 (book)"): torch.arange(32.0).view(2, 4, 4),
        N_("0..8: 1 channel, 3x3 (book)"): torch.arange(9.0).view(1, 3, 3),
        N_("edge image: 1 channel, 6x8"): edge_image()[None],
        N_("random 0..9: 2 channels, 6x6"): torch.randint(
            0, 10, (2, 6, 6), generator=generator
        ).float(),
        N_("0..48: 1 channel, 7x7"): torch.arange(49.0).view(1, 7, 7),
    }


def pooling_window(input_size, cell, kernel_size, stride, padding):
    """Rows and columns of output ``cell``'s window, in padded-input coordinates.

    Returns ``(rows, cols, divisor_with_pad, divisor_without_pad)``: the two
    divisors PyTorch's average pooling uses with ``count_include_pad`` True or
    False. The window is cut at the end of the padding (``ceil_mode`` windows
    may reach past it), and the first divisor counts the padding it covers.
    """
    spans, with_pad, without_pad = [], 1, 1
    for axis in (0, 1):
        n, k, s, p = (input_size[axis], kernel_size[axis], stride[axis], padding[axis])
        start = cell[axis] * s - p
        end = min(start + k, n + p)
        with_pad *= end - start
        without_pad *= min(end, n) - max(start, 0)
        spans.append(range(start + p, start + p + k))
    return spans[0], spans[1], with_pad, without_pad


def _cell_formula(x, rows, cols, p, mode, divisor):
    """The arithmetic of one output cell, written out."""
    n_h, n_w = x.shape
    inside = [
        float(x[r - p[0], c - p[1]])
        for r in rows
        for c in cols
        if 0 <= r - p[0] < n_h and 0 <= c - p[1] < n_w
    ]
    shown = ", ".join(format_number(v) for v in inside)
    if mode == "max":
        return f"max({shown}) = {format_number(max(inside))}"
    total = " + ".join(format_number(v) for v in inside)
    return f"({total}) / {divisor} = {sum(inside) / divisor:.4g}"


def _padded_view(X, padding, extent, mode):
    """The input with its padding (and any ceil-mode overhang) for display.

    Max pooling pads with -inf (padding never wins); average pooling with zeros
    that count only with ``count_include_pad``. Overhang past the padding is NaN.
    """
    c, n_h, n_w = X.shape
    p_h, p_w = padding
    fill = -math.inf if mode == "max" else 0.0
    shape = (max(n_h + 2 * p_h, extent[0]), max(n_w + 2 * p_w, extent[1]))
    padded = torch.full((c, *shape), math.nan)
    padded[:, : n_h + 2 * p_h, : n_w + 2 * p_w] = fill
    padded[:, p_h : p_h + n_h, p_w : p_w + n_w] = X
    mask = np.ones(shape, dtype=bool)
    mask[p_h : p_h + n_h, p_w : p_w + n_w] = False
    return padded, mask


def describe_pooling(input_size, kernel_size, stride, padding, ceil_mode, output_size):
    """The output-size formula, with this layer's numbers filled in: one per axis."""
    rounding = "ceil" if ceil_mode else "floor"
    parts = []
    for axis, name in ((0, "h"), (1, "w")):
        n, k, s, p = (input_size[axis], kernel_size[axis], stride[axis], padding[axis])
        quotient = (n + 2 * p - k) / s
        out = (math.ceil(quotient) if ceil_mode else math.floor(quotient)) + 1
        text = f"{name}: {rounding}(({n} + 2*{p} - {k})/{s}) + 1 = {out}"
        if out != output_size[axis]:
            # PyTorch drops a last window that would start past the input (in
            # the right padding or beyond): windows may start in the left one.
            text = tr(
                "{formula} - 1 (the last window would start past the input) = {out}",
                formula=text,
                out=out - 1,
            )
        parts.append(text)
    return parts


def pytorch_layer(kernel_size, stride, padding, mode, ceil_mode, count_include_pad):
    """The ``nn.MaxPool2d(...)`` / ``nn.AvgPool2d(...)`` call with these settings."""
    args = (
        f"kernel_size={pair_text(kernel_size)}, stride={pair_text(stride)}, "
        f"padding={pair_text(padding)}, ceil_mode={ceil_mode}"
    )
    if mode == "max":
        return f"nn.MaxPool2d({args})"
    return f"nn.AvgPool2d({args}, count_include_pad={count_include_pad})"


def draw_pooling(
    X,
    kernel_size,
    stride=None,
    padding=0,
    mode="max",
    ceil_mode=False,
    count_include_pad=True,
    cell=0,
):
    """Picture of pooling ``X`` (c, h, w) channel by channel, with one output's window.

    ``cell`` is the output position (row-major index or ``(i, j)``) whose window
    is outlined; the numbers come from PyTorch's pooling functions. The text
    under the panels is the matching PyTorch layer and its output shape.
    """
    X = check_tensor(X, "X", 3).detach().cpu().float()
    kernel_size = as_pair(kernel_size, "kernel_size")
    stride = kernel_size if stride is None else as_pair(stride, "stride")
    padding = as_pair(padding, "padding")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    input_size = tuple(X.shape[1:])
    # Checked first: a bad combination raises a ValueError that explains the rule.
    pool2d_output_shape(input_size, kernel_size, stride, padding, ceil_mode=ceil_mode)
    args = (X[None], kernel_size, stride, padding)
    with one_thread():
        if mode == "max":
            Y = F.max_pool2d(*args, ceil_mode=ceil_mode)[0]
        else:
            Y = F.avg_pool2d(*args, ceil_mode, count_include_pad)[0]
    c, oh, ow = Y.shape
    cell = _output_cell(cell, (oh, ow))
    extent = tuple(
        (o - 1) * s + k for o, s, k in zip((oh, ow), stride, kernel_size, strict=True)
    )
    padded, mask = _padded_view(X, padding, extent, mode)
    sizes = (input_size, cell, kernel_size, stride, padding)
    rows, cols, with_pad, without_pad = pooling_window(*sizes)
    window = [(r, q) for r in rows for q in cols]
    # Rows and columns of the padded input that no window reaches.
    dropped = tuple(
        max(0, n + 2 * p - e)
        for n, p, e in zip(input_size, padding, extent, strict=True)
    )
    # Input rows and columns the windows step over (a stride larger than the window).
    faded, skipped_lines = unread(
        mask.shape, input_size, padding, (oh, ow), stride, kernel_size
    )
    marks = dict(hatched=mask, outlined=window, dimmed=faded, dropped=dropped)
    marks["indices"] = (-padding[0], -padding[1])
    blues = dict(cmap="Blues", cell=CELL)
    panels = []
    for ch in range(c):
        title = tr("input channel {ch}\npadding {padding}", ch=ch, padding=padding)
        panels.append(Grid(padded[ch], title=title, **marks, **blues))
        title = tr("output channel {ch}\n{mode} pool", ch=ch, mode=tr(mode))
        panels.append(Grid(Y[ch], title=title, outlined=[cell], **blues))
    bottom = row(panels)
    divisor = with_pad if count_include_pad else without_pad
    formula = _cell_formula(X[0], rows, cols, padding, mode, divisor)
    if mode == "max":
        note = tr("padding is -inf: it never wins")
    elif count_include_pad:
        note = tr("padding counts as 0")
    else:
        note = tr("padding not counted")
    shapes = dict(input=tuple(X.shape), output=tuple(Y.shape))
    window_line = dict(cell=cell, formula=formula, note=note)
    sizes = (input_size, kernel_size, stride, padding, ceil_mode, (oh, ow))
    formulas = describe_pooling(*sizes)
    # A dropped window's note makes the line too long: one line per axis.
    wrap = ceil_mode and any(dropped)
    formulas = "".join(f"\n  {f}" for f in formulas) if wrap else ",  ".join(formulas)
    lines = [
        pytorch_layer(kernel_size, stride, padding, mode, ceil_mode, count_include_pad),
        tr(
            "# input {input} -> output {output}: each channel is pooled on its own, "
            "channels are never summed",
            **shapes,
        ),
        *tr(
            "output size (p = padding per side; the book's total padding is 2p): "
            "{formulas}",
            formulas=formulas,
        )
        .replace(" \n", "\n")
        .split("\n"),
        *([dropped_text(*dropped, ceil_mode)] if any(dropped) else []),
        *skipped_lines,
        tr("channel 0, output cell {cell}: {formula}   ({note})", **window_line),
    ]
    caption = Lines(lines, bold=[0])
    caption.y = bottom + GAP / 2
    h, w = input_size
    title = tr("{mode} pooling of a {c}x{h}x{w} input", mode=tr(mode), c=c, h=h, w=w)
    return Picture([*panels, caption], title=title)


def _output_cell(cell, shape):
    """``cell`` (a row-major index or an ``(i, j)`` pair) as ``(i, j)``, checked."""
    oh, ow = shape
    if isinstance(cell, int) and not isinstance(cell, bool):
        if not 0 <= cell < oh * ow:
            raise ValueError(
                f"cell must be between 0 and {oh * ow - 1} (the output has "
                f"{oh}x{ow} cells), got {cell}"
            )
        return divmod(cell, ow)
    i, j = as_pair(cell, "cell")
    if not (0 <= i < oh and 0 <= j < ow):
        raise ValueError(
            f"cell must be a position (i, j) in the {oh}x{ow} output, 0 <= i < "
            f"{oh} and 0 <= j < {ow}, got {cell!r}"
        )
    return i, j
