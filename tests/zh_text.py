"""What the tests of the Chinese edition ask of a text a student reads, and how
much of what a Chinese notebook prints is English sentences."""

import re

from svg_checks import SVG, parse, texts

CJK = re.compile(r"[\u3400-\u9fff]")
# Four English words in a row (a sentence left in English); code such as
# ``nn.Conv2d(1, 1, kernel_size=3)`` or a single term such as ``ceil_mode`` is fine.
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,;:]+[A-Za-z]{2,}\b){3}")


def assert_chinese(text, what):
    """Fail unless ``text`` holds Chinese and no run of four English words."""
    assert CJK.search(text), f"{what} has no Chinese: {text!r}"
    runs = ENGLISH_RUN.findall(text)
    assert not runs, f"{what} still has English {runs}: {text!r}"


# PyTorch's parameter names, shown as they are.
KEPT = {"ceil_mode", "count_include_pad"}
# Code and notation in a text: calls, keyword arguments, names with a dot or
# an underscore, quoted names, the padding modes and PyTorch's rounding.
CODE = re.compile(
    r"'[^']*'|[A-Za-z_][\w.]*\(|\w+=\S*|\w*_\w*|\w+\.\w+|\b(?:PyTorch|floor|ceil|"
    r"max|inf|nan|zeros|reflect|replicate|circular|lambda)\b"
)


def assert_reads_chinese(text, what):
    """Text a student reads: Chinese wherever it has words, no English sentence."""
    assert not ENGLISH_RUN.search(text), f"{what} still has English: {text!r}"
    if re.search("[A-Za-z]{3,}", CODE.sub("", text)):
        assert_chinese(text, what)


def assert_picture_in_chinese(svg, what):
    """The title, every panel's label and every text of an SVG picture."""
    root = parse(svg)
    assert_chinese(root.get("aria-label"), f"{what}: aria-label")
    assert_chinese(root.find(SVG + "title").text, f"{what}: <title>")
    # Fonts with Chinese characters after the Latin ones, sans and monospace.
    for family in [root.get("font-family")] + [
        t.get("font-family") for t in root.iter(SVG + "text") if t.get("font-family")
    ]:
        assert re.search(r"DejaVu Sans.*Noto Sans CJK SC.*Microsoft YaHei", family)
    for group in root.iter(SVG + "g"):
        label = group.get("aria-label")
        assert_reads_chinese(label, f"{what}: panel {label!r}")
        assert group.find(SVG + "title").text == label
    for text in texts(root):
        assert_reads_chinese(text, f"{what}: text")
    return root


# A call with its arguments (``nn.Conv2d(1, 1, kernel_size=(3, 3))``, a tensor
# repr, ``torch.Size([2, 3])``, one whose repr goes on below), innermost first,
# with the number tuples inside; then names with a dot or an underscore,
# ``dz/dX``, and Python's own words.
CALL = re.compile(r"[A-Za-z_][\w.]*\([^()]*(?:\)|$)|\([^()A-Za-z]*\)")
NAMES = re.compile(r"\w*[._]\w[\w.]*|\S+/\S+|\b(?:True|False|None)\b")
WORD = re.compile(r"(?<![\w.])[A-Za-z]{2,}(?![\w.])")


def is_english(line):
    """A printed line is an English sentence: no Chinese, two English words."""
    if CJK.search(line):
        return False
    while CALL.search(line):
        line = CALL.sub(" ", line)
    return len(WORD.findall(NAMES.sub(" ", line))) >= 2


def english_share(lines):
    """``(English sentences, non-empty lines)`` of the printed ``lines``."""
    lines = [line for line in lines if line.strip()]
    return sum(map(is_english, lines)), len(lines)


def printed_lines(nb):
    """The lines an executed notebook shows: printed text, results, errors."""
    lines = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                lines += out.text.splitlines()
            elif set(out.get("data", {})) == {"text/plain"}:  # no picture, widget
                lines += out.data["text/plain"].splitlines()
            elif out.output_type == "error":
                lines.append(f"{out.ename}: {out.evalue}")
    return lines
