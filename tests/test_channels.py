"""Multiple channels: the picture's numbers are PyTorch's, sums and 1x1 matmul."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from explorer_checks import error_outputs
from hypothesis import given
from hypothesis import strategies as st
from props import combinations, describe, examples, rng
from svg_checks import matrix, panel, parse, texts
from torch import nn

from d2lconv import ChannelsExplorer, channel_data, draw_channels
from d2lconv.channels import MODES, VALUES, book_example

# The book's two-channel example.
X_BOOK = torch.tensor(
    [[[0.0, 1, 2], [3, 4, 5], [6, 7, 8]], [[1.0, 2, 3], [4, 5, 6], [7, 8, 9]]]
)
K_BOOK = torch.tensor([[[0.0, 1], [2, 3]], [[1.0, 2], [3, 4]]])


def test_the_books_two_channel_example_shows_its_output_as_text():
    root = parse(draw_channels(X_BOOK, K_BOOK[None]).svg)
    words = texts(root)
    for value in ("56", "72", "104", "120"):
        assert value in words
    expected = F.conv2d(X_BOOK[None], K_BOOK[None])[0, 0]
    assert np.array_equal(matrix(panel(root, "output Y[0]")), expected.numpy())
    # The inputs and the kernels are shown as given.
    for i in range(2):
        assert np.array_equal(matrix(panel(root, f"input X[{i}]")), X_BOOK[i].numpy())
        assert np.array_equal(matrix(panel(root, f"K[0,{i}]")), K_BOOK[i].numpy())


def test_three_output_channels_of_the_book():
    X, K = book_example(3)
    assert torch.equal(X, X_BOOK) and torch.equal(K[0], K_BOOK)
    root = parse(draw_channels(X, K).svg)
    expected = F.conv2d(X[None], K)[0]
    assert expected[2].tolist() == [[96, 128], [192, 224]]
    for o in range(3):
        assert np.array_equal(
            matrix(panel(root, f"output Y[{o}]")), expected[o].numpy()
        )


def test_each_part_is_one_channel_cross_correlated_and_the_parts_add_up():
    X, K = channel_data(3, 2, kernel_size=2, size=5, seed=4)
    root = parse(draw_channels(X, K).svg)
    for o in range(2):
        parts = []
        for i in range(3):
            part = matrix(panel(root, f"X[{i}] * K[{o},{i}]"))
            reference = F.conv2d(X[None, i : i + 1], K[o : o + 1, i : i + 1])[0, 0]
            assert np.array_equal(part, reference.numpy())
            parts.append(part)
        output = matrix(panel(root, f"output Y[{o}]"))
        assert np.array_equal(sum(parts), output)
        assert np.array_equal(output, F.conv2d(X[None], K)[0, o].numpy())
    # A screen reader hears the equation: parts, "plus", "equals", the output.
    labels = [g.get("aria-label") for g in root.iter() if g.get("aria-label")]
    assert labels.count("plus") == 2 * 2 and labels.count("equals") == 2


@examples(25)
@given(
    c_i=st.integers(1, 3),
    c_o=st.integers(1, 3),
    k=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    extra=st.tuples(st.integers(0, 3), st.integers(0, 3)),
    seed=st.integers(0, 99),
)
def test_every_output_channel_shown_is_f_conv2d(c_i, c_o, k, extra, seed):
    generator = torch.Generator().manual_seed(seed)
    X = torch.randint(
        -3, 4, (c_i, k[0] + extra[0], k[1] + extra[1]), generator=generator
    )
    K = torch.randint(-2, 3, (c_o, c_i, *k), generator=generator)
    root = parse(draw_channels(X.float(), K.float()).svg)
    expected = F.conv2d(X[None].float(), K.float())[0]
    for o in range(c_o):
        assert np.array_equal(matrix(panel(root, f"output Y[{o}]")), expected[o])


def test_one_by_one_view_is_a_matrix_product():
    X, K = channel_data(3, 2, kernel_size=1, size=4, seed=1)
    root = parse(draw_channels(X, K, MODES[1]).svg)
    W = matrix(panel(root, "W (c_o, c_i)"))
    Xr = matrix(panel(root, "X reshaped 3x16"))
    Yr = matrix(panel(root, "Y reshaped 2x16"))
    assert np.array_equal(W, K.reshape(2, 3).numpy())
    assert np.array_equal(Xr, X.reshape(3, 16).numpy())
    assert np.array_equal(Yr, F.conv2d(X[None], K)[0].reshape(2, 16).numpy())
    assert np.array_equal(W @ Xr, Yr)


def test_the_text_gives_the_layer_and_its_costs_as_pytorch_counts_them():
    X, K = channel_data(3, 4, kernel_size=2, size=5)
    words = texts(parse(draw_channels(X, K).svg))
    layer = nn.Conv2d(3, 4, 2, bias=False)
    code = next(w for w in words if w.startswith("nn.Conv2d("))
    # The line runs as it reads, and gives the output shape PyTorch gives.
    assert code.startswith("nn.Conv2d(3, 4, kernel_size=2, bias=False)")
    assert f"-> {tuple(layer(X).shape)}" in code
    weights = layer.weight.numel()
    assert any(f"= {weights} weights" in w for w in words)
    # One multiply-add per weight per output pixel: 4x4 outputs.
    assert any(w.endswith(f"= {weights * 16}") for w in words if "multiply" in w)


def test_channel_data_is_seeded_small_integers():
    X, K = channel_data(4, 4, 3, 6, seed=5)
    assert X.shape == (4, 6, 6) and K.shape == (4, 4, 3, 3)
    assert X.min() >= 0 and X.max() <= 3 and K.min() >= -1 and K.max() <= 2
    assert torch.equal(X, X.round()) and torch.equal(K, K.round())
    X2, K2 = channel_data(4, 4, 3, 6, seed=5)
    assert torch.equal(X, X2) and torch.equal(K, K2)
    assert not torch.equal(X, channel_data(4, 4, 3, 6, seed=6)[0])


def test_draw_channels_explains_bad_arguments():
    X, K = channel_data(2, 1, 3, 2)
    with pytest.raises(ValueError, match="kernel_size 3x3 is larger than the 2x2"):
        draw_channels(X, K)
    X, K = channel_data(2, 1, 2, 3)
    with pytest.raises(ValueError, match="1x1 kernels, got kernel_size 2x2"):
        draw_channels(X, K, MODES[1])
    with pytest.raises(ValueError, match="mode must be one of"):
        draw_channels(X, K, "sideways")
    with pytest.raises(ValueError, match="X has 3 channels but K expects c_i = 2"):
        draw_channels(torch.zeros(3, 3, 3), K)
    with pytest.raises(ValueError, match="K must be a 4-D tensor"):
        draw_channels(X, K[0])
    with pytest.raises(TypeError, match="X must be a torch.Tensor"):
        draw_channels(X.tolist(), K)


def expected_problem(v):
    """Why a combination has no picture (from the rules the course teaches), or None."""
    book = (v["in_channels"], v["kernel_size"], v["size"]) == (2, 2, 3)
    if v["values"] == "book example" and not book:
        return "book's example"
    if v["kernel_size"] > v["size"]:
        return "larger than"
    if v["mode"] == MODES[1] and v["kernel_size"] != 1:
        return "1x1"
    return None


def effective_state(explorer):
    """The values that decide the picture: the book's numbers ignore the seed."""
    v = explorer.values()
    if v["values"] == "book example":
        v.pop("seed")
    return tuple(sorted(v.items()))


def check_state(explorer, previous, why=""):
    """Assert the explorer shows F.conv2d's numbers or the right explanation."""
    assert error_outputs(explorer) == [], why
    v = explorer.values()
    problem = expected_problem(v)
    if problem is not None:
        assert explorer.picture is None and problem in explorer.message, why
        assert explorer.svg == "" and explorer.explanation.value != "", why
        return None
    assert explorer.message == "", why
    root = parse(explorer.svg)
    X, K = explorer.data(**{k: v for k, v in v.items() if k != "mode"})
    reference = F.conv2d(X[None], K)[0]
    if v["mode"] == MODES[0]:
        for o in range(v["out_channels"]):
            shown = matrix(panel(root, f"output Y[{o}]"))
            assert np.array_equal(shown, reference[o].numpy()), why
    else:
        c_o, pixels = v["out_channels"], v["size"] ** 2
        shown = matrix(panel(root, f"Y reshaped {c_o}x{pixels}"))
        assert np.array_equal(shown, reference.reshape(c_o, -1).numpy()), why
    state = (effective_state(explorer), explorer.svg)
    if previous is not None and previous[0] != state[0]:
        assert previous[1] != state[1], f"picture did not change: {state[0]} {why}"
    return state


def test_book_explorer_starts_on_the_books_numbers():
    ex = ChannelsExplorer()
    assert ex.message == ""
    assert check_state(ex, None) is not None
    assert "120" in texts(parse(ex.svg))


def test_every_control_at_its_boundaries():
    explorer = ChannelsExplorer()
    previous = check_state(explorer, None)
    explorer.controls["values"].value = VALUES[0]
    for name, control in explorer.controls.items():
        if hasattr(control, "options"):
            ends = list(control.options) + [control.value]
        else:
            ends = [control.min, control.max, control.value]
        for value in ends:
            control.value = value
            why = f"{name} = {value!r}"
            previous = check_state(explorer, previous, why) or previous


def test_random_combinations():
    explorer = ChannelsExplorer()
    r = rng("channels")
    previous, invalid, count = None, 0, combinations(40)
    for _ in range(count):
        with explorer.hold():
            for control in explorer.controls.values():
                if hasattr(control, "options"):
                    control.value = r.choice(list(control.options))
                else:
                    control.value = r.randint(control.min, control.max)
        why = f"{explorer.values()}; {describe(r)}"
        state = check_state(explorer, previous, why)
        invalid += state is None
        previous = state or previous
    assert 0 < invalid < count, describe(r)
