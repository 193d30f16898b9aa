"""An explorer on a plain page in Chromium: its ES module and its saved state.

No JupyterLab and no kernel: the page is what the course website serves (the
module, then ``mount(element, state)``). Tests move the controls through their
names (the settings they change) and read what the picture shows.
"""

import json
import re

from svg_checks import parse

# Each SVG text under ``selector`` as [px high on screen, text]: its font size
# times its picture's drawn width over its own (a picture shrunk to fit its
# column shrinks its numbers); texts of hidden pictures aside.
TEXT_SIZES = """(selector) => [...document.querySelectorAll(selector)].map(t => {
        let svg = t.ownerSVGElement;
        while (svg.ownerSVGElement) svg = svg.ownerSVGElement;
        return [t, svg, svg.getBoundingClientRect().width];
    }).filter(([t, svg, shown]) => t.textContent.trim() && shown)
    .map(([t, svg, shown]) => [parseFloat(getComputedStyle(t).fontSize) * shown
        / (svg.viewBox.baseVal?.width || svg.width.baseVal.value), t.textContent])"""

PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<div id="explorer"></div>
<script type="module">
{module}
// mount(element, state), as the website does, with the model kept: a test
// plays the kernel and answers a request with new traits (window.answer).
const model = pageModel({state});
render({{ model, el: document.getElementById("explorer") }});
window.answer = (traits) => {{
  for (const [name, value] of Object.entries(traits)) model.set(name, value);
}};
// Set each control named (the setting it changes) as a student does: the
// value, then the event the page hears.
window.setControls = (values) => {{
  for (const [name, value] of values) {{
    const found = document.querySelectorAll(`#explorer [name="${{name}}"]`);
    if (found.length !== 1) throw new Error(`${{found.length}} named ${{name}}`);
    const input = found[0];
    if (input.type === "checkbox") input.checked = value;
    else input.value = String(value);
    const event = input.type === "range" ? "input" : "change";
    input.dispatchEvent(new Event(event, {{ bubbles: true }}));
  }}
}};
window.d2lconvReady = true;
</script></body></html>"""
# What the reader sees of an explorer: its explanation, or its picture.
SHOWN_BY = """(box) => {
    const note = box.querySelector(".d2lconv-explanation");
    return note && note.style.display !== "none" ? {explanation: note.textContent}
        : {svg: box.querySelector(".d2lconv-picture svg").outerHTML};
}"""


# In an ES module, a control and its label: ["name", N_("label"), ...] or
# ["name", "name"] (shown as it is) in a table, the Play slider {name: "step",
# label: N_("label")}, or core.js's slider("speed", tr("label"), ...).
CONTROL = re.compile(
    r'(?:\[|name: |slider\()"(\w+)", (?:label: )?(?:(?:N_|tr)\("([^"]*)"\)|"\1")'
)


def module_labels(module):
    """{name: English label} of every control of an ES module."""
    return {name: label or name for name, label in CONTROL.findall(module)}


def labels(page, widget, tr=lambda text: text):
    """The names of the controls, in page order; each one's visible label is
    its label in the module of ``widget``, through ``tr`` (the reader's language)."""
    english = module_labels(widget._esm)
    shown = page.evaluate("""() => [...document.querySelectorAll("#explorer label")]
      .map((l) => [document.getElementById(l.htmlFor).name, l.textContent])""")
    for name, label in shown:
        assert label == tr(english[name]), f"control {name} labelled {label!r}"
    return [name for name, _ in shown]


def control(page, name):
    """The control named ``name`` (the setting it changes), or the Play button
    (``"play"``)."""
    return page.locator(f'#explorer [name="{name}"]')


def show(page, widget):
    """``page`` showing ``widget`` from its state, as the website shows it."""
    show_saved(page, widget._esm, widget.get_state())


def show_saved(page, module, state):
    """``page`` showing an explorer from its ES module and a saved state."""
    page.set_content(PAGE.format(module=module, state=json.dumps(state)))
    page.wait_for_function("window.d2lconvReady === true")
    return page


def open_saved(browser, module, state):
    """A new page showing an explorer from its ES module and a saved state."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    return show_saved(page, module, state)


def choose_random_values(explorer):
    """Choose the first random values in the list of an explorer (a Locator):
    a seed control is enabled only with them."""
    values = explorer.locator('select[name="values"]')
    options = values.locator("option").evaluate_all("os => os.map(o => o.value)")
    values.select_option(next(o for o in options if "random" in o))


def answer(page, widget, names):
    """Send the traits ``names`` of ``widget`` to the page, as the kernel would
    answer a request (the page has no kernel)."""
    traits = json.dumps(widget.get_state(names))
    page.evaluate("(t) => window.answer(JSON.parse(t))", traits)


def set_controls(page, values):
    """Set the controls named as the keys of ``values`` (in order)."""
    page.evaluate("(v) => window.setControls(v)", list(values.items()))


def seen(page):
    """``{"svg": ...}`` or ``{"explanation": ...}``: what the explorer shows now."""
    return page.locator("#explorer").evaluate(SHOWN_BY)


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def assert_same_svg(svg, other, where):
    """Two SVG pictures with the same elements: tags, texts and attributes, the
    numbers in attributes to 0.011 (both write 5 significant digits, and the
    last one may round the other way)."""
    page, drawn = list(parse(svg).iter()), list(parse(other).iter())
    assert len(page) == len(drawn), f"{len(page)} elements, not {len(drawn)}; {where}"
    for a, b in zip(page, drawn, strict=True):
        what = f"page {a.tag} {a.attrib} {a.text!r} != Python {b.attrib} {b.text!r}"
        what += f"; {where}"
        assert (a.tag, a.text) == (b.tag, b.text), what
        assert a.attrib.keys() == b.attrib.keys(), what
        for name, value in a.items():
            x, y = NUMBER.findall(value), NUMBER.findall(b.get(name))
            assert NUMBER.sub("#", value) == NUMBER.sub("#", b.get(name)), what
            assert len(x) == len(y), what
            pairs = zip(x, y, strict=True)
            assert all(abs(float(p) - float(q)) <= 0.011 for p, q in pairs), what


def assert_same_picture(shown, python, where):
    """The page shows what Python draws for the same settings (or explains alike).

    The same picture: every panel, number, mark, line and colour of the SVG.
    """
    if "explanation" in shown:
        assert shown["explanation"] == python.message, where
        return
    assert python.svg, f"the page drew a picture, Python explains: {python.message}"
    assert_same_svg(shown["svg"], python.svg, where)
