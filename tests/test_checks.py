"""The worked examples' checks: what they accept, and the sentence they fail with."""

import math

import pytest
import torch

from d2lconv import (
    CheckFailed,
    expect_close,
    expect_conv2d,
    expect_descent,
    expect_pool2d,
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
    with pytest.raises(CheckFailed) as info:
        expect_close(torch.ones(4, 5), torch.ones(3, 5), "the output size")
    assert str(info.value) == (
        "check failed: the output size: expected shape (3, 5), got shape (4, 5); "
        f"{SAME_INPUTS}."
    )
    # A cause replaces the default explanation.
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


def test_an_overflow_fails_and_float_noise_at_the_bottom_is_not_a_rise(capsys):
    with pytest.raises(CheckFailed, match=r"got 2 -> nan at step 2"):
        expect_descent([3.0, 2.0, math.nan], 0.1, 1.0)
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


def test_expect_shrinks_passes_within_the_bound_or_says_there_is_none(capsys):
    assert expect_shrinks(2.0, 0.01, 0.9, 30, "the distance to [1, -1]")
    bound = 0.9**30 * 2.0
    assert capsys.readouterr().out == (
        f"check passed: the distance to [1, -1] fell from 2 to 0.01 (at most "
        f"{bound:.4g} in theory)\n"
    )
    assert expect_shrinks(2.0, 50.0, 1.3, 30, "the distance") is False
    assert capsys.readouterr().out == (
        "no check: each step may keep 1.3 of the error (a rate at or above the "
        "stable limit), so the distance may grow; it went from 2 to 50\n"
    )


def test_expect_shrinks_fails_above_the_bound():
    with pytest.raises(CheckFailed) as info:
        expect_shrinks(torch.tensor(2.0), torch.tensor(1.0), 0.9, 30, "the distance")
    assert str(info.value) == (
        f"check failed: expected the distance to be at most {0.9**30 * 2:.4g} after "
        "30 steps (each step keeps at most 0.9 of it), got 1; the bound follows "
        "from this cell's rate and data, so changing them does not explain it."
    )


def test_expect_shrinks_rejects_bad_arguments():
    with pytest.raises(TypeError, match="steps must be an int, got 2.5"):
        expect_shrinks(1.0, 0.5, 0.9, 2.5, "d")
    with pytest.raises(ValueError, match="factor must be >= 0, got -0.5"):
        expect_shrinks(1.0, 0.5, -0.5, 2, "d")
    with pytest.raises(TypeError, match="start must be a number, got 'a'"):
        expect_shrinks("a", 0.5, 0.9, 2, "d")


# ---------------------------------------------------------------------------
# expect_conv2d, expect_pool2d: PyTorch's result of the cell's own inputs

BOOK_X = torch.arange(9.0).reshape(3, 3)
BOOK_K = torch.tensor([[0.0, 1], [2, 3]])


def test_expect_conv2d_passes_the_books_worked_examples(capsys):
    # The numbers worked out by hand in the syllabus, not by the code.
    assert expect_conv2d(torch.tensor([[19.0, 25], [37, 43]]), BOOK_X, BOOK_K)
    padded = [[0, 3, 8, 4], [9, 19, 25, 10], [21, 37, 43, 16], [6, 7, 8, 0]]
    assert expect_conv2d(torch.tensor(padded), BOOK_X, BOOK_K, "Y", padding=1)
    X2, K2 = torch.stack([BOOK_X, BOOK_X + 1]), torch.stack([BOOK_K, BOOK_K + 1])
    assert expect_conv2d(torch.tensor([[56, 72], [104, 120]]), X2, K2)
    K3 = torch.stack([K2, K2 + 1, K2 + 2])
    three = [[[56, 72], [104, 120]], [[76, 100], [148, 172]], [[96, 128], [192, 224]]]
    assert expect_conv2d(torch.tensor(three), X2, K3, "corr2d_multi_in_out")
    assert capsys.readouterr().out.splitlines() == [
        "check passed: the result equals F.conv2d(X, K)",
        "check passed: Y equals F.conv2d(X, K, padding=1)",
        "check passed: the result equals F.conv2d(X, K)",
        "check passed: corr2d_multi_in_out equals F.conv2d(X, K)",
    ]


def test_expect_conv2d_says_what_differs_and_why_shapes_do_not_fit():
    with pytest.raises(CheckFailed) as info:
        expect_conv2d(torch.tensor([[19.0, 25], [37, 44]]), BOOK_X, BOOK_K, "corr2d")
    assert str(info.value).startswith(
        "check failed: corr2d equals F.conv2d(X, K): expected 43 at (1, 1), got 44"
    )
    with pytest.raises(CheckFailed) as info:
        expect_conv2d(torch.zeros(0, 0), BOOK_X, torch.ones(4, 4), "corr2d")
    assert "the window 4x4 does not fit in the input 3x3" in str(info.value)
    X2 = torch.stack([BOOK_X, BOOK_X])
    with pytest.raises(CheckFailed, match=r"X has 2 input channels .* K has 3"):
        expect_conv2d(torch.zeros(2, 2), X2, torch.ones(1, 3, 2, 2))
    with pytest.raises(CheckFailed, match=r"X of shape \(3, 3\) and K of shape"):
        expect_conv2d(torch.zeros(2, 2), BOOK_X, torch.ones(1, 2, 2))
    with pytest.raises(TypeError, match="X must be a torch.Tensor"):
        expect_conv2d(torch.zeros(2, 2), [[1.0]], BOOK_K)


def test_expect_pool2d_passes_the_books_pooling_examples(capsys):
    assert expect_pool2d(torch.tensor([[4.0, 5], [7, 8]]), BOOK_X, 2, stride=1)
    avg = torch.tensor([[2.0, 3], [5, 6]])
    assert expect_pool2d(avg, BOOK_X, (2, 2), "avg", "pool2d", stride=1)
    X = torch.arange(32.0).reshape(2, 4, 4)
    want = [[[5, 6, 7, 7], [13, 14, 15, 15]], [[21, 22, 23, 23], [29, 30, 31, 31]]]
    assert expect_pool2d(torch.tensor(want), X, 3, padding=1, stride=(2, 1))
    out = capsys.readouterr().out.splitlines()
    assert out[1] == (
        "check passed: pool2d equals F.avg_pool2d(X, kernel_size=(2, 2), stride=1)"
    )
    with pytest.raises(CheckFailed, match="the window 4x4 does not fit"):
        expect_pool2d(torch.zeros(1, 1), BOOK_X, 4)
    with pytest.raises(ValueError, match='mode must be "max" or "avg", got'):
        expect_pool2d(torch.zeros(1, 1), BOOK_X, 2, "min")
