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
PROFILE = {"database": None, "print_blob": True, "deadline": None}
settings.register_profile("ci", derandomize=True, **PROFILE)
settings.register_profile(
    "fuzz", suppress_health_check=[HealthCheck.too_slow], **PROFILE
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Headless runs must never try to open a window.
os.environ.setdefault("MPLBACKEND", "Agg")


RUNS = pytest.StashKey[list]()
MEASUREMENTS = pytest.StashKey[list]()
EXECUTIONS = pytest.StashKey[dict]()


def count(config, where, path, seconds):
    """Count one execution of a notebook for the summary at the end."""
    config.stash.setdefault(RUNS, []).append((where, str(path), seconds))


@pytest.fixture(scope="session")
def notebook_run(request):
    """``notebook_run(where, path, seconds)``: count an execution in ``where``
    (a front end); the summary names any notebook executed twice in one place."""
    return functools.partial(count, request.config)


def pytest_collection_finish(session):
    """Start the notebook executions the selected tests read (``run``).

    Two threads make them, in the tests' order, while the other tests run.
    When the session ends, those not started are cancelled and those under
    way stop after their current cell (``stop`` is set), so that ``-x`` or
    Ctrl-C does not wait for whole notebooks.
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
def browser():
    """Headless Debian Chromium driven by Playwright (tests/browser, tests/site,
    tests/colab_path_run.py)."""
    from browser.labserver import chromium  # only where a test asks for it

    try:
        with chromium() as browser:
            yield browser
    except RuntimeError as err:
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def report(request):
    """``report(line)``: a measurement for the summary (pytest hides prints)."""
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


@pytest.fixture(autouse=True)
def _english_and_nothing_missing_at_the_start():
    """Each test starts in English with no untranslated text recorded (both are
    kept by ``d2lconv.i18n`` for the whole process)."""
    from d2lconv import i18n

    i18n.set_language("en")
    i18n._missing.clear()
    yield
    i18n.set_language("en")


@pytest.fixture
def zh():
    """Chinese for the test; at its end, no text was asked for without its
    Chinese (each test starts in English with nothing missing: above)."""
    from d2lconv import i18n

    i18n.set_language("zh")
    yield
    assert i18n.missing() == []
