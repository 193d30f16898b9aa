"""The Chinese edition: generated from the English notebooks, complete and current."""

import functools
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from zh_text import CJK

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import translate_notebooks as translate  # noqa: E402

ENGLISH = translate.english_notebooks(ROOT)
IDS = [str(rel.relative_to("notebooks")) for rel in ENGLISH]
GLOSSARY = ROOT / "notebooks" / "zh" / "GLOSSARY.md"
MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+?\$", re.DOTALL)
# The source material's terms (the book's, in Chinese), in the glossary.
BOOK_TERMS = "互相关 卷积核 填充 步幅 通道 池化 感受野 特征映射 超参数 学习率"
LINK_TARGET = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#+) ", re.MULTILINE)


def chinese(rel):
    return nbformat.read(ROOT / translate.chinese_path(rel), as_version=4)


def test_every_translation_is_present_current_and_written():
    # What --check says: no missing or stale entry, every Chinese notebook
    # written from the current English one and its translation.
    texts, trouble = translate.planned(ROOT)
    listed = [
        f"{kind}: {translate.translation_path(rel)} cell {cell_id}"
        for rel, found in trouble.items()
        for kind, cell_id, _ in found
    ]
    assert listed == [], "run python scripts/translate_notebooks.py --status"
    stale = [
        str(path)
        for path, text in texts.items()
        if not (ROOT / path).exists() or (ROOT / path).read_text("utf-8") != text
    ]
    assert stale == [], "run python scripts/translate_notebooks.py"


@pytest.mark.parametrize("rel", ENGLISH, ids=IDS)
def test_the_chinese_notebook_is_the_english_one_translated(rel):
    # The English cells in their order, and the language cell after the setup.
    en = nbformat.read(ROOT / rel, as_version=4).cells
    zh = chinese(rel).cells
    assert zh[2].id == translate.LANGUAGE_CELL_ID
    assert 'd2lconv.set_language("zh")' in zh.pop(2).source
    assert [(c.id, c.cell_type) for c in zh] == [(c.id, c.cell_type) for c in en]
    # The code cells the same program (test_zh_code.py), with their tags; each
    # markdown cell translated, with its formulas, links and headings.
    for en_cell, zh_cell in zip(en, zh, strict=True):
        where = f"{translate.translation_path(rel)} cell {en_cell.id}"
        if en_cell.cell_type == "code":
            assert zh_cell.metadata.get("tags") == en_cell.metadata.get("tags"), where
            differs = translate.same_program(en_cell.source, zh_cell.source)
            assert differs is None, f"{where}: {differs}"
            continue
        text, source = translate.english_text(en_cell), zh_cell.source
        assert formulas(source) == formulas(text), f"{where}: other formulas"
        assert links(source) == links(en_cell.source), f"{where}: other links"
        assert HEADING.findall(source) == HEADING.findall(text), f"{where}: headings"
        if re.search(r"[A-Za-z]{3,}", MATH.sub("", text)):
            assert CJK.search(source), f"{where} is not translated"


def links(text):
    """The targets of a text's links, but the Colab badge's."""
    return [t for t in LINK_TARGET.findall(text) if translate.BADGE_SVG not in t]


def formulas(text):
    """The ``$...$`` and ``$$...$$`` formulas of a text, spaces and breaks evened."""
    return [" ".join(m.split()) for m in MATH.findall(text)]


def glossary():
    """``[(English, [中文 terms], [也称], [不用])]`` from the glossary's table."""
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").split("\n## ")[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("English", "---"):
            split = [
                [t for t in re.split("[、,，]", c) if t.strip()] for c in cells[1:]
            ]
            rows.append((cells[0], *split))
    return rows


def chinese_markdown():
    """``{notebook: its markdown text}`` of every Chinese notebook."""
    return {
        str(rel): "\n".join(
            c.source for c in chinese(rel).cells if c.cell_type == "markdown"
        )
        for rel in ENGLISH
    }


def without(terms, text):
    """``text`` with every one of ``terms`` taken out."""
    return functools.reduce(lambda rest, term: rest.replace(term, ""), terms, text)


# A term -> the other names the book, the lecture notes or other Chinese
# material give it, which the glossary must list under 也称 and not ban.
OTHER_NAMES = {
    "互相关": {"交叉相关"},
    "卷积核": {"滤波器", "过滤器", "核数组"},
    "步幅": {"步长"},
    "偏置": {"偏差"},
    "膨胀卷积": {"空洞卷积", "扩张卷积"},
    "池化": {"汇聚"},
    "池化层": {"汇聚层"},
}


def test_the_glossary_has_the_books_terms_their_other_names_and_the_texts_follow_it():
    rows = glossary()
    assert set(BOOK_TERMS.split()) <= {t for _, used, *_ in rows for t in used}
    banned = {word for *_, avoided in rows for word in avoided}
    for term, names in OTHER_NAMES.items():
        (also,) = [set(named) for _, used, named, _ in rows if term in used]
        assert names <= also, f"{term}: 也称 lacks {names - also}"
        assert not names & banned, f"{names & banned} is banned"
    # 空洞卷积 names the convolution, not the parameter.
    (dilation,) = [named for _, used, named, _ in rows if used == ["膨胀"]]
    assert "空洞卷积" not in dilation
    # The course's own words are marked as such.
    coined = [english for english, used, *_ in rows if {"跳距", "探索器"} & set(used)]
    assert len(coined) == 2 and all("本课程用语" in e for e in coined)
    text = chinese_markdown()
    everything = "\n".join(text.values())
    catalogs = "\n".join(
        p.read_text(encoding="utf-8")
        for p in (ROOT / "d2lconv" / "locale" / "zh").glob("**/*.po")
    )
    for english_term, used, named, avoided in rows:
        for term in used:
            assert term in everything, f"{term} ({english_term}) is never used"
        for term in named:
            assert term in everything, f"{term} ({english_term}) is never mentioned"
        for word in avoided:
            # 超参 is avoided, 超参数 is the term: look where the term is not.
            found = [name for name, t in text.items() if word in without(used, t)]
            assert found == [], f"{word} (for {english_term}: say {used}) in {found}"
            assert word not in without(used, catalogs), f"{word} in d2lconv/locale/zh"


def test_the_chinese_readme_lists_every_chinese_notebook_with_its_badge():
    readme = (ROOT / "README.zh.md").read_text(encoding="utf-8")
    for rel in ENGLISH:
        if rel.parent != Path("notebooks"):
            continue
        path = translate.chinese_path(rel).as_posix()
        assert f"]({path})" in readme
        assert f"/blob/main/{path})" in readme
    for command in ("make lab", "make test"):
        assert command in readme


# The script on a small course: what a translator sees.

MD, CODE = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
ONES = Path("notebooks/01-ones.ipynb")


@pytest.fixture
def course(tmp_path):
    """A course with one notebook (title, setup, text, code) and its translation."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [MD("# 1. Ones"), MD("Add **one** to $x$."), CODE("x = 1\nx + 1")]
    for cell, cell_id in zip(nb.cells, ["title", "text", "sum"], strict=True):
        cell.id = cell_id
    nbformat.write(nb, tmp_path / ONES)
    return tmp_path


def run(root, *args):
    return translate.main([*args, "--root", str(root)])


def test_missing_entries_are_named_then_stubbed_then_translated(course, capsys):
    assert run(course, "--check") == 1
    out = capsys.readouterr().out
    assert "missing: notebooks/zh/translations/01-ones.md cell title" in out
    assert "cell text" in out
    assert run(course, "--stub", str(course / ONES)) == 0
    path = course / translate.translation_path(ONES)
    stubbed = path.read_text(encoding="utf-8")
    assert "Add **one** to $x$." in stubbed and translate.TODO in stubbed
    assert run(course, "--check") == 1  # a TODO entry is still missing
    path.write_text(
        stubbed.replace(f"{translate.TODO}\n\n# 1. Ones", "# 1. 一").replace(
            f"{translate.TODO}\n\nAdd **one** to $x$.", "给 $x$ 加**一**。"
        ),
        encoding="utf-8",
    )
    assert run(course) == 0
    assert run(course, "--check") == 0
    nb = nbformat.read(course / "notebooks" / "zh" / "01-ones.ipynb", as_version=4)
    order = ["title", "colab-setup", translate.LANGUAGE_CELL_ID, "text", "sum"]
    assert [c.id for c in nb.cells] == order
    assert nb.cells[0].source.startswith("# 1. 一")
    assert "notebooks/zh/01-ones.ipynb" in nb.cells[0].source  # its own badge
    assert nb.cells[3].source == "给 $x$ 加**一**。"
    assert nb.cells[4].source == "x = 1\nx + 1"


def stub_and_translate(course):
    """Stub every entry of the course's notebook, then translate each as 译文."""
    run(course, "--stub", str(course / ONES))
    path = course / translate.translation_path(ONES)
    path.write_text(
        re.sub(r"TODO\(translate\)\n\n[^<]*", "译文\n\n", path.read_text("utf-8")),
        encoding="utf-8",
    )
    assert run(course) == 0
    return path


def test_an_english_change_makes_the_entry_stale_and_names_the_cell(course, capsys):
    path = stub_and_translate(course)
    nb = nbformat.read(course / ONES, as_version=4)
    nb.cells[1].source = "Add **two** to $x$."
    nbformat.write(nb, course / ONES)
    capsys.readouterr()
    assert run(course, "--check") == 1
    assert "stale: notebooks/zh/translations/01-ones.md cell text" in (
        capsys.readouterr().out
    )
    # The code changed in English: the Chinese notebook is rewritten with it.
    run(course, "--stub", str(course / ONES))
    entries = translate.read_entries(path)
    path.write_text(
        path.read_text("utf-8").replace(
            f"en:{entries['text'][0]}",
            f"en:{translate.fingerprint('Add **two** to $x$.')}",
        ),
        encoding="utf-8",
    )
    nb.cells[2].source = "x = 2\nx + 1"
    nbformat.write(nb, course / ONES)
    assert run(course) == 0
    zh = nbformat.read(course / "notebooks/zh/01-ones.ipynb", as_version=4)
    assert zh.cells[-1].source == "x = 2\nx + 1"


def test_code_entries_replace_cells_and_are_checked(course, capsys):
    stub_and_translate(course)
    code = course / translate.code_path(ONES)
    en = translate.fingerprint("x = 1\nx + 1")
    entry = "<!-- code {} en:{} -->\n```ipython\n{}\n```\n"
    where = f"{translate.code_path(ONES)} cell"
    for text, printed in [
        (entry.format("sum", en, "x = 1\nx + 2"), f"not the same program: {where} sum"),
        (entry.format("sum", "0" * 12, "x = 1\nx + 1"), f"stale code: {where} sum"),
        (entry.format("gone", en, "pass"), f"unknown code: {where} gone"),
    ]:
        code.write_text(text, encoding="utf-8")
        capsys.readouterr()
        assert run(course, "--check") == 1
        assert printed in capsys.readouterr().out
    code.write_text(entry.format("sum", en, "# 求和\nx = 1\nx + 1"), "utf-8")
    assert run(course) == 0
    zh = nbformat.read(course / translate.chinese_path(ONES), as_version=4)
    assert zh.cells[-1].source == "# 求和\nx = 1\nx + 1"
