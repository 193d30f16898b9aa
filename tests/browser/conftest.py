"""Browser tests: the course in JupyterLab, driven by headless Chromium.

One JupyterLab (started by ``scripts/lab.sh``, as ``make lab`` does) and one
browser page serve the whole session; each notebook a test asks for (those
that show explorers: the English ones, one Chinese one per explorer) is
opened in a tab of that page and run once, then the tests inspect it.
"""

import time
from pathlib import Path

import pytest

from .jupyterlab import open_and_run
from .labserver import (
    ARTIFACTS,
    NOTEBOOK_DIR,
    NOTEBOOKS,
    ROOT,
    chromium,
    login,
    running_lab,
)

# The module whose tests only read a notebook's page once it has run.
READ_ONLY_MODULE = "test_notebooks_in_browser"

BROWSER_TESTS = Path(__file__).resolve().parent


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: drives JupyterLab in headless Chromium (tests/browser)"
    )


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
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
def browser():
    """Headless Debian Chromium driven by Playwright."""
    try:
        with chromium() as browser:
            yield browser
    except RuntimeError as err:
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def lab_page(lab, browser):
    """JupyterLab in a browser page, logged in with the token."""
    page = login(browser, lab)
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def notebook_pages(request, lab, lab_page, report, notebook_run):
    """{path: NotebookPage}: the notebooks this run's tests use, opened and run.

    Each notebook is opened once and gets Restart Kernel and Run All Cells;
    the notebook tests and the explorer tests then look at the same pages.
    """
    wanted, live = [], set()
    for item in request.session.items:
        # Only the browser tests' notebooks: tests/test_notebooks.py has its own
        # path parameters, and its fresh-kernel runs need no JupyterLab.
        if BROWSER_TESTS not in item.path.parents:
            continue
        params = getattr(item, "callspec", None)
        path = params.params.get("path") if params else None
        if path in NOTEBOOKS and path not in wanted:
            wanted.append(path)
        # Tests other than "it ran clean" talk to the kernel (explorers, Train).
        if path in NOTEBOOKS and not item.module.__name__.endswith(READ_ONLY_MODULE):
            live.add(path)
    start = time.perf_counter()
    pages = {}
    # One edition at a time; then the kernels no test talks to are shut down,
    # so that the machine never holds 40-odd kernels at once.
    chinese = NOTEBOOK_DIR / "zh"
    for batch in (
        [p for p in wanted if chinese not in p.parents],
        [p for p in wanted if chinese in p.parents],
    ):
        if not batch:
            continue
        pages.update(open_and_run(lab_page, [p.relative_to(ROOT) for p in batch]))
        lab.shut_down_kernels(p.relative_to(ROOT) for p in batch if p not in live)
    seconds = time.perf_counter() - start
    report(f"JupyterLab: opened and ran {len(pages)} notebooks in {seconds:.1f} s")
    for path, page in pages.items():
        notebook_run("JupyterLab", path, page.run_seconds)
    return {ROOT / path: page for path, page in pages.items()}
