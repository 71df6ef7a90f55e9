"""The story beside the drawing: seven steps whose sentences are catalogue templates filled from the
trace of the weights shown. Checked here against numbers computed in the test from the model itself
(its float64 trace and forward, and the playground's cell with the forget gate forced), for the two
pretrained models, a trained one, and weights built so that a step's usual claim is false."""

import copy
import math
import re
import string
import subprocess
import sys

import pytest
import torch

from lstm_demo import COMPANIES, load_model, train
from lstm_demo.explore import SWITCHES, playground_model
from lstm_demo.lottery import population_predictions
from lstm_demo.messages import MESSAGES, template
from lstm_demo.models import CraftLSTM, craft_parameters
from lstm_demo.story import PARTS, story
from lstm_demo.values import MINUS, step_values

LANGUAGES = ("en", "zh")
CJK = re.compile(r"[\u4e00-\u9fff]")
# A number as the story prints it: a sign only as '+' or U+2212, decimals, maybe a percent sign.
NUMBER = rf"[+{MINUS}]?\d+(?:\.\d+)?%?"
# What a template's own words may not hold: a decimal, a percentage, a number of two digits, or a
# digit that is no day of the four (0, 5-9). Days ("day 1", "第 2、3 天") are words of the story.
TYPED_NUMBER = re.compile(r"\d*[.,]\d|\d\s*%|\d{2,}|[05-9]")
E_NOTATION = re.compile(r"\d[eE][+\-\u2212]?\d")
HALF_WIDTH = re.compile(r"[\u4e00-\u9fff] ?[,:;()]|[,:;()] ?[\u4e00-\u9fff]")

# The brief's seven steps: key, day, stage, focus, parts lit, switches.
LAYOUT = [
    ("puzzle", 1, 0, None, {"x"}, ()),
    ("day1", 1, 2, None, {"input", "candidate", "added", "c"}, ()),
    ("forget", 2, 1, 1, {"forget", "kept", "c"}, ()),
    ("feedback", 3, 2, 1, {"h", "h-feedback", "input", "candidate", "c"}, ()),
    ("output", 4, 3, None, {"output", "tanh", "prediction"}, ()),
    ("break", 4, 1, None, {"forget", "c", "prediction"}, ("forget=0",)),
    ("why", 4, 0, 1, {"c"}, ()),
]
TRACE_FIELD = {
    "x": "input", "F": "forget_gate", "I": "input_gate", "Cand": "candidate", "O": "output_gate",
    "C": "long_memory", "H": "short_memory",
}  # fmt: skip


def hand_built(**values: float) -> CraftLSTM:
    """A hand-built cell with the given parameters, every other one 0."""
    return playground_model({name: values.get(name, 0.0) for name in CraftLSTM.PARAMETER_NAMES})


def with_weights(model, **changes: float) -> CraftLSTM:
    """The model's weights as a hand-built cell, some of them changed."""
    return playground_model({**craft_parameters(model), **changes})


def remembers_through_h() -> CraftLSTM:
    """The first random hand-built cell (seed 0) that tells A from B clearly (A below 0.25, B above 0.75)
    and keeps more than half of its gap with the forget gate forced to 0: it carries day 1 by H."""
    rows = 3 * torch.randn(12, 5000, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    inputs = torch.tensor([c.sequence for c in COMPANIES], dtype=torch.float64)
    a, b = population_predictions(rows, inputs).T  # every draw at once, to pick the candidates
    for member in torch.nonzero((a < 0.25) & (b > 0.75)).flatten().tolist():
        weights = dict(zip(CraftLSTM.PARAMETER_NAMES, rows[:, member].tolist()))
        a_off, b_off = (forward64(playground_model(weights, ["forget=0"]), list(c.sequence)) for c in COMPANIES)
        if abs(b_off - a_off) >= abs(b[member] - a[member]) / 2:
            return playground_model(weights)
    pytest.fail("no such weights among 5000 draws")


@pytest.fixture(scope="module")
def models():
    craft = load_model("craft")
    return {
        "craft": craft,
        "builtin": load_model("builtin"),
        "trained": train("craft", "fast", seed=3).model,  # converges in well under 100 epochs
        # All zero: C~ = tanh(0) = 0, so no memory is ever written; every gate is one half.
        "zero": hand_built(),
        # A forget bias of -10: F = sigmoid(-10 + ...) is tiny on every day.
        "shut": with_weights(craft, b_f=-10.0),
        # No weight on the input anywhere: day 1 is the same for A and B, whatever the rest does.
        "blind": with_weights(craft, w_xf=0.0, w_xi=0.0, w_xc=0.0, w_xo=0.0),
        "through_h": remembers_through_h(),
    }


ALL = ["craft", "builtin", "trained", "zero", "shut", "blind", "through_h"]


def forward64(model, sequence) -> float:
    """The model's own forward pass (not its trace) in float64."""
    with torch.no_grad():
        return float(copy.deepcopy(model).double()(torch.tensor(sequence, dtype=torch.float64)))


def expected(model, name: str) -> float:
    """The story's number `name`, computed here from the model: trace rows, forward passes, the data."""
    rows = {letter: step_values(model, list(c.sequence)) for letter, c in zip("AB", COMPANIES)}
    sequence = {letter: list(c.sequence) for letter, c in zip("AB", COMPANIES)}
    broken = playground_model(craft_parameters(model), ["forget=0"])
    if match := re.fullmatch(r"(\w+?)_([AB])(\d)", name):
        symbol, letter, day = match[1], match[2], int(match[3])
        row, before = rows[letter][day - 1], rows[letter][day - 2]["long_memory"] if day > 1 else 0.0
        products = {
            "kept": row["forget_gate"] * before,
            "added": row["input_gate"] * row["candidate"],
            "tanhC": math.tanh(row["long_memory"]),
        }
        return products[symbol] if symbol in products else row[TRACE_FIELD[symbol]]
    later = [row["forget_gate"] for row in rows["B"][1:]]
    prediction = {letter: forward64(model, sequence[letter]) for letter in "AB"}
    broken_prediction = {letter: forward64(broken, sequence[letter]) for letter in "AB"}
    return {
        "C_0": 0.0,
        "label_A": COMPANIES[0].label,
        "label_B": COMPANIES[1].label,
        "pred_A": prediction["A"],
        "pred_B": prediction["B"],
        "off_A": broken_prediction["A"],
        "off_B": broken_prediction["B"],
        "F_off": SWITCHES["forget=0"][1],
        "F_B_min": min(later),
        "keep_B": later[0] * later[1] * later[2],
        "gap": prediction["B"] - prediction["A"],
        "gap_off": broken_prediction["B"] - broken_prediction["A"],
    }[name]


def fields(key: str, language: str) -> list[tuple[str, str | None]]:
    """A template as (its own words, the placeholder after them) pairs."""
    return [(literal, field) for literal, field, _, _ in string.Formatter().parse(template(key, language))]


def pattern(key: str, language: str) -> str:
    """A regular expression for a template's text: its own words as they are, each placeholder a number."""
    return "".join(re.escape(literal) + (f"({NUMBER})" if field else "") for literal, field in fields(key, language))


def template_of(step, language: str) -> str:
    """The one catalogue key of the step whose template, its placeholders read as numbers, is the text.

    Fails when the text matches no template of its step (a number typed in, an ASCII minus) or two.
    """
    base = f"story.{step.key}.text"
    keys = [k for k in MESSAGES if k == base or k.startswith(base + ".")]
    found = [key for key in keys if re.fullmatch(pattern(key, language), step.text)]
    assert len(found) == 1, f"{step.key} ({language}): {step.text!r} matches {found}"
    return found[0]


def shown(step, language: str) -> list[tuple[str, str]]:
    """Each placeholder of the step's text, in order, as printed: ('C_B1', '+0.498'), ('keep_B', '93%')."""
    key = template_of(step, language)
    names = [field for _, field in fields(key, language) if field]
    return list(zip(names, re.fullmatch(pattern(key, language), step.text).groups()))


def equal_to_the_digits_shown(printed: str, value: float) -> bool:
    """'+0.498' shows 0.4982 to its 3 decimals; '96%' shows 0.9602; the sign must be the value's."""
    percent = printed.endswith("%")
    number = float(printed.rstrip("%").replace(MINUS, "-"))
    digits = len(printed.rstrip("%").partition(".")[2])
    return abs(number - value * (100 if percent else 1)) <= 0.5 * 10**-digits + 1e-12


def story_templates():
    return [key for key in MESSAGES if key.startswith("story.")]


def test_the_story_has_seven_steps_in_order_each_moving_the_drawing(models):
    steps = story(models["craft"])
    assert [(s.key, s.day, s.stage, s.focus, set(s.parts), s.switches) for s in steps] == LAYOUT
    for step in steps:
        assert set(step.parts) <= set(PARTS) and len(step.parts) == len(set(step.parts))
        assert set(step.switches) <= set(SWITCHES)
        assert 1 <= step.day <= len(COMPANIES[1].sequence) and step.stage in (0, 1, 2, 3)


@pytest.mark.parametrize("name", ALL)
def test_every_number_is_the_models_own(models, name):
    model = models[name]
    for step in story(model):
        assert step.numbers, step.key
        for number, value in step.numbers.items():
            assert isinstance(value, float)
            assert value == pytest.approx(expected(model, number), abs=1e-9), f"{step.key}: {number}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ALL)
def test_the_text_prints_its_numbers_to_the_digits_shown(models, name, language):
    for step in story(models[name], language):
        printed = shown(step, language)
        assert {name for name, _ in printed} == set(step.numbers), step.key  # every number shown, no more
        for number, text in printed:
            assert equal_to_the_digits_shown(text, step.numbers[number]), f"{step.key}: {number} = {text}"
            assert len(text.rstrip("%").partition(".")[2]) <= 3, f"{step.key}: {number} = {text}: too many digits"


def test_no_template_types_a_number_into_its_words():
    typed = {}
    for key in story_templates():
        for language in LANGUAGES:
            words = "".join(literal for literal, _ in fields(key, language))
            if TYPED_NUMBER.search(words):
                typed[f"{key} ({language})"] = TYPED_NUMBER.findall(words)
    assert typed == {}


def test_the_typed_number_check_catches_typed_numbers():
    for typed in ("keeps 96% of it", "predicts 0.969", "predict 0 for A", "about 12 days", "0,5"):
        assert TYPED_NUMBER.search(typed), typed
    for words in ("On day 1", "days 2 to 4", "第 2、3 天", "F₂ × F₃ × F₄", "C₀ = "):
        assert not TYPED_NUMBER.search(words), words


@pytest.mark.parametrize("name", ["craft", "builtin"])
def test_the_pretrained_models_tell_the_usual_story(models, name):
    for language in LANGUAGES:
        assert [template_of(s, language) for s in story(models[name], language)] == [
            f"story.{key}.text" for key, *_ in LAYOUT
        ]


def test_breaking_the_forget_gate_brings_the_pretrained_predictions_together(models):
    # The numbers for the hand-built cell: B falls to about 0.52, A rises to about 0.23.
    step = next(s for s in story(models["craft"]) if s.key == "break")
    assert step.numbers["off_B"] == pytest.approx(0.52, abs=0.01)
    assert step.numbers["off_A"] == pytest.approx(0.23, abs=0.01)
    assert abs(step.numbers["gap_off"]) < abs(step.numbers["gap"]) / 2


def used(model, language="en") -> dict[str, str]:
    return {step.key: template_of(step, language) for step in story(model, language)}


def test_weights_that_do_nothing_say_so_instead_of_telling_the_story(models):
    for language in LANGUAGES:
        assert used(models["zero"], language) == {
            "puzzle": "story.puzzle.text.not_apart",
            "day1": "story.day1.text.alike",
            "forget": "story.forget.text.forgets",
            "feedback": "story.feedback.text.same_h",
            "output": "story.output.text",
            "break": "story.break.text.apart",
            "why": "story.why.text.lost",
        }


def test_a_closed_forget_gate_is_said_to_forget(models):
    steps = {step.key: step for step in story(models["shut"])}
    assert steps["forget"].numbers["F_B_min"] < 0.01
    assert used(models["shut"])["forget"] == "story.forget.text.forgets"
    assert used(models["shut"])["why"] == "story.why.text.lost"
    # Day 2 keeps almost nothing of B's memory, so it shrinks; H still sets B's gates apart from A's.
    assert steps["feedback"].numbers["C_B2"] < steps["feedback"].numbers["C_B1"]
    assert used(models["shut"])["feedback"] == "story.feedback.text.no_growth"


def test_weights_that_remember_through_h_alone_are_not_said_to_come_together(models):
    assert used(models["through_h"])["puzzle"] == "story.puzzle.text"
    assert used(models["through_h"])["break"] == "story.break.text.apart"


def test_weights_blind_to_the_input_are_said_to_write_and_predict_alike(models):
    steps = {step.key: step for step in story(models["blind"])}
    assert steps["day1"].numbers["C_B1"] == steps["day1"].numbers["C_A1"]
    assert used(models["blind"])["day1"] == "story.day1.text.alike"
    # Nothing later tells them apart either: the same prediction, and the puzzle says so.
    assert steps["puzzle"].numbers["pred_A"] == steps["puzzle"].numbers["pred_B"]
    assert used(models["blind"])["puzzle"] == "story.puzzle.text.not_apart"
    # Nor is H: nothing on days 2-3 sets their gates apart, and the story does not say it does.
    assert steps["feedback"].numbers["H_B1"] == steps["feedback"].numbers["H_A1"]
    assert used(models["blind"])["feedback"] == "story.feedback.text.same_h"


@pytest.mark.parametrize("name", ALL)
def test_both_languages_tell_every_step(models, name):
    english, chinese = story(models[name], "en"), story(models[name], "zh")
    for en, zh in zip(english, chinese):
        assert (en.key, en.numbers) == (zh.key, zh.numbers)
        assert not CJK.search(en.title + en.text)
        assert CJK.search(zh.title) and CJK.search(zh.text)
        assert not HALF_WIDTH.search(zh.title + zh.text), zh.text


def test_no_text_uses_e_notation(models):
    # Tiny and huge values: a closed forget gate (F ~ 2e-9), a closed output gate, saturated gates.
    extreme = [
        with_weights(models["craft"], b_f=-20.0),
        with_weights(models["craft"], b_f=20.0, b_o=-20.0),
        hand_built(w_xc=40.0, b_c=-30.0, b_i=20.0, b_f=15.0, b_o=-12.0),
        *models.values(),
    ]
    for model in extreme:
        for language in LANGUAGES:
            for step in story(model, language):
                assert not E_NOTATION.search(step.title + step.text), step.text
                assert "e-" not in step.text and "e+" not in step.text


def test_the_page_has_its_words_around_the_story():
    for key in ("heading", "next", "back", "restart", "step_of", "hint", "hint.touch"):
        assert f"story.{key}" in MESSAGES
    assert template("story.step_of", "en").format(step=2, count=7) == "Step 2 of 7"


def test_the_story_needs_neither_gradio_nor_lightning():
    code = "import sys, lstm_demo.story; print(sorted({'gradio', 'lightning'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
