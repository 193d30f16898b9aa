"""The Chinese edition: generated from the English notebooks, complete and current."""

import functools
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from zh_text import CJK, english_share

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
def test_each_markdown_cell_is_translated_with_its_formulas_links_and_headings(rel):
    # (the cells, their order, the code and the language cell are the script's:
    # the tests above and below)
    zh = {c.id: c.source for c in chinese(rel).cells}
    for cell in nbformat.read(ROOT / rel, as_version=4).cells:
        if cell.cell_type != "markdown":
            continue
        where = f"{translate.translation_path(rel)} cell {cell.id}"
        text, source = translate.english_text(cell), zh[cell.id]
        assert formulas(source) == formulas(text), f"{where}: other formulas"
        assert links(source) == links(cell.source), f"{where}: other links"
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
    """``{notebook: its markdown text}`` of every Chinese notebook, and README.zh.md."""
    return {
        str(rel): "\n".join(
            c.source for c in chinese(rel).cells if c.cell_type == "markdown"
        )
        for rel in ENGLISH
    } | {"README.zh.md": (ROOT / "README.zh.md").read_text(encoding="utf-8")}


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
        for term in used + named:
            assert term in everything, f"{term} ({english_term}) is never used"
        for word in avoided:
            # 超参 is avoided, 超参数 is the term: look where the term is not.
            found = [name for name, t in text.items() if word in without(used, t)]
            assert found == [], f"{word} (for {english_term}: say {used}) in {found}"
            assert word not in without(used, catalogs), f"{word} in d2lconv/locale/zh"


# The script on a small course: what a translator sees.

MD, CODE = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
ONES = Path("notebooks/01-ones.ipynb")


@pytest.fixture
def course(tmp_path):
    """A course with one notebook (title, setup, text, code) and its translation."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook()
    sums = CODE("x = 1\nx + 1", metadata={"tags": ["hide-output"]})
    nb.cells = [MD("# 1. Ones"), MD("Add **one** to $x$."), sums]
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
    assert 'd2lconv.set_language("zh")' in nb.cells[2].source
    assert nb.cells[0].source.startswith("# 1. 一")
    assert "notebooks/zh/01-ones.ipynb" in nb.cells[0].source  # its own badge
    assert nb.cells[3].source == "给 $x$ 加**一**。"
    assert nb.cells[4].source == "x = 1\nx + 1"
    assert nb.cells[4].metadata.tags == ["hide-output"]


def stub_and_translate(course):
    """Stub every entry of the course's notebook, then translate each as 译文."""
    run(course, "--stub", str(course / ONES))
    path = course / translate.translation_path(ONES)
    path.write_text(
        re.sub(r"TODO\(translate\)\n\n[^<]*", "译文\n\n", path.read_text("utf-8")),
        encoding="utf-8",
    )
    assert run(course) == 0


def test_an_english_change_makes_the_entry_stale_and_names_the_cell(course, capsys):
    # (the code cells follow the English ones: the test above)
    stub_and_translate(course)
    nb = nbformat.read(course / ONES, as_version=4)
    nb.cells[1].source = "Add **two** to $x$."
    nbformat.write(nb, course / ONES)
    capsys.readouterr()
    assert run(course, "--check") == 1
    assert "stale: notebooks/zh/translations/01-ones.md cell text" in (
        capsys.readouterr().out
    )


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


# A Chinese code cell: the English program, with Chinese words and comments.

ENGLISH_SUM = 'total = f"{w / 1e9:.1f} billion"\n'
ENGLISH_SHOW = 'show({"photo": X}, mode="same")\n'


@pytest.mark.parametrize(
    ("english_code", "chinese_code", "same"),
    [
        # Comments and strings may change; a word literal is kept or translated.
        (ENGLISH_SUM, '# 求和\ntotal = f"{w / 1e8:.0f} 亿"\n', True),
        (ENGLISH_SUM, 'total = f"{w / 1e9:.1f} 十亿"  # 注释\n', True),
        (ENGLISH_SUM, 'total = "{w} 亿"\n', True),  # an f-string is one literal
        (ENGLISH_SUM, 'total = f"{w / 1e9:.1f}" "billion" ', True),  # adjacent: one
        (ENGLISH_SUM, 'count = f"{w / 1e9:.1f} billion"\n', False),  # an identifier
        (ENGLISH_SUM, 'total = f"{w / 1e9:.1f} billion" + 1\n', False),  # a token more
        (ENGLISH_SUM, 'total = (f"{w / 1e9:.1f} billion")\n', False),  # brackets
        (ENGLISH_SHOW, 'show({"照片": X}, mode="same")  # 照片\n', True),
        (ENGLISH_SHOW, 'show({"photo": X}, mode="same")\n', True),
        (ENGLISH_SHOW, 'show({"photo": X}, mode="valid")\n', False),
        (ENGLISH_SHOW, 'show({"photo": X}, mode="va" "lid")\n', False),
        (ENGLISH_SHOW, 'show({"photo": X}, mode=f"valid")\n', False),
        (ENGLISH_SHOW, 'show({"photo": X}, mode="")\n', False),
        (ENGLISH_SHOW, 'show({"photo": X}, mode="same valid")\n', False),
    ],
)
def test_same_program_allows_only_comments_and_strings_never_another_word(
    english_code, chinese_code, same
):
    assert (translate.same_program(english_code, chinese_code) is None) == same


def test_english_share_counts_english_sentences_not_code():
    lines = [
        "step 2, loss 10.638",  # English
        "Output shape (2, 2), as expected",  # English
        "1: 卷积 2x2: output (2, 2)",  # has Chinese
        "第 2 步，损失 10.638",
        "nn.Conv2d(1, 1, kernel_size=(2, 2), stride=(1, 1)) -> torch.Size([4, 4])",
        "dz/dX = tensor([[1., 2., 1.],",
        "torch.Size([1, 1, 3, 3])",
        "tensor([[1., 2.],",
        "        [3., 4.]], grad_fn=<AddBackward0>)",
        "kernel_size padding_mode",
        "True False",
        "OK",
        "",
        "   ",
    ]
    assert english_share(lines) == (2, 12)
