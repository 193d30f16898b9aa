"""The worked examples' checks: the line they print, or the sentence they fail with."""

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
)

SAME = (
    "both sides come from this cell's inputs, so changing an input does not explain it"
)
T = torch.tensor
BOOK_X, BOOK_K = torch.arange(9.0).reshape(3, 3), T([[0.0, 1], [2, 3]])
WRONG = torch.zeros(3, 4)
WRONG[1, 2], WRONG[2, 0] = 0.5, -2.0
X2, K2 = torch.stack([BOOK_X, BOOK_X + 1]), torch.stack([BOOK_K, BOOK_K + 1])
K3 = torch.stack([K2, K2 + 1, K2 + 2])
PADDED = [[0, 3, 8, 4], [9, 19, 25, 10], [21, 37, 43, 16], [6, 7, 8, 0]]
THREE = [[[56, 72], [104, 120]], [[76, 100], [148, 172]], [[96, 128], [192, 224]]]
POOLED = [[[5, 6, 7, 7], [13, 14, 15, 15]], [[21, 22, 23, 23], [29, 30, 31, 31]]]

# A check's call and what the student sees: the line it prints when it passes
# (it returns True) or says there is nothing to check (False), or the message
# of the CheckFailed it raises. The expected values are worked out by hand;
# the Chinese tests run the checks on real runs of gradient descent.
SEEN = [
    (lambda: expect_close(BOOK_X.sum(), 36, "the sum"), "check passed: the sum"),
    (lambda: expect_close((2, 3), torch.Size([2, 3]), "it"), "check passed: it"),
    (
        lambda: expect_close(WRONG, torch.zeros(3, 4), "corr2d matches F.conv2d"),
        "check failed: corr2d matches F.conv2d: expected 0 at (2, 0), got -2 "
        f"(2 of 12 values differ); {SAME}.",
    ),
    (
        lambda: expect_close(torch.ones(4, 5), torch.ones(3, 5), "the output size"),
        "check failed: the output size: expected shape (3, 5), got shape (4, 5); "
        f"{SAME}.",
    ),
    # A cause replaces the default explanation.
    (
        lambda: expect_close(1.5, 1.0, "the limit", cause="your photo is brighter"),
        "check failed: the limit: expected 1, got 1.5; your photo is brighter.",
    ),
    (lambda: expect_close(1.0 + 1e-7, 1.0, "close"), "check passed: close"),
    (
        lambda: expect_close(1.001, 1.0, "too far", atol=1e-4, rtol=0),
        f"check failed: too far: expected 1, got 1.001; {SAME}.",
    ),
    (
        lambda: expect_close(T([0.0, math.nan]), torch.zeros(2), "no nan"),
        "check failed: no nan: expected 0 at (1,), got nan (1 of 2 values differ); "
        f"{SAME}.",
    ),
    # Two runs that overflow in the same places agree.
    (
        lambda: expect_close(
            T([1.0, math.nan, math.inf]), [1, math.nan, math.inf], "o"
        ),
        "check passed: o",
    ),
    (
        lambda: expect_descent([1.0, 2.0, 4.0], 1.2, 1.0),
        "lr = 1.2 is at or above the stable limit 1, so no check: the loss went "
        "from 1 to 4 in 2 steps. Above the limit each step overshoots the minimum "
        "along the steepest direction by more than it was off, so the error there "
        "grows at every step until the numbers overflow; choose lr below 1.",
    ),
    (
        lambda: expect_descent([8.0, 4.0, 2.0, 1.0], 0.05, 1.0),
        "check failed: expected the loss to fall at least 100-fold, it fell 8-fold "
        "in 3 steps; it fell at every step, so it is still converging, slowly: lr "
        "= 0.05 is 0.05 of the limit 1, and a smaller rate or fewer steps explain "
        "it (raise either).",
    ),
    # Below the limit a quadratic loss cannot rise: something else is wrong.
    (
        lambda: expect_descent([4.0, 3.0, 3.5, 1e-3], 0.5, 1.0),
        "check failed: expected the loss to fall at every step (lr = 0.5 is below "
        "the stable limit 1), got 3 -> 3.5 at step 2; a rate below the limit does "
        "not explain it, so look at the update step.",
    ),
    (
        lambda: expect_descent([3.0, 2.0, math.nan], 0.1, 1.0),
        "check failed: expected the loss to fall at every step (lr = 0.1 is below "
        "the stable limit 1), got 2 -> nan at step 2",
    ),
    # Float noise at the bottom is not a rise.
    (
        lambda: expect_descent([1.0, 1e-3, 1e-9, 2e-9, 1e-9], 0.1, 1.0),
        "check passed: below the stable limit 1 the loss fell at every step, "
        "1e+09-fold in 4 steps",
    ),
    (
        lambda: expect_shrinks(2.0, 0.01, 0.9, 30, "the distance to [1, -1]"),
        "check passed: the distance to [1, -1] fell from 2 to 0.01 (at most "
        f"{0.9**30 * 2:.4g} in theory)",
    ),
    (
        lambda: expect_shrinks(2.0, 50.0, 1.3, 30, "the distance"),
        "no check: each step may keep 1.3 of the error (a rate at or above the "
        "stable limit), so the distance may grow; it went from 2 to 50",
    ),
    (
        lambda: expect_shrinks(T(2.0), T(1.0), 0.9, 30, "the distance"),
        f"check failed: expected the distance to be at most {0.9**30 * 2:.4g} after "
        "30 steps (each step keeps at most 0.9 of it), got 1; the bound follows "
        "from this cell's rate and data, so changing them does not explain it.",
    ),
    # The book's worked examples, against PyTorch on the cell's own inputs.
    (
        lambda: expect_conv2d(T(PADDED), BOOK_X, BOOK_K, "Y", padding=1),
        "check passed: Y matches F.conv2d(X, K, padding=1)",
    ),
    (
        lambda: expect_conv2d(T([[56, 72], [104, 120]]), X2, K2),
        "check passed: the result matches F.conv2d(X, K)",
    ),
    (lambda: expect_conv2d(T(THREE), X2, K3, "Y"), "check passed: Y matches F.conv2d"),
    (
        lambda: expect_conv2d(T([[19.0, 25], [37, 44]]), BOOK_X, BOOK_K, "corr2d"),
        "check failed: corr2d matches F.conv2d(X, K): expected 43 at (1, 1), got 44",
    ),
    (
        lambda: expect_conv2d(torch.zeros(0, 0), BOOK_X, torch.ones(4, 4), "corr2d"),
        "check failed: corr2d: the window 4x4 does not fit in the input 3x3, so "
        "there is no output to compare (output height = n - k + 1 = 3 - 4 + 1 = 0 "
        "< 1: kernel_size 4 is larger than the input 3)",
    ),
    (
        lambda: expect_conv2d(torch.zeros(2, 2), X2, torch.ones(1, 3, 2, 2)),
        "check failed: the result: X has 2 input channels (shape (2, 3, 3)) and K "
        "has 3 (shape (1, 3, 2, 2)): each input channel needs a kernel slice of its "
        "own",
    ),
    (
        lambda: expect_conv2d(torch.zeros(2, 2), BOOK_X, torch.ones(1, 2, 2)),
        "check failed: the result: X of shape (3, 3) and K of shape (1, 2, 2) do "
        "not go together: X (h, w) takes K (k_h, k_w), X (c_i, h, w) takes K "
        "(c_i, k_h, k_w) or (c_o, c_i, k_h, k_w)",
    ),
    (
        lambda: expect_pool2d(
            T([[2.0, 3], [5, 6]]), BOOK_X, (2, 2), "avg", "p", stride=1
        ),
        "check passed: p matches F.avg_pool2d(X, kernel_size=(2, 2), stride=1)",
    ),
    (
        lambda: expect_pool2d(
            T(POOLED), torch.arange(32.0).reshape(2, 4, 4), 3, padding=1, stride=(2, 1)
        ),
        "check passed: the result matches F.max_pool2d(X, kernel_size=3, padding=1, "
        "stride=(2, 1))",
    ),
    (
        lambda: expect_pool2d(torch.zeros(1, 1), BOOK_X, 4),
        "check failed: the result: the window 4x4 does not fit in the input 3x3",
    ),
]


# What a check returns (or raises) for the text it shows; else False.
OUTCOMES = {"check passed": True, "check failed": CheckFailed}


@pytest.mark.parametrize(("call", "text"), SEEN)
def test_a_check_says_what_it_found(call, text, capsys):
    try:
        outcome = call()
        shown = capsys.readouterr().out
    except CheckFailed as err:
        # A failed check is an AssertionError, as a plain assert would be.
        assert isinstance(err, AssertionError)
        outcome, shown = CheckFailed, str(err)
    assert shown.startswith(text)
    assert outcome is OUTCOMES.get(text[:12], False)
