"""Each explorer drawn by its ES module in Chromium, against PyTorch and Python.

The page holds the module and a saved state (no kernel), as the website does.
Random settings are set through the controls' labels; for each, every number
of the picture is compared with PyTorch's and the whole picture (panels,
labels, numbers, marks, lines) with the one Python draws for the same settings.
"""

import math

import pytest
import torch
import torch.nn.functional as F
from props import combinations, describe, rng
from svg_checks import grid_numbers, panel, parse, texts
from zh_text import KEPT, assert_chinese, assert_picture_in_chinese

from d2lconv import i18n
from d2lconv.data import sweep_input, sweep_kernel
from d2lconv.explorers.sweep import SweepExplorer
from d2lconv.picture import format_number
from d2lconv.sweep import TOPICS

from .pages import assert_same_picture, labels, open_explorer, seen, set_controls

SETTINGS = 300  # random settings per explorer


# ---- the sweep ---------------------------------------------------------------

SWEEP_LABELS = {
    "input_h": "input height",
    "input_w": "input width",
    "kernel_h": "kernel height",
    "kernel_w": "kernel width",
    "padding_h": "padding h (each side)",
    "padding_w": "padding w (each side)",
    "stride_h": "stride height",
    "stride_w": "stride width",
    "dilation": "dilation",
    "values": "input",
    "kernel": "kernel",
    "flip": "true convolution (flip K)",
}


def sweep_reference(v, seed):
    """PyTorch's output for these settings: F.conv2d of the padded input."""
    X = sweep_input(v["values"], (v["input_h"], v["input_w"]), seed).double()
    K = sweep_kernel(v["kernel"], (v["kernel_h"], v["kernel_w"]), seed).double()
    if v["flip"]:
        K = torch.flip(K, (0, 1))
    try:
        return F.conv2d(
            X[None, None],
            K[None, None],
            stride=(v["stride_h"], v["stride_w"]),
            padding=(v["padding_h"], v["padding_w"]),
            dilation=v["dilation"],
        )[0, 0]
    except RuntimeError:
        return None  # PyTorch has no output for these sizes


def random_sweep(g):
    return {
        "input_h": g.randint(1, 16),
        "input_w": g.randint(1, 16),
        "kernel_h": g.randint(1, 7),
        "kernel_w": g.randint(1, 7),
        "padding_h": g.randint(0, 4),
        "padding_w": g.randint(0, 4),
        "stride_h": g.randint(1, 4),
        "stride_w": g.randint(1, 4),
        "dilation": g.randint(1, 3),
        "values": g.choice(["ramp", "random"]),
        "kernel": g.choice(["ramp", "ones", "random"]),
        "flip": g.random() < 0.3,
    }


@pytest.mark.parametrize("seed", [0, 7, 13])
def test_sweep_page_shows_pytorchs_numbers_and_pythons_picture(browser, seed):
    explorer = SweepExplorer(seed=seed, controls=TOPICS)
    page = open_explorer(browser, explorer)
    g = rng(f"sweep page {seed}")
    drawn = 0
    for _ in range(combinations(SETTINGS // 3)):
        v = random_sweep(g)
        set_controls(page, {SWEEP_LABELS[k]: value for k, value in v.items()})
        Y = sweep_reference(v, seed)
        where = f"sweep settings {v}, seed {seed} ({describe(g)})"
        if Y is not None:
            step = g.randrange(Y.numel())
            set_controls(page, {"output cell": step})
            v["step"] = step
        shown = seen(page)
        explorer.set_state(v)
        if Y is None:
            assert "explanation" in shown, where
        else:
            output = panel(parse(shown["svg"]), "output")
            want = [[format_number(x) for x in line] for line in Y.tolist()]
            assert grid_numbers(output) == want, where
            drawn += 1
        assert_same_picture(shown, explorer, where)
    page.close()
    assert drawn > SETTINGS // 6  # most random settings have an output


def test_sweep_page_offers_only_the_topics_taught(browser):
    page = open_explorer(browser, SweepExplorer())
    shown = labels(page)
    assert {"input height", "kernel width", "true convolution (flip K)"} <= set(shown)
    assert not [t for t in shown if t.startswith(("padding", "stride", "dilation"))]
    set_controls(page, {"input height": 5, "kernel width": 3})
    lines = texts(parse(seen(page)["svg"]))
    assert "height: n - k + 1 = 5 - 2 + 1 = 4" in lines
    assert "width: n - k + 1 = 3 - 3 + 1 = 1" in lines
    page.close()


def test_sweep_page_says_when_a_control_needs_python(browser):
    page = open_explorer(browser, SweepExplorer(values="random"))
    before = seen(page)["svg"]
    set_controls(page, {"seed": 5})
    note = page.locator("#explorer .d2lconv-kernel-note").inner_text()
    assert "needs Python" in note
    assert seen(page)["svg"] == before  # the numbers of seed 0 stay, as drawn
    page.close()


def test_sweep_page_steps_with_the_keyboard_and_plays(browser):
    page = open_explorer(browser, SweepExplorer())
    slider = page.get_by_label("output cell")
    slider.focus()
    page.keyboard.press("ArrowRight")
    assert "step 2 of 4" in " ".join(texts(parse(seen(page)["svg"])))
    page.get_by_role("button", name="play").click()
    last = "() => document.querySelector('#explorer svg').textContent"
    page.wait_for_function(f"{last}.includes('step 4 of 4')")
    assert math.isclose(
        float(page.evaluate("window.controlState('output cell').value")), 3
    )
    page.close()


# ---- in Chinese --------------------------------------------------------------


@pytest.fixture
def zh():
    """Speak Chinese in the test, English again afterwards."""
    i18n.set_language("zh")
    yield
    i18n.set_language("en")


def assert_labels_in_chinese(page):
    for label in labels(page):
        if label not in KEPT:
            assert_chinese(label, "a control's label")
    for option in page.locator("#explorer option").all_inner_texts():
        assert_chinese(option, "an option")


def test_sweep_page_in_chinese_is_pythons_chinese_picture(browser, zh):
    explorer = SweepExplorer(controls=TOPICS)
    page = open_explorer(browser, explorer)
    assert_labels_in_chinese(page)
    g = rng("sweep page in Chinese")
    chinese = {name: i18n.tr(label) for name, label in SWEEP_LABELS.items()}
    assert set(chinese.values()) <= set(labels(page))
    for _ in range(combinations(20)):
        v = random_sweep(g)
        set_controls(page, {chinese[k]: value for k, value in v.items()})
        shown = seen(page)
        explorer.set_state(v)
        where = f"sweep in Chinese {v} ({describe(g)})"
        assert_same_picture(shown, explorer, where)
        if "svg" in shown:
            assert_picture_in_chinese(shown["svg"], where)
        else:
            assert_chinese(shown["explanation"], where)
    assert i18n.missing() == []
    page.close()
