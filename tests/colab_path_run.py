"""Every notebook runs on the Colab path: Colab's packages, installed by the setup cell.

Collected only when named: ``scripts/colab-path-test.sh`` builds a Colab-like
environment (``D2LCONV_COLAB_PYTHON``: no d2lconv or d2l, ipywidgets 7 and
IPython 7) and the wheels (``D2LCONV_COLAB_WHEELS``), then runs this file. The
kernel imports a stand-in ``google.colab`` at start-up, as Colab's does; pip
may use no index, so each notebook's setup cell must install what it needs.
Notebook 0 runs first and reports what its setup cell installed; the later
notebooks find it installed, as in one Colab runtime.
"""

import json
import os
import re
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from browser.labserver import NOTEBOOK_DIR, NOTEBOOKS, ROOT
from browser.pages import assert_same_svg, open_saved, seen
from nbclient import NotebookClient
from svg_checks import SVG, parse
from test_notebooks import WIDGET_STATE, WIDGET_VIEW, cell_errors, widget_errors

# The check-setup notebook runs first: it also reports what was installed.
CHECK_SETUP = NOTEBOOK_DIR / "00-check-setup.ipynb"
NOTEBOOKS = [CHECK_SETUP] + [p for p in NOTEBOOKS if p != CHECK_SETUP]
STARTUP = """\
# Stand-in for Colab's own start-up, which imports google.colab into the kernel.
import sys
import types

sys.modules.setdefault("google.colab", types.ModuleType("google.colab"))
"""


def setting(name):
    value = os.environ.get(name)
    assert value, f"{name} is not set: run bash scripts/colab-path-test.sh"
    return value


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """The Colab-like kernel ("colab"), with no d2lconv or d2l yet: its python."""
    python = setting("D2LCONV_COLAB_PYTHON")
    wheels = Path(setting("D2LCONV_COLAB_WHEELS"))
    (wheel,) = wheels.glob("d2lconv-*.whl")
    assert list(wheels.glob("d2l-1.0.3-*.whl")), f"no d2l wheel in {wheels}"
    home = tmp_path_factory.mktemp("colab")
    startup = home / "ipython" / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-colab.py").write_text(STARTUP)
    pip_env = {
        # Nothing outside the environment: a PYTHONPATH to a checkout (a
        # worktree's own d2lconv) would hide what the setup cell installs.
        "PYTHONPATH": "",
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheels),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    kernel_env = {
        **pip_env,
        "IPYTHONDIR": str(home / "ipython"),
        "D2LCONV_SOURCE": wheel.as_uri(),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    spec = home / "jupyter" / "kernels" / "colab"
    spec.mkdir(parents=True)
    argv = [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Colab-like", "env": kernel_env}
    (spec / "kernel.json").write_text(json.dumps({**kernel, "language": "python"}))
    os.environ["JUPYTER_PATH"] = str(home / "jupyter")
    uninstall(python, {**os.environ, **pip_env}, home)
    yield python
    os.environ.pop("JUPYTER_PATH", None)


def uninstall(python, env, home):
    """Remove d2lconv and d2l (a previous run's): the notebooks install them."""
    command = [python, "-m", "pip", "uninstall", "-q", "-y", "d2lconv", "d2l"]
    subprocess.run(command, env=env, check=True, capture_output=True)
    find = (
        "import importlib.util as u; print(u.find_spec('d2lconv'), u.find_spec('d2l'))"
    )
    found = subprocess.run([python, "-c", find], cwd=home, env=env, capture_output=True)
    assert found.stdout.split() == [b"None", b"None"], found


def check_explorers(nb, browser):
    """Each explorer's display holds its picture (text/html), and the state
    ipywidgets 7 saved renders in Chromium to that same picture."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for i, cell in enumerate(nb.cells):
        source = cell.source if cell.cell_type == "code" else ""
        for name in re.findall(r"(?<!class )\b(\w+Explorer)\(", source):
            what = f"cell {i} ({name})"
            shown = [o for o in cell.outputs if WIDGET_VIEW in o.get("data", {})]
            assert len(shown) == 1, f"{what}: {len(shown)} widget outputs, not 1"
            data = shown[0]["data"]
            still = data.get("text/html", "")
            assert still.startswith("<svg"), f"{what}: text/html {still[:200]!r}"
            assert list(parse(still).iter(SVG + "text")), f"{what}: SVG with no text"
            model = state[data[WIDGET_VIEW]["model_id"]]
            assert model["model_module"] == "anywidget", what
            saved = model["state"]
            assert saved["_anywidget_id"].startswith("d2lconv.explorers."), what
            page = open_saved(browser, saved["_esm"], saved)
            try:
                assert_same_svg(seen(page)["svg"], still, f"{what} from its state")
            finally:
                page.close()


def check_setup_report(nb):
    """Notebook 0 finds everything installed by its setup cell, on Colab."""
    [cell] = [c for c in nb.cells if "check_environment()" in c.source]
    text = "".join(
        out.get("text", "") or out.get("data", {}).get("text/plain", "")
        for out in cell.outputs
    )
    assert "FAIL" not in text and "All needs are met." in text, text
    assert "front end: Colab's own" in text
    # Installed by the setup cell into the environment, not found in the repo.
    (line,) = [x for x in text.splitlines() if x.startswith("OK    d2lconv")]
    assert "site-packages" in line, text
    assert "OK    d2l         1.0.3" in text


def test_the_environment_is_colabs(colab):
    code = (
        "import sys, numpy, matplotlib, ipywidgets, IPython;"
        "print(sys.version_info[:2], numpy.__version__, matplotlib.__version__,"
        " ipywidgets.__version__, IPython.__version__)"
    )
    out = subprocess.run(
        [colab, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    # Colab's Python; numpy 2.1.3, the first with wheels for it (Colab: 2.0.2).
    assert out == ["(3,", "13)", "2.1.3", "3.10.0", "7.7.1", "7.34.0"]


@pytest.mark.parametrize(
    "path", NOTEBOOKS, ids=[str(p.relative_to(NOTEBOOK_DIR)) for p in NOTEBOOKS]
)
def test_notebook_runs_on_the_colab_path(colab, browser, path, notebook_run):
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="colab",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
    ).execute()
    notebook_run("Colab path", path.relative_to(ROOT), time.perf_counter() - start)
    assert cell_errors(nb) == []
    assert widget_errors(nb) == []
    if path == CHECK_SETUP:
        check_setup_report(nb)
    check_explorers(nb, browser)
