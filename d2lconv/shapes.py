"""Shape arithmetic for convolution and pooling, on plain ints (no tensors).

All functions follow PyTorch's conventions: sizes are an int or an ``(h, w)``
pair and ``padding`` is the number of rows/columns added on EACH side, as in
``nn.Conv2d``. The book writes ``p_h`` for the TOTAL number of rows added (top
plus bottom), so its formula

    floor((n_h - k_h + p_h + s_h) / s_h)

is PyTorch's formula below with ``p_h = 2 * padding`` and ``dilation = 1``:

    floor((n + 2p - d(k - 1) - 1) / s) + 1.

Zero-size outputs, decided once for every function here: an output size
below 1 (zero or negative) is always a ``ValueError`` that shows the formula
with the numbers filled in. This follows PyTorch wherever PyTorch refuses
(``nn.Conv2d`` and both pooling layers raise for every such case); where
PyTorch silently returns an empty tensor (``nn.ConvTranspose2d`` can give a
0x0 output, e.g. input 1, kernel 4, padding 2), we still raise, because an
empty feature map is a mistake in a network, not a result to teach with.
An output of exactly 1 is fine everywhere. ``padding="same"`` keeps the
input size, so it can never produce an empty output.

Those errors are ``ShapeError``s: ValueErrors with the English message, that
also keep its template and values, so that the explorers can show the same
explanation in Chinese (``err.translated()``).
"""

from typing import NamedTuple

from ._validate import nonnegative_pair, positive_pair
from .i18n import N_, tr

_AXES = ("height", "width")
_SIDES = (("p_top", "p_bottom"), ("p_left", "p_right"))


def _filled(template, values, english):
    """``template`` with ``values``; Phrases and ShapeErrors among them in English
    (``english``) or in the current language (a translated ``template`` too)."""
    if english:
        return template.format(
            **{k: str(v) if isinstance(v, _PIECES) else v for k, v in values.items()}
        )
    return tr(
        template,
        **{
            k: v.translated() if isinstance(v, _PIECES) else v
            for k, v in values.items()
        },
    )


class Phrase:
    """Part of an explanation: an English template (marked with ``N_``) and values.

    ``str()`` is the English text, ``translated()`` the text in the current
    language. Values may be Phrases or ShapeErrors.
    """

    __slots__ = ("template", "values")

    def __init__(self, template, /, **values):
        self.template, self.values = template, values

    def __str__(self):
        return _filled(self.template, self.values, english=True)

    def translated(self):
        """The text in the current language (``d2lconv.set_language``)."""
        return _filled(self.template, self.values, english=False)

    def __repr__(self):
        return f"Phrase({self.template!r}, **{self.values!r})"


class ShapeError(ValueError):
    """A ``ValueError`` whose English message is ``template`` filled in with ``values``.

    ``str(err)`` (and an f-string) stays English, as PyTorch's messages do; the
    error keeps ``template`` and ``values`` so that an explorer can show the
    explanation in the reader's language: ``err.translated()``. A value may be
    a Phrase (an axis, a clause) or another ShapeError (the reason), translated
    with it.
    """

    def __init__(self, template, /, **values):
        super().__init__(_filled(template, values, english=True))
        self.template, self.values = template, values

    def translated(self):
        """The message in the current language (``d2lconv.set_language``)."""
        return _filled(self.template, self.values, english=False)

    def __reduce__(self):
        return _shape_error, (self.template, self.values)


def _shape_error(template, values):
    return ShapeError(template, **values)


# The axes in explanations, as Phrases (each translated where it is shown).
_AXIS_PHRASES = (Phrase(N_("height")), Phrase(N_("width")))
# Values that are themselves explanations, English or translated with the rest.
_PIECES = (Phrase, ShapeError)


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
    sides = []
    for k, d in zip(kernel_size, dilation, strict=True):
        total = d * (k - 1)
        sides.append((total // 2, total - total // 2))
    return tuple(sides)


def _padding_sides(padding, kernel_size, stride, dilation):
    """Turn any accepted ``padding`` into ``((top, bottom), (left, right))``."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0), (0, 0))
        if padding == "same":
            if stride != (1, 1):
                raise ValueError(
                    f'padding="same" needs stride 1 (as in PyTorch), got '
                    f"stride={stride}; give the padding as numbers instead"
                )
            return same_padding(kernel_size, dilation)
        raise ValueError(
            f'padding must be an int, an (h, w) pair, "valid" or "same", '
            f"got {padding!r}"
        )
    is_nested = (
        isinstance(padding, (tuple, list))
        and len(padding) == 2
        and all(isinstance(p, (tuple, list)) for p in padding)
    )
    if is_nested:
        # ((top, bottom), (left, right)), as returned by same_padding.
        top_bottom = nonnegative_pair(tuple(padding[0]), "padding (top, bottom)")
        left_right = nonnegative_pair(tuple(padding[1]), "padding (left, right)")
        return (top_bottom, left_right)
    ph, pw = nonnegative_pair(padding, "padding")
    return ((ph, ph), (pw, pw))


def _padding_text(sides, axis):
    """The padding term of the formula, symbols and numbers."""
    before, after = sides
    if before == after:
        return "2p", f"2*{before}"
    names = _SIDES[axis]
    return f"{names[0]} + {names[1]}", f"{before} + {after}"


def _conv_formula(axis, n, k, s, sides, d):
    """Output length along one axis, and PyTorch's formula with the numbers in it."""
    out = (n + sides[0] + sides[1] - d * (k - 1) - 1) // s + 1
    p_sym, p_num = _padding_text(sides, axis)
    formula = (
        f"floor((n + {p_sym} - d(k-1) - 1)/s) + 1 = "
        f"floor(({n} + {p_num} - {d}*({k}-1) - 1)/{s}) + 1 = {out}"
    )
    return out, formula


def _conv_axis(axis, n, k, s, sides, d):
    """Output length along one axis, or a ``ValueError`` showing the formula.

    Without padding, stride or dilation the formula is the first one the
    course teaches, n - k + 1.
    """
    out, formula = _conv_formula(axis, n, k, s, sides, d)
    if out < 1 and (s, d, *sides) == (1, 1, 0, 0):
        raise ShapeError(
            N_(
                "output {axis} = n - k + 1 = {n} - {k} + 1 = {out} < 1: "
                "kernel_size {k} is larger than the input {n}"
            ),
            axis=_AXIS_PHRASES[axis],
            n=n,
            k=k,
            out=out,
        )
    if out < 1:
        raise ShapeError(
            N_(
                "output {axis} = {formula} < 1: kernel_size {k} (effective size "
                "d(k-1) + 1 = {span}) is larger than the padded input {n} + "
                "{padding} = {padded}"
            ),
            axis=_AXIS_PHRASES[axis],
            formula=formula,
            k=k,
            span=d * (k - 1) + 1,
            n=n,
            padding=_padding_text(sides, axis)[1],
            padded=n + sides[0] + sides[1],
        )
    return out


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
        return _conv_formula(axis, n, k, s, sides, d)[1]


def conv2d_geometry(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """The ``ConvGeometry`` of ``nn.Conv2d`` with these arguments, or a ValueError.

    The arguments are those of ``conv2d_output_shape``.
    """
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
    An output size below 1 is a ``ValueError``, as in PyTorch.
    """
    geometry = conv2d_geometry(input_size, kernel_size, stride, padding, dilation)
    return geometry.output_size


def _check_pool_padding(padding, kernel_size):
    """PyTorch's pooling rule: padding at most half the window, per axis."""
    for axis in (0, 1):
        p, k = padding[axis], kernel_size[axis]
        # PyTorch checks both p <= k // 2 and p <= (d(k-1) + 1) // 2; the first
        # is never looser, so it is the rule that counts, whatever the dilation.
        if p > k // 2:
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
                half=k // 2,
                padding=padding,
                kernel_size=kernel_size,
            )


def _pool_axis(axis, n, k, s, p, d, ceil_mode):
    """Output length of a pooling layer along one axis, or a ``ValueError``."""
    numerator = n + 2 * p - d * (k - 1) - 1
    # -(-a // b) is ceil(a / b) for ints of any sign.
    rounded = (-(-numerator // s) if ceil_mode else numerator // s) + 1
    out = rounded
    if ceil_mode and (out - 1) * s >= n + p:
        # A last window that would start inside the right padding is dropped.
        out -= 1
    if out < 1:
        rounding = "ceil" if ceil_mode else "floor"
        formula = (
            f"{rounding}((n + 2p - d(k-1) - 1)/s) + 1 = "
            f"{rounding}(({n} + 2*{p} - {d}*({k}-1) - 1)/{s}) + 1"
        )
        if out == rounded:
            steps = Phrase(
                N_("output {axis} = {formula} = {out}"),
                axis=_AXIS_PHRASES[axis],
                formula=formula,
                out=out,
            )
        else:
            steps = Phrase(
                N_(
                    "output {axis} = {formula} = {rounded}, minus 1 because the "
                    "last window would start at {start} >= n + p = {limit} "
                    "(inside the right padding) = {out}"
                ),
                axis=_AXIS_PHRASES[axis],
                formula=formula,
                rounded=rounded,
                start=out * s,
                limit=n + p,
                out=out,
            )
        raise ShapeError(
            N_(
                "{steps} < 1: the pooling window (kernel_size {k}, effective size "
                "{span}) is larger than the padded input {n} + 2*{p} = {padded}"
            ),
            steps=steps,
            k=k,
            span=d * (k - 1) + 1,
            n=n,
            p=p,
            padded=n + 2 * p,
        )
    return out


def pool2d_output_shape(
    input_size, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False
):
    """Output ``(h, w)`` of ``nn.MaxPool2d`` with these arguments.

    ``stride=None`` means the window size (PyTorch's default). ``padding`` is
    per side and must be at most ``kernel_size // 2``. With ``ceil_mode`` the
    division rounds up, but a last window that would start in the right
    padding is dropped, exactly as PyTorch does. An output size below 1 is a
    ``ValueError``, as in PyTorch.
    """
    input_size = positive_pair(input_size, "input_size")
    kernel_size = positive_pair(kernel_size, "kernel_size")
    stride = kernel_size if stride is None else positive_pair(stride, "stride")
    padding = nonnegative_pair(padding, "padding")
    dilation = positive_pair(dilation, "dilation")
    if not isinstance(ceil_mode, bool):
        raise TypeError(f"ceil_mode must be True or False, got {ceil_mode!r}")
    _check_pool_padding(padding, kernel_size)
    return tuple(
        _pool_axis(
            axis,
            input_size[axis],
            kernel_size[axis],
            stride[axis],
            padding[axis],
            dilation[axis],
            ceil_mode,
        )
        for axis in (0, 1)
    )


def conv_transpose2d_output_shape(
    input_size, kernel_size, stride=1, padding=0, output_padding=0, dilation=1
):
    """Output ``(h, w)`` of ``nn.ConvTranspose2d`` with these arguments.

    Per axis: ``(n - 1)s - 2p + d(k - 1) + output_padding + 1``, where
    ``output_padding`` must be smaller than the stride or the dilation. An
    output size below 1 is a ``ValueError``, including a size of 0, for which
    PyTorch returns an empty tensor (see the module docstring).
    """
    input_size = positive_pair(input_size, "input_size")
    kernel_size = positive_pair(kernel_size, "kernel_size")
    stride = positive_pair(stride, "stride")
    padding = nonnegative_pair(padding, "padding")
    output_padding = nonnegative_pair(output_padding, "output_padding")
    dilation = positive_pair(dilation, "dilation")
    shape = []
    for axis in (0, 1):
        n, k, s = input_size[axis], kernel_size[axis], stride[axis]
        p, op, d = padding[axis], output_padding[axis], dilation[axis]
        if not (op < s or op < d):
            raise ValueError(
                f"output_padding must be smaller than the stride or the dilation "
                f"(as in PyTorch), got output_padding {_AXES[axis]} {op} with "
                f"stride {s} and dilation {d}"
            )
        out = (n - 1) * s - 2 * p + d * (k - 1) + op + 1
        if out < 1:
            raise ValueError(
                f"output {_AXES[axis]} = (n-1)s - 2p + d(k-1) + output_padding + 1"
                f" = ({n}-1)*{s} - 2*{p} + {d}*({k}-1) + {op} + 1 = {out} < 1: "
                f"padding 2*{p} removes as much as or more than the transposed "
                f"convolution makes, leaving an empty output"
            )
        shape.append(out)
    return tuple(shape)
