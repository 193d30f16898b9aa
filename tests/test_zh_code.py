"""The Chinese code cells: the English program, with Chinese words."""

import shutil
from pathlib import Path

import nbformat
import pytest
from test_translations import ENGLISH, IDS, ROOT, chinese, translate
from zh_share import english_share


def english(rel):
    return nbformat.read(ROOT / rel, as_version=4)


def run(root, *args):
    return translate.main([*args, "--root", str(root)])


@pytest.mark.parametrize("rel", ENGLISH, ids=IDS)
def test_each_chinese_code_cell_is_the_english_program(rel):
    zh = {c.id: c.source for c in chinese(rel).cells if c.cell_type == "code"}
    for cell in english(rel).cells:
        if cell.cell_type == "code":
            differs = translate.same_program(cell.source, zh[cell.id])
            assert differs is None, f"{rel} cell {cell.id}: {differs}"


@pytest.mark.parametrize(
    ("chinese_code", "same"),
    [
        ('# 求和\ntotal = f"{w / 1e8:.0f} 亿"\n', True),  # comment, strings
        ('total = f"{w / 1e9:.1f} 十亿"  # 注释\n', True),
        ('total = "{w} 亿"\n', True),  # an f-string is one literal
        ('total = f"{w / 1e9:.1f}" "billion" ', True),  # adjacent literals: one
        ('count = f"{w / 1e9:.1f} billion"\n', False),  # an identifier
        ('total = f"{w / 1e9:.1f} billion" + 1\n', False),  # a token more
        ('total = (f"{w / 1e9:.1f} billion")\n', False),  # brackets
    ],
)
def test_same_program_allows_only_comments_and_strings(chinese_code, same):
    english_code = 'total = f"{w / 1e9:.1f} billion"\n'
    assert (translate.same_program(english_code, chinese_code) is None) == same


@pytest.mark.parametrize(
    ("chinese_code", "same"),
    [
        ('show({"照片": X}, mode="same")  # 照片\n', True),  # a key translated
        ('show({"photo": X}, mode="same")\n', True),
        ('show({"photo": X}, mode="valid")\n', False),  # another mode
        ('show({"photo": X}, mode="va" "lid")\n', False),
        ('show({"photo": X}, mode=f"valid")\n', False),
        ('show({"photo": X}, mode="")\n', False),
        ('show({"photo": X}, mode="same valid")\n', False),
    ],
)
def test_a_word_literal_is_kept_or_translated_never_swapped(chinese_code, same):
    english_code = 'show({"photo": X}, mode="same")\n'
    assert (translate.same_program(english_code, chinese_code) is None) == same


def test_code_entries_replace_cells_and_are_checked(tmp_path, capsys):
    shutil.copy(translate.ROOT / "pyproject.toml", tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 1. Sum"),
        nbformat.v4.new_code_cell('print("two", 1 + 1)  # sum'),
    ]
    nb.cells[0].id, nb.cells[1].id = "title", "sum"
    rel = Path("notebooks/01-sum.ipynb")
    (tmp_path / "notebooks").mkdir()
    nbformat.write(nb, tmp_path / rel)
    code = tmp_path / translate.code_path(rel)
    code.parent.mkdir(parents=True)
    title = translate.fingerprint("# 1. Sum")
    code.with_name("01-sum.md").write_text(f"<!-- cell title en:{title} -->\n# 1. 和")
    en = translate.fingerprint(nb.cells[1].source)
    entry = "<!-- code {} en:{} -->\n```ipython\n{}\n```\n"
    where = f"{translate.code_path(rel)} cell"
    for text, printed in [
        (
            entry.format("sum", en, 'print("二", 1 + 2)'),
            f"not the same program: {where} sum",
        ),
        (
            entry.format("sum", "0" * 12, 'print("二", 1 + 1)'),
            f"stale code: {where} sum",
        ),
        (entry.format("gone", en, "pass"), f"unknown code: {where} gone"),
    ]:
        code.write_text(text, encoding="utf-8")
        assert run(tmp_path, "--check") == 1
        assert printed in capsys.readouterr().out
    code.write_text(entry.format("sum", en, '# 求和\nprint("二", 1 + 1)'), "utf-8")
    assert run(tmp_path) == 0
    zh = nbformat.read(tmp_path / translate.chinese_path(rel), as_version=4)
    assert zh.cells[-1].source == '# 求和\nprint("二", 1 + 1)'


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
