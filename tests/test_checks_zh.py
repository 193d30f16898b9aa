"""The Chinese edition: the checks, the environment check, the timing and photo
helpers speak Chinese after ``set_language("zh")``, with the numbers they compute."""

import io
import os
import re
import shutil
import subprocess
import sys
import types
import warnings
from pathlib import Path

import pytest
import torch
from test_checks import losses_of
from torch import nn
from zh_text import assert_chinese

import d2lconv
from d2lconv import (
    CheckFailed,
    envcheck,
    expect_close,
    expect_descent,
    expect_shrinks,
    fast,
    i18n,
    picture_mpl,
)
from d2lconv.fast import Progress, draw_timings, format_duration, time_implementations
from d2lconv.i18n import columns
from d2lconv.receptive import LayerError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def zh():
    d2lconv.set_language("zh")
    yield
    d2lconv.set_language("en")


@pytest.fixture
def nothing_missing(zh):
    """Every text asked for in this test had a Chinese entry."""
    before = set(i18n.missing())
    yield
    assert set(i18n.missing()) - before == set()


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
    return str(info.value)


# ---------------------------------------------------------------------------
# expect_close


def test_a_passed_check_is_chinese_with_the_notebooks_text(nothing_missing, capsys):
    X = torch.tensor([[0.0, 1, 2], [3, 4, 5], [6, 7, 8]])
    assert expect_close(X.sum(), 36, "same count") is True
    assert expect_close((2, 3), torch.Size([2, 3]), "each layer adds k - 1") is True
    out = capsys.readouterr().out
    assert_all_chinese(out, "expect_close")
    first, second = lines(out)
    assert first.startswith("检查通过：") and "same count" not in first
    assert second.startswith("检查通过：") and "each layer" not in second


def test_a_wrong_value_names_the_numbers_where_and_the_cause(nothing_missing):
    expected = torch.zeros(3, 4)
    got = expected.clone()
    got[1, 2], got[2, 0] = 0.5, -2.0
    text = failure(expect_close, got, expected, "corr2d of the padded X")
    assert_chinese(text, "a failed expect_close")
    assert text.startswith("检查未通过：") and "corr2d" in text
    # The worst position, both values and how many of the 12 differ.
    for number in ("(2, 0)", "-2", " 0", "12", "2 "):
        assert number in text, (number, text)
    assert text.endswith("。")


def test_a_wrong_shape_and_a_wrong_number_are_chinese(nothing_missing):
    text = failure(expect_close, torch.ones(4, 5), torch.ones(3, 5), "same count")
    assert_chinese(text, "a wrong shape")
    assert "(3, 5)" in text and "(4, 5)" in text
    text = failure(expect_close, 1.5, 1.0, "count")
    assert_chinese(text, "a wrong number")
    assert "1.5" in text and "1" in text
    text = failure(expect_close, torch.tensor([1.5]), torch.tensor([1.0]), "count")
    assert_chinese(text, "a wrong one-element tensor")
    assert "(0,)" in text and "1.5" in text


def test_the_notebooks_cause_and_f_string_what_are_translated(nothing_missing):
    cause = (
        "k is even, so k - 1 is odd and no padding equal on both sides keeps the size"
    )
    what = "(k - 1) // 2 zeros per side keep the size"
    text = failure(expect_close, 31, 32, what, cause=cause)
    assert_chinese(text, "a failure with the notebook's cause")
    assert "k is even" not in text and "31" in text and "32" in text
    # A what built from values, made with tr: the numbers filled in are kept.
    what = i18n.tr("windows that use each pixel ({k}x{k} kernel)", k=5)
    text = failure(expect_close, 2.0, 1.0, what)
    assert_chinese(text, "a failure with an f-string's what")
    assert "5x5" in text


def test_a_text_no_notebook_passes_is_shown_as_it_is_and_remembered(zh, capsys):
    expect_close(1, 1, "my own check of the output")
    out = capsys.readouterr().out
    assert out == "检查通过：my own check of the output\n"
    assert "my own check of the output" in i18n.missing()
    i18n._missing.discard("my own check of the output")


# ---------------------------------------------------------------------------
# expect_descent and expect_shrinks, on real runs of gradient descent


def test_descent_below_the_limit_passes_in_chinese(edges, nothing_missing, capsys):
    X, Y, limit = edges
    losses = losses_of(X, Y, 0.5 * limit)
    assert expect_descent(losses, 0.5 * limit, limit) is True
    out = capsys.readouterr().out
    assert_all_chinese(out, "expect_descent")
    assert out.startswith("检查通过：")
    assert f"{limit:.4g}" in out and f"{losses[0] / losses[-1]:.3g}" in out
    assert "30" in out


def test_descent_above_the_limit_explains_in_chinese(edges, nothing_missing, capsys):
    X, Y, limit = edges
    losses = losses_of(X, Y, 1.2 * limit)
    assert expect_descent(losses, 1.2 * limit, limit) is False
    out = capsys.readouterr().out
    assert_all_chinese(out, "expect_descent above the limit")
    for number in (1.2 * limit, limit, losses[0], losses[-1]):
        assert f"{number:.4g}" in out


def test_descent_failures_are_chinese_with_their_numbers(edges, nothing_missing):
    X, Y, limit = edges
    losses = losses_of(X, Y, 0.05 * limit, steps=10)
    text = failure(expect_descent, losses, 0.05 * limit, limit)
    assert_chinese(text, "too few steps")
    assert text.startswith("检查未通过：")
    for number in (f"{losses[0] / losses[-1]:.3g}", "100", "10", "0.05"):
        assert number in text, (number, text)
    text = failure(expect_descent, [4.0, 3.0, 3.5, 1e-3], 0.5 * limit, limit)
    assert_chinese(text, "a rise below the limit")
    assert "3 -> 3.5" in text and "2" in text


def test_shrinks_in_chinese(nothing_missing, capsys):
    what = "the distance to Sobel's kernel"
    assert expect_shrinks(2.0, 0.01, 0.9, 30, what)
    assert expect_shrinks(2.0, 50.0, 1.3, 30, what) is False
    out = capsys.readouterr().out
    assert_all_chinese(out, "expect_shrinks")
    passed, no_check = lines(out)
    assert passed.startswith("检查通过：") and f"{0.9**30 * 2:.4g}" in passed
    assert "1.3" in no_check and "50" in no_check
    text = failure(expect_shrinks, torch.tensor(2.0), torch.tensor(1.0), 0.9, 30, what)
    assert_chinese(text, "a failed expect_shrinks")
    assert f"{0.9**30 * 2:.4g}" in text and "30" in text and "0.9" in text


def test_english_is_unchanged_after_chinese(capsys):
    d2lconv.set_language("zh")
    d2lconv.set_language("en")
    expect_close(1, 1, "the counts")
    assert capsys.readouterr().out == "check passed: the counts\n"


# ---------------------------------------------------------------------------
# The environment check (notebook 00 and `python -m d2lconv.envcheck`)


def test_every_line_of_the_environment_check_is_chinese(nothing_missing, capsys):
    checks = envcheck.check_environment()
    out = capsys.readouterr().out
    assert all(check.ok for check in checks), out
    assert_all_chinese(out, "check_environment")
    assert len(lines(out)) == len(envcheck.CHECKS) + 1
    # The columns are as wide as in English: the details line up.
    for line in lines(out)[:-1]:
        assert line[:2] == "正常", line
        status_and_name = re.match(r"\S+\s+\S+\s+", line).group()
        assert columns(status_and_name) == 18, line
    assert "FAIL" not in out and "OK" not in out


def test_a_missing_package_fails_with_a_chinese_fix(
    monkeypatch, nothing_missing, capsys
):
    monkeypatch.setitem(sys.modules, "d2l", None)
    for loaded in [m for m in sys.modules if m.startswith("d2l.")]:
        monkeypatch.delitem(sys.modules, loaded)
    checks = {check.name: check for check in envcheck.check_environment()}
    out = capsys.readouterr().out
    assert not checks["d2l"].ok
    assert_all_chinese(out, "check_environment without d2l")
    (failed,) = [
        line for line in lines(out) if "d2l " in line and "d2lconv" not in line
    ]
    assert failed.startswith("失败")
    fix = lines(out)[lines(out).index(failed) + 1]
    assert "pip install --no-deps d2l==1.0.3" in fix
    assert lines(out)[-1].startswith("有 1 ")


def test_the_details_and_fixes_are_chinese(monkeypatch, nothing_missing):
    check = envcheck.check_python((3, 9, 7), "/usr/bin/python3")
    assert_chinese(check.detail, "an old Python")
    assert "3.9.7" in check.detail and "/usr/bin/python3" in check.detail
    assert_chinese(check.fix, "the fix of an old Python")
    assert "3.10" in check.fix
    monkeypatch.setitem(sys.modules, "torch", types.SimpleNamespace(__version__="1.13"))
    check = envcheck.check_torch()
    assert_chinese(check.detail, "an old torch")
    assert "1.13" in check.detail and "2.0" in check.detail
    assert_chinese(check.fix, "the fix of an old torch")
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i=0: "Tesla T4")
    check = envcheck.check_device()
    assert check.detail.startswith("cuda（Tesla T4）")
    assert_chinese(check.detail, "the device line with a GPU")
    monkeypatch.setitem(sys.modules, "torch", None)
    check = envcheck.check_device()
    assert_chinese(CODE.sub("", check.detail), "the device without torch")
    assert_chinese(check.fix, "the fix of the device line")


@pytest.mark.parametrize(
    ("ipywidgets", "dists", "ok", "numbers"),
    [
        ("8.1.5", {}, False, ["8.1.5"]),
        ("8.1.5", {"jupyterlab_widgets": "1.1.11"}, False, ["1.1.11", "3.x"]),
        ("7.6.5", {"widgetsnbextension": "3.5.2"}, False, ["7.6.5", "7.7"]),
        ("8.1.5", {"jupyterlab_widgets": "3.0.9"}, True, ["3.0.9"]),
    ],
)
def test_the_ipywidgets_line_is_chinese(
    monkeypatch, nothing_missing, ipywidgets, dists, ok, numbers
):
    monkeypatch.setitem(
        sys.modules, "ipywidgets", types.SimpleNamespace(__version__=ipywidgets)
    )
    monkeypatch.setattr(envcheck, "_dist_version", dists.get)
    check = envcheck.check_ipywidgets()
    assert check.ok is ok
    assert_chinese(check.detail, "the ipywidgets line")
    assert_chinese(check.fix, "the ipywidgets fix")
    for number in numbers:
        assert number in check.detail


def test_a_d2l_import_that_is_missing_is_named_in_chinese(monkeypatch, nothing_missing):
    def fail(name):
        raise ModuleNotFoundError("No module named 'pandas'", name="pandas")

    monkeypatch.setattr(envcheck.importlib, "import_module", fail)
    check = envcheck.check_d2l()
    assert check.fix.startswith("pip install pandas（")
    assert_chinese(CODE.sub("", check.fix), "the fix naming pandas")


def run_command(args, tmp_path, hide=None, lang="zh"):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["D2LCONV_LANG"] = lang
    if hide:
        (tmp_path / "sitecustomize.py").write_text(
            f"import sys\nsys.modules[{hide!r}] = None\n"
        )
        env["PYTHONPATH"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=env
    )


def test_the_command_speaks_chinese(tmp_path):
    result = run_command(["-m", "d2lconv.envcheck"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_all_chinese(result.stdout, "python -m d2lconv.envcheck")


def test_the_file_speaks_chinese_without_the_package(tmp_path):
    # Without torch, `import d2lconv` fails; the file loads i18n.py beside it.
    result = run_command([str(ROOT / "d2lconv" / "envcheck.py")], tmp_path, "torch")
    assert result.returncode == 1
    assert result.stderr == ""
    assert_all_chinese(result.stdout, "python d2lconv/envcheck.py")
    assert [line[:2] for line in lines(result.stdout)[:2]] == ["正常", "失败"]


def test_a_copy_of_the_file_alone_still_runs_in_english(tmp_path):
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(ROOT / "d2lconv" / "envcheck.py", alone / "envcheck.py")
    result = run_command([str(alone / "envcheck.py")], tmp_path, "torch")
    assert result.returncode == 1
    assert result.stderr == ""
    assert "OK    Python" in result.stdout and "FAIL  torch" in result.stdout


# ---------------------------------------------------------------------------
# fast.py: the progress bar, durations and the timing plot


def test_the_progress_bar_and_durations_are_chinese(nothing_missing):
    stream = io.StringIO()
    bar = Progress(3, mode="text", stream=stream)
    for step in (1, 2, 3):
        bar.update(step)
    last = stream.getvalue().split("\r")[-1]
    assert_chinese(last, "the progress bar")
    assert last.endswith(" [####################] 3/3\n")
    widget = Progress(4, mode="widget")
    assert_chinese(widget.bar.description, "the progress widget")
    # Units are symbols in both editions; only days are a word.
    assert format_duration(0.0123) == "12.3 ms"
    days = format_duration(3 * 86400)
    assert_chinese(days, "a duration in days")
    assert days.startswith("3 ")


def test_time_implementations_shows_a_chinese_bar(nothing_missing, capsys):
    time_implementations(
        {"nap": lambda: None},
        sizes=[1, 2],
        make_inputs=lambda n: (),
        repeats=1,
        progress="text",
        show_after=0.0,
    )
    err = capsys.readouterr().err
    assert "2/2" in err
    assert_chinese(err.split("\r")[-1], "the bar of time_implementations")


@pytest.fixture
def cjk_font():
    """A matplotlib that has a font with Chinese characters (fonts-noto-cjk)."""
    if picture_mpl.cjk_font() is None:
        pytest.fail(
            "matplotlib finds no font with Chinese characters: install one "
            "(bash scripts/install-browser.sh installs Debian's fonts-noto-cjk)"
        )


def drawn_texts(fig):
    (ax,) = fig.axes
    return ax.get_xlabel(), ax.get_ylabel(), ax.get_title()


def test_the_timing_plot_is_chinese_with_a_chinese_font(cjk_font, nothing_missing):
    timings = {"loop corr2d (cpu)": [1e-3, 4e-3], "F.conv2d (cpu)": [1e-5, 2e-5]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" included
        fig = draw_timings([8, 16], timings, title="3x3 kernel on an n x n input")
        fig.savefig(io.BytesIO(), format="png")
    for text in drawn_texts(fig):
        assert_chinese(text, "a label of the timing plot")
    (ax,) = fig.axes
    assert "CJK" in ax.xaxis.label.get_fontname()
    # The implementations keep their names.
    assert [line.get_label() for line in ax.get_lines()] == list(timings)


def test_the_timing_plot_stays_english_without_a_chinese_font(zh, monkeypatch):
    monkeypatch.setattr(fast, "_cjk_font", lambda: None)
    before = i18n.missing()
    fig = draw_timings([8, 16], {"loop": [1e-3, 4e-3]}, title="my own title")
    assert drawn_texts(fig) == (
        "input size n (n x n)",
        "time (s)",
        "my own title",
    )
    assert i18n.missing() == before


# ---------------------------------------------------------------------------
# photo.py and receptive.py: the text tables the notebooks print


def test_the_kernel_table_has_chinese_titles_that_line_up(nothing_missing):
    sobel = torch.outer(torch.tensor([1.0, 2, 1]), torch.tensor([-1.0, 0, 1]))
    learned = sobel + 0.0123
    text = d2lconv.format_kernels(
        {"learned": learned, "Sobel": sobel, "learned - Sobel": learned - sobel},
        digits=3,
    )
    title, *rows = text.splitlines()
    assert_chinese(title, "the titles of format_kernels")
    assert "learned" not in title
    # Each title starts in the column of its kernel's values.
    starts = [m.start() for m in re.finditer(r"(?<!\S)\S", rows[0])]
    starts = [starts[0], starts[3], starts[6]]
    titles = [m.start() for m in re.finditer(r"\S+(?: \S+)*", title)]
    assert [columns(title[:i]) for i in titles] == starts
    assert rows[0].split()[:3] == ["-0.988", "0.012", "1.012"]


def test_the_kernel_table_keeps_the_names_of_tensors(nothing_missing):
    text = d2lconv.format_kernels(
        {"K": torch.tensor([[1.0, -1.0]]), "K.T": torch.tensor([[1.0], [-1.0]])}
    )
    assert text.splitlines()[0].split() == ["K", "K.T"]


def test_the_photo_credit_prints_in_chinese(nothing_missing, capsys):
    print(d2lconv.PHOTO_CREDIT)
    out = capsys.readouterr().out
    assert_chinese(out, "the photo credit")
    assert "grace_hopper.jpg" in out
    assert d2lconv.PHOTO_CREDIT.startswith("Grace Hopper, official US Navy")


def test_the_photo_credit_is_unchanged_in_english(capsys):
    print(d2lconv.PHOTO_CREDIT)
    assert capsys.readouterr().out == str.__str__(d2lconv.PHOTO_CREDIT) + "\n"
    assert f"{d2lconv.PHOTO_CREDIT}" == str.__str__(d2lconv.PHOTO_CREDIT)


def test_the_receptive_field_table_names_layers_in_chinese(nothing_missing):
    layers = [
        nn.Conv2d(1, 1, 3, stride=2, padding=1),
        nn.MaxPool2d(2),
        nn.AvgPool2d(3, stride=1),
    ]
    table = d2lconv.receptive_field_table(layers, 16)
    for row in table:
        assert_chinese(row.name, "a layer's name")
    assert [row.name.split()[-1] for row in table] == ["p=1", "s=2", "3x3"]
    assert [row.receptive_field for row in table] == [(3, 3), (5, 5), (13, 13)]


def test_an_impossible_layer_is_an_english_error_that_names_it(zh):
    with pytest.raises(LayerError, match="layer 2: conv 5x5: output height") as info:
        d2lconv.receptive_field_table([dict(kernel_size=3), dict(kernel_size=5)], 6)
    assert info.value.layer == "2: conv 5x5"
    assert isinstance(info.value.error, ValueError)
    assert str(info.value) == f"layer 2: conv 5x5: {info.value.error}"


# ---- the photo notebook's pictures -------------------------------------------


def titles_of(fig):
    return [ax.get_title() for ax in fig.axes]


def test_photo_titles_are_chinese_with_a_chinese_font(cjk_font, nothing_missing):
    images = {"photo": torch.rand(6, 5), "vertical edges": torch.randn(6, 4)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font" included
        fig = d2lconv.show_images(images, signed=True)
        fig.savefig(io.BytesIO(), format="png")
    for title in titles_of(fig):
        assert_chinese(title, "a photo's title")
    assert "CJK" in fig.axes[0].title.get_fontname()


def test_photo_titles_stay_as_given_without_a_chinese_font(zh, monkeypatch):
    monkeypatch.setattr(picture_mpl, "cjk_font", lambda: None)
    fig = d2lconv.show_images({"photo": torch.rand(3, 3), "my own": torch.rand(2, 2)})
    assert titles_of(fig) == ["photo", "my own"]
