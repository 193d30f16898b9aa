"""Drive a notebook and its explorers in JupyterLab the way a student does.

Controls are used through what the page shows (sliders, buttons, tabs) and
results are read from it (prompts, outputs, the explorers' SVG pictures).
JupyterLab's app object (exposed by ``--LabApp.expose_app_in_browser``) is
used only to open notebooks in tabs, to Run All Cells of one (the Run menu's
command), to read a kernel's status, and in ``NotebookPage.kernel_print``,
which reads the explorers' settings in the kernel.
"""

import re
import time
from pathlib import Path

from .labserver import SCREENSHOTS
from .pages import SHOWN_BY

STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
# An explorer: the element its ES module draws in (d2lconv/explorers/core.js).
EXPLORER = ".jp-OutputArea-output .d2lconv-explorer"
OPEN_TIMEOUT = 180_000  # ms to load JupyterLab and start a kernel
RUN_TIMEOUT = 360  # s for Run All Cells, all notebooks together

# The kernel status of a notebook tab. Read from the session, not from the
# toolbar: a tab's toolbar moves its items into a pop-up while it is hidden.
_KERNEL_STATUS = """(id) => {
  const panel = [...window.jupyterapp.shell.widgets('main')].find(w => w.id === id);
  const kernel = panel && panel.sessionContext.session
    && panel.sessionContext.session.kernel;
  return kernel ? kernel.status : 'no kernel';
}"""

# False while the notebook is still running: the kernel is busy or a cell is
# queued ([*]); true when every code cell has a number or one shows an error.
_RUN_FINISHED = """([id, stderr]) => {
  const status = (_KERNEL_STATUS_JS)(id);
  if (status !== 'idle') return false;
  const panel = document.getElementById(id);
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
    .map(e => e.textContent.trim());
  if (!prompts.length || prompts.some(p => p === '[*]:')) return false;
  if (prompts.every(p => /^\\[\\d+\\]:$/.test(p))) return true;
  return [...panel.querySelectorAll(stderr)]
    .some(e => /Traceback|Error/.test(e.textContent));
}"""

_RUN_FINISHED = _RUN_FINISHED.replace("_KERNEL_STATUS_JS", _KERNEL_STATUS)

# Runs code in the notebook's kernel and returns what it printed.
_KERNEL_PRINT = """async ([id, code]) => {
  const panel = [...window.jupyterapp.shell.widgets('main')].find(w => w.id === id);
  const kernel = panel.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, silent: false, store_history: false});
  let text = '';
  future.onIOPub = (msg) => {
    const t = msg.header.msg_type;
    if (t === 'stream' && msg.content.name === 'stdout') text += msg.content.text;
    if (t === 'error') text += msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  return text;
}"""

# Opens notebooks in new tabs, as a double click in the file browser does,
# all at once; each starts its own kernel.
_OPEN = """async (paths) => {
  await window.jupyterapp.restored;
  const open = (path) => window.jupyterapp.commands.execute(
    'docmanager:open', {path, factory: 'Notebook'});
  return (await Promise.all(paths.map(open))).map(widget => widget.id);
}"""

_ERROR_LAST_LINE = re.compile(r"^[\w.]*(Error|Exception|Interrupt)\b")


def is_error_text(text):
    """True for the text of a Python error output (traceback or 'XError: ...')."""
    last = text.strip().rsplit("\n", 1)[-1].strip()
    traceback = "Traceback (most recent call last)" in text
    return traceback or bool(_ERROR_LAST_LINE.match(last))


class NotebookPage:
    """One notebook open in a tab of the JupyterLab page."""

    def __init__(self, page, name, panel_id):
        self.page = page
        self.name = name
        self.panel_id = panel_id
        self.selector = f'.jp-NotebookPanel[id="{panel_id}"]'
        self.panel = page.locator(self.selector)
        self.run_seconds = None
        self._started = None

    def activate(self):
        """Click the notebook's tab (unless it is the one on screen already)."""
        if "lm-mod-hidden" not in (self.panel.get_attribute("class") or "hidden"):
            return
        self.page.locator(f'.lm-TabBar-tab[data-id="{self.panel_id}"]').click()
        self.page.locator(self.selector + ":not(.lm-mod-hidden)").wait_for()

    def start_run_all(self):
        """Show the notebook, wait until its kernel is idle and Run All Cells.

        JupyterLab builds a tab's content the first time it is shown. The
        notebooks are stored without outputs: until the run is over, a prompt
        is empty or queued, so that nothing before it counts as finished.
        """
        self.activate()
        self.panel.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=OPEN_TIMEOUT)
        self.page.wait_for_function(
            f"(id) => ({_KERNEL_STATUS})(id) === 'idle'",
            arg=self.panel_id,
            timeout=OPEN_TIMEOUT,
        )
        self.page.evaluate(
            "(id) => { window.jupyterapp.commands.execute("
            "'notebook:run-all-cells', {widgetId: id}); }",
            self.panel_id,
        )
        self._started = time.perf_counter()

    def run_finished(self):
        """True once the run is over: all cells ran, or one showed an error."""
        if self.run_seconds is None and self.page.evaluate(
            _RUN_FINISHED, [self.panel_id, STDERR]
        ):
            self.run_seconds = time.perf_counter() - self._started
        return self.run_seconds is not None

    def describe_stuck(self):
        """Kernel status and prompts of a run that does not end, plus a screenshot."""
        status = self.page.evaluate(_KERNEL_STATUS, self.panel_id)
        self.activate()
        shot = SCREENSHOTS / (Path(self.name).stem + "-stuck.png")
        shot.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(shot))
        return f"{self.name}: kernel {status}, prompts {self.prompts()}, see {shot}"

    def prompts(self):
        """The input prompts of the code cells, e.g. ['[1]:', '[2]:']."""
        prompts = self.panel.locator(".jp-CodeCell .jp-InputPrompt")
        return [p.strip() for p in prompts.all_text_contents()]

    def assert_ran_clean(self):
        """Every code cell ran, in order, and no cell, widget output or log
        message shows an error."""
        errors = self.error_outputs()
        assert not errors, "\n\n".join(f"cell {i}:\n{text}" for i, text in errors)
        prompts = self.prompts()
        unrun = [i for i, p in enumerate(prompts) if p != f"[{i + 1}]:"]
        assert not unrun, f"code cells {unrun} did not run in order: {prompts}"
        logged = self.log_errors()
        assert not logged, "log console:\n" + "\n\n".join(logged)

    def error_outputs(self):
        """(cell number, text) of each error shown in a cell or a widget's output."""
        outputs = self.page.evaluate(
            """([sel, stderr]) => [...document.querySelectorAll(sel)].flatMap(
                 (cell, i) => [...cell.querySelectorAll(stderr)]
                   .map(e => [i, e.textContent]))""",
            [self.selector + " .jp-Notebook .jp-Cell", STDERR],
        )
        return [(i, text[-1500:]) for i, text in outputs if is_error_text(text)]

    def log_errors(self):
        """The errors and tracebacks in JupyterLab's log console.

        Errors raised by widget callbacks outside any Output widget land there
        (the status bar shows a counter); the panel is opened only when the
        counter is visible.
        """
        self.activate()  # the status bar counts the messages of the active tab
        item = self.page.locator(".jp-LogConsoleStatusItem")
        if item.count() == 0 or "lm-mod-hidden" in (item.get_attribute("class") or ""):
            return []
        item.click()
        children = self.page.locator(".jp-LogConsolePanel .jp-OutputArea-child")
        children.first.wait_for()
        errors = []
        for child in children.all():
            prompt = child.locator(".jp-OutputArea-prompt")
            level = prompt.get_attribute("data-log-level")
            text = child.locator(".jp-OutputArea-output").inner_text()[-1500:]
            if level in ("error", "critical") or is_error_text(text):
                errors.append(text)
        return errors

    def kernel_print(self, code):
        """Run ``code`` in this notebook's kernel; return what it printed to stdout."""
        return self.page.evaluate(_KERNEL_PRINT, [self.panel_id, code])

    def explorer_in_cell(self, cell):
        """The one explorer shown in the output of cell number ``cell``."""
        self.activate()
        views = self.panel.locator(".jp-Notebook .jp-Cell").nth(cell).locator(EXPLORER)
        # The widget draws itself once its ES module has loaded.
        drawn = views.locator("svg, .d2lconv-explanation").first
        drawn.wait_for(state="attached", timeout=30_000)
        count = views.count()
        assert count == 1, f"{self.name} cell {cell} shows {count} explorers, not 1"
        return ExplorerView(self.page, views.first)


def open_and_run(page, paths):
    """Open every notebook in a tab of ``page`` and Run All Cells, all at once.

    Each runs in the fresh kernel it started when it opened; the notebooks run
    side by side (their kernels and the browser overlap their waits). Returns
    {path: NotebookPage} once every run is over.
    """
    ids = page.evaluate(_OPEN, [str(path) for path in paths])
    pages = {
        path: NotebookPage(page, str(path), i)
        for path, i in zip(paths, ids, strict=True)
    }
    for notebook in pages.values():
        notebook.start_run_all()
    deadline = time.monotonic() + RUN_TIMEOUT
    while pending := [nb for nb in pages.values() if not nb.run_finished()]:
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"still running after {RUN_TIMEOUT} s:\n"
                + "\n".join(nb.describe_stuck() for nb in pending)
            )
        page.wait_for_timeout(200)  # poll interval, not a wait for the UI
    return pages


# [label, input id, needs Python] of every slider that can move, in page order.
_SLIDERS = """(root) => [...root.querySelectorAll('label[for]')]
  .map(label => [label.innerText, root.querySelector('#' + CSS.escape(label.htmlFor))])
  .filter(([_, c]) => c && c.type === 'range' && !c.disabled && c.max !== c.min)
  .map(([text, c]) => [text, c.id, c.hasAttribute('data-needs-python')])"""


class ExplorerView:
    """The controls and picture of one explorer on the page (its ES module's DOM)."""

    def __init__(self, page, root):
        self.page = page
        self.root = root
        self.picture = root.locator(".d2lconv-picture").first

    def state(self):
        """What the student sees: ``{"svg": ...}`` or ``{"explanation": ...}``."""
        return self.root.evaluate(SHOWN_BY)

    def wait_for_new_state(self, old):
        """Wait until the picture or the explanation differs from ``old``."""
        self.page.wait_for_function(
            f"([root, old]) => {{ const now = ({SHOWN_BY})(root);"
            " return now.svg !== old.svg || now.explanation !== old.explanation; }",
            arg=[self.root.element_handle(), old],
            timeout=5_000,
        )
        return self.state()

    def sliders(self, local=False):
        """(label, input) of every slider that can move, in page order; with
        ``local``, only those the page answers alone (no data-needs-python)."""
        return [
            (label, self.root.locator(f"#{control}"))
            for label, control, asks in self.root.evaluate(_SLIDERS)
            if not (local and asks)
        ]

    def asking_python(self):
        """The controls whose change only Python can answer (data-needs-python)."""
        return self.root.locator("[data-needs-python]")

    def nudge(self, control):
        """Focus a slider and press the arrow key towards its far end, as a
        student does; return the key."""
        up = control.evaluate("c => Number(c.value) < Number(c.max)")
        key = "ArrowRight" if up else "ArrowLeft"
        control.focus()
        self.page.keyboard.press(key)
        return key

    def screenshot(self, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.root.scroll_into_view_if_needed()
        self.root.screenshot(path=str(path))


# In the page: from each input (a key's keydown, or an input event of a drag)
# to the frame painted after the change it brings to `root`. "Painted": a
# message posted from the frame's requestAnimationFrame callback runs once the
# browser has done that frame's style, layout and paint.
MEASURE = """([root, start]) => {
  const samples = [];
  let t0 = null;
  const begin = (e) => { if (t0 === null) t0 = e.timeStamp; };
  document.addEventListener(start, begin, true);
  const observer = new MutationObserver(() => {
    if (t0 === null) return;
    const t = t0;
    t0 = null;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => samples.push(performance.now() - t);
      channel.port2.postMessage(null);
    });
  });
  observer.observe(root, {childList: true, subtree: true, characterData: true});
  window.__latency = {samples, stop() {
    document.removeEventListener(start, begin, true);
    observer.disconnect();
  }};
}"""


BACK = {"ArrowLeft": "ArrowRight", "ArrowRight": "ArrowLeft"}


def collected(page):
    """The ms the measure (MEASURE) took, which then stops."""
    return page.evaluate("() => (window.__latency.stop(), window.__latency.samples)")


def key_samples(page, root, control, key, presses):
    """Press ``key`` on ``control``, then the other way, ``presses`` times in all;
    return the ms from each keydown to the frame painted after ``root`` changed.

    Each press waits for its picture, then 80 ms, as a student watching the
    picture does (a press right after a paint would wait for the next frame).
    """
    page.evaluate(MEASURE, [root.element_handle(), "keydown"])
    control.focus()
    for i in range(presses):
        page.keyboard.press(key if i % 2 == 0 else BACK[key])
        page.wait_for_function(
            "(n) => window.__latency.samples.length > n", arg=i, timeout=20_000
        )
        page.wait_for_timeout(80)
    return collected(page)
