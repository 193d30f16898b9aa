"""The Chinese notebooks in JupyterLab: every explorer speaks Chinese, in real glyphs.

Each explorer, in one notebook of notebooks/zh/ that shows it (already run by
Run All Cells in the kernel it opened with), is read as a student sees it: its control
labels, buttons and options, and the text in its picture must be Chinese; a
key press must bring a new picture or explanation, also in Chinese. Chromium
must draw the Chinese characters with a font that has them (no empty boxes):
Chrome's DevTools protocol says which fonts drew each text
(``CSS.getPlatformFontsForNode``), and those must be fonts that fontconfig
lists for Chinese. Screenshots go to artifacts/screenshots/zh-*.png.
"""

import re
import subprocess

import pytest

from .labserver import NOTEBOOK_DIR, NOTEBOOKS, SCREENSHOTS
from .test_explorers_in_browser import check_no_errors, find_explorers

ZH = NOTEBOOK_DIR / "zh"
SHOWN = find_explorers([p for p in NOTEBOOKS if ZH in p.parents])
# Each explorer once (the Chinese notebooks have the English code cells,
# tests/test_translations.py), in the last notebook that shows it, where it
# has the most controls: four notebooks for the five explorers.
EXPLORERS = sorted({name: (p, i, name) for p, i, name in SHOWN}.values())
IDS = [f"{p.relative_to(ZH)}-cell{i}-{name}" for p, i, name in EXPLORERS]
CJK = re.compile(r"[\u3400-\u9fff]")
# PyTorch's own parameter names stay as they are on the controls.
PYTORCH_NAMES = {"ceil_mode", "count_include_pad"}


def chinese_fonts():
    """The font families fontconfig has for Chinese (fonts-noto-cjk here)."""
    listed = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=True
    ).stdout
    return {name.strip() for line in listed.splitlines() for name in line.split(",")}


def fonts_drawing(page, element):
    """``[(family, glyph count)]`` Chromium used to draw ``element``'s text."""
    element.evaluate("e => e.setAttribute('data-font-probe', '1')")
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send(
            "DOM.querySelector", {"nodeId": root, "selector": "[data-font-probe]"}
        )["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        element.evaluate("e => e.removeAttribute('data-font-probe')")
        cdp.detach()
    return [(f["familyName"], f["glyphCount"]) for f in fonts]


def assert_drawn_in_a_chinese_font(page, element, what):
    text = element.text_content()
    count = len(CJK.findall(text))
    fonts = fonts_drawing(page, element)
    drawn = sum(n for family, n in fonts if family in chinese_fonts())
    assert count and drawn >= count, (
        f"{what} {text!r}: {count} Chinese characters, {drawn} drawn by a font "
        f"with Chinese glyphs; fonts used: {fonts} (install fonts-noto-cjk)"
    )


def test_this_machine_has_a_chinese_font():
    assert chinese_fonts(), "no font for Chinese: bash scripts/install-browser.sh"


@pytest.mark.parametrize("path, cell, name", EXPLORERS, ids=IDS)
def test_explorer_speaks_chinese_in_real_glyphs(notebook_pages, path, cell, name):
    notebook = notebook_pages[path]
    view = notebook.explorer_in_cell(cell)
    page = view.page
    root = view.root
    # Every label a student reads: every control's <label>, the buttons, the
    # options of every list (numbers, such as learning rates, aside).
    texts = root.locator("label, button, option").all_inner_texts()
    labels = [t.strip() for t in texts if not re.fullmatch(r"[\d\s.,x×:()/+-]*", t)]
    english = [t for t in labels if not CJK.search(t) and t not in PYTORCH_NAMES]
    assert labels and not english, f"{name}: labels not in Chinese: {english}"
    svg_text = view.picture.locator("svg text")
    titles = [t for t in svg_text.all_text_contents() if CJK.search(t)]
    assert titles, f"{name}: no Chinese text in the picture"
    first_label = root.locator("label", has_text=CJK).first
    assert_drawn_in_a_chinese_font(page, first_label, f"{name}: the label")
    title = view.picture.locator("svg text", has_text=CJK).first
    assert_drawn_in_a_chinese_font(page, title, f"{name}: the picture's text")
    view.screenshot(SCREENSHOTS / f"zh-{path.stem}-cell{cell}-{name}.png")

    # A key press on a slider: a new picture or an explanation, Chinese.
    _, handle = view.sliders(local=True)[0]
    old = view.state()
    view.nudge(handle)
    svg, explanation = view.wait_for_new_state(old)
    shown = explanation or " ".join(
        view.picture.locator("svg text").all_text_contents()
    )
    assert CJK.search(shown), f"{name}: after a key press, no Chinese: {shown[:300]}"
    check_no_errors(notebook)
