"""The exercise checks of notebooks 01-05 speak Chinese in the Chinese edition.

Every check gets the answers ``test_exercises.py`` gives it (right, typical
wrong, placeholder) and the inputs that reach its other hints; each line it
prints must be Chinese, start with the Chinese verdict, carry the numbers the
check computed and leave no text without a translation.
"""

import ast
import re
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from test_exercises import (
    CASES,
    kernel_gradient_by_autograd,
    kernel_gradient_by_hand,
    kernel_matrix,
    mirror_pad,
    mirror_pad_symmetric,
)
from zh_text import assert_chinese

import d2lconv
from d2lconv import exercises, i18n
from d2lconv.exercises import _common
from d2lconv.training import edge_image, lr_limit

MODULES = (
    "nb01_why_convolution",
    "nb02_cross_correlation",
    "nb03_learning_a_kernel",
    "nb04_padding",
    "nb05_stride_and_dilation",
)
P1_CASES = {
    name: cases
    for name, cases in CASES.items()
    if getattr(exercises, name).__module__.rsplit(".", 1)[1] in MODULES
}
RIGHT, HINT = "正确。", "还不对。提示："


@pytest.fixture
def zh():
    """Chinese for the test, English afterwards; yields the texts missing before."""
    before = set(i18n.missing())
    d2lconv.set_language("zh")
    try:
        yield before
    finally:
        d2lconv.set_language("en")


def no_text_missing(before):
    new = sorted(set(i18n.missing()) - before)
    assert new == [], f"asked for in Chinese with no translation: {new}"


def verdict(capsys, name, *args, **kwargs):
    """Run check ``name``; return its result and the one line it printed."""
    result = getattr(exercises, name)(*args, **kwargs)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines
    assert_chinese(lines[0], f"{name}{args}")
    assert lines[0].startswith(RIGHT if result else HINT), lines[0]
    return result, lines[0]


def broken(*args):
    raise ZeroDivisionError("division by zero")


# Inputs that reach the hints and verdicts the case tables of test_exercises
# do not: each branch of each check of notebooks 01-05.
MORE = [
    ("check_fc_weights", (float("inf"),), False),
    ("check_fc_weights", (torch.tensor(1.5),), False),
    ("check_diagonal_edges", (float("nan"),), False),
    ("check_edge_kernel", (lambda v: torch.zeros(2, 2),), False),
    ("check_edge_kernel", (lambda v: torch.zeros(9, 9),), False),
    ("check_edge_kernel", (broken,), False),
    # Responds along v and across it.
    ("check_edge_kernel", (lambda v: torch.tensor([[-2.0, 1.0], [1.0, 0.0]]),), False),
    ("check_second_derivative_kernel", (torch.tensor([[1.0], [-2.0], [1.0]]),), True),
    (
        "check_second_derivative_kernel",
        (torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]),),
        True,
    ),
    ("check_second_derivative_kernel", (torch.tensor([1.0, -2.0, 1.0]),), True),
    (
        "check_second_derivative_kernel",
        (torch.tensor([[0.0, 1.0], [-1.0, 0.0]]),),
        False,
    ),
    ("check_second_derivative_kernel", ("[1, -2, 1]",), False),
    (
        "check_second_derivative_kernel",
        (torch.tensor([[1.0, -1.0], [-1.0, 1.0]]),),
        False,
    ),
    ("check_derivative_kernel_size", (lambda d: min(d + 1, 3),), False),
    ("check_derivative_kernel_size", (lambda d: 1,), False),
    ("check_derivative_kernel_size", (5,), False),
    ("check_derivative_kernel_size", (lambda d: None,), False),
    ("check_blur_kernel", (torch.tensor([[0.0, 1.0, 0.0]]),), False),
    ("check_blur_kernel", (torch.ones(3),), False),
    # Nearly a copy: the noise does not get smoother.
    ("check_blur_kernel", (torch.tensor([[1.0, 1e-6]]) / (1 + 1e-6),), False),
    ("check_kernel_matrix", (lambda K, s: torch.zeros(2, 2),), False),
    ("check_kernel_matrix", (lambda K, s: kernel_matrix(K, s) * 2,), False),
    ("check_kernel_gradient", (kernel_gradient_by_autograd,), True),
    (
        "check_kernel_gradient",
        (lambda X, Y, K, b: -kernel_gradient_by_hand(X, Y, K, b),),
        False,
    ),
    ("check_kernel_gradient", (lambda X, Y, K, b: torch.zeros(5),), False),
    ("check_kernel_gradient", (broken,), False),
    ("check_receptive_field_size", (lambda sizes: 0,), False),
    ("check_training_prediction", ("收敛",), False),
    ("check_training_prediction", ("发散",), True),
    ("check_stack_field", (16,), False),
    ("check_stack_field", (21,), False),
    ("check_stack_field", (5,), False),
    ("check_stack_field", (3,), False),
    ("check_layers_to_see_all", (111,), False),
    ("check_layers_to_see_all", (224,), False),
    ("check_conv_params_224", (640,), False),
    ("check_conv_params_224", (576,), False),
    ("check_fc_weights_224", (672_000,), False),
    ("check_fc_weights_224", (602_112_000,), False),
    ("check_padded_size", ((6, 6), 4, 3, 2), True),
    ("check_padded_size", ((9, 9),), False),
    ("check_corner_uses", (9, 8, 3, 2), True),
    ("check_corner_uses", (1, 8, 3, 0), True),
    ("check_corner_uses", (3,), False),
    ("check_same_padding", (((2, 2), (1, 2)), (5, 4)), True),
    ("check_same_padding", (((1, 2), (1, 0)),), False),
    ("check_same_padding", (((1.5, 1.5), (0.5, 0.5)),), False),
    ("check_mirror_padding", (mirror_pad_symmetric,), True),
    (
        "check_mirror_padding",
        (lambda X, p: mirror_pad(X, p) if p == 1 else mirror_pad_symmetric(X, p),),
        False,
    ),
    ("check_mirror_padding", (lambda X, p: X,), False),
    (
        "check_mirror_padding",
        (lambda X, p: torch.zeros(X.shape[0] + 2 * p, X.shape[1] + 2 * p),),
        False,
    ),
    ("check_mirror_padding", (broken,), False),
    ("check_output_shape", ((5, 6), 8, 3, (2, 3), 2), True),
    ("check_output_shape", ((7, 7), 8, 3, 1, 1), False),
    ("check_output_shape", ((3, 3),), False),
    ("check_stride_prediction", ((3, 3), 7, 3, 1, 2, 2), True),
    ("check_stride_prediction", ((4, 4), 7, 3, 1, 2, 2), False),
    ("check_stride_prediction", ((4, 4), 9, 3, 0, 1, 2), False),
    ("check_stride_prediction", ((7, 7),), False),
    ("check_stride_prediction", ((3, 4),), False),
    ("check_stack_prediction", ((4, 15), 3, 32, 3, 1, 2), True),
    ("check_stack_prediction", ((4, 9), 1, 4, 3, 1, 1), False),
    ("check_stack_prediction", ((1, 1), 1, 4, 3, 1, 1), False),
    ("check_audio_stride", (1000, 22050), False),
    ("check_stride_savings", (3,), False),
    ("check_fractional_stride", (lambda X, K: torch.zeros(2, 2),), False),
    ("check_dilated_field", (5, (2,)), True),
    ("check_undilated_layers", (2, (2,)), True),
    ("check_undilated_layers", (3, (1, 2), 2), True),
]


@pytest.mark.parametrize("name", sorted(P1_CASES))
def test_the_right_answer_is_praised_in_chinese(name, zh, capsys):
    right, _ = P1_CASES[name]
    assert verdict(capsys, name, *right)[0] is True
    no_text_missing(zh)


@pytest.mark.parametrize(
    "name, index",
    [(name, i) for name in sorted(P1_CASES) for i in range(len(P1_CASES[name][1]))],
)
def test_a_wrong_answer_gets_a_chinese_hint(name, index, zh, capsys):
    assert verdict(capsys, name, *P1_CASES[name][1][index])[0] is False
    no_text_missing(zh)


@pytest.mark.parametrize("name", sorted(P1_CASES))
def test_a_placeholder_gets_a_chinese_hint(name, zh, capsys):
    right, _ = P1_CASES[name]
    assert verdict(capsys, name, *([None] * len(right)))[0] is False
    no_text_missing(zh)


@pytest.mark.parametrize(
    "name, args, ok", MORE, ids=[f"{name}-{i}" for i, (name, *_) in enumerate(MORE)]
)
def test_every_other_hint_and_verdict_is_chinese(name, args, ok, zh, capsys):
    assert verdict(capsys, name, *args)[0] is ok
    no_text_missing(zh)


@pytest.mark.parametrize(
    "name, args, numbers",
    [
        ("check_fc_weights", (3.6e9,), ["3.60e+09", "14.4"]),
        ("check_fc_weights_224", (150_528_000,), ["150,528,000", "602"]),
        ("check_conv_params_224", (1792,), ["1,792", "1,728", "64"]),
        ("check_layers_to_see_all", (112,), ["112", "1 + 2 x 112 = 225"]),
        ("check_layers_to_see_all", (111,), ["1 + 2 x 111 = 223 < 224"]),
        ("check_sweep_shape", ((3, 4),), ["3 x 4", "12"]),
        ("check_stack_field", (17,), ["5x5", "k - 1 = 4", "1 + 4 x 4 = 17"]),
        ("check_blur_kernel", (torch.ones(3, 3),), ["9"]),
        ("check_second_derivative_kernel", (torch.tensor([[0.5, -1.0, 0.5]]),), ["1"]),
        ("check_padded_size", ((7, 8),), ["padding=2", "4"]),
        ("check_corner_uses", (4,), ["4", "9"]),
        ("check_same_padding", (((1, 2), (0, 1)),), ["((1, 2), (0, 1))", "= 3 ="]),
        ("check_output_shape", ((2, 2),), ["2x2", "nn.Conv2d"]),
        ("check_audio_stride", (8000,), ["8000"]),
        ("check_audio_stride", (2,), ["16000"]),
        ("check_stride_savings", (4,), ["4"]),
        ("check_stack_prediction", ((1, 63),), ["1x1", "63x63", "32"]),
        ("check_dilated_field", (15,), ["15", "7"]),
        ("check_undilated_layers", (7,), ["7", "1 + 7 x 2 = 15", "63", "27"]),
        ("check_undilated_layers", (3,), ["1 + 3 x 2", "15"]),
        ("check_undilated_layers", (6,), ["1 + 6 x 2 < 15"]),
        ("check_undilated_layers", (5,), ["k - 1 = 2", "3"]),
    ],
)
def test_the_chinese_text_carries_the_computed_numbers(name, args, numbers, zh, capsys):
    _, line = verdict(capsys, name, *args)
    for number in numbers:
        assert number in line, (number, line)
    no_text_missing(zh)


def test_the_training_verdict_gives_the_images_stable_limit(zh, capsys):
    limit = lr_limit(edge_image("diagonal"), bias=False)
    _, line = verdict(capsys, "check_training_prediction", "diverges")
    assert f"{limit:.4f}" in line and "0.03" in line
    _, line = verdict(capsys, "check_training_prediction", "maybe")
    assert "'converges'" in line and "'diverges'" in line
    no_text_missing(zh)


def test_the_blur_verdict_gives_the_noise_before_and_after(zh, capsys):
    _, line = verdict(capsys, "check_blur_kernel", torch.ones(3, 3) / 9)
    before, after = map(float, re.findall(r"\d+\.\d\d", line))
    assert after < before
    no_text_missing(zh)


def test_a_hint_names_the_failing_case_in_chinese(zh, capsys):
    _, line = verdict(capsys, "check_derivative_kernel_size", lambda d: min(d + 1, 3))
    assert "d=3" in line and "3。" in line
    _, line = verdict(capsys, "check_kernel_gradient", broken)
    assert "(6, 8)" in line and "(1, 2)" in line
    assert "ZeroDivisionError" in line
    _, line = verdict(capsys, "check_fractional_stride", lambda X, K: torch.zeros(2, 2))
    assert "(3, 3)" in line and "(6, 6)" in line
    no_text_missing(zh)


def test_the_statements_notebook_1_prints_are_chinese(zh):
    for name in (
        "POSITION_TASKS",
        "POSITION_REMEDIES",
        "AUDIO_STATEMENTS",
        "TEXT_STATEMENTS",
    ):
        statements = getattr(exercises, name)
        assert list(statements) == sorted(statements)
        for letter, text in statements.items():
            assert_chinese(text, f"{name}[{letter!r}]")
            assert statements[letter] == text
        assert_chinese(repr(statements), name)
    no_text_missing(zh)


def test_the_statements_are_english_again_in_english(zh):
    d2lconv.set_language("en")
    assert exercises.POSITION_TASKS["a"] == "Is there a cat anywhere in this photo?"
    assert dict(exercises.POSITION_REMEDIES).keys() == {"a", "b", "c"}


def test_the_shared_helpers_speak_chinese(zh, capsys):
    assert _common.grade_choice("z", ("a", "b"), "SOME_CHOICES", "a", "") is False
    assert _common.verdict(False, "这里。") is False
    for line in capsys.readouterr().out.splitlines():
        assert_chinese(line, "a verdict of _common")
        assert "SOME_CHOICES" in line or line == "还不对。这里。"
    texts = [
        _common.judge(torch.zeros(2), torch.zeros(3)),
        _common.judge(torch.zeros(3), torch.ones(3, dtype=torch.float64)),
        _common.first_hint(3, []),
        _common.first_hint(lambda: None, [("x=1", (), 1, [])]),
        _common.first_hint(broken, [(None, (), 1, [])]),
        _common.without(lambda n: "sum" in n)(["sum", "add"]),
        # A rule made at import takes a function: its text is read when applied.
        _common.without(lambda n: True, lambda: "请不要调用 {}。")(["mul"]),
    ]
    for text in texts:
        assert_chinese(text, "a hint of _common")
    assert "(2,)" in texts[0] and "(3,)" in texts[0]
    assert "int" in texts[2]
    assert "x=1" in texts[3]
    assert "sum" in texts[5] and "add" not in texts[5]
    assert texts[6] == "请不要调用 mul。"
    no_text_missing(zh)


def test_english_is_unchanged_after_chinese(zh, capsys):
    exercises.check_output_shape((2, 2))
    d2lconv.set_language("en")
    exercises.check_output_shape((2, 2))
    exercises.check_output_shape("2x2")
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == [
        "Correct. The output is 2x2, as nn.Conv2d says.",
        "Not yet. Hint: give a pair of whole numbers (height, width), got '2x2'",
    ]


# A guard no kernel reaches: once a kernel gives 0 on the images 1, i and j,
# its response to i^2 is the constant sum of K[a, b] * a^2.
GUARDS = {"the response to i^2 or j^2 should be the same everywhere."}


def marked_texts(path):
    """The texts a module marks with ``tr`` (or ``N_``)."""
    texts = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {
            "tr",
            "N_",
        }:
            texts.add(node.args[0].value)
    return texts


def test_this_file_shows_every_text_of_notebooks_1_to_5_in_chinese(
    zh, capsys, monkeypatch
):
    # Run every input above once, recording the texts looked up in Chinese:
    # all those the check modules of notebooks 01-05 mark must be among them.
    shown = set()
    chinese = i18n.catalog("zh")

    class Recording(dict):
        def get(self, text, default=None):
            shown.add(text)
            return chinese.get(text, default)

    monkeypatch.setattr(i18n, "catalog", lambda code: Recording())
    for name, (right, wrongs) in P1_CASES.items():
        for args in [right, *wrongs, [None] * len(right)]:
            getattr(exercises, name)(*args)
    for name, args, _ in MORE:
        getattr(exercises, name)(*args)
    from d2lconv.exercises import nb03_learning_a_kernel as nb03

    monkeypatch.setattr(nb03, "TRAINING_TASK_LR", 0.01)
    exercises.check_training_prediction("converges")
    exercises.check_stack_prediction((2, 15), 3, 32, 3, 1, 2)
    exercises.check_second_derivative_kernel(torch.tensor([[1.0, -2.0, 2.0]]))
    exercises.check_same_padding(((3, 0), (0, 1)))
    exercises.check_mirror_padding(
        lambda X, p: F.pad(X[None], (p, p, p, p), mode="replicate")[0]
    )
    capsys.readouterr()
    folder = exercises.__path__[0]
    unseen = {
        module: sorted(marked_texts(Path(folder) / f"{module}.py") - shown - GUARDS)
        for module in MODULES
    }
    assert unseen == {module: [] for module in MODULES}
    monkeypatch.undo()
    no_text_missing(zh)


@pytest.mark.parametrize(
    "answer, diverges",
    [("收敛", False), (" 发散 ", True), ("converged", False), ("Diverge", True)],
)
def test_the_training_prediction_reads_chinese_and_english_words(
    answer, diverges, capsys
):
    # The diagonal image's limit is below the task's rate: it diverges.
    assert lr_limit(edge_image("diagonal"), bias=False) < 0.03
    assert exercises.check_training_prediction(answer) is diverges
