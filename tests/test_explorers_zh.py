"""The explorers and pictures in Chinese (``set_language("zh")``): the labels are
the Chinese notebooks' words; every picture's words and every explanation are
Chinese; code in a picture still runs; raised errors stay English but a
ShapeError's; no text lacks its Chinese. The numbers are the English tests';
the pages in Chinese: tests/browser/test_explorer_pages.py."""

import pickle
import re

import pytest
import torch
import torch.nn.functional as F
from browser.pages import module_labels
from svg_checks import SVG, parse, texts
from test_sweep import run_pytorch_line
from zh_text import CJK, assert_chinese, assert_picture_in_chinese

from d2lconv import i18n
from d2lconv.channels import MODES
from d2lconv.explorers.channels import ChannelsExplorer
from d2lconv.explorers.pooling import PoolingExplorer
from d2lconv.explorers.stack import StackExplorer
from d2lconv.explorers.sweep import SweepExplorer
from d2lconv.explorers.training import TrainingExplorer
from d2lconv.figures import draw_padding_modes
from d2lconv.grid import draw_grid
from d2lconv.picture import MONO, SANS, Lines, Picture
from d2lconv.shapes import ShapeError, pool2d_output_shape
from d2lconv.stack import draw_stack
from d2lconv.sweep import draw_sweep
from d2lconv.training import train_builtin, train_scratch

# The PyTorch line of a sweep (test_sweep.PYTORCH_LINE): its words before the code
# are Chinese (assert_picture_in_chinese), and F.pad comes "先", the layer "再".
PYTORCH_LINE = re.compile(
    r"PyTorch[^：]*：(?:先 F\.pad\(x, (\(.*?\))\)，再 )?(.*)  # (.*)"
)
# The text of the Play button an explorer names (training's).
BUTTON = re.compile(r'button: N_\("([^"]*)"\)')

# Each explorer: settings it draws in Chinese, then settings it explains, with
# the numbers the explanation must keep.
EXPLORERS = {
    SweepExplorer: (
        [dict(dilation=2), dict(stride_h=2)],
        dict(dilation=1, stride_h=1, kernel_h=4),
        ["3 - 4"],
    ),
    ChannelsExplorer: (
        [
            dict(
                values="small random integers",
                kernel_size=1,
                mode="1x1 as a matrix product",
            )
        ],
        # (in the default view again: the 1x1 view has its own message)
        dict(values="book example", size=4, kernel_size=2, mode=MODES[0]),
        ["c_i = 2", "输入 4x4", "随机小整数"],
    ),
    PoolingExplorer: (
        [dict(mode="avg", input="0..48: 1 channel, 7x7", window_h=4, stride_h=3)],
        dict(padding_h=2, window_h=3, ceil_mode=True),
        ["高度方向的填充 2", "3 // 2 = 1"],
    ),
    StackExplorer: ([dict(count=3)], dict(count=8), ["第 8 层", "卷积 5x5", "= 0 < 1"]),
    TrainingExplorer: ([dict(lr=0.1), dict(bias=True, step=3)], None, []),
}


def test_every_control_label_has_its_chinese(zh):
    # (the pages show them through the catalog: browser/test_explorer_pages.py)
    for explorer in EXPLORERS:
        english, shown = module_labels(explorer._esm), explorer().text
        for name, label in english.items():
            if label != name:  # a PyTorch argument (ceil_mode) keeps its name
                assert_chinese(shown.get(label, label), f"{explorer.NAME}'s {name}")
    button = BUTTON.search(TrainingExplorer._esm)[1]
    assert TrainingExplorer().text[button] == "训练"
    shown = PoolingExplorer().text
    assert shown["random 0..9: 2 channels, 6x6"] == "随机 0..9：2 个通道，6x6"


@pytest.mark.parametrize("explorer", EXPLORERS, ids=lambda e: e.NAME)
def test_explorer_draws_and_explains_in_chinese(zh, explorer):
    drawn, impossible, numbers = EXPLORERS[explorer]
    e = explorer()
    for settings in [{}, *drawn]:
        e.set_state(settings)
        assert_picture_in_chinese(e.svg, f"{e.NAME} {settings}")
    if impossible:
        e.set_state(impossible)
        assert e.svg == ""
        assert_chinese(e.message, "the explanation")  # (no English on any line)
        for number in numbers:
            assert number in e.message, (number, e.message)


def test_sweep_picture_runs_its_chinese_pytorch_line(zh):
    root = parse(draw_sweep(torch.zeros(7, 7), torch.zeros(2, 2), stride=(2, 3)).svg)
    assert "底部 1 行和右侧 2 列" in " ".join(texts(root))
    # Padding one side more than the other: F.pad first, then the layer.
    X, K = torch.arange(20.0).reshape(4, 5), torch.tensor([[0.0, 1], [2, 3]])
    root = assert_picture_in_chinese(draw_sweep(X, K, padding=((0, 1), (1, 0))).svg, "")
    expected = F.conv2d(F.pad(X[None, None], (1, 0, 0, 1)), K[None, None])[0, 0]
    torch.testing.assert_close(run_pytorch_line(root, X, K, PYTORCH_LINE), expected)
    picture = draw_sweep(torch.ones(6, 6), torch.ones(4, 4))
    assert "（共 16 个乘积）" in " ".join(texts(parse(picture.svg)))


def test_train_functions_print_chinese_lines_with_the_losses(zh, capsys):
    for train, every in [(train_builtin, 2), (train_scratch, 5)]:
        history = train(steps=2 * every, print_every=every)
        lines = capsys.readouterr().out.splitlines()
        steps = (every, 2 * every)
        assert lines == [f"第 {s} 步，损失 {history[s - 1].loss:.3f}" for s in steps]


def test_figures_grid_and_lines_speak_chinese(zh):
    assert_picture_in_chinese(draw_padding_modes().svg, "padding modes")
    layers = [dict(kernel_size=3, padding=1), dict(kind="max", kernel_size=2)]
    assert_picture_in_chinese(draw_stack(64, layers).svg, "stack")
    grid = parse(draw_grid(torch.arange(6.0).view(2, 3)).svg)
    assert grid.get("aria-label") == "网格 2x3"
    assert Lines(["x"]).label == "说明"
    assert parse(Picture([]).svg).get("aria-label") == "图"


def test_english_pictures_keep_their_fonts_and_labels():
    assert i18n.language() == "en"
    root = parse(draw_sweep(torch.ones(3, 3), torch.ones(2, 2)).svg)
    assert root.get("font-family") == SANS
    assert {t.get("font-family") for t in root.iter(SVG + "text")} == {None, MONO}
    assert not CJK.search(draw_sweep(torch.ones(3, 3), torch.ones(2, 2)).svg)


def test_shape_errors_are_in_the_readers_language_english_kept(zh):
    # Lessons 2 and 5 print one on purpose: Chinese in the Chinese edition.
    with pytest.raises(ShapeError) as info:
        pool2d_output_shape(3, 4, stride=1)
    err = info.value
    assert str(err).startswith("输出高度 = floor(") and f"{err}" == str(err)
    assert err.english.startswith("output height = floor(")
    assert err.args == (err.english,) and not CJK.search(err.english)
    # Pickled (another process), it is the same error.
    err.add_note("while drawing layer 2")
    again = pickle.loads(pickle.dumps(err))
    assert (str(again), again.english) == (str(err), err.english)
    assert again.args == err.args and again.__notes__ == ["while drawing layer 2"]
    i18n.set_language("en")
    assert str(err) == err.english
