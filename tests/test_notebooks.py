"""Every course notebook runs in a fresh kernel; then every cell runs again.

One execution per notebook: Run All, then every code cell once more from the
bottom up, as a student re-runs a cell after Run All; each must print what it
printed the first time. The book's worked examples (``book_numbers.py``) are
read from the executed notebook.
"""

import ast
import copy
import datetime
import json
import math
import re
import time
from pathlib import Path

import nbformat
import pytest
from book_numbers import BOOK, PRINTED, Approx
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from props import describe, rng

ROOT = Path(__file__).resolve().parents[1]
ALL_NOTEBOOKS = sorted((ROOT / "notebooks").glob("**/*.ipynb"))
ALL_NOTEBOOKS = [p for p in ALL_NOTEBOOKS if ".ipynb_checkpoints" not in p.parts]
ALL_IDS = [str(p.relative_to(ROOT / "notebooks")) for p in ALL_NOTEBOOKS]
# The Chinese edition (notebooks/zh/) has the English notebooks' code cells:
# its notebooks run once each (Run All), and must speak Chinese.
CHINESE = ROOT / "notebooks" / "zh"
NOTEBOOKS = [p for p in ALL_NOTEBOOKS if CHINESE not in p.parents]
IDS = [str(p.relative_to(ROOT / "notebooks")) for p in NOTEBOOKS]
ZH_NOTEBOOKS = [p for p in ALL_NOTEBOOKS if CHINESE in p.parents]
ZH_IDS = [str(p.relative_to(CHINESE)) for p in ZH_NOTEBOOKS]

# Cells whose printed text legitimately differs between runs (timings) carry
# this tag; they still run twice, but their text is not compared.
VARIES_TAG = "output-varies"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def execute(nb, path):
    """Run a notebook in a fresh kernel from its own folder; return seconds."""
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def widget_errors(nb):
    """Error outputs that landed inside widget Output areas (callbacks that raised)."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    found = []
    for model_id, model in state.items():
        for out in model.get("state", {}).get("outputs", []) or []:
            text = out.get("text", "") if out.get("output_type") == "stream" else ""
            if out.get("output_type") == "error" or "Traceback" in text:
                found.append((model_id, out.get("ename") or text[:500]))
    return found


def cell_errors(nb):
    """Error outputs (or tracebacks printed to stderr) of ordinary cells."""
    found = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            text = out.get("text", "") if out.get("output_type") == "stream" else ""
            if out.get("output_type") == "error" or "Traceback" in text:
                found.append((i, out.get("ename") or text[:500]))
    return found


def text_of(cell):
    """The text a student reads in a cell's outputs (stream and text/plain)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out["text"])
        elif (
            "data" in out
            and "application/vnd.jupyter.widget-view+json" not in (out["data"])
        ):
            parts.append(out["data"].get("text/plain", ""))
    return "".join(parts)


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=ALL_IDS)
def test_notebook_is_stored_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"cell {i} has stored outputs"
            assert cell.get("execution_count") is None, f"cell {i} has a count"
    assert "widgets" not in nb.get("metadata", {}), "stored widget state"


PROBE = "# book numbers (tests/book_numbers.py)"


def probe_cell(expressions):
    """A cell that prints the values of ``expressions`` as JSON, in the kernel."""
    lines = [
        PROBE,
        "import json as _json",
        "def _plain(v):",
        "    v = v.tolist() if hasattr(v, 'tolist') else v",
        "    return [_plain(x) for x in v] if isinstance(v, (list, tuple)) else v",
        f"print(_json.dumps({{e: _plain(eval(e)) for e in {list(expressions)!r}}}))",
    ]
    return nbformat.v4.new_code_cell("\n".join(lines))


def with_book_probes(nb, expected):
    """Insert after each cell of ``expected`` a probe of its expressions.

    Returns ``{cell id: probe cell}``; a cell id the notebook lacks fails.
    """
    ids = [cell.get("id") for cell in nb.cells]
    unknown = sorted(set(expected) - set(ids))
    assert not unknown, f"book_numbers.py names cells the notebook lacks: {unknown}"
    probes = {}
    for cell_id, values in expected.items():
        expressions = [e for e in values if e != PRINTED]
        if expressions:
            probes[cell_id] = probe_cell(expressions)
            nb.cells.insert(ids.index(cell_id) + 1, probes[cell_id])
            ids = [cell.get("id") for cell in nb.cells]
    return probes


def same_numbers(got, want, atol):
    """Whether ``got`` (from JSON) equals the book's ``want`` within ``atol``."""
    if isinstance(want, Approx):
        return same_numbers(got, want.value, want.atol)
    if isinstance(want, (list, tuple)):
        return (
            isinstance(got, list)
            and len(got) == len(want)
            and all(same_numbers(g, w, atol) for g, w in zip(got, want, strict=True))
        )
    if isinstance(want, str) or isinstance(got, str):
        return got == want
    return isinstance(got, (int, float)) and abs(got - want) <= atol + 1e-6 * abs(want)


def assert_book_numbers(nb, expected, probes):
    """Every value of ``expected`` came out of the executed notebook."""
    wrong = []
    for cell_id, values in expected.items():
        cell = next(c for c in nb.cells if c.get("id") == cell_id)
        for expression, want in values.items():
            if expression == PRINTED:
                texts = [want] if isinstance(want, str) else want
                wrong += [
                    f"{cell_id} prints no {text!r}"
                    for text in texts
                    if text not in text_of(cell)
                ]
                continue
            got = json.loads(text_of(probes[cell_id]))[expression]
            if not same_numbers(got, want, 0):
                wrong.append(f"{cell_id}: {expression} = {got}, the book: {want}")
    assert not wrong, "the book's numbers: " + "; ".join(wrong)


def with_cells_rerun_in_reverse(nb):
    """Append a copy of every code cell, last first: ``[(original, copy)]``.

    One execution is then Run All in a fresh kernel, followed by every code
    cell run again from the bottom up, as a student re-runs a cell after Run
    All, whatever it reads of what the later cells left behind.
    """
    pairs = []
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    for index in reversed(code):
        nb.cells.append(copy.deepcopy(nb.cells[index]))
        pairs.append((index, len(nb.cells) - 1))
    return pairs


def run_all_seconds(nb, count):
    """Seconds from the start of the first cell to the end of cell ``count - 1``."""
    times = [cell.metadata.get("execution", {}) for cell in nb.cells[:count]]
    starts = [t["iopub.status.busy"] for t in times if "iopub.status.busy" in t]
    ends = [t["iopub.status.idle"] for t in times if "iopub.status.idle" in t]
    if not starts:
        return math.nan
    parse = datetime.datetime.fromisoformat
    first, last = parse(min(starts)[:26]), parse(max(ends)[:26])
    return (last - first).total_seconds()


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_then_every_cell_reruns_in_reverse(path, notebook_times):
    nb = nbformat.read(path, as_version=4)
    expected = BOOK.get(path.stem, {})
    probes = with_book_probes(nb, expected)
    probe_ids = {id(cell) for cell in probes.values()}
    run_all = len(nb.cells)
    pairs = [
        (first, again)
        for first, again in with_cells_rerun_in_reverse(nb)
        if id(nb.cells[first]) not in probe_ids
    ]
    try:
        execute(nb, path)
    except CellExecutionError as err:
        failed = next(
            (
                first
                for first, again in pairs
                if any(o.get("output_type") == "error" for o in nb.cells[again].outputs)
            ),
            None,
        )
        where = (
            f"when cell {nb.cells[failed].get('id')} ran again after Run All (the "
            "cells below it had run again before it)"
            if failed is not None
            else "during Run All"
        )
        raise AssertionError(f"{path.name}: a cell failed {where}:\n{err}") from None
    notebook_times[str(path.relative_to(ROOT))] = run_all_seconds(nb, run_all)
    assert cell_errors(nb) == []
    assert widget_errors(nb) == []
    assert_book_numbers(nb, expected, probes)
    for first, again in pairs:
        cell = nb.cells[first]
        if VARIES_TAG in cell.metadata.get("tags", []):
            continue
        assert text_of(nb.cells[again]) == text_of(cell), (
            f"cell {cell.get('id')} prints something else when run again after Run "
            f"All (the cells below it ran again first):\n{cell.source[:300]}"
        )


def test_the_course_has_notebooks():
    assert len(NOTEBOOKS) >= 1
    assert len(ZH_NOTEBOOKS) == len(NOTEBOOKS)


# What the package prints in English at the start of a line; in the Chinese
# notebooks these lines come out in Chinese (检查通过：..., 正确。..., 还不对。...).
ENGLISH_VERDICTS = re.compile(r"^(check passed|check failed|Correct\.|Not yet\.)", re.M)
MISSING_CELL = "from d2lconv import i18n\nprint(repr(i18n.missing()))"


@pytest.mark.notebook
@pytest.mark.parametrize("path", ZH_NOTEBOOKS, ids=ZH_IDS)
def test_chinese_notebook_runs_clean_and_speaks_chinese(path, notebook_times):
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(MISSING_CELL))
    try:
        seconds = execute(nb, path)
    except CellExecutionError as err:
        raise AssertionError(f"zh/{path.name}: a cell failed:\n{err}") from None
    notebook_times[str(path.relative_to(ROOT))] = seconds
    assert cell_errors(nb) == []
    assert widget_errors(nb) == []
    assert text_of(nb.cells[-1]).strip() == "[]", (
        "texts the package showed in English for want of a translation "
        "(d2lconv/locale/zh): " + text_of(nb.cells[-1])
    )
    for cell in nb.cells[:-1]:
        found = ENGLISH_VERDICTS.findall(text_of(cell))
        assert not found, f"an English verdict {found} under:\n{cell.source[:300]}"


# The notebook whose training cells a student is invited to re-run with another
# seed or another learning rate (the book's loop with nn.Conv2d, the loop of the
# hand-written Conv2D, and the package's train_builtin and train_scratch).
TRAINING_NOTEBOOK = ROOT / "notebooks" / "03-learning-a-kernel.ipynb"
SEED_LINE = re.compile(r"^seed = \d+", re.MULTILINE)
RATE_LINE = re.compile(r"^lr = ([^#\n]+?)(\s*#.*)?$", re.MULTILINE)


def run_edited(nb, what):
    """Execute ``nb``; fail with ``what`` was changed and the error if a cell fails."""
    try:
        execute(nb, TRAINING_NOTEBOOK)
    except CellExecutionError as err:
        raise AssertionError(f"{TRAINING_NOTEBOOK.name} with {what}:\n{err}") from None
    assert cell_errors(nb) == [], what
    assert widget_errors(nb) == [], what


@pytest.mark.notebook
def test_training_cells_run_clean_for_other_seeds_and_halved_rates():
    # What a student does: another seed in a training cell, or every learning
    # rate halved. The checks must hold, not just the code. A loop's check may
    # be in the next code cell, which reads what the loop trained: it runs
    # again after the loop. One run: the seeded cells set to the first drawn
    # seed, then each (with its check cell) again for the four others; a
    # second run: every `lr = ...` halved.
    generator = rng("training seeds")
    seeds = generator.sample(range(10_000), 5)
    nb = nbformat.read(TRAINING_NOTEBOOK, as_version=4)
    code = [i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    groups = []
    for i, after in zip(code, code[1:] + [None], strict=True):
        if not SEED_LINE.search(nb.cells[i].source):
            continue
        trained = {
            node.id
            for node in ast.walk(ast.parse(nb.cells[i].source))
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
        }
        check = nb.cells[after].source if after is not None else ""
        used = [n for n in ast.walk(ast.parse(check)) if isinstance(n, ast.Name)]
        reads = {n.id for n in used if isinstance(n.ctx, ast.Load)}
        reads -= {n.id for n in used if isinstance(n.ctx, ast.Store)}
        follows = trained & reads and not SEED_LINE.search(check)
        groups.append([i, after] if follows else [i])
    assert len(groups) >= 3, "the training cells set `seed = ...`"
    assert sum(len(group) == 2 for group in groups) >= 2, (
        "the loops' checks, in the next cell, read what the loops trained"
    )
    for seed in seeds[1:]:
        for group in groups:
            for index in group:
                again = copy.deepcopy(nb.cells[index])
                again.source = SEED_LINE.sub(f"seed = {seed}", again.source)
                nb.cells.append(again)
    for group in groups:
        cell = nb.cells[group[0]]
        cell.source = SEED_LINE.sub(f"seed = {seeds[0]}", cell.source)
    run_edited(nb, f"training seeds {seeds} ({describe(generator)})")

    nb = nbformat.read(TRAINING_NOTEBOOK, as_version=4)
    halved = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source, count = RATE_LINE.subn(r"lr = (\1) / 2\2", cell.source)
            halved += count
    assert halved >= 4, "each training cell sets its rate as `lr = ...`"
    run_edited(nb, f"its {halved} learning rates halved")
