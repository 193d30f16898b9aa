"""The benchmarks' timer: the median of repeated runs, queued GPU work included."""

import statistics
import time

import torch


def _synchronize(args):
    """Wait for queued GPU work, so a timer measures the work and not its launch."""
    devices = {a.device for a in args if isinstance(a, torch.Tensor)}
    for device in devices:
        if device.type == "cuda":
            torch.cuda.synchronize(device)


def median_time(fn, *args, repeats=5, warmup=1):
    """Median wall-clock seconds of ``fn(*args)`` over ``repeats`` runs."""
    # The first call pays one-off costs (memory allocation, kernel selection).
    for _ in range(warmup):
        fn(*args)
    _synchronize(args)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(*args)
        _synchronize(args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
