"""Example inputs of the course: ramps, small random integers, the edge image."""

import torch

from ._validate import positive_pair


def edge_image(height=6, width=8):
    """The book's edge image: ones with a dark stripe (columns 2..5 of 8) of zeros."""
    X = torch.ones(height, width)
    X[:, width // 4 : width - width // 4] = 0
    return X


def sweep_input(kind, size, seed=0):
    """Input values: "ramp" (0..n-1), "random" (small integers) or "edge"."""
    h, w = positive_pair(size, "input_size")
    if kind == "ramp":
        return torch.arange(h * w, dtype=torch.float32).reshape(h, w)
    if kind == "random":
        generator = torch.Generator().manual_seed(seed)
        return torch.randint(-2, 5, (h, w), generator=generator).float()
    if kind == "edge":
        return edge_image(h, w)
    raise ValueError(f'input values must be "ramp", "random" or "edge", got {kind!r}')


def sweep_kernel(kind, size, seed=0):
    """Kernel values: "ramp" (0..k-1), "ones", "random" or "edge" ([1, -1] columns)."""
    h, w = positive_pair(size, "kernel_size")
    if kind == "ramp":
        return torch.arange(h * w, dtype=torch.float32).reshape(h, w)
    if kind == "ones":
        return torch.ones(h, w)
    if kind == "random":
        # A different stream from the input's, so both are not the same numbers.
        generator = torch.Generator().manual_seed(seed + 1000)
        return torch.randint(-2, 3, (h, w), generator=generator).float()
    if kind == "edge":
        K = torch.zeros(h, w)
        K[:, 0] = 1
        K[:, -1] -= 1
        return K
    raise ValueError(
        f'kernel values must be "ramp", "ones", "random" or "edge", got {kind!r}'
    )
