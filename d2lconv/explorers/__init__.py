"""The explorers: anywidgets whose settings are traits and whose front end, a
plain ES module (``core.js``, then ``sweep.js``, ...), builds the controls and
redraws the picture in the page, with no message to Python. Python computes
what needs PyTorch (random inputs from a seed, a training run) and sends it.
Displayed, an explorer also carries its picture as SVG, drawn in Python by the
``draw_*`` functions, for pages that run no JavaScript (GitHub, nbviewer).
"""

import functools
import html
import json
import re
from pathlib import Path

import anywidget
import traitlets
from IPython.display import display

from .. import i18n
from .._validate import check_int_range
from ..picture import palette
from ..sweep import TOPICS

HERE = Path(__file__).resolve().parent
# The texts an ES module shows: the literal of each tr("...") or N_("...").
TR_CALL = re.compile(r'\b(?:tr|N_)\("((?:[^"\\]|\\.)*)"')


@functools.cache
def module(name):
    """The ES module of the explorer ``name``: core.js, then ``name``.js."""
    return "\n".join((HERE / f).read_text("utf-8") for f in ("core.js", f"{name}.js"))


def chosen_topics(controls, starts):
    """The topics of ``controls`` in TOPICS order, checked; ``starts`` maps a
    topic to ``(value given, whether it is not the default)``: a start away
    from the default needs that topic's sliders."""
    controls = (controls,) if isinstance(controls, str) else controls
    for c in controls:
        if c not in TOPICS:
            shown = ", ".join(map(repr, TOPICS))
            raise ValueError(f"controls must name topics among {shown}, got {c!r}")
    for topic, (value, changed) in starts.items():
        if changed and topic not in controls:
            raise ValueError(
                f"{topic}={value!r} needs the {topic} sliders: pass "
                f"controls=({topic!r},) (or {topic}'s default)"
            )
    return [t for t in TOPICS if t in controls]


def check_settings(settings, ranges=(), options=()):
    """``settings`` (name -> value) checked against what the controls offer: an
    int from low to high for a name of ``ranges`` (name -> (low, high)), one of
    ``options[name]``, else True or False. A ValueError or TypeError names the
    setting, its value and the rule."""
    for name, value in settings.items():
        if name in ranges:
            settings[name] = check_int_range(value, name, *ranges[name])
        elif name in options:
            if isinstance(value, bool) or value not in options[name]:
                shown = ", ".join(map(repr, options[name]))
                raise ValueError(f"{name} must be one of {shown}, got {value!r}")
        elif not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, got {value!r}")
    return settings


class Explorer(anywidget.AnyWidget):
    """The frame every explorer shares: language, colours, and the static picture.

    A subclass sets ``_esm = module(NAME)``, ``PALETTES`` (its colour maps) and
    its traits, and implements ``picture()`` (a ValueError explains why there
    is none). ``answered`` counts the requests Python has answered (the page
    says when a kernel is missing). With ``pools`` (random integers drawn by
    PyTorch), a new ``seed`` sends ``_pools(seed)``.
    """

    text = traitlets.Dict().tag(sync=True)
    language = traitlets.Unicode("en").tag(sync=True)
    palettes = traitlets.Dict().tag(sync=True)
    answered = traitlets.Int(0).tag(sync=True)
    NAME = ""
    PALETTES = ()

    def __init__(self, **traits):
        language, found = i18n.language(), TR_CALL.findall(module(self.NAME))
        texts = sorted({json.loads(f'"{s}"') for s in found})  # the literals' texts
        shown = {} if language == "en" else {t: i18n.tr(t) for t in texts}
        colours = {c: [a.tolist() for a in palette(c)] for c in self.PALETTES}
        super().__init__(text=shown, language=language, palettes=colours, **traits)

    @traitlets.observe("seed")
    def _new_seed(self, change):
        if self.has_trait("pools"):
            self.pools = self._pools(change["new"])
            self.answered += 1

    def _shown(self):
        """``(svg, "")`` of the current settings, or ``("", explanation)``."""
        try:
            return self.picture().svg, ""
        except ValueError as err:
            return "", err.translated() if hasattr(err, "translated") else str(err)

    @property
    def svg(self):
        """The SVG of the current picture ("" when the settings have none)."""
        return self._shown()[0]

    @property
    def message(self):
        """The explanation shown instead of a picture ("" when there is one)."""
        return self._shown()[1]

    def _repr_mimebundle_(self, **kwargs):
        data, metadata = super()._repr_mimebundle_(**kwargs)
        svg, message = self._shown()
        data["text/html"] = svg or (
            '<div style="padding:8px;border-left:4px solid #d62728;'
            'background:#fff5f5;white-space:pre-wrap;font-family:monospace">'
            f"{html.escape(message)}</div>"
        )
        return data, metadata

    def _ipython_display_(self, **kwargs):
        # ipywidgets 7 (Colab) displays widgets through this method, not the
        # mime bundle: send the same bundle, the static picture included.
        data, metadata = self._repr_mimebundle_()
        display(data, metadata=metadata, raw=True)
        if hasattr(self, "_handle_displayed"):
            self._handle_displayed(**kwargs)
