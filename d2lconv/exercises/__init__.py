"""Self-checks for the exercises: each one says "Correct." or gives a hint.

Every ``check_*`` prints one line, ``Correct. ...`` or ``Not yet. Hint: ...``
(never the answer), and returns ``True`` or ``False``; it takes a function, a
tensor or a short answer (a number, a shape, ``True``/``False``, a letter) and
computes the right one with PyTorch or from first principles. Padding is per
side, as in ``nn.Conv2d``. The checks of ``notebooks/NN-topic.ipynb``, their
texts and typical mistakes (``TABLE``) and multiple choices (``*_CHOICES``)
live in ``nbNN_topic.py``; here are all of them and ``diagonal_edge_image``.
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
