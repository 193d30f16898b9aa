"""The one grader of the exercise checks, and what the checks share.

Each notebook's module has a ``TABLE`` of each check's ``N_`` texts: ``right``
(``right_...`` where the check chooses among several), ``otherwise``, ``ask``
(for an answer that cannot be read) and one hint per typical mistake, which may
name the facts the check computed (``{weights}``). The check computes the right
answer and the value of each mistake (or a test of the answer, ``any_of``);
``grade`` (a short answer), ``grade_parts`` (one in parts) or ``grade_calls``
(a function) compares.
"""

import contextlib
import math
import numbers
from collections.abc import Mapping

import numpy as np
import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

from .._validate import nonnegative_pair
from ..i18n import N_, language, tr
from ..receptive import receptive_field
from ..shapes import conv2d_geometry

CASE = N_("X of shape {x} and K of shape {k}")
ASK_NUMBER = N_("give a number")
ASK_LETTER = N_("answer with one of the letters {letters} (see {name})")
DO_WITHOUT = N_("do it without {names}.")


def correct(text, /, **facts):
    """Print ``Correct.`` and the table text ``text``, filled in; return ``True``."""
    text = tr(text, **facts)
    first = text.split(" ", 1)[0]
    # Start an English sentence with a capital, unless it starts with maths (c_i, b).
    if language() == "en" and first.isalpha() and (len(first) > 1 or first == "a"):
        text = text[0].upper() + text[1:]
    print(tr("Correct. {text}", text=text))
    return True


def hint(text, /, **facts):
    """Print ``Not yet. Hint:`` and the table text ``text``; return ``False``."""
    return refuse(tr(text, **facts))


def refuse(text):
    """Print ``Not yet. Hint:`` and ``text`` (translated already); return ``False``."""
    print(tr("Not yet. Hint: {text}", text=text))
    return False


class Choices(Mapping):
    """Letter -> statement (a table's ``N_`` texts), read in the current language."""

    def __init__(self, texts):
        self._texts = texts

    def __getitem__(self, letter):
        return tr(self._texts[letter])

    def __iter__(self):
        return iter(self._texts)

    def __len__(self):
        return len(self._texts)

    def __repr__(self):
        return repr(dict(self))


def as_number(value):
    """``value`` as a float, or ``None`` unless it is a real number."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return None if value.is_complex() else float(value)
    real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    return float(value) if real else None


def as_whole(value):
    """``value`` as a whole number (a float), or ``None``."""
    v = as_number(value)
    return v if v is not None and v.is_integer() else None


def as_ints(value, n=2):
    """``value`` (a tuple, list, torch.Size or 1-D tensor or array of ``n`` whole
    numbers: ``(4.0, 4)`` too) as a tuple of ``n`` ints, or ``None``."""
    if isinstance(value, (torch.Tensor, np.ndarray)) and value.ndim == 1:
        value = value.tolist()
    if not isinstance(value, (tuple, list, torch.Size)) or len(value) != n:
        return None
    wholes = [as_whole(v) for v in value]
    return None if None in wholes else tuple(map(int, wholes))


def as_letter(value, choices):
    """``value`` as one of the letters of ``choices``, or ``None``."""
    text = value.strip().lower() if isinstance(value, str) else None
    return text if text in choices else None


def as_tensor(value):
    """``value`` as a float64 CPU tensor, or ``None`` if it is not array-like."""
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", torch.float64)
    try:
        return None if value is None else torch.from_numpy(np.asarray(value, float))
    except (TypeError, ValueError):
        return None


def same(got, want, rel=1e-6):
    """Whether ``got`` is ``want`` (numbers up to ``rel``), or passes the test ``want``."""
    if callable(want):
        return bool(want(got))
    if isinstance(want, torch.Tensor):
        return close(got, want)
    if not isinstance(want, numbers.Real) or isinstance(want, bool):
        return got is not None and got == want
    return isinstance(got, numbers.Real) and math.isclose(
        got, want, rel_tol=rel, abs_tol=1e-9
    )


def close(a, b, tol=1e-4):
    """Whether tensors ``a`` and ``b`` have one shape and close values."""
    return a.shape == b.shape and torch.allclose(
        a.double(), b.double(), rtol=tol, atol=tol
    )


def mistake(got, want, wrong, rel=1e-6):
    """``None`` if ``got`` is ``want``, else the name (in ``wrong``) of its mistake."""
    if same(got, want, rel):
        return None
    return next((k for k, v in dict(wrong).items() if same(got, v, rel)), "otherwise")


def grade(answer, entry, want, wrong=(), /, read=as_number, rel=1e-6, **facts):
    """Grade a short answer: ``right``, the hint of a mistake (``wrong``: name ->
    value), ``otherwise``, or ``ask`` where ``read`` gives ``None``."""
    if (got := read(answer)) is None:
        if "{answer" in (ask := entry.get("ask", ASK_NUMBER)):
            return hint(ask, answer=answer, **facts)
        ask = tr(ask, **facts)
        return refuse(tr("{ask}, got {answer!r}", ask=ask, answer=answer))
    return verdict(entry, mistake(got, want, wrong, rel), **facts)


def verdict(entry, key, /, **facts):
    """``entry["right"]`` if ``key`` is ``None``, else the hint ``entry[key]``."""
    return hint(entry[key], **facts) if key else correct(entry["right"], **facts)


def grade_choice(answer, entry, name, want, **facts):
    """``grade`` for a letter of the table's ``choices`` (shown as ``name``)."""
    letters, choices = ", ".join(entry["choices"]), entry["choices"]
    wrong = {key: key for key in entry if len(key) == 1}
    entry, facts = dict(entry, ask=ASK_LETTER), dict(facts, letters=letters, name=name)
    return grade(
        answer, entry, want, wrong, read=lambda a: as_letter(a, choices), **facts
    )


def grade_parts(entry, parts, **facts):
    """Grade an answer in parts, ``parts[name] = (answer, read, want, wrong)``: an
    unread part gets ``ask_name``, the first wrong one ``on_name`` with its hint."""
    got = {name: read(answer) for name, (answer, read, *_) in parts.items()}
    for name, (answer, *_) in parts.items():
        if got[name] is None:
            return hint(entry[f"ask_{name}"], **{name: answer})
    for name, (*_, want, wrong) in parts.items():
        if key := mistake(got[name], want, wrong):
            return hint(entry[f"on_{name}"], text=tr(entry[name][key], **facts))
    return correct(entry["right"], **facts)


def any_of(*values, rel=1e-6):
    """A typical mistake that takes several values: a test of an answer."""
    return lambda got: any(same(got, value, rel) for value in values)


def first(problems):
    """The first name of ``problems`` (name -> whether it is found) found, or ``None``."""
    return next((name for name, found in problems.items() if found), None)


def judge(entry, got, want, wrong):
    """``None`` if a function's result ``got`` is ``want`` (a number, a tensor, or
    a function of ``got`` giving a translated hint or ``None``), else its hint."""
    if callable(want):
        return want(got)
    if not isinstance(want, torch.Tensor):
        key = mistake(as_number(got), want, wrong)
    elif (got := as_tensor(got)) is None or got.shape != want.shape:
        shape = entry.get("shape", N_("the output has shape {want}, got {got}."))
        got = None if got is None else tuple(got.shape)
        return tr(shape, want=tuple(want.shape), got=got)
    else:
        key = mistake(got, want, wrong)
    differ = N_("the values differ.")
    return tr(entry.get(key, differ), got=got) if key else None


class _Recorder(TorchFunctionMode):
    """Append the name of every torch function a piece of code calls to ``names``."""

    def __init__(self, names):
        super().__init__()
        self.names = names

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.names.append(getattr(func, "__name__", repr(func)).strip("_"))
        return func(*args, **(kwargs or {}))


def first_hint(fn, entry, calls, reference, mistakes=None, where=None, **rules):
    """The hint (translated) for the first of ``calls`` (float64 tensors, passed in
    float32) where ``fn`` differs from ``reference``, or ``None``.

    ``mistakes(want, *args)``: name -> value; ``where``: parameter names ("c, h")
    or a function of the arguments. ``forbid = (match, text)``: no torch function
    whose name ``match``es; ``require = names``: a right result calls one.
    """
    if not callable(fn):
        name = type(fn).__name__
        return tr(
            "pass your function itself (its name, without parentheses), got {name}",
            name=name,
        )
    forbid, require = rules.get("forbid"), rules.get("require")
    for args in calls:
        names, want = [], reference(*args)
        wrong = mistakes(want, *args) if mistakes else {}
        floats = [a.float() if isinstance(a, torch.Tensor) else a for a in args]
        try:
            with _Recorder(names) if rules else contextlib.nullcontext():
                got, raised = fn(*floats), None
        except Exception as err:  # a learner's code may raise anything
            got, raised = None, err
        # A forbidden function is named first, even if it then raised.
        if used := sorted({n for n in names if forbid and forbid[0](n)}):
            return tr(forbid[1], names=", ".join(used))
        if raised is not None:
            error, message = type(raised).__name__, raised
            text = tr(
                "your function raised {error}: {message}", error=error, message=message
            )
        else:
            none = tr("your function returns None: replace the placeholder.")
            text = none if got is None else judge(entry, got, want, wrong)
        if text:
            if isinstance(where, str):
                pairs = zip(where.split(", "), args, strict=True)
                where = ", ".join(f"{n}={v}" for n, v in pairs)
            place = where(*args) if callable(where) else where
            return tr("for {where}: {text}", where=place, text=text) if place else text
        if require and not set(require) & set(names):
            return tr(entry["require"])
    return None


def grade_calls(fn, entry, calls, reference, mistakes=None, where=None, /, **kw):
    """Say ``entry["right"]`` if ``fn`` gets every call right (see ``first_hint``)."""
    rules = {key: kw.pop(key) for key in ("forbid", "require") if key in kw}
    text = first_hint(fn, entry, calls, reference, mistakes, where, **rules)
    return refuse(text) if text else correct(entry["right"], **kw)


def case(text=CASE, **at):
    """A ``where`` for ``first_hint``: ``text`` with the arguments (a tensor's shape)
    at the positions ``at`` names (by default ``CASE``, arguments 0 and 1)."""

    def shown(value):
        return tuple(value.shape) if isinstance(value, torch.Tensor) else value

    at = at or dict(x=0, k=1)
    return lambda *a: tr(text, **{name: shown(a[i]) for name, i in at.items()})


def random_normal(seed):
    """``normal(*shape)``: repeatable float64 noise; the global seed stays alone."""
    g = torch.Generator().manual_seed(seed)
    return lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64)


def xcorr(X, K, **kwargs):
    """2-D cross-correlation of 2-D tensors with PyTorch, the reference."""
    return F.conv2d(X[None, None], K[None, None], **kwargs)[0, 0]


def field(kernel_sizes, dilations=None):
    """Receptive field (rows) of stacked square layers, stride 1, by ``receptive``."""
    ds = dilations or [1] * len(kernel_sizes)
    layers = zip(kernel_sizes, ds, strict=True)
    return receptive_field([dict(kernel_size=k, dilation=d) for k, d in layers])[0]


def fewest_layers(k, size):
    """Fewest stacked k x k layers (stride 1) that let one output see ``size`` rows."""
    return next(n for n in range(size + 1) if field([k] * n) >= size)


def conv_output_size(h, w, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1, d=1):
    """``(m_h, m_w)`` of ``nn.Conv2d`` (padding per side), from PyTorch itself."""
    X = torch.empty(1, 1, h, w, device="meta")
    K = torch.empty(1, 1, k_h, k_w, device="meta")
    Y = F.conv2d(X, K, padding=(p_h, p_w), stride=(s_h, s_w), dilation=d)
    return tuple(Y.shape[2:])


def conv_macs(c_i, h, w, c_o, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1):
    """Multiply-adds of one conv forward pass on one sample."""
    m_h, m_w = conv_output_size(h, w, k_h, k_w, p_h, p_w, s_h, s_w)
    # Each output value of each output channel sums c_i * k_h * k_w products.
    return c_o * m_h * m_w * c_i * k_h * k_w


# The output size of nn.Conv2d (notebooks 4 and 5): its typical mistakes.
# fmt: off
OUTPUT_SHAPE = {
    "right": N_("the output is {h}x{w}, as nn.Conv2d says."),
    "total": N_("padding= is per side in PyTorch: the padded input has n + 2p rows. The book's p_h is the total."),
    "no_padding": N_("the padding adds rows and columns on both sides."),
    "no_stride": N_("the window jumps s rows (columns) at a time."),
    "no_dilation": N_("a dilated kernel spans d(k - 1) + 1 rows: the dilation matters."),
    "d_times_k": N_("a dilated kernel spans d(k - 1) + 1 rows, not d * k."),
    "round_up": N_("a window that would stick out past the padded input is not computed: round down."),
    "otherwise": N_("one axis at a time: pad both sides, then count the window positions that fit when the window jumps s at a time (round down)."),
    "ask": N_("give a pair of whole numbers (height, width)"),
}
# fmt: on


def misread_sizes(n, k, p, s, d=(1, 1)):
    """Name -> the output size ``(m_h, m_w)`` (every argument a pair) by the formula
    floor((n + 2p - d(k - 1) - 1) / s) + 1 with the part a typical mistake changes."""

    def size(n=n, k=k, p=p, s=s, d=d, rounding=math.floor, inside=0, one=1):
        axes = zip(n, k, p, s, d, strict=True)
        return tuple(
            rounding((n + 2 * p - d * (k - 1) - 1 + inside) / s) + one
            for n, k, p, s, d in axes
        )

    dk, ones, half = (d[0] * k[0], d[1] * k[1]), (1, 1), (p[0] / 2, p[1] / 2)
    # Where two mistakes give one size, the dilation's comes first.
    wrong = dict(no_dilation=size(d=ones), d_times_k=size(k=dk, d=ones))
    wrong |= dict(total=size(p=half), no_padding=size(p=(0, 0)), no_stride=size(s=ones))
    wrong |= dict(round_up=size(rounding=math.ceil), no_one=size(one=0))
    return wrong | dict(inside=size(inside=1, one=0), not_rounded=size(rounding=float))


def grade_output_shape(answer, entry, n, k, padding, s=1, d=1):
    """Grade an ``(h, w)`` answer for ``nn.Conv2d`` (sizes an int or a pair) with
    ``entry``, ``OUTPUT_SHAPE`` or one with a ``right`` of its own.

    A clear ValueError (with the formula) for a bad setting or no output.
    """
    p = nonnegative_pair(padding, "padding")
    g = conv2d_geometry(n, k, s, p, d)
    n, k, s, d = g.input_size, g.kernel_size, g.stride, g.dilation
    sizes = misread_sizes(n, k, p, s, d).items()
    wrong = {key: size for key, size in sizes if key in entry}
    want = conv_output_size(*n, *k, *p, *s, d=d)
    facts = dict(h=want[0], w=want[1], rows=2 * p[0], columns=2 * p[1])
    return grade(answer, entry, want, wrong, read=as_ints, padding=padding, **facts)
