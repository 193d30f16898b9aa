"""The padding modes against F.pad."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from props import examples
from svg_checks import SVG, marked, matrix, panel, parse, texts

from d2lconv.figures import PADDING_MODES, draw_padding_modes, pad2d

F_PAD_NAME = {"zeros": "constant"}


@examples(60)
@given(
    h=st.integers(1, 6),
    w=st.integers(1, 6),
    ph=st.integers(0, 6),
    pw=st.integers(0, 6),
    mode=st.sampled_from(PADDING_MODES),
    seed=st.integers(0, 1000),
)
def test_pad2d_is_F_pad_per_side_and_refuses_what_it_refuses(h, w, ph, pw, mode, seed):
    generator = torch.Generator().manual_seed(seed)
    X = torch.randint(-5, 10, (h, w), generator=generator).float()
    try:
        expected = F.pad(X[None, None], (pw, pw, ph, ph), F_PAD_NAME.get(mode, mode))
    except RuntimeError:
        with pytest.raises(ValueError, match=f"padding .*'{mode}'"):
            pad2d(X, (ph, pw), mode)
        return
    torch.testing.assert_close(pad2d(X, (ph, pw), mode), expected[0, 0], rtol=0, atol=0)


def test_padding_modes_picture_shows_F_pad_values():
    root = parse(draw_padding_modes().svg)
    # The input holds 1..9, so that zero padding stands out.
    X = torch.arange(1.0, 10.0).reshape(3, 3)
    labels = [g.get("aria-label") for g in root.iter(SVG + "g")]
    assert labels == ["heading", "input 3x3", *(f"{m} 5x5" for m in PADDING_MODES)]
    np.testing.assert_array_equal(matrix(panel(root, "input 3x3")), X.numpy())
    for mode in PADDING_MODES:
        expected = F.pad(X[None, None], (1, 1, 1, 1), mode=F_PAD_NAME.get(mode, mode))
        group = panel(root, f"{mode} 5x5")
        np.testing.assert_array_equal(matrix(group), expected[0, 0])
        assert "5\u00d75" in texts(group)
        # Padding cells are hatched: 5x5 padded minus the 3x3 input.
        assert len(marked(group, "padding")) == 5 * 5 - 3 * 3
