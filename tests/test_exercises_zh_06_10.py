"""The checks of notebooks 6-10 speak Chinese after ``set_language("zh")``.

Every check is driven with the answers of ``test_exercises.CASES`` (right,
typical wrong, placeholder) and a few more; each runs in English and in
Chinese. The Chinese line must be Chinese, say the same verdict and show the
numbers the check computed, and no text may lack its translation.

The verdict prefixes and the hints of ``_common.py`` (grade_answer's "give a
number", "for <case>: ", a function that returns None...) are translated by
``_common`` itself, with the catalog ``exercises_common.json``. Until that
catalog exists, a line whose English text comes from ``_common`` is left as
it is; once it exists, every line must be Chinese from start to end.
"""

import contextlib
import io
import re

import pytest
import torch
import torch.nn.functional as F
from babel.messages.pofile import read_po
from test_exercises import CASES, avg_pool, conv2d_matmul, edge_strength
from zh_text import assert_chinese

import d2lconv
from d2lconv import exercises, i18n
from d2lconv.exercises import (
    nb06_channels,
    nb07_layer_cost,
    nb08_pooling,
    nb09_performance,
    nb10_real_photo,
)

MODULES = (
    nb06_channels,
    nb07_layer_cost,
    nb08_pooling,
    nb09_performance,
    nb10_real_photo,
)
CHECKS = sorted(
    name
    for module in MODULES
    for name, value in vars(module).items()
    if name.startswith("check_") and value.__module__ == module.__name__
)
CHOICES = ["Y1_Y2_CHOICES", "GROUPS_CHOICES", "POOL_OR_CONV_CHOICES"]
COMMON_IN_CHINESE = i18n.po_path("zh").exists()  # _common's texts included


def _raises(*args):
    raise ZeroDivisionError("division by zero")


# More answers than test_exercises tries: other layers, other wrong answers,
# each hint of a check that has several.
MORE = [
    ("check_channel_prediction", (54, (2, 3, 3)), {"in_channels": 4}),
    ("check_channel_prediction", (72, (2, 3, 3)), {"in_channels": 4}),
    ("check_channel_prediction", (99, (2, 3, 3)), {}),
    ("check_channel_prediction", (54, (2, 2, 2)), {}),
    ("check_channel_prediction", (54, None), {}),
    ("check_pooling_prediction", ((4, 4), 3), {}),
    ("check_pooling_prediction", ((2, 2), 8), {}),
    ("check_pooling_prediction", ((4, 4), None), {}),
    (
        "check_pooling_prediction",
        ((3, 3), 12),
        {"size": 5, "window": 2, "padding": 0, "stride": 2},
    ),
    ("check_doubling_padding", ((34 / 32) ** 2, 32, 3, 1), {}),
    ("check_doubling_padding", (68 / 64,), {}),
    ("check_doubling_padding", (1.5,), {}),
    ("check_strided_conv_params", (18,), {"channels": 2}),
    ("check_strided_conv_params", (1234,), {}),
    (
        "check_im2col_megabytes",
        (27 * 64 * 4 / 1e6,),
        {"channels": 3, "kernel_size": 3, "size": 8, "padding": 1},
    ),
    ("check_pooled_size", ((14, 14),), {"shape": (28, 28), "rounds": 1}),
    ("check_pooled_size", ((1, 2),), {}),
    ("check_sobel_y", (torch.zeros(3, 3),), {}),
    ("check_sobel_y", ([[-1.0, -2, -1], [0, 0, 0], [1, 1, 1]],), {}),
    ("check_sobel_y", ([[-2.0, -4, -2], [0, 0, 0], [2, 4, 2]],), {}),
    ("check_limit_scaling", (2.0,), {}),
    ("check_relu_max_layers", ((5, 5),), {}),
    ("check_relu_max_layers", ((2, 4, 1),), {}),
    ("check_max_pool_not_linear", (torch.ones(2), torch.ones(2)), {}),
    ("check_every_kernel_factors", (0,), {}),
    ("check_y1_y2", (" B ",), {}),
    ("check_float64_memory_bound", (3,), {}),
    ("check_doubling_channels", (3,), {}),
    ("check_composed_kernel_size", (lambda k1, k2: k1 + k2 + 5,), {}),
    ("check_composed_kernel_size", (_raises,), {}),
    ("check_block_diagonal_speedup", (lambda c, b: 7,), {}),
    ("check_1x1_cost", (lambda c_i, c_o, h, w: 2 * c_i * c_o * h * w,), {}),
    ("check_1x1_cost", (lambda c_i, c_o, h, w: c_o * h * w,), {}),
    ("check_forward_cost", (lambda *layer: 3,), {}),
    ("check_forward_memory", (lambda *layer: 0,), {}),
    ("check_backward_memory", (lambda *layer: 0,), {}),
    ("check_pooling_cost", (lambda *layer: 3,), {}),
    ("check_arithmetic_intensity", (lambda c: 3,), {}),
    ("check_conv2d_as_matmul", (lambda X, K: torch.zeros(2, 2),), {}),
    ("check_conv2d_as_matmul", (lambda X, K: conv2d_matmul(X, K) + 1,), {}),
    ("check_conv2d_as_matmul", (lambda X, K: None,), {}),
    ("check_compose_kernels", (lambda K1, K2: torch.zeros(9, 9),), {}),
    ("check_compose_kernels", (_raises,), {}),
    ("check_avg_pool_as_conv", (lambda X, k, s: avg_pool(X, k, s) + 1,), {}),
    ("check_avg_pool_as_conv", (lambda X, k, s: None,), {}),
    ("check_max_from_relu", (lambda a, b: torch.zeros(1),), {}),
    ("check_max_from_relu", (lambda a, b: a + b,), {}),
    ("check_max_pool_from_relu", (lambda X: X[..., ::2, ::2],), {}),
    ("check_max_pool_from_relu", (lambda X: X.amax((-1, -2)),), {}),
    ("check_min_pooling", (lambda X, k, s: torch.zeros(1),), {}),
    ("check_softmax_pooling", (lambda X, k, s: X,), {}),
    ("check_loglog_slopes", (lambda n, t: [0.0] * (len(n) - 1),), {}),
    ("check_loglog_slopes", (lambda n, t: None,), {}),
    ("check_edge_strength", (lambda X: -edge_strength(X),), {}),
    ("check_edge_strength", (lambda X: edge_strength(X) + 1,), {}),
    ("check_edge_strength", (lambda X: "abc",), {}),
    ("check_edge_strength", (lambda X: F.pad(edge_strength(X), (1, 1, 1, 1)),), {}),
]


def _answers():
    """``(check, args, kwargs)``: right, wrong and placeholder answers, and MORE."""
    for name in CHECKS:
        right, wrongs = CASES[name]
        yield name, tuple(right), {}
        for wrong in wrongs:
            yield name, tuple(wrong), {}
        yield name, (None,) * len(right), {}
    yield from MORE


ANSWERS = list(_answers())


@pytest.fixture
def chinese():
    """The package speaks Chinese for one test, English again afterwards."""
    d2lconv.set_language("zh")
    yield
    d2lconv.set_language("en")


def _run(name, args, kwargs, language):
    """What the check returns and prints, in ``language``."""
    d2lconv.set_language(language)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = getattr(exercises, name)(*args, **kwargs)
    return result, out.getvalue()


def _numbers(text):
    """The numbers a text shows (3, 1.1289, 1.024e9, 0x7f...), as a set."""
    return set(re.findall(r"\d+(?:\.\d+)?(?:e[+-]?\d+)?", text))


# The English prefixes of _common, on a branch where it is not translated yet.
ENGLISH_VERDICT = re.compile(r"(Correct\. |Not yet\. Hint: )")
ENGLISH_CASE = re.compile(r"for (.+?): ")


def _ours(text):
    """``text`` without the message of an exception the student's code raised."""
    return re.sub(r"(\w+Error)[:：] ?.*", r"\1", text)


def _pieces(line):
    """``(case, text)``: the line without the English verdict, split at "for …: "."""
    line = ENGLISH_VERDICT.sub("", line, count=1)
    case = ENGLISH_CASE.match(line)
    return (case[1], line[case.end() :]) if case else (None, line)


@pytest.mark.parametrize(
    "name, args, kwargs",
    ANSWERS,
    ids=[f"{name}-{i}" for i, (name, *_) in enumerate(ANSWERS)],
)
def test_a_check_speaks_chinese(name, args, kwargs, chinese):
    english_result, english = _run(name, args, kwargs, "en")
    result, text = _run(name, args, kwargs, "zh")
    assert result is english_result
    assert text.endswith("\n") and text.count("\n") == 1, text
    # The numbers the check computed (sizes, counts, ratios) are all there.
    assert _numbers(english) <= _numbers(text), (english, text)
    if COMMON_IN_CHINESE:
        assert_chinese(_ours(text), name)
    else:
        # What this module says is Chinese; _common's own English is p1's.
        for english_piece, piece in zip(_pieces(english), _pieces(text), strict=True):
            if piece is not None and piece != english_piece:
                assert_chinese(_ours(piece), name)
    assert i18n.missing() == []


def test_the_answers_bring_out_every_text_of_these_modules(chinese, monkeypatch):
    # Each Chinese text of exercises_nb06..nb10.json is asked for by at least
    # one of the answers above (or by a list of choices).
    asked = set()

    class Recording(dict):
        def get(self, text, default=None):
            asked.add(text)
            return super().get(text, default)

    recording = Recording(i18n.catalog("zh"))
    monkeypatch.setattr(i18n, "catalog", lambda code: recording)
    for name, args, kwargs in ANSWERS:
        _run(name, args, kwargs, "zh")
    for choices in CHOICES:
        dict(getattr(exercises, choices))
    with open(i18n.po_path("zh"), "rb") as file:
        ours = {
            m.id
            for m in read_po(file)
            if any(re.search(r"exercises/nb(0[6-9]|10)_", f) for f, _ in m.locations)
        }
    assert sorted(ours - asked) == []
    assert i18n.missing() == []


@pytest.mark.parametrize("choices", CHOICES)
def test_the_choices_are_listed_in_chinese(choices, chinese):
    listed = getattr(exercises, choices)
    assert list(listed) == ["a", "b", "c", "d"]
    lines = [f"{letter}) {text}" for letter, text in listed.items()]
    for line in lines:
        assert_chinese(line, choices)
    assert len(set(lines)) == 4 and len(listed) == 4
    assert getattr(d2lconv, choices) is listed
    assert i18n.missing() == []


@pytest.mark.parametrize("choices", CHOICES)
def test_the_choices_are_english_again_after_chinese(choices, chinese):
    listed = getattr(exercises, choices)
    chinese_texts = dict(listed)
    d2lconv.set_language("en")
    english_texts = dict(listed)
    assert english_texts.keys() == chinese_texts.keys()
    for letter, text in english_texts.items():
        assert text != chinese_texts[letter] and not re.search(r"[\u3400-\u9fff]", text)
        assert text[0].isupper() and text.endswith(".")


@pytest.mark.parametrize(
    "name, args, numbers",
    [
        ("check_channel_prediction", (54, (2, 3, 3)), ["54", "3x3x3", "(2, 3, 3)"]),
        ("check_doubling_padding", ((68 / 64) ** 2,), ["64x64", "68x68", "1.1289"]),
        ("check_strided_conv_params", (16448,), ["16448", "64*64*2*2", "64"]),
        ("check_im2col_megabytes", (40.96,), ["2500", "4096", "40.96", "25"]),
        ("check_pooling_prediction", ((4, 4), 8), ["(4, 4)", "8", "4"]),
        ("check_relu_max_layers", ((2, 4),), ["2", "4", "9"]),
        ("check_float64_memory_bound", (2,), ["2"]),
        ("check_every_kernel_factors", (False,), ["8", "9"]),
        ("check_y1_y2", ("b",), ["0.6000000000000001", "0.6"]),
        (
            "check_arithmetic_intensity",
            (CASES["check_arithmetic_intensity"][0][0],),
            [],
        ),
    ],
)
def test_a_right_answer_shows_what_the_check_computed(name, args, numbers, chinese):
    assert getattr(exercises, name)(*args) is True
    _, text = _run(name, args, {}, "zh")
    assert_chinese(_pieces(text)[1], name)
    for number in numbers:
        assert number in text, (number, text)
    if name == "check_arithmetic_intensity":
        # The multiply-adds per value for c = 32 and c = 100, as computed.
        want = [CASES[name][0][0](c) for c in (32, 100)]
        assert all(f"{value:.0f}" in text for value in want), text
    assert i18n.missing() == []


def test_the_hint_of_a_case_names_the_case_in_chinese(chinese):
    # The hint of a wrong function names the input it failed on, in Chinese.
    _, text = _run("check_compose_kernels", (lambda K1, K2: K1,), {}, "zh")
    assert "K1 的形状为 (2, 2)" in text and "(3, 3)" in text
    _, text = _run("check_avg_pool_as_conv", (lambda X, k, s: X,), {}, "zh")
    assert "X 的形状为 (1, 1, 4, 4)" in text and "pool_size=2" in text
    assert i18n.missing() == []


def test_english_is_back_after_chinese(chinese, capsys):
    exercises.check_channel_prediction(27, (2, 3, 3))
    d2lconv.set_language("en")
    exercises.check_channel_prediction(27, (2, 3, 3))
    zh, en = capsys.readouterr().out.splitlines()
    assert (
        en
        == "Not yet. Hint: the weights: every output channel has a kernel of its own."
    )
    assert zh != en
