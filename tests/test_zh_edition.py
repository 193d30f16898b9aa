"""The Chinese edition as a student meets it: plots without a Chinese font."""

import subprocess
import sys
import xml.etree.ElementTree as ET

from svg_checks import SVG
from test_translations import ROOT
from zh_text import CJK

# A machine whose matplotlib has no font with Chinese glyphs (as Colab), in
# Jupyter: a Chinese figure is SVG, its Chinese is <text>, nothing is printed.
NO_CJK_FONT = """
from IPython.core.interactiveshell import InteractiveShell
from matplotlib import font_manager as fm

import d2lconv
from d2lconv import fast, plot

fm.fontManager.ttflist = [
    f for f in fm.fontManager.ttflist
    if "CJK" not in f.name and not any(w in f.fname.lower() for w in plot._CJK_FILE)
]
fm.findSystemFonts = lambda *args, **kwargs: []
assert plot.cjk_font() is None
shell = InteractiveShell.instance()
d2lconv.set_language("zh")
title = "3x3 kernel on an n x n input"
fig = fast.draw_timings([8, 16], {"loop": [1e-3, 4e-3]}, title=title)
shown, _ = shell.display_formatter.format(fig)
assert "image/png" not in shown, sorted(shown)
print(shown["image/svg+xml"])
"""


def test_chinese_plots_are_svg_text_without_a_chinese_font():
    run = subprocess.run(
        [sys.executable, "-c", NO_CJK_FONT], capture_output=True, text=True, cwd=ROOT
    )
    assert run.returncode == 0 and run.stderr == "", run.stderr
    texts = [t.text for t in ET.fromstring(run.stdout).iter(SVG + "text")]
    chinese = [t for t in texts if t and CJK.search(t)]
    title = "3x3 卷积核作用于 n x n 输入"
    assert chinese == ["输入大小 n（n x n）", "时间（秒）", title]
