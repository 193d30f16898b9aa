"""The Colab setup cell installs on Colab only, with no dependencies and fast.

The cell is run by a real IPython shell whose ``%pip`` is replaced by a
recorder, so that what would be installed is seen without installing it. The
end-to-end run (a Colab-like environment, an install from the built wheel with
no index, every notebook) is ``scripts/colab-path-test.sh``.
"""

import shlex
import sys
import types
from pathlib import Path

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p
    for p in (ROOT / "notebooks").glob("**/*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)


def setup_cell(path):
    return nbformat.read(path, as_version=4).cells[1]


# scripts/notebook_headers.py writes the same cell into every notebook: run once.
SETUP = setup_cell(NOTEBOOKS[0]).source


def test_every_notebook_has_the_same_setup_cell_second():
    others = [
        str(p.relative_to(ROOT)) for p in NOTEBOOKS if setup_cell(p).source != SETUP
    ]
    assert SETUP.startswith("# Colab setup") and others == []


@pytest.fixture
def shell():
    """A fresh IPython shell whose %pip records its argument line."""
    config = Config()
    config.HistoryManager.enabled = False
    sh = InteractiveShell(config=config)
    sh.pip_calls = []
    sh.register_magic_function(sh.pip_calls.append, "line", "pip")
    yield sh
    sh.cleanup()


@pytest.fixture
def on_colab(monkeypatch):
    # Colab's kernel imports google.colab at start-up; that is what the cell tests.
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))


def run_setup(shell):
    result = shell.run_cell(SETUP)
    assert result.success, result.error_in_exec or result.error_before_exec
    return shell.pip_calls


def test_setup_cell_does_nothing_off_colab(shell, monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert run_setup(shell) == []


def test_setup_cell_installs_the_course_and_d2l_without_deps_on_colab(
    shell, on_colab, monkeypatch
):
    monkeypatch.delenv("D2LCONV_SOURCE", raising=False)
    calls = run_setup(shell)
    assert len(calls) == 1, f"the setup cell ran %pip {len(calls)} times on Colab"
    args = shlex.split(calls[0])
    assert args[0] == "install"
    # No dependencies: Colab's torch, numpy, matplotlib and ipywidgets 7 stay,
    # and d2l's numpy==1.23.5 pin (no wheel for Python 3.12+) is never tried.
    assert "--no-deps" in args
    (course,) = [a for a in args if a.startswith("d2lconv @ ")]
    assert course.startswith("d2lconv @ git+https://github.com/")
    packages = [a for a in args[1:] if not a.startswith("-")]
    assert sorted(packages) == sorted([course, "d2l==1.0.3"])


def test_setup_cell_takes_another_source_from_the_environment(
    shell, on_colab, monkeypatch
):
    wheel = "file:///tmp/wheels/d2lconv-0.1.0-py3-none-any.whl"
    monkeypatch.setenv("D2LCONV_SOURCE", wheel)
    (line,) = run_setup(shell)
    assert f"d2lconv @ {wheel}" in shlex.split(line)
