"""The numbers a drawing of the cell shows, and how they are printed.

Every step of a trace, plus what the drawing adds to it: the memories the step started from and the
three products (F_t C_{t-1}, I_t C~_t, tanh(C_t)). Printed as diagram.js prints them: fixed decimals,
half-to-even on exact ties (as Python does), the minus sign U+2212, no sign on a number that prints as
zero. Values (gates, memories, input, products) VALUE_DIGITS decimals; weights and biases WEIGHT_DIGITS.
"""

from __future__ import annotations

import copy
import math

import torch

from .models import LSTMModel

VALUE_DIGITS = 4
WEIGHT_DIGITS = 2
MINUS = "\u2212"
GATES = ("forget", "input", "candidate", "output")
GATE_KEY = {"forget": "f", "input": "i", "candidate": "c", "output": "o"}
GATE_FIELD = {"forget": "forget_gate", "input": "input_gate", "candidate": "candidate", "output": "output_gate"}
GATE_STAGE = {"forget": 1, "input": 2, "candidate": 2, "output": 3}
SYMBOLS = {"forget": "F", "input": "I", "candidate": "C\u0303", "output": "O"}
ACTIVATION = {"forget": "σ", "input": "σ", "candidate": "tanh", "output": "σ"}
# The values a step shows: the Trace's six, the memories it started from, and the three products.
FIELDS = (
    "input", "forget_gate", "input_gate", "candidate", "output_gate", "long_memory", "short_memory",
    "long_memory_prev", "short_memory_prev", "kept", "added", "tanh_long",
)  # fmt: skip


def fmt(x: float, digits: int) -> str:
    """A number as drawn: fixed decimals, U+2212 for minus, no sign on a zero (diagram.js: fmt)."""
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("∞" if x > 0 else MINUS + "∞")
    text = f"{abs(x):.{digits}f}"
    return MINUS + text if x < 0 and text.strip("0.") else text


def value_text(x: float) -> str:
    return fmt(x, VALUE_DIGITS)


def weight_text(x: float) -> str:
    return fmt(x, WEIGHT_DIGITS)


def edge_width(w: float) -> float:
    """Stroke width of an edge, growing with |w| (diagram.js: edgeWidth)."""
    return round(min(8.0, 1.0 + 1.5 * abs(w)), 2) if math.isfinite(w) else 1.0


def parse_number(text: str) -> float:
    """The inverse of fmt for tests and scripts: U+2212 back to '-'."""
    return float(text.replace(MINUS, "-"))


def step_values(model: LSTMModel, sequence: list[float]) -> list[dict[str, float]]:
    """One dict per step with every FIELDS value, computed in float64 from the model's own trace.

    float64 so that the browser's forward pass (JavaScript numbers are float64) prints the same digits.
    A copy of the model is used: the caller's model is not changed.
    """
    model64 = copy.deepcopy(model).double()
    with torch.no_grad():
        rows = model64.trace(torch.tensor([float(v) for v in sequence], dtype=torch.float64)).rows()
    return with_products(rows)


def with_products(rows: list[dict[str, float]]) -> list[dict[str, float]]:
    """Trace rows (Trace.rows()) with what the drawing adds: the memories each step started from,
    F_t * C_t-1, I_t * C~_t and tanh(C_t). The rows are copied, not changed."""
    rows = [dict(row) for row in rows]
    c_prev = h_prev = 0.0
    for row in rows:
        row["long_memory_prev"], row["short_memory_prev"] = c_prev, h_prev
        row["kept"] = row["forget_gate"] * c_prev
        row["added"] = row["input_gate"] * row["candidate"]
        row["tanh_long"] = math.tanh(row["long_memory"])
        c_prev, h_prev = row["long_memory"], row["short_memory"]
    return rows


def trace_arrays(rows: list[dict[str, float]]) -> dict[str, list[float]]:
    """with_products rows as diagram.js's forward() returns them: one list per field."""
    return {name: [row[name] for row in rows] for name in FIELDS}
