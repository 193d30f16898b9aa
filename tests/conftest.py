"""Shared pytest set-up: report notebook run times and measurements at the end."""

import os

import pytest
from hypothesis import HealthCheck, settings

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

RUN_TIMES = pytest.StashKey[dict]()
MEASUREMENTS = pytest.StashKey[list]()


@pytest.fixture
def notebook_times(request):
    """A dict, shared by the whole run, of notebook name -> Run All seconds."""
    return request.config.stash.setdefault(RUN_TIMES, {})


@pytest.fixture(scope="session")
def report(request):
    """``report(line)``: print a measurement in the summary at the end of the run.

    pytest hides what a passing test prints; measurements a person needs to
    read (latencies, loss values) go through this instead.
    """
    lines = request.config.stash.setdefault(MEASUREMENTS, [])
    return lines.append


def pytest_terminal_summary(terminalreporter, config):
    times = config.stash.get(RUN_TIMES, {})
    if times:
        terminalreporter.section(
            "notebook run times (Run All in a fresh kernel, without the re-runs)"
        )
        for name, seconds in sorted(times.items()):
            terminalreporter.write_line(f"{seconds:7.2f} s  {name}")
        terminalreporter.write_line(f"{sum(times.values()):7.2f} s  in all")
    lines = config.stash.get(MEASUREMENTS, [])
    if lines:
        terminalreporter.section("measurements")
        for line in lines:
            terminalreporter.write_line(line)


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
