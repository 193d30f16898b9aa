"""Write the Chinese notebooks (notebooks/zh/) from the English ones and translations.

The English notebooks are the source. A Chinese notebook is its English
notebook with every markdown cell replaced by its translation; the code cells
are the same cells (same ids, same program: see below), and one code cell
more, right after the Colab setup cell, switches the package to Chinese
(``d2lconv.set_language("zh")``), so the checks, hints and explorers speak
Chinese too.

The translations are kept in ``notebooks/zh/translations/``, one Markdown file
per notebook (``solutions/`` for the solutions), with one entry per English
markdown cell::

    <!-- cell 3f2a9c0e en:5d41402abc4b -->
    ## 2.1 互相关运算
    ...

``3f2a9c0e`` is the cell's id, ``5d41402abc4b`` the first 12 hex digits of the
SHA-256 of the English text it translates (the first cell without its Colab
badge). When an English cell changes, its entry becomes stale and this script
says which; an entry whose text still holds ``TODO(translate)`` counts as
missing.

The code cells stay English code unless ``<stem>.code.md``, beside the
notebook's translation, gives a Chinese version: one entry per code cell whose
comments or printed strings are English, holding the whole Chinese cell::

    <!-- code 7c1d04aa en:9e107d9d372b -->
    ```ipython
    # 卷积核在输入上滑动
    print(f"输出形状 {y.shape}")
    ```

``en:`` is the fingerprint of the English cell's source. The Chinese cell must
be the same program as the English one: the same tokens once comments are
dropped and every string literal (an f-string with its ``{...}`` parts, or a
run of adjacent literals) counts as equal, but for a word (``"same"``, a key:
``WORD_LITERAL``), which stays as it is or becomes Chinese, never another word
(``padding="valid"`` would be another program). An entry whose English cell changed
is stale, one for a cell the notebook lacks is unknown, and one that is not the
same program is named with the first token that differs.

    python scripts/translate_notebooks.py           # write notebooks/zh/
    python scripts/translate_notebooks.py --check   # exit 1: any of those, or unwritten
    python scripts/translate_notebooks.py --status  # what is missing or stale (English)
    python scripts/translate_notebooks.py --stub notebooks/04-padding.ipynb
        # add a TODO entry (with the English text) for each missing cell
"""

import argparse
import ast
import copy
import hashlib
import re
import sys
import tokenize
from pathlib import Path

import nbformat
from notebook_headers import BADGE_SVG, SETUP_MARK, load_settings, update_notebook

ROOT = Path(__file__).resolve().parents[1]
ZH = Path("notebooks") / "zh"
TRANSLATIONS = ZH / "translations"
TODO = "TODO(translate)"
LANGUAGE_CELL_ID = "zh-language"
LANGUAGE_CELL = (
    "# 中文版：让 d2lconv 的检查、提示、探索器和图都用中文显示。\n"
    "import d2lconv\n"
    "\n"
    'd2lconv.set_language("zh");'
)
ENTRY = re.compile(r"^<!-- cell (\S+) en:([0-9a-f]{12}) -->$", re.MULTILINE)
CODE_ENTRY = re.compile(r"^<!-- code (\S+) en:([0-9a-f]{12}) -->$", re.MULTILINE)
# ```ipython: ruff formats ```python blocks in Markdown, and would drop the
# trailing ";" a notebook cell uses to hide its value.
CODE_BLOCK = re.compile(r"\A```i?python\n(.*)\n```\Z", re.DOTALL)
# What a code entry can be wrong in, and what --check prints after the cell.
CODE_KINDS = {
    "stale code": "the English cell changed",
    "unknown code": "no such code cell to translate (notebook_headers.py writes "
    "the setup cell)",
    "not the same program": "",
}
LINK = re.compile(r"\]\(([^)\s]+)\)|(?:src|href)=\"([^\"]+)\"")


class TranslationError(ValueError):
    """A translation is missing, stale or broken; the message names the cell."""


def english_text(cell):
    """The English text a translation translates: the source without the Colab badge."""
    lines = [line for line in cell.source.splitlines() if BADGE_SVG not in line]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def fingerprint(text):
    """The first 12 hex digits of the SHA-256 of ``text`` (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def english_notebooks(root):
    """Every English notebook (solutions included), relative to ``root``, sorted."""
    notebooks = root / "notebooks"
    return sorted(
        p.relative_to(root)
        for p in notebooks.glob("**/*.ipynb")
        if ".ipynb_checkpoints" not in p.parts and (root / ZH) not in p.parents
    )


def translation_path(rel):
    """``notebooks/x/y.ipynb`` -> ``notebooks/zh/translations/x/y.md``."""
    return TRANSLATIONS / rel.relative_to("notebooks").with_suffix(".md")


def chinese_path(rel):
    """``notebooks/x/y.ipynb`` -> ``notebooks/zh/x/y.ipynb``."""
    return ZH / rel.relative_to("notebooks")


def code_path(rel):
    """``notebooks/x/y.ipynb`` -> ``notebooks/zh/translations/x/y.code.md``."""
    return translation_path(rel).with_suffix(".code.md")


def read_entries(path, entry=ENTRY):
    """``{cell id: (hash, text)}`` of a translation file ({} if there is none)."""
    if not path.exists():
        return {}
    source = path.read_text(encoding="utf-8")
    marks = list(entry.finditer(source))
    entries = {}
    for mark, after in zip(marks, marks[1:] + [None], strict=True):
        end = after.start() if after else len(source)
        cell_id, digest = mark.groups()
        if cell_id in entries:
            raise TranslationError(f"{path}: cell {cell_id} has two entries")
        entries[cell_id] = (digest, source[mark.end() : end].strip())
    return entries


def read_code_entries(path):
    """``{cell id: (hash, code)}`` of a ``.code.md`` file ({} if there is none)."""
    entries = {}
    for cell_id, (digest, text) in read_entries(path, CODE_ENTRY).items():
        block = CODE_BLOCK.match(text)
        if not block:
            raise TranslationError(
                f"{path}: cell {cell_id} is not one ```ipython block"
            )
        entries[cell_id] = (digest, block.group(1))
    return entries


# A string literal that is a word (a name, a mode, a key: "same", "cpu",
# "d2lconv.pool2d"): the program's data, which a Chinese cell may translate
# (a dict's key, a title) but not swap for another word or text in English.
WORD_LITERAL = re.compile(r"[A-Za-z_][\w.-]*\Z", re.ASCII)
CHINESE_TEXT = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def program(source):
    """The tokens that make the program ``source``, as ``(line, text)``.

    Comments and line breaks inside brackets are dropped; a string literal, an
    f-string with its ``{...}`` parts (split into tokens on Python 3.12+), or a
    run of adjacent literals is one token: ``<string:same>`` when its value is
    a word (``WORD_LITERAL``), ``<string:zh>`` when it has Chinese in it, else
    ``<string>``. Line ends and indentation count by kind, not by their text.
    """
    start = getattr(tokenize, "FSTRING_START", None)
    end = getattr(tokenize, "FSTRING_END", None)
    middle = getattr(tokenize, "FSTRING_MIDDLE", None)
    words = (tokenize.NAME, tokenize.NUMBER, tokenize.OP, tokenize.ERRORTOKEN)
    tokens, depth, run = [], 0, None
    for tok in tokenize.generate_tokens(iter(source.splitlines(True)).__next__):
        depth += (tok.type == start) - (tok.type == end)
        if tok.type in (tokenize.STRING, start) or (run and tok.type == middle):
            if run is None:  # a run of adjacent literals starts
                run = {"values": [], "raw": ""}
                tokens.append((tok.start[0], "<string>"))
            run["raw"] += tok.string
            if tok.type != middle and depth <= (tok.type == start):
                run["values"].append(_plain_value(tok))
            tokens[-1] = (tokens[-1][0], _string_kind(run))
        elif not depth and tok.type not in (tokenize.COMMENT, tokenize.NL, end):
            text = tok.string if tok.type in words else tokenize.tok_name[tok.type]
            tokens.append((tok.start[0], text))
            run = None
    return tokens


def _plain_value(tok):
    """A plain string literal's value; None for an f-string (or its start)."""
    prefix = tok.string[: len(tok.string) - len(tok.string.lstrip("bBrRuUfF"))]
    if tok.type != tokenize.STRING or "f" in prefix.lower():
        return None
    try:
        return ast.literal_eval(tok.string)
    except (ValueError, SyntaxError):
        return None


def _string_kind(run):
    values = run["values"]
    value = "".join(values) if None not in values else None
    if isinstance(value, str) and WORD_LITERAL.match(value):
        return f"<string:{value}>"
    return "<string:zh>" if CHINESE_TEXT.search(run["raw"]) else "<string>"


def _same_token(english, chinese):
    """Whether a Chinese cell may have ``chinese`` where the English has ``english``:
    the same token; any text for a text; a Chinese text for a word (a key or a
    title translated); never another word or an English text for a word
    (``"valid"`` for ``"same"``: another program, which runs as well)."""
    if english == chinese:
        return True
    texts = ("<string>", "<string:zh>")
    return chinese in texts and (english in texts or chinese == "<string:zh>")


def same_program(english, chinese):
    """``None`` if the two are the same program, else where they first differ."""
    try:
        en, zh = program(english), program(chinese)
    except (tokenize.TokenError, SyntaxError) as error:
        return f"does not tokenize ({error})"
    for (line_en, word_en), (line_zh, word_zh) in zip(en, zh, strict=False):
        if not _same_token(word_en, word_zh):
            return (
                f"line {line_zh} has {word_zh!r} "
                f"where English line {line_en} has {word_en!r}"
            )
    if len(en) != len(zh):
        longer, which = (zh, "Chinese") if len(zh) > len(en) else (en, "English")
        line, word = longer[min(len(en), len(zh))]
        return f"only the {which} cell goes on, with {word!r} on its line {line}"
    return None


def problems(root, rel):
    """``[(kind, cell id, English text)]``: kind is 'missing' or 'stale' for
    a markdown cell, one of CODE_KINDS for a code entry (code_problems)."""
    nb = nbformat.read(root / rel, as_version=4)
    entries = read_entries(root / translation_path(rel))
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = english_text(cell)
        digest, translated = entries.get(cell.id, (None, ""))
        if digest is None or not translated or TODO in translated:
            found.append(("missing", cell.id, text))
        elif digest != fingerprint(text):
            found.append(("stale", cell.id, text))
    return found + code_problems(root, rel, nb)


def code_problems(root, rel, nb):
    """``[(kind, cell id, text)]`` of the code entries: a kind of CODE_KINDS;
    the text is the English source (stale) or where the programs differ."""
    code = {cell.id: cell.source for cell in nb.cells if cell.cell_type == "code"}
    found = []
    for cell_id, (digest, chinese) in read_code_entries(root / code_path(rel)).items():
        if cell_id not in code or code[cell_id].startswith(SETUP_MARK):
            found.append(("unknown code", cell_id, ""))
        elif digest != fingerprint(code[cell_id]):
            found.append(("stale code", cell_id, code[cell_id]))
        elif differs := same_program(code[cell_id], chinese):
            found.append(("not the same program", cell_id, differs))
    return found


def describe(rel, kind, cell_id, text):
    """The line --check prints for a problem."""
    if kind not in CODE_KINDS:
        return f"{kind}: {translation_path(rel)} cell {cell_id} en:{fingerprint(text)}"
    where = f"{kind}: {code_path(rel)} cell {cell_id}"
    if kind == "stale code":
        return f"{where} en:{fingerprint(text)} ({CODE_KINDS[kind]})"
    return f"{where}: {text or CODE_KINDS[kind]}"


def _check_links(text, rel_zh, root, cell_id):
    for match in LINK.finditer(text):
        target = (match.group(1) or match.group(2)).split("#")[0]
        if not target or re.match(r"[a-z]+:", target):
            continue
        if not (root / rel_zh.parent / target).exists() and not (
            target.endswith(".ipynb")
            and (root / chinese_path(rel_zh.parent / target)).parent.exists()
        ):
            raise TranslationError(
                f"{rel_zh} cell {cell_id}: the link {target!r} leads nowhere"
            )


def chinese_notebook(root, rel, settings):
    """The Chinese notebook of the English notebook ``rel`` (an nbformat node)."""
    found = problems(root, rel)
    if found:
        listed = ", ".join(f"{kind} {cell_id}" for kind, cell_id, _ in found)
        raise TranslationError(
            f"{translation_path(rel)}: {listed} (python "
            f"scripts/translate_notebooks.py --status shows the English text)"
        )
    nb = copy.deepcopy(nbformat.read(root / rel, as_version=4))
    entries = read_entries(root / translation_path(rel))
    code = read_code_entries(root / code_path(rel))
    rel_zh = chinese_path(rel)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = entries[cell.id][1]
            _check_links(cell.source, rel, root, cell.id)
        elif cell.id in code:
            cell.source = code[cell.id][1]
    update_notebook(nb, rel_zh, settings)
    language = nbformat.v4.new_code_cell(LANGUAGE_CELL)
    language.id = LANGUAGE_CELL_ID
    nb.cells.insert(2, language)
    nb.metadata["d2lconv"] = {
        "language": "zh",
        "generated_from": rel.as_posix(),
        "by": "scripts/translate_notebooks.py",
    }
    return nb


def planned(root):
    """``({zh path: text}, {English path: problems})`` for every notebook."""
    settings = load_settings(root / "pyproject.toml")
    texts, trouble = {}, {}
    for rel in english_notebooks(root):
        found = problems(root, rel)
        if found:
            trouble[rel] = found
            continue
        nb = chinese_notebook(root, rel, settings)
        texts[chinese_path(rel)] = nbformat.writes(nb) + "\n"
    return texts, trouble


def stub(root, rel):
    """Append a TODO entry, with the English text, for each missing cell of ``rel``."""
    path = root / translation_path(rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    added = []
    for kind, cell_id, text in problems(root, rel):
        if kind == "missing" and cell_id not in read_entries(path):
            added.append(
                f"<!-- cell {cell_id} en:{fingerprint(text)} -->\n{TODO}\n\n{text}\n"
            )
    if added:
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        path.write_text(
            old + ("\n" if old else "") + "\n".join(added), encoding="utf-8"
        )
    return len(added)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if stale"
    )
    parser.add_argument(
        "--status", action="store_true", help="list missing and stale cells"
    )
    parser.add_argument("--stub", nargs="+", type=Path, metavar="NOTEBOOK")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    if args.stub:
        for path in args.stub:
            rel = path.resolve().relative_to(root)
            print(f"{translation_path(rel)}: {stub(root, rel)} entries added")
        return 0
    texts, trouble = planned(root)
    for rel, found in trouble.items():
        for kind, cell_id, text in found:
            print(describe(rel, kind, cell_id, text))
            if args.status and kind in ("missing", "stale", "stale code"):
                print("    " + text.replace("\n", "\n    ") + "\n")
    if args.status:
        return 1 if trouble else 0
    written = {
        p.relative_to(root)
        for p in (root / ZH).glob("**/*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    }
    stale = []
    for rel_zh, text in texts.items():
        path = root / rel_zh
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(rel_zh)
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    orphans = sorted(written - set(texts) - {chinese_path(r) for r in trouble})
    for rel_zh in stale:
        print(("stale: " if args.check else "written: ") + str(rel_zh))
    for rel_zh in orphans:
        print(f"no English notebook: {rel_zh}" + ("" if args.check else " (removed)"))
        if not args.check:
            (root / rel_zh).unlink()
    if args.check:
        return 1 if trouble or stale or orphans else 0
    return 1 if trouble else 0


if __name__ == "__main__":
    sys.exit(main())
