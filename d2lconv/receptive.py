"""Receptive fields of a stack of convolution and pooling layers.

Per axis, a layer with kernel ``k``, stride ``s``, per-side padding ``p`` and
dilation ``d`` turns the field ``r``, jump ``j`` (how far apart, in input
pixels, two neighbouring outputs look) and start (the input index where the
first output's field begins) of the layer below into

    r' = r + d(k - 1) j,   j' = j s,   start' = start - p j.
"""

from typing import NamedTuple

from ._validate import positive_pair
from .i18n import N_, tr
from .shapes import (
    _padding_sides,
    conv2d_output_shape,
    pair_text,
    pool2d_output_shape,
)

_KINDS = ("conv", "max", "avg")
_LABELS = {"conv": N_("conv"), "max": N_("max pool"), "avg": N_("avg pool")}
_DICT_KEYS = set("kind kernel_size stride padding dilation ceil_mode".split())


class LayerError(ValueError):
    """A layer of a stack cannot be applied to its input (an empty output).

    The message names the ``layer`` in English (``"layer 2: conv 5x5: ..."``),
    then the ``error``; ``shown`` is its name in the reader's language.
    """

    def __init__(self, layer, error, number, shown):
        super().__init__(f"layer {layer}: {getattr(error, 'english', error)}")
        self.error, self.number, self.shown = error, number, shown


class LayerField(NamedTuple):
    """One layer's geometry and what one of its outputs sees of the input."""

    name: str
    kernel_size: tuple
    stride: tuple
    padding: tuple  # ((top, bottom), (left, right)), per side as in PyTorch
    dilation: tuple
    output_size: tuple | None  # None when no input size was given
    receptive_field: tuple  # (h, w) in input pixels
    jump: tuple  # (h, w): input distance between neighbouring outputs
    start: tuple  # (row, col) of the first output's field; < 0 is padding


def _describe(label, k, s, p, d):
    text = f"{label} {k[0]}x{k[1]}"
    if s != (1, 1):
        text += f" s={pair_text(s)}"
    if p[0][0] == p[0][1] and p[1][0] == p[1][1]:
        if p != ((0, 0), (0, 0)):
            text += f" p={pair_text((p[0][0], p[1][0]))}"
    else:
        text += f" p={p}"
    if d != (1, 1):
        text += f" d={pair_text(d)}"
    return text


def layer_geometry(layer):
    """Return ``dict(kind, kernel_size, stride, padding, dilation, ceil_mode)``.

    ``layer`` is a dict with ``kernel_size`` and optionally ``stride`` (default
    1, or the window for pooling), ``padding`` (per side, as in PyTorch),
    ``dilation``, ``kind`` ("conv", "max", "avg") and ``ceil_mode``, the
    arguments of ``nn.Conv2d``, ``nn.MaxPool2d`` or ``nn.AvgPool2d``. Padding
    comes back as ``((top, bottom), (left, right))``.
    """
    if not isinstance(layer, dict):
        raise TypeError(
            "each layer must be a dict with kernel_size/stride/padding/dilation, "
            f"got {type(layer).__name__}"
        )
    unknown = set(layer) - _DICT_KEYS
    if unknown:
        raise TypeError(
            f"layer dict has unknown keys {sorted(unknown)}; allowed: "
            f"{sorted(_DICT_KEYS)}"
        )
    if "kernel_size" not in layer:
        raise TypeError(f"layer dict needs a kernel_size, got {layer!r}")
    kind = layer.get("kind", "conv")
    if kind not in _KINDS:
        raise ValueError(f"layer kind must be one of {_KINDS}, got {kind!r}")
    k = positive_pair(layer["kernel_size"], "kernel_size")
    s = positive_pair(layer.get("stride", k if kind != "conv" else 1), "stride")
    d = positive_pair(layer.get("dilation", 1), "dilation")
    return {
        "kind": kind,
        "kernel_size": k,
        "stride": s,
        "padding": _padding_sides(layer.get("padding", 0), k, s, d),
        "dilation": d,
        "ceil_mode": bool(layer.get("ceil_mode", False)),
    }


def receptive_field_table(layers, input_size=None):
    """One ``LayerField`` per layer: output size, receptive field, jump, start.

    ``layers`` is a list of layer dicts (see ``layer_geometry``). With
    ``input_size`` the output size of every layer is filled in, and a layer
    whose output would be empty raises a ``ValueError`` that names it.
    """
    size = None if input_size is None else positive_pair(input_size, "input_size")
    field, jump, start = (1, 1), (1, 1), (0, 0)
    rows = []
    for index, layer in enumerate(layers):
        g = layer_geometry(layer)
        k, s, p, d = g["kernel_size"], g["stride"], g["padding"], g["dilation"]
        label = _LABELS[g["kind"]]  # marked with N_ above
        shown = _describe(tr(label), k, s, p, d)
        name = tr("{index}: {layer}", index=index + 1, layer=shown)
        if size is not None:
            try:
                if g["kind"] == "conv":
                    size = conv2d_output_shape(size, k, s, p, d)
                else:
                    if p[0][0] != p[0][1] or p[1][0] != p[1][1]:
                        raise ValueError(
                            f"pooling padding must be the same on both sides, got {p}"
                        )
                    size = pool2d_output_shape(
                        size, k, s, (p[0][0], p[1][0]), d, g["ceil_mode"]
                    )
            except ValueError as err:
                # The error names the layer in English, as the API's errors do.
                english = f"{index + 1}: {_describe(label, k, s, p, d)}"
                raise LayerError(english, err, index + 1, shown) from None
        field = tuple(field[a] + d[a] * (k[a] - 1) * jump[a] for a in (0, 1))
        start = tuple(start[a] - p[a][0] * jump[a] for a in (0, 1))
        jump = tuple(jump[a] * s[a] for a in (0, 1))
        rows.append(LayerField(name, k, s, p, d, size, field, jump, start))
    return rows


def receptive_field(layers):
    """Receptive field ``(h, w)`` of one output of the whole stack, in input pixels."""
    rows = receptive_field_table(layers)
    return rows[-1].receptive_field if rows else (1, 1)
