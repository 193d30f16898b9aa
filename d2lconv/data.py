"""Example inputs of the course: ramps, small random integers, the edge image."""

import torch

from ._validate import positive_pair


def edge_image(height=6, width=8):
    """The book's edge image: ones with a dark stripe (columns 2..5 of 8) of zeros."""
    X = torch.ones(height, width)
    X[:, width // 4 : width - width // 4] = 0
    return X


# The random values of a seed: the sweep's input and kernel are the top-left
# corner of these, so that its page can change sizes without asking PyTorch.
POOLS = {"input": (16, -2, 5, 0), "kernel": (7, -2, 3, 1000)}


def random_pool(seed, which):
    """The small random integers of ``seed`` for the sweep's "input" or "kernel".

    A 16x16 input in -2..4 and a 7x7 kernel in -2..2 (another stream, so that
    both are not the same numbers), as nested lists.
    """
    size, low, high, offset = POOLS[which]
    generator = torch.Generator().manual_seed(seed + offset)
    return torch.randint(low, high, (size, size), generator=generator).tolist()


def _random(which, h, w, seed):
    if max(h, w) > (size := POOLS[which][0]):
        raise ValueError(
            f"random {which} values come at most {size}x{size}, got {h}x{w}"
        )
    return torch.tensor(random_pool(seed, which), dtype=torch.float32)[:h, :w]


def sweep_input(kind, size, seed=0):
    """Input values: "ramp" (0..n-1), "random" (small integers) or "edge"."""
    h, w = positive_pair(size, "input_size")
    if kind == "ramp":
        return torch.arange(h * w, dtype=torch.float32).reshape(h, w)
    if kind == "random":
        return _random("input", h, w, seed)
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
        return _random("kernel", h, w, seed)
    if kind == "edge":
        K = torch.zeros(h, w)
        K[:, 0] = 1
        K[:, -1] -= 1
        return K
    raise ValueError(
        f'kernel values must be "ramp", "ones", "random" or "edge", got {kind!r}'
    )
