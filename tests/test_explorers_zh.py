"""The explorers and pictures in Chinese: what a reader of the Chinese edition sees.

Every explorer is built and driven with ``d2lconv.set_language("zh")``: its
control labels, the words in its SVG picture (panel titles, aria-labels,
<title>s, captions) and its explanation of an impossible setting are Chinese,
the numbers are still PyTorch's, and no text was asked for without a
translation (``i18n.missing()``).
"""

import pickle
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from svg_checks import SVG, matrix, panel, parse, texts
from test_sweep import run_pytorch_call
from torch import nn
from zh_text import (
    CJK,
    assert_chinese,
    assert_picture_in_chinese,
    english_runs,
)

from d2lconv import i18n
from d2lconv.animation import Animation
from d2lconv.channels import MODES, VALUES
from d2lconv.explorers.channels import ChannelsExplorer
from d2lconv.explorers.pooling import PoolingExplorer
from d2lconv.explorers.stack import StackExplorer
from d2lconv.explorers.training import TrainingExplorer
from d2lconv.figures import draw_padding_modes, draw_transposed_conv
from d2lconv.grid import draw_grid
from d2lconv.picture import MONO, SANS, Lines, Picture
from d2lconv.receptive import receptive_field_table
from d2lconv.shapes import ShapeError, pool2d_output_shape
from d2lconv.stack import draw_stack, repeat_layer
from d2lconv.sweep import draw_sweep
from d2lconv.training import (
    edge_data,
    train_builtin,
    train_kernel,
    train_scratch,
)

# The control labels the translators of the notebooks refer to.
LABELS = {
    "input height": "输入高度",
    "input width": "输入宽度",
    "kernel height": "卷积核高度",
    "kernel width": "卷积核宽度",
    "padding h (each side)": "每侧填充（高）",
    "padding w (each side)": "每侧填充（宽）",
    "padding (each side)": "每侧填充",
    "stride height": "步幅（高）",
    "stride width": "步幅（宽）",
    "stride": "步幅",
    "dilation": "膨胀",
    "input": "输入",
    "kernel": "卷积核",
    "seed": "随机种子",
    "true convolution (flip K)": "真正的卷积（翻转 K）",
    "output cell": "输出位置",
    "layers": "层数",
    "input size": "输入大小",
    "kernel size": "卷积核大小",
    "learning rate": "学习率",
    "steps": "步数",
    "initialisation": "初始化",
    "learn a bias": "学习偏置",
    "input image": "输入图像",
    "Train": "训练",
    "pooling": "池化",
    "view": "视图",
    "values": "数值",
}


@pytest.fixture
def zh():
    """Speak Chinese in the test, English again afterwards."""
    i18n.set_language("zh")
    try:
        yield
    finally:
        i18n.set_language("en")


def assert_explains_in_chinese(explorer, *numbers):
    """An explanation instead of a picture: Chinese, with the numbers that matter."""
    assert explorer.svg == ""
    assert_chinese(explorer.message, "the explanation")
    for line in explorer.message.split("\n"):
        assert not english_runs(line), line
    for number in numbers:
        assert number in explorer.message, (number, explorer.message)


def no_missing():
    assert i18n.missing() == []


# ---- sweep ------------------------------------------------------------------


def run_pytorch_line(root, X, K):
    """Run the nn.Conv2d line of the picture ("PyTorch 代码：...") with weights K."""
    (line,) = [t for t in texts(root) if t.startswith("PyTorch") and "Conv2d" in t]
    assert_chinese(line.split("nn.Conv2d")[0], "the words before the code")
    call, shapes = line.split("\uff1a", 1)[1].split("  # ")
    padded = re.match(r"\u5148 F\.pad\(x, (\(.*?\))\)\uff0c\u518d (.*)", call)
    pad, call = (padded.group(1), padded.group(2)) if padded else (None, call)
    return run_pytorch_call(call, pad, shapes, X, K)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_sweep_floor_drop_and_dilation_are_explained_in_chinese(zh):
    root = parse(draw_sweep(torch.zeros(7, 7), torch.zeros(2, 2), stride=(2, 3)).svg)
    line = " ".join(texts(root))
    assert "底部 1 行和右侧 2 列" in line
    root = parse(draw_sweep(torch.ones(5, 5), torch.ones(2, 2), dilation=2, step=4).svg)
    assert "膨胀后的卷积核 k' = d(k-1)+1 = 3" in " ".join(texts(root))
    assert_picture_in_chinese(draw_sweep(torch.ones(5, 5), torch.ones(2, 2)).svg, "")
    # padding="same" with an even kernel pads one side more: F.pad first.
    X, K = torch.arange(20.0).reshape(4, 5), torch.tensor([[0.0, 1], [2, 3]])
    root = assert_picture_in_chinese(draw_sweep(X, K, padding="same").svg, "same")
    expected = F.conv2d(F.pad(X[None, None], (0, 1, 0, 1)), K[None, None])[0, 0]
    torch.testing.assert_close(run_pytorch_line(root, X, K), expected)
    # Padding one side more than the other: F.pad first, then the layer.
    sides = ((0, 1), (1, 0))
    root = assert_picture_in_chinese(draw_sweep(X, K, padding=sides).svg, "F.pad")
    expected = F.conv2d(F.pad(X[None, None], (1, 0, 0, 1)), K[None, None])[0, 0]
    torch.testing.assert_close(run_pytorch_line(root, X, K), expected)
    # Many cells: the sum is shortened, in Chinese.
    picture = draw_sweep(torch.ones(6, 6), torch.ones(4, 4))
    assert "（共 16 个乘积）" in " ".join(texts(parse(picture.svg)))
    no_missing()


# ---- channels ---------------------------------------------------------------


def test_channels_explorer_explains_and_draws_in_chinese(zh):
    # The page's labels and pictures in Chinese: tests/browser/test_explorer_pages.py.
    e = ChannelsExplorer()
    root = assert_picture_in_chinese(e.svg, "channels")
    panel(root, "输出 Y[2]")
    labels = [g.get("aria-label") for g in root.iter(SVG + "g")]
    assert labels.count("加") == 3 and labels.count("等于") == 3
    words = " ".join(texts(root))
    assert "= 24 个权重" in words and "= 96" in words  # 3*2*2*2, and 96 multiply-adds
    assert e.text["small random integers"] == "随机小整数"
    e.kernel_size = 3
    assert_explains_in_chinese(e, "c_i = 2", "卷积核大小 3", "输入 3x3", "随机小整数")
    e.set_state(dict(values=VALUES[0], size=2))
    assert_explains_in_chinese(e, "3x3", "2x2", "(n - k + 1) = 0x0")
    e.set_state(dict(size=4, mode=MODES[1]))
    assert_explains_in_chinese(e, "1x1", "kernel_size 为 3x3", "F.unfold")
    e.kernel_size = 1
    panel(assert_picture_in_chinese(e.svg, "channels 1x1"), "变形后的 Y 3x16")
    no_missing()


# ---- pooling ----------------------------------------------------------------


def pasted_layer(root):
    code = next(
        w for w in texts(root) if w.startswith(("nn.MaxPool2d(", "nn.AvgPool2d("))
    )
    return eval(code, {"nn": nn})


def test_pooling_explorer_draws_pytorchs_numbers_in_chinese(zh):
    e = PoolingExplorer()
    # The page shows the inputs' names too: Python sends their translations.
    assert e.text["random 0..9: 2 channels, 6x6"] == "随机 0..9：2 个通道，6x6"
    assert e.text["max"] == "最大池化"
    root = assert_picture_in_chinese(e.svg, "pooling")
    X = torch.arange(32.0).view(2, 4, 4)
    expected = nn.MaxPool2d(3, (2, 1), 1)(X[None])[0]
    assert torch.equal(pasted_layer(root)(X[None])[0], expected)  # still code
    words = " ".join(texts(root))
    assert f"-> 输出 {tuple(expected.shape)}" in words
    assert "max(0, 1, 4, 5) = 5" in words
    # Average pooling, ceil_mode: the dropped window is explained in Chinese.
    e.set_state(dict(mode="avg", input="0..48: 1 channel, 7x7", window_h=4))
    e.set_state(dict(stride_h=3, padding_h=2, ceil_mode=True))
    root = assert_picture_in_chinese(e.svg, "avg pooling")
    assert "- 1（最后一个窗口会从填充中开始）= 3" in " ".join(texts(root))
    no_missing()


def test_pooling_impossible_settings_are_explained_in_chinese(zh):
    e = PoolingExplorer()
    e.padding_h = 2
    assert_explains_in_chinese(e, "无法池化", "高度方向的填充 2", "3 // 2 = 1")
    e.set_state(dict(padding_h=0, input="0..8: 1 channel, 3x3 (book)"))
    e.set_state(dict(window_h=4, stride_h=1))
    assert_explains_in_chinese(
        e, "输出高度", "(3 + 2*0 - 1*(4-1) - 1)/1) + 1 = 0", "< 1"
    )
    e.window_h = 2
    assert e.message == "" and e.svg
    no_missing()


# ---- stack ------------------------------------------------------------------


STACK_LABELS = (
    "layers",
    "input size",
    "kernel size",
    "padding (each side)",
    "stride",
    "dilation",
)


def test_stack_explorer_speaks_chinese_and_shows_the_sizes(zh):
    # The page draws the controls and the picture (tests/browser); Python sends
    # the Chinese labels and draws the same picture for the static fallback.
    e = StackExplorer()
    assert [e.text[k] for k in STACK_LABELS] == [LABELS[k] for k in STACK_LABELS]
    root = assert_picture_in_chinese(e.svg, "stack")
    table = receptive_field_table(repeat_layer(7, 5), 32)
    shown = [t for t in texts(root) if t.startswith("第 ")]
    assert shown == [
        f"第 {k + 1} 层：{r.output_size[0]}x{r.output_size[1]}"
        for k, r in enumerate(table)
    ]
    assert "7 层之后：4x4，感受野 29x29，跳距 1x1" in texts(root)
    picture = draw_stack(
        64, [dict(kernel_size=3, padding=1), dict(kind="max", kernel_size=2)]
    )
    assert_picture_in_chinese(picture.svg, "draw_stack")
    no_missing()


def test_stack_impossible_settings_are_explained_in_chinese(zh):
    e = StackExplorer(count=8)
    # The layer as the stack's table names it in Chinese.
    assert e.svg == ""
    assert_chinese(e.message, "the explanation")
    for words in ("第 8 层", "卷积 5x5", "输出高度", "= 0 < 1"):
        assert words in e.message, (words, e.message)
    bundle, _ = e._repr_mimebundle_()
    assert "第 8 层" in bundle["text/html"]
    # The API's error is English, the layer named as before.
    with pytest.raises(ValueError, match=r"^layer 8: conv 5x5: output height"):
        receptive_field_table(repeat_layer(8, 5), 32)
    e.padding = 2
    assert e.svg and e.message == ""
    no_missing()


# ---- training ---------------------------------------------------------------

TRAINING_LABELS = ("learning rate", "steps", "seed", "initialisation")
TRAINING_LABELS += ("learn a bias", "input image", "Train")


def test_training_explorer_speaks_chinese_and_shows_the_run(zh):
    e = TrainingExplorer()
    assert [e.text[k] for k in TRAINING_LABELS] == [LABELS[k] for k in TRAINING_LABELS]
    assert e.text["random"] == "随机"
    root = assert_picture_in_chinese(e.svg, "training")
    last = e.history[-1]
    (status,) = [t for t in texts(root) if t.startswith("第 30/30 步")]
    assert f"损失 {last.loss:.3g}" in status and "（梯度 [" in status
    assert status.endswith("：收敛")
    X, Y = edge_data()
    assert np.array_equal(matrix(panel(root, "目标 Y")), Y.numpy())
    e.lr = 0.1
    *_, status, loss_note, value_note = texts(parse(e.svg))
    assert (
        "学习率 lr 0.1 >= 最大稳定学习率 2/lambda_max = " in status
        and status.endswith("发散")
    )
    assert_chinese(loss_note, "the note on losses off the scale")
    assert_chinese(value_note, "the note on values off the scale")
    e.bias = True
    assert "偏置" in texts(parse(e.svg))[-3]
    e.step = 3
    assert_picture_in_chinese(e.svg, "step 3")
    no_missing()


def test_train_functions_print_chinese_lines_with_the_losses(zh, capsys):
    X, Y = edge_data()
    history = train_builtin(steps=4, print_every=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"第 {s} 步，损失 {history[s - 1].loss:.3f}" for s in (2, 4)]
    history = train_scratch(steps=10, print_every=5)
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"第 {s} 步，损失 {history[s - 1].loss:.3f}" for s in (5, 10)]
    for line in lines:
        assert_chinese(line, "a printed line")
    assert train_kernel(X, Y, steps=0)[0].loss > history[-1].loss
    no_missing()


# ---- figures, grid, animation ---------------------------------------------


def test_figures_are_drawn_in_chinese_with_pytorchs_numbers(zh):
    root = assert_picture_in_chinese(draw_padding_modes().svg, "padding modes")
    X = torch.arange(1.0, 10.0).reshape(3, 3)
    for mode, F_mode in (("zeros", "constant"), ("reflect", "reflect")):
        expected = F.pad(X[None, None], (1, 1, 1, 1), mode=F_mode)[0, 0]
        assert np.array_equal(matrix(panel(root, f"{mode} 5x5")), expected.numpy())
    root = assert_picture_in_chinese(
        draw_transposed_conv(stride=2, padding=1).svg, "transposed convolution"
    )
    K = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
    expected = F.conv_transpose2d(K[None, None], K[None, None], stride=2, padding=1)
    assert np.array_equal(matrix(panel(root, "输出 2x2")), expected[0, 0].numpy())
    assert_picture_in_chinese(draw_transposed_conv(stride=(2, 1)).svg, "two formulas")
    no_missing()


def test_grid_lines_and_animation_get_chinese_labels(zh):
    picture = draw_grid(torch.arange(6.0).view(2, 3))
    assert parse(picture.svg).get("aria-label") == "网格 2x3"
    assert Lines(["x"]).label == "文字"
    assert parse(Picture([]).svg).get("aria-label") == "图"
    picture = draw_sweep(torch.arange(9.0).view(3, 3), torch.ones(2, 2))
    assert_chinese(parse(Animation([picture]).svg).get("aria-label"), "animation")
    no_missing()


def test_english_pictures_keep_their_fonts_and_labels():
    assert i18n.language() == "en"
    root = parse(draw_sweep(torch.ones(3, 3), torch.ones(2, 2)).svg)
    assert root.get("font-family") == SANS
    assert {t.get("font-family") for t in root.iter(SVG + "text")} == {None, MONO}
    assert not CJK.search(draw_sweep(torch.ones(3, 3), torch.ones(2, 2)).svg)


# ---- the explanation of a ShapeError -----------------------------------------


def test_shape_errors_stay_english_and_explain_in_chinese(zh):
    with pytest.raises(ValueError) as info:
        pool2d_output_shape(3, 4, stride=1)
    err = info.value
    assert isinstance(err, ShapeError)
    assert str(err).startswith("output height = floor(") and not CJK.search(str(err))
    assert err.translated().startswith("输出高度 = floor(")
    # An f-string, as another message quotes it, stays English too.
    assert f"{err}" == str(err) and err.translated() == err.translated()
    # Pickled (another process), it is the same error.
    again = pickle.loads(pickle.dumps(err))
    assert str(again) == str(err) and again.translated() == err.translated()
    i18n.set_language("en")
    assert err.translated() == str(err)
    no_missing()
