"""The Chinese edition as a student meets it: terms from other material, plots."""

import subprocess
import sys
import xml.etree.ElementTree as ET

from svg_checks import SVG
from test_translations import ROOT, glossary
from zh_text import CJK

# A term -> the other names the book, the lecture notes or other Chinese
# material give it, which the glossary must list under 也称 and not ban.
OTHER_NAMES = {
    "互相关": {"交叉相关"},
    "卷积核": {"滤波器", "过滤器", "核数组"},
    "步幅": {"步长"},
    "偏置": {"偏差"},
    "膨胀卷积": {"空洞卷积", "扩张卷积"},
    "池化": {"汇聚"},
    "池化层": {"汇聚层"},
}


def test_the_glossary_gives_the_other_names_and_bans_none():
    rows = glossary()
    banned = {word for *_, avoided in rows for word in avoided}
    for term, names in OTHER_NAMES.items():
        (also,) = [set(named) for _, used, named, _ in rows if term in used]
        assert names <= also, f"{term}: 也称 lacks {names - also}"
        assert not names & banned, f"{names & banned} is banned"
    # 空洞卷积 names the convolution, not the parameter.
    (dilation,) = [named for _, used, named, _ in rows if used == ["膨胀"]]
    assert "空洞卷积" not in dilation
    # The course's own words are marked as such.
    coined = [english for english, used, *_ in rows if {"跳距", "探索器"} & set(used)]
    assert len(coined) == 2 and all("本课程用语" in e for e in coined)


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
