"""Every notebook is executed once in a fresh kernel; the tests read that run.

An English notebook runs Run All, with probes of the book's numbers
(``book_numbers.py``) after their cells, then every code cell again from the
bottom up, as a student re-runs a cell; notebook 3 then runs its training cells
again with other seeds and halved learning rates. A Chinese notebook runs Run
All, then lists the texts the package showed in English. The executions start
when the tests are collected (conftest.py) and keep errors as outputs, so that
each test names what failed in the part of the run it reads.
"""

import ast
import asyncio
import copy
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

import nbformat
import numpy as np
import pytest
from book_numbers import BOOK, PRINTED, Approx
from browser.labserver import NOTEBOOK_DIR, ROOT
from browser.labserver import NOTEBOOKS as ALL_NOTEBOOKS
from nbclient import NotebookClient
from props import describe, rng
from zh_text import english_share, is_english, printed_lines

CHINESE = NOTEBOOK_DIR / "zh"
NOTEBOOKS = [p for p in ALL_NOTEBOOKS if CHINESE not in p.parents]
ZH_NOTEBOOKS = [p for p in ALL_NOTEBOOKS if CHINESE in p.parents]
LESSONS = [p for p in NOTEBOOKS if p.stem in BOOK]


def name(path):
    return str(path.relative_to(NOTEBOOK_DIR))


def editions(paths):
    """``paths`` as parameters, the Chinese ones marked ``chinese`` (the pinned
    stack runs ``-m "not chinese"``: the Colab path runs them on its own)."""
    return [
        pytest.param(
            p, id=name(p), marks=[pytest.mark.chinese] * (CHINESE in p.parents)
        )
        for p in paths
    ]


# Cells whose printed text legitimately differs between runs (timings) carry
# this tag; they still run twice, but their text is not compared.
VARIES_TAG = "output-varies"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# The notebook whose training cells a student is invited to re-run with another
# seed or another learning rate.
TRAINING_NOTEBOOK = NOTEBOOK_DIR / "03-learning-a-kernel.ipynb"
SEED_LINE = re.compile(r"^seed = \d+", re.MULTILINE)
RATE_LINE = re.compile(r"^lr = ([^#\n]+?)(\s*#.*)?$", re.MULTILINE)
SEEDS = rng("training seeds")
GROUPS = {}  # notebook 3: {path: (the cells seeded, the cells with a rate)}
# What the package prints in English at the start of a line; in the Chinese
# notebooks these lines come out in Chinese (检查通过：..., 正确。..., 还不对。...).
ENGLISH_VERDICTS = re.compile(r"^(check passed|check failed|Correct\.|Not yet\.)", re.M)
MISSING_CELL = "from d2lconv import i18n\nprint(repr(i18n.missing()))"
PROBE = """# book numbers (tests/book_numbers.py)
import json as _json
def _plain(v):
    v = v.tolist() if hasattr(v, "tolist") else v
    return [_plain(x) for x in v] if isinstance(v, (list, tuple)) else v
print(_json.dumps({{e: _plain(eval(e)) for e in {expressions!r}}}))"""
COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # IPython's colours in a traceback


def added(source, part, of=None):
    """A code cell the test adds: ``part`` of the run it belongs to, copy ``of``."""
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["test"] = {"part": part, "of": of}
    return cell


def part(cell):
    return cell.metadata.get("test", {}).get("part", "run all")


def insert_book_probes(nb, expected):
    """After each cell of ``expected``, a probe that prints its expressions' values."""
    for cell_id, values in expected.items():
        ids = [cell.get("id") for cell in nb.cells]
        assert cell_id in ids, (
            f"book_numbers.py names a cell not in the notebook: {cell_id}"
        )
        expressions = [e for e in values if e != PRINTED]
        if expressions:
            probe = added(PROBE.format(expressions=expressions), "run all")
            probe.id = f"{cell_id}-probe"
            nb.cells.insert(ids.index(cell_id) + 1, probe)


def names(source, context):
    """The names ``source`` uses in ``context`` (``ast.Store`` or ``ast.Load``)."""
    nodes = ast.walk(ast.parse(source))
    return {
        n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, context)
    }


def training_groups(nb, pattern):
    """``[[cell index, ...]]``: each code cell matching ``pattern``, with the next
    code cell when that one checks what the first trained (it reads its names)."""
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    groups = []
    for i, after in zip(code, code[1:] + [None], strict=True):
        if not pattern.search(nb.cells[i].source):
            continue
        check = nb.cells[after].source if after is not None else ""
        reads = names(check, ast.Load) - names(check, ast.Store)
        follows = names(nb.cells[i].source, ast.Store) & reads
        groups.append([i, after] if follows and not pattern.search(check) else [i])
    return groups


def training_variants(nb):
    """(cells, seeded groups, groups with a rate): each training cell, with its
    check, again for five drawn seeds, then with its learning rate halved."""
    by_seed, by_rate = training_groups(nb, SEED_LINE), training_groups(nb, RATE_LINE)
    edits = [
        (f"seed {s}", by_seed, functools.partial(SEED_LINE.sub, f"seed = {s}"))
        for s in SEEDS.sample(range(10_000), 5)
    ]
    halve = functools.partial(RATE_LINE.sub, r"lr = (\1) / 2\2")
    cells = []
    for label, groups, edit in [*edits, ("its learning rate halved", by_rate, halve)]:
        for index in (i for group in groups for i in group):
            source = edit(nb.cells[index].source)
            cells.append(added(source, label, of=nb.cells[index].get("id")))
    return cells, by_seed, by_rate


def append_reruns(nb):
    """A copy of every code cell of Run All, last first (probes aside)."""
    cells = [c for c in nb.cells if c.cell_type == "code" and "test" not in c.metadata]
    nb.cells += [added(c.source, "again", of=c.get("id")) for c in reversed(cells)]


class SessionOver(Exception):
    """The test session ended before the notebook's execution did."""


class RunAllCopy(NotebookClient):
    """A NotebookClient that keeps the notebook as Run All left it (``run_all``,
    widgets' state included) and stops before a cell once ``stop`` is set."""

    stop = None

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        if self.stop is not None and self.stop.is_set():
            raise SessionOver(f"the session ended before cell {cell_index}")
        result = await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        if cell_index == self.last_of_run_all:
            self.set_widgets_metadata()
            self.run_all = copy.deepcopy(self.nb)
        return result


def execute(path, stop=None):
    """Execute ``path`` in a fresh kernel, with the cells the tests add, until
    ``stop`` is set. Run All, clean, is also written to artifacts/executed/
    (make test-all builds the website from it: scripts/test-all.sh)."""
    source = path.read_bytes()
    nb = nbformat.reads(source.decode("utf-8"), as_version=4)
    if CHINESE in path.parents:
        nb.cells.append(added(MISSING_CELL, "missing"))
    else:
        variants = []
        if path == TRAINING_NOTEBOOK:  # the lesson's own cells, before the probes
            variants, *GROUPS[path] = training_variants(nb)
        insert_book_probes(nb, BOOK.get(path.stem, {}))
        append_reruns(nb)
        nb.cells += variants
    client = RunAllCopy(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
        allow_errors=True,
    )
    client.last_of_run_all = sum(part(c) == "run all" for c in nb.cells) - 1
    client.stop = stop
    with tempfile.TemporaryFile() as log:  # the kernel's own output (not a cell's)
        try:
            client.execute(stdout=log, stderr=log)
        except Exception as error:
            log.seek(0)
            output = log.read().decode(errors="replace")[-3000:]
            error.add_note(f"the kernel's own output:\n{output}")
            raise
    run_all = client.run_all
    run_all.cells = [c for c in run_all.cells if "test" not in c.metadata]
    code = [c for c in run_all.cells if c.cell_type == "code"]
    for count, cell in enumerate(code, 1):  # as if the probes had not run
        cell.execution_count = count
        for out in cell.outputs:
            if "execution_count" in out:
                out.execution_count = count
    if not cell_errors(run_all) and not widget_errors(run_all):
        run_all.metadata["source sha256"] = hashlib.sha256(source).hexdigest()
        copy_path = ROOT / "artifacts" / "executed" / path.relative_to(ROOT)
        copy_path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(run_all, copy_path)
    return nb


def text_of(cell):
    """The text a student reads in a cell's outputs (stream and text/plain)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out["text"])
        elif "data" in out and WIDGET_VIEW not in out["data"]:
            parts.append(out["data"].get("text/plain", ""))
    return "".join(parts)


def error_in(outputs):
    """The error among ``outputs`` (a traceback, or a traceback printed), or ""."""
    for out in outputs or []:
        if out.get("output_type") == "error":
            return COLOUR.sub("", "\n".join(out["traceback"]))
        if out.get("output_type") == "stream" and "Traceback" in out.get("text", ""):
            return out["text"][:2000]
    return ""


def cell_errors(nb, parts=None):
    """``[(cell number, error)]`` of the cells of ``parts`` (all when None)."""
    return [
        (i, error_in(c.get("outputs")))
        for i, c in enumerate(nb.cells)
        if error_in(c.get("outputs")) and (parts is None or part(c) in parts)
    ]


def widget_errors(nb):
    """``[(model id, error)]`` inside widget Output areas (callbacks that raised)."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    errors = {i: error_in(m.get("state", {}).get("outputs")) for i, m in state.items()}
    return [(i, error) for i, error in errors.items() if error]


def first_error(nb, parts, what):
    """Fail with the first error of ``parts``: the cell, what it was, its traceback."""
    for i, error in cell_errors(nb, parts)[:1]:
        cell = nb.cells[i]
        of = cell.metadata.get("test", {}).get("of") or cell.get("id")
        pytest.fail(f"{what}: cell {of} ({part(cell)}) failed:\n{error}", pytrace=False)


# A Chinese notebook is stored as the script writes it (test_translations.py).
@pytest.mark.parametrize("path", NOTEBOOKS, ids=name)
def test_notebook_is_stored_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"cell {i} has stored outputs"
            assert cell.get("execution_count") is None, f"cell {i} has a count"
    assert "widgets" not in nb.get("metadata", {}), "stored widget state"


@pytest.mark.notebook
@pytest.mark.parametrize("path", editions(ALL_NOTEBOOKS))
def test_run_all_in_a_fresh_kernel_shows_no_error(run, path):
    nb = run(path)
    first_error(nb, {"run all"}, f"{name(path)}, Run All")
    assert widget_errors(nb) == []


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=name)
def test_every_cell_run_again_from_the_bottom_up_prints_the_same(run, path):
    nb = run(path)
    first_error(
        nb,
        {"again"},
        f"{name(path)}, run again after Run All (the cells below it first)",
    )
    first = {c.get("id"): c for c in nb.cells if part(c) == "run all"}
    for again in (c for c in nb.cells if part(c) == "again"):
        cell = first[again.metadata["test"]["of"]]
        if VARIES_TAG not in cell.metadata.get("tags", []):
            assert text_of(again) == text_of(cell), (
                f"cell {cell.get('id')} prints something else when run again after "
                f"Run All (the cells below it ran again first):\n{cell.source[:300]}"
            )


def same_numbers(got, want):
    """Whether ``got`` (from JSON) is the book's ``want`` (within its rounding)."""
    atol, want = (want.atol, want.value) if isinstance(want, Approx) else (0, want)
    try:
        same = np.allclose(got, want, rtol=1e-6, atol=atol)
        return np.shape(got) == np.shape(want) and bool(same)
    except (TypeError, ValueError):  # not numbers, or lists of other lengths
        return False


@pytest.mark.notebook
@pytest.mark.parametrize("path", LESSONS, ids=name)
def test_the_lesson_computes_the_books_numbers(run, path):
    nb = run(path)
    cells = {c.get("id"): c for c in nb.cells if part(c) == "run all"}
    wrong = []
    for cell_id, values in BOOK[path.stem].items():
        for expression, want in values.items():
            if expression == PRINTED:
                shown = text_of(cells[cell_id])
                wrong += [f"{cell_id} prints no {t!r}" for t in want if t not in shown]
                continue
            probe = cells[f"{cell_id}-probe"]
            if error := error_in(probe.outputs):
                wrong.append(f"{cell_id}: the probe failed: {error[-500:]}")
                break
            got = json.loads(text_of(probe))[expression]
            if not same_numbers(got, want):
                wrong.append(f"{cell_id}: {expression} = {got}, the book: {want}")
    assert not wrong, "the book's numbers: " + "; ".join(wrong)


@pytest.mark.notebook
@pytest.mark.parametrize("path", [TRAINING_NOTEBOOK], ids=name)
def test_training_cells_hold_for_other_seeds_and_halved_rates(run, path):
    nb = run(path)
    by_seed, by_rate = GROUPS[path]
    assert len(by_seed) >= 3, "the training cells set `seed = ...`"
    assert sum(len(group) == 2 for group in by_seed) >= 2, (
        "the loops' checks, in the next cell, read what the loops trained"
    )
    assert len(by_rate) >= 4, "each training cell sets its rate as `lr = ...`"
    variants = {part(c) for c in nb.cells} - {"run all", "again"}
    assert len(variants) == 6, variants
    first_error(nb, variants, f"{path.name} ({describe(SEEDS)})")


@pytest.mark.notebook
@pytest.mark.parametrize("path", editions(ZH_NOTEBOOKS))
def test_chinese_notebook_speaks_chinese(run, path):
    nb = run(path)
    first_error(nb, {"missing"}, name(path))
    assert text_of(nb.cells[-1]).strip() == "[]", (
        "texts the package showed in English for want of a translation "
        "(d2lconv/locale/zh): " + text_of(nb.cells[-1])
    )
    for cell in nb.cells[:-1]:
        found = ENGLISH_VERDICTS.findall(text_of(cell))
        assert not found, f"an English verdict {found} under:\n{cell.source[:300]}"
    # At most 15% of the printed lines are English sentences (code and tensor
    # reprs aside: tests/zh_text.py).
    lines = printed_lines(nb)
    english, total = english_share(lines)
    shown = "\n".join(line for line in lines if is_english(line))
    assert english <= 0.15 * total, f"{english} of {total} lines English:\n{shown}"


# The background executions (conftest.py) end with the session.

FAKE = """
import time
import pytest
from pathlib import Path

def execute(path, stop=None):  # a notebook that takes 30 s, unless stopped
    if stop is None or not stop.wait(30):
        time.sleep(0 if stop else 30)
        path.with_suffix(".finished").write_text("ran to its end")
    return path

def test_fails_at_once():
    assert False

@pytest.mark.parametrize("path", [Path(__file__).with_name(n) for n in "abc"])
def test_reads_its_execution(run, path):
    assert run(path) == path
"""


def test_stopping_at_the_first_failure_does_not_wait_for_the_executions(tmp_path):
    shutil.copy(ROOT / "tests" / "conftest.py", tmp_path)
    (tmp_path / "test_fake.py").write_text(FAKE)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "1 failed" in done.stdout, done.stdout + done.stderr
    # The executions already running were stopped, not waited for.
    assert not list(tmp_path.glob("*.finished")), "pytest -x waited for a notebook"


def test_a_stopped_execution_runs_no_further_cell():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
    client = RunAllCopy(nb, kernel_name="python3")
    client.last_of_run_all = 0
    client.stop = threading.Event()
    client.stop.set()
    stopped = []

    def run_cell():  # in a thread of its own, as in the session (no running loop)
        try:
            asyncio.run(client.async_execute_cell(nb.cells[0], 0))
        except SessionOver:
            stopped.append(True)

    thread = threading.Thread(target=run_cell)
    thread.start()
    thread.join(60)
    assert stopped and nb.cells[0].outputs == []
