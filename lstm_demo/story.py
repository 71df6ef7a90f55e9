"""How Company B remembers day 1: the story told beside the drawn cell, in seven steps.

Each step moves the drawing to a day and a stage, names the parts it lights up, and says one thing
in plain words. Its sentence is a catalogue template (messages.py, `story.<key>.text`) filled from
the trace of the model given (values.step_values, float64), never a sentence with a number typed
into it; where the weights do not support the usual claim, a variant of the template
(`story.<key>.text.<variant>`) says so instead. `Step.numbers` holds every number the sentence
shows, unrounded, by the names the templates use:

    x_B1, F_B2, I_A1, Cand_A2, O_B4, C_B3, H_A1   the trace of Company A or B on a day (Cand: C~)
    kept_B2, added_A1, tanhC_B4                   F_t C_{t-1}, I_t C~_t and tanh(C_t) on that day
    C_0, label_A, pred_B                          the empty memory, a label, a prediction (the last H)
    F_B_min, keep_B                               B's smallest forget gate on days 2-4, and their product
    off_A, off_B, F_off                           the predictions with the forget gate forced to F_off
    gap, gap_off                                  pred_B - pred_A, and off_B - off_A

No Gradio, no Lightning: the page, the tests and scripts all call `story(model, language)`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .data import COMPANIES
from .explore import SWITCHES, playground_model
from .messages import placeholders, say, template
from .models import LSTMModel, craft_parameters
from .values import MINUS, step_values

# What the drawing can light up: the input, the two memory lines, H's lines back into the gates, the
# four gates, the two operations on the C line, tanh(C_t) and the prediction (the last H).
PARTS = (
    "x", "c", "h", "h-feedback", "forget", "input", "candidate", "output", "kept", "added", "tanh", "prediction",
)  # fmt: skip

BREAK = "forget=0"  # the switch of the "break it" step (explore.SWITCHES)

# key: (day, stage, focus, parts, switches). Stage 0 is the whole cell, 1 forget, 2 remember, 3 output;
# focus is the company a step is about (0: A, 1: B), None where it compares both.
LAYOUT: dict[str, tuple[int, int, int | None, tuple[str, ...], tuple[str, ...]]] = {
    "puzzle": (1, 0, None, ("x",), ()),
    "day1": (1, 2, None, ("input", "candidate", "added", "c"), ()),
    "forget": (2, 1, 1, ("forget", "kept", "c"), ()),
    "feedback": (3, 2, 1, ("h", "h-feedback", "input", "candidate", "c"), ()),
    "output": (4, 3, None, ("output", "tanh", "prediction"), ()),
    "break": (4, 1, None, ("forget", "c", "prediction"), (BREAK,)),
    "why": (4, 0, 1, ("c",), ()),
}

# The variants a step falls back on where the weights do not support its usual claim (see `variant`).
VARIANTS = {
    "puzzle": ("not_apart",),
    "day1": ("alike",),
    "forget": ("forgets",),
    "feedback": ("same_h", "no_growth"),
    "break": ("apart",),
    "why": ("lost",),
}
NEARLY = 0.05  # two memories (C or H) closer than this are "nearly the same"

# The names the templates use for the trace's fields (values.FIELDS): C_B1 is B's C on day 1.
SYMBOLS = {
    "x": "input", "F": "forget_gate", "I": "input_gate", "Cand": "candidate", "O": "output_gate",
    "C": "long_memory", "H": "short_memory", "kept": "kept", "added": "added", "tanhC": "tanh_long",
}  # fmt: skip


@dataclass(frozen=True)
class Step:
    key: str  # "puzzle", "day1", "forget", "feedback", "output", "break", "why"
    day: int  # the day (1-based) the drawing moves to
    stage: int  # 0: the whole cell; 1, 2, 3: the stage the drawing highlights (1 forget, 2 remember, 3 output)
    focus: int | None  # the company the step is about (0: A, 1: B), None for both; a phone shows this one
    parts: tuple[str, ...]  # what the drawing lights up (PARTS); the rest dims
    switches: tuple[str, ...]  # gate switches the drawing applies during this step, else ()
    title: str  # a few words, in the language asked
    text: str  # one to three plain sentences, in the language asked
    numbers: dict[str, float]  # every number the text shows, by name, unrounded


class _Shown(float):
    """A number as a student reads it (values.fmt's way): the minus sign U+2212, no sign on a zero."""

    def __format__(self, spec: str) -> str:
        text = format(float(self), spec)
        if not text.strip("+-0.%"):  # prints as zero: "-0.000", "+0%"
            text = text.lstrip("+-")
        return text.replace("-", MINUS)


def story_numbers(model: LSTMModel) -> dict[str, float]:
    """Every number any step may show, by name, from the model's float64 trace of both companies."""
    broken = playground_model(craft_parameters(model), [BREAK])
    numbers: dict[str, float] = {"F_off": SWITCHES[BREAK][1]}
    rows = {}
    for letter, company in zip("AB", COMPANIES):
        rows[letter] = step_values(model, list(company.sequence))
        for row in rows[letter]:
            for symbol, field in SYMBOLS.items():
                numbers[f"{symbol}_{letter}{row['step']}"] = row[field]
        numbers[f"label_{letter}"] = company.label
        numbers[f"pred_{letter}"] = rows[letter][-1]["short_memory"]
        numbers[f"off_{letter}"] = step_values(broken, list(company.sequence))[-1]["short_memory"]
    later = [row["forget_gate"] for row in rows["B"][1:]]  # B's forget gates after day 1
    numbers["C_0"] = rows["B"][0]["long_memory_prev"]
    numbers["F_B_min"] = min(later)
    numbers["keep_B"] = math.prod(later)  # what of C_B1 reaches the last day along the C line alone
    numbers["gap"] = numbers["pred_B"] - numbers["pred_A"]
    numbers["gap_off"] = numbers["off_B"] - numbers["off_A"]
    return {name: float(value) for name, value in numbers.items()}


def variant(key: str, n: dict[str, float]) -> str | None:
    """The variant of step `key`'s sentence that the numbers `n` (story_numbers) call for; None: the usual."""
    middle = (n["label_A"] + n["label_B"]) / 2
    if key == "puzzle" and not n["pred_A"] < middle < n["pred_B"]:
        return "not_apart"  # A is not predicted below the labels' middle and B above it
    if key == "day1" and abs(n["C_B1"] - n["C_A1"]) < NEARLY:
        return "alike"  # day 1 writes nearly the same memory for both companies
    if key == "forget" and n["F_B_min"] <= 0.5:
        return "forgets"  # B's forget gate keeps half or less on one of days 2-4
    if key == "feedback" and abs(n["H_B1"] - n["H_A1"]) < NEARLY:
        return "same_h"  # day 1 leaves both nearly the same H: nothing sets their gates apart
    if key == "feedback" and not n["C_B1"] < n["C_B2"] < n["C_B3"]:
        return "no_growth"  # B's memory does not grow from day 1 to day 3
    if key == "break" and not abs(n["gap_off"]) < abs(n["gap"]) / 2:
        return "apart"  # forcing the forget gate to 0 does not halve the gap between the predictions
    if key == "why" and n["keep_B"] < 0.5:
        return "lost"  # less than half of day 1's memory survives along the C line
    return None


def text_key(key: str, n: dict[str, float]) -> str:
    """The catalogue key of step `key`'s sentence: the usual one, or the variant the numbers call for."""
    return f"story.{key}.text" + (f".{name}" if (name := variant(key, n)) else "")


def story(model: LSTMModel, language: str = "en") -> list[Step]:
    """The seven steps for this model's weights, in `language` ("en" or "zh")."""
    everything = story_numbers(model)
    steps = []
    for key, (day, stage, focus, parts, switches) in LAYOUT.items():
        sentence = text_key(key, everything)
        numbers = {name: everything[name] for name in sorted(placeholders(template(sentence)))}
        text = say(sentence, language, **{name: _Shown(value) for name, value in numbers.items()})
        title = say(f"story.{key}.title", language)
        steps.append(Step(key, day, stage, focus, parts, switches, title, text, numbers))
    return steps
