"""Checks for worked examples: ``check passed: ...``, or one sentence saying why not.

A check computes what it expects from the cell's own inputs (or with PyTorch),
so it still passes after a student changes an input; a failure says what was
expected, what came out, and whether a change of the inputs explains it.
"""

import math
import numbers

import numpy as np
import torch
import torch.nn.functional as F

from ._validate import check_tensor, positive_pair
from .i18n import N_, given, tr
from .shapes import ShapeError, conv2d_geometry, pool2d_output_shape

# The default explanation of a failed check.
SAME_INPUTS = N_(
    "both sides come from this cell's inputs, so changing an input does not explain it"
)


class CheckFailed(AssertionError):
    """A worked example came out wrong; the message says what and why."""


def _as_tensor(value, name):
    """``value`` (a tensor, a number or a sequence of them) as float64 on the CPU."""
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", torch.float64)
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a number or a tensor, got {value!r}")
    try:
        return torch.as_tensor(value, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        raise TypeError(
            f"{name} must be a number, a tensor or a sequence of numbers, got "
            f"{value!r} of type {type(value).__name__}"
        ) from None


def _real(value, name, positive=False):
    """``value`` as a float, a number >= 0 (``positive``: > 0 and finite)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if positive and not 0 < value < math.inf:
        raise ValueError(f"{name} must be a positive, finite number, got {value!r}")
    if not (positive or value >= 0):
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return float(value)


def expect_close(got, expected, what, atol=1e-6, rtol=1e-6, cause=SAME_INPUTS):
    """Print ``check passed: {what}`` if ``got`` matches ``expected``; else raise.

    ``got`` and ``expected`` are tensors, numbers or tuples (shapes); they match
    when the shapes agree and every value is within ``atol + rtol * |expected|``
    (NaN matches NaN). A mismatch raises ``CheckFailed``: the expected and
    actual values at the worst position, and ``cause``.
    """
    if not isinstance(what, str) or not what:
        raise TypeError(f"what must be a non-empty string, got {what!r}")
    return _expect_close(got, expected, given(what), atol, rtol, given(cause))


def _expect_close(got, expected, what, atol, rtol, cause):
    """``expect_close`` with ``what`` and ``cause`` in the current language."""
    _real(atol, "atol"), _real(rtol, "rtol")
    g, e = _as_tensor(got, "got"), _as_tensor(expected, "expected")
    if g.shape != e.shape:
        raise CheckFailed(
            tr(
                "check failed: {what}: expected shape {want}, got shape {got}; "
                "{cause}.",
                what=what,
                want=tuple(e.shape),
                got=tuple(g.shape),
                cause=cause,
            )
        )
    # NaN matches only NaN, and an infinity only itself: two computations
    # that overflow in the same places agree.
    bad = ~torch.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
    if not bool(bad.any()):
        print(tr("check passed: {what}", what=what))
        return True
    gap = (g - e).abs().nan_to_num(nan=math.inf).masked_fill(~bad, -1)
    # numpy's unravel_index: torch's needs torch 2.2, the course 2.0.
    where = tuple(int(i) for i in np.unravel_index(int(gap.argmax()), g.shape))
    if g.numel() > 1:
        template = N_(
            "check failed: {what}: expected {want:.6g} at {where}, got "
            "{got:.6g} ({count} of {total} values differ); {cause}."
        )
    elif g.dim():
        template = N_(
            "check failed: {what}: expected {want:.6g} at {where}, got "
            "{got:.6g}; {cause}."
        )
    else:
        template = N_(
            "check failed: {what}: expected {want:.6g}, got {got:.6g}; {cause}."
        )
    want, got, count = e[where].item(), g[where].item(), int(bad.sum())
    values = dict(want=want, got=got, where=where, count=count, total=g.numel())
    raise CheckFailed(tr(template, what=what, cause=cause, **values))


def _losses(losses):
    if isinstance(losses, torch.Tensor):
        losses = losses.detach().cpu().flatten().tolist()
    try:
        values = [float(v) for v in losses]
    except (TypeError, ValueError):
        raise TypeError(
            f"losses must be a sequence of numbers, got {type(losses).__name__}"
        ) from None
    if len(values) < 2:
        raise ValueError(
            f"losses must hold the loss before and after at least one step, got "
            f"{len(values)} value(s)"
        )
    return values


def expect_descent(losses, lr, limit, fall=100):
    """Check a run of gradient descent on a quadratic loss against its stable limit.

    ``losses[t]`` is the loss after ``t`` steps at learning rate ``lr``; ``limit``
    is ``2 / lambda_max`` of the loss's Hessian. Below the limit every step must
    lower the loss (a rise larger than 1e-5 times the first loss fails) and
    the loss must fall at least ``fall``-fold overall; it prints ``check
    passed`` or raises ``CheckFailed``. At or above the limit it says so plainly
    and returns ``False`` instead of failing.
    """
    values = _losses(losses)
    lr, limit = _real(lr, "lr", True), _real(limit, "limit", True)
    fall = _real(fall, "fall", True)
    first, last, steps = values[0], values[-1], len(values) - 1
    ratio = first / last if last > 0 else math.inf
    # Every sentence below takes the values it names from these.
    run = dict(lr=lr, limit=limit, first=first, last=last, steps=steps, ratio=ratio)
    if lr >= limit:
        print(
            tr(
                "lr = {lr:.4g} is at or above the stable limit {limit:.4g}, so no "
                "check: the loss went from {first:.4g} to {last:.4g} in {steps} "
                "steps. Above the limit each step overshoots the minimum along the "
                "steepest direction by more than it was off, so the error there "
                "grows at every step until the numbers overflow; choose lr below "
                "{limit:.4g}.",
                **run,
            )
        )
        return False
    for t in range(steps):
        before, after = values[t], values[t + 1]
        if not (math.isfinite(after) and after <= before + 1e-5 * abs(first)):
            raise CheckFailed(
                tr(
                    "check failed: expected the loss to fall at every step (lr = "
                    "{lr:.4g} is below the stable limit {limit:.4g}), got "
                    "{before:.6g} -> {after:.6g} at step {step}; a rate below the "
                    "limit does not explain it, so look at the update step.",
                    **run,
                    before=before,
                    after=after,
                    step=t + 1,
                )
            )
    if ratio < fall:
        raise CheckFailed(
            tr(
                "check failed: expected the loss to fall at least {fall:g}-fold, "
                "it fell {ratio:.3g}-fold in {steps} steps; it fell at every step, "
                "so it is still converging, slowly: lr = {lr:.4g} is "
                "{share:.2g} of the limit {limit:.4g}, and a smaller rate or "
                "fewer steps explain it (raise either).",
                **run,
                fall=fall,
                share=lr / limit,
            )
        )
    print(
        tr(
            "check passed: below the stable limit {limit:.4g} the loss fell at "
            "every step, {ratio:.3g}-fold in {steps} steps",
            **run,
        )
    )
    return True


def expect_shrinks(start, end, factor, steps, what):
    """Check that gradient descent shrank a distance: ``end <= factor**steps * start``.

    ``factor`` is the largest ``|1 - lr c|`` over the Hessian's eigenvalues ``c``:
    below the stable limit it is under 1 and bounds how much of the error one
    step keeps. With ``factor >= 1`` (a rate at or above the limit) there is no
    bound: it says so and returns ``False``.
    """
    # A distance computed with torch is a one-element tensor.
    start, end = (
        v.item() if isinstance(v, torch.Tensor) and v.numel() == 1 else v
        for v in (start, end)
    )
    start, factor = _real(start, "start"), _real(factor, "factor")
    if isinstance(end, bool) or not isinstance(end, numbers.Real):
        raise TypeError(f"end must be a number, got {end!r}")
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
        raise TypeError(f"steps must be an int, got {steps!r}")
    if steps < 0:
        raise ValueError(f"steps must be an int >= 0, got {steps}")
    what = given(what)
    bound = factor**steps * start if factor < 1 else math.inf
    run = dict(what=what, start=start, end=end, factor=factor, steps=steps, bound=bound)
    if factor >= 1:
        print(
            tr(
                "no check: each step may keep {factor:.4g} of the error (a rate at "
                "or above the stable limit), so {what} may grow; it went from "
                "{start:.4g} to {end:.4g}",
                **run,
            )
        )
        return False
    # Rounding leaves a floor of about 1e-12 of the start in float64.
    if not end <= bound + 1e-9 * start:
        raise CheckFailed(
            tr(
                "check failed: expected {what} to be at most {bound:.4g} after "
                "{steps} steps (each step keeps at most {factor:.6g} of it), got "
                "{end:.4g}; the bound follows from this cell's rate and data, so "
                "changing them does not explain it.",
                **run,
            )
        )
    print(
        tr(
            "check passed: {what} fell from {start:.4g} to {end:.4g} "
            "(at most {bound:.4g} in theory)",
            **run,
        )
    )
    return True


def _fits(output_shape, what, size, window, **options):
    """Raise ``CheckFailed`` when the window gives no output at all on the input."""
    try:
        output_shape(size, window, **options)
    except ShapeError as err:
        raise CheckFailed(
            tr(
                "check failed: {what}: the window {window} does not fit in the input "
                "{input}, so there is no output to compare ({reason})",
                what=what,
                window="x".join(map(str, window)),
                input="x".join(map(str, size)),
                reason=err.translated(),
            )
        ) from None


def _equals_call(got, want, what, function, options):
    """Compare ``got`` with ``want``, named as the PyTorch call that made it:
    ``F.conv2d(X, K, padding=1)``."""
    arguments = ["X", "K"] if function == "F.conv2d" else ["X"]
    arguments += [f"{name}={value!r}" for name, value in options.items()]
    call = f"{function}({', '.join(arguments)})"
    shown = tr("{what} matches {call}", what=what, call=call)
    return _expect_close(got, want, shown, 1e-5, 1e-5, given(SAME_INPUTS))


def expect_conv2d(got, X, K, what=None, **options):
    """Check ``got`` against PyTorch's ``F.conv2d`` of ``X`` with the kernel ``K``.

    ``X`` (h, w) with ``K`` (k_h, k_w); ``X`` (c_i, h, w) with ``K`` (c_i, k_h,
    k_w) for one output channel, or ``K`` (c_o, c_i, k_h, k_w). ``options`` are
    ``F.conv2d``'s ``stride``, ``padding`` (per side) and ``dilation``. Prints
    ``check passed: ...`` or raises ``CheckFailed`` with one sentence, also when
    the shapes cannot be convolved (it names both).
    """
    check_tensor(X, "X", (2, 3))
    check_tensor(K, "K", (2, 3, 4))
    what = tr("the result") if what is None else given(what)
    if (X.dim(), K.dim()) not in {(2, 2), (3, 3), (3, 4)}:
        raise CheckFailed(
            tr(
                "check failed: {what}: X of shape {x} and K of shape {k} do not go "
                "together: X (h, w) takes K (k_h, k_w), X (c_i, h, w) takes K "
                "(c_i, k_h, k_w) or (c_o, c_i, k_h, k_w)",
                what=what,
                x=tuple(X.shape),
                k=tuple(K.shape),
            )
        )
    if X.dim() == 3 and X.shape[0] != K.shape[-3]:
        raise CheckFailed(
            tr(
                "check failed: {what}: X has {x} input channels (shape {xs}) and K "
                "has {k} (shape {ks}): each input channel needs a kernel slice of "
                "its own",
                what=what,
                x=X.shape[0],
                xs=tuple(X.shape),
                k=K.shape[-3],
                ks=tuple(K.shape),
            )
        )
    size, window = tuple(X.shape[-2:]), tuple(K.shape[-2:])
    _fits(conv2d_geometry, what, size, window, **options)
    x64 = X.detach().cpu().double().reshape(1, -1, *size)
    k64 = K.detach().cpu().double().reshape(-1, x64.shape[1], *window)
    want = F.conv2d(x64, k64, **options)[0]
    want = want[0] if K.dim() < 4 else want
    return _equals_call(got, want, what, "F.conv2d", options)


def expect_pool2d(got, X, pool_size, mode="max", what=None, **options):
    """Check ``got`` against PyTorch's max or average pooling of ``X``.

    ``X`` is (h, w) or (c, h, w), pooled channel by channel; ``mode`` is
    ``"max"`` or ``"avg"``; ``options`` are those of ``F.max_pool2d`` /
    ``F.avg_pool2d`` (``stride`` defaults to the window, as in PyTorch;
    ``padding`` per side). Prints ``check passed: ...`` or raises
    ``CheckFailed`` with one sentence.
    """
    check_tensor(X, "X", (2, 3))
    if mode not in ("max", "avg"):
        raise ValueError(f'mode must be "max" or "avg", got {mode!r}')
    what = tr("the result") if what is None else given(what)
    size = tuple(X.shape[-2:])
    window = positive_pair(pool_size, "pool_size")
    _fits(pool2d_output_shape, what, size, window, **options)
    pool = F.max_pool2d if mode == "max" else F.avg_pool2d
    pooled = pool(X.detach().cpu().double().reshape(1, -1, *size), window, **options)
    want = pooled.reshape(*X.shape[:-2], *pooled.shape[-2:])
    options = {"kernel_size": pool_size, **options}
    return _equals_call(got, want, what, f"F.{mode}_pool2d", options)
