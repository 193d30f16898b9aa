"""Reading an SVG picture as a user sees it: panels, their numbers, marked cells;
and what a user reads when an argument is wrong."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    """The root element of an SVG text (fails if it is not well-formed XML)."""
    return ET.fromstring(svg)


def panel(root, label):
    """The <g> whose aria-label is ``label``, or starts with ``label`` and a space."""
    labels = {g: g.get("aria-label") for g in root.iter(SVG + "g")}
    found = [g for g, text in labels.items() if f"{text} ".startswith(f"{label} ")]
    shown = list(labels.values())
    assert len(found) == 1, f"{len(found)} panels labelled {label!r} in {shown}"
    return found[0]


def texts(element):
    """Every piece of text drawn under ``element``, in order (titles excluded)."""
    return [t.text or "" for t in element.iter(SVG + "text")]


def numbers(group):
    """The cell numbers of a grid panel, by (row, col)."""
    return {
        tuple(int(i) for i in t.get("data-cell").split(",")): t.text
        for t in group.iter(SVG + "text")
        if t.get("data-cell")
    }


def grid_numbers(group):
    """The cell numbers of a grid panel as a list of rows."""
    cells = numbers(group)
    rows = 1 + max(r for r, _ in cells)
    cols = 1 + max(c for _, c in cells)
    return [[cells.get((r, c), "") for c in range(cols)] for r in range(rows)]


def marked(group, kind):
    """The cells marked ``kind`` ("outline", "padding", "dimmed") as (row, col)."""
    return {
        tuple(int(i) for i in e.get(f"data-{kind}").split(","))
        for e in group.iter()
        if e.get(f"data-{kind}")
    }


def matrix(group):
    """The cell numbers of a grid panel as a float array: blank is NaN, "−∞" -inf.

    Its size is the one the panel's label ends with ("output 4x4"), else the
    extent of the cells that hold a number.
    """
    cells = numbers(group)
    size = re.search(r"(\d+)x(\d+)$", group.get("aria-label") or "")
    if size:
        rows, cols = (int(n) for n in size.groups())
    else:
        rows, cols = (1 + max(rc[k] for rc in cells) for k in (0, 1))
    values = np.full((rows, cols), np.nan)
    for (r, c), text in cells.items():
        values[r, c] = float(text.replace("\u2212", "-").replace("\u221e", "inf"))
    return values


def shown_frames(root, seconds):
    """The frames of a moving SVG (images/*-animated.svg) visible ``seconds`` in."""
    shown = []
    for group in root.iter(SVG + "g"):
        if group.get("data-frame") is None:
            continue
        animate = group.find(SVG + "animate")
        if animate is None:
            shown.append(int(group.get("data-frame")))
            continue
        assert animate.get("calcMode") == "discrete"
        assert animate.get("repeatCount") == "indefinite"
        duration = float(animate.get("dur").rstrip("s"))
        t = (seconds % duration) / duration
        keys = [float(k) for k in animate.get("keyTimes").split(";")]
        values = animate.get("values").split(";")
        # calcMode="discrete": a value holds from its key time to the next.
        if [v for k, v in zip(keys, values, strict=True) if k <= t][-1] == "visible":
            shown.append(int(group.get("data-frame")))
    return shown


def explains(error, call, *words):
    """``call()`` raises ``error`` whose message holds each of ``words``."""
    with pytest.raises(error) as info:
        call()
    for word in words:
        assert word in str(info.value), (word, str(info.value))
