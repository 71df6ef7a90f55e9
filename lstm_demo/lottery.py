"""The initialization lottery: many random hand-built cells trained at once, with Lightning.

Adam updates every element on its own, so training the sum of the members' losses trains each
member exactly as if it were alone: one vectorised model, thousands of experiments. It answers
"how lucky was seed 42?" (FACTS.md: about 77% of N(0, 1) starts converge within 500 steps).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import lightning as L
import torch
from torch import nn

from .data import training_data
from .models import CraftLSTM, LSTMModel
from .recipes import resolve_device
from .tasks import RepeatedBatch
from .training import fit, make_trainer, quiet_lightning, single_thread

THRESHOLD = 1e-3  # summed squared error over both companies that counts as converged


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


class PopulationTask(L.LightningModule):
    """Many hand-built cells at once (parameters of shape (N, 1)): the initialization lottery.

    The loss is the sum of the members' losses, so each member's gradient is its own, and Adam,
    which updates every element on its own, trains each exactly as if it were alone.
    """

    def __init__(self, cell: LSTMModel, learning_rate: float):
        super().__init__()
        self.cell, self.learning_rate = cell, learning_rate

    def training_step(self, batch, batch_idx):
        x, y = batch  # (2, 4), (2,)
        predictions = self.cell(x)  # (N, 2)
        return ((predictions - y) ** 2).sum()

    def configure_optimizers(self):
        return torch.optim.Adam(self.cell.parameters(), lr=self.learning_rate, foreach=True)


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


def lottery(inits: int, epochs: int, learning_rate: float = 0.1, device: str = "cpu", seed: int = 0) -> LotteryResult:
    """Train `inits` random hand-built cells at once (full batch, Adam), with Lightning."""
    torch_device = resolve_device(device)
    cell = population(inits, torch.Generator().manual_seed(seed)).to(torch_device)
    task = PopulationTask(cell, learning_rate)
    inputs, labels = (t.to(torch_device) for t in training_data())
    steps = RepeatedBatch((inputs, labels), epochs)
    with single_thread(), quiet_lightning():
        # On a GPU, fit ends by copying the module to the CPU, which waits for the last kernel.
        seconds = fit(make_trainer(torch_device), task, steps)
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
