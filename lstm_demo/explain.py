"""Words and formulas for one step of a trace: what the page shows beside the drawing and the numbers,
and the gradient of the loss with respect to a gate's parameters (what a click on a gate explains)."""

from __future__ import annotations

import copy
import math

import torch

from .data import known_label
from .messages import LANGUAGES, say
from .models import CraftLSTM, LSTMModel, craft_parameters, to_craft
from .values import (
    FIELDS,
    GATE_FIELD,
    GATE_KEY,
    GATES,
    MINUS,
    VALUE_DIGITS,
    fmt,
    step_values,
    value_text,
    with_products,
)

# The six equations of the seed's section 1, in LaTeX, in the order the cell computes them.
EQUATIONS = (
    r"F_t = \sigma(X_t W_{xf} + H_{t-1} W_{hf} + b_f)",
    r"I_t = \sigma(X_t W_{xi} + H_{t-1} W_{hi} + b_i)",
    r"\tilde{C}_t = \tanh(X_t W_{xc} + H_{t-1} W_{hc} + b_c)",
    r"O_t = \sigma(X_t W_{xo} + H_{t-1} W_{ho} + b_o)",
    r"C_t = F_t \odot C_{t-1} + I_t \odot \tilde{C}_t",
    r"H_t = O_t \odot \tanh(C_t)",
)


def step_sentence(row: dict, language: str = "en") -> str:
    """One sentence saying what the gates did at this step (row: a Trace.rows() entry)."""
    return say(
        "step.sentence",
        language,
        step=int(row["step"]),
        x=row["input"],
        forget=row["forget_gate"],
        input=row["input_gate"],
        candidate=row["candidate"],
        output=row["output_gate"],
        c=row["long_memory"],
        h=row["short_memory"],
    )


def _latex(text: str) -> str:
    """The drawing's plain-text numbers ("0.5 · (−0.19)", "− 0.32") as LaTeX: KaTeX sets '-' as a minus."""
    return text.replace("·", r"\cdot").replace(MINUS, "-")


def step_equations(row: dict, previous: dict | None, weights: dict[str, float]) -> str:
    """The six equations with this step's numbers filled in, as display LaTeX (one block each).

    `weights` maps the hand-built cell's parameter names (w_xf, w_hf, b_f, ...) to values; for the
    built-in model they are its weights in that layout (its two biases summed). Signs are printed as
    the drawing prints them (diagram.py's formatter): "1 · (−0.194)", "− 0.322", never "+ −0.322".
    """
    x = row["input"]
    h_prev = previous["short_memory"] if previous else 0.0
    c_prev = previous["long_memory"] if previous else 0.0
    w = weights

    def gate(name: str, symbol: str, fn: str, key: str) -> str:
        terms = f"{_term(x, w[f'w_x{key}'], True)} {_term(h_prev, w[f'w_h{key}'], False)} {_bias(w[f'b_{key}'])}"
        return rf"{symbol} = {fn}({_latex(terms)}) = {_latex(value_text(row[name]))}"

    kept = _term(row["forget_gate"], c_prev, True)
    added = _term(row["input_gate"], row["candidate"], False)
    output = _term(row["output_gate"], row["long_memory"], True).replace(" · ", r" · \tanh(", 1)
    lines = [
        gate("forget_gate", "F_t", r"\sigma", "f"),
        gate("input_gate", "I_t", r"\sigma", "i"),
        gate("candidate", r"\tilde{C}_t", r"\tanh", "c"),
        gate("output_gate", "O_t", r"\sigma", "o"),
        rf"C_t = {_latex(kept)} {_latex(added)} = {_latex(value_text(row['long_memory']))}",
        rf"H_t = {_latex(output)}) = {_latex(value_text(row['short_memory']))}",
    ]
    return "\n\n".join(f"$${line}$$" for line in lines)


def equations_markdown() -> str:
    return "\n\n".join(f"$${e}$$" for e in EQUATIONS)


def _term(a: float, b: float, first: bool) -> str:
    """'a · b' inside a sum, signs printed properly: '0.5 · (−0.19)'; a negative first factor leads."""
    fa, fb = _plain(a), _plain(b)
    fb = f"({fb})" if b < 0 and fb.startswith(MINUS) else fb
    if first:
        return f"{fa} · {fb}"
    if fa.startswith(MINUS):
        return f"− {fa[1:]} · {fb}"
    return f"+ {fa} · {fb}"


def _plain(x: float, digits: int = VALUE_DIGITS) -> str:
    """Short numbers for equations: at most `digits` decimals, trailing zeros dropped."""
    text = fmt(x, digits)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("", MINUS) else "0"


def _bias(b: float) -> str:
    text = _plain(b)
    return f"− {text[1:]}" if text.startswith(MINUS) else f"+ {text}"


def explain_step(model: LSTMModel, sequence: list[float], step: int, language: str = "en") -> list[dict]:
    """The three stages of one step, in order: stage number, title, a sentence, equations with numbers.

    Plain text with proper signs ("0.5 · (−0.19)", "− 0.32"), for the text beside the drawing.
    """
    rows = step_values(model, sequence)
    if not 1 <= step <= len(rows):
        raise ValueError(f"step must be between 1 and {len(rows)}")
    return _explain(rows[step - 1], craft_parameters(model), language)


def explain_steps(
    model: LSTMModel, rows: list[dict[str, float]], steps: range | None = None, language: str = "en"
) -> list[list[dict]]:
    """explain_step for many steps of one trace at once (rows: Trace.rows() of the sequence drawn)."""
    full, w = with_products(rows), craft_parameters(model)
    return [_explain(full[s - 1], w, language) for s in (steps or range(1, len(full) + 1))]


def _explain(r: dict[str, float], w: dict[str, float], language: str) -> list[dict]:
    language = language if language in LANGUAGES else "en"
    x, h_prev = r["input"], r["short_memory_prev"]

    def gate(gate: str, head: str, fn: str) -> str:
        k = GATE_KEY[gate]
        terms = f"{_term(x, w[f'w_x{k}'], True)} {_term(h_prev, w[f'w_h{k}'], False)} {_bias(w[f'b_{k}'])}"
        return (
            f"{head} = {fn}(X_t · w_x{k} + H_t−1 · w_h{k} + b_{k}) = {fn}({terms}) = {value_text(r[GATE_FIELD[gate]])}"
        )

    v = {key: value_text(r[key]) for key in FIELDS}
    equations = (
        [
            gate("forget", "F_t", "σ"),
            f"F_t · C_t−1 = {_term(r['forget_gate'], r['long_memory_prev'], True)} = {v['kept']}",
        ],
        [
            gate("input", "I_t", "σ"),
            gate("candidate", "C̃_t", "tanh"),
            f"C_t = F_t · C_t−1 + I_t · C̃_t = {v['kept']} {_bias(r['added'])} = {v['long_memory']}",
        ],
        [
            gate("output", "O_t", "σ"),
            f"H_t = O_t · tanh(C_t) = {_term(r['output_gate'], math.tanh(r['long_memory']), True)} "
            f"= {v['short_memory']}",
        ],
    )  # fmt: skip
    fills = dict(
        forget=r["forget_gate"], input=r["input_gate"], output=r["output_gate"], c_prev=v["long_memory_prev"],
        kept=v["kept"], candidate=v["candidate"], c=v["long_memory"], h=v["short_memory"],
    )  # fmt: skip
    return [
        {
            "stage": k + 1,
            "title": say(f"diagram.stages.{k + 1}", language),
            "sentence": say(f"stage.sentence.{k + 1}", language, **fills),
            "equations": equations[k],
        }
        for k in range(3)
    ]


def gate_gradients(
    model: LSTMModel, sequence: list[float], label: float | None = None
) -> dict[str, dict[str, float]] | None:
    """d(loss)/d(parameter) for each gate's three parameters, loss = (prediction - label)^2.

    Autograd on a float64 hand-built copy of the model (the builtin model's biases folded), so the
    caller's model is untouched. label None: the label of a known company, or None when there is none
    (the page says so).
    """
    if label is None:
        label = known_label(sequence)
        if label is None:
            return None
    craft = copy.deepcopy(model) if isinstance(model, CraftLSTM) else to_craft(model)  # type: ignore[arg-type]
    craft = craft.double()
    craft.zero_grad(set_to_none=True)
    prediction = craft(torch.tensor([float(v) for v in sequence], dtype=torch.float64))
    loss = (prediction - float(label)) ** 2
    loss.backward()
    return {
        gate: {
            name: float(getattr(craft, name).grad)
            for name in (f"w_x{GATE_KEY[gate]}", f"w_h{GATE_KEY[gate]}", f"b_{GATE_KEY[gate]}")
        }
        for gate in GATES
    }
