"""Benchmark: the checked loop corr2d against the book's loop, at lesson sizes.

Target: on a 16x16 input with a 3x3 kernel (the largest input the sweep's
sliders allow), d2lconv.corr2d takes at most 1.5 times as long as the book's
d2l.corr2d, measured in this run, alternating the two so that a busy machine
slows both alike. The absolute medians are printed for reference (a few ms on
an idle machine) but not judged: they depend on the load. Prints the medians,
the ratio and PASS or FAIL; exits 0 either way.
"""

import statistics
import sys

import torch
from d2l import torch as d2l
from timing import median_time

from d2lconv import corr2d

SIZE = 16
KERNEL = 3
ROUNDS = 7
REPEATS = 20
TARGET_RATIO = 1.5


def median_ms(fn, *args):
    """Median wall time of ``fn(*args)`` over REPEATS calls, in milliseconds."""
    return 1e3 * median_time(fn, *args, repeats=REPEATS, warmup=0)


def forward_backward(X, K):
    """One training step's worth of work: the loop forward pass and its gradient."""
    corr2d(X, K).sum().backward()


def main():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(SIZE, SIZE, generator=g)
    K = torch.randn(KERNEL, KERNEL, generator=g)
    if not torch.equal(corr2d(X, K), d2l.corr2d(X, K)):
        print("FAIL: d2lconv.corr2d and d2l.corr2d disagree")
        return 0
    ours, book = [], []
    for _ in range(ROUNDS):
        ours.append(median_ms(corr2d, X, K))
        book.append(median_ms(d2l.corr2d, X, K))
    t_ours, t_book = statistics.median(ours), statistics.median(book)
    K_grad = K.clone().requires_grad_()
    t_grad = median_ms(forward_backward, X, K_grad)
    ratio = t_ours / t_book
    print(f"torch {torch.__version__}, threads: {torch.get_num_threads()}")
    print(f"input {SIZE}x{SIZE}, kernel {KERNEL}x{KERNEL}, {ROUNDS} rounds")
    print(f"d2lconv.corr2d        median {t_ours:.2f} ms")
    print(f"d2l.corr2d (book)     median {t_book:.2f} ms")
    print(f"d2lconv forward+grad  median {t_grad:.2f} ms")
    verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
    print(f"ratio {ratio:.2f} (target <= {TARGET_RATIO}): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
