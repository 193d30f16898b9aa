"""The background notebook executions (conftest.py) end with the session."""

import asyncio
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
from test_notebooks import RunAllCopy, SessionOver

ROOT = Path(__file__).resolve().parents[1]

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
