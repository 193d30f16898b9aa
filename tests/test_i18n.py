"""The package speaks English and Chinese; the Chinese catalog is complete.

The code cells are shared by both editions, so ``expect_close(Y, want, "the
output")`` passes the same English text in either; the package looks it up as
it is (``i18n.given``) and a student reads it in Chinese.
"""

import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from zh_text import assert_chinese

from d2lconv import i18n

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import i18n_check  # noqa: E402  (python scripts/i18n_check.py)


def test_the_language_is_checked_and_a_broken_catalog_leaves_it(monkeypatch):
    # (conftest: each test starts in English, with no text missing)
    rule = "language must be one of 'en', 'zh', got 'fr'"
    with pytest.raises(ValueError, match=rule):
        i18n.set_language("fr")

    def broken(code):
        raise OSError(f"no catalog for {code}")

    monkeypatch.setattr(i18n, "catalog", broken)
    with pytest.raises(OSError, match="no catalog for zh"):
        i18n.set_language("zh")
    assert i18n.language() == "en" and i18n.tr("the output") == "the output"


def test_texts_are_filled_in_looked_up_and_the_missing_remembered(monkeypatch):
    catalog = {"{n} apples": "{n} 个苹果", "the output": "输出"}
    monkeypatch.setattr(i18n, "catalog", lambda code: catalog)
    assert i18n.tr("{n} apples", n=3) == "3 apples"
    text = "the output"
    assert i18n.given(text) is text  # in English, the text itself
    i18n.set_language("zh")
    assert i18n.tr("{n} apples", n=3) == "3 个苹果"
    assert i18n.given("the output") == "输出"
    # Chinese already (made with tr, or a student's own) or no text: as it is.
    made = i18n.tr("{n} apples", n=3)
    assert i18n.given(made) is made and i18n.given(None) is None
    assert i18n.tr("no entry") == "no entry"
    assert i18n.given("a title of a student") == "a title of a student"
    assert i18n.missing() == ["a title of a student", "no entry"]


def test_every_text_the_notebooks_pass_reads_as_chinese():
    texts = [
        text
        for text, where in i18n_check.extract(ROOT).items()
        if any(".ipynb" in file for file, _ in where)
    ]
    assert "the gradient counts the same windows" in texts
    i18n.set_language("zh")
    for text in texts:
        shown = i18n.given(text) if "{" not in text else i18n.tr(text)
        # Names of tensors ("K", "K.T") are the same in both editions.
        if any(c.isalpha() and c.islower() for c in text):
            assert_chinese(shown, f"given({text!r})")


def test_the_chinese_catalog_is_complete():
    # Every text marked in the package, its ES modules and passed by the
    # notebooks has a translation with the same {fields}; no entry is stale.
    problems = i18n_check.check()
    assert problems == [], "\n".join(problems) + "\n\n" + i18n_check.HOW_TO_FIX


def test_the_check_lists_a_changed_text_a_fuzzy_entry_changed_fields_and_order(
    tmp_path,
):
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "d2lconv", tmp_path / "d2lconv", ignore=ignore)
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks", ignore=ignore)
    shutil.copy(ROOT / "babel.cfg", tmp_path)
    before = set(i18n_check.check(tmp_path))  # (the real catalog's own test: above)
    # An instructor rewords one English text in the package...
    old, path = next(
        (text, where[0][0])
        for text, where in i18n_check.extract(tmp_path).items()
        if len(where) == 1
        and f'"{text}"' in (tmp_path / where[0][0]).read_text("utf-8")
    )
    source = tmp_path / path
    source.write_text(
        source.read_text("utf-8").replace(f'"{old}"', '"a reworded text"'), "utf-8"
    )
    # ...and a translator leaves one entry fuzzy and drops a field of another.
    po = tmp_path / i18n_check.CATALOG.format("zh")
    with open(po, "rb") as file:
        catalog = read_po(file)
    fuzzy = next(m for m in catalog if m.id and m.id != old)
    fuzzy.flags.add("fuzzy")
    fields = next(m for m in catalog if "{" in m.string and m.id not in (old, fuzzy.id))
    fields.string = fields.string.replace("{", "(").replace("}", ")")
    # ...and moves the first entry to the end, as a hand edit may.
    first = next(m for m in catalog if m.id and m.id not in (old, fuzzy.id, fields.id))
    del catalog[first.id]
    catalog[first.id] = first
    with open(po, "wb") as file:
        write_po(file, catalog)
    problems = "\n".join(p for p in i18n_check.check(tmp_path) if p not in before)
    assert f"missing: 'a reworded text' ({path}:" in problems
    assert f"obsolete (no longer in the source): {old!r}" in problems
    assert f"fuzzy: {fuzzy.id!r}" in problems
    assert f"fields differ: {fields.id!r}" in problems
    assert f"out of order (pybabel update moves it): {first.id!r}" in problems
    assert len(problems.splitlines()) == 5


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
