"""The drawn cell (lstm_demo/diagram.py): parsed as XML, every number checked against the model's own trace."""

import math
import xml.etree.ElementTree as ET

import pytest
import torch

import lstm_demo
from lstm_demo import COMPANY_A, COMPANY_B, load_file, load_model, save_model, to_builtin
from lstm_demo.diagram import draw, draw_companies
from lstm_demo.explain import explain_step, gate_gradients
from lstm_demo.messages import say
from lstm_demo.values import FIELDS, GATES, VALUE_DIGITS, WEIGHT_DIGITS, edge_width, fmt, parse_number
from lstm_demo.models import craft_parameters

NS = "{http://www.w3.org/2000/svg}"
COMPANIES = {"Company A": list(COMPANY_A.sequence), "Company B": list(COMPANY_B.sequence)}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def expected_fields(model, sequence) -> list[dict[str, float]]:
    """The model's own trace (in its own dtype), with the values the drawing adds computed here."""
    with torch.no_grad():
        rows = model.trace(torch.tensor(sequence)).rows()
    c = h = 0.0
    for row in rows:
        row.update(long_memory_prev=c, short_memory_prev=h, kept=row["forget_gate"] * c)
        row.update(added=row["input_gate"] * row["candidate"], tanh_long=math.tanh(row["long_memory"]))
        c, h = row["long_memory"], row["short_memory"]
    return rows


def assert_numbers_match(root, model, sequences: list[list[float]]) -> int:
    """Every data-field text equals the trace, every data-weight text the weight, to the printed precision."""
    checked = 0
    traces = [expected_fields(model, s) for s in sequences]
    # The trace is float32 for a float32 model: allow half a printed unit plus float32 noise.
    tolerance = 0.5 * 10**-VALUE_DIGITS + 1e-5
    for el in root.iter():
        if "data-field" in el.attrib:
            seq, step = int(el.get("data-seq")), int(el.get("data-step"))
            expected = traces[seq][step - 1][el.get("data-field")]
            assert abs(parse_number(el.text) - expected) <= tolerance, (el.attrib, el.text, expected)
            checked += 1
    weights = craft_parameters(model)
    for el in root.iter():
        if "data-weight" in el.attrib:
            assert el.text == fmt(weights[el.get("data-weight")], WEIGHT_DIGITS)
            assert abs(parse_number(el.text) - weights[el.get("data-weight")]) <= 0.5 * 10**-WEIGHT_DIGITS
            checked += 1
        if "data-edge" in el.attrib:
            w = weights[el.get("data-edge")]
            assert ("neg" if w < 0 else "pos") in el.get("class").split()
            assert el.get("style") == f"stroke-width: {edge_width(w)}px"
    return checked


def gate_values(root, seq: int) -> dict[str, str]:
    cell = root.find(f".//{NS}g[@class='cell'][@data-seq='{seq}']")
    return {el.get("data-field"): el.text for el in cell.iter() if "data-field" in el.attrib}


@pytest.mark.parametrize("kind", ["craft", "builtin"])
@pytest.mark.parametrize("step", [1, 3, 4])
def test_pretrained_numbers_equal_the_trace(kind, step):
    model = load_model(kind)
    root = parse(draw(model, COMPANIES, step))
    assert assert_numbers_match(root, model, list(COMPANIES.values())) >= 2 * (len(FIELDS) + 3 * 3 + 1) + 2 * 12
    # The expanded cell shows the chosen step, in both rows.
    for seq in (0, 1):
        cell = root.find(f".//{NS}g[@class='cell'][@data-seq='{seq}']")
        assert {el.get("data-step") for el in cell.iter() if "data-field" in el.attrib} == {str(step)}
        assert set(gate_values(root, seq)) == set(FIELDS)


def test_day_one_difference_is_drawn_at_every_step():
    """Company A's and Company B's memories differ at every step: the drawing shows it."""
    root = parse(draw_companies(load_model("craft"), step=4))
    for step in range(1, 5):
        a = root.find(f".//{NS}text[@data-field='long_memory'][@data-seq='0'][@data-step='{step}']").text
        b = root.find(f".//{NS}text[@data-field='long_memory'][@data-seq='1'][@data-step='{step}']").text
        assert a != b
    predictions = [parse_number(root.find(f".//{NS}text[@class='val pred'][@data-seq='{s}']").text) for s in (0, 1)]
    assert predictions[0] < 0.1 < 0.9 < predictions[1]


def test_trained_model_is_drawn_from_its_own_weights():
    model = lstm_demo.train("craft", "fast").model
    root = parse(draw(model, COMPANIES, 2, source="trained (fast)"))
    assert_numbers_match(root, model, list(COMPANIES.values()))
    assert "trained (fast)" in "".join(root.itertext())


def test_uploaded_safetensors_model_is_drawn(tmp_path):
    """A model saved to a real safetensors file and loaded back (as an upload is) draws its own numbers."""
    original = lstm_demo.new_model("builtin", seed=7)
    save_model(original, tmp_path / "upload")
    model = load_file(tmp_path / "upload" / "model.safetensors")
    assert model.kind == "builtin"
    root = parse(draw(model, [0.3, -1.5, 2.0], 2, source="uploaded: model.safetensors"))
    assert_numbers_match(root, model, [[0.3, -1.5, 2.0]])
    text = "".join(root.itertext())
    assert "b_ih + b_hh" in text and "uploaded: model.safetensors" in text


def test_builtin_drawing_says_its_biases_are_folded_and_craft_does_not():
    builtin_text = "".join(parse(draw_companies(load_model("builtin"))).itertext())
    craft_text = "".join(parse(draw_companies(load_model("craft"))).itertext())
    assert say("diagram.folded") in builtin_text and "16" in builtin_text
    assert say("diagram.folded") not in craft_text


def test_builtin_folded_bias_is_the_sum_of_its_two_biases():
    model = load_model("builtin")
    root = parse(draw_companies(model))
    lstm = model.lstm
    drawn = parse_number(root.find(f".//{NS}text[@data-weight='b_f']").text)
    assert abs(drawn - float((lstm.bias_ih_l0[1] + lstm.bias_hh_l0[1]).detach())) <= 0.005  # nn.LSTM order i, f, g, o


def test_title_description_and_focusable_gates():
    root = parse(draw_companies(load_model("craft")))
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title.text and len(desc.text) > 100
    assert set(root.get("aria-labelledby").split()) == {title.get("id"), desc.get("id")}
    gates = [el for el in root.iter() if "data-gate" in el.attrib]
    assert len(gates) == 8  # four per company
    for gate in gates:
        assert gate.get("tabindex") == "0" and gate.get("role") == "button"
        value = gate_values(root, int(gate.get("data-seq")))[
            f"{gate.get('data-gate')}_gate".replace("candidate_gate", "candidate")
        ]
        assert value in gate.get("aria-label")
    # Nothing from elsewhere: no images, links, scripts or web fonts.
    for el in root.iter():
        assert el.tag.removeprefix(NS) not in ("image", "script", "a", "foreignObject")
        assert not any(k.endswith("href") for k in el.attrib)
    assert "@import" not in ET.tostring(root, encoding="unicode") and "url(http" not in ET.tostring(
        root, encoding="unicode"
    )


def test_chinese_drawing_has_no_english_words_left():
    root = parse(draw_companies(load_model("craft"), step=2, language="zh", names="statquest"))
    text = "\n".join(t for t in root.itertext())
    for stage in [say(f"diagram.stages.{k}", "zh") for k in (1, 2, 3)]:
        assert stage in text
    assert "公司 A" in text and "第 2 天" in text and "预训练" in text
    for english in (
        *(say(f"diagram.stages.{k}") for k in (1, 2, 3)),
        "Day",
        "Company",
        "prediction",
        "weights",
        "remember",
        "% long-term",
    ):
        assert english not in text
    # Full-width punctuation in Chinese sentences.
    for line in (say("diagram.legend_lines", "zh"), say("diagram.legend_numbers", "zh"), say("diagram.folded", "zh")):
        assert not set(",:;()") & set(line.replace("b_ih", "")), line
    assert "\uff0c" in say("diagram.legend_lines", "zh") and "\uff08" in say("diagram.folded", "zh")
    assert root.get("lang") == "zh-CN"


def test_statquest_and_equation_names_switch():
    model = load_model("craft")
    statquest = "".join(parse(draw_companies(model, names="statquest")).itertext())
    equations = "".join(parse(draw_companies(model, names="equations")).itertext())
    assert "% long-term" in statquest and "% potential memory" in statquest and "% short-term" in statquest
    assert "% long-term" not in equations


def test_a_long_sequence_keeps_day_1_then_an_honest_gap_then_a_window_around_the_day():
    model = load_model("craft")
    sequence = [math.sin(k / 3) for k in range(50)]
    root = parse(draw(model, sequence, 25))
    row = root.find(f".//{NS}g[@class='row']")
    slots = [g for g in row.iter(f"{NS}g") if "slot" in g.get("class", "").split()]
    assert len(slots) == 5
    steps = sorted(int(t.get("data-step")) for g in slots for t in g.iter() if t.get("data-field") == "long_memory")
    assert steps == [1, 24, 25, 26, 27]  # day 1, where the memory starts, and the days around day 25
    assert [g.get("class").split() for g in slots].count(["slot", "is-current"]) == 1
    marks = {t.get("data-ellipsis"): "is-hidden" in t.get("class") for t in row.iter() if "data-ellipsis" in t.attrib}
    assert marks == {"gap": False, "after": False}  # days 2-23 and 28-50 are left out, and it says so
    assert "after-gap" in slots[1].get("class")  # the C line into the window is drawn broken
    assert_numbers_match(root, model, [sequence])
    # At the start the window follows day 1 with no gap; at the end nothing is left out after it.
    first = parse(draw(model, sequence, 1)).find(f".//{NS}text[@data-ellipsis='gap']")
    assert "is-hidden" in first.get("class")
    last = parse(draw(model, sequence, 50)).find(f".//{NS}text[@data-ellipsis='after']")
    assert "is-hidden" in last.get("class")


def test_structure_does_not_depend_on_the_values():
    """Same layout, other weights: the same elements and attributes apart from texts, classes and widths."""
    a = parse(draw_companies(load_model("craft"), step=2))
    b = parse(draw_companies(lstm_demo.new_model("craft", seed=3), step=2))

    def skeleton(root):
        return [
            (el.tag, {k: v for k, v in el.attrib.items() if k not in ("class", "style", "aria-label")})
            for el in root.iter()
            if el.tag not in (f"{NS}desc",)
        ]

    assert skeleton(a) == skeleton(b)


def test_company_b_is_drawn_below_company_a():
    root = parse(draw_companies(load_model("craft")))
    rows = [g for g in root.iter(f"{NS}g") if g.get("class") == "row"]
    ys = [float(g.get("transform").split()[-1].rstrip(")")) for g in rows]
    assert [g.get("data-seq") for g in rows] == ["0", "1"] and ys[1] > ys[0] + 300


def test_single_layout_for_phones_is_one_cell_per_row_and_narrow():
    root = parse(draw_companies(load_model("craft"), step=3, layout="single"))
    assert float(root.get("viewBox").split()[2]) <= 390
    assert not [g for g in root.iter(f"{NS}g") if "slot" in g.get("class", "").split()]
    assert len([g for g in root.iter(f"{NS}g") if g.get("class") == "cell"]) == 2


def test_text_is_at_least_11px_and_text_colours_meet_wcag_aa():
    import re

    from lstm_demo.diagram import SVG_CSS

    sizes = [float(s) for s in re.findall(r"font-size:([\d.]+)px", SVG_CSS)]
    assert min(sizes) >= 11
    # Text fills in the CSS against white (the drawing's paper) and the lightest stage tint.
    fills = set(
        re.findall(
            r"\.(?:wt\.pos|wt\.neg|note|legend|subtitle|act|gname|bias-name|ellipsis)[^{]*\{[^}]*fill:(#[0-9A-Fa-f]{6})",
            SVG_CSS,
        )
    )

    def luminance(hex_colour):
        rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    tint = "#E3F3EE"  # rgba(0,158,115,.09) over white, the darkest of the three tints
    assert len(fills) >= 4
    for colour in fills:
        for paper in ("#FFFFFF", tint):
            ratio = (luminance(paper) + 0.05) / (luminance(colour) + 0.05)
            assert ratio >= 4.5, (colour, paper, ratio)


def test_fmt_rounds_like_python_and_prints_minus_signs():
    assert fmt(-0.19372, 2) == "\u22120.19" and fmt(-0.00001, 4) == "0.0000" and fmt(0.125, 2) == "0.12"
    assert fmt(0.375, 2) == "0.38" and fmt(2.0, 4) == "2.0000"


def test_explanation_has_three_stages_with_proper_signs():
    stages = explain_step(load_model("craft"), list(COMPANY_B.sequence), 1)
    assert [s["stage"] for s in stages] == [1, 2, 3]
    text = " ".join(e for s in stages for e in s["equations"])
    assert "+ −" not in text and "+ -" not in text and "−" in text
    assert "(−" in text  # a negative weight in a product is bracketed
    rows = lstm_demo.load_model("craft").trace(torch.tensor(COMPANY_B.sequence)).rows()
    assert stages[2]["equations"][-1].endswith(fmt(rows[0]["short_memory"], VALUE_DIGITS))
    zh = explain_step(load_model("craft"), list(COMPANY_B.sequence), 1, language="zh")
    assert zh[0]["title"] == "忘记什么" and "。" in zh[0]["sentence"]


def finite_difference(model, sequence, label, name, eps=1e-6):
    craft = lstm_demo.to_craft(model) if model.kind == "builtin" else model
    base = craft_parameters(craft)

    def loss(value):
        params = dict(base, **{name: value})
        cell = lstm_demo.CraftLSTM().double()
        with torch.no_grad():
            for key, v in params.items():
                getattr(cell, key).fill_(v)
            return (float(cell(torch.tensor(sequence, dtype=torch.float64))) - label) ** 2

    return (loss(base[name] + eps) - loss(base[name] - eps)) / (2 * eps)


@pytest.mark.parametrize("kind", ["craft", "builtin"])
def test_gate_gradients_equal_finite_differences(kind):
    model = lstm_demo.new_model(kind, seed=11)
    sequence = list(COMPANY_B.sequence)
    grads = gate_gradients(model, sequence, None)  # the label of Company B, 1
    assert set(grads) == set(GATES)
    for gate, params in grads.items():
        assert len(params) == 3
        for name, g in params.items():
            assert abs(g - finite_difference(model, sequence, 1.0, name)) < 1e-6, (gate, name)


def test_gate_gradients_equal_nn_lstm_autograd():
    """The library is the oracle: the same loss through torch.nn.LSTM, float64, gradients by autograd."""
    craft = lstm_demo.new_model("craft", seed=5)
    builtin = to_builtin(craft).double()
    sequence = [0.2, -0.7, 1.3, 0.5, 0.9]
    prediction = builtin(torch.tensor(sequence, dtype=torch.float64))
    ((prediction - 0.25) ** 2).backward()
    lstm = builtin.lstm
    grads = gate_gradients(craft, sequence, 0.25)
    for k, gate in enumerate(("input", "forget", "candidate", "output")):  # nn.LSTM's order
        key = gate[0] if gate != "candidate" else "c"
        assert abs(grads[gate][f"w_x{key}"] - float(lstm.weight_ih_l0.grad[k, 0])) < 1e-10
        assert abs(grads[gate][f"w_h{key}"] - float(lstm.weight_hh_l0.grad[k, 0])) < 1e-10
        assert abs(grads[gate][f"b_{key}"] - float(lstm.bias_ih_l0.grad[k])) < 1e-10


def test_gate_gradients_are_none_without_a_label_and_leave_the_model_alone():
    model = load_model("craft")
    before = craft_parameters(model)
    assert gate_gradients(model, [0.3, 0.3], None) is None
    assert gate_gradients(model, list(COMPANY_A.sequence)) is not None
    assert craft_parameters(model) == before and model.w_xf.grad is None


# -- outside the page: the /diagram endpoint and the command line ----------------------------------------


def drawn_gate_values(root, seq: int) -> dict[str, float]:
    return {k: parse_number(v) for k, v in gate_values(root, seq).items()}


def test_diagram_endpoint_returns_the_pretrained_cell_as_svg(client):
    svg = client.predict("1, 0.5, 0.25, 1", "builtin", 3, api_name="/diagram")
    root = parse(svg)
    # A company's sequence is drawn with the other company above it, at the step asked for.
    model = load_model("builtin")
    assert assert_numbers_match(root, model, list(COMPANIES.values())) > 0
    assert root.get("data-step") == "3" and root.get("lang") == "en"
    assert say("diagram.folded") in "".join(root.itertext())
    # Any other sequence alone, the last step by default.
    root = parse(client.predict("0.3, -1.5, 2", "craft", None, api_name="/diagram"))
    assert root.get("data-step") == "3" and len([g for g in root.iter(f"{NS}g") if g.get("class") == "row"]) == 1
    assert_numbers_match(root, load_model("craft"), [[0.3, -1.5, 2.0]])


def test_diagram_endpoint_follows_accept_language(app_server):
    from gradio_client import Client

    chinese = Client(app_server[0], verbose=False, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    root = parse(chinese.predict("0, 0.5, 0.25, 1", "craft", 2, api_name="/diagram"))
    assert root.get("lang") == "zh-CN" and "公司 A" in "".join(root.itertext())


@pytest.mark.parametrize(
    "sequence, model, step, sentence",
    [
        ("1, x", "craft", 1, "not a number"),
        ("1, 2", "lstm", 1, "lstm"),
        ("1, 2", "craft", 3, "step must be a whole number from 1 to 2"),
        ("1, 2", "craft", 1.5, "step must be a whole number"),
    ],
)
def test_diagram_endpoint_refuses_bad_input_with_one_sentence(client, sequence, model, step, sentence):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as refused:
        client.predict(sequence, model, step, api_name="/diagram")
    message = str(refused.value)
    assert sentence in message and "\n" not in message.strip() and "Traceback" not in message


def test_cli_diagram_writes_the_svg(tmp_path, capsys):
    from conftest import run_cli

    from lstm_demo.cli import main

    done = run_cli("diagram", "--model", "craft", "--step", "3", "1, 0.5, 0.25, 1")
    assert done.returncode == 0, done.stderr
    root = parse(done.stdout)
    assert root.get("data-step") == "3"
    assert assert_numbers_match(root, load_model("craft"), list(COMPANIES.values())) > 0
    # The same command in this process (a fresh one costs seconds of imports): Chinese, StatQuest's
    # names, and weights from a folder as save_model writes it.
    model = lstm_demo.new_model("builtin", seed=3)
    save_model(model, tmp_path / "mine")
    argv = ["diagram", "--model", "builtin", "--weights", str(tmp_path / "mine"), "--language", "zh"]
    assert main([*argv, "--names", "statquest", "0.2", "-0.4"]) == 0
    root = parse(capsys.readouterr().out)
    text = "".join(root.itertext())
    assert root.get("lang") == "zh-CN" and say("diagram.names.forget.1", "zh") in text
    assert_numbers_match(root, load_file(tmp_path / "mine" / "model.safetensors"), [[0.2, -0.4]])
    # A step past the end: one line on stderr, nothing on stdout, status 2.
    assert main(["diagram", "--model", "craft", "--step", "5", "1, 2"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.strip() == "error: --step must be between 1 and 2."
