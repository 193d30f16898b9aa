"""What the Chinese catalog lacks: ``python scripts/i18n_check.py`` in a checkout.

It extracts the texts to translate as ``pybabel extract -F babel.cfg
--no-default-keywords -k tr -k N_`` does (``tr("...")`` and ``N_("...")`` in
the package and its ES modules, the texts the English notebooks pass to the
package: ``extract_notebook``), compares them with the Chinese .po and prints
one line per missing, fuzzy, untranslated or obsolete entry, per entry
whose ``{fields}`` differ, and for the first entry out of the order pybabel
writes (exit status 1 if any). ``pybabel update`` writes
such entries into the .po.
"""

import ast
import contextlib
import io
import json
import re
import string
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

COMMAND = "python scripts/i18n_check.py"
HOW_TO_FIX = f"""\
To fix: `make i18n` (from the repository's root) brings the catalog up to date
(pybabel extract --no-location, then pybabel update --ignore-obsolete) and lists
what is left, as `{COMMAND}` does; in d2lconv/locale/zh/LC_MESSAGES/d2lconv.po,
write the Chinese of each empty msgstr, check each entry marked `#, fuzzy` and
delete that line."""
ROOT = Path(__file__).resolve().parents[1]
CATALOG = "d2lconv/locale/{}/LC_MESSAGES/d2lconv.po"  # of a language, in a checkout
KEYWORDS = {"tr": None, "N_": None}  # pybabel extract -k tr -k N_
# The package functions that show a text a notebook passes: the positions and
# keywords of those arguments (a dict's keys are the titles shown).
SHOWN = {
    "expect_close": {2: "what", 5: "cause"},
    "expect_conv2d": {3: "what"},
    "expect_pool2d": {4: "what"},
    "expect_shrinks": {4: "what"},
    "format_kernels": {0: "kernels"},
    "show_images": {0: "kernels"},
    "draw_timings": {2: "title"},
    "draw_grid": {None: "title"},
}


def _called(node):
    """The name of the function a call calls (``f(...)``, ``d2lconv.f(...)``)."""
    func = getattr(node, "func", None)
    return getattr(func, "attr", getattr(func, "id", None))


def extract_notebook(fileobj, keywords, comment_tags, options):
    """Babel's extraction method for a notebook (babel.cfg): the texts its code
    cells pass to a function of ``SHOWN`` and to ``tr``/``N_``.

    A text must be a string literal, a name the cell assigns one, or a
    ``tr(...)`` call; anything else (an f-string) is an error. The location's
    number is the cell's, its comment the cell's id.
    """
    magic = ("%", "!")  # IPython's lines
    for number, cell in enumerate(json.load(fileobj)["cells"], 1):
        if cell["cell_type"] != "code":
            continue
        lines = "".join(cell["source"]).splitlines()
        tree = ast.parse("\n".join("" if x.lstrip()[:1] in magic else x for x in lines))
        where = f"cell {cell.get('id', number)}"
        names = {
            target.id: node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            name, spec = _called(call), SHOWN.get(_called(call), {})
            nodes = [a for i, a in enumerate(call.args) if i in spec]
            nodes += [k.value for k in call.keywords if k.arg in spec.values()]
            for node in call.args[:1] if name in keywords else nodes:
                node = names.get(getattr(node, "id", None), node)
                for text in node.keys if isinstance(node, ast.Dict) else [node]:
                    if isinstance(text, ast.Constant) and isinstance(text.value, str):
                        yield number, None, text.value, [where]
                    elif not isinstance(text, ast.Constant) and _called(text) != "tr":
                        raise ValueError(
                            f"{fileobj.name} {where}: {name}() is given "
                            f"{ast.unparse(text)}: give it a string, or "
                            "d2lconv.i18n.tr('... {k} ...', k=k) for one with values"
                        )


def extract(root):
    """``{text: [(file, line), ...]}``: what ``pybabel extract`` finds in ``root``."""
    with open(root / "babel.cfg", encoding="utf-8") as file:
        methods, options = parse_mapping_cfg(file)
    found = {}
    # Babel warns of the f-strings given to tr as values; they are not msgids.
    with contextlib.redirect_stderr(io.StringIO()):
        for path, line, text, *_ in extract_from_dir(root, methods, options, KEYWORDS):
            found.setdefault(text, []).append((path, line))
    return found


def fields(template):
    """The names a ``str.format`` template fills in."""
    parsed = string.Formatter().parse(template)
    return {re.split(r"[.\[]", f)[0] for _, f, _, _ in parsed if f is not None}


def check(root=ROOT, code="zh"):
    """One line per entry of ``code``'s catalog to write or fix (none: complete)."""
    texts = extract(root)
    with open(root / CATALOG.format(code), "rb") as file:
        entries = read_po(file)
    problems = []
    for text, locations in texts.items():
        where = "{}:{}".format(*locations[0])
        entry, want = entries.get(text), fields(text)
        if entry is None or not entry.string:
            problems.append(f"missing: {text!r} ({where})")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {text!r} ({where})")
        elif entry.string == text and re.search("[A-Za-z]{3}", text):
            problems.append(f"untranslated (the English copied): {text!r}")
        elif fields(entry.string) != want:
            problems.append(
                f"fields differ: {text!r} fills in {sorted(want)}, "
                f"{entry.string!r} {sorted(fields(entry.string))}"
            )
    obsolete = [m.id for m in entries if m.id and m.id not in texts]
    obsolete += [m.id for m in entries.obsolete.values()]
    problems += [f"obsolete (no longer in the source): {t!r}" for t in obsolete]
    # pybabel update writes the entries in the order extract finds them: any
    # other order turns the next update into a diff of moved entries.
    order = [m.id for m in entries if m.id in texts]
    want = [t for t in texts if t in entries]
    moved = next((b for a, b in zip(order, want, strict=True) if a != b), None)
    if moved is not None:
        problems.append(f"out of order (pybabel update moves it): {moved!r}")
    return problems


if __name__ == "__main__":
    problems = check(Path(sys.argv[1]) if sys.argv[1:] else ROOT)
    print(
        "\n".join([*problems, "", HOW_TO_FIX])
        if problems
        else "the Chinese catalog is complete"
    )
    raise SystemExit(1 if problems else 0)
