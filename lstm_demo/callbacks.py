"""Callbacks: what watches a training from outside the loop (progress, snapshots, Stop).

The time limit is Lightning's own `Timer` (see `training.train`). Every hook here runs at
`on_train_batch_end`, and one Lightning step is one whole recipe epoch (tasks.LSTMTask), so each
acts at an epoch boundary and sees `pl_module.epochs_done` and `pl_module.history` agree.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import torch
from lightning.pytorch.callbacks import Callback

from .recipes import EpochRecord


class EpochProgress(Callback):
    """Calls `report(record)` after each recipe epoch (the seed's per-step "Out 0" / "Out 1")."""

    def __init__(self, report: Callable[[EpochRecord], None]):
        self.report = report
        self._reported = 0

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        while self._reported < len(pl_module.history):
            self.report(pl_module.history[self._reported])
            self._reported += 1


class Snapshots(Callback):
    """Keeps a copy of the weights after every `every` recipe epochs (training time-travel).

    `kept` holds (epochs trained, state_dict on the CPU) pairs, starting with the weights before
    training and ending with the final weights; memory is bounded by the caller's choice of `every`.
    """

    def __init__(self, every: int):
        self.every = every
        self.kept: list[tuple[int, dict[str, torch.Tensor]]] = []

    def _keep(self, pl_module) -> None:
        state = {k: v.detach().cpu().clone() for k, v in pl_module.model.state_dict().items()}
        self.kept.append((pl_module.epochs_done, state))

    def on_train_start(self, trainer, pl_module):
        self._keep(pl_module)

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        epochs = pl_module.epochs_done
        if epochs % self.every == 0 and epochs != self.kept[-1][0]:  # a converged step adds no epoch
            self._keep(pl_module)

    def on_train_end(self, trainer, pl_module):
        if self.kept[-1][0] != pl_module.epochs_done:
            self._keep(pl_module)


class StopOnSignal(Callback):
    """Ends training at the end of the recipe epoch in which `event` is set (the Space's Stop)."""

    def __init__(self, event: threading.Event):
        self.event = event

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        if self.event.is_set():
            pl_module.request_stop("stopped")
