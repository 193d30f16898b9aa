"""Benchmark: im2col + one matrix product against F.conv2d.

Target: im2col takes at most 2 times as long as F.conv2d on each layer below.
Both medians are measured in this run, alternating the two so that a busy
machine slows both alike. Prints the medians, the ratios and PASS or FAIL;
exits 0 either way.
"""

import argparse
import statistics
import sys

import torch
import torch.nn.functional as F
from timing import median_time

from d2lconv import conv2d_flops, default_device
from d2lconv.fast import conv2d_im2col, format_duration

# (batch, c_i, size, c_o, kernel, padding): a small CNN layer, a wide one,
# and notebook 4's 1-GFLOP layer (100 -> 100 channels, 5x5, 64x64).
LAYERS = [
    (8, 16, 32, 32, 3, 1),
    (4, 64, 28, 64, 3, 1),
    (1, 100, 64, 100, 5, 2),
]
ROUNDS = 7
TARGET = 2.0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # One thread by default: on a shared machine, multi-threaded timings swing
    # with the load far more than the ratio between two algorithms does.
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    torch.set_num_threads(parser.parse_args().threads)
    device = default_device()
    print(f"device: {device}, torch threads: {torch.get_num_threads()}")
    g = torch.Generator().manual_seed(0)
    verdicts = []
    for n, c_i, size, c_o, k, p in LAYERS:
        X = torch.randn(n, c_i, size, size, generator=g).to(device)
        K = torch.randn(c_o, c_i, k, k, generator=g).to(device)
        mine, want = conv2d_im2col(X, K, p), F.conv2d(X, K, None, 1, p)
        if not torch.allclose(mine, want, rtol=1e-3, atol=1e-3):
            print("FAIL: im2col disagrees with F.conv2d")
            return 0
        ours, ref = [], []
        for _ in range(ROUNDS):
            ours.append(median_time(conv2d_im2col, X, K, p, repeats=3))
            ref.append(median_time(F.conv2d, X, K, None, 1, p, repeats=3))
        t_ours, t_ref = statistics.median(ours), statistics.median(ref)
        macs = n * conv2d_flops(size, c_i, c_o, k, padding=p)
        ratio = t_ours / t_ref
        verdicts.append(ratio <= TARGET)
        # The im2col matrix holds every input k*k times: its size explains
        # most of the gap on layers with large kernels.
        matrix_mb = n * c_i * k * k * size * size * X.element_size() / 1e6
        print(
            f"N={n} c_i={c_i} {size}x{size} c_o={c_o} k={k} p={p} "
            f"(im2col matrix {matrix_mb:.0f} MB): "
            f"im2col {format_duration(t_ours)} ({macs / t_ours / 1e9:.1f} GMAC/s), "
            f"F.conv2d {format_duration(t_ref)} ({macs / t_ref / 1e9:.1f} GMAC/s), "
            f"ratio {ratio:.2f} {'PASS' if ratio <= TARGET else 'FAIL'}"
        )
    verdict = "PASS" if all(verdicts) else "FAIL"
    print(f"target: im2col within {TARGET:g}x of F.conv2d on every layer: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
