"""Colab badges and setup cells come from one setting, and stay current."""

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import notebook_headers as headers  # noqa: E402

PYPROJECT = """\
[project]
name = "course"

[tool.d2lconv]
repository = "{repository}"
branch = "{branch}"
"""
README = """\
# Course

Intro.

<!-- notebooks:start -->
| notebook | what you will be able to do |
| --- | --- |
| [two](notebooks/02-two.ipynb) | compute two things |
<!-- notebooks:end -->

## After
"""
BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
NOTEBOOKS = [
    "notebooks/01-one.ipynb",
    "notebooks/02-two.ipynb",
    "notebooks/solutions/01-one-solutions.ipynb",
]


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    for i, cell in enumerate(nb.cells):
        cell.id = f"c{i}"
    return nb


def make_course(root, repository="someone/course", branch="main"):
    """A small course tree: pyproject, README with markers, three notebooks."""
    (root / "notebooks" / "solutions").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        PYPROJECT.format(repository=repository, branch=branch)
    )
    (root / "README.md").write_text(README)
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    # No setup cell yet.
    one = notebook(md("# 1. One\n\nWhat this is."), code("x = 1"))
    # The placeholder the notebooks start with.
    two = notebook(
        md("# 2. Two"), code("# Colab setup (filled in later)"), code("y = 2")
    )
    sol = notebook(md("# Solutions"), code("z = 3"))
    for rel, nb in zip(NOTEBOOKS, [one, two, sol], strict=True):
        (root / rel).write_text(nbformat.writes(nb) + "\n")
    return root


def snapshot(root):
    """Every file of ``root`` and its bytes."""
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def course(tmp_path):
    return make_course(tmp_path)


def run(root, *args):
    return headers.main(["--root", str(root), *args])


def test_check_names_the_stale_files_then_writing_makes_them_current(course, capsys):
    before = snapshot(course)
    assert run(course, "--check") == 1
    out = capsys.readouterr().out
    for rel in [*NOTEBOOKS, "README.md"]:
        assert f"stale: {rel}" in out
    assert snapshot(course) == before, "--check must not write"
    assert run(course) == 0
    assert run(course, "--check") == 0  # (writing again would change nothing)
    # Another setting: everything is stale, every link is rewritten.
    setting = PYPROJECT.format(repository="school/convolution", branch="spring")
    (course / "pyproject.toml").write_text(setting)
    assert run(course, "--check") == 1
    run(course)
    for rel in ["notebooks/01-one.ipynb", "notebooks/02-two.ipynb"]:
        raw = (course / rel).read_text()
        assert "someone/course" not in raw
        assert "school/convolution/blob/spring/" + rel in raw
        assert "git+https://github.com/school/convolution@spring" in raw
        nb = nbformat.read(course / rel, as_version=4)
        assert sum(BADGE in line for line in nb.cells[0].source.splitlines()) == 1
        assert sum(c.source.startswith("# Colab setup") for c in nb.cells) == 1
    readme = (course / "README.md").read_text()
    assert "someone/course" not in readme
    assert "mybinder.org/v2/gh/school/convolution/spring" in readme


def test_the_badge_goes_under_the_title_and_the_setup_cell_second(course):
    run(course)
    one, two, sol = (nbformat.read(course / rel, as_version=4) for rel in NOTEBOOKS)
    url = "https://colab.research.google.com/github/someone/course/blob/main/notebooks/01-one.ipynb"
    lines = one.cells[0].source.splitlines()
    assert lines[:2] == ["# 1. One", ""]
    assert f'href="{url}"' in lines[2] and BADGE in lines[2]
    assert lines[3:] == ["", "What this is."]
    # The setup cell (what it installs where: test_colab_path.py) from the setting.
    for nb in (one, two, sol):
        setup = nb.cells[1]
        assert setup.cell_type == "code" and setup.source.startswith("# Colab setup")
        assert "git+https://github.com/someone/course@main" in setup.source
        assert setup.outputs == [] and setup.execution_count is None
    # Inserted: the old second cell moved down, nothing lost.
    assert [c.source for c in one.cells[2:]] == ["x = 1"]
    # Replaced in place: same id, same number of cells.
    assert two.cells[1].id == "c1"
    assert [c.source for c in two.cells[2:]] == ["y = 2"]
    # Ids stay unique (nbformat 4.5 requires it).
    assert len({c.id for c in one.cells}) == len(one.cells)
    nbformat.validate(one)


def test_readme_lists_the_notebooks_and_keeps_descriptions_and_surroundings(course):
    run(course)
    readme = (course / "README.md").read_text()
    before, rest = readme.split("<!-- notebooks:start -->")
    block, after = rest.split("<!-- notebooks:end -->")
    assert before == README.split("<!-- notebooks:start -->")[0]
    assert after == "\n\n## After\n"
    rows = [line for line in block.splitlines() if line.startswith("| [")]
    assert len(rows) == 2, "top-level notebooks only, no solutions"
    assert rows[0].startswith("| [1. One](notebooks/01-one.ipynb) |  | ")
    assert rows[1].startswith(
        "| [2. Two](notebooks/02-two.ipynb) | compute two things |"
    )
    colab = "https://colab.research.google.com/github/someone/course/blob/main/"
    assert f"({colab}notebooks/02-two.ipynb)" in rows[1]
    assert "[![Binder](https://mybinder.org/badge_logo.svg)]" in block


def test_named_notebooks_only_and_a_readme_without_markers_are_left_alone(course):
    run(course, str(course / "notebooks" / "02-two.ipynb"))
    assert BADGE in (course / "notebooks" / "02-two.ipynb").read_text()
    assert BADGE not in (course / "notebooks" / "01-one.ipynb").read_text()
    assert (course / "README.md").read_text() == README
    (course / "README.md").write_text("# Course\n\nNo list here.\n")
    run(course)
    assert (course / "README.md").read_text() == "# Course\n\nNo list here.\n"


@pytest.mark.parametrize(
    ("repository", "branch", "words"),
    [
        ("not a repository", "main", "repository"),
        ("", "main", "repository"),
        ("someone/course", "bad branch", "branch"),
    ],
)
def test_a_bad_setting_is_a_value_error_that_names_it(
    tmp_path, repository, branch, words
):
    make_course(tmp_path, repository, branch)
    with pytest.raises(ValueError, match=rf"\[tool.d2lconv\] {words} .* got"):
        run(tmp_path)


def test_a_notebook_that_does_not_open_with_markdown_is_refused(course):
    nb = notebook(nbformat.v4.new_code_cell("x = 1"))
    (course / "notebooks" / "03-bad.ipynb").write_text(nbformat.writes(nb))
    with pytest.raises(
        ValueError, match="03-bad.ipynb: the first cell must be a markdown"
    ):
        run(course)


def test_the_repository_notebooks_and_readmes_are_current(capsys):
    code = headers.main(["--check"])
    assert code == 0, (
        f"{capsys.readouterr().out}run: python scripts/notebook_headers.py"
    )
    # Both READMEs have the list (a README without markers is left alone).
    for name in ("README.md", "README.zh.md"):
        readme = (ROOT / name).read_text(encoding="utf-8")
        assert headers.README_START in readme and headers.README_END in readme
        assert "make lab" in readme and "make test" in readme
