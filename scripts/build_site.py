"""Build the course website into site/ (what `make site` runs).

The site is made by Sphinx with MyST-NB (notebooks as pages, their outputs as
they are) and the sphinx-book-theme (navigation, search, a Colab button); this
script only prepares their input and their settings:

1. every notebook under notebooks/ (solutions included) is executed in a
   fresh kernel, several at a time, keeping the state of its widgets;
2. each executed copy is made ready for a page with no kernel: the Colab
   badge (an image from the internet) becomes an "Open in Colab" and a
   "Download notebook" link, the Colab setup cell is hidden, and each
   explorer becomes live: its ES module (d2lconv/explorers, served by the
   site in _static/d2lconv/) is mounted by ``live.js`` on the state the run
   saved, so its controls redraw the picture in the page; its picture as
   Python drew it stays inside for a browser with no JavaScript;
3. an index page with the course table is written from README.md and the
   notebooks' own titles, and Sphinx builds the site into site/, with MathJax
   from the jupyter-server-mathjax package (no page loads anything from the
   internet).

Nothing here names a notebook: the pages, their order and their titles come
from notebooks/*.ipynb and notebooks/solutions/*.ipynb, the Colab links from
``[tool.d2lconv]`` in pyproject.toml (through scripts/notebook_headers.py).

The Chinese edition (notebooks/zh/, README.zh.md) is built the same way into
site/zh/; every page links the same page in the other language.

    python scripts/build_site.py              # build site/
    python scripts/build_site.py --jobs 1     # one notebook at a time
"""

import argparse
import concurrent.futures
import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_headers as headers  # noqa: E402

from d2lconv import explorers  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "site"
WORK = ROOT / "build" / "site"
TITLE = "d2lconv: convolution, hands on"


class Edition(NamedTuple):
    """One language of the site: its notebooks, README, folder and words."""

    code: str  # "en", "zh"
    notebooks: Path  # the edition's notebooks (solutions in solutions/)
    readme: Path
    folder: str  # under site/: "" or "zh"
    language: str  # Sphinx's language
    words: dict


ENGLISH = Edition(
    "en",
    NOTEBOOKS,
    ROOT / "README.md",
    "",
    "en",
    {
        "title": TITLE,
        "colab": "Open in Colab",
        "download": "Download notebook",
        "other": "中文",
        "widget": "A widget, <code>{text}</code>: it is interactive in JupyterLab "
        "or Colab ({link}open this notebook in Colab</a>).",
        "explorer": "An explorer: move its controls, the picture follows. A "
        "control that needs PyTorch (a new seed, a new training run) works in "
        "Jupyter or Colab ({link}open this notebook in Colab</a>).",
        "intro": [
            "This site shows every notebook of the course run once, with its output:",
            "pictures, printed checks, and the explorers, whose controls work in the",
            "page. To run a notebook, open it in Colab or download it.",
        ],
        "the notebooks": "The notebooks",
        "header": "| notebook | what you will be able to do | run | download |",
        "solutions": "Solutions",
        "worked": "Worked solutions to the exercises:",
        "lessons": "Lessons",
    },
)
CHINESE = Edition(
    "zh",
    NOTEBOOKS / "zh",
    ROOT / "README.zh.md",
    "zh",
    "zh_CN",
    {
        "title": "d2lconv：动手学卷积",
        "colab": "在 Colab 中打开",
        "download": "下载笔记本",
        "other": "English",
        "widget": "一个控件 <code>{text}</code>：在 JupyterLab 或 Colab 中可以交互"
        "（{link}在 Colab 中打开这个笔记本</a>）。",
        "explorer": "一个探索器：拖动它的控件，图会随之变化。需要 PyTorch 计算的控件"
        "（新的随机种子、重新训练）要在 Jupyter 或 Colab 中才能使用"
        "（{link}在 Colab 中打开这个笔记本</a>）。",
        "intro": [
            "本网站展示课程的每个笔记本运行一次后的样子，连同输出：图、打印出的检查结果，"
            "以及探索器，它们的控件在网页里就能拖动。"
            "要运行笔记本，请在 Colab 中打开或下载它。",
        ],
        "the notebooks": "笔记本",
        "header": "| 笔记本 | 学完你能做什么 | 运行 | 下载 |",
        "solutions": "参考答案",
        "worked": "练习的参考答案：",
        "lessons": "课程",
    },
)
EDITIONS = (ENGLISH, CHINESE)
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
GOALS_MARK = "you will be able to"
CELL_TIMEOUT = 600  # s; a cell of the performance lab times several methods
CSS = """\
/* A picture keeps its drawn size, its text readable: one wider than the
   column scrolls sideways in its output (an explorer's, in its picture box). */
div.cell_output .output { overflow-x: auto; }
.d2lconv-links a { margin-right: 1em; font-weight: 600; }
/* A note on a light background in both of the theme's modes: its own
   colours, the link darker than the theme's (#176de8 on it is 4.48:1, WCAG AA
   asks 4.5:1; this is 6.75:1). */
.d2lconv-explorer-note {
    margin: 0.4em 0; padding: 0.4em 0.8em; border-left: 4px solid #1f77b4;
    background: #f4f8fc; color: #222;
    font-family: var(--pst-font-family-base, sans-serif);
}
.d2lconv-explorer-note a { color: #0b57a4; }
"""

# The theme's search button (pydata-sphinx-theme's
# components/search-button-field.html) without its aria-label "Search": its
# name is then what it shows, "Search Ctrl+K" (WCAG 2.5.3, label in name).
SEARCH_BUTTON = """\
<button class="btn search-button-field search-button__button pst-js-only" \
title="{{ _('Search') }}" data-bs-placement="bottom" data-bs-toggle="tooltip">
 <i class="fa-solid fa-magnifying-glass"></i>
 <span class="search-button__default-text">{{ _('Search') }}</span>
 <span class="search-button__kbd-shortcut"><kbd class="kbd-shortcut__modifier">\
Ctrl</kbd>+<kbd class="kbd-shortcut__modifier">K</kbd></span>
</button>
"""

# A 3x3 input with a 2x2 window outlined.
FAVICON = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 3 3">
<rect width="3" height="3" fill="#6aaed6"/>
<path d="M1 0V3M2 0V3M0 1H3M0 2H3" stroke="white" stroke-width="0.08"/>
<rect x="0.1" y="0.1" width="1.8" height="1.8" fill="none" stroke="#d62728"
 stroke-width="0.2"/>
</svg>
"""


class Page:
    """A notebook and its page: paths, title, Colab and download links."""

    def __init__(self, path, settings, edition=ENGLISH):
        self.path = path
        self.edition = edition
        self.rel = path.relative_to(ROOT)  # notebooks/02-....ipynb
        self.docname = path.relative_to(edition.notebooks).with_suffix("").as_posix()
        self.solution = path.parent != edition.notebooks
        self.colab = headers.colab_url(settings, self.rel)
        nb = nbformat.read(path, as_version=4)
        self.title = headers.title_of(nb) or path.stem
        self.goals = goals_of(nb)

    def href(self, target):
        """A link from this page to ``target`` (a path from the site's root)."""
        depth = self.docname.count("/") + bool(self.edition.folder)
        return "../" * depth + target

    @property
    def download(self):
        """The link to the notebook as stored (no outputs), from this page."""
        return self.href(self.rel.as_posix())

    @property
    def other_language(self):
        """The link to this page in the other edition (English <-> Chinese)."""
        other = "" if self.edition.folder else f"{CHINESE.folder}/"
        return self.href(f"{other}{self.docname}.html")


def goals_of(nb):
    """The first item of the notebook's "you will be able to" list, or ""."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and GOALS_MARK in cell.source:
            items = cell.source.split("\n- ")[1:]
            if items:
                return " ".join(items[0].split()).rstrip(";.")
    return ""


def execute(path):
    """Run a notebook in a fresh kernel from its own folder; (notebook, seconds).

    With D2LCONV_EXECUTED set (make test-all), the Run All that
    tests/test_notebooks.py wrote there is read instead, if made from this file.
    """
    done = Path(
        os.environ.get("D2LCONV_EXECUTED", "/nonexistent"), path.relative_to(ROOT)
    )
    if done.exists():
        nb = nbformat.read(done, as_version=4)
        if (
            nb.metadata.pop("source sha256", "")
            == hashlib.sha256(path.read_bytes()).hexdigest()
        ):
            return nb, 0.0
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
    )
    start = time.perf_counter()
    # The kernel's own log (a line about its transport) is noise here; an
    # error in a cell still stops the build, with its traceback.
    client.execute(stderr=subprocess.DEVNULL)
    return nb, time.perf_counter() - start


def links_html(page):
    """The line under a page's title: Colab, download, the other language."""
    words = page.edition.words
    return (
        '<p class="d2lconv-links">'
        f'<a class="d2lconv-colab" href="{html.escape(page.colab)}">'
        f"{words['colab']}</a>"
        f'<a class="d2lconv-download" href="{html.escape(page.download)}" '
        f"download>{words['download']}</a>"
        f'<a class="d2lconv-language" href="{html.escape(page.other_language)}">'
        f"{words['other']}</a></p>"
    )


def widget_html(text, page):
    """A plain widget (no picture of its own) on a page: what it is, where it runs."""
    link = f'<a class="d2lconv-colab" href="{html.escape(page.colab)}">'
    note = page.edition.words["widget"].format(text=html.escape(text), link=link)
    return (
        '<div class="d2lconv-widget-static"><p class="d2lconv-explorer-note">'
        f"{note}</p></div>"
    )


# Mounts every explorer of a page from the state its notebook run saved.
LIVE_JS = """\
for (const box of document.querySelectorAll(".d2lconv-live")) {
  const state = JSON.parse(box.querySelector(".d2lconv-state").textContent);
  const url = new URL(`${box.dataset.explorer}.js`, import.meta.url);
  const { mount } = await import(url);
  const el = document.createElement("div");
  box.querySelector(".d2lconv-still").replaceWith(el);
  box.d2lconvState = state;  // the settings as the controls move (tests read them)
  mount(el, state);
}
// A picture that scrolls sideways takes the keyboard's focus (arrow keys
// scroll it), and only then; an explorer's is measured again as it redraws.
const focusable = (box) => {
  box.tabIndex = box.scrollWidth > box.clientWidth ? 0 : -1;
};
const boxes = "div.cell_output .output, .d2lconv-picture";
for (const box of document.querySelectorAll(boxes)) {
  focusable(box);
  if (!box.matches(".d2lconv-picture")) continue;
  const redrawn = new MutationObserver(() => focusable(box));
  redrawn.observe(box, { childList: true, subtree: true });
}
"""
# Traits of the widget machinery, not of the explorer.
NOT_STATE = {"layout", "tabbable", "tooltip"}


def explorer_html(name, state, still, page):
    """A live explorer: its note, its state, and its picture for a page with no JS."""
    link = f'<a class="d2lconv-colab" href="{html.escape(page.colab)}">'
    note = page.edition.words["explorer"].format(link=link)
    kept = {k: v for k, v in state.items() if k[0] != "_" and k not in NOT_STATE}
    data = json.dumps(kept, ensure_ascii=False).replace("</", "<\\/")
    return "\n".join(
        [
            f'<div class="d2lconv-live" data-explorer="{name}">',
            f'<p class="d2lconv-explorer-note">{note}</p>',
            f'<div class="d2lconv-still">{still}</div>',
            f'<script type="application/json" class="d2lconv-state">{data}</script>',
            "</div>",
        ]
    )


def prepare(nb, page):
    """Make an executed notebook ready for a page with no kernel (in place)."""
    first = nb.cells[0]
    first.source = headers._with_badge(first.source, links_html(page))
    saved = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.source.startswith(headers.SETUP_MARK):
            # It only installs the course on Colab; on the page it is noise.
            tags = cell.metadata.setdefault("tags", [])
            tags.append("remove-cell")
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW not in data:
                continue
            text = data.get("text/plain", "")
            model = saved.get(data[WIDGET_VIEW]["model_id"], {}).get("state", {})
            kind = model.get("_anywidget_id", "").split(".")
            if kind[:2] == ["d2lconv", "explorers"]:
                shown = explorer_html(kind[2], model, data.get("text/html"), page)
            else:
                shown = widget_html(text, page)
            output["data"] = {"text/html": shown, "text/plain": text}
    nb.metadata.pop("widgets", None)
    return nb


def description(page, readme_descriptions):
    """What the README's table says a notebook teaches, else its first goal."""
    return readme_descriptions.get(page.rel.as_posix()) or page.goals


def index_markdown(pages, edition=ENGLISH):
    """The home page: the README's introduction and the course table."""
    words = edition.words
    readme = edition.readme.read_text(encoding="utf-8")
    intro = readme.split("\n## ", 1)[0].split("\n", 1)[1].strip()
    # The README's line of languages ("English | [中文](README.zh.md)") gives
    # way to a link to the other edition of the site.
    lines = intro.splitlines()
    intro = "\n".join(x for x in lines if "](README" not in x).strip()
    other = f"{CHINESE.folder}/index.html" if edition is ENGLISH else "../index.html"
    switch = f'<p class="d2lconv-links"><a class="d2lconv-language" href="{other}">'
    switch += f"{words['other']}</a></p>"
    start, end = readme.find(headers.README_START), readme.find(headers.README_END)
    described = headers._descriptions(readme[start:end]) if start < end else {}
    lessons = [p for p in pages if not p.solution]
    solutions = [p for p in pages if p.solution]

    def row(page):
        colab = f'<a class="d2lconv-colab" href="{html.escape(page.colab)}">Colab</a>'
        download = f'<a href="{html.escape(page.download)}" download>.ipynb</a>'
        return (
            f"| [{page.title}]({page.docname}.ipynb) | "
            f"{description(page, described)} | {colab} | {download} |"
        )

    lines = [
        f"# {words['title']}",
        "",
        switch,
        "",
        intro,
        "",
        *words["intro"],
        "",
        f"## {words['the notebooks']}",
        "",
        words["header"],
        "| --- | --- | --- | --- |",
        *[row(p) for p in lessons],
        "",
    ]
    if solutions:
        lines += [f"## {words['solutions']}", "", words["worked"], ""]
        lines += [f"- [{p.title}]({p.docname}.ipynb)" for p in solutions]
        lines.append("")
    for caption, group in (
        (words["lessons"], lessons),
        (words["solutions"], solutions),
    ):
        if group:
            lines += ["```{toctree}", ":hidden:", f":caption: {caption}", ""]
            lines += [p.docname for p in group]
            lines += ["```", ""]
    return "\n".join(lines)


def mathjax_folder():
    """MathJax 2 as the jupyter-server-mathjax package ships it."""
    import jupyter_server_mathjax

    return Path(jupyter_server_mathjax.__file__).parent / "static"


def glossary_words():
    """The Chinese terms of notebooks/zh/GLOSSARY.md (its table's second column)."""
    text = (NOTEBOOKS / "zh" / "GLOSSARY.md").read_text(encoding="utf-8")
    words = []
    for line in text.split("\n## ")[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("English", "---"):
            words += [w.strip() for w in cells[1].split("、") if w.strip()]
    return words


def search_settings(edition):
    """Chinese pages: words found by jieba, the glossary's terms kept whole."""
    if edition is ENGLISH:
        return {}
    words = WORK / "search-words.txt"
    words.write_text("\n".join(glossary_words()) + "\n", encoding="utf-8")
    return {"html_search_options": {"dict": str(words)}}


# MathJax hides a MathML copy of each formula in the page for screen readers
# (its AssistiveMML extension), styled by its NativeMML output: for
# \mathcal, \mathbb, \mathfrak, \mathscr and \oldstyle those styles name
# MathJax's TeX fonts (fonts/HTML-CSS/TeX/otf), which jupyter-server-mathjax
# does not ship (it ships the STIX-Web fonts the formulas are drawn with). The
# same @font-face rules, by the same keys, with a font installed on the
# reader's machine or none: nothing is requested that the site lacks.
TEX_FONT_FACES = {
    f"@font-face /*{number}*/": {
        "font-family": f"MathJax_{name}-WEB",
        "font-weight": weight,
        "src": f"local('MathJax_{name}')",
    }
    for number, name, weight in [
        (1, "Caligraphic", "normal"),
        (2, "Caligraphic", "bold"),
        (3, "AMS", "normal"),
        (4, "Script", "normal"),
        (5, "Fraktur", "normal"),
        (6, "Fraktur", "bold"),
    ]
}


def sphinx_config(settings, static, extra, edition=ENGLISH):
    """Every Sphinx setting of the site (there is no conf.py)."""
    # The Chinese search needs its own registration (scripts/site_search_zh.py).
    search = [] if edition is ENGLISH else ["site_search_zh"]
    return {
        **search_settings(edition),
        "project": "d2lconv",
        "author": "the d2lconv authors",
        "language": edition.language,
        "extensions": ["myst_nb", "sphinx.ext.mathjax", *search],
        "html_theme": "sphinx_book_theme",
        "html_title": edition.words["title"],
        "html_theme_options": {
            "repository_url": f"https://github.com/{settings.repository}",
            "repository_branch": settings.branch,
            "path_to_docs": edition.notebooks.relative_to(ROOT).as_posix(),
            "use_repository_button": True,
            "launch_buttons": {"colab_url": "https://colab.research.google.com"},
            # The page's own line links the notebook as stored; the theme's
            # button would offer the executed copy.
            "use_download_button": False,
            "home_page_in_toc": True,
        },
        # Light: the pictures are drawn on white.
        "html_context": {"default_mode": "light"},
        "html_favicon": str(static / "favicon.svg"),
        "html_static_path": [str(static)],
        "templates_path": [str(WORK / "templates")],
        "html_css_files": ["d2lconv.css"],
        "html_js_files": [("d2lconv/live.js", {"type": "module"})],
        "html_extra_path": [str(extra)],
        "html_copy_source": False,
        "html_show_sourcelink": False,
        "html_show_copyright": False,
        # The notebooks are executed above, once, in fresh kernels.
        "nb_execution_mode": "off",
        # Widgets became HTML in prepare(): the explorers mount themselves.
        "nb_ipywidgets_js": {},
        "nb_mime_priority_overrides": [("html", WIDGET_VIEW, None)],
        "myst_enable_extensions": ["dollarmath", "amsmath"],
        "myst_heading_anchors": 3,
        # MyST's settings are for MathJax 3; ours are below.
        "myst_update_mathjax": False,
        # MathJax 2 from our own site, with the web font it ships (the
        # settings the classic Jupyter Notebook used for a local MathJax).
        "mathjax_path": "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full",
        "mathjax2_config": {
            "HTML-CSS": {
                "availableFonts": [],
                "imageFont": None,
                "preferredFont": None,
                "webFont": "STIX-Web",
                # Its default blank font is url('about:blank'), which Chromium
                # refuses with a console error; no font at all does the same.
                "styles": {
                    "@font-face": {
                        "font-family": "MathJax_Blank",
                        "src": "local('MathJax_Blank')",
                    }
                },
            },
            "NativeMML": {"styles": TEX_FONT_FACES},
            "showMathMenu": False,
            "messageStyle": "none",
        },
    }


def edition_paths(edition):
    """The notebooks of one edition, solutions included."""
    paths = headers.notebook_paths(ROOT)
    if edition is CHINESE:
        return [p for p in paths if CHINESE.notebooks in p.parents]
    return [p for p in paths if CHINESE.notebooks not in p.parents]


def build(jobs):
    """Execute, prepare and render every notebook; return the seconds per step."""
    settings = headers.load_settings(ROOT / "pyproject.toml")
    pages = [
        Page(path, settings, edition)
        for edition in EDITIONS
        for path in edition_paths(edition)
    ]
    if not pages:
        raise SystemExit(f"build_site: no notebooks under {NOTEBOOKS}")
    shutil.rmtree(WORK, ignore_errors=True)
    static, extra = WORK / "static", WORK / "extra"
    sources = {e.code: WORK / "src" / (e.folder or "en") for e in EDITIONS}
    for folder in (static, extra, *sources.values()):
        folder.mkdir(parents=True)
    times = {}

    start = time.perf_counter()
    # The biggest notebooks start first, so that none is left alone at the end.
    order = sorted(pages, key=lambda p: p.path.stat().st_size, reverse=True)
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(execute, p.path): p for p in order}
        for future in concurrent.futures.as_completed(futures):
            page = futures[future]
            try:
                nb, seconds = future.result()
            except Exception as err:
                for other in futures:
                    other.cancel()
                raise SystemExit(f"build_site: {page.rel} failed:\n{err}") from err
            print(f"build_site: ran {page.rel} in {seconds:.0f} s", flush=True)
            target = sources[page.edition.code] / f"{page.docname}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(prepare(nb, page), target)
            # Every notebook as stored, for the download links (site/notebooks/).
            copy = extra / page.rel
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(page.path, copy)
    times["execute"] = time.perf_counter() - start

    (static / "d2lconv.css").write_text(CSS, encoding="utf-8")
    (static / "favicon.svg").write_text(FAVICON, encoding="utf-8")
    (WORK / "templates").mkdir()
    button = WORK / "templates" / "search-button-field.html"
    button.write_text(SEARCH_BUTTON, encoding="utf-8")
    # Each explorer's ES module (core.js and its own, as the widget gets them).
    (static / "d2lconv").mkdir()
    (static / "d2lconv" / "live.js").write_text(LIVE_JS, encoding="utf-8")
    for path in sorted(explorers.HERE.glob("*.js")):
        if path.stem != "core":
            module = explorers.module(path.stem)
            (static / "d2lconv" / path.name).write_text(module, encoding="utf-8")
    shutil.copytree(mathjax_folder(), static / "mathjax")

    start = time.perf_counter()
    for edition in EDITIONS:
        own = [p for p in pages if p.edition is edition]
        if not own:
            continue
        src = sources[edition.code]
        (src / "index.md").write_text(index_markdown(own, edition), encoding="utf-8")
        print(f"build_site: rendering the {edition.code} pages with Sphinx", flush=True)
        # Built beside its sources (MyST-NB writes next to the output folder),
        # then moved into place: the Chinese pages into site/zh/.
        out = WORK / "build" / edition.code / "html"
        files = extra if edition is ENGLISH else WORK / "no-extra"
        files.mkdir(exist_ok=True)
        config = sphinx_config(settings, static, files, edition)
        render(src, out, config, jobs, doctrees=out.parent / "doctrees")
    shutil.rmtree(OUT, ignore_errors=True)
    shutil.move(WORK / "build" / ENGLISH.code / "html", OUT)
    for edition in EDITIONS[1:]:
        if (WORK / "build" / edition.code / "html").exists():
            shutil.move(WORK / "build" / edition.code / "html", OUT / edition.folder)
    times["render"] = time.perf_counter() - start
    return pages, times


def render(src, out, config, jobs, doctrees):
    """Sphinx: the pages in ``src`` to HTML in ``out``."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    with patch_docutils(None), docutils_namespace():
        app = Sphinx(
            src,
            None,
            out,
            doctrees,
            "html",
            confoverrides=config,
            status=None,
            freshenv=True,
            parallel=jobs,
        )
        app.build(force_all=True)
    if app.statuscode:
        raise SystemExit(f"build_site: Sphinx failed ({app.statuscode})")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="notebooks executed at once (default: the cores, at most 4)",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    pages, times = build(max(1, args.jobs))
    print(
        f"build_site: {len(pages)} notebooks run in {times['execute']:.0f} s, "
        f"rendered in {times['render']:.0f} s; {OUT.relative_to(ROOT)}/ built in "
        f"{time.perf_counter() - start:.0f} s. View it with: make serve-site"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
