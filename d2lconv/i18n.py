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

Texts the notebooks' code cells pass in (``expect_close(Y, want, "the
output")``) are shared by both editions, so the package translates them where
it shows them, with ``given(text)``: their entries are in
``locale/zh/notebooks.json``, apart from the package's own catalogs. An entry
written from an f-string, ``"{name} is F.conv2d"``, stands for every text of
that form; the parts in braces are copied into the translation as they are.
"""

import functools
import json
import os
import re
import string
import unicodedata
from pathlib import Path

LANGUAGES = ("en", "zh")
LANGUAGE_VARIABLE = "D2LCONV_LANG"
LOCALE = Path(__file__).resolve().parent / "locale"
# The catalog of the texts the notebooks pass in (``given``).
NOTEBOOKS = "notebooks.json"

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
        # A broken catalog fails here, not in the middle of a check.
        catalog(code)
        _given_catalog(code)
    return code


def language():
    """The language the package speaks now: 'en' or 'zh'."""
    return _language[0]


@functools.cache
def catalog(code):
    """English text -> translation, from the ``locale/<code>/*.json`` files.

    The package's own texts: ``notebooks.json`` (see ``given``) is not merged in.
    """
    merged = {}
    for path in sorted((LOCALE / code).glob("*.json")):
        if path.name == NOTEBOOKS:
            continue
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


def columns(text):
    """How many columns ``text`` takes in a fixed-width font (a Chinese character: 2).

    For lining up text tables: ``len`` counts a Chinese character as one.
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def missing():
    """The texts asked for in another language that had no translation, sorted."""
    return sorted(_missing)


_PARSE = string.Formatter().parse


def _fields(template):
    """The ``(literal, field)`` pieces of a ``str.format`` template, or None.

    None when ``template`` has no field (or is no valid template): plain text.
    """
    try:
        pieces = [(literal, field) for literal, field, _, _ in _PARSE(template)]
    except ValueError:
        return None
    return pieces if any(field is not None for _, field in pieces) else None


def _pattern(pieces):
    """A regular expression matching every text of a template, and its groups.

    A field used twice must hold the same text both times.
    """
    groups, regex = {}, []
    for literal, field in pieces:
        regex.append(re.escape(literal))
        if field is None:
            continue
        if field in groups:
            regex.append(f"(?P={groups[field]})")
        else:
            groups[field] = f"g{len(groups)}"
            regex.append(f"(?P<{groups[field]}>.*?)")
    return re.compile("".join(regex), re.DOTALL), groups


@functools.cache
def _given_catalog(code):
    """``(exact, templates)`` of ``locale/<code>/notebooks.json``.

    ``exact`` maps each English text to its translation; ``templates`` holds
    ``(pattern, groups, translated pieces)`` for the entries with fields.
    """
    path = LOCALE / code / NOTEBOOKS
    entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    templates = []
    for english, text in entries.items():
        pieces = _fields(english)
        if pieces is None:
            continue
        pattern, groups = _pattern(pieces)
        translated = _fields(text) or [(text, None)]
        unknown = {f for _, f in translated if f is not None} - set(groups)
        if unknown:
            raise ValueError(
                f"{NOTEBOOKS} translates {english!r} as {text!r}, whose fields "
                f"{sorted(unknown)} the English text does not have"
            )
        literal = sum(len(text) for text, _ in pieces)
        templates.append((literal, pattern, groups, translated))
    # The template with the most fixed text first: "corr2d with K of {shape} is
    # F.conv2d" before "{name} is F.conv2d", which matches the same texts.
    templates.sort(key=lambda t: -t[0])
    return entries, [t[1:] for t in templates]


def given(text):
    """A text the notebook's code passes in, in the current language.

    Translated when ``locale/<code>/notebooks.json`` has it (or a template of
    its form: the text of each field is kept); otherwise shown as it is and
    remembered in ``missing()``. In English, and for anything but a string,
    ``text`` itself.
    """
    code = _language[0]
    if code == "en" or not isinstance(text, str) or not text.strip():
        return text
    if code == "zh" and re.search("[\u3400-\u9fff]", text):
        return text  # already Chinese (a student's own title)
    exact, templates = _given_catalog(code)
    if text in exact:
        return exact[text]
    for pattern, groups, translated in templates:
        match = pattern.fullmatch(text)
        if match:
            return "".join(
                literal + ("" if field is None else match.group(groups[field]))
                for literal, field in translated
            )
    _missing.add(text)
    return text
