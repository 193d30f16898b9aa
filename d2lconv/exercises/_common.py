"""What the exercise checks share: the verdict, reading answers, running code.

A short answer goes through ``grade_answer``, a function through
``grade_function`` (or ``grade_formula``): the answer is compared with the
right one, then with typical mistakes, each with its own hint.
"""

import contextlib
import math
import numbers
from collections.abc import Mapping

import numpy as np
import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

from ..i18n import language, tr


def verdict(ok, text):
    """Print the verdict line and return ``ok``.

    ``text`` is in the current language already (the caller's ``tr``); the
    verdict's own words are translated here.
    """
    first = text.split(" ", 1)[0]
    # Start an English sentence with a capital, unless it starts with maths (c_i, b).
    if language() == "en" and first.isalpha() and (len(first) > 1 or first == "a"):
        text = text[0].upper() + text[1:]
    print(tr("Correct. {text}", text=text) if ok else tr("Not yet. {text}", text=text))
    return ok


def correct(text):
    """Print ``Correct.`` and ``text``; return ``True``."""
    return verdict(True, text)


def hint(text):
    """Print ``Not yet. Hint:`` and ``text``; return ``False``."""
    print(tr("Not yet. Hint: {text}", text=text))
    return False


class Choices(Mapping):
    """Letter -> statement, read in the current language.

    ``make()`` returns the dict, its texts wrapped in ``tr``: a module constant
    (the statements a notebook prints) is made at import, before the notebook
    sets the language, so it is translated each time it is read.
    """

    def __init__(self, make):
        self._make = make

    def __getitem__(self, letter):
        return self._make()[letter]

    def __iter__(self):
        return iter(self._make())

    def __len__(self):
        return len(self._make())

    def __repr__(self):
        return repr(self._make())


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def as_number(value):
    """``value`` as a float, or ``None`` unless it is a real number."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return None if value.is_complex() else float(value)
    real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    return float(value) if real else None


def as_int_pair(value):
    """``value`` as a tuple of two ints, or ``None``."""
    pair = isinstance(value, (tuple, list, torch.Size)) and len(value) == 2
    return tuple(int(v) for v in value) if pair and all(map(_is_int, value)) else None


def as_tensor(value):
    """``value`` as a float64 CPU tensor, or ``None`` if it is not array-like."""
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", torch.float64)
    try:
        return (
            None if value is None else torch.from_numpy(np.asarray(value, np.float64))
        )
    except (TypeError, ValueError):
        return None


def same(got, want, rel=1e-6):
    """Whether ``got`` is ``want``: numbers up to ``rel``, anything else exactly."""
    if not isinstance(want, numbers.Real) or isinstance(want, bool):
        return got is not None and got == want
    return isinstance(got, numbers.Real) and math.isclose(
        got, want, rel_tol=rel, abs_tol=1e-9
    )


def close(a, b, tol=1e-4):
    """Whether tensors ``a`` and ``b`` have one shape and close values."""
    return a.shape == b.shape and torch.allclose(a, b, rtol=tol, atol=tol)


def answer_hint(got, want, wrong=(), otherwise="", rel=1e-6):
    """``None`` if ``got`` is ``want``, else its hint in ``wrong``, or ``otherwise``."""
    if same(got, want, rel):
        return None
    return next((text for value, text in wrong if same(got, value, rel)), otherwise)


def grade_answer(
    answer, want, right, wrong=(), otherwise="", ask="", read=as_number, rel=1e-6
):
    """Say ``right`` if the short answer is ``want``, else a hint.

    ``wrong`` pairs typical wrong answers with their hints, ``otherwise`` is
    the hint for the rest. ``read`` turns the answer into something to compare,
    or ``None``: then the hint is ``ask``. ``rel`` is the tolerance for numbers.
    """
    if (got := read(answer)) is None:
        ask = ask or tr("give a number")
        return hint(tr("{ask}, got {answer!r}", ask=ask, answer=answer))
    text = answer_hint(got, want, wrong, otherwise, rel)
    return hint(text) if text else correct(right)


def grade_choice(answer, choices, name, want, right, wrong=(), otherwise=""):
    """``grade_answer`` for a letter of the multiple choice ``choices`` (``name``)."""

    def letter(value):
        text = value.strip().lower() if isinstance(value, str) else None
        return text if text in choices else None

    ask = tr(
        "answer with one of the letters {letters} (see {name})",
        letters=", ".join(choices),
        name=name,
    )
    return grade_answer(answer, want, right, wrong, otherwise, ask=ask, read=letter)


def judge(got, want, wrong=(), otherwise="", shape=""):
    """``None`` if a function's result ``got`` is ``want``, else a hint for it.

    ``want`` is a number, a tensor or the check's own judge (a function of
    ``got``); ``otherwise`` may show ``{got!r}``, ``shape`` (the hint for a
    tensor of another shape) ``{want}`` and ``{got}``. Both come translated
    by the caller (``tr`` without values gives the template back).
    """
    otherwise = otherwise or tr("the values differ.")
    if callable(want):
        return want(got)
    if not isinstance(want, torch.Tensor):
        return answer_hint(as_number(got), want, wrong, otherwise.format(got=got))
    got = as_tensor(got)
    if got is None or got.shape != want.shape:
        got = None if got is None else tuple(got.shape)
        return (shape or tr("the output has shape {want}, got {got}.")).format(
            want=tuple(want.shape), got=got
        )
    if close(got, want):
        return None
    return next((text for value, text in wrong if close(got, value)), otherwise)


class _Recorder(TorchFunctionMode):
    """Append the name of every torch function a piece of code calls to ``names``."""

    def __init__(self, names):
        super().__init__()
        self.names = names

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.names.append(getattr(func, "__name__", repr(func)).strip("_"))
        return func(*args, **(kwargs or {}))


def call(fn, *args):
    """``(result, None)``, or ``(None, hint)`` when the student's code raised."""
    try:
        result = fn(*args)
    except Exception as err:  # a learner's code may raise anything
        return None, tr(
            "your function raised {error}: {message}",
            error=type(err).__name__,
            message=err,
        )
    if result is None:
        return None, tr("your function returns None: replace the placeholder.")
    return result, None


def without(match, text=None):
    """A rule for ``first_hint``: no torch function whose name ``match``es.

    ``text`` is the hint, with ``{}`` for the names: a string (translated by
    the caller) or a function that returns one, called when the rule is
    applied (for a rule made once at import, before the language is set).
    """

    def rule(names):
        used = sorted({n for n in names if match(n)})
        if not used:
            return None
        if text is None:
            return tr("do it without {names}.", names=", ".join(used))
        return (text() if callable(text) else text).format(", ".join(used))

    return rule


def first_hint(fn, cases, forbid=None, require=None, **texts):
    """The hint for the first case ``fn`` gets wrong; ``None`` if all are right.

    ``cases`` yields ``(where, args, want, wrong)``: ``judge`` (given ``texts``)
    compares ``fn(*args)`` with ``want``; ``where`` ("d = 2", or ``None``)
    introduces its hint. ``forbid`` (made by ``without``) looks at the torch
    functions ``fn`` called; with ``require = (names, hint)``, a right result
    must come from calling one of ``names``.
    """
    if not callable(fn):
        name = type(fn).__name__
        return tr(
            "pass your function itself (its name, without parentheses), got {name}",
            name=name,
        )
    for where, args, want, wrong in cases:
        names = []
        with _Recorder(names) if forbid or require else contextlib.nullcontext():
            got, error = call(fn, *args)
        if not error and forbid and (text := forbid(names)):
            return text
        if text := error or judge(got, want, wrong, **texts):
            return tr("for {where}: {text}", where=where, text=text) if where else text
        if require and not set(require[0]) & set(names):
            return require[1]
    return None


def grade_function(fn, cases, right, **rules):
    """Say ``right`` if ``fn`` gets every case right, else the ``first_hint``."""
    text = first_hint(fn, cases, **rules)
    return hint(text) if text else correct(right)


def grade_formula(fn, names, params, reference, mistakes, right, otherwise):
    """``grade_function`` for ``fn(*p) == reference(*p)``, ``p`` in ``params``.

    ``names`` ("c, h") name the parameters in a hint; ``mistakes(want, *p)``
    pairs typical wrong values with their hints.
    """
    cases = (
        (
            ", ".join(f"{n}={v}" for n, v in zip(names.split(", "), p, strict=True)),
            p,
            (want := reference(*p)),
            mistakes(want, *p),
        )
        for p in params
    )
    return grade_function(fn, cases, right, otherwise=otherwise)


def random_normal(seed):
    """``normal(*shape)``: repeatable float64 noise; the global seed stays alone."""
    g = torch.Generator().manual_seed(seed)
    return lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64)


def xcorr(X, K, **kwargs):
    """2-D cross-correlation of 2-D tensors with PyTorch, the reference."""
    return F.conv2d(X[None, None], K[None, None], **kwargs)[0, 0]


def conv_output_size(h, w, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1):
    """``(m_h, m_w)`` of ``nn.Conv2d`` (padding per side), from PyTorch itself."""
    X = torch.empty(1, 1, h, w, device="meta")
    K = torch.empty(1, 1, k_h, k_w, device="meta")
    return tuple(F.conv2d(X, K, padding=(p_h, p_w), stride=(s_h, s_w)).shape[2:])


def conv_macs(c_i, h, w, c_o, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1):
    """Multiply-adds of one conv forward pass on one sample."""
    m_h, m_w = conv_output_size(h, w, k_h, k_w, p_h, p_w, s_h, s_w)
    # Each output value of each output channel sums c_i * k_h * k_w products.
    return c_o * m_h * m_w * c_i * k_h * k_w


def _axis_size(n, k, p, s, d=1, rounding=math.floor):
    """Output length of one axis: ``rounding((n + 2p - d(k - 1) - 1) / s) + 1``."""
    return rounding((n + 2 * p - d * (k - 1) - 1) / s) + 1


def grade_output_shape(answer, n, k, p, s, d=(1, 1), right=""):
    """Grade an ``(h, w)`` answer for ``nn.Conv2d`` on ``n`` (pairs; per-side ``p``).

    The right size comes from PyTorch; the typical mistakes (padding read as
    the book's total, no padding, no stride, the dilation forgotten or read as
    ``d * k``, rounding up) each get their own hint.
    """
    X = torch.empty(1, 1, *n, device="meta")
    K = torch.empty(1, 1, *k, device="meta")
    want = tuple(F.conv2d(X, K, stride=s, padding=p, dilation=d).shape[2:])

    def size(**change):
        def one(a):
            v = dict(n=n[a], k=k[a], p=p[a], s=s[a], d=d[a])
            v.update({name: f(v) for name, f in change.items()})
            return _axis_size(**v)

        return (one(0), one(1))

    wrong = [
        (
            size(p=lambda v: v["p"] / 2),
            tr(
                "padding= is per side in PyTorch: the padded input has n + 2p "
                "rows. The book's p_h is the total."
            ),
        ),
        (size(p=lambda v: 0), tr("the padding adds rows and columns on both sides.")),
        (size(s=lambda v: 1), tr("the window jumps s rows (columns) at a time.")),
        (
            size(d=lambda v: 1),
            tr("a dilated kernel spans d(k - 1) + 1 rows: the dilation matters."),
        ),
        (
            size(k=lambda v: v["d"] * v["k"], d=lambda v: 1),
            tr("a dilated kernel spans d(k - 1) + 1 rows, not d * k."),
        ),
        (
            size(rounding=lambda v: math.ceil),
            tr(
                "a window that would stick out past the padded input is not "
                "computed: round down."
            ),
        ),
    ]
    return grade_answer(
        answer,
        want,
        right=right
        or tr("the output is {h}x{w}, as nn.Conv2d says.", h=want[0], w=want[1]),
        wrong=[(value, text) for value, text in wrong if value != want],
        otherwise=tr(
            "one axis at a time: pad both sides, then count the window "
            "positions that fit when the window jumps s at a time (round down)."
        ),
        ask=tr("give a pair of whole numbers (height, width)"),
        read=as_int_pair,
    )
