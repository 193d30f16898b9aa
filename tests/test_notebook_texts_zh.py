"""The texts the English notebooks pass into the package have Chinese entries.

The code cells are shared by both editions, so ``expect_close(Y, want, "the
output")`` passes the same English text in either; the package translates it
where it shows it (``d2lconv.i18n.given``), from ``locale/zh/notebooks.json``.
This test reads the English notebooks' code cells (and their solutions) and
fails when such a text has no entry, or an entry is no longer passed.
"""

import ast
import itertools
import json
import string
from pathlib import Path

import pytest
from zh_text import assert_chinese

from d2lconv import i18n

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "notebooks" / "solutions").glob("*.ipynb")
)
CATALOG = i18n.LOCALE / "zh" / i18n.NOTEBOOKS

# The package functions that show a text they are given: function name ->
# {position: keyword} of those arguments. "kernels" is a dict whose keys are
# the titles shown.
SHOWN = {
    "expect_close": {2: "what", 5: "cause"},
    "expect_conv2d": {3: "what"},
    "expect_pool2d": {4: "what"},
    "expect_shrinks": {4: "what"},
    "format_kernels": {0: "kernels"},
    "show_images": {0: "kernels"},
    "draw_timings": {2: "xlabel", 3: "title"},
    "draw_grid": {None: "title"},
}


class Unreadable(Exception):
    """An argument whose text cannot be known without running the cell."""


def _code(cell):
    """A code cell's source without IPython's magic and shell lines."""
    lines = "".join(cell["source"]).splitlines()
    return "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in lines)


def _constant_strings(node):
    """The string a node is, when it is a literal; else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


class Cell:
    """What this test knows of a cell's names: string constants and loop values."""

    def __init__(self, tree):
        # name -> list of the strings it takes (one for an assignment).
        self.values = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], _constant_strings(node.value)
                if isinstance(target, ast.Name) and value is not None:
                    self.values[target.id] = [value]
            elif isinstance(node, ast.For):
                self._loop(node.target, node.iter)

    def _loop(self, target, over):
        """``for target in over`` over a literal tuple or list (or its enumerate)."""
        if (
            isinstance(over, ast.Call)
            and getattr(over.func, "id", None) == "enumerate"
            and len(over.args) == 1
            and isinstance(target, ast.Tuple)
            and len(target.elts) == 2
        ):
            target, over = target.elts[1], over.args[0]
        if not isinstance(over, (ast.Tuple, ast.List)):
            return
        names = target.elts if isinstance(target, ast.Tuple) else [target]
        for position, name in enumerate(names):
            if not isinstance(name, ast.Name):
                continue
            values = []
            for item in over.elts:
                if isinstance(target, ast.Tuple):
                    if not isinstance(item, ast.Tuple) or len(item.elts) != len(names):
                        break
                    item = item.elts[position]
                value = _constant_strings(item)
                if value is None:
                    break
                values.append(value)
            else:
                self.values[name.id] = values

    def texts(self, node):
        """The texts ``node`` can be: a literal; a template per f-string, with
        the texts its names take in this cell when they are known."""
        value = _constant_strings(node)
        if value is not None:
            return [value]
        if isinstance(node, ast.Name) and node.id in self.values:
            return list(self.values[node.id])
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            pairs = itertools.product(self.texts(node.left), self.texts(node.right))
            return [a + b for a, b in pairs]
        if isinstance(node, ast.JoinedStr):
            return self._f_string(node)
        raise Unreadable(ast.unparse(node))

    def _f_string(self, node):
        # Literal text, or (field as written, name, conversion, format spec).
        pieces = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                pieces.append(_escape(part.value))
                continue
            field = ast.unparse(part.value)
            conversion = chr(part.conversion) if part.conversion != -1 else ""
            spec = ""
            if part.format_spec is not None:
                spec = "".join(
                    p.value
                    for p in part.format_spec.values
                    if isinstance(p, ast.Constant)
                )
            written = "{" + field + ("!" + conversion if conversion else "")
            written += (":" + spec if spec else "") + "}"
            name = part.value.id if isinstance(part.value, ast.Name) else None
            pieces.append((written, name, conversion, spec))
        fields = [p for p in pieces if not isinstance(p, str)]
        known = sorted({p[1] for p in fields if p[1] in self.values})

        def text(chosen):
            out = []
            for p in pieces:
                if isinstance(p, str):
                    out.append(p)
                elif p[1] in chosen:
                    value = repr(chosen[p[1]]) if p[2] == "r" else chosen[p[1]]
                    out.append(_escape(format(value, p[3])))
                else:
                    out.append(p[0])
            return "".join(out)

        texts = [text({})]
        if known:
            for values in itertools.product(*(self.values[n] for n in known)):
                texts.append(text(dict(zip(known, values, strict=True))))
        # A text with a field left is a template; one without is plain text.
        return [t if _has_field(t) else _plain(t) for t in texts]


def _escape(text):
    return text.replace("{", "{{").replace("}", "}}")


def _has_field(text):
    return any(f is not None for _, f, _, _ in string.Formatter().parse(text))


def _plain(text):
    """A template without fields as the text it shows (``{{`` is ``{``)."""
    return "".join(literal for literal, _, _, _ in string.Formatter().parse(text))


def _arguments(call, shown):
    """The argument nodes of ``call`` that are shown texts."""
    for position, keyword in shown.items():
        if position is not None and position < len(call.args):
            yield call.args[position], keyword
        for kw in call.keywords:
            if kw.arg == keyword:
                yield kw.value, keyword


def notebook_texts():
    """``{text: [where]}`` of every text the notebooks pass to a function of SHOWN."""
    found = {}
    for path in NOTEBOOKS:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for number, cell in enumerate(notebook["cells"]):
            if cell["cell_type"] != "code":
                continue
            tree = ast.parse(_code(cell))
            known = Cell(tree)
            for call in ast.walk(tree):
                if not isinstance(call, ast.Call):
                    continue
                func = call.func
                name = getattr(func, "attr", getattr(func, "id", None))
                if name not in SHOWN:
                    continue
                where = f"{path.relative_to(ROOT)} cell {cell.get('id', number)}"
                for node, keyword in _arguments(call, SHOWN[name]):
                    if keyword == "kernels":
                        if not isinstance(node, ast.Dict):
                            raise Unreadable(f"{where}: {ast.unparse(node)}")
                        nodes = node.keys
                    else:
                        nodes = [node]
                    for text_node in nodes:
                        try:
                            texts = known.texts(text_node)
                        except Unreadable as err:
                            raise Unreadable(
                                f"{where}: {name}({keyword}={err})"
                            ) from None
                        for text in texts:
                            found.setdefault(text, []).append(where)
    return found


@pytest.fixture(scope="module")
def texts():
    return notebook_texts()


@pytest.fixture(scope="module")
def entries():
    return json.loads(CATALOG.read_text(encoding="utf-8"))


def test_the_extraction_reads_literals_f_strings_and_loops():
    tree = ast.parse(
        'border = "at the border"\n'
        'for axis, name in enumerate(("rows", "columns")):\n'
        '    f(f"the same {name}", cause=border + ", which explains it")\n'
        '    f(f"{x!r} of {{K}} in {len(y):.2f}")\n'
    )
    cell = Cell(tree)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and n.args]
    first, second = (c for c in calls if getattr(c.func, "id", "") == "f")
    assert cell.texts(first.args[0]) == [
        "the same {name}",
        "the same rows",
        "the same columns",
    ]
    assert cell.texts(first.keywords[0].value) == ["at the border, which explains it"]
    assert cell.texts(second.args[0]) == ["{x!r} of {{K}} in {len(y):.2f}"]
    with pytest.raises(Unreadable):
        cell.texts(ast.parse("g(x)").body[0].value)


def test_every_text_the_notebooks_pass_has_a_chinese_entry(texts, entries):
    absent = [
        f"{where[0]}: {text!r}" for text, where in texts.items() if text not in entries
    ]
    assert absent == [], (
        f"no entry in d2lconv/locale/zh/{i18n.NOTEBOOKS}:\n" + "\n".join(absent)
    )


def test_every_entry_is_still_passed_by_a_notebook(texts, entries):
    unused = [text for text in entries if text not in texts]
    assert unused == [], (
        f"{i18n.NOTEBOOKS}: entries no English notebook passes any more: {unused}"
    )


def test_entries_are_in_the_order_of_the_notebooks(texts, entries):
    order = [text for text in texts if text in entries]
    assert list(entries) == order


def test_entries_keep_their_fields_and_read_as_chinese(entries):
    for english, chinese in entries.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(english) if f}
        assert {f for _, f, _, _ in string.Formatter().parse(chinese) if f} == fields, (
            english,
            chinese,
        )
        # Names of tensors ("K", "K.T") are the same in both editions.
        if any(c.isalpha() and c.islower() for c in _plain(english)):
            assert_chinese(_plain(chinese), f"the translation of {english!r}")


@pytest.fixture
def zh():
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def test_given_translates_every_text_and_every_form_of_a_template(zh, texts):
    before = i18n.missing()
    for text in texts:
        if _has_field(text):
            # The text an f-string makes: its fields filled in.
            sample = {
                f: f"<{n}>"
                for n, (_, f, _, _) in enumerate(string.Formatter().parse(text))
                if f
            }
            made = "".join(
                literal + (sample[f] if f else "")
                for literal, f, _, _ in string.Formatter().parse(text)
            )
            shown = i18n.given(made)
            for value in sample.values():
                assert value in shown, (text, shown)
        else:
            shown = i18n.given(text)
        if any(c.isalpha() and c.islower() for c in text):
            assert_chinese(shown, f"given({text!r})")
    assert i18n.missing() == before


def test_given_keeps_english_and_remembers_an_unknown_text(zh):
    assert i18n.given("a text no notebook passes, 4 words") == (
        "a text no notebook passes, 4 words"
    )
    assert "a text no notebook passes, 4 words" in i18n.missing()
    i18n._missing.discard("a text no notebook passes, 4 words")
    assert i18n.given(None) is None


def test_given_is_the_text_itself_in_english():
    assert i18n.language() == "en"
    for text in ("the output", "{name} is F.conv2d", "loop corr2d is F.conv2d"):
        assert i18n.given(text) is text
