"""The shared argument checks: what they accept and how they refuse."""

import numpy as np
import pytest
import torch

from d2lconv._validate import (
    as_pair,
    check_matrix,
    check_nonnegative_int,
    check_positive_int,
    check_real_dtype,
    check_same_device,
    check_tensor,
    nonnegative_pair,
    positive_pair,
)


@pytest.mark.parametrize(
    ("value", "pair"),
    [
        (3, (3, 3)),
        ((2, 5), (2, 5)),
        ([2, 5], (2, 5)),
        (torch.Size([4, 1]), (4, 1)),
        (np.int64(2), (2, 2)),
        ((np.int32(1), 7), (1, 7)),
    ],
)
def test_as_pair_accepts_ints_and_pairs(value, pair):
    result = as_pair(value, "kernel_size")
    assert result == pair
    assert all(type(v) is int for v in result)


@pytest.mark.parametrize("value", [True, 2.0, "3", None, (1.0, 2), (True, 2)])
def test_as_pair_type_errors_name_the_parameter_and_value(value):
    with pytest.raises(TypeError) as info:
        as_pair(value, "kernel_size")
    assert "kernel_size must be an int or an (h, w) pair" in str(info.value)
    assert repr(value) in str(info.value)


def test_as_pair_wrong_length_is_a_value_error():
    with pytest.raises(ValueError, match=r"stride must be .* got \(1, 2, 3\) with 3"):
        as_pair((1, 2, 3), "stride")


def test_positive_and_nonnegative_pairs():
    assert positive_pair((1, 2), "stride") == (1, 2)
    assert nonnegative_pair(0, "padding") == (0, 0)
    with pytest.raises(
        ValueError, match=r"stride must be positive \(>= 1\), got \(1, 0\)"
    ):
        positive_pair((1, 0), "stride")
    with pytest.raises(ValueError, match=r"padding must be non-negative .* got -1"):
        nonnegative_pair(-1, "padding")


def test_int_checks():
    assert check_positive_int(np.int64(3), "steps") == 3
    assert check_nonnegative_int(0, "padding") == 0
    with pytest.raises(
        ValueError, match=r"steps must be a positive int \(>= 1\), got 0"
    ):
        check_positive_int(0, "steps")
    with pytest.raises(TypeError, match="steps must be an int, got False of type bool"):
        check_positive_int(False, "steps")
    with pytest.raises(ValueError, match="padding must be a non-negative int"):
        check_nonnegative_int(-2, "padding")


def test_tensor_checks():
    X = torch.zeros(2, 3)
    assert check_tensor(X, "X", 2) is X
    assert check_tensor(X, "X", (2, 3)) is X
    with pytest.raises(TypeError, match="X must be a torch.Tensor, got ndarray"):
        check_tensor(np.zeros((2, 3)), "X")
    with pytest.raises(
        ValueError, match=r"X must be a 3-D or 4-D tensor, got shape \(2, 3\)"
    ):
        check_tensor(X, "X", (3, 4))
    with pytest.raises(TypeError, match="X must hold real numbers.*torch.bool"):
        check_real_dtype(X.bool(), "X")
    check_same_device(X, torch.zeros(1), "X", "K")
    with pytest.raises(ValueError, match="X and K must be on the same device"):
        check_same_device(X, torch.zeros(1, device="meta"), "X", "K")


@pytest.mark.parametrize(
    ("value", "error", "words"),
    [
        ([[1.0]], TypeError, ["X must be a torch.Tensor"]),
        (torch.ones(2, 2, 2), ValueError, ["X must be a 2-D tensor", "(2, 2, 2)"]),
        (torch.ones(2, 2) > 0, TypeError, ["X must hold real numbers", "torch.bool"]),
        (torch.ones(0, 3), ValueError, ["X must not be empty", "(0, 3)"]),
    ],
)
def test_check_matrix_names_the_rule_broken(value, error, words):
    with pytest.raises(error) as info:
        check_matrix(value, "X")
    for word in words:
        assert word in str(info.value)
    ones = torch.ones(2, 3)
    assert check_matrix(ones, "X") is ones
