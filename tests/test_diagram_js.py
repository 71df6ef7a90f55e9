"""diagram.js in Debian's Chromium: its forward pass against PyTorch, its redraw against diagram.py's SVG.

The page is a static document set with page.set_content: diagram.js inline and an SVG from diagram.py.
"""

import json
import random

import pytest
import torch

from browsing import needs_chromium
from lstm_demo import COMPANY_A, COMPANY_B, load_model, new_model
from lstm_demo.diagram import draw, draw_companies, script
from lstm_demo.explore import SWITCHES, playground_model
from lstm_demo.models import CraftLSTM, craft_parameters

pytestmark = needs_chromium


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests = []
    page.on("request", lambda r: page.requests.append(r.url))
    yield page
    context.close()


def load(page, svg: str) -> None:
    # set_content loads about:blank with this HTML; any request the page made would be recorded.
    page.set_content(f"<!doctype html><html><body>{svg}<script>{script()}</script></body></html>")
    page.wait_for_function("typeof window.LSTMDiagram === 'object'", timeout=30_000)


def drawn_texts(root_selector="svg") -> str:
    """JS that returns every numeric node as [key, text] pairs, in document order."""
    return f"""() => Array.from(document.querySelector('{root_selector}').querySelectorAll(
        '[data-field],[data-weight],[data-template]')).map(el => [
        [el.getAttribute('data-field') || el.getAttribute('data-weight') || 'template',
         el.getAttribute('data-seq'), el.getAttribute('data-step')].join('/'), el.textContent])"""


def python_texts(svg: str) -> list[list[str]]:
    import xml.etree.ElementTree as ET

    out = []
    for el in ET.fromstring(svg).iter():
        if {"data-field", "data-weight", "data-template"} & set(el.attrib):
            key = el.get("data-field") or el.get("data-weight") or "template"
            out.append(["/".join([key, el.get("data-seq") or "", el.get("data-step") or ""]), el.text])
    return out


def test_js_forward_pass_equals_pytorch_on_random_weights_and_sequences(page):
    load(page, draw_companies(load_model("craft")))
    rng = random.Random(2026)
    cases = []
    for k in range(50):
        weights = {name: rng.uniform(-4, 4) for name in CraftLSTM.PARAMETER_NAMES}
        sequence = [rng.uniform(-2, 2) for _ in range(rng.randint(1, 20))]
        switches = rng.choice([[], [], ["forget=1"], ["forget=0"], ["input=0"], ["output=1"], ["forget=1", "output=1"]])
        cases.append({"weights": weights, "sequence": sequence, "switches": switches})
    results = page.evaluate("cases => cases.map(c => LSTMDiagram.forward(c.weights, c.sequence, c.switches))", cases)
    fields = ["input", "forget_gate", "input_gate", "candidate", "output_gate", "long_memory", "short_memory"]
    worst = 0.0
    for case, got in zip(cases, results):
        model = playground_model(case["weights"], case["switches"]).double()
        with torch.no_grad():
            trace = model.trace(torch.tensor(case["sequence"], dtype=torch.float64))
        for field in fields:
            expected = getattr(trace, field).tolist()
            worst = max(worst, max(abs(a - b) for a, b in zip(got[field], expected)))
    assert worst < 1e-6, worst
    assert set(SWITCHES) == set(page.evaluate("Object.keys(LSTMDiagram.SWITCHES)"))
    assert page.requests == []


def test_js_fmt_prints_as_python_does(page):
    load(page, draw(load_model("craft"), [1.0]))
    values = [0.125, 0.375, -0.125, 2.5e-5, -0.00004, 0.015, 1.005, -3.14159, 0.0, -0.0, 123.456789, 0.99995]
    from lstm_demo.values import fmt

    for digits in (2, 4):
        got = page.evaluate("([v, d]) => v.map(x => LSTMDiagram.fmt(x, d))", [values, digits])
        assert got == [fmt(v, digits) for v in values]


@pytest.mark.parametrize("layout", ["unrolled", "single"])
def test_update_redraws_the_same_numbers_as_python(page, layout):
    """Start from the pretrained drawing; update() with other weights and another step in the browser must
    print exactly what diagram.py prints for those weights and that step."""
    pretrained = load_model("craft")
    load(page, draw_companies(pretrained, step=4, layout=layout))
    other = new_model("craft", seed=9)
    weights = craft_parameters(other)
    sequences = [list(COMPANY_A.sequence), list(COMPANY_B.sequence)]
    page.evaluate(
        """([w, seqs, step]) => {
            const svg = document.querySelector('svg');
            LSTMDiagram.update(svg, w, seqs.map(s => LSTMDiagram.forward(w, s)), step);
        }""",
        [weights, sequences, 2],
    )
    expected = python_texts(draw_companies(other, step=2, layout=layout))
    got = page.evaluate(drawn_texts())
    assert [list(x) for x in got] == expected
    # Edge widths and signs follow the weights.
    edges = page.evaluate(
        "() => Array.from(document.querySelectorAll('[data-edge]')).map(e => [e.getAttribute('data-edge'), "
        "e.style.strokeWidth, e.classList.contains('neg')])"
    )
    from lstm_demo.values import edge_width

    for name, width, negative in edges:
        assert float(width.removesuffix("px")) == pytest.approx(edge_width(weights[name]))
        assert negative == (weights[name] < 0)
    assert page.requests == []


def test_stepping_moves_the_window_on_a_long_sequence(page):
    model = load_model("craft")
    sequence = [round(0.5 + 0.5 * ((k * 7) % 11) / 11, 3) for k in range(30)]
    load(page, draw(model, sequence, 1))
    weights = craft_parameters(model)
    page.evaluate(
        """([w, seq]) => {
            const svg = document.querySelector('svg');
            window.stepper = LSTMDiagram.stepper(svg, {weights: w, traces: [LSTMDiagram.forward(w, seq)]});
            svg.setAttribute('tabindex', '0');
            svg.focus();
        }""",
        [weights, sequence],
    )
    for _ in range(14):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("window.stepper.step === 15", timeout=30_000)
    got = page.evaluate(drawn_texts())
    assert [list(x) for x in got] == python_texts(draw(model, sequence, 15))
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("window.stepper.step === 14", timeout=30_000)
    assert [list(x) for x in page.evaluate(drawn_texts())] == python_texts(draw(model, sequence, 14))
    hidden = page.evaluate(
        "() => Array.from(document.querySelectorAll('[data-ellipsis]')).map(e => e.classList.contains('is-hidden'))"
    )
    assert hidden == [False, False]


def test_clicking_a_gate_reports_it(page):
    load(page, draw_companies(load_model("craft"), step=3))
    page.evaluate(
        "() => LSTMDiagram.onGate(document.querySelector('svg'), (g, s, t) => { window.picked = [g, s, t]; })"
    )
    page.locator("[data-gate='output'][data-seq='1']").click()
    page.wait_for_function("window.picked !== undefined", timeout=30_000)
    assert page.evaluate("window.picked") == ["output", 1, 3]
    page.locator("[data-gate='forget'][data-seq='0']").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("window.picked[0] === 'forget'", timeout=30_000)
    assert json.dumps(page.evaluate("window.picked")) == json.dumps(["forget", 0, 3])
