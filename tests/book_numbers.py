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

BOOK["08-pooling"] = {
    # The book's pool2d on the 3x3 input 0..8 with a 2x2 window.
    "nb08-09": {"Y_max": [[4, 5], [7, 8]], "Y_avg": [[2, 3], [5, 6]]},
    # arange(32) as (1, 2, 4, 4): MaxPool2d(3, padding=1, stride=(2, 1)).
    "nb08-17": {
        "Y": [[[[5, 6, 7, 7], [13, 14, 15, 15]], [[21, 22, 23, 23], [29, 30, 31, 31]]]]
    },
    # AvgPool2d with the same arguments (padding counted), the first channel.
    "nb08-21": {
        "Y_avg[0, 0]": Approx([[1.1111, 2, 2.6667, 2], [5.6667, 9, 10, 7]], 1e-4)
    },
}

BOOK["09-performance"] = {}

BOOK["10-real-photo"] = {}
