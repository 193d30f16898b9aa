"""The Chinese edition of the checks, the exercises, the environment check, the
timing and photo helpers, the plots (with and without a Chinese font) and the
receptive-field table: only what differs in Chinese (what a student reads is
Chinese and has a catalog entry, columns line up, fonts have the characters);
the English cases are tested in their own files."""

import io
import os
import re
import shutil
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import torch
from svg_checks import SVG
from zh_text import CJK, assert_chinese

import d2lconv
from d2lconv import CheckFailed, envcheck, exercises, fast, plot
from d2lconv.i18n import columns

ROOT = Path(__file__).resolve().parents[1]


# What stays as it is in Chinese: commands to type and Python's own messages.
CODE = re.compile(r"pip install [^；，（）]*|\w+Error: [^）]*")


def lines(out):
    return [line for line in out.splitlines() if line.strip()]


def assert_all_chinese(out, what):
    assert lines(out), f"{what} printed nothing"
    for line in lines(out):
        assert_chinese(CODE.sub("", line), what)


def failure(check, *args, **kwargs):
    with pytest.raises(CheckFailed) as info:
        check(*args, **kwargs)
    assert str(info.value).startswith("检查未通过：")
    assert_all_chinese(str(info.value), check.__name__)
    return str(info.value)


def test_the_checks_pass_and_fail_in_chinese(zh, capsys):
    # Each kind of message: passed, failed, and no check above the limit.
    d2lconv.expect_close(36, 36, "same count")
    assert d2lconv.expect_descent([4.0, 0.5, 0.01], 0.5, 1.0)
    assert d2lconv.expect_descent([4.0, 9.0], 1.2, 1.0) is False
    what = "the distance to Sobel's kernel"
    assert d2lconv.expect_shrinks(2.0, 0.01, 0.9, 30, what)
    assert d2lconv.expect_shrinks(2.0, 50.0, 1.3, 30, what) is False
    out = capsys.readouterr().out
    assert_all_chinese(out, "the checks")
    assert len(lines(out)) == 5 and "same count" not in out
    # A notebook's own what and cause are translated, its numbers kept.
    cause = (
        "k is even, so k - 1 is odd and no padding equal on both sides keeps the size"
    )
    text = failure(d2lconv.expect_close, 31, 32, "same count", cause=cause)
    assert "k is even" not in text and "31" in text and "32" in text
    failure(d2lconv.expect_close, torch.ones(4, 5), torch.ones(3, 5), "count")
    failure(d2lconv.expect_descent, [4.0, 3.9, 3.8], 0.05, 1.0)
    assert "3 -> 3.5" in failure(d2lconv.expect_descent, [4.0, 3.0, 3.5], 0.5, 1.0)
    failure(d2lconv.expect_shrinks, 2.0, 1.0, 0.9, 30, what)


def test_the_exercise_checks_speak_chinese(zh, capsys):
    # (every table text has a catalog entry: test_i18n's complete catalog)
    # A verdict, a hint, a hint for a case or a part, a statement of a choice.
    assert exercises.check_fc_weights(3.6e9)
    assert not exercises.check_fc_weights(1.2e9)
    assert not exercises.check_fc_weights("lots")
    assert not exercises.check_kernel_gradient(lambda X, Y, K, b: 3 * X[:1, :2])
    assert not exercises.check_channel_prediction(27, (2, 3, 3))
    lines = capsys.readouterr().out.splitlines()
    for line in [*lines, exercises.GROUPS_CHOICES["b"]]:
        assert_chinese(line, line)
    assert lines[0].startswith("正确。") and "3.60e+09" in lines[0]
    assert all(line.startswith("还不对。提示：") for line in lines[1:])


def test_the_environment_check_is_chinese_and_its_columns_line_up(
    monkeypatch, zh, capsys
):
    monkeypatch.setitem(sys.modules, "d2l", None)
    for loaded in [m for m in sys.modules if m.startswith("d2l.")]:
        monkeypatch.delitem(sys.modules, loaded)
    checks = envcheck.check_environment()
    out = capsys.readouterr().out
    assert_all_chinese(out, "check_environment without d2l")
    assert [c.name for c in checks if not c.ok] == ["d2l"]
    assert "FAIL" not in out and "OK" not in out
    # The columns are as wide as in English: the details line up.
    printed = lines(out)
    rows = [line for line in printed if line[:2] in ("正常", "失败")]
    assert len(rows) == len(envcheck.CHECKS)
    for line in rows:
        assert columns(re.match(r"\S+\s+\S+\s+", line).group()) == 18, line
    (failed,) = [line for line in rows if line.startswith("失败")]
    assert "pip install --no-deps d2l==1.0.3" in printed[printed.index(failed) + 1]
    assert printed[-1].startswith("有 1 ")
    check = envcheck.check_python((3, 9, 7), "/usr/bin/python3")
    assert_chinese(check.detail + check.fix, "an old Python")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i=0: "Tesla T4")
    assert envcheck.check_device().detail.startswith("cuda（Tesla T4）")


def run_in_chinese(path, tmp_path):
    """``python path`` in Chinese, with ``torch`` hidden: the package cannot load."""
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\nsys.modules['torch'] = None"
    )
    env = {**os.environ, "D2LCONV_LANG": "zh", "PYTHONPATH": str(tmp_path)}
    run = [sys.executable, str(path)]
    result = subprocess.run(run, capture_output=True, text=True, cwd=ROOT, env=env)
    assert (result.returncode, result.stderr) == (1, "")
    return result.stdout


def test_the_file_speaks_chinese_without_the_package_and_english_alone(tmp_path):
    # Without torch the file loads the i18n.py beside it ...
    out = run_in_chinese(ROOT / "d2lconv" / "envcheck.py", tmp_path)
    assert_all_chinese(out, "python d2lconv/envcheck.py")
    assert [line[:2] for line in lines(out)[:2]] == ["正常", "失败"]
    # ... and a copy of the file alone runs in English.
    alone = shutil.copy(ROOT / "d2lconv" / "envcheck.py", tmp_path / "envcheck.py")
    out = run_in_chinese(alone, tmp_path)
    assert "OK    Python" in out and "FAIL  torch" in out


def test_a_duration_in_days_is_chinese(zh):
    # Units are symbols in both editions; only days are a word.
    assert_chinese(days := fast.format_duration(3 * 86400), "a duration in days")
    assert days.startswith("3 ")


@pytest.mark.font
def test_plots_are_chinese_with_a_chinese_font(zh):
    if plot.cjk_font() is None:
        pytest.fail(
            "matplotlib finds no font with Chinese characters: install one "
            "(bash scripts/install-browser.sh installs Debian's fonts-noto-cjk)"
        )
    timings = {"loop corr2d (cpu)": [1e-3, 4e-3], "F.conv2d (cpu)": [1e-5, 2e-5]}
    images = {"photo": torch.rand(6, 5), "vertical edges": torch.randn(6, 4)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" included
        timing = fast.draw_timings(
            [8, 16], timings, title="3x3 kernel on an n x n input"
        )
        photos = d2lconv.show_images(images, signed=True)
        for fig in (timing, photos):
            fig.savefig(io.BytesIO(), format="png")
    # The implementations keep their names (the labels: the test below).
    (ax,) = timing.axes
    assert [line.get_label() for line in ax.get_lines()] == list(timings)
    for ax in photos.axes:
        assert_chinese(ax.get_title(), "a photo's title")


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


def test_the_kernel_table_and_the_credit_are_chinese(zh, capsys):
    sobel = torch.outer(torch.tensor([1.0, 2, 1]), torch.tensor([-1.0, 0, 1]))
    learned = sobel + 0.0123
    text = d2lconv.format_kernels(
        {"learned": learned, "Sobel": sobel, "learned - Sobel": learned - sobel},
        digits=3,
    )
    title, *rows = text.splitlines()
    assert_chinese(title, "the titles of format_kernels")
    # Each title starts in the column of its kernel's values.
    starts = [m.start() for m in re.finditer(r"(?<!\S)\S", rows[0])]
    titles = [m.start() for m in re.finditer(r"\S+(?: \S+)*", title)]
    assert [columns(title[:i]) for i in titles] == starts[::3]
    # The names of tensors stay as they are.
    kernels = {"K": torch.tensor([[1.0, -1.0]]), "K.T": torch.tensor([[1.0], [-1.0]])}
    assert d2lconv.format_kernels(kernels).splitlines()[0].split() == ["K", "K.T"]
    print(d2lconv.PHOTO_CREDIT)
    chinese = capsys.readouterr().out
    assert_chinese(chinese, "the photo credit")
    assert "grace_hopper.jpg" in chinese
    d2lconv.set_language("en")
    print(d2lconv.PHOTO_CREDIT)
    assert capsys.readouterr().out == str.__str__(d2lconv.PHOTO_CREDIT) + "\n"


def test_the_layers_of_a_receptive_field_table_have_chinese_names(zh):
    layers = [dict(kernel_size=3, stride=2, padding=1), dict(kind="max", kernel_size=2)]
    layers.append(dict(kind="avg", kernel_size=3, stride=1))
    table = d2lconv.receptive_field_table(layers)
    assert [row.name for row in table] == [
        "第 1 层（卷积 3x3 s=2 p=1）",
        "第 2 层（最大池化 2x2 s=2）",
        "第 3 层（平均池化 3x3）",
    ]
