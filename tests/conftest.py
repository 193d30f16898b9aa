"""Shared pytest set-up: report notebook run times at the end of the run."""

import os

import pytest

# Headless runs must never try to open a window.
os.environ.setdefault("MPLBACKEND", "Agg")

RUN_TIMES = pytest.StashKey[dict]()


@pytest.fixture
def notebook_times(request):
    """A dict, shared by the whole run, of notebook name -> Run All seconds."""
    return request.config.stash.setdefault(RUN_TIMES, {})


def pytest_terminal_summary(terminalreporter, config):
    times = config.stash.get(RUN_TIMES, {})
    if not times:
        return
    terminalreporter.section("notebook run times (fresh kernel, Run All)")
    for name, seconds in sorted(times.items()):
        terminalreporter.write_line(f"{seconds:7.2f} s  {name}")
    terminalreporter.write_line(f"{sum(times.values()):7.2f} s  in all")
