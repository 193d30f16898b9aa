"""Each explorer drawn by its ES module in Chromium, against PyTorch and Python.

The page holds the module and a saved state (no kernel), as the website does.
Derandomised settings are set through the controls' names; for each, every
number of the picture is compared with PyTorch's and the whole picture (panels,
labels, numbers, marks, lines) with the one Python draws for the same settings.
In Chinese, one pass per explorer checks what differs: the texts are Chinese,
they fit in the picture, and the picture is still Python's.
"""

import itertools
import math
import re

import pytest
import torch
import torch.nn.functional as F
from playwright.sync_api import expect
from props import combinations, describe, rng
from svg_checks import SVG, grid_numbers, panel, parse, texts
from test_channels import K_BOOK, X_BOOK, largest_draw
from test_pooling import pasted_layer, reference
from test_stack import shown_levels, torch_sizes
from zh_text import KEPT, assert_chinese, assert_picture_in_chinese

from d2lconv import i18n
from d2lconv.channels import MODES as CHANNEL_MODES
from d2lconv.channels import VALUES as CHANNEL_VALUES
from d2lconv.data import sweep_input, sweep_kernel
from d2lconv.explorers.channels import RANGES as CHANNEL_RANGES
from d2lconv.explorers.channels import ChannelsExplorer
from d2lconv.explorers.pooling import PoolingExplorer
from d2lconv.explorers.stack import RANGES, StackExplorer
from d2lconv.explorers.sweep import SweepExplorer
from d2lconv.explorers.training import TrainingExplorer
from d2lconv.picture import format_number
from d2lconv.pooling import pooling_inputs
from d2lconv.sweep import TOPICS
from d2lconv.training import IMAGES, INITS, LEARNING_RATES, edge_data

from .pages import (
    answer,
    assert_same_picture,
    control,
    labels,
    seen,
    set_controls,
    show,
)

CASES = 40  # derandomised settings per explorer (make fuzz: more)
SEED = 7  # the seed whose random integers PyTorch sends the page


@pytest.fixture(scope="module")
def page(browser):
    """One page for the module: each test shows its explorer in it."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield page
    page.close()


def formatted(T):
    """A matrix's numbers as the picture writes them."""
    return [[format_number(x) for x in line] for line in T.tolist()]


def svg_texts(shown):
    return " ".join(texts(parse(shown["svg"])))


def draw(g, space):
    """Random settings: one item of each sequence of ``space`` (a range, a list),
    or True with the chance a float gives."""
    return {
        name: g.random() < s if isinstance(s, float) else g.choice(s)
        for name, s in space.items()
    }


def ranges(bounds):
    """A space of ints from {name: (low, high)}."""
    return {name: range(low, high + 1) for name, (low, high) in bounds.items()}


def check_grids(root, v, grids, where):
    """Each panel labelled as a key of ``grids`` shows that tensor's numbers."""
    for label, T in grids.items():
        assert grid_numbers(panel(root, label)) == formatted(T), where


# ---- the sweep ---------------------------------------------------------------

SWEEP = ranges(dict(input_h=(1, 16), input_w=(1, 16), kernel_h=(1, 7), kernel_w=(1, 7)))
SWEEP |= ranges(dict(padding_h=(0, 4), padding_w=(0, 4), stride_h=(1, 4)))
SWEEP |= ranges(dict(stride_w=(1, 4), dilation=(1, 3)))
SWEEP |= dict(values=["ramp", "random"], kernel=["ramp", "ones", "random"], flip=0.3)


def sweep_output(v):
    """PyTorch's output panel for these settings: F.conv2d of the padded input
    (None: PyTorch has no output for these sizes)."""
    X = sweep_input(v["values"], (v["input_h"], v["input_w"]), SEED).double()
    K = sweep_kernel(v["kernel"], (v["kernel_h"], v["kernel_w"]), SEED).double()
    K = torch.flip(K, (0, 1)) if v["flip"] else K
    try:
        Y = F.conv2d(
            X[None, None],
            K[None, None],
            stride=(v["stride_h"], v["stride_w"]),
            padding=(v["padding_h"], v["padding_w"]),
            dilation=v["dilation"],
        )
    except RuntimeError:
        return None
    return {"output": Y[0, 0]}


# ---- the stack ---------------------------------------------------------------

# The stack's sliders, in the page's order.
STACK = ["count", "input_size", "kernel_size", "padding", "stride", "dilation"]


def random_stack(g):
    settings = draw(g, ranges(RANGES))
    if g.random() < 0.5:  # short stacks: most long ones run out of rows
        settings["count"] = g.randint(1, 8)
    return settings


def conv_sizes(v):
    """Each layer's (h, w) by nn.Conv2d (tests/test_stack.py); None: no output."""
    try:
        return torch_sizes(*(v[name] for name in STACK))
    except RuntimeError:
        return None


def check_stack(root, v, sizes, where):
    """Each layer's size, and the last one in the plot's title, are PyTorch's
    (fields, jumps and seen rows: Python's picture, tests/test_stack.py)."""
    levels = [(v["input_size"],) * 2] + sizes
    shown = shown_levels(root)
    assert shown, where
    for level, text in shown.items():
        name = "input" if level == 0 else f"layer {level}"
        assert text == f"{name}: {levels[level][0]}x{levels[level][1]}", where
    after = f"after layer {v['count']}: {sizes[-1][0]}x{sizes[-1][1]}, field "
    assert any(t.startswith(after) for t in texts(root)), where


# ---- pooling -----------------------------------------------------------------

POOLING = dict(mode=["max", "avg"], input=list(pooling_inputs()))
POOLING |= ranges(dict(window_h=(1, 4), window_w=(1, 4), stride_h=(1, 4)))
POOLING |= ranges(dict(stride_w=(1, 4))) | dict(ceil_mode=0.5, count_include_pad=0.5)


def random_pooling(g):
    v = draw(g, POOLING)
    # Padding up to half the window, PyTorch's rule; now and then more, which
    # the page explains.
    for a in "hw":
        most = 2 if g.random() < 0.1 else v[f"window_{a}"] // 2
        v[f"padding_{a}"] = g.randint(0, most)
    return v


def pooling_outputs(v):
    """PyTorch's output panels for these settings (None: it refuses), as
    tests/test_pooling.py computes them."""
    hw = [(v[f"{k}_h"], v[f"{k}_w"]) for k in ("window", "stride", "padding")]
    X = pooling_inputs()[v["input"]]
    Y = reference(X, *hw, v["mode"], v["ceil_mode"], v["count_include_pad"])
    return None if Y is None else {f"output channel {c}": y for c, y in enumerate(Y)}


def check_pooling(root, v, grids, where):
    """Every output number, the chosen cell's formula and the layer line."""
    check_grids(root, v, grids, where)
    Y = torch.stack(list(grids.values()))
    i, j = divmod(v["cell"], Y.shape[2])
    (line,) = [t for t in texts(root) if t.startswith("channel 0, output cell")]
    assert line.startswith(f"channel 0, output cell ({i}, {j}): "), where
    shown = float(line.split("   (")[0].rsplit(" = ", 1)[1])
    assert math.isclose(shown, Y[0, i, j].item(), rel_tol=1e-3), where
    X = pooling_inputs()[v["input"]]
    assert torch.equal(pasted_layer(texts(root))(X[None])[0], Y), where


# ---- channels ----------------------------------------------------------------

CHANNELS = ranges(CHANNEL_RANGES) | dict(values=CHANNEL_VALUES, mode=CHANNEL_MODES)


def random_channels(g):
    v = draw(g, CHANNELS)
    # The book's sizes, and 1x1 kernels, often enough to draw most settings.
    if v["values"] == "book example" and g.random() < 0.7:
        v.update(in_channels=2, kernel_size=2, size=3)
    if v["mode"] == CHANNEL_MODES[1] and g.random() < 0.7:
        v["kernel_size"] = 1
    return v


def channels_outputs(v):
    """F.conv2d's output panels, and in the sums each part, for these settings
    (None: no picture). X and K: the book's numbers (K, K+1, ...), or the
    leading part of the seed's largest draw (tests/test_channels.py), as the
    page takes it."""
    c_i, c_o, k, n = (v[name] for name in CHANNEL_RANGES)
    # No picture (the rules the course teaches): the book's example at other
    # sizes, a kernel larger than the input, the 1x1 view of a larger kernel.
    book, one_by_one = v["values"] == "book example", v["mode"] == CHANNEL_MODES[1]
    if (book and (c_i, k, n) != (2, 2, 3)) or k > n or (one_by_one and k != 1):
        return None
    if book:
        X, K = X_BOOK, torch.stack([K_BOOK + o for o in range(c_o)])
    else:
        X, K = largest_draw(SEED)
        X, K = X[:c_i, :n, :n], K[:c_o, :c_i, :k, :k]
    Y = F.conv2d(X[None], K)[0]
    if one_by_one:
        return {f"Y reshaped {c_o}x{n * n}": Y.reshape(c_o, -1)}
    grids = {f"output Y[{o}]": Y[o] for o in range(c_o)}
    for o, i in itertools.product(range(c_o), range(c_i)):
        part = F.conv2d(X[None, i : i + 1], K[o : o + 1, i : i + 1])[0, 0]
        grids[f"corr2d(X[{i}], K[{o},{i}])"] = part
    return grids


# ---- each explorer against PyTorch and Python -------------------------------


# name: (the explorer, random settings, PyTorch's result for settings (None:
# no picture; {panel label: its numbers} or the stack's sizes), its check)
KINDS = {
    "sweep": (
        lambda: SweepExplorer(seed=SEED, controls=TOPICS),
        lambda g: draw(g, SWEEP),
        sweep_output,
        check_grids,
    ),
    "stack": (
        lambda: StackExplorer(controls=TOPICS),
        random_stack,
        conv_sizes,
        check_stack,
    ),
    "pooling": (PoolingExplorer, random_pooling, pooling_outputs, check_pooling),
    "channels": (ChannelsExplorer, random_channels, channels_outputs, check_grids),
}
# Settings tried first: an empty output with neither padding, stride nor
# dilation (notebook 2's formula, in the sweep and in the stack); the sweep's
# largest, whose 6-digit outputs widen their cells; a field of 3^12 rows
# (6-digit ticks); sixty layers of stride 3, which jump 3^60 rows, past a
# double's integers.
NO_OUTPUT = dict(input_h=3, input_w=3, kernel_h=4, kernel_w=2, padding_h=0)
NO_OUTPUT.update(padding_w=0, stride_h=1, stride_w=1, dilation=1, flip=False)
NO_OUTPUT.update(values="ramp", kernel="ramp")
STRIDE_3 = dict(input_size=256, kernel_size=3, padding=1, stride=3, dilation=1)
SIXTY = dict(count=60, input_size=5, kernel_size=1, padding=0, stride=3, dilation=1)
EIGHT = dict(count=8, input_size=32, kernel_size=5, padding=0, stride=1, dilation=1)
LARGEST = dict(NO_OUTPUT, input_h=16, input_w=16, kernel_h=7, kernel_w=7)
LARGEST.update(padding_h=4, padding_w=4)
FIRST = {
    "sweep": [NO_OUTPUT, LARGEST],
    "stack": [EIGHT, dict(STRIDE_3, count=12), SIXTY],
}
# The output-cell slider of the sweep and of pooling, and the panel of its cells.
CELL = {"sweep": ("step", "output"), "pooling": ("cell", "output channel 0")}


@pytest.mark.parametrize("name", KINDS)
def test_page_shows_pytorchs_numbers_and_pythons_picture(page, name):
    build, random, reference, check = KINDS[name]
    explorer = build()
    if explorer.has_trait("pools"):  # PyTorch draws the seed's integers first
        explorer.seed = SEED
    show(page, explorer)
    g = rng(f"{name} page")
    settings = FIRST.get(name, []) + [random(g) for _ in range(combinations(CASES))]
    drawn = 0
    for v in settings:
        set_controls(page, v)
        result = reference(v)
        if name in CELL and result is not None:
            slider, label = CELL[name]
            v[slider] = g.randrange(result[label].numel())
            set_controls(page, {slider: v[slider]})
        shown = seen(page)
        explorer.set_state(v)
        where = f"{name} settings {v} ({describe(g)})"
        if result is None:
            assert "explanation" in shown, where
        else:
            assert "svg" in shown, f"{where}: {shown}"
            check(parse(shown["svg"]), v, result, where)
            drawn += 1
        assert_same_picture(shown, explorer, where)
    assert 0 < drawn < len(settings)  # pictures and explanations


# ---- the keyboard, Play and what the page says -------------------------------

LAST = "() => document.querySelector('#explorer svg').textContent"
NOTE = "#explorer .d2lconv-kernel-note"
# What a page with no kernel says at once of the controls only Python answers.
NO_KERNEL = (
    "These controls need Python (PyTorch computes their results), so they are off"
    " on this page: {}. To use them, open the notebook in Jupyter or Colab and run it."
)


def test_sweep_page_offers_the_topics_taught_and_steps_and_plays(page):
    explorer = SweepExplorer()
    show(page, explorer)
    assert control(page, "seed").is_disabled()  # ramp input and kernel
    shown = labels(page, explorer)
    assert {"input_h", "kernel_w", "flip"} <= set(shown)
    assert not [t for t in shown if t.startswith(("padding", "stride", "dilation"))]
    control(page, "step").press("ArrowRight")
    assert "step 2 of 4" in svg_texts(seen(page))
    control(page, "play").click()
    page.wait_for_function(f"{LAST}.includes('step 4 of 4')")
    assert control(page, "step").input_value() == "3"
    set_controls(page, {"input_h": 5, "kernel_w": 3})
    words = texts(parse(seen(page)["svg"]))
    assert "height: n - k + 1 = 5 - 2 + 1 = 4" in words
    assert "width: n - k + 1 = 3 - 3 + 1 = 1" in words
    # No kernel to draw a seed's integers: the seed stays off, random or not.
    set_controls(page, {"kernel": "random"})
    assert control(page, "seed").is_disabled()
    assert page.locator(NOTE).inner_text() == NO_KERNEL.format("seed")


def test_stack_page_moves_with_the_keyboard_and_explains_an_empty_layer(page):
    # Without controls, the sliders of what lesson 3 has taught so far.
    explorer = StackExplorer(count=2, input_size=3, kernel_size=2)
    show(page, explorer)
    assert labels(page, explorer) == STACK[:3]
    explorer = StackExplorer(controls=TOPICS)
    show(page, explorer)
    assert labels(page, explorer) == STACK
    assert "layer 7: 4x4" in texts(parse(seen(page)["svg"]))
    control(page, "count").press("ArrowRight")
    assert seen(page) == {"explanation": StackExplorer(count=8).message}
    page.keyboard.press("ArrowLeft")
    assert "layer 7: 4x4" in texts(parse(seen(page)["svg"]))


def test_pooling_page_steps_plays_and_offers_count_include_pad_for_avg(page):
    show(page, PoolingExplorer())
    # The book's start: 3x3 window, padding 1, stride (2, 1) on arange(32): 2x4.
    assert control(page, "cell").get_attribute("max") == "7"
    assert control(page, "count_include_pad").is_disabled()
    # Padded to 6 rows, windows of 3 at stride 2 cover rows 0-4: row 5 is left.
    dropped = "the floor drops 1 row at the bottom of the padded input (tinted purple)"
    assert dropped in svg_texts(seen(page))
    control(page, "cell").press("ArrowRight")
    assert "output cell (0, 1): max(0, 1, 2, 4, 5, 6) = 6" in svg_texts(seen(page))
    control(page, "play").click()
    page.wait_for_function(f"{LAST}.includes('output cell (1, 3)')")
    set_controls(page, {"mode": "avg"})
    assert control(page, "count_include_pad").is_enabled()
    set_controls(page, {"count_include_pad": False, "cell": 0})
    line = svg_texts(seen(page))
    assert "(0 + 1 + 4 + 5) / 4 = 2.5   (padding not counted)" in line
    set_controls(page, {"padding_h": 2})
    explanation = seen(page)["explanation"]
    assert explanation.startswith("No pooling for these settings.\npadding height 2")


def test_channels_page_moves_by_keyboard_and_says_the_seed_needs_python(page):
    show(page, ChannelsExplorer(values="small random integers"))
    # No kernel: the seed is off from the start, and the note says so once.
    assert control(page, "seed").is_disabled()
    assert page.locator(NOTE).inner_text() == NO_KERNEL.format("seed")
    control(page, "out_channels").press("ArrowLeft")
    code = "nn.Conv2d(2, 2, kernel_size=2, bias=False)  # (2, 3, 3) -> (2, 2, 2)"
    assert code in texts(parse(seen(page)["svg"]))
    assert page.locator(NOTE).inner_text() == NO_KERNEL.format("seed")
    set_controls(page, {"values": "book example", "size": 4})
    assert control(page, "seed").is_disabled()
    explanation = seen(page)["explanation"]
    assert explanation.startswith("The book's example has c_i = 2 input channels")


# ---- training ----------------------------------------------------------------

# Runs that blow up are scrubbed too: the largest rate for 100 steps overflows.
DIVERGING = dict(lr=0.1, steps=100, seed=3, init="random", bias=True, image="diagonal")
TRAINING = dict(lr=LEARNING_RATES) | ranges(dict(steps=(1, 100), seed=(0, 20)))
TRAINING |= dict(init=INITS, bias=0.5, image=IMAGES)


def two_decimals(x):
    """How the picture writes a kernel value or an output: 2 decimals, a
    diverging run's values as out of range."""
    if math.isnan(x):
        return "nan"
    if abs(x) >= 100:
        return ">99" if x > 0 else "<-99"
    return f"{x:.2f}".replace("-0.00", "0.00")


def status_line(shown):
    """The status under the training picture (its two bold lines, joined)."""
    root = parse(shown["svg"])
    return "\n".join(t.text for t in root.iter(SVG + "text") if t.get("font-weight"))


def check_training(shown, history, X, Y, v, t, where):
    """The loss, kernel and output of step t against the run PyTorch computed,
    the gradient against autograd at that step's kernel (the rest of the status
    line: Python's picture, tests/test_training.py)."""
    entry, line, root = history[t], status_line(shown), parse(shown["svg"])
    written = f"[{', '.join(map(two_decimals, entry.kernel.reshape(2).tolist()))}]"
    if math.isfinite(entry.loss):
        head = f"step {t}/{v['steps']}: loss {entry.loss:.3g}, kernel {written}"
    else:
        head = f"stopped at step {t}: the loss overflowed, kernel {written}"
    assert line.startswith(head), where
    first = ", ".join(map(two_decimals, history[0].kernel.reshape(2).tolist()))
    start = f"start: K = [{first}] ({v['init']}: "
    assert [t for t in texts(root) if t.startswith(start)], where
    bias = entry.bias if v["bias"] else None
    output = F.conv2d(X[None, None], entry.kernel.view(1, 1, 1, 2))[0, 0] + (bias or 0)
    want = [[two_decimals(x) for x in row] for row in output.tolist()]
    assert grid_numbers(panel(root, f"output at step {t}")) == want, where
    assert grid_numbers(panel(root, "target Y")) == formatted(Y), where
    if not math.isfinite(entry.loss):
        assert "gradient" not in line, where
        return
    # The gradient shown: autograd's at this kernel (and bias), to 2 decimals.
    K = entry.kernel.clone().reshape(1, 1, 1, 2).requires_grad_()
    b = torch.tensor(float(bias or 0), requires_grad=True)
    ((F.conv2d(X[None, None], K)[0, 0] + b - Y) ** 2).sum().backward()
    want = K.grad.reshape(2).tolist() + ([b.grad.item()] if bias is not None else [])
    shown = re.findall(r"\(gradient \[?([^)\]]*)\]?\)", line)
    got = [s for part in shown for s in part.split(", ")]
    assert len(got) == len(want), where
    for text, value in zip(got, want, strict=True):
        if abs(value) < 99:
            assert abs(float(text) - value) <= 0.0051 + 1e-4 * abs(value), where
        else:
            assert text == two_decimals(value), where


def test_training_page_scrubs_the_run_pytorch_computed(page):
    show(page, TrainingExplorer())
    g = rng("training page")
    runs = [DIVERGING] + [draw(g, TRAINING) for _ in range(combinations(CASES // 4))]
    for v in runs:
        set_controls(page, v)
        # The page asked Python; the test answers as the kernel would, with
        # the run of an explorer of these settings.
        explorer = TrainingExplorer(**v)
        answer(page, explorer, ["run", "step"])
        history, (X, Y) = explorer.history, edge_data(v["image"])
        last = len(history) - 1
        assert control(page, "step").get_attribute("max") == str(last)
        for t in (last, g.randint(0, last)):
            set_controls(page, {"step": t})
            shown = seen(page)
            where = f"training settings {v}, step {t} ({describe(g)})"
            check_training(shown, history, X, Y, v, t, where)
            explorer.step = t
            assert_same_picture(shown, explorer, where)
    assert not math.isfinite(TrainingExplorer(**DIVERGING).history[-1].loss)


def test_training_page_steps_with_the_keyboard_and_trains(page):
    explorer = TrainingExplorer()
    show(page, explorer)
    shown = labels(page, explorer)
    assert shown == ["lr", "steps", "seed", "init", "bias", "image", "step", "speed"]
    assert status_line(seen(page)).startswith("step 30/30: ")
    control(page, "step").press("ArrowLeft")
    assert status_line(seen(page)).startswith("step 29/30: ")
    # Train plays the run from its start: every status line it shows, in order.
    page.evaluate("""() => {
      window.shown = [];
      const picture = document.querySelector("#explorer .d2lconv-picture");
      new MutationObserver(() => {
        const line = picture.querySelector("svg text[font-weight=bold]");
        window.shown.push(line.textContent);
      }).observe(picture, {childList: true});
    }""")
    set_controls(page, {"step": 30})
    train = control(page, "play")
    name = train.inner_text()  # its text until it plays
    train.click()
    page.wait_for_function("window.shown.at(-1).startsWith('step 30/30')")
    lines = page.evaluate("window.shown")
    steps = [int(re.match(r"step (\d+)/30", s).group(1)) for s in lines]
    assert steps[:2] == [30, 0] and steps[1:] == list(range(31))
    expect(train).to_have_text(name)  # no longer "Pause"


def test_training_page_says_which_settings_need_python(page):
    explorer = TrainingExplorer()
    show(page, explorer)
    # No kernel: PyTorch's settings are off, named in the page's note; Train is not.
    asks = ["lr", "steps", "seed", "init", "bias", "image"]
    off = [control(page, name).is_disabled() for name in asks + ["step"]]
    assert off == [True] * 6 + [False]
    named = "learning rate, steps, seed, initialisation, learn a bias, input image"
    assert page.locator(NOTE).inner_text() == NO_KERNEL.format(named)
    set_controls(page, {"lr": 0.1})  # as a kernel would be asked
    explorer.lr = 0.1  # Python answers with the run at lr 0.1
    answer(page, explorer, ["run", "step", "answered"])
    line = status_line(seen(page))
    assert line.startswith(f"stopped at step {len(explorer.history) - 1}: ")
    assert line.endswith(
        "lr 0.1 >= largest stable rate 2/lambda_max = 0.0333: diverges"
    )


# ---- in Chinese --------------------------------------------------------------


# Text drawn past the picture's edges (its viewBox), in pixels: none.
OVERFLOW = """() => {
  const svg = document.querySelector("#explorer svg"), box = svg.viewBox.baseVal;
  return [...svg.querySelectorAll("text")].filter((t) => {
    const b = t.getBBox();
    return b.x < box.x - 1 || b.y < box.y - 1 || b.x + b.width > box.x + box.width + 1
      || b.y + b.height > box.y + box.height + 1;
  }).map((t) => t.textContent);
}"""


@pytest.mark.parametrize("name", [*KINDS, "training"])
def test_page_in_chinese_is_pythons_chinese_picture(page, name):
    """Labels, buttons, options, pictures and explanations in Chinese, drawn in the
    picture's bounds, as Python draws them (the numbers are the English tests')."""
    i18n.set_language("zh")  # (tests/conftest.py sets English again after the test)
    build, random = KINDS.get(name, (TrainingExplorer, lambda g: draw(g, TRAINING)))[:2]
    explorer = build()
    show(page, explorer)
    labels(page, explorer, lambda label: label if label in KEPT else i18n.tr(label))
    for label in page.locator("#explorer label, #explorer button").all_inner_texts():
        if label not in KEPT:
            assert_chinese(label, "a control's label or button")
    for option in page.locator("#explorer option").all_inner_texts():
        if not re.fullmatch(r"[\d.]+", option):  # a number (a learning rate) stays
            assert_chinese(option, "an option")
    g = rng(f"{name} page in Chinese")
    kinds = set()  # a picture, and an explanation (training has none)
    while len(kinds) < (1 if name == "training" else 2):
        v = random(g)
        set_controls(page, v)
        if name == "training":
            explorer = TrainingExplorer(**v)
            answer(page, explorer, ["run", "step"])
        shown, where = seen(page), f"{name} in Chinese {v} ({describe(g)})"
        explorer.set_state(v)
        assert_same_picture(shown, explorer, where)
        if "svg" in shown:
            assert_picture_in_chinese(shown["svg"], where)
            assert page.evaluate(OVERFLOW) == [], where
        else:
            assert_chinese(shown["explanation"], where)
        kinds.add(next(iter(shown)))
    assert i18n.missing() == []
