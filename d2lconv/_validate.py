"""Argument checks shared by the package: clear errors instead of deep tracebacks.

Every message names the parameter, the value it got and the rule it broke.
"""

import numbers

import torch


def _is_int(value):
    # bool is an int subclass in Python, but True as a kernel size is a bug.
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_int(value, name):
    """Return ``value`` as an ``int``; ``TypeError`` unless it is an integer."""
    if not _is_int(value):
        raise TypeError(
            f"{name} must be an int, got {value!r} of type {type(value).__name__}"
        )
    return int(value)


def check_positive_int(value, name):
    """Return ``value`` as an ``int`` >= 1, else raise."""
    if (value := check_int(value, name)) < 1:
        raise ValueError(f"{name} must be a positive int (>= 1), got {value}")
    return value


def check_nonnegative_int(value, name):
    """Return ``value`` as an ``int`` >= 0, else raise."""
    if (value := check_int(value, name)) < 0:
        raise ValueError(f"{name} must be a non-negative int (>= 0), got {value}")
    return value


def check_int_range(value, name, low, high):
    """Return ``value`` as an ``int`` from ``low`` to ``high`` (both included)."""
    if not low <= (value := check_int(value, name)) <= high:
        raise ValueError(f"{name} must be an int from {low} to {high}, got {value}")
    return value


def as_pair(value, name):
    """Return ``value`` (an int or an ``(h, w)`` pair of ints) as a tuple of 2 ints."""
    if _is_int(value):
        return (int(value), int(value))
    if isinstance(value, (tuple, list, torch.Size)):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be an int or an (h, w) pair, got {value!r} "
                f"with {len(value)} entries"
            )
        if not all(_is_int(v) for v in value):
            raise TypeError(
                f"{name} must be an int or an (h, w) pair of ints, got {value!r}"
            )
        return (int(value[0]), int(value[1]))
    raise TypeError(
        f"{name} must be an int or an (h, w) pair of ints, got {value!r} "
        f"of type {type(value).__name__}"
    )


def positive_pair(value, name):
    """``as_pair`` plus the rule that both entries are >= 1."""
    if min(pair := as_pair(value, name)) < 1:
        raise ValueError(f"{name} must be positive (>= 1), got {value!r}")
    return pair


def nonnegative_pair(value, name):
    """``as_pair`` plus the rule that both entries are >= 0."""
    if min(pair := as_pair(value, name)) < 0:
        raise ValueError(f"{name} must be non-negative (>= 0), got {value!r}")
    return pair


def check_tensor(X, name, ndim):
    """Raise unless ``X`` is a tensor with ``ndim`` axes (an int or a tuple of ints)."""
    if not isinstance(X, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor, got {type(X).__name__}; "
            f"convert it with torch.tensor(...)"
        )
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if X.dim() not in allowed:
        wanted = " or ".join(f"{d}-D" for d in allowed)
        raise ValueError(
            f"{name} must be a {wanted} tensor, got shape {tuple(X.shape)} "
            f"({X.dim()}-D)"
        )
    return X


def check_real_dtype(X, name):
    """Raise ``TypeError`` unless ``X`` holds real numbers (not bool, not complex)."""
    if X.dtype == torch.bool or X.is_complex():
        raise TypeError(
            f"{name} must hold real numbers (a floating or integer dtype), "
            f"got dtype {X.dtype}"
        )
    return X


def check_same_device(X, K, x_name, k_name):
    """Raise ``ValueError`` unless both tensors live on the same device."""
    if X.device != K.device:
        raise ValueError(
            f"{x_name} and {k_name} must be on the same device, got {X.device} "
            f"and {K.device}; move one with .to(...)"
        )


def check_matrix(X, name):
    """Raise unless ``X`` is a non-empty 2-D tensor of real numbers."""
    if check_real_dtype(check_tensor(X, name, 2), name).numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(X.shape)}")
    return X
