"""How much of what a Chinese notebook prints is English sentences."""

import re

from zh_text import CJK

# A call with its arguments (``nn.Conv2d(1, 1, kernel_size=(3, 3))``, a tensor
# repr, ``torch.Size([2, 3])``, one whose repr goes on below), innermost first,
# with the number tuples inside; then names with a dot or an underscore,
# ``dz/dX``, and Python's own words.
CALL = re.compile(r"[A-Za-z_][\w.]*\([^()]*(?:\)|$)|\([^()A-Za-z]*\)")
CODE = re.compile(r"\w*[._]\w[\w.]*|\S+/\S+|\b(?:True|False|None)\b")
WORD = re.compile(r"(?<![\w.])[A-Za-z]{2,}(?![\w.])")


def is_english(line):
    """A printed line is an English sentence: no Chinese, two English words."""
    if CJK.search(line):
        return False
    while CALL.search(line):
        line = CALL.sub(" ", line)
    return len(WORD.findall(CODE.sub(" ", line))) >= 2


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
