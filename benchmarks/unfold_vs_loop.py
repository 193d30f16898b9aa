"""Benchmark: the unfold corr2d against the loop corr2d on a 128x128 input.

Target: the unfold version is at least 100 times faster. Both medians are
measured in this run, alternating the two so that a busy machine slows both
alike. Prints the medians, the ratio and PASS or FAIL; exits 0 either way.
"""

import argparse
import statistics
import sys

import torch
from timing import median_time

from d2lconv import corr2d, default_device
from d2lconv.fast import corr2d_unfold, format_duration

SIZE = 128
KERNEL = 3
ROUNDS = 5
TARGET = 100.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # One thread by default: on a shared machine, multi-threaded timings swing
    # with the load far more than the ratio between two algorithms does.
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    torch.set_num_threads(parser.parse_args().threads)
    device = default_device()
    g = torch.Generator().manual_seed(0)
    X = torch.randn(SIZE, SIZE, generator=g).to(device)
    K = torch.randn(KERNEL, KERNEL, generator=g).to(device)
    if not torch.allclose(corr2d(X, K), corr2d_unfold(X, K), atol=1e-4):
        print("FAIL: the two implementations disagree")
        return 0
    loop, unfold = [], []
    for _ in range(ROUNDS):
        loop.append(median_time(corr2d, X, K, repeats=1))
        unfold.append(median_time(corr2d_unfold, X, K, repeats=25))
    t_loop, t_unfold = statistics.median(loop), statistics.median(unfold)
    ratio = t_loop / t_unfold
    print(f"device: {device}, torch threads: {torch.get_num_threads()}")
    print(f"input {SIZE}x{SIZE}, kernel {KERNEL}x{KERNEL}, {ROUNDS} rounds")
    print(f"loop corr2d    median {format_duration(t_loop)}")
    print(f"unfold corr2d  median {format_duration(t_unfold)}")
    verdict = "PASS" if ratio >= TARGET else "FAIL"
    print(f"ratio {ratio:.0f}x faster (target >= {TARGET:.0f}x): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
