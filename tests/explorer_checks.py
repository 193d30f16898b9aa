"""Checks shared by the explorer tests: a cheap picture digest, widget errors."""

import hashlib

import numpy as np
from matplotlib.collections import Collection
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.text import Text


def fingerprint(fig):
    """Bytes that change whenever anything drawn in ``fig`` changes (no PNG needed)."""
    digest = hashlib.sha1()
    # Walk the artists by hand: Figure.findobj would create every tick object.
    for ax in fig.axes:
        artists = [ax.title, *ax.texts, *ax.images, *ax.lines, *ax.collections]
        artists += [ax.get_xlim(), ax.get_ylim()]
        for artist in artists:
            if isinstance(artist, tuple):
                digest.update(np.asarray(artist, dtype=float).tobytes())
            elif not artist.get_visible():
                continue
            elif isinstance(artist, Text):
                digest.update(artist.get_text().encode())
            elif isinstance(artist, AxesImage):
                digest.update(np.ma.filled(artist.get_array(), -999.0).tobytes())
            elif isinstance(artist, Line2D):
                digest.update(np.asarray(artist.get_xydata(), dtype=float).tobytes())
            elif isinstance(artist, Collection):
                for path in artist.get_paths():
                    digest.update(path.vertices.tobytes())
    for text in fig.texts:
        digest.update(text.get_text().encode())
    return digest.digest()


def error_outputs(explorer):
    """Tracebacks or stderr text that reached the explorer's Output widget."""
    return [
        out
        for out in explorer.output.outputs
        if out.get("output_type") == "error" or out.get("name") == "stderr"
    ]
