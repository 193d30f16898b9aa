"""The common frame of every explorer: controls in, one redrawn picture out."""

import contextlib
import html
import io

import ipywidgets as widgets
from IPython import get_ipython
from IPython.display import display


def figure_to_png(fig, dpi=None):
    """Render a matplotlib Figure to PNG bytes (no pyplot, no display)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


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


class Explorer:
    """Link ipywidgets controls to a drawing function.

    Subclasses build ``controls`` (name -> ipywidgets control) and implement
    ``draw(**values)``, which returns a matplotlib Figure or raises
    ``ValueError`` whose message explains why the combination has no picture.
    The picture is shown as a PNG in an ``Image`` widget inside an ``Output``
    widget, so it needs no ipympl and works in JupyterLab, VS Code and Colab.
    """

    def __init__(self, controls, layout=None):
        self.controls = dict(controls)
        self.figure = None
        self.message = ""
        self._held = 0
        self.image = widgets.Image(format="png")
        self.explanation = widgets.HTML()
        self.output = widgets.Output()
        if get_ipython() is not None:
            # Outside IPython (a script, a benchmark) there is no front end to
            # draw the widgets, and display() would print their repr instead.
            with self.output:
                display(widgets.VBox([self.explanation, self.image]))
        panel = (
            layout if layout is not None else widgets.VBox(list(self.controls.values()))
        )
        self.widget = widgets.VBox([panel, self.output])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.redraw()

    def values(self):
        """The current value of every control, by name."""
        return {name: c.value for name, c in self.controls.items()}

    def draw(self, **values):
        """Return the Figure for these control values (subclasses implement)."""
        raise NotImplementedError

    def render(self, fig):
        """Turn the Figure into PNG bytes; subclasses may cache frames."""
        return figure_to_png(fig)

    def redraw(self):
        """Draw the current state, or explain why there is nothing to draw."""
        try:
            fig = self.draw(**self.values())
        except ValueError as err:
            self.show_explanation(str(err))
            return
        self.figure = fig
        self.message = ""
        self.explanation.value = ""
        self.image.layout.display = None
        self.image.value = self.render(fig)

    def show_explanation(self, text):
        """Replace the picture by a plain-language explanation."""
        self.figure = None
        self.message = text
        self.image.layout.display = "none"
        self.explanation.value = (
            '<div style="padding:8px;border-left:4px solid #d62728;'
            'background:#fff5f5;white-space:pre-wrap;font-family:monospace">'
            f"{html.escape(text)}</div>"
        )

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

    def _ipython_display_(self):
        display(self.widget)
