"""Words and formulas for one step of a trace: what the Inside tab shows beside the numbers."""

from __future__ import annotations

from .diagram import MINUS, _bias, _term, value_text
from .messages import say

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
