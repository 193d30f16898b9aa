"""The worked examples' checks: what they accept, and the sentence they fail with."""

import math

import pytest
import torch

from d2lconv import (
    CheckFailed,
    expect_close,
    expect_descent,
    expect_shrinks,
    train_kernel,
)
from d2lconv.checks import SAME_INPUTS

# ---------------------------------------------------------------------------
# expect_close


def test_expect_close_prints_what_passed(capsys):
    X = torch.tensor([[0.0, 1, 2], [3, 4, 5], [6, 7, 8]])
    assert expect_close(X.sum(), 36, "the sum of 0..8 is 36") is True
    assert expect_close((2, 3), torch.Size([2, 3]), "the shape") is True
    assert capsys.readouterr().out == (
        "check passed: the sum of 0..8 is 36\ncheck passed: the shape\n"
    )


def test_a_wrong_value_names_expected_got_where_and_the_cause():
    expected = torch.zeros(3, 4)
    got = expected.clone()
    got[1, 2], got[2, 0] = 0.5, -2.0
    with pytest.raises(CheckFailed) as info:
        expect_close(got, expected, "corr2d matches F.conv2d")
    assert str(info.value) == (
        "check failed: corr2d matches F.conv2d: expected 0 at (2, 0), got -2 "
        f"(2 of 12 values differ); {SAME_INPUTS}."
    )
    # A failed check is an AssertionError, as a plain assert would be.
    assert isinstance(info.value, AssertionError)


def test_a_wrong_shape_is_named():
    with pytest.raises(CheckFailed) as info:
        expect_close(torch.ones(4, 5), torch.ones(3, 5), "the output size")
    assert str(info.value) == (
        "check failed: the output size: expected shape (3, 5), got shape (4, 5); "
        f"{SAME_INPUTS}."
    )


def test_a_cause_replaces_the_default_explanation():
    with pytest.raises(CheckFailed) as info:
        expect_close(1.5, 1.0, "the limit", cause="your photo is brighter")
    assert str(info.value) == (
        "check failed: the limit: expected 1, got 1.5; your photo is brighter."
    )


def test_tolerances_and_nan():
    assert expect_close(1.0 + 1e-7, 1.0, "close enough")
    with pytest.raises(CheckFailed, match=r"expected 1, got 1\.001"):
        expect_close(1.001, 1.0, "too far", atol=1e-4, rtol=0)
    with pytest.raises(CheckFailed, match=r"expected 0 at \(1,\), got nan"):
        expect_close(torch.tensor([0.0, math.nan]), torch.zeros(2), "no nan")
    # Two runs that overflow in the same places agree.
    both = torch.tensor([1.0, math.nan, math.inf])
    assert expect_close(both, both.clone(), "the same overflow")


def test_expect_close_rejects_bad_arguments():
    with pytest.raises(TypeError, match="what must be a non-empty string, got 3"):
        expect_close(1, 1, 3)
    with pytest.raises(ValueError, match="atol must be >= 0, got -1"):
        expect_close(1, 1, "x", atol=-1)
    with pytest.raises(TypeError, match="got must be a number, a tensor or a"):
        expect_close("one", 1, "x")


# ---------------------------------------------------------------------------
# expect_descent, on real runs of gradient descent (the edge kernel of nb03)


def losses_of(X, Y, lr, steps=30):
    return [h.loss for h in train_kernel(X, Y, lr=lr, steps=steps, seed=1)]


def test_below_the_limit_the_check_passes(edges, capsys):
    X, Y, limit = edges
    losses = losses_of(X, Y, 0.5 * limit)
    assert expect_descent(losses, 0.5 * limit, limit) is True
    ratio = losses[0] / losses[-1]
    assert capsys.readouterr().out == (
        f"check passed: below the stable limit {limit:.4g} the loss fell at every "
        f"step, {ratio:.3g}-fold in 30 steps\n"
    )


def test_above_the_limit_it_says_so_instead_of_failing(edges, capsys):
    X, Y, limit = edges
    losses = losses_of(X, Y, 1.2 * limit)
    assert losses[-1] > losses[0]
    assert expect_descent(losses, 1.2 * limit, limit) is False
    out = capsys.readouterr().out
    assert out.startswith(
        f"lr = {1.2 * limit:.4g} is at or above the stable limit {limit:.4g}, so "
        f"no check: the loss went from {losses[0]:.4g} to {losses[-1]:.4g} in 30 "
        "steps."
    )
    assert f"choose lr below {limit:.4g}" in out


def test_too_few_steps_fail_and_say_the_rate_explains_it(edges):
    X, Y, limit = edges
    losses = losses_of(X, Y, 0.05 * limit, steps=10)
    with pytest.raises(CheckFailed) as info:
        expect_descent(losses, 0.05 * limit, limit)
    ratio = losses[0] / losses[-1]
    assert str(info.value) == (
        f"check failed: expected the loss to fall at least 100-fold, it fell "
        f"{ratio:.3g}-fold in 10 steps; it fell at every step, so it is still "
        f"converging, slowly: lr = {0.05 * limit:.4g} is 0.05 of the limit "
        f"{limit:.4g}, and a smaller rate or fewer steps explain it (raise either)."
    )


def test_a_rise_below_the_limit_is_a_bug_not_the_rate(edges):
    # Below the limit a quadratic loss cannot rise: something else is wrong.
    _, _, limit = edges
    losses = [4.0, 3.0, 3.5, 1e-3]
    with pytest.raises(CheckFailed) as info:
        expect_descent(losses, 0.5 * limit, limit)
    assert str(info.value) == (
        f"check failed: expected the loss to fall at every step (lr = "
        f"{0.5 * limit:.4g} is below the stable limit {limit:.4g}), got 3 -> 3.5 "
        "at step 2; a rate below the limit does not explain it, so look at the "
        "update step."
    )


def test_an_overflow_below_the_limit_fails():
    with pytest.raises(CheckFailed, match=r"got 2 -> nan at step 2"):
        expect_descent([3.0, 2.0, math.nan], 0.1, 1.0)


def test_float_noise_at_the_bottom_is_not_a_rise(capsys):
    assert expect_descent([1.0, 1e-3, 1e-9, 2e-9, 1e-9], 0.1, 1.0)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (([1.0], 0.1, 1.0), ValueError, "losses must hold the loss before and"),
        ((None, 0.1, 1.0), TypeError, "losses must be a sequence of numbers"),
        (([2.0, 1.0], 0, 1.0), ValueError, "lr must be a positive, finite number"),
        (([2.0, 1.0], 0.1, "1"), TypeError, "limit must be a number, got '1'"),
    ],
)
def test_expect_descent_rejects_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        expect_descent(*args)


# ---------------------------------------------------------------------------
# expect_shrinks


def test_expect_shrinks_passes_within_the_bound(capsys):
    assert expect_shrinks(2.0, 0.01, 0.9, 30, "the distance to [1, -1]")
    bound = 0.9**30 * 2.0
    assert capsys.readouterr().out == (
        f"check passed: the distance to [1, -1] fell from 2 to 0.01 (at most "
        f"{bound:.4g} in theory)\n"
    )


def test_expect_shrinks_fails_above_the_bound():
    with pytest.raises(CheckFailed) as info:
        expect_shrinks(torch.tensor(2.0), torch.tensor(1.0), 0.9, 30, "the distance")
    assert str(info.value) == (
        f"check failed: expected the distance to be at most {0.9**30 * 2:.4g} after "
        "30 steps (each step keeps at most 0.9 of it), got 1; the bound follows "
        "from this cell's rate and data, so changing them does not explain it."
    )


def test_expect_shrinks_says_when_there_is_no_bound(capsys):
    assert expect_shrinks(2.0, 50.0, 1.3, 30, "the distance") is False
    assert capsys.readouterr().out == (
        "no check: each step may keep 1.3 of the error (a rate at or above the "
        "stable limit), so the distance may grow; it went from 2 to 50\n"
    )


def test_expect_shrinks_rejects_bad_arguments():
    with pytest.raises(TypeError, match="steps must be an int, got 2.5"):
        expect_shrinks(1.0, 0.5, 0.9, 2.5, "d")
    with pytest.raises(ValueError, match="factor must be >= 0, got -0.5"):
        expect_shrinks(1.0, 0.5, -0.5, 2, "d")
    with pytest.raises(TypeError, match="start must be a number, got 'a'"):
        expect_shrinks("a", 0.5, 0.9, 2, "d")
