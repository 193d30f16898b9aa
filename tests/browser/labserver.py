"""Start the course's JupyterLab the README way, and headless Chromium to drive it.

The lab is started through ``scripts/lab.sh`` (what ``make lab`` runs) on
127.0.0.1, a free port and a token made here. JupyterLab keeps its settings
and workspaces in a temporary folder, with autosave off, so running notebooks
in the browser never writes to the files in ``notebooks/``.
"""

import ast
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(
    p for p in NOTEBOOK_DIR.glob("**/*.ipynb") if ".ipynb_checkpoints" not in p.parts
)
ARTIFACTS = ROOT / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = (
    "run `bash scripts/install-browser.sh` (installs Debian chromium) and "
    "`.venv/bin/pip install -e '.[dev]'` (installs playwright)"
)
# Flags that let Debian's Chromium run headless as root in a container with
# no network: no sandbox (needs user namespaces), no GPU, no background traffic.
CHROMIUM_ARGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
    " --disable-background-networking --disable-component-update --disable-sync"
    # Every notebook gets its own page and they run side by side: keep the
    # pages in the background rendering at full speed.
    " --disable-renderer-backgrounding --disable-background-timer-throttling"
    " --disable-backgrounding-occluded-windows"
).split()
# JupyterLab user settings for the test lab. Autosave off: the notebooks are
# the repository's files. No windowing: every cell stays in the DOM. No news
# or update pop-ups over the notebook.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none"
    },
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
LAB_START_TIMEOUT = 600  # s; the first start may create the environment


def find_explorers(notebooks):
    """(notebook, cell number, class name) of every explorer the notebooks show:
    each code cell whose last statement (its value) builds one."""
    found = []
    for path in notebooks:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for i, cell in enumerate(cells):
            lines = "".join(cell["source"]).splitlines()
            code = "\n".join(x for x in lines if not x.lstrip().startswith("%"))
            body = ast.parse(code).body if cell["cell_type"] == "code" else []
            value = body[-1].value if body and isinstance(body[-1], ast.Expr) else None
            built = ast.unparse(value.func) if isinstance(value, ast.Call) else ""
            if built.endswith("Explorer"):
                found.append((path, i, built.rsplit(".", 1)[-1]))
    return found


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def http_get(url, headers=None, method="GET"):
    """GET ``url`` without following redirects; return (status, headers, body)."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with _opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


class Lab:
    """A running JupyterLab: its base URL, token, port and log file."""

    def __init__(self, url, token, port, log):
        self.url, self.token, self.port, self.log = url, token, port, log

    def api(self, path, token=True, method="GET"):
        """Ask the lab's API, with or without the token; return (status, body)."""
        headers = {"Authorization": f"token {self.token}"} if token else {}
        status, _, body = http_get(self.url + path, headers, method=method)
        return status, body

    def shut_down_kernel(self, path):
        """Shut down the kernel of the notebook at ``path`` (relative to ROOT);
        its page stays open with its outputs."""
        status, body = self.api("/api/sessions")
        assert status == 200, f"GET /api/sessions: {status}"
        for session in json.loads(body):
            if session.get("path") == path.as_posix():
                url = f"/api/sessions/{session['id']}"
                assert self.api(url, method="DELETE")[0] == 204, url

    def log_tail(self):
        """The last 40 lines the lab printed (for failure messages)."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-40:])


def _stop(process):
    """Stop the lab and its kernels: SIGTERM to its process group, then SIGKILL."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def running_lab(home, log):
    """Start JupyterLab with scripts/lab.sh in ``home``; yield a Lab; stop it.

    Raises RuntimeError, with the end of the lab's log, when it does not start.
    """
    for name, values in LAB_SETTINGS.items():
        path = home / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    with socket.socket() as s:  # a port nothing listens on now
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    lab = Lab(f"http://127.0.0.1:{port}", secrets.token_hex(24), port, log)
    env = dict(
        os.environ,
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
    )
    command = ["bash", str(ROOT / "scripts" / "lab.sh"), "--no-browser"]
    command += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    command += [f"--IdentityProvider.token={lab.token}"]
    # Lets a test read a number from the notebook's kernel (kernel_print).
    command += ["--LabApp.expose_app_in_browser=True"]
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        # A session of its own, so stopping it also stops its kernels.
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + LAB_START_TIMEOUT
    try:
        while not _answers(lab):
            ended = process.poll() is not None
            if ended or time.monotonic() > deadline:
                why = (
                    f"exited with {process.returncode}"
                    if ended
                    else f"did not answer on {lab.url} within {LAB_START_TIMEOUT} s"
                )
                raise RuntimeError(f"`{' '.join(command)}` {why}:\n" + lab.log_tail())
            time.sleep(0.1)  # poll interval while the server starts
        yield lab
    finally:
        _stop(process)


def _answers(lab):
    """Whether the lab's server answers its status API yet."""
    try:
        return lab.api("/api/status")[0] == 200
    except OSError:
        return False


@contextlib.contextmanager
def chromium():
    """Headless Debian Chromium driven by Playwright; RuntimeError if missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        raise RuntimeError(
            f"the playwright package is missing: {INSTALL_HINT}"
        ) from err
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: {INSTALL_HINT}")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def login(browser, lab):
    """A new page with JupyterLab open, logged in with the token."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"{lab.url}/lab?token={lab.token}")
    page.locator(".jp-DirListing-item").first.wait_for()
    return page
