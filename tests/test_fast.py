"""fast.py beyond its agreement with F.conv2d (test_ops): integer tensors,
durations and the timing plot."""

import math

import pytest
import torch

from d2lconv.fast import corr2d_unfold, draw_timings, format_duration


def test_corr2d_unfold_keeps_integer_tensors_integers():
    Y = corr2d_unfold(torch.arange(9).reshape(3, 3), torch.tensor([[0, 1], [2, 3]]))
    assert Y.dtype == torch.int64 and Y.tolist() == [[19, 25], [37, 43]]


def test_format_duration_reproduces_the_seeds_estimate():
    # SYLLABUS: 10 layers of 1.024e9 multiply-adds on 1M samples.
    work = 10 * 1_000_000 * 1.024e9
    assert format_duration(work / 0.15e12) == "19 h"
    assert format_duration(work / 12e12) == "14.2 min"
    assert format_duration(0.0123) == "12.3 ms"
    assert format_duration(3e-6) == "3 µs"
    assert format_duration(math.nan) == "n/a"


def test_draw_timings_draws_one_line_per_implementation():
    fig = draw_timings([8, 16], {"loop": [1e-3, 4e-3], "F.conv2d": [1e-5, 2e-5]})
    (ax,) = fig.axes
    assert [line.get_label() for line in ax.get_lines()] == ["loop", "F.conv2d"]
    assert ax.get_xscale() == ax.get_yscale() == "log"
    # The x ticks are the sizes measured, as plain numbers, and nothing else.
    assert list(ax.get_xticks()) == [8, 16]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["8", "16"]
    assert list(ax.get_xticks(minor=True)) == []
    with pytest.raises(ValueError, match="one value per size"):
        draw_timings([8, 16], {"loop": [1e-3]})
