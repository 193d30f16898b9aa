"""The Chinese notebooks in JupyterLab: every explorer speaks Chinese, in real glyphs.

Each explorer, in one notebook of notebooks/zh/ that shows it (already run by
Run All Cells in the kernel it opened with), runs clean and shows Chinese
labels and pictures (their texts: test_explorer_pages.py, on plain pages).
Chromium must draw the Chinese characters with a font that has them (no empty
boxes): Chrome's DevTools protocol says which fonts drew each text
(``CSS.getPlatformFontsForNode``), and those must be fonts that fontconfig
lists for Chinese. Screenshots go to artifacts/screenshots/zh-*.png.
"""

import subprocess

import pytest
from zh_text import CJK

from .labserver import NOTEBOOK_DIR, NOTEBOOKS, SCREENSHOTS, find_explorers

ZH = NOTEBOOK_DIR / "zh"
SHOWN = find_explorers([p for p in NOTEBOOKS if ZH in p.parents])
# Each explorer once (the Chinese notebooks have the English code cells,
# tests/test_translations.py), in the last notebook that shows it, where it
# has the most controls: four notebooks for the five explorers.
EXPLORERS = sorted({name: (p, i, name) for p, i, name in SHOWN}.values())
IDS = [f"{p.relative_to(ZH)}-cell{i}-{name}" for p, i, name in EXPLORERS]


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
        f"with Chinese glyphs; fonts used: {fonts} (bash scripts/install-browser.sh "
        "installs fonts-noto-cjk)"
    )


@pytest.mark.parametrize("path, cell, name", EXPLORERS, ids=IDS)
def test_explorer_speaks_chinese_in_real_glyphs(notebook_pages, path, cell, name):
    notebook = notebook_pages[path]
    view = notebook.explorer_in_cell(cell)
    for what, found in [
        ("the picture", view.picture.locator("svg text", has_text=CJK)),
        ("the labels", view.root.locator("label", has_text=CJK)),
    ]:
        assert found.count(), f"{name}: no Chinese in {what}"
        assert_drawn_in_a_chinese_font(view.page, found.first, f"{name}: {what}")
    view.screenshot(SCREENSHOTS / f"zh-{path.stem}-cell{cell}-{name}.png")
    notebook.assert_ran_clean()
