"""Pick where tensors live: CUDA when present, CPU otherwise."""

import torch


def default_device():
    """Return ``torch.device("cuda")`` when a GPU is available, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
