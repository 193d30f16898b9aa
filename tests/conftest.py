"""Shared pytest set-up: notebook executions (started at once), measurements."""

import functools
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]

# Property tests: the same examples on every run unless `make fuzz` asks for
# random ones (HYPOTHESIS_PROFILE=fuzz, with a seed it prints). A property
# must hold for every seed; CI must not go red because it drew a new one.
settings.register_profile(
    "ci", derandomize=True, database=None, print_blob=True, deadline=None
)
settings.register_profile(
    "fuzz",
    derandomize=False,
    database=None,
    print_blob=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Headless runs must never try to open a window.
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "chinese: runs a notebook of the Chinese edition (notebooks/zh/)"
    )


RUNS = pytest.StashKey[list]()
MEASUREMENTS = pytest.StashKey[list]()
EXECUTIONS = pytest.StashKey[dict]()


def count(config, where, path, seconds):
    """Count one execution of a notebook for the summary at the end."""
    config.stash.setdefault(RUNS, []).append((where, str(path), seconds))


@pytest.fixture(scope="session")
def notebook_run(request):
    """``notebook_run(where, path, seconds)``: count one execution of a notebook.

    ``where`` is the front end (a fresh kernel, JupyterLab, the Colab path);
    the summary at the end lists the executions, per place and edition, and
    names any notebook executed twice in one place.
    """
    return functools.partial(count, request.config)


def pytest_collection_finish(session):
    """Start the executions the selected tests read as soon as they are collected.

    A test that takes ``run`` reads the one execution of its ``path`` that its
    module's ``execute(path)`` makes (tests/test_notebooks.py). Two threads
    make them in the tests' order while the other tests run (each kernel is a
    process of its own); those not started when the session ends are cancelled,
    and those under way stop after the cell they are running (``execute(path,
    stop)``: ``stop`` is set then), so that ``-x`` or Ctrl-C does not wait for
    whole notebooks: Python waits for the pool's threads before it exits.
    """
    tests = [t for t in session.items if "run" in getattr(t, "fixturenames", ())]
    if not tests or session.config.option.collectonly:
        return
    pool = ThreadPoolExecutor(2, thread_name_prefix="notebook")
    stop = threading.Event()

    def close():
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)

    session.config.add_cleanup(close)

    def timed(execute, path):
        start = time.perf_counter()
        notebook = execute(path, stop)
        seconds = time.perf_counter() - start
        count(session.config, "fresh kernel", path.relative_to(ROOT), seconds)
        return notebook

    futures = session.config.stash[EXECUTIONS] = {}
    for test in tests:
        path = test.callspec.params["path"]
        if path not in futures:
            futures[path] = pool.submit(timed, test.module.execute, path)


@pytest.fixture
def run(request):
    """``run(path)``: the notebook's one execution, once it is done."""
    return lambda path: request.config.stash[EXECUTIONS][path].result()


@pytest.fixture(scope="session")
def report(request):
    """``report(line)``: print a measurement in the summary at the end of the run.

    pytest hides what a passing test prints; measurements a person needs to
    read (latencies, loss values) go through this instead.
    """
    return request.config.stash.setdefault(MEASUREMENTS, []).append


def pytest_terminal_summary(terminalreporter, config):
    write = terminalreporter.write_line
    runs = config.stash.get(RUNS, [])
    if runs:
        terminalreporter.section("notebook executions (seconds each)")
        for where, path, seconds in sorted(runs):
            write(f"{seconds:7.2f} s  {where}: {path}")
        for where in sorted({w for w, _, _ in runs}):
            paths = [p for w, p, _ in runs if w == where]
            zh = sum("/zh/" in f"/{p}" for p in paths)
            twice = sorted({p for p in paths if paths.count(p) > 1})
            total = sum(s for w, _, s in runs if w == where)
            write(
                f"{where}: {len(paths)} executions ({len(paths) - zh} English, "
                f"{zh} Chinese) in {total:.0f} s"
                + (f"; executed more than once: {twice}" if twice else "")
            )
    lines = config.stash.get(MEASUREMENTS, [])
    if lines:
        terminalreporter.section("measurements")
        for line in lines:
            write(line)


@pytest.fixture(scope="module")
def edges():
    """The edge image of notebook 3, its target and its largest stable rate."""
    from d2lconv import edge_data
    from d2lconv.training import lr_limit

    X, Y = edge_data()
    return X, Y, lr_limit(X)


@pytest.fixture(autouse=True)
def _english_and_nothing_missing_at_the_start():
    """Each test starts in English with no untranslated text recorded.

    ``d2lconv.i18n`` keeps the language and the texts it had no translation
    for in the process; a test that switches to Chinese, or shows a text of
    its own, must not change what the next test sees.
    """
    from d2lconv import i18n

    i18n.set_language("en")
    i18n._missing.clear()
    yield
    i18n.set_language("en")
