"""The toy task and the one parser for sequences.

The seed's task: two companies' stock values on four days. Company A's sequence ends where it
started low and should be predicted 0; Company B's starts high and should be predicted 1. Only the
first day differs, so the model has to remember it across three steps.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import torch

from .errors import InputError
from .limits import Limits


@dataclass(frozen=True)
class Company:
    key: str  # "company_a": the name used in JSON and in the API
    name: str  # "Company A": the name shown to people
    sequence: tuple[float, ...]
    label: float


COMPANY_A = Company("company_a", "Company A", (0.0, 0.5, 0.25, 1.0), 0.0)
COMPANY_B = Company("company_b", "Company B", (1.0, 0.5, 0.25, 1.0), 1.0)
COMPANIES = (COMPANY_A, COMPANY_B)


def training_data() -> tuple[torch.Tensor, torch.Tensor]:
    """Both companies as one batch: inputs (2, 4) and labels (2,)."""
    inputs = torch.tensor([c.sequence for c in COMPANIES], dtype=torch.float32)
    labels = torch.tensor([c.label for c in COMPANIES], dtype=torch.float32)
    return inputs, labels


def known_label(sequence: list[float] | tuple[float, ...]) -> float | None:
    """The label of a company whose sequence this is, or None."""
    for company in COMPANIES:
        if tuple(float(v) for v in sequence) == company.sequence:
            return company.label
    return None


_SEPARATORS = re.compile(r"[\s,;]+")
# NFKC turns full-width digits, "，", "；", "．" and "－" into ASCII; these it leaves alone: the
# ideographic comma (a list separator in Chinese) and the minus sign U+2212 (what "−0.5" is in print).
_NOT_NFKC = str.maketrans({"、": ",", "\u2212": "-"})
_FLOAT32_MAX = float(torch.finfo(torch.float32).max)


def parse_sequence(text: object, limits: Limits | None = None) -> list[float]:
    """Parse "0, 0.5, 0.25, 1" (commas and/or spaces) into finite float32-representable numbers.

    Chinese input works as typed: "1，0.5；0.25、1", full-width digits "１，０.５", "－0.5".

    Raises InputError with one sentence on empty input, words, NaN, infinities, numbers too large
    for float32, and sequences longer than the limit.
    """
    limits = limits or Limits.from_env()
    if isinstance(text, (list, tuple)):
        items = [_ascii(str(v)) for v in text]
    elif isinstance(text, str):
        # Brackets are accepted so that a pasted Python or JSON list works too.
        items = [t for t in _SEPARATORS.split(_ascii(text).strip().strip("[]()")) if t]
    else:
        raise InputError(key="sequence.not_text", params={"type": type(text).__name__})
    if not items:
        raise InputError(key="sequence.empty")
    if len(items) > limits.max_sequence_length:
        raise InputError(key="sequence.too_long", params={"count": len(items), "limit": limits.max_sequence_length})
    values = []
    for position, item in enumerate(items, start=1):
        try:
            value = float(item)
        except ValueError:
            shown = item if len(item) <= 20 else item[:20] + "..."
            raise InputError(key="sequence.not_number", params={"position": position, "shown": shown}) from None
        if math.isnan(value):
            raise InputError(key="sequence.nan", params={"position": position})
        if math.isinf(value) or abs(value) > _FLOAT32_MAX:
            raise InputError(key="sequence.infinite", params={"position": position})
        values.append(value)
    return values


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_NOT_NFKC)


def format_sequence(values: list[float] | tuple[float, ...]) -> str:
    """The inverse of parse_sequence, short: 0, 0.5, 0.25, 1."""
    return ", ".join(f"{v:g}" for v in values)
