"""The Explore tab's experiments, usable without Gradio: gate switches, decision curves, training
snapshots, and the initialization lottery (many hand-built cells trained at once, with Lightning).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import torch
from torch import nn

from .data import training_data
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


# -- The initialization lottery --------------------------------------------------------------------


def population(size: int, generator: torch.Generator, include_seed: int | None = 42) -> CraftLSTM:
    """`size` hand-built cells as one model whose parameters broadcast over the members.

    Weights on the input and biases have shape (size, 1, 1), so the input terms of a (B, T)
    batch are (size, B, T); weights on the memory have shape (size, 1), as the memories are
    (size, B). The cell's code is the same as for one cell.

    Member i gets the seed's init (weights N(0, 1), biases 0) from `generator`; member 0 is
    the init of `include_seed`, as new_model("craft", seed) draws it.
    """
    cell = CraftLSTM()
    draws = torch.randn(8, size, generator=generator)
    if include_seed is not None:
        draws[:, 0] = torch.randn(8, generator=torch.Generator().manual_seed(include_seed))
    order = [f"w_{source}{gate}" for gate in "fico" for source in "hx"]  # the seed's draw order
    for name in CraftLSTM.PARAMETER_NAMES:
        value = draws[order.index(name)] if name in order else torch.zeros(size)
        shape = (size, 1) if name.startswith("w_h") else (size, 1, 1)
        setattr(cell, name, nn.Parameter(value.reshape(shape).clone()))
    return cell


@dataclass
class LotteryResult:
    inits: int
    epochs: int
    learning_rate: float
    device: str
    final_losses: list[float]  # summed squared error over the two companies, per init
    converged_share: float  # share with summed squared error below THRESHOLD
    seed_42_loss: float
    seed_42_rank: float  # share of inits that ended with a lower loss than seed 42
    seconds: float
    model_steps_per_second: float

    def summary(self) -> dict:
        return {
            "inits": self.inits,
            "epochs": self.epochs,
            "learning_rate": self.learning_rate,
            "device": self.device,
            "converged_share": self.converged_share,
            "converged": round(self.converged_share * self.inits),
            "threshold": THRESHOLD,
            "seed_42_loss": self.seed_42_loss,
            "seed_42_converged": self.seed_42_loss < THRESHOLD,
            "seed_42_rank": self.seed_42_rank,
            "median_loss": sorted(self.final_losses)[len(self.final_losses) // 2],
            "seconds": round(self.seconds, 4),
            "model_steps_per_second": round(self.model_steps_per_second),
        }


THRESHOLD = 1e-3  # summed squared error over both companies that counts as converged


def lottery(inits: int, epochs: int, learning_rate: float = 0.1, device: str = "cpu", seed: int = 0) -> LotteryResult:
    """Train `inits` random hand-built cells at once (full batch, Adam), with Lightning.

    Adam updates every element on its own, so training the sum of the members' losses trains
    each member exactly as if it were alone: one vectorised model, thousands of experiments.
    """
    import lightning as L

    from .training import PopulationTask, RepeatedBatch, quiet_lightning, resolve_device

    torch_device = resolve_device(device)
    torch.set_num_threads(1)
    cell = population(inits, torch.Generator().manual_seed(seed)).to(torch_device)
    task = PopulationTask(cell, learning_rate)
    inputs, labels = (t.to(torch_device) for t in training_data())
    loader = torch.utils.data.DataLoader(RepeatedBatch((inputs, labels), epochs), batch_size=None)
    with quiet_lightning():
        trainer = L.Trainer(
            accelerator="gpu" if torch_device == "cuda" else "cpu",
            devices=1,
            max_epochs=1,
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            num_sanity_val_steps=0,
        )
        started = time.perf_counter()
        trainer.fit(task, train_dataloaders=loader)
        if torch_device == "cuda":
            torch.cuda.synchronize()
        seconds = time.perf_counter() - started
    with torch.no_grad():  # Lightning hands the module back on the CPU after fit
        cell = cell.to(torch_device)
        losses = ((cell(inputs) - labels) ** 2).sum(dim=1).nan_to_num(nan=math.inf).cpu()  # (inits,)
    seed_loss = losses[0].item()
    return LotteryResult(
        inits=inits,
        epochs=epochs,
        learning_rate=learning_rate,
        device=torch_device,
        final_losses=losses.tolist(),
        converged_share=(losses < THRESHOLD).float().mean().item(),
        seed_42_loss=seed_loss,
        seed_42_rank=(losses < seed_loss).float().mean().item(),
        seconds=seconds,
        model_steps_per_second=inits * epochs / seconds if seconds > 0 else math.inf,
    )
