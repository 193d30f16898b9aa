"""The lessons read as lessons: short cells, the chapter's code, few check lines.

These measure the stored English lessons (``notebooks/NN-*.ipynb``), whose
code cells the Chinese edition shares. A check call is a call of
``expect_*`` or ``check_*`` (``d2lconv.expect_close(...)``,
``exercises.check_...(...)``) and every line it spans.
"""

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
SOLUTIONS = sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb"))

CHECK_SHARE = 0.12  # of the lessons' code lines, at most
CELL_LINES = 15  # a lesson code cell, at most
DEFINITION_LINES = 25  # a cell that defines a function or a class
CHECK_CALL_LINES = 2  # one check call

CHECK_START = re.compile(r"(\w+\s*=\s*)?([\w.]+\.)?(expect_\w+|check_\w+)\(")


def code_cells(path):
    """``[(cell id, source)]`` of a notebook's code cells."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(c["id"], "".join(c["source"])) for c in cells if c["cell_type"] == "code"]


def counted_lines(source):
    """The lines that count as code: not blank, not comments, not magics."""
    return [
        line
        for line in source.splitlines()
        if line.strip() and not line.strip().startswith(("#", "%", "!"))
    ]


def check_calls(source):
    """The check calls of a cell, each as the list of code lines it spans."""
    calls, depth, current = [], 0, None
    for line in counted_lines(source):
        if depth == 0 and CHECK_START.match(line.strip()):
            current = []
            calls.append(current)
        if current is not None:
            current.append(line)
        opened = sum(map(line.count, "([{")) - sum(map(line.count, ")]}"))
        depth = max(0, depth + opened)
        if depth == 0:
            current = None
    return calls


def defines(source):
    """Whether a cell defines a function or a class at its top level."""
    tree = ast.parse("\n".join(counted_lines(source)) or "pass")
    kinds = (ast.FunctionDef, ast.ClassDef)
    return any(isinstance(node, kinds) for node in tree.body)


def test_the_lessons_are_there():
    assert len(LESSONS) == 11
    assert len(SOLUTIONS) == 10


def test_check_calls_are_a_small_share_of_the_lessons_code(report):
    total = checks = 0
    shares = []
    for path in LESSONS:
        sources = [source for _, source in code_cells(path)]
        lines = sum(len(counted_lines(source)) for source in sources)
        calls = sum(len(call) for source in sources for call in check_calls(source))
        total, checks = total + lines, checks + calls
        shares.append(f"{path.name[:2]} {calls}/{lines}")
    share, per_lesson = checks / total, ", ".join(shares)
    report(f"lesson check lines: {checks} of {total} ({share:.1%}): {per_lesson}")
    assert share <= CHECK_SHARE, (
        f"check calls take {checks} of the lessons' {total} code lines "
        f"({share:.1%}, at most {CHECK_SHARE:.0%}): per lesson {per_lesson}"
    )


@pytest.mark.parametrize("path", LESSONS + SOLUTIONS, ids=lambda p: p.name)
def test_each_check_call_is_one_line_or_two(path):
    long = [
        (cell, len(call), call[0].strip())
        for cell, source in code_cells(path)
        for call in check_calls(source)
        if len(call) > CHECK_CALL_LINES
    ]
    assert not long, f"check calls over {CHECK_CALL_LINES} lines: {long}"


def test_lesson_code_cells_are_short(report):
    too_long, longest = [], (0, "")
    for path in LESSONS:
        for cell, source in code_cells(path):
            lines = len(source.rstrip().splitlines())
            limit = DEFINITION_LINES if defines(source) else CELL_LINES
            if lines > limit:
                too_long.append(f"{cell}: {lines} lines (at most {limit})")
            longest = max(longest, (lines, cell))
    report(f"longest lesson code cell: {longest[1]}, {longest[0]} lines")
    assert not too_long, "cells too long: " + "; ".join(too_long)


def test_no_notebook_or_module_checks_against_the_book_inline():
    # The book's numbers are asserted by tests/test_notebooks.py (book_numbers.py)
    # from the executed notebook, not by lesson cells.
    places = [
        str(p.relative_to(ROOT))
        for pattern in ("notebooks/**/*.ipynb", "d2lconv/**/*.py")
        for p in ROOT.glob(pattern)
        if ".ipynb_checkpoints" not in p.parts
        and "expect_book" in p.read_text(encoding="utf-8")
    ]
    assert places == []


def test_a_lesson_uses_the_books_d2l_beside_its_own_code():
    lesson = ROOT / "notebooks" / "02-cross-correlation.ipynb"
    sources = "\n".join(source for _, source in code_cells(lesson))
    assert "from d2l import torch as d2l" in sources
    assert re.search(r"\bd2l\.corr2d\(", sources)
