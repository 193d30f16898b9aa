"""Self-checks for the exercises: each one says "Correct." or gives a hint.

Every ``check_*`` function prints one line that starts with ``Correct.`` or
``Not yet.`` and returns ``True`` or ``False``; a hint never gives the answer
away. Code exercises pass a function (or a tensor), the others a short answer:
a number, a shape, ``True``/``False`` or a letter. The right answers are
computed on the spot, by PyTorch or from first principles, never typed in.
Padding is per side, as in ``nn.Conv2d``; the book's ``p_h`` is the total.

The checks of ``notebooks/NN-topic.ipynb`` live in ``nbNN_topic.py``, with
their texts and typical mistakes in its ``TABLE``; ``_common.grade`` grades.
Here are each module's checks, its multiple choices (``*_CHOICES``, ...) and
``diagonal_edge_image``.
"""

import importlib
import pkgutil

from ._common import Choices
from .nb02_cross_correlation import diagonal_edge_image

NAMES = sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name[:2] == "nb")
MODULES = tuple(importlib.import_module(f"{__name__}.{name}") for name in NAMES)
for _module in MODULES:
    for _name, _value in vars(_module).items():
        check = _name.startswith("check_") and _value.__module__ == _module.__name__
        if check or isinstance(_value, Choices):
            globals()[_name] = _value
