"""Every course notebook runs in a fresh kernel; then each section runs again.

One execution per notebook: Run All, then every ``##`` section once more in a
shuffled (seeded) order, as a student re-runs the part they are reading.
"""

import copy
import json
import re
import time
from pathlib import Path

import nbformat
import pytest
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


def sections(nb):
    """``[(title, [code cell indices])]`` of each ``##`` section, in order.

    The cells before the first ``##`` heading (title, set-up, imports) are
    not a section: they run once, at the start.
    """
    found = []
    for i, cell in enumerate(nb.cells):
        first_line = cell.source.lstrip().split("\n", 1)[0]
        if cell.cell_type == "markdown" and first_line.startswith("## "):
            found.append((first_line[3:].strip(), []))
        elif cell.cell_type == "code" and found:
            found[-1][1].append(i)
    return found


def with_sections_rerun(nb, order):
    """Append a copy of every section's code cells, sections in ``order``.

    Returns ``[(section title, original index, copy index)]``. One execution of
    this notebook is Run All in a fresh kernel, then each section run again
    after all the others (a student re-running a section, in any order):
    each code cell runs twice and must print the same both times.
    """
    parts = sections(nb)
    pairs = []
    for number in order:
        title, indices = parts[number]
        for index in indices:
            nb.cells.append(copy.deepcopy(nb.cells[index]))
            pairs.append((title, index, len(nb.cells) - 1))
    return pairs


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_clean_then_its_sections_rerun_in_any_order(path, notebook_times):
    nb = nbformat.read(path, as_version=4)
    generator = rng(f"sections of {path.name}")
    order = list(range(len(sections(nb))))
    generator.shuffle(order)
    titles = [sections(nb)[number][0] for number in order]
    pairs = with_sections_rerun(nb, order)
    rerun_from = len(nb.cells) - len(pairs)
    try:
        seconds = execute(nb, path)
    except CellExecutionError as err:
        failed = next(
            (
                title
                for title, _, again in pairs
                if nb.cells[again].get("outputs")
                and any(
                    o.get("output_type") == "error" for o in nb.cells[again].outputs
                )
            ),
            None,
        )
        where = (
            f"when section {failed!r} ran again, after Run All, in the order "
            f"{titles} ({describe(generator)})"
            if failed
            else f"during Run All (before any section ran again; {rerun_from} cells)"
        )
        raise AssertionError(f"{path.name}: a cell failed {where}:\n{err}") from None
    notebook_times[str(path.relative_to(ROOT))] = seconds
    assert cell_errors(nb) == [], (
        f"after Run All, the sections re-run in the order {titles} "
        f"({describe(generator)})"
    )
    assert widget_errors(nb) == []
    for title, first, again in pairs:
        cell = nb.cells[first]
        if VARIES_TAG in cell.metadata.get("tags", []):
            continue
        assert text_of(nb.cells[again]) == text_of(cell), (
            f"a code cell of section {title!r} prints something else when its "
            f"section is run again after the sections {titles} "
            f"({describe(generator)}):\n{cell.source[:300]}"
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
# seed or another learning rate (train_scratch, the hand-written loop, nn.Conv2d).
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
    # What a student does: another seed in the cells that call train_scratch,
    # or every learning rate halved. The checks must hold, not just the code.
    # One run: the seeds' cells set to the first drawn seed, then run again
    # for the four others; a second run: every `lr = ...` halved.
    generator = rng("training seeds")
    seeds = generator.sample(range(10_000), 5)
    nb = nbformat.read(TRAINING_NOTEBOOK, as_version=4)
    seeded = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and "train_scratch(" in cell.source
        and SEED_LINE.search(cell.source)
    ]
    assert len(seeded) >= 2, "the cells calling train_scratch set `seed = ...`"
    for seed in seeds[1:]:
        for i in seeded:
            again = copy.deepcopy(nb.cells[i])
            again.source = SEED_LINE.sub(f"seed = {seed}", again.source)
            nb.cells.append(again)
    for i in seeded:
        nb.cells[i].source = SEED_LINE.sub(f"seed = {seeds[0]}", nb.cells[i].source)
    run_edited(nb, f"train_scratch seeds {seeds} ({describe(generator)})")

    nb = nbformat.read(TRAINING_NOTEBOOK, as_version=4)
    halved = 0
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source, count = RATE_LINE.subn(r"lr = (\1) / 2\2", cell.source)
            halved += count
    assert halved >= 4, "each training cell sets its rate as `lr = ...`"
    run_edited(nb, f"its {halved} learning rates halved")
