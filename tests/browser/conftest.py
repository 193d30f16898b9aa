"""Browser tests: the course in JupyterLab, driven by headless Chromium.

One JupyterLab (started by ``scripts/lab.sh``, as ``make lab`` does) and one
browser page serve the whole session; each notebook a test asks for (those
that show explorers: the English ones, one Chinese one per explorer) is
opened in a tab of that page, all at once, and run once; then the tests
inspect it.
"""

import time
from pathlib import Path

import pytest

from .jupyterlab import open_and_run
from .labserver import ARTIFACTS, NOTEBOOKS, ROOT, login, running_lab

BROWSER_TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BROWSER_TESTS in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """JupyterLab started with the README's command (scripts/lab.sh)."""
    try:
        with running_lab(tmp_path_factory.mktemp("lab"), ARTIFACTS / "lab.log") as lab:
            yield lab
    except RuntimeError as err:
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def lab_page(lab, browser):
    """JupyterLab in a browser page, logged in with the token."""
    page = login(browser, lab)
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def notebook_pages(request, lab_page, report, notebook_run):
    """{path: NotebookPage}: the notebooks this run's tests use, opened and run.

    Each notebook is opened once and Run All Cells in its fresh kernel; the
    tests then look at the same pages.
    """
    wanted = {}
    for item in request.session.items:
        # Only the browser tests' notebooks: tests/test_notebooks.py has its own
        # path parameters, and its fresh-kernel runs need no JupyterLab.
        params = getattr(item, "callspec", None)
        path = params.params.get("path") if params else None
        if BROWSER_TESTS in item.path.parents and path in NOTEBOOKS:
            wanted[path.relative_to(ROOT)] = path
    start = time.perf_counter()
    pages = open_and_run(lab_page, list(wanted))
    seconds = time.perf_counter() - start
    report(f"JupyterLab: opened and ran {len(pages)} notebooks in {seconds:.1f} s")
    for path, page in pages.items():
        notebook_run("JupyterLab", path, page.run_seconds)
    return {wanted[path]: page for path, page in pages.items()}
