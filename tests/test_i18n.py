"""The package speaks English and Chinese: every marked text has its translation."""

import ast
import json
import re
import string
from pathlib import Path

import pytest

from d2lconv import i18n
from d2lconv.explorers import TR_CALL

PACKAGE = Path(i18n.__file__).resolve().parent
MARKERS = {"tr", "N_"}


def marked_texts():
    """``{English text: [where]}`` of every ``tr("...")`` and ``N_("...")``."""
    found = {}
    for path in sorted(PACKAGE.glob("**/*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in MARKERS:
                continue
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            first = node.args[0] if node.args else None
            if name == "tr" and isinstance(first, (ast.Name, ast.Attribute)):
                continue  # a text marked with N_("...") where it is written
            assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
                f"{where}: {name}() must be given the English text as a string "
                "literal, or tr() a name bound to one marked with N_ (an f-string "
                "cannot be looked up; use {names} and keywords)"
            )
            found.setdefault(first.value, []).append(where)
    # The explorers' ES modules show their texts through tr("...") too.
    for path in sorted(PACKAGE.glob("explorers/*.js")):
        source = path.read_text(encoding="utf-8")
        for match in TR_CALL.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            where = f"{path.relative_to(PACKAGE.parent)}:{line}"
            found.setdefault(json.loads(f'"{match.group(1)}"'), []).append(where)
    return found


def fields(template):
    """The ``{names}`` a ``str.format`` template fills in."""
    return {
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name is not None
    }


def test_the_language_can_be_set_and_is_checked():
    before = i18n.language()
    try:
        assert i18n.set_language("zh") == "zh"
        assert i18n.language() == "zh"
        with pytest.raises(
            ValueError, match=r"language must be one of 'en', 'zh', got 'fr'"
        ):
            i18n.set_language("fr")
        assert i18n.language() == "zh"
    finally:
        i18n.set_language(before)


def test_english_fills_in_values_and_chinese_looks_them_up(monkeypatch):
    monkeypatch.setattr(i18n, "catalog", lambda code: {"{n} apples": "{n} 个苹果"})
    monkeypatch.setattr(i18n, "_missing", set())
    monkeypatch.setattr(i18n, "_language", ["en"])
    assert i18n.tr("{n} apples", n=3) == "3 apples"
    i18n.set_language("zh")
    assert i18n.tr("{n} apples", n=3) == "3 个苹果"
    assert i18n.tr("no entry") == "no entry"
    assert i18n.missing() == ["no entry"]


def test_catalog_files_are_json_objects_of_strings():
    for path in sorted((i18n.LOCALE / "zh").glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(entries, dict), path.name
        for english, chinese in entries.items():
            assert isinstance(chinese, str) and chinese.strip(), (path.name, english)
            assert chinese != english or not re.search("[A-Za-z]{3}", english), (
                f"{path.name}: {english!r} is not translated"
            )


def test_every_marked_text_has_a_chinese_entry_with_the_same_fields():
    catalog = i18n.catalog("zh")
    absent = [
        f"{where[0]}: {text!r}"
        for text, where in marked_texts().items()
        if text not in catalog
    ]
    assert absent == [], "no Chinese entry in d2lconv/locale/zh/*.json:\n" + "\n".join(
        absent
    )
    for text in marked_texts():
        assert fields(catalog[text]) == fields(text), (
            f"{text!r} fills in {sorted(fields(text))}, its translation "
            f"{catalog[text]!r} {sorted(fields(catalog[text]))}"
        )


def test_no_catalog_entry_is_left_without_its_english_text():
    used = set(marked_texts())
    for path in sorted((i18n.LOCALE / "zh").glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        unused = [
            english
            for english in entries
            if english not in used and path.stem != "notebooks"
        ]
        assert unused == [], (
            f"{path.name}: entries whose English text is no longer in the package "
            f"(changed or removed): {unused}"
        )
