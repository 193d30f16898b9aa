"""The course in two languages: English (the source) and Chinese (中文).

Every sentence the package shows a student goes through ``tr`` (gettext, then
``str.format``): ``print(tr("check passed: {what}", what=what))``. The English
text is its own msgid; the Chinese is in ``locale/zh/LC_MESSAGES/d2lconv.po``
(read with Babel; ``python scripts/i18n_check.py`` lists what it lacks), and a
missing, empty or fuzzy entry shows the English. The Chinese notebooks start
with ``d2lconv.set_language("zh")`` (``D2LCONV_LANG=zh``: a whole session).
Exceptions raised by the API stay in English, as PyTorch's do, but
``shapes.ShapeError`` (an impossible size, which the lessons show on purpose):
its ``str()`` is in the current language, its ``english`` in English.
"""

import functools
import os
import re
import unicodedata
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES = ("en", "zh")
LANGUAGE_VARIABLE = "D2LCONV_LANG"
LOCALE = Path(__file__).resolve().parent / "locale"

_missing = set()


def _checked(code, name):
    if code not in LANGUAGES:
        raise ValueError(
            f"{name} must be one of {', '.join(map(repr, LANGUAGES))}, got {code!r}"
        )
    return code


_language = [_checked(os.environ.get(LANGUAGE_VARIABLE) or "en", LANGUAGE_VARIABLE)]


def set_language(code):
    """Show the package's messages, hints, explorers and errors in ``code`` ('en'
    or 'zh'); in Chinese, matplotlib's figures too (``plot.chinese_figures``)."""
    _checked(code, "language")
    if code != "en":
        catalog(code)  # a broken catalog fails here, not in the middle of a check
    _language[0] = code
    from . import plot  # here: plot imports this module

    plot.chinese_figures(code != "en")
    return code


def language():
    """The language the package speaks now: 'en' or 'zh'."""
    return _language[0]


@functools.cache
def catalog(code):
    """English text -> translation: the translated, not fuzzy, entries of the .po."""
    with open(LOCALE / code / "LC_MESSAGES" / "d2lconv.po", "rb") as file:
        entries = read_po(file)
    return {m.id: m.string for m in entries if m.id and m.string and not m.fuzzy}


def N_(text):
    """Mark ``text`` for translation where it is used (by ``tr``); return it."""
    return text


def tr(text, /, **values):
    """``text`` in the current language, with ``values`` filled in."""
    template = text if _language[0] == "en" else catalog(_language[0]).get(text)
    if template is None:
        _missing.add(text)
        template = text
    return template.format(**values) if values else template


def given(text):
    """A text the notebook's code passes in, in the current language.

    An exact lookup; a string that is already Chinese (a student's own, or
    one the cell made with ``tr``) and anything but a string stay as they are.
    """
    if language() == "en" or not isinstance(text, str) or not text.strip():
        return text
    return text if re.search("[\u3400-\u9fff]", text) else tr(text)


def columns(text):
    """How many columns ``text`` takes in a fixed-width font (a Chinese character: 2).

    For lining up text tables: ``len`` counts a Chinese character as one.
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def missing():
    """The texts asked for in another language that had no translation, sorted."""
    return sorted(_missing)
