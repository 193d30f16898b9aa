"""The Colab setup cell installs on Colab only, with no dependencies and fast.

The cell is run by a real IPython shell whose ``%pip`` is replaced by a
recorder, so that what would be installed is seen without installing it. The
end-to-end run (a Colab-like environment, an install from the built wheel with
no index, every notebook) is ``scripts/colab-path-test.sh``.
"""

import re
import shlex
import sys
import types
from pathlib import Path

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

# Every notebook has this same setup cell, the Chinese ones with Chinese
# comments (scripts/notebook_headers.py, checked by test_notebook_headers.py).
NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "00-check-setup.ipynb"
SETUP = nbformat.read(NOTEBOOK, as_version=4).cells[1].source
WHEEL = "file:///tmp/wheels/d2lconv-0.1.0-py3-none-any.whl"


def pip_calls(monkeypatch, on_colab, source=None):
    """The arguments of each %pip the setup cell runs in a fresh IPython shell
    (on Colab, google.colab is imported; ``source``: $D2LCONV_SOURCE)."""
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.delenv("D2LCONV_SOURCE", raising=False)
    if source:
        monkeypatch.setenv("D2LCONV_SOURCE", source)
    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell(config=config)
    calls = []
    shell.register_magic_function(calls.append, "line", "pip")
    try:
        result = shell.run_cell(SETUP)
    finally:
        shell.cleanup()
    assert result.success, result.error_in_exec or result.error_before_exec
    return [shlex.split(line) for line in calls]


def test_setup_cell_does_nothing_off_colab(monkeypatch):
    assert pip_calls(monkeypatch, on_colab=False) == []


@pytest.mark.parametrize(
    "source, course",
    [
        (None, r"d2lconv @ git\+https://github\.com/.+"),
        (WHEEL, "d2lconv @ " + re.escape(WHEEL)),
    ],
    ids=["github", "D2LCONV_SOURCE"],
)
def test_setup_cell_installs_the_course_and_d2l_without_deps_on_colab(
    monkeypatch, source, course
):
    calls = pip_calls(monkeypatch, on_colab=True, source=source)
    assert len(calls) == 1, f"the setup cell ran %pip {len(calls)} times on Colab"
    [args] = calls
    assert args[0] == "install"
    # No dependencies: Colab's torch, numpy, matplotlib and ipywidgets 7 stay,
    # and d2l's numpy==1.23.5 pin (no wheel for Python 3.12+) is never tried.
    assert "--no-deps" in args
    d2l, mine = sorted(a for a in args[1:] if not a.startswith("-"))
    assert d2l == "d2l==1.0.3" and re.fullmatch(course, mine), args
