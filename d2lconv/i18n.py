"""The course in two languages: English (the source) and Chinese (中文).

Every sentence the package prints or shows to a student goes through ``tr``::

    print(tr("check passed: {what}", what=what))

The English text is its own key: in English ``tr`` fills in the values
(``str.format``); in Chinese it looks the text up in the catalogs
``d2lconv/locale/zh/*.json`` (one per module, English -> Chinese, the same
``{names}``) and fills in the Chinese one. Text marked with ``N_`` (module
constants) is translated where it is used, by ``tr``.

The Chinese notebooks start with ``d2lconv.set_language("zh")``; the
environment variable ``D2LCONV_LANG=zh`` does the same for a whole session.
A text with no Chinese entry is shown in English and remembered:
``missing()`` lists them (the tests fail on any). Exceptions raised by the API
stay in English, as PyTorch's do.
"""

import functools
import json
import os
from pathlib import Path

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


_language = [
    _checked(os.environ.get(LANGUAGE_VARIABLE, "en") or "en", LANGUAGE_VARIABLE)
]


def set_language(code):
    """Show the package's messages, hints and explorers in ``code`` ('en' or 'zh')."""
    _language[0] = _checked(code, "language")
    if code != "en":
        catalog(code)  # a broken catalog fails here, not in the middle of a check
    return code


def language():
    """The language the package speaks now: 'en' or 'zh'."""
    return _language[0]


@functools.cache
def catalog(code):
    """English text -> translation, from every ``locale/<code>/*.json`` file."""
    merged = {}
    for path in sorted((LOCALE / code).glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        for english, text in entries.items():
            if merged.get(english, text) != text:
                raise ValueError(
                    f"{path.name} translates {english!r} as {text!r}, another "
                    f"catalog of locale/{code} as {merged[english]!r}"
                )
            merged[english] = text
    return merged


def N_(text):
    """Mark ``text`` for translation where it is used (by ``tr``); return it."""
    return text


def tr(text, /, **values):
    """``text`` in the current language, with ``values`` filled in."""
    code = _language[0]
    template = text
    if code != "en":
        template = catalog(code).get(text)
        if template is None:
            _missing.add(text)
            template = text
    return template.format(**values) if values else template


def missing():
    """The texts asked for in another language that had no translation, sorted."""
    return sorted(_missing)
