"""The background notebook executions (conftest.py) end with the session."""

import asyncio
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest
from test_notebooks import RunAllCopy, SessionOver

ROOT = Path(__file__).resolve().parents[1]

FAKE = """
import time
import pytest
from pathlib import Path

def execute(path, stop=None):  # a notebook that takes 30 s, unless stopped
    if stop is None:
        time.sleep(30)
    else:
        stop.wait(30)
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
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.perf_counter() - start
    assert "1 failed" in done.stdout, done.stdout + done.stderr
    assert seconds < 20, f"pytest -x took {seconds:.0f} s: it waited for a notebook"


def test_a_stopped_execution_runs_no_further_cell():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
    client = RunAllCopy(nb, kernel_name="python3")
    client.last_of_run_all = 0
    client.stop = threading.Event()
    client.stop.set()
    with pytest.raises(SessionOver):
        asyncio.run(client.async_execute_cell(nb.cells[0], 0))
    assert nb.cells[0].outputs == []
