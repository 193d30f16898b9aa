"""The book's worked examples, as the executed lessons must reproduce them.

A lesson cell prints what a student compares with the book; the numbers
themselves are asserted here, from the executed notebook
(``tests/test_notebooks.py``). ``BOOK[lesson][cell id]`` maps an expression,
evaluated in the kernel right after that cell ran in Run All, to the book's
value (numbers, nested lists or tuples; a tensor is compared through
``.tolist()``). ``PRINTED`` is text that must appear in what that cell
prints. ``Approx(value, atol)`` marks a value the book gives rounded.

The numbers come from the syllabus (``shared/SYLLABUS.md``): the book, its
lecture notes and notebook, checked once against PyTorch by hand.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Approx:
    """A book value given rounded: equal within ``atol``."""

    value: object
    atol: float


PRINTED = "printed"

BOOK = {}

BOOK["01-why-convolution"] = {}

BOOK["02-cross-correlation"] = {}

BOOK["03-learning-a-kernel"] = {}

BOOK["04-padding"] = {}

BOOK["05-stride-and-dilation"] = {}

BOOK["06-channels"] = {}

BOOK["07-layer-cost"] = {}

BOOK["08-pooling"] = {}

BOOK["09-performance"] = {
    # The book's 3x3 input and 2x2 kernel, with no loop.
    "nb09-07": {"Y": [[19, 25], [37, 43]], PRINTED: "[[19., 25.],"},
    # Two channels, the kernels K, K + 1, K + 2: one matrix product.
    "nb09-11": {
        "Y": [
            [[56, 72], [104, 120]],
            [[76, 100], [148, 172]],
            [[96, 128], [192, 224]],
        ]
    },
    # c_i = c_o = 100, a 5x5 kernel, a 64x64 output: about 1 GFLOP.
    "nb09-20": {"book_macs": 1.024e9, PRINTED: "1.024e+09 multiply-adds"},
    # 10 layers on 1M samples, forward: about 10 PFLOP; 19 hours at 0.15
    # TFLOPS, 14 minutes at 12 TFLOPS.
    "nb09-25": {"total": 1.024e16, PRINTED: ["19 h", "14.2 min"]},
}

BOOK["10-real-photo"] = {}
