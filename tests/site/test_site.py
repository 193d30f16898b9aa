"""The course website, read as a visitor reads it: built, served, opened in Chromium.

The site is built once for this module with ``scripts/build_site.py`` (what
``make site`` runs; from ``D2LCONV_EXECUTED``'s runs when set), served from
127.0.0.1 by Python's HTTP server, and every page is opened once in Debian's
Chromium through Playwright. Requests that leave the local server are refused
and recorded, and so is every response of the local one (a 404 fails). On
each page axe-core (see ``axe_script``) checks the WCAG 2.0 and 2.1 A and AA
rules. Screenshots go to ``artifacts/site/``.

Not part of ``make test`` (pyproject's addopts ignore tests/site): it runs in
``make test-all``, or alone with ``.venv/bin/python -m pytest tests/site``.
``D2LCONV_SITE_REUSE=1`` tests the site/ already built instead of building it.
"""

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from browser.labserver import ARTIFACTS, ROOT, find_explorers
from browser.labserver import NOTEBOOK_DIR as NOTEBOOKS
from browser.pages import (
    SHOWN_BY,
    TEXT_SIZES,
    assert_same_picture,
    choose_random_values,
)

from d2lconv import i18n
from d2lconv.explorers import Explorer

sys.path.insert(0, str(ROOT / "scripts"))
import notebook_headers as headers  # noqa: E402

pytestmark = pytest.mark.site

SITE = ROOT / "site"
SHOTS = ARTIFACTS / "site"
# The English notebooks as run for the site (the Chinese ones: src/zh).
EXECUTED = ROOT / "build" / "site" / "src" / "en"
SETTINGS = headers.load_settings(ROOT / "pyproject.toml")
AXE_VERSION = "4.14.1"  # axe-core, from npm
AXE = ROOT / ".cache" / "axe-core"
CJK = "[\u4e00-\u9fff]"
# WCAG 2.0 and 2.1, levels A and AA. No preload: axe would fetch the page's
# stylesheets again itself and resolve the theme's @import "../basic.css"
# against the page instead of the sheet (a 404 of its own making). What it
# preloads is read by an experimental rule (the stylesheets) and by the rule
# on autoplaying audio (the site has no audio or video).
AXE_RUN = """async () => (await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    resultTypes: ["violations"],
    preload: false,
})).violations.flatMap(v => v.nodes.map(n =>
    `${v.id} (${v.impact}) at ${n.target.join(" ")}: ${n.failureSummary}`))"""
# What the page holds, read once it has loaded and MathJax has finished.
READ_PAGE = """async () => {
    if (window.MathJax && MathJax.Hub) {
        await new Promise(done => MathJax.Hub.Register.StartupHook("End", done));
    }
    const all = (sel, root = document) => [...root.querySelectorAll(sel)];
    const hrefs = (sel, root) => all(sel, root).map(a => a.href);
    const pictures = (sel, root) => all(sel, root)
        .filter(svg => !svg.parentElement.closest("svg")).map(svg => ({
            label: svg.getAttribute("aria-label"),
            texts: all("text", svg).map(t => t.textContent),
            cells: all("text[data-cell]", svg).map(t => t.textContent),
        }));
    const goals = all("article p, article strong")
        .find(e => e.textContent.includes("you will be able to"));
    // Each text of the pictures and explorers as drawn on screen (pages.py).
    const texts = (TEXT_SIZES)("div.cell_output svg text");
    const firstCell = document.querySelector("article div.cell");
    // Sphinx's maths (MathJax's own output has a class "math" too).
    const maths = all(".math.notranslate");
    return {
        links: hrefs("a[href]"),
        images: all("img").map(i => i.src),
        pictures: pictures("div.cell_output svg"),
        explorers: all(".d2lconv-live").map(e => ({
            labels: all("label", e).map(l => l.textContent),
            pictures: pictures(".d2lconv-picture svg", e),
            links: hrefs("a[href]", e),
        })),
        colab: hrefs("a[href*='colab.research.google']"),
        download: hrefs("a.d2lconv-download"),
        language: hrefs("a.d2lconv-language"),
        lang: document.documentElement.lang,
        next: hrefs("a.right-next"),
        goalsFirst: !!goals && (!firstCell || !!(goals.compareDocumentPosition(
            firstCell) & Node.DOCUMENT_POSITION_FOLLOWING)),
        text: document.body.innerText,
        textsMeasured: texts.length,
        textsSmall: texts.filter(([px]) => px < 8).slice(0, 5),
        maths: maths.length,
        mathsUntypeset: maths.filter(
            e => !e.querySelector(".MathJax, .MathJax_Display")).length,
        mathErrors: all(".MathJax_Error, merror").length,
    };
}""".replace("TEXT_SIZES", TEXT_SIZES)
# Each explorer of the page, to be moved as a student does: a key on its first
# slider the page answers alone (the other way at the end of its range).
TO_MOVE = """() => [...document.querySelectorAll(".d2lconv-live")].map(box => {
    const slider = [...box.querySelectorAll(
        "input[type=range]:not([data-needs-python])")]
        .find(s => !s.disabled && s.max !== s.min);
    const asking = box.querySelector("input[type=range][data-needs-python]");
    const key = Number(slider.value) < Number(slider.max) ? "ArrowRight" : "ArrowLeft";
    return {name: box.dataset.explorer, id: slider.id, key, before: shownBy(box),
            asking: asking ? asking.id : null,
            label: asking ? asking.labels[0].textContent : null};
})"""
# An explorer, found by one of its controls: what it shows, its settings, its note.
READ_EXPLORER = """(id) => {
    const box = document.getElementById(id).closest(".d2lconv-live");
    return {after: shownBy(box), state: JSON.parse(JSON.stringify(box.d2lconvState)),
            note: box.querySelector(".d2lconv-kernel-note")?.textContent};
}"""
# Every alphabet TeX has (\mathcal, \mathbb, \mathfrak, \mathscr, \oldstyle,
# bold ones too), for a formula a lesson may use one day, typeset on one page.
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
MATHS_PAGE = "02-cross-correlation.html"


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # The browser left a page before a file was sent: not the site's error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def page_of(url, base):
    """The site path of a local URL, without query or fragment ("" if not local)."""
    if not url.startswith(base):
        return ""
    return urlsplit(url).path.lstrip("/") or "index.html"


def notebook_of(page):
    """The notebook (path under notebooks/) a page shows, or None."""
    path = NOTEBOOKS / Path(page).with_suffix(".ipynb")
    return path if path.exists() else None


@pytest.fixture(scope="module")
def site():
    """site/, built now by scripts/build_site.py (as `make site` does)."""
    if os.environ.get("D2LCONV_SITE_REUSE") and (SITE / "index.html").exists():
        return SITE
    build = [sys.executable, str(ROOT / "scripts" / "build_site.py")]
    result = subprocess.run(
        build, cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    if result.returncode:
        pytest.fail(f"the site build failed:\n{result.stdout[-3000:]}{result.stderr}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "build.log").write_text(result.stdout + result.stderr)
    return SITE


@pytest.fixture(scope="module")
def server(site):
    """The site on http://127.0.0.1:<free port>/."""
    httpd = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
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
    assert "index.html" in found and MATHS_PAGE in found
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
def visits(browser, server, pages, axe_script):
    """{page: what Chromium saw on it}: errors, requests from outside, the local
    server's responses, the page's content, its explorers moved, what axe-core
    found; on MATHS_PAGE, maths in every alphabet typeset at the end."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    context.add_init_script(path=axe_script)
    context.add_init_script(script=f"window.shownBy = {SHOWN_BY};")
    seen, now = {}, {}

    def only_local(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            now["outside"].append(route.request.url)
            route.abort()

    # Every response, whichever page or sheet asked: the local server's (only_local
    # refuses the others).
    context.on("response", lambda r: now["responses"].append(f"{r.status} {r.url}"))
    context.route("**/*", only_local)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and now["errors"].append(m.text))
    page.on("pageerror", lambda e: now["errors"].append(str(e)))
    for name in pages:
        now = seen[name] = {"errors": [], "outside": [], "responses": []}
        page.goto(server + name, wait_until="load")
        # The explorers mount themselves (live.js); wait for their pictures.
        page.wait_for_function(
            "() => document.querySelectorAll('.d2lconv-live').length === "
            "document.querySelectorAll('.d2lconv-live .d2lconv-controls').length"
        )
        now.update(page.evaluate(READ_PAGE), moved=page.evaluate(TO_MOVE))
        for move in now["moved"]:
            page.focus(f"#{move['id']}")
            page.keyboard.press(move["key"])
            move.update(page.evaluate(READ_EXPLORER, move["id"]))
            if move["asking"]:
                # A control that needs Python is off on a page with no kernel,
                # even with the random values a seed draws chosen.
                asking = page.locator(f"#{move['asking']}")
                box = asking.locator("xpath=ancestor::*[@data-explorer][1]")
                if box.locator('select[name="values"]').count():
                    choose_random_values(box)
                move["off"] = asking.is_disabled()
        now["axe"] = page.evaluate(AXE_RUN)
        # The fonts the page uses, loaded or refused, before the next page.
        page.evaluate("document.fonts.ready.then(() => true)")
        screenshot(page, name)
        if name == MATHS_PAGE:
            now["alphabets"] = page.evaluate(TYPESET, ALPHABETS)
            page.wait_for_load_state("networkidle")
    context.close()
    return seen


def screenshot(page, name):
    """The index, and two lessons for review: the top and the first explorer."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    if name == "index.html":
        page.screenshot(path=SHOTS / "index.png", full_page=True)
    elif name in (MATHS_PAGE, "08-pooling.html"):
        stem = Path(name).stem
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


def missing(responses):
    """The responses (``"status url"``) that say the site lacks what was asked."""
    return [r for r in responses if int(r.split()[0]) >= 400]


def test_every_page_loads_with_no_console_error_and_nothing_from_outside(visits):
    for name, seen in visits.items():
        assert seen["errors"] == [], f"{name}: console errors {seen['errors']}"
        assert seen["outside"] == [], f"{name}: loads from outside {seen['outside']}"


def test_every_page_gets_everything_it_asks_for(visits):
    for name, seen in visits.items():
        # The page itself, its styles and scripts, at the least.
        assert len(seen["responses"]) > 3, f"{name}: {seen['responses']}"
    failed = {n: missing(s["responses"]) for n, s in visits.items()}
    failed = {n: f for n, f in failed.items() if f}
    assert not failed, "\n".join(f"{n}: {', '.join(f)}" for n, f in failed.items())


def test_every_page_passes_axe_cores_wcag_2_a_and_aa_rules(visits):
    found = [f"{name}: {v}" for name, seen in visits.items() for v in seen["axe"]]
    assert not found, f"axe-core {AXE_VERSION} finds:\n" + "\n".join(found)


def test_maths_in_every_alphabet_asks_for_nothing_the_site_lacks(visits):
    """MathJax draws with the STIX-Web fonts the site has, and its hidden copy
    for screen readers names no font the site lacks, whatever the alphabet."""
    seen = visits[MATHS_PAGE]
    assert seen["alphabets"] == {"typeset": True, "errors": 0}, seen["alphabets"]
    assert any("/mathjax/fonts/" in r for r in seen["responses"]), seen["responses"]
    assert not missing(seen["responses"]), missing(seen["responses"])


def test_maths_is_typeset_offline(visits, pages):
    typeset = 0
    for name in notebook_pages(pages):
        seen = visits[name]
        assert seen["mathErrors"] == 0, name
        assert seen["mathsUntypeset"] == 0, f"{name}: raw TeX left"
        typeset += seen["maths"]
    assert typeset > 100


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
        with urllib.request.urlopen(url.split("#")[0], timeout=10) as response:
            assert response.status == 200, f"{name}: {url}"
        fragment = urlsplit(url).fragment
        if fragment and path.endswith(".html"):
            if path not in ids:
                text = (site / path).read_text(encoding="utf-8")
                ids[path] = set(re.findall(r'\bid="([^"]+)"', text))
            assert fragment in ids[path], f"{name}: {url} has no #{fragment}"


def picture_outputs(page):
    """How many of the course's pictures the notebook's run for this page drew.

    A Picture shows itself as SVG text (text/html); a matplotlib plot, such as
    the book's d2l.plot, is an image the page links, not inline SVG.
    """
    nb = nbformat.read(EXECUTED / Path(page).with_suffix(".ipynb"), as_version=4)
    outputs = [o for cell in nb.cells for o in cell.get("outputs", [])]
    return sum(
        o.get("data", {}).get("text/html", "").lstrip().startswith("<svg")
        for o in outputs
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
    numbers = {t for p in visits[MATHS_PAGE]["pictures"] for t in p["cells"]}
    assert {"19", "25", "37", "43"} <= numbers


def test_every_pictures_text_is_drawn_at_least_8_px_high(visits):
    """No picture shrinks to fit the column: a wide one scrolls sideways."""
    assert sum(seen["textsMeasured"] for seen in visits.values()) > 1000
    small = {name: seen["textsSmall"] for name, seen in visits.items()}
    small = {name: texts for name, texts in small.items() if texts}
    assert not small, f"text under 8 px on screen ([px, text]): {small}"


def test_every_explorer_is_live_on_its_page_with_no_kernel(visits, pages):
    """Each explorer of every page: its controls, its picture, and a key press
    that redraws it, with no kernel and nothing from another host; the new
    picture is the one Python draws, with PyTorch's numbers, for its settings."""
    kinds = {kind.NAME: kind for kind in Explorer.__subclasses__()}
    moved = set()
    for name in notebook_pages(pages):
        seen = visits[name]
        assert len(seen["explorers"]) == len(find_explorers([notebook_of(name)])), name
        colab = headers.colab_url(SETTINGS, notebook_of(name).relative_to(ROOT))
        for explorer, move in zip(seen["explorers"], seen["moved"], strict=True):
            assert explorer["labels"] and explorer["pictures"], f"{name}: {explorer}"
            assert colab in explorer["links"], f"{name}: no Colab link"
            assert move["after"] != move["before"], f"{name}: {move['name']} still"
            where = f"{name}: {move['name']} after {move['key']} on {move['id']}"
            if move["asking"]:  # off, and named in the explorer's note
                assert move["off"] and move["label"] in move["note"], where
            # Python's explorer with the page's settings, in the page's language.
            # (tests/conftest.py sets English again after the test.)
            i18n.set_language(move["state"]["language"])
            python = kinds[move["name"]]()
            python.set_state(move["state"])
            assert_same_picture(move["after"], python, where)
            moved.add(move["name"])
    assert moved == set(kinds), f"explorers never seen live: {set(kinds) - moved}"


def test_colab_and_download_links_name_the_pages_notebook(visits, pages, server):
    lessons = []
    for name in notebook_pages(pages):
        rel = notebook_of(name).relative_to(ROOT)
        seen = visits[name]
        expected = headers.colab_url(SETTINGS, rel)
        assert set(seen["colab"]) == {expected}, f"{name}: {seen['colab']}"
        assert seen["colab"][0].endswith("/" + rel.as_posix())
        [download] = set(seen["download"])
        assert download == server + rel.as_posix()
        with urllib.request.urlopen(download, timeout=10) as response:
            assert response.read() == (ROOT / rel).read_bytes()
        if "/" not in name:
            lessons.append(expected)
    assert set(visits["index.html"]["colab"]) == set(lessons)


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
    english = [p for p in notebook_pages(pages) if not p.startswith("zh/")]
    solutions = [p for p in english if p not in course]
    assert walked[: len(course) + len(solutions)] == course + solutions
    # The sidebar links every notebook of its edition from every notebook page.
    for edition in (english, [p for p in notebook_pages(pages) if p.startswith("zh/")]):
        for name in edition:
            linked = {page_of(url, server) for url in visits[name]["links"]}
            assert set(edition) <= linked, name


def test_every_page_links_the_same_page_in_the_other_language(visits, pages, server):
    chinese = [p for p in pages if p.startswith("zh/")]
    english = [p for p in pages if p not in chinese]
    # Every notebook has its Chinese page, and the index its Chinese index.
    assert sorted(
        p for p in chinese if p == "zh/index.html" or notebook_of(p)
    ) == sorted(f"zh/{p}" for p in english if p == "index.html" or notebook_of(p))
    for name in [*notebook_pages(pages), "index.html", "zh/index.html"]:
        other = name[3:] if name.startswith("zh/") else f"zh/{name}"
        linked = [page_of(url, server) for url in visits[name]["language"]]
        assert linked == [other], f"{name}: {visits[name]['language']}"


def test_chinese_pages_are_chinese_with_chinese_pictures(visits, pages):
    for name in [p for p in pages if p.startswith("zh/")]:
        seen = visits[name]
        assert seen["lang"] == "zh-CN", f"{name}: <html lang={seen['lang']!r}>"
        assert re.search(CJK + "{20}", seen["text"].replace("\n", "")) or (
            len(re.findall(CJK, seen["text"])) > 40
        ), f"{name} has little Chinese text"
        for explorer in seen["explorers"]:
            [picture] = explorer["pictures"]
            assert any(re.search(CJK, t) for t in picture["texts"]), (
                f"{name}: an explorer's picture has no Chinese text"
            )


@pytest.mark.parametrize(
    "path, lesson",
    [
        ("search.html?q=cross-correlation", "02-cross-correlation"),
        ("zh/search.html?q=互相关", "02-cross-correlation"),
        ("zh/search.html?q=感受野", "03-learning"),
    ],
)
def test_search_finds_a_lesson_in_both_languages(browser, server, pages, path, lesson):
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.goto(server + path)
        results = page.locator("ul.search li a")
        results.first.wait_for(timeout=30_000)
        found = {
            page_of(a, server)
            for a in results.evaluate_all("as => as.map(a => a.href)")
        }
    finally:
        page.close()
    assert errors == [], f"{path}: console errors {errors}"
    edition = "zh/" if path.startswith("zh/") else ""
    found &= {p for p in notebook_pages(pages) if p.startswith(edition)}
    assert any(lesson in p for p in found), found
