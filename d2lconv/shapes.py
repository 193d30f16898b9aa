"""Shape arithmetic for convolution and pooling, on plain ints (no tensors).

Sizes are an int or an ``(h, w)`` pair and ``padding`` is the number of
rows/columns added on EACH side, as in ``nn.Conv2d``. The book's ``p_h`` is the
TOTAL padding (top plus bottom), so its formula

    floor((n_h - k_h + p_h + s_h) / s_h)

is PyTorch's formula below with ``p_h = 2 * padding`` and ``dilation = 1``:

    floor((n + 2p - d(k - 1) - 1) / s) + 1.

An output size below 1 is always a ``ValueError`` that shows the formula with
the numbers filled in, as PyTorch refuses it for convolution and pooling.
"""

import functools
from typing import NamedTuple

from ._validate import nonnegative_pair, positive_pair
from .i18n import N_, tr

_SIDES = (("p_top", "p_bottom"), ("p_left", "p_right"))


class Phrase:
    """An English template (marked with ``N_``) and its values, which may be
    Phrases: ``str()`` is English, ``translated()`` the current language."""

    def __init__(self, template, /, **values):
        self.template, self.values = template, values

    def __str__(self):
        return self.template.format(**self._values(str))

    def translated(self):
        """The text in the current language (``d2lconv.set_language``)."""
        return tr(self.template, **self._values(lambda phrase: phrase.translated()))

    def _values(self, show):
        """The values, each Phrase among them shown with ``show``."""
        values = self.values.items()
        return {k: show(v) if isinstance(v, Phrase) else v for k, v in values}


class ShapeError(Phrase, ValueError):
    """A ``ValueError`` whose message is ``template`` with ``values``: ``str(err)``
    in the reader's language (the errors the lessons show on purpose),
    ``err.english`` (and ``err.args[0]``) in English."""

    def __init__(self, template, /, **values):
        Phrase.__init__(self, template, **values)
        ValueError.__init__(self, self.english)

    __str__ = Phrase.translated

    @property
    def english(self):
        """The message in English, whatever the language."""
        return Phrase.__str__(self)

    def __reduce__(self):  # its attributes too: notes (add_note), a caller's own
        rebuild = functools.partial(ShapeError, self.template, **self.values)
        return rebuild, (), self.__dict__


# The axes in explanations, each translated where it is shown.
_AXIS_PHRASES = (Phrase(N_("height")), Phrase(N_("width")))


def pair_text(pair):
    """A pair as PyTorch code writes it: ``3`` for (3, 3), else ``(3, 1)``."""
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def same_padding(kernel_size, dilation=1):
    """Per-side padding ``((top, bottom), (left, right))`` that keeps the size.

    The total padding is ``d(k - 1)`` per axis (the book's ``p = k - 1`` when
    ``d = 1``). When it is odd, the extra row goes to the bottom and the extra
    column to the right, which is where PyTorch's ``padding="same"`` puts it.
    """
    kernel_size = positive_pair(kernel_size, "kernel_size")
    dilation = positive_pair(dilation, "dilation")
    totals = (d * (k - 1) for k, d in zip(kernel_size, dilation, strict=True))
    return tuple((t // 2, t - t // 2) for t in totals)


def _padding_sides(padding, kernel_size, stride, dilation):
    """Turn any accepted ``padding`` into ``((top, bottom), (left, right))``."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0), (0, 0))
        if padding != "same":
            raise ValueError(
                f'padding must be an int, an (h, w) pair, "valid" or "same", '
                f"got {padding!r}"
            )
        if stride != (1, 1):
            raise ValueError(
                f'padding="same" needs stride 1 (as in PyTorch), got '
                f"stride={stride}; give the padding as numbers instead"
            )
        return same_padding(kernel_size, dilation)
    if (
        isinstance(padding, (tuple, list))
        and len(padding) == 2
        and all(isinstance(p, (tuple, list)) for p in padding)
    ):
        # ((top, bottom), (left, right)), as returned by same_padding.
        return (
            nonnegative_pair(tuple(padding[0]), "padding (top, bottom)"),
            nonnegative_pair(tuple(padding[1]), "padding (left, right)"),
        )
    ph, pw = nonnegative_pair(padding, "padding")
    return ((ph, ph), (pw, pw))


def _padding_text(sides, axis):
    """The padding term of the formula, symbols and numbers."""
    before, after = sides
    if before == after:
        return "2p", f"2*{before}"
    return " + ".join(_SIDES[axis]), f"{before} + {after}"


def _formula(axis, n, k, s, sides, d, rounding="floor"):
    """PyTorch's output-size formula along one axis, with the numbers in it."""
    p_sym, p_num = _padding_text(sides, axis)
    return (
        f"{rounding}((n + {p_sym} - d(k-1) - 1)/s) + 1 = "
        f"{rounding}(({n} + {p_num} - {d}*({k}-1) - 1)/{s}) + 1"
    )


def _conv_axis(axis, n, k, s, sides, d):
    """Output length along one axis, or a ``ShapeError`` showing the formula
    (the course's first formula, n - k + 1, without padding, stride, dilation)."""
    out = (n + sides[0] + sides[1] - d * (k - 1) - 1) // s + 1
    if out >= 1:
        return out
    formula = f"{_formula(axis, n, k, s, sides, d)} = {out}"
    values = dict(axis=_AXIS_PHRASES[axis], n=n, k=k, out=out, formula=formula)
    if (s, d, *sides) == (1, 1, 0, 0):
        raise ShapeError(
            N_(
                "output {axis} = n - k + 1 = {n} - {k} + 1 = {out} < 1: "
                "kernel_size {k} is larger than the input {n}"
            ),
            **values,
        )
    padding, padded = _padding_text(sides, axis)[1], n + sides[0] + sides[1]
    raise ShapeError(
        N_(
            "output {axis} = {formula} < 1: kernel_size {k} (effective size "
            "d(k-1) + 1 = {span}) is larger than the padded input {n} + "
            "{padding} = {padded}"
        ),
        **values,
        span=d * (k - 1) + 1,
        padding=padding,
        padded=padded,
    )


class ConvGeometry(NamedTuple):
    """The sizes of one ``nn.Conv2d``, each an ``(h, w)`` pair, checked once."""

    input_size: tuple
    kernel_size: tuple
    stride: tuple
    dilation: tuple
    sides: tuple  # ((top, bottom), (left, right)), per side as in nn.Conv2d
    output_size: tuple

    @property
    def span(self):
        """Rows and columns under one window: ``d(k - 1) + 1``."""
        k, d = self.kernel_size, self.dilation
        return d[0] * (k[0] - 1) + 1, d[1] * (k[1] - 1) + 1

    @property
    def padded_size(self):
        (top, bottom), (left, right) = self.sides
        return self.input_size[0] + top + bottom, self.input_size[1] + left + right

    @property
    def dropped(self):
        """Rows and columns of the padded input that no window reaches."""
        # The last window starts at (out - 1) * s.
        (H, W), (oh, ow), (sh, sw) = self.padded_size, self.output_size, self.stride
        return H - (oh - 1) * sh - self.span[0], W - (ow - 1) * sw - self.span[1]

    def formula(self, axis):
        """PyTorch's output-size formula along ``axis`` (0 or 1), numbers filled in."""
        n, k, s = self.input_size[axis], self.kernel_size[axis], self.stride[axis]
        d, sides = self.dilation[axis], self.sides[axis]
        return f"{_formula(axis, n, k, s, sides, d)} = {self.output_size[axis]}"


def conv2d_geometry(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """The ``ConvGeometry`` of ``nn.Conv2d`` with these arguments (those of
    ``conv2d_output_shape``), or a ValueError."""
    input_size = positive_pair(input_size, "input_size")
    kernel_size = positive_pair(kernel_size, "kernel_size")
    stride = positive_pair(stride, "stride")
    dilation = positive_pair(dilation, "dilation")
    sides = _padding_sides(padding, kernel_size, stride, dilation)
    output_size = tuple(
        _conv_axis(a, input_size[a], kernel_size[a], stride[a], sides[a], dilation[a])
        for a in (0, 1)
    )
    return ConvGeometry(input_size, kernel_size, stride, dilation, sides, output_size)


def conv2d_output_shape(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """Output ``(h, w)`` of ``nn.Conv2d`` with these arguments.

    ``padding`` is per side (an int or an ``(h, w)`` pair), ``"valid"``,
    ``"same"`` (stride 1 only) or ``((top, bottom), (left, right))``. Per axis:
    ``floor((n + 2p - d(k - 1) - 1)/s) + 1``; the book's total padding is ``2p``.
    """
    return conv2d_geometry(input_size, kernel_size, stride, padding, dilation)[-1]


def _pool_axis(axis, n, k, s, p, d, ceil_mode):
    """Output length of a pooling layer along one axis, or a ``ShapeError``."""
    # PyTorch checks both p <= k // 2 and p <= (d(k-1) + 1) // 2; the first is
    # never looser, so it is the rule that counts, whatever the dilation.
    numerator = n + 2 * p - d * (k - 1) - 1
    # -(-a // b) is ceil(a / b) for ints of any sign.
    rounded = (-(-numerator // s) if ceil_mode else numerator // s) + 1
    # With ceil_mode, a last window that would start in the right padding goes.
    out = rounded - (ceil_mode and (rounded - 1) * s >= n + p)
    if out >= 1:
        return out
    formula = _formula(axis, n, k, s, (p, p), d, "ceil" if ceil_mode else "floor")
    values = dict(axis=_AXIS_PHRASES[axis], formula=formula, out=out)
    if out == rounded:
        steps = Phrase(N_("output {axis} = {formula} = {out}"), **values)
    else:
        steps = Phrase(
            N_(
                "output {axis} = {formula} = {rounded}, minus 1 because the "
                "last window would start at {start} >= n + p = {limit} "
                "(inside the right padding) = {out}"
            ),
            rounded=rounded,
            start=out * s,
            limit=n + p,
            **values,
        )
    values = dict(steps=steps, k=k, span=d * (k - 1) + 1, n=n, p=p, padded=n + 2 * p)
    raise ShapeError(
        N_(
            "{steps} < 1: the pooling window (kernel_size {k}, effective size "
            "{span}) is larger than the padded input {n} + 2*{p} = {padded}"
        ),
        **values,
    )


def pool2d_output_shape(
    input_size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False
):
    """Output ``(h, w)`` of ``nn.MaxPool2d`` with these arguments.

    ``stride=None`` means the window size (PyTorch's default). ``padding`` is
    per side and must be at most ``kernel_size // 2``. With ``ceil_mode`` the
    division rounds up, but a last window that would start in the right
    padding is dropped, exactly as PyTorch does.
    """
    input_size = positive_pair(input_size, "input_size")
    kernel_size = positive_pair(kernel_size, "kernel_size")
    stride = kernel_size if stride is None else positive_pair(stride, "stride")
    padding = nonnegative_pair(padding, "padding")
    dilation = positive_pair(dilation, "dilation")
    if not isinstance(ceil_mode, bool):
        raise TypeError(f"ceil_mode must be True or False, got {ceil_mode!r}")
    for axis, (p, k) in enumerate(zip(padding, kernel_size, strict=True)):
        if p > k // 2:
            values = dict(padding=padding, kernel_size=kernel_size, half=k // 2)
            raise ShapeError(
                N_(
                    "padding {axis} {p} is more than half the pooling window: "
                    "padding must be <= kernel_size // 2 = {k} // 2 = {half} "
                    "(PyTorch's rule for pooling), got padding={padding}, "
                    "kernel_size={kernel_size}"
                ),
                axis=_AXIS_PHRASES[axis],
                p=p,
                k=k,
                **values,
            )
    sizes = zip(input_size, kernel_size, stride, padding, dilation, strict=True)
    return tuple(_pool_axis(a, *size, ceil_mode) for a, size in enumerate(sizes))
