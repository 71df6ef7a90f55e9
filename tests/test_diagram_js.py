"""diagram.js in Debian's Chromium: its forward pass against PyTorch, its redraw against diagram.py's SVG.

The page is a static document set with page.set_content: diagram.js inline and an SVG from diagram.py.
"""

import random

import pytest
import torch

from browsing import needs_chromium
from lstm_demo import COMPANY_A, COMPANY_B, load_model, new_model
from lstm_demo.diagram import draw, draw_companies, script
from lstm_demo.explain import explain_step
from lstm_demo.explore import SWITCHES, playground_model
from lstm_demo.messages import say, template
from lstm_demo.models import CraftLSTM, craft_parameters
from lstm_demo.strip import BAR_W, draw_strip
from lstm_demo.svg import window_days
from lstm_demo.values import step_values, trace_arrays

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


def test_a_long_sequence_keeps_day_1_in_the_window_as_python_draws_it(page):
    model = load_model("craft")
    sequence = [round(0.5 + 0.5 * ((k * 7) % 11) / 11, 3) for k in range(30)]
    weights = craft_parameters(model)
    load(page, draw(model, sequence, 1))
    for step in (15, 14, 2, 30):
        page.evaluate(
            "([w, seq, step]) => LSTMDiagram.update(document.querySelector('svg'), w, [LSTMDiagram.forward(w, seq)], step)",
            [weights, sequence, step],
        )
        assert [list(x) for x in page.evaluate(drawn_texts())] == python_texts(draw(model, sequence, step))
        days = page.evaluate(
            "() => Array.from(document.querySelectorAll('g.slot [data-field=input]')).map(e => Number(e.getAttribute('data-step')))"
        )
        assert days[0] == 1 and step in days  # day 1 is always drawn, and the day asked for
        gap = page.evaluate("() => !document.querySelector('[data-ellipsis=gap]').classList.contains('is-hidden')")
        assert gap == (days[1] > 2)  # an honest gap between day 1 and the window
    assert page.evaluate("([l, s, w]) => LSTMDiagram.windowDays(l, s, w)", [30, 15, 5]) == window_days(30, 15, 5)
    for length, step, window in [(1, 1, 5), (4, 4, 5), (6, 6, 5), (6, 1, 5), (50, 25, 9), (50, 50, 4), (3, 2, 1)]:
        js = page.evaluate("([l, s, w]) => LSTMDiagram.windowDays(l, s, w)", [length, step, window])
        assert js == window_days(length, step, window), (length, step, window)


def test_js_gradients_equal_autograd(page):
    load(page, draw(load_model("craft"), [1.0]))
    rng = random.Random(7)
    cases = []
    for _ in range(30):
        # float32 weights: the model holds them so, and the browser gets the same numbers.
        weights = {name: torch.tensor(rng.uniform(-3, 3)).item() for name in CraftLSTM.PARAMETER_NAMES}
        sequence = [rng.uniform(-1, 1) for _ in range(rng.randint(1, 12))]
        switches = rng.choice([[], [], ["forget=0"], ["input=0"], ["output=1"], ["forget=1"]])
        cases.append({"w": weights, "x": sequence, "y": rng.choice([0.0, 1.0]), "s": switches})
    got = page.evaluate("cases => cases.map(c => LSTMDiagram.gradients(c.w, c.x, c.y, c.s))", cases)
    worst = 0.0
    for case, grads in zip(cases, got):
        model = playground_model(case["w"], case["s"]).double()
        loss = (model(torch.tensor(case["x"], dtype=torch.float64)) - case["y"]) ** 2
        loss.backward()
        for name in CraftLSTM.PARAMETER_NAMES:
            grad = getattr(model, name).grad  # None: a forced gate's parameters do not reach the loss
            expected = 0.0 if grad is None else grad.item()
            worst = max(worst, abs(grads[name] - expected) / max(1.0, abs(expected)))
    assert worst < 1e-9, worst


def test_js_equations_and_sentences_read_as_pythons(page):
    """The gate panel's and the stage cards' text, made in the browser, is explain.py's, character for
    character; a catalogue template filled by LSTMDiagram.format is the one `say` fills."""
    model = load_model("craft")
    load(page, draw(model, [1.0]))
    weights = craft_parameters(model)
    for sequence in (list(COMPANY_A.sequence), list(COMPANY_B.sequence), [0.3, -0.7, 2.0]):
        for day in range(1, len(sequence) + 1):
            got = page.evaluate(
                "([w, x, d]) => LSTMDiagram.stageEquations(w, LSTMDiagram.forward(w, x), d)", [weights, sequence, day]
            )
            expected = [stage["equations"] for stage in explain_step(model, sequence, day)]
            assert got == expected
    cases = [
        ("stage.sentence.1", {"forget": 0.9628, "c_prev": "0.4982", "kept": "0.4797"}),
        ("retrain.running", {"epoch": 1234, "epochs": 5000, "loss": 0.000123456, "a": 0.1, "b": 0.9, "rate": 9876.5}),
        ("gate.loss", {"prediction": "0.9693", "label": 1.0, "loss": 0.00094249}),
        ("story.step_of", {"step": 2, "count": 7}),
        ("lottery.done", {"converged": 761, "inits": 1000, "share": 0.761, "threshold": 0.001, "epochs": 500,
                          "rate": 0.1, "seed_loss": 3.1e-05, "rank": 0.452, "seconds": 1.13, "device": "cpu",
                          "speed": 441782.2}),
    ]  # fmt: skip
    for key, params in cases:
        for language in ("en", "zh"):
            got = page.evaluate("([t, p]) => LSTMDiagram.format(t, p)", [template(key, language), params])
            assert got == say(key, language, **params), (key, language)


def test_the_strip_redraws_as_python_fills_it(page):
    model, other = load_model("craft"), new_model("craft", seed=5)
    sequences = {"Company A": list(COMPANY_A.sequence), "Company B": [1.0] + [0.0] * 11}
    names = list(sequences)

    def traces(m):
        return [trace_arrays(step_values(m, v)) for v in sequences.values()]

    load(page, draw_strip(sequences, 1, names=names, traces=traces(model)))
    weights = craft_parameters(other)
    for step in (1, 7, 12):
        page.evaluate(
            "([w, seqs, step]) => LSTMDiagram.update(document.querySelector('svg'), w, seqs.map(s => LSTMDiagram.forward(w, s)), step)",
            [weights, list(sequences.values()), step],
        )
        assert [list(x) for x in page.evaluate(drawn_texts())] == python_texts(
            draw_strip(sequences, step, names=names, traces=traces(other))
        )
        bars = page.evaluate(
            "() => Array.from(document.querySelectorAll('[data-bar]')).map(b => Number(b.getAttribute('width')))"
        )
        assert max(bars) == pytest.approx(BAR_W)  # the largest |C| fills its bar
