"""The course website, read as a visitor reads it: built, served, opened in Chromium.

The site is built once for this module with ``scripts/build_site.py`` (what
``make site`` runs: every notebook executed in a fresh kernel), served from
127.0.0.1 by Python's HTTP server, and every page is opened once in Debian's
Chromium through Playwright. Requests that leave the local server are refused
and recorded, and so is every response of the local one (a 404 fails). On
each page axe-core checks the WCAG 2.0 and 2.1 A and AA rules: the npm package,
at the version pinned below, installed by npm into ``.cache/axe-core/`` (not in
git) the first time. Screenshots go to ``artifacts/site/``.

Not part of ``make test`` (pyproject's addopts ignore tests/site): it runs in
``make test-all``, or alone with ``.venv/bin/python -m pytest tests/site``.
``D2LCONV_SITE_REUSE=1`` tests the site/ already built instead of building it.
"""

import ast
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from browser.labserver import ARTIFACTS, chromium
from browser.pages import assert_same_picture

from d2lconv import i18n
from d2lconv.explorers import Explorer

pytestmark = pytest.mark.site

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
SHOTS = ARTIFACTS / "site"
NOTEBOOKS = ROOT / "notebooks"
# The English notebooks as run for the site (the Chinese ones: src/zh).
EXECUTED = ROOT / "build" / "site" / "src" / "en"
BUILD_TIMEOUT = 900  # s; the build itself takes 1-2 minutes here
AXE_VERSION = "4.14.1"  # axe-core, from npm
AXE = ROOT / ".cache" / "axe-core"
# WCAG 2.0 and 2.1, levels A and AA. No preload: axe would fetch the page's
# stylesheets again itself and resolve the theme's @import "../basic.css"
# against the page instead of the sheet (a 404 of its own making). What it
# preloads is read by an experimental rule (the stylesheets) and by the rule
# on autoplaying audio (the site has no audio or video).
AXE_RUN = """async () => {
    const result = await axe.run(document, {
        runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        resultTypes: ["violations"],
        preload: false,
    });
    return result.violations.flatMap(v => v.nodes.map(n => ({
        rule: v.id, impact: v.impact, target: n.target.join(" "),
        why: n.failureSummary,
    })));
}"""

sys.path.insert(0, str(ROOT / "scripts"))
import notebook_headers as headers  # noqa: E402

SETTINGS = headers.load_settings(ROOT / "pyproject.toml")

# What the page holds, read once it has loaded and MathJax has finished.
READ_PAGE = """async () => {
    if (window.MathJax && MathJax.Hub) {
        await new Promise(done => MathJax.Hub.Register.StartupHook("End", done));
    }
    const top = svg => !svg.parentElement.closest("svg");
    const svgInfo = svg => ({
        label: svg.getAttribute("aria-label"),
        texts: [...svg.querySelectorAll("text")].map(t => t.textContent),
        cells: [...svg.querySelectorAll("text[data-cell]")].map(t => t.textContent),
        frames: Number(svg.getAttribute("data-frames") || 0),
    });
    const goals = [...document.querySelectorAll("article p, article strong")]
        .find(e => e.textContent.includes("you will be able to"));
    const firstCell = document.querySelector("article div.cell");
    return {
        links: [...document.querySelectorAll("a[href]")].map(a => a.href),
        images: [...document.querySelectorAll("img")].map(i => i.src),
        pictures: [...document.querySelectorAll("div.cell_output svg")]
            .filter(top).map(svgInfo),
        explorers: [...document.querySelectorAll(".d2lconv-live")]
            .map(e => ({
                name: e.dataset.explorer,
                labels: [...e.querySelectorAll("label")].map(l => l.textContent),
                pictures: [...e.querySelectorAll(".d2lconv-picture svg")]
                    .filter(top).map(svgInfo),
                links: [...e.querySelectorAll("a[href]")].map(a => a.href),
            })),
        colab: [...document.querySelectorAll("a[href*='colab.research.google']")]
            .map(a => a.href),
        download: [...document.querySelectorAll("a.d2lconv-download")]
            .map(a => a.href),
        language: [...document.querySelectorAll("a.d2lconv-language")]
            .map(a => a.href),
        lang: document.documentElement.lang,
        next: [...document.querySelectorAll("a.right-next")].map(a => a.href),
        goalsFirst: !!goals && (!firstCell ||
            !!(goals.compareDocumentPosition(firstCell) &
               Node.DOCUMENT_POSITION_FOLLOWING)),
        text: document.body.innerText,
        // Sphinx's maths (MathJax's own output has a class "math" too).
        maths: document.querySelectorAll(".math.notranslate").length,
        mathsUntypeset: [...document.querySelectorAll(".math.notranslate")]
            .filter(e => !e.querySelector(".MathJax, .MathJax_Display")).length,
        mathErrors: document.querySelectorAll(".MathJax_Error, merror").length,
    };
}"""
# Move each explorer of the page as a student does: a key on its first
# slider (the other way at the end of its range). Before and after: what it
# shows, and its settings then.
MOVE_EXPLORERS = """async () => {
    const shown = (box) => {
        const note = box.querySelector(".d2lconv-explanation");
        if (note && note.style.display !== "none") {
            return {explanation: note.textContent};
        }
        return {svg: box.querySelector(".d2lconv-picture svg").outerHTML};
    };
    const moved = [];
    for (const box of document.querySelectorAll(".d2lconv-live")) {
        // A control the page answers alone (not one that needs Python).
        const slider = [...box.querySelectorAll(
            "input[type=range]:not([data-needs-python])")]
            .find((s) => !s.disabled && s.max !== s.min);
        const asking = box.querySelector("input[type=range][data-needs-python]");
        const before = shown(box);
        const up = Number(slider.value) < Number(slider.max);
        const key = up ? "ArrowRight" : "ArrowLeft";
        moved.push({name: box.dataset.explorer, id: slider.id, key, before,
                    asking: asking ? asking.id : null});
    }
    return moved;
}"""
READ_EXPLORER = """(id) => {
    const slider = document.getElementById(id);
    const box = slider.closest(".d2lconv-live");
    const note = box.querySelector(".d2lconv-explanation");
    const after = note && note.style.display !== "none"
        ? {explanation: note.textContent}
        : {svg: box.querySelector(".d2lconv-picture svg").outerHTML};
    return {after, state: JSON.parse(JSON.stringify(box.d2lconvState))};
}"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # The browser left a page before a file was sent: not the site's error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def page_of(url, base):
    """The site path of a local URL, without query or fragment ("" if not local)."""
    if not url.startswith(base):
        return ""
    return urlsplit(url).path.lstrip("/") or "index.html"


def notebook_of(page):
    """The notebook (path under notebooks/) a page shows, or None."""
    path = NOTEBOOKS / Path(page).with_suffix(".ipynb")
    return path if path.exists() else None


def shows_explorer(cell):
    """Whether a code cell's value is an explorer (its last statement builds one)."""
    lines = [x for x in cell.source.splitlines() if not x.lstrip().startswith("%")]
    body = ast.parse("\n".join(lines)).body
    last = body[-1] if body else None
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
        func = last.value.func
        name = getattr(func, "attr", getattr(func, "id", ""))
        return name if name.endswith("Explorer") else None
    return None


@pytest.fixture(scope="module")
def site():
    """site/, built now by scripts/build_site.py (as `make site` does)."""
    if os.environ.get("D2LCONV_SITE_REUSE") and (SITE / "index.html").exists():
        return SITE
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_site.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    seconds = time.perf_counter() - start
    if result.returncode:
        pytest.fail(f"the site build failed:\n{result.stdout[-3000:]}{result.stderr}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "build.log").write_text(result.stdout + result.stderr)
    print(f"\nsite built in {seconds:.0f} s")
    return SITE


@pytest.fixture(scope="module")
def server(site):
    """The site on http://127.0.0.1:<free port>/."""
    handler = functools.partial(Quiet, directory=str(site))
    httpd = Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def pages(site):
    """Every HTML page of the site, as paths from its root."""
    found = sorted(
        p.relative_to(site).as_posix()
        for p in site.rglob("*.html")
        if not any(part.startswith("_") for part in p.relative_to(site).parts)
    )
    assert "index.html" in found
    return found


@pytest.fixture(scope="module")
def axe_script():
    """axe-core's script, installed by npm into .cache/axe-core/ once per version."""
    script = AXE / "node_modules" / "axe-core" / "axe.min.js"
    package = script.with_name("package.json")
    if package.exists() and json.loads(package.read_text())["version"] == AXE_VERSION:
        return script
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("the site test needs npm (it comes with Node.js 18 or newer)")
    command = [npm, "install", "--prefix", str(AXE), "--no-save", "--no-package-lock"]
    command += ["--no-audit", "--no-fund", f"axe-core@{AXE_VERSION}"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    if result.returncode or not script.exists():
        pytest.fail(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return script


@pytest.fixture(scope="module")
def browser():
    try:
        with chromium() as browser:
            yield browser
    except RuntimeError as err:
        pytest.fail(str(err))


@pytest.fixture(scope="module")
def visits(browser, server, pages, axe_script):
    """{page: what Chromium saw on it}: errors, requests, responses, the page's
    content and what axe-core found."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    context.add_init_script(path=axe_script)
    outside = []
    # Every response of the local server, whichever page or sheet asked.
    responses = []
    context.on(
        "response",
        lambda r: r.url.startswith(server) and responses.append(f"{r.status} {r.url}"),
    )

    def only_local(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    seen = {}
    for name in pages:
        record = {"errors": [], "outside": []}
        outside.clear()
        responses.clear()
        handlers = {
            "console": lambda m, r=record: (
                m.type == "error" and r["errors"].append(m.text)
            ),
            "pageerror": lambda e, r=record: r["errors"].append(str(e)),
            "request": lambda q, r=record: (
                not q.url.startswith((server, "data:", "blob:"))
                and r["outside"].append(q.url)
            ),
        }
        for event, handler in handlers.items():
            page.on(event, handler)
        page.goto(server + name, wait_until="load")
        live = page.locator(".d2lconv-live")
        if live.count():
            # The explorers mount themselves (live.js); wait for their pictures.
            page.wait_for_function(
                "n => document.querySelectorAll('.d2lconv-live .d2lconv-controls')"
                ".length === n",
                arg=live.count(),
            )
        record.update(page.evaluate(READ_PAGE))
        record["moved"] = []
        for move in page.evaluate(MOVE_EXPLORERS):
            page.focus(f"#{move['id']}")
            page.keyboard.press(move["key"])
            move.update(page.evaluate(READ_EXPLORER, move["id"]))
            if move["asking"]:
                # A control that needs Python says so on a page with no kernel.
                page.focus(f"#{move['asking']}")
                page.keyboard.press("ArrowRight")
                move["note"] = page.evaluate(
                    "(id) => document.getElementById(id).closest('.d2lconv-live')"
                    ".querySelector('.d2lconv-kernel-note').textContent",
                    move["asking"],
                )
            record["moved"].append(move)
        record["axe"] = page.evaluate(AXE_RUN)
        # The fonts the page uses, loaded or refused, before the next page.
        page.evaluate("document.fonts.ready.then(() => true)")
        screenshot(page, name)
        for event, handler in handlers.items():
            page.remove_listener(event, handler)
        record["outside"] += outside
        record["responses"] = list(responses)
        seen[name] = record
    context.close()
    return seen


def screenshot(page, name):
    """The index and two lessons, for review: top of page, and an explorer."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    stem = Path(name).with_suffix("").as_posix().replace("/", "-")
    lesson = notebook_of(name) is not None and "/" not in name
    if name == "index.html":
        page.screenshot(path=SHOTS / "index.png", full_page=True)
    elif lesson and ("cross-correlation" in name or "pooling" in name):
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=SHOTS / f"{stem}.png")
        explorer = page.locator(".d2lconv-live").first
        if explorer.count():
            explorer.scroll_into_view_if_needed()
            page.screenshot(path=SHOTS / f"{stem}-explorer.png")


def notebook_pages(pages):
    return [p for p in pages if notebook_of(p) is not None]


def lesson_pages(pages):
    return [p for p in notebook_pages(pages) if "/" not in p]


def chinese_pages(pages):
    """The pages of the Chinese edition (site/zh/), index included."""
    return [p for p in pages if p.startswith("zh/")]


def test_every_page_loads_with_no_console_error_and_nothing_from_outside(visits):
    for name, seen in visits.items():
        assert seen["errors"] == [], f"{name}: console errors {seen['errors']}"
        assert seen["outside"] == [], f"{name}: loads from outside {seen['outside']}"


def missing(responses):
    """The responses (``"status url"``) that say the site lacks what was asked."""
    return [r for r in responses if int(r.split()[0]) >= 400]


def test_every_page_gets_everything_it_asks_for(visits):
    for name, seen in visits.items():
        # The page itself, its styles and scripts, at the least.
        assert len(seen["responses"]) > 3, f"{name}: {seen['responses']}"
    failed = {n: missing(s["responses"]) for n, s in visits.items()}
    failed = {n: f for n, f in failed.items() if f}
    assert not failed, "\n".join(f"{n}: {', '.join(f)}" for n, f in failed.items())


def test_every_page_passes_axe_cores_wcag_2_a_and_aa_rules(visits):
    found = [
        f"{name}: {v['rule']} ({v['impact']}) at {v['target']}: {v['why']}"
        for name, seen in visits.items()
        for v in seen["axe"]
    ]
    assert not found, f"axe-core {AXE_VERSION} finds:\n" + "\n".join(found)


# Every alphabet TeX has (\mathcal, \mathbb, \mathfrak, \mathscr, \oldstyle,
# bold ones too), for a formula a lesson may use one day.
ALPHABETS = (
    r"\(\mathcal{A} \boldsymbol{\mathcal{B}} \mathbb{R} \mathfrak{g}"
    r" \boldsymbol{\mathfrak{h}} \mathscr{L} \oldstyle{2024} \mathsf{x}"
    r" \mathtt{y} \mathbf{W} \int_0^1 \sqrt{x} \, dx \)"
)
TYPESET = """async (tex) => {
    const p = document.createElement("p");
    p.textContent = tex;
    document.querySelector("article").prepend(p);
    await new Promise(done => MathJax.Hub.Queue(["Typeset", MathJax.Hub, p], done));
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
    await document.fonts.ready;
    return {typeset: !!p.querySelector(".MathJax"),
            errors: p.querySelectorAll(".MathJax_Error, merror").length};
}"""


def test_maths_in_every_alphabet_asks_for_nothing_the_site_lacks(
    browser, server, pages
):
    """MathJax draws with the STIX-Web fonts the site has, and its hidden copy
    for screen readers names no font the site lacks, whatever the alphabet."""
    [name] = [p for p in lesson_pages(pages) if "cross-correlation" in p]
    page = browser.new_page()
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(server) else route.abort()
        ),
    )
    responses = []
    page.on("response", lambda r: responses.append(f"{r.status} {r.url}"))
    try:
        page.goto(server + name, wait_until="load")
        page.evaluate(READ_PAGE)
        result = page.evaluate(TYPESET, ALPHABETS)
        page.wait_for_load_state("networkidle")
    finally:
        page.close()
    assert result == {"typeset": True, "errors": 0}, result
    assert any("/mathjax/fonts/" in r for r in responses), responses
    lacking = missing(responses)
    assert not lacking, f"{name}: the site lacks {lacking}"


def test_every_internal_link_and_image_resolves(visits, server, site):
    targets = {}
    for name, seen in visits.items():
        for url in seen["links"] + seen["images"]:
            if url.startswith(server):
                targets.setdefault(url, name)
        for url in seen["images"]:
            assert url.startswith((server, "data:")), f"{name}: image {url}"
    assert len(targets) > 50
    ids = {}
    for url, name in sorted(targets.items()):
        path = page_of(url, server)
        target = site / path
        with urllib.request.urlopen(url.split("#")[0], timeout=10) as response:
            assert response.status == 200, f"{name}: {url}"
        fragment = urlsplit(url).fragment
        if fragment and target.suffix == ".html":
            if path not in ids:
                text = target.read_text(encoding="utf-8")
                ids[path] = set(re.findall(r'\bid="([^"]+)"', text))
            assert fragment in ids[path], f"{name}: {url} has no #{fragment}"


def picture_outputs(page):
    """How many of the course's pictures the notebook's run for this page drew.

    A Picture shows itself as SVG text (text/html); a matplotlib plot, such as
    the book's d2l.plot, is an image the page links, not inline SVG.
    """
    nb = nbformat.read(EXECUTED / Path(page).with_suffix(".ipynb"), as_version=4)
    return sum(
        1
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if output.get("data", {}).get("text/html", "").lstrip().startswith("<svg")
    )


def test_lesson_pages_hold_their_pictures_as_inline_svg_with_numbers_as_text(
    visits, pages
):
    drawn = 0
    for name in lesson_pages(pages):
        pictures = visits[name]["pictures"]
        expected = picture_outputs(name)
        drawn += expected
        # Every picture the run drew is inline SVG (explorers add theirs).
        assert len(pictures) >= expected, f"{name}: {len(pictures)} < {expected}"
        for picture in pictures:
            assert picture["texts"], f"{name}: {picture['label']} has no text"
            assert all(cell.strip() for cell in picture["cells"]), picture["label"]
        assert "<svg" not in visits[name]["text"], f"{name}: SVG shown as text"
    assert drawn > 0
    [page] = [p for p in lesson_pages(pages) if "cross-correlation" in p]
    numbers = {t for p in visits[page]["pictures"] for t in p["cells"]}
    assert {"19", "25", "37", "43"} <= numbers


def python_explorer(name, state):
    """The explorer ``name`` in Python, with the settings of the page's state."""
    [kind] = [k for k in all_explorers() if k.NAME == name]
    i18n.set_language(state["language"])
    explorer = kind()
    explorer.set_state(state)
    return explorer


def all_explorers():
    import d2lconv

    kinds = [getattr(d2lconv, n) for n in dir(d2lconv) if n.endswith("Explorer")]
    return [k for k in kinds if isinstance(k, type) and issubclass(k, Explorer)]


def test_every_explorer_is_live_on_its_page_with_no_kernel(visits, pages):
    """Each explorer of every page: its controls, its picture, and a key press
    that redraws it, with no kernel and nothing from another host; the new
    picture is the one Python draws, with PyTorch's numbers, for its settings."""
    kinds = {k.NAME for k in all_explorers()}
    moved = set()
    for name in notebook_pages(pages):
        nb = nbformat.read(notebook_of(name), as_version=4)
        shown = [shows_explorer(c) for c in nb.cells if c.cell_type == "code"]
        seen = visits[name]
        assert len(seen["explorers"]) == len([k for k in shown if k]), name
        colab = headers.colab_url(SETTINGS, notebook_of(name).relative_to(ROOT))
        for explorer, move in zip(seen["explorers"], seen["moved"], strict=True):
            assert explorer["labels"] and explorer["pictures"], f"{name}: {explorer}"
            assert colab in explorer["links"], f"{name}: no Colab link"
            assert move["after"] != move["before"], f"{name}: {move['name']} still"
            if move["asking"]:
                assert move["note"], f"{name}: {move['name']} says nothing"
            where = f"{name}: {move['name']} after {move['key']} on {move['id']}"
            try:
                python = python_explorer(move["name"], move["state"])
                assert_same_picture(move["after"], python, where)
            finally:
                i18n.set_language("en")
            moved.add(move["name"])
    assert moved == kinds, f"explorers never seen live: {kinds - moved}"


def test_colab_and_download_links_name_the_pages_notebook(visits, pages, server):
    lessons = []
    for name in notebook_pages(pages):
        rel = notebook_of(name).relative_to(ROOT)
        seen = visits[name]
        expected = headers.colab_url(SETTINGS, rel)
        assert seen["colab"], f"{name}: no Colab link"
        assert set(seen["colab"]) == {expected}, f"{name}: {seen['colab']}"
        assert seen["colab"][0].endswith("/" + rel.as_posix())
        [download] = set(seen["download"])
        assert download == server + rel.as_posix()
        with urllib.request.urlopen(download, timeout=10) as response:
            assert response.read() == (ROOT / rel).read_bytes()
        if "/" not in name:
            lessons.append(expected)
    index = visits["index.html"]
    assert set(index["colab"]) == set(lessons)


def test_pages_open_with_their_goals_and_next_walks_the_course(visits, pages, server):
    for name in lesson_pages(pages):
        source = notebook_of(name).read_text(encoding="utf-8")
        seen = visits[name]
        if "you will be able to" in source:
            assert seen["goalsFirst"], f"{name}: the goals are not at the top"
        assert headers.SETUP_MARK not in seen["text"], f"{name}: the setup cell"
    # Next, next, next from the index: every lesson, then every solution.
    walked, name = [], "index.html"
    while visits[name]["next"]:
        name = page_of(visits[name]["next"][0], server)
        walked.append(name)
    course = lesson_pages(pages)
    english = [p for p in notebook_pages(pages) if p not in chinese_pages(pages)]
    solutions = [p for p in english if p not in course]
    assert walked[: len(course) + len(solutions)] == course + solutions
    # The sidebar links every notebook of its edition from every notebook page.
    for edition in (english, [p for p in notebook_pages(pages) if p.startswith("zh/")]):
        for name in edition:
            linked = {page_of(url, server) for url in visits[name]["links"]}
            assert set(edition) <= linked, name


def test_every_page_links_the_same_page_in_the_other_language(visits, pages, server):
    chinese = chinese_pages(pages)
    english = [p for p in pages if p not in chinese]
    # Every notebook has its Chinese page, and the index its Chinese index.
    assert sorted(
        p for p in chinese if p == "zh/index.html" or notebook_of(p)
    ) == sorted(f"zh/{p}" for p in english if p == "index.html" or notebook_of(p))
    for name in [*notebook_pages(pages), "index.html", "zh/index.html"]:
        other = name[3:] if name.startswith("zh/") else f"zh/{name}"
        linked = [page_of(url, server) for url in visits[name]["language"]]
        assert linked == [other], (
            f"{name} should link {other}: {visits[name]['language']}"
        )


def test_chinese_pages_are_chinese_with_chinese_pictures(visits, pages):
    for name in chinese_pages(pages):
        seen = visits[name]
        assert seen["lang"] == "zh-CN", f"{name}: <html lang={seen['lang']!r}>"
        assert re.search("[\u4e00-\u9fff]{20}", seen["text"].replace("\n", "")) or (
            len(re.findall("[\u4e00-\u9fff]", seen["text"])) > 40
        ), f"{name} has little Chinese text"
        for explorer in seen["explorers"]:
            [picture] = explorer["pictures"]
            assert any(re.search("[\u4e00-\u9fff]", t) for t in picture["texts"]), (
                f"{name}: an explorer's picture has no Chinese text"
            )


def test_maths_is_typeset_offline(visits, pages):
    typeset = 0
    for name in notebook_pages(pages):
        seen = visits[name]
        assert seen["mathErrors"] == 0, name
        assert seen["mathsUntypeset"] == 0, f"{name}: raw TeX left"
        typeset += seen["maths"]
    assert typeset > 100


def search(browser, server, path):
    """The pages a search on the site lists (``path``: "search.html?q=...")."""
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.goto(server + path)
        results = page.locator("ul.search li a")
        results.first.wait_for(timeout=30_000)
        hrefs = results.evaluate_all("links => links.map(a => a.href)")
    finally:
        page.close()
    assert errors == [], f"{path}: console errors {errors}"
    return {page_of(href, server) for href in hrefs}


def test_search_finds_a_lesson(browser, server, pages):
    found = search(browser, server, "search.html?q=cross-correlation")
    assert any("cross-correlation" in p for p in found & set(notebook_pages(pages)))


@pytest.mark.parametrize(
    "term, lesson", [("互相关", "02-cross-correlation"), ("感受野", "03-learning")]
)
def test_chinese_search_finds_a_lesson_by_a_glossary_term(
    browser, server, pages, term, lesson
):
    found = search(browser, server, f"zh/search.html?q={term}")
    assert any(lesson in p for p in found if p.startswith("zh/")), (term, found)
