"""Write the Colab header of every notebook, and the notebook list of the README.

One setting decides every link: ``[tool.d2lconv]`` in pyproject.toml::

    [tool.d2lconv]
    repository = "OWNER/REPO"   # where the course lives on GitHub
    branch = "main"

For each notebook under ``notebooks/`` (solutions included) this puts an
"Open in Colab" badge under the title in the first (markdown) cell, and makes
the second cell the Colab setup cell: on Colab it installs this course's
package and the book's ``d2l==1.0.3`` (both without dependencies: Colab ships
torch, numpy, matplotlib, ipywidgets and what d2l imports, and d2l's own pins do
not install on Colab's Python); anywhere else it does nothing. The Chinese
notebooks (``notebooks/zh/``) get the same program with Chinese comments. In
README.md it rewrites what stands between ``<!-- notebooks:start -->`` and
``<!-- notebooks:end -->``: a Binder badge and a table of the notebooks with
their Colab badges, keeping the descriptions already written in that table;
README.zh.md gets the same table of the Chinese notebooks (notebooks/zh/).

    python scripts/notebook_headers.py            # write
    python scripts/notebook_headers.py --check    # exit 1 if anything is stale
    python scripts/notebook_headers.py notebooks/00-check-setup.ipynb  # only these
"""

import argparse
import re
import sys
from pathlib import Path
from typing import NamedTuple

import nbformat
import tomllib

ROOT = Path(__file__).resolve().parents[1]
BADGE_SVG = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_SVG = "https://mybinder.org/badge_logo.svg"
# What the setup cell starts with, per edition (the first line of its comment);
# SETUP_MARK, what both start with, is how a setup cell is recognised.
SETUP_HEADS = {"en": "# Colab setup", "zh": "# Colab 设置"}
SETUP_MARK = "# Colab "
SETUP_COMMENTS = {
    "en": (
        f"{SETUP_HEADS['en']}: on Google Colab, install this course's package and the\n"
        "# book's d2l 1.0.3 without dependencies (Colab already has torch, numpy,\n"
        "# matplotlib, ipywidgets and what d2l imports; d2l's own old pins do not\n"
        "# install on Colab's Python). Anywhere else this cell does nothing.\n"
    ),
    "zh": (
        f"{SETUP_HEADS['zh']}：在 Google Colab 上安装本课程的包和书中的 d2l 1.0.3，\n"
        "# 两者都不装依赖。Colab 已有 torch、numpy、matplotlib、ipywidgets 和 d2l\n"
        "# 导入的包；d2l 自己锁定的旧版本在 Colab 的 Python 上装不上。\n"
        "# 在别处，这个单元什么也不做。\n"
    ),
}
SETUP_ID = "colab-setup"
README_START = "<!-- notebooks:start -->"
README_END = "<!-- notebooks:end -->"
# Environment variable that points the setup cell at another source of d2lconv
# (a fork, or a built wheel when the Colab path is tested offline).
SOURCE_VARIABLE = "D2LCONV_SOURCE"


class Readme(NamedTuple):
    """A README that lists the notebooks of one folder (one per language)."""

    name: str
    folder: Path
    header: str


READMES = (
    Readme(
        "README.md",
        Path("notebooks"),
        "| notebook | what you will be able to do | Colab |",
    ),
    # The Chinese edition (written by scripts/translate_notebooks.py).
    Readme("README.zh.md", Path("notebooks") / "zh", "| 课 | 本课目标 | Colab |"),
)


class Settings(NamedTuple):
    """Where the course lives: ``OWNER/REPO`` on GitHub and the branch to link."""

    repository: str
    branch: str


def load_settings(pyproject):
    """Read ``[tool.d2lconv]`` from a pyproject.toml path."""
    with open(pyproject, "rb") as f:
        table = tomllib.load(f).get("tool", {}).get("d2lconv", {})
    repository = table.get("repository")
    branch = table.get("branch", "main")
    if not isinstance(repository, str) or not re.fullmatch(
        r"[\w.-]+/[\w.-]+", repository
    ):
        raise ValueError(
            f"[tool.d2lconv] repository in {pyproject} must be 'OWNER/REPO' "
            f"as on GitHub, got {repository!r}"
        )
    if not isinstance(branch, str) or not re.fullmatch(r"[\w./-]+", branch):
        raise ValueError(
            f"[tool.d2lconv] branch in {pyproject} must be a branch name, "
            f"got {branch!r}"
        )
    return Settings(repository, branch)


def colab_url(settings, rel_path):
    """The Colab address that opens this notebook (path relative to the repo)."""
    return (
        f"https://colab.research.google.com/github/{settings.repository}"
        f"/blob/{settings.branch}/{Path(rel_path).as_posix()}"
    )


def binder_url(settings, folder="notebooks"):
    """The Binder address that opens the course (``folder``) in JupyterLab."""
    return (
        f"https://mybinder.org/v2/gh/{settings.repository}/{settings.branch}"
        f"?urlpath=lab/tree/{Path(folder).as_posix()}"
    )


def badge_html(settings, rel_path):
    """The "Open in Colab" badge; target=_parent so GitHub's viewer follows it."""
    return (
        f'<a href="{colab_url(settings, rel_path)}" target="_parent">'
        f'<img src="{BADGE_SVG}" alt="Open In Colab"/></a>'
    )


def edition(rel_path):
    """``"zh"`` for a notebook under notebooks/zh/, else ``"en"``."""
    return "zh" if Path(rel_path).parts[:2] == ("notebooks", "zh") else "en"


def setup_cell_source(settings, language="en"):
    """The second cell of every notebook: installs on Colab, nothing elsewhere.

    The same program in both editions; only the comment is in ``language``.
    """
    source = f"git+https://github.com/{settings.repository}@{settings.branch}"
    return (
        SETUP_COMMENTS[language] + "import os\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        f'    default = "{source}"\n'
        f'    source = os.environ.get("{SOURCE_VARIABLE}", default)\n'
        '    %pip install -q --no-deps "d2lconv @ {source}" d2l==1.0.3'
    )


def _with_badge(markdown, badge):
    """The first cell's text with exactly one badge line, just under the title."""
    lines = [line for line in markdown.splitlines() if BADGE_SVG not in line]
    title_at = next((i for i, line in enumerate(lines) if line.startswith("#")), 0)
    rest = lines[title_at + 1 :]
    while rest and not rest[0].strip():
        rest.pop(0)
    head = lines[: title_at + 1]
    return "\n".join(head + ["", badge] + ([""] + rest if rest else []))


def update_notebook(nb, rel_path, settings):
    """Put the badge and the setup cell into a notebook (nbformat node, in place)."""
    if not nb.cells or nb.cells[0].cell_type != "markdown":
        raise ValueError(
            f"{rel_path}: the first cell must be a markdown cell with the title, "
            f"got {nb.cells[0].cell_type if nb.cells else 'no cells'}"
        )
    nb.cells[0].source = _with_badge(nb.cells[0].source, badge_html(settings, rel_path))
    source = setup_cell_source(settings, edition(rel_path))
    second = nb.cells[1] if len(nb.cells) > 1 else None
    if (
        second is not None
        and second.cell_type == "code"
        and second.source.startswith(SETUP_MARK)
    ):
        second.source = source
        second.outputs = []
        second.execution_count = None
    else:
        cell = nbformat.v4.new_code_cell(source)
        ids = {c.get("id") for c in nb.cells}
        cell.id = SETUP_ID if SETUP_ID not in ids else f"{SETUP_ID}-{len(ids)}"
        nb.cells.insert(1, cell)
    return nb


def title_of(nb):
    """The text of the first heading of the first cell (the notebook's title)."""
    for line in nb.cells[0].source.splitlines() if nb.cells else []:
        if line.startswith("#"):
            return line.lstrip("#").strip()
    return ""


def _descriptions(block):
    """Descriptions already in the README table, by notebook path."""
    found = {}
    for line in block.splitlines():
        match = re.search(r"\]\((notebooks/[^)]+\.ipynb)\)", line)
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if match and line.lstrip().startswith("|") and len(cells) >= 2:
            found[match.group(1)] = "" if BADGE_SVG in cells[1] else cells[1]
    return found


def readme_block(settings, notebooks, old_block="", readme=None):
    """The README text between the markers: Binder badge and notebook table."""
    readme = readme or READMES[0]
    descriptions = _descriptions(old_block)
    lines = [
        "",
        f"[![Binder]({BINDER_SVG})]({binder_url(settings, readme.folder)})",
        "",
        readme.header,
        "| --- | --- | --- |",
    ]
    for rel_path, title in notebooks:
        rel = Path(rel_path).as_posix()
        badge = f"[![Open In Colab]({BADGE_SVG})]({colab_url(settings, rel)})"
        lines.append(
            f"| [{title or Path(rel).stem}]({rel}) | "
            f"{descriptions.get(rel, '')} | {badge} |"
        )
    return "\n".join(lines) + "\n"


def update_readme(text, block):
    """Replace what stands between the README markers; unchanged if none."""
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        return text
    return text[: start + len(README_START)] + block + text[end:]


def notebook_paths(root):
    """Every course notebook under notebooks/, solutions included, sorted."""
    return sorted(
        p
        for p in (root / "notebooks").glob("**/*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )


def planned_changes(root, settings, only=None):
    """Map path -> new text for every file whose header or list is stale."""
    changes = {}
    listed = {readme.folder: [] for readme in READMES}
    for path in notebook_paths(root):
        rel = path.relative_to(root)
        old = path.read_text(encoding="utf-8")
        nb = nbformat.reads(old, as_version=4)
        if only is None or path.resolve() in only:
            new = nbformat.writes(update_notebook(nb, rel, settings)) + "\n"
            if new != old:
                changes[path] = new
        if rel.parent in listed:
            listed[rel.parent].append((rel, title_of(nb)))
    for readme in READMES:
        path = root / readme.name
        if only is not None or not path.exists():
            continue
        old = path.read_text(encoding="utf-8")
        start, end = old.find(README_START), old.find(README_END)
        block = old[start + len(README_START) : end] if 0 <= start < end else ""
        table = readme_block(settings, listed[readme.folder], block, readme)
        new = update_readme(old, table)
        if new != old:
            changes[path] = new
    return changes


def main(argv=None):
    """Write (or with --check, only report) stale Colab headers and README list."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, help="only these notebooks")
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if stale"
    )
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    settings = load_settings(root / "pyproject.toml")
    only = {p.resolve() for p in args.paths} or None
    changes = planned_changes(root, settings, only)
    for path, text in changes.items():
        rel = path.relative_to(root)
        if args.check:
            print(f"stale: {rel} (run python scripts/notebook_headers.py)")
        else:
            path.write_text(text, encoding="utf-8")
            print(f"updated: {rel}")
    return 1 if args.check and changes else 0


if __name__ == "__main__":
    sys.exit(main())
