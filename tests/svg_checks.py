"""Reading an SVG picture as a user sees it: panels, their numbers, marked cells."""

import xml.etree.ElementTree as ET

import numpy as np

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    """The root element of an SVG text (fails if it is not well-formed XML)."""
    return ET.fromstring(svg)


def panel(root, label):
    """The <g> whose aria-label is ``label``, or starts with ``label`` and a space."""
    found = [
        g
        for g in root.iter(SVG + "g")
        if g.get("aria-label") == label
        or (g.get("aria-label") or "").startswith(label + " ")
    ]
    labels = [g.get("aria-label") for g in root.iter(SVG + "g")]
    assert len(found) == 1, f"{len(found)} panels labelled {label!r} in {labels}"
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
    """The cell numbers of a grid panel as a float array: "" is NaN, "−∞" is -inf."""
    words = {"": "nan", "\u2212\u221e": "-inf", "\u221e": "inf"}
    return np.array(
        [
            [float(words.get(t, t.replace("\u2212", "-"))) for t in r]
            for r in grid_numbers(group)
        ]
    )
