"""The package speaks English and Chinese; the Chinese catalog is complete."""

import io
import json
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from d2lconv import i18n, i18n_check

ROOT = Path(__file__).resolve().parents[1]


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


def test_the_chinese_catalog_is_complete():
    # Every text marked in the package, its ES modules and passed by the
    # notebooks has a translation with the same {fields}; no entry is stale.
    problems = i18n_check.check()
    assert problems == [], (
        f"run `{i18n_check.COMMAND}` to list them, then write the Chinese in "
        "d2lconv/locale/zh/LC_MESSAGES/d2lconv.po:\n" + "\n".join(problems)
    )


def test_the_check_lists_a_changed_text_a_fuzzy_entry_and_changed_fields(tmp_path):
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "d2lconv", tmp_path / "d2lconv", ignore=ignore)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=ignore)
    shutil.copy(ROOT / "babel.cfg", tmp_path)
    assert i18n_check.check(tmp_path) == []
    # An instructor rewords one English text in the package...
    messages = [m for m in i18n_check.extract(tmp_path) if m.id]
    old, path = next(
        (m.id, m.locations[0][0])
        for m in messages
        if len(m.locations) == 1
        and f'"{m.id}"' in (tmp_path / m.locations[0][0]).read_text("utf-8")
    )
    source = tmp_path / path
    source.write_text(
        source.read_text("utf-8").replace(f'"{old}"', '"a reworded text"'), "utf-8"
    )
    # ...and a translator leaves one entry fuzzy and drops a field of another.
    po = i18n.po_path("zh", tmp_path / "d2lconv" / "locale")
    with open(po, "rb") as file:
        catalog = read_po(file)
    fuzzy = next(m for m in catalog if m.id and m.id != old)
    fuzzy.flags.add("fuzzy")
    fields = next(m for m in catalog if "{" in m.string and m.id not in (old, fuzzy.id))
    fields.string = fields.string.replace("{", "(").replace("}", ")")
    with open(po, "wb") as file:
        write_po(file, catalog)
    problems = "\n".join(i18n_check.check(tmp_path))
    assert f"missing: 'a reworded text' ({path}:" in problems
    assert f"obsolete (no longer in the source): {old!r}" in problems
    assert f"fuzzy: {fuzzy.id!r}" in problems
    assert f"fields differ: {fields.id!r}" in problems
    assert len(problems.splitlines()) == 4


def test_the_notebook_extractor_reads_literals_names_and_tr_only():
    def cell(source):
        notebook = {"cells": [{"cell_type": "code", "id": "c1", "source": source}]}
        file = io.StringIO(json.dumps(notebook))
        file.name = "lesson.ipynb"
        return [
            text for _, _, text, _ in i18n_check.extract_notebook(file, ["tr"], [], {})
        ]

    assert cell(
        'why = "the border"\n'
        'd2lconv.expect_close(Y, Z, "the output", cause=why)\n'
        'show_images({"photo": X})\n'
        'draw_grid(W, title=d2lconv.i18n.tr("a {n} x {n} grid", n=3))\n'
    ) == ["the output", "the border", "photo", "a {n} x {n} grid"]
    with pytest.raises(ValueError, match=r"lesson.ipynb cell c1: draw_grid\(\) is"):
        cell('draw_grid(W, title=f"{n} x {n}")')
