"""ChannelsExplorer: per-channel sums, the 1x1 matrix product, and the costs."""

import random

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from explorer_checks import error_outputs, fingerprint
from torch import nn

from d2lconv import ChannelsExplorer, channel_data, draw_channels
from d2lconv.channels import MODES, VALUES, book_example

N_RANDOM = 200


def shown(explorer, key):
    return explorer._panels.grids[key].values


def test_book_example_gives_the_books_three_outputs():
    X, K = book_example(3)
    assert K.shape == (3, 2, 2, 2)
    expected = torch.tensor(
        [
            [[56.0, 72], [104, 120]],
            [[76, 100], [148, 172]],
            [[96, 128], [192, 224]],
        ]
    )
    assert torch.equal(F.conv2d(X[None], K)[0], expected)
    ex = ChannelsExplorer()
    assert ex.message == ""
    for o in range(3):
        assert np.array_equal(shown(ex, ("Y", o)), expected[o].numpy())


def test_parts_add_up_to_each_output_channel():
    ex = ChannelsExplorer(values=VALUES[0], in_channels=3, out_channels=2, size=5)
    X, K = ex.data(**{k: v for k, v in ex.values().items() if k != "mode"})
    reference = F.conv2d(X[None], K)[0]
    for o in range(2):
        parts = [shown(ex, ("P", o, i)) for i in range(3)]
        for i, part in enumerate(parts):
            assert np.array_equal(
                part, F.conv2d(X[None, i : i + 1], K[o : o + 1, i : i + 1])[0, 0]
            )
        assert np.array_equal(sum(parts), reference[o].numpy())
        assert np.array_equal(shown(ex, ("Y", o)), reference[o].numpy())


def test_one_by_one_mode_is_a_matrix_product():
    ex = ChannelsExplorer(
        values=VALUES[0], in_channels=3, out_channels=2, kernel_size=1, size=4
    )
    ex.controls["mode"].value = MODES[1]
    assert ex.message == ""
    X, K = ex.data(**{k: v for k, v in ex.values().items() if k != "mode"})
    reference = F.conv2d(X[None], K)[0]
    assert np.array_equal(shown(ex, "W"), K.reshape(2, 3).numpy())
    assert np.array_equal(shown(ex, "Xr"), X.reshape(3, 16).numpy())
    assert np.array_equal(shown(ex, "Yr"), reference.reshape(2, 16).numpy())


def test_costs_match_pytorchs_layer():
    ex = ChannelsExplorer(
        values=VALUES[0], in_channels=3, out_channels=4, kernel_size=2, size=5
    )
    caption = ex._panels.caption.get_text()
    layer = nn.Conv2d(3, 4, 2)
    weights = layer.weight.numel()
    assert f"= {weights} weights" in caption
    assert f"= {weights + layer.bias.numel()};" in caption
    # One multiply-add per weight per output pixel: 4x4 outputs.
    assert caption.split("\n")[1].endswith(f"= {weights * 16}")


def test_channel_data_is_seeded_small_integers():
    X, K = channel_data(4, 4, 3, 6, seed=5)
    assert X.shape == (4, 6, 6) and K.shape == (4, 4, 3, 3)
    assert X.min() >= 0 and X.max() <= 3 and K.min() >= -1 and K.max() <= 2
    assert torch.equal(X, X.round()) and torch.equal(K, K.round())
    X2, K2 = channel_data(4, 4, 3, 6, seed=5)
    assert torch.equal(X, X2) and torch.equal(K, K2)
    assert not torch.equal(X, channel_data(4, 4, 3, 6, seed=6)[0])


def test_draw_channels_explains_bad_shapes():
    X, K = channel_data(2, 1, 3, 2)
    with pytest.raises(ValueError, match="larger than"):
        draw_channels(X, K)
    X, K = channel_data(2, 1, 2, 3)
    with pytest.raises(ValueError, match="1x1"):
        draw_channels(X, K, MODES[1])
    assert draw_channels(X, K).axes


def expected_problem(v):
    """Why a combination has no picture (from the rules the course teaches), or None."""
    if v["values"] == "book example" and (
        v["in_channels"],
        v["kernel_size"],
        v["size"],
    ) != (
        2,
        2,
        3,
    ):
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


@pytest.fixture
def explorer(monkeypatch):
    # PNG encoding is the slow part and is tested separately; here the image
    # holds a fingerprint of everything the figure draws.
    monkeypatch.setattr(ChannelsExplorer, "render", lambda self, fig: fingerprint(fig))
    return ChannelsExplorer()


def check_state(explorer, previous):
    assert error_outputs(explorer) == []
    v = explorer.values()
    problem = expected_problem(v)
    if problem is not None:
        assert explorer.figure is None
        assert problem in explorer.message
        assert explorer.explanation.value != ""
        return None
    assert explorer.message == "" and explorer.figure is not None
    X, K = explorer.data(**{k: v for k, v in v.items() if k != "mode"})
    reference = F.conv2d(X[None], K)[0]
    if v["mode"] == MODES[0]:
        for o in range(v["out_channels"]):
            assert np.array_equal(shown(explorer, ("Y", o)), reference[o].numpy())
    else:
        assert np.allclose(
            shown(explorer, "Yr"), reference.reshape(K.shape[0], -1).numpy()
        )
    state = (effective_state(explorer), bytes(explorer.image.value))
    if previous is not None and previous[0] != state[0]:
        assert previous[1] != state[1], f"picture did not change: {state[0]}"
    return state


def test_every_control_at_its_boundaries(explorer):
    previous = check_state(explorer, None)
    explorer.controls["values"].value = VALUES[0]
    for control in explorer.controls.values():
        if hasattr(control, "options"):
            ends = list(control.options) + [control.value]
        elif hasattr(control, "min"):
            ends = [control.min, control.max, control.value]
        for value in ends:
            control.value = value
            previous = check_state(explorer, previous) or previous


def test_random_combinations(explorer):
    rng = random.Random(0)
    previous = None
    invalid = 0
    for _ in range(N_RANDOM):
        with explorer.hold():
            for control in explorer.controls.values():
                if hasattr(control, "options"):
                    control.value = rng.choice(list(control.options))
                else:
                    control.value = rng.randint(control.min, control.max)
        state = check_state(explorer, previous)
        invalid += state is None
        previous = state or previous
    assert 0 < invalid < N_RANDOM


def test_png_changes_with_the_state():
    ex = ChannelsExplorer()
    images = [bytes(ex.image.value)]
    assert images[0].startswith(b"\x89PNG")
    for name, value in [("out_channels", 1), ("values", VALUES[0]), ("seed", 3)]:
        ex.controls[name].value = value
        assert bytes(ex.image.value) not in images
        images.append(bytes(ex.image.value))
    assert error_outputs(ex) == []
