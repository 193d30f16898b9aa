"""The common frame of every explorer: controls in, one redrawn picture out."""

import contextlib
import gc
import html
import math
import os

import ipywidgets as widgets
from IPython import get_ipython

from .animation import Animation
from .i18n import tr
from .picture import wide_characters
from .shapes import ShapeError

# Set by the course's site build (scripts/build_site.py): an explorer's display
# then also carries its moving picture, for a web page where nothing can run.
MOTION_VARIABLE = "D2LCONV_MOTION"
MOTION_MIME = "application/vnd.d2lconv.motion+xml"


def int_slider(
    value, low, high, description, *, label_width="110px", continuous_update=False
):
    """An integer slider for an explorer's controls (by default, redraw on release)."""
    return widgets.IntSlider(
        value=value,
        min=low,
        max=high,
        description=description,
        continuous_update=continuous_update,
        style={"description_width": label_width},
    )


def choices(pairs):
    """Options of a dropdown or toggle from ``(English label, value)`` pairs.

    The labels (marked with ``N_``) are shown in the reader's language; the
    values are the English keys the code uses. When every label shown is its
    value (English labels that are the values) the options are just the values.
    """
    pairs = [(tr(label), value) for label, value in pairs]
    if all(label == value for label, value in pairs):
        return [value for _, value in pairs]
    return pairs


def explanation_text(err):
    """The message of a ValueError in the reader's language.

    A ``shapes.ShapeError`` carries its English template and values and
    translates itself; any other error is its English ``str()``.
    """
    return err.translated() if isinstance(err, ShapeError) else str(err)


# About how wide, in pixels, a description's characters are (13px font), and
# the room around them.
_WIDE_PX, _NARROW_PX, _LABEL_PAD_PX = 13, 7.5, 12


def fit_description(control):
    """Widen ``control``'s description box so that a Chinese one is not cut off.

    English descriptions (plain ASCII) are left as they are; the box keeps its
    width when the text fits (``"initial"`` fits any text).
    """
    text = getattr(control, "description", "") or ""
    style = getattr(control, "style", None)
    if text.isascii() or style is None or isinstance(control, widgets.Checkbox):
        return
    width = getattr(style, "description_width", None)
    if width is None or width == "initial":
        return
    wide = wide_characters(text)
    needed = wide * _WIDE_PX + (len(text) - wide) * _NARROW_PX + _LABEL_PAD_PX
    current = float(width[:-2]) if width.endswith("px") else 80.0  # the default
    if needed > current:
        style.description_width = f"{math.ceil(needed)}px"


def explanation_html(text):
    """A plain-language explanation in place of a picture."""
    return (
        '<div style="padding:8px;border-left:4px solid #d62728;'
        'background:#fff5f5;white-space:pre-wrap;font-family:monospace">'
        f"{html.escape(text)}</div>"
    )


@contextlib.contextmanager
def _no_cycle_collection():
    """Pause Python's cycle collector while a picture is built.

    A picture is thousands of short-lived objects; with the collector on, they
    now and then start a full collection of the kernel's heap (about 100 ms
    with torch loaded) in the middle of a redraw. Freed by reference counting,
    they leave nothing for the collector when it resumes.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Explorer:
    """Link ipywidgets controls to a drawing function.

    Subclasses build ``controls`` (name -> ipywidgets control) and implement
    ``draw(**values)``, which returns a ``Picture`` or raises ``ValueError``
    whose message explains why the combination has no picture. The picture's
    SVG is the value of an ``ipywidgets.HTML``, so its numbers are text in the
    page (ipywidgets 7 and 8, no ipympl).

    ``picture`` is what is shown (None during an explanation), ``svg`` its
    HTML text and ``message`` the explanation ("" while a picture is shown).
    An explorer whose picture moves (a window sweeping, a training run) also
    implements ``frames()``; ``animation()`` turns them into an ``Animation``.
    """

    # How long an animation shows each frame, and its last one, in ms.
    FRAME_MS = 700
    LAST_FRAME_MS = 1800

    def __init__(self, controls, layout=None):
        self.controls = dict(controls)
        self.picture = None
        self.message = ""
        self._held = 0
        self.view = widgets.HTML()
        self.explanation = widgets.HTML(layout=widgets.Layout(display="none"))
        # Catches anything a redraw prints or raises, in the notebook.
        self.output = widgets.Output()
        panel = (
            layout if layout is not None else widgets.VBox(list(self.controls.values()))
        )
        self.widget = widgets.VBox([panel, self.explanation, self.view, self.output])
        # Names for the page (browser tests, a course's own CSS).
        self.widget.add_class("d2lconv-explorer")
        self.view.add_class("d2lconv-picture")
        self.explanation.add_class("d2lconv-explanation")
        for control in self.controls.values():
            fit_description(control)
            control.observe(self._on_change, names="value")
        self.redraw()

    @property
    def svg(self):
        """The HTML of the picture shown ("" during an explanation)."""
        return self.view.value if self.picture is not None else ""

    def values(self):
        """The current value of every control, by name."""
        return {name: c.value for name, c in self.controls.items()}

    def draw(self, **values):
        """Return the Picture for these control values (subclasses implement)."""
        raise NotImplementedError

    def frames(self):
        """The pictures of the current state in motion, in order ([]: none move)."""
        return []

    def animation(self):
        """The current state in motion as an ``Animation``, or None (nothing moves)."""
        with _no_cycle_collection():
            try:
                frames = self.frames()
            except ValueError:
                frames = []
        if len(frames) < 2:
            return None
        title = tr(
            "{title}: {count} steps, looping",
            title=frames[0].title or tr("picture"),
            count=len(frames),
        )
        return Animation(
            frames,
            duration=self.FRAME_MS,
            last_duration=self.LAST_FRAME_MS,
            title=title,
        )

    def redraw(self):
        """Draw the current state, or explain why there is nothing to draw."""
        with self.output if get_ipython() is not None else contextlib.nullcontext():
            with _no_cycle_collection():
                self._redraw()

    def _redraw(self):
        try:
            picture = self.draw(**self.values())
        except ValueError as err:
            self.show_explanation(explanation_text(err))
            return
        self.show(picture)

    def show(self, picture):
        """Put ``picture`` (a Picture) in the view."""
        self.picture = picture
        self.message = ""
        self.view.value = picture.svg
        self.explanation.value = ""
        self.explanation.layout.display = "none"
        self.view.layout.display = None

    def show_explanation(self, text):
        """Replace the picture by a plain-language explanation."""
        self.picture = None
        self.message = text
        self.explanation.value = explanation_html(text)
        self.explanation.layout.display = None
        self.view.layout.display = "none"

    def fit_slider(self, name, count):
        """Let the slider ``name`` pick one of ``count`` cells, 0 to count - 1."""
        slider = self.controls[name]
        self._held += 1
        try:
            slider.value = min(slider.value, count - 1)
            slider.max = count - 1
        finally:
            self._held -= 1

    @contextlib.contextmanager
    def hold(self):
        """Change several controls (ranges, values) and redraw once at the end."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
        if not self._held:
            self.redraw()

    def _on_change(self, change):
        if not self._held:
            self.redraw()

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The widget, and the current picture as HTML for pages without widgets."""
        widget = self.widget
        if hasattr(widget, "_repr_mimebundle_"):  # ipywidgets 8
            bundle = dict(widget._repr_mimebundle_())
        else:  # ipywidgets 7: what its _ipython_display_ sends
            bundle = {
                "text/plain": repr(widget)[:110],
                "application/vnd.jupyter.widget-view+json": {
                    "version_major": 2,
                    "version_minor": 0,
                    "model_id": widget._model_id,
                },
            }
        shown = self.svg or explanation_html(self.message)
        bundle["text/html"] = shown
        if os.environ.get(MOTION_VARIABLE) and self.picture is not None:
            moving = self.animation()
            if moving is not None:
                bundle[MOTION_MIME] = moving.svg
        return bundle
