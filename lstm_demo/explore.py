"""The Explore tab's experiments, usable without Gradio and without Lightning: gate switches, the
weight playground, decision curves and the spacing of training snapshots.

The initialization lottery (many hand-built cells trained at once, with Lightning) is in lottery.py.
"""

from __future__ import annotations

import math

import torch

from .models import CraftLSTM, LSTMModel

# Gate switches: force a gate to a constant to see what it contributes.
SWITCHES = {
    "forget=1": ("forget", 1.0),  # keep all of the long-term memory
    "forget=0": ("forget", 0.0),  # forget it at every step
    "input=0": ("input", 0.0),  # let nothing new in
    "output=1": ("output", 1.0),  # pass all of tanh(C) on
}


class SwitchedCraftLSTM(CraftLSTM):
    """The hand-built cell with some gates forced to constants (the switches)."""

    def __init__(self, forced: dict[str, float] | None = None):
        super().__init__()
        self.forced = dict(forced or {})

    def gates(self, xf, xi, xc, xo, h):
        gates = dict(zip(("forget", "input", "candidate", "output"), super().gates(xf, xi, xc, xo, h)))
        for gate, value in self.forced.items():
            gates[gate] = torch.full_like(gates[gate], value)
        return tuple(gates.values())


def playground_model(parameters: dict[str, float], switches: list[str] | tuple[str, ...] = ()) -> CraftLSTM:
    """A hand-built cell with the given 12 values and gate switches (names from SWITCHES)."""
    forced = {}
    for name in switches:
        if name not in SWITCHES:
            raise ValueError(f"unknown switch {name!r}")
        gate, value = SWITCHES[name]
        if gate in forced and forced[gate] != value:
            raise ValueError(f"the {gate} gate cannot be forced to both {forced[gate]:g} and {value:g}")
        forced[gate] = value
    model = SwitchedCraftLSTM(forced) if forced else CraftLSTM()
    with torch.no_grad():
        for name in CraftLSTM.PARAMETER_NAMES:
            getattr(model, name).fill_(float(parameters[name]))
    return model.eval()


def decision_curve(models: dict[str, LSTMModel], day: int, base: tuple[float, ...], points: int = 51) -> list[dict]:
    """Predictions as one day's value sweeps 0..1 with the other days fixed at `base`.

    Returns rows {"value", "model", "prediction"}; day is 1-based.
    """
    sweep = torch.linspace(0.0, 1.0, points)
    batch = torch.tensor(base, dtype=torch.float32).repeat(points, 1)  # (points, T)
    batch[:, day - 1] = sweep
    rows = []
    with torch.no_grad():
        for name, model in models.items():
            for value, prediction in zip(sweep.tolist(), model(batch).tolist()):
                rows.append({"value": value, "model": name, "prediction": prediction})
    return rows


# -- Training time-travel --------------------------------------------------------------------------


def snapshot_every(epochs: int, keep: int) -> int:
    """Keep a snapshot every k epochs so that at most `keep` (plus the first and last) are kept."""
    return max(1, math.ceil(epochs / max(1, keep)))
