"""The notebooks with explorers run in JupyterLab (opened, then Run All Cells in
their fresh kernels) showing no error: their widgets are where the browser
matters. The English ones, and the Chinese ones whose explorers are checked in
Chinese (one per explorer); every notebook runs in a fresh kernel in
tests/test_notebooks.py."""

import pytest

from .labserver import NOTEBOOK_DIR
from .test_chinese_in_browser import EXPLORERS as CHINESE
from .test_explorers_in_browser import EXPLORERS as ENGLISH

SHOWN = sorted({path for path, _, _ in ENGLISH + CHINESE})


def test_the_course_shows_explorers_in_notebooks():
    assert SHOWN, f"no notebook under {NOTEBOOK_DIR} shows an explorer"


@pytest.mark.parametrize(
    "path", SHOWN, ids=[str(p.relative_to(NOTEBOOK_DIR)) for p in SHOWN]
)
def test_notebook_runs_in_jupyterlab_without_errors(notebook_pages, path, report):
    notebook = notebook_pages[path]
    report(
        f"JupyterLab, {notebook.name}: Run All Cells "
        f"{notebook.run_seconds:.1f} s (all notebooks at once)"
    )
    errors = notebook.error_outputs()
    assert not errors, "\n\n".join(f"cell {i}:\n{text}" for i, text in errors)
    prompts = notebook.prompts()
    unrun = [i for i, p in enumerate(prompts) if p != f"[{i + 1}]:"]
    assert not unrun, f"code cells {unrun} did not run in order: {prompts}"
    logged = notebook.log_errors()
    assert not logged, "log console:\n" + "\n\n".join(t for _, t in logged)
