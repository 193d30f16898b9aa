"""An explorer on a plain page in Chromium: its ES module and its saved state.

No JupyterLab and no kernel: the page is what the course website serves (the
module, then ``mount(element, state)``). Tests move the controls through their
visible labels and read what the picture shows.
"""

import json

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
window.d2lconvReady = true;
</script>
<script>
// The control whose <label> reads `label`.
function control(label) {{
  const found = [...document.querySelectorAll("#explorer label")]
    .filter((l) => l.textContent === label);
  if (found.length !== 1) throw new Error(`${{found.length}} labelled ${{label}}`);
  return document.getElementById(found[0].htmlFor);
}}
// Set a control as a student does: the value, then the event the page hears.
window.setControls = (values) => {{
  for (const [label, value] of values) {{
    const input = control(label);
    if (input.type === "checkbox") input.checked = value;
    else input.value = String(value);
    const event = input.type === "range" ? "input" : "change";
    input.dispatchEvent(new Event(event, {{ bubbles: true }}));
  }}
}};
window.controlState = (label) => {{
  const input = control(label);
  return {{ value: input.type === "checkbox" ? input.checked : input.value,
    max: input.max, disabled: input.disabled }};
}};
// What the reader sees: the explanation, or the picture's panels.
window.seen = () => {{
  const box = document.querySelector("#explorer .d2lconv-explanation");
  if (box.style.display !== "none") return {{ explanation: box.textContent }};
  const svg = document.querySelector("#explorer .d2lconv-picture svg");
  return {{ svg: svg.outerHTML }};
}};
</script></body></html>"""


def labels(page):
    """The visible label of every control, in order."""
    return page.locator("#explorer label").all_inner_texts()


def open_explorer(browser, widget):
    """A new page showing ``widget`` from its state, as the website shows it."""
    state = json.dumps(widget.get_state())
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_content(PAGE.format(module=widget._esm, state=state))
    page.wait_for_function("window.d2lconvReady === true")
    return page


def answer(page, widget, names):
    """Send the traits ``names`` of ``widget`` to the page, as the kernel would
    answer a request (the page has no kernel)."""
    traits = json.dumps(widget.get_state(names))
    page.evaluate("(t) => window.answer(JSON.parse(t))", traits)


def set_controls(page, values):
    """Set the controls labelled as the keys of ``values`` (in order)."""
    page.evaluate("(v) => window.setControls(v)", list(values.items()))


def seen(page):
    """``{"svg": ...}`` or ``{"explanation": ...}``: what the explorer shows now."""
    return page.evaluate("() => window.seen()")
