"""Where and how tensors compute: CUDA when present, and CPU threads for tiny work."""

import contextlib

import torch


def default_device():
    """Return ``torch.device("cuda")`` when a GPU is available, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@contextlib.contextmanager
def one_thread():
    """Run tiny tensor operations on one CPU thread, then restore the setting.

    A 6x8 image gains nothing from several threads, and on a busy machine the
    hand-offs between them cost tens of milliseconds per operation.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
