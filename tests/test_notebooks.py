"""Every course notebook runs top to bottom in a fresh kernel, each cell twice."""

import copy
import json
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("**/*.ipynb"))
NOTEBOOKS = [p for p in NOTEBOOKS if ".ipynb_checkpoints" not in p.parts]
IDS = [str(p.relative_to(ROOT / "notebooks")) for p in NOTEBOOKS]

# Cells whose printed text legitimately differs between runs (timings) carry
# this tag; the idempotency test still runs them twice but skips the text diff.
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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_is_stored_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"cell {i} has stored outputs"
            assert cell.get("execution_count") is None, f"cell {i} has a count"
    assert "widgets" not in nb.get("metadata", {}), "stored widget state"


def with_every_code_cell_twice(nb):
    """Put a copy of each code cell right after it; return the (first, copy) pairs.

    One execution of this notebook is both Run All in a fresh kernel and the
    re-run check: a student runs cells again, so each must give the same
    output the second time and must not depend on having run only once.
    """
    doubled, pairs = [], []
    for cell in nb.cells:
        doubled.append(cell)
        if cell.cell_type == "code":
            doubled.append(copy.deepcopy(cell))
            pairs.append((len(doubled) - 2, len(doubled) - 1))
    nb.cells = doubled
    return pairs


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_clean_and_every_cell_reruns(path, notebook_times):
    nb = nbformat.read(path, as_version=4)
    pairs = with_every_code_cell_twice(nb)
    seconds = execute(nb, path)
    notebook_times[str(path.relative_to(ROOT))] = seconds
    assert cell_errors(nb) == []
    assert widget_errors(nb) == []
    for number, (first, second) in enumerate(pairs, start=1):
        cell = nb.cells[first]
        if VARIES_TAG in cell.metadata.get("tags", []):
            continue
        assert text_of(nb.cells[second]) == text_of(cell), (
            f"code cell {number} prints something else when run again:\n"
            f"{cell.source[:200]}"
        )


def test_the_course_has_notebooks():
    assert len(NOTEBOOKS) >= 1
