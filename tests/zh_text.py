"""What the tests of the Chinese edition ask of a text a student reads."""

import re

CJK = re.compile(r"[\u3400-\u9fff]")
# Four English words in a row (a sentence left in English); code such as
# ``nn.Conv2d(1, 1, kernel_size=3)`` or a single term such as ``ceil_mode`` is fine.
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,;:]+[A-Za-z]{2,}\b){3}")


def english_runs(text):
    """The runs of four or more English words in ``text`` ([] for good Chinese)."""
    return [m.group(0) for m in ENGLISH_RUN.finditer(text)]


def assert_chinese(text, what):
    """Fail unless ``text`` holds Chinese and no run of four English words."""
    assert CJK.search(text), f"{what} has no Chinese: {text!r}"
    runs = english_runs(text)
    assert not runs, f"{what} still has English {runs}: {text!r}"
