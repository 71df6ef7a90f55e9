"""Callbacks: what watches a training from outside the loop (progress, snapshots, Stop, the time limit).

One Lightning step carries a block of recipe epochs (tasks.LSTMTask), so Lightning's own hooks
(`on_train_batch_end`) run between blocks. What must act at one exact epoch implements one more
hook, `on_recipe_epoch_end(trainer, pl_module, record)`, which the task calls after every recipe
epoch, inside a block as well, with that epoch's EpochRecord. A hook that sets
`trainer.should_stop` ends the block (and the training) at that epoch. When a hook runs, the model
holds the weights of that epoch boundary, `pl_module.epochs_done` counts them and
`pl_module.history` ends with `record`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import torch
from lightning.pytorch.callbacks import Callback, Timer

from .models import flat_weights
from .recipes import EpochRecord


class EpochCallback(Callback):
    """A Callback that acts after every recipe epoch, also in the middle of a block."""

    def on_recipe_epoch_end(self, trainer, pl_module, record: EpochRecord) -> None:
        """After each recipe epoch (its updates applied, or refused by a converged full-batch step)."""


class EpochProgress(EpochCallback):
    """Calls `report(record)` after each recipe epoch (the seed's per-step "Out 0" / "Out 1")."""

    def __init__(self, report: Callable[[EpochRecord], None]):
        self.report = report

    def on_recipe_epoch_end(self, trainer, pl_module, record):
        self.report(record)


class Snapshots(EpochCallback):
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

    def on_recipe_epoch_end(self, trainer, pl_module, record):
        epochs = pl_module.epochs_done
        if epochs % self.every == 0 and epochs != self.kept[-1][0]:  # a converged step adds no epoch
            self._keep(pl_module)

    def on_train_end(self, trainer, pl_module):
        if self.kept[-1][0] != pl_module.epochs_done:
            self._keep(pl_module)


class FlatSnapshots(Snapshots):
    """Snapshots kept compactly: (epochs trained, the model's parameters as a list of floats), 12
    for the hand-built cell, 16 for the built-in model (`flat_weights`; `model_from_flat` rebuilds).

    A state dict of tensors costs kilobytes a snapshot in Python objects; 12 floats take 48 bytes
    once packed as float32 (ui/state.TimeTravel). The Space keeps these for time travel;
    models.model_from_flat rebuilds a model.
    """

    def _keep(self, pl_module) -> None:
        self.kept.append((pl_module.epochs_done, flat_weights(pl_module.model)))


class StopOnSignal(EpochCallback):
    """Ends training at the end of the recipe epoch in which `event` is set (the Space's Stop).

    `event` is a threading.Event, or a multiprocessing.Event when the training runs in a worker
    process (workers.py). A task without recipe epochs (the lottery's) stops at the end of the
    Lightning step (a block of ~tasks.BLOCK_MS) in which it is set.
    """

    def __init__(self, event: threading.Event):
        self.event = event

    def on_recipe_epoch_end(self, trainer, pl_module, record):
        if self.event.is_set():
            pl_module.request_stop("stopped")

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        if self.event.is_set():
            trainer.should_stop = True


class TimeLimit(Timer, EpochCallback):
    """Lightning's Timer, checked after every recipe epoch as well as after every Lightning step.

    Timer alone would look at the clock between blocks only; a block is short (tasks.BLOCK_MS), but
    this way a training stops at the first epoch that ends past the limit, as it did when a
    Lightning step was one epoch. `time_remaining()` says afterwards whether it was the one.
    """

    def on_recipe_epoch_end(self, trainer, pl_module, record):
        if self.time_remaining() <= 0:
            trainer.should_stop = True


class Streamed(EpochCallback):
    """Hands each recipe epoch's record to `records` (workers.jobs), and with it, whenever it is about
    to send, the model's weights as they are now: the page's drawing redraws from them while a
    training runs. `records` has add(record), due() and flush(weights)."""

    def __init__(self, records):
        self.records = records

    def on_recipe_epoch_end(self, trainer, pl_module, record):
        self.records.add(record)
        if self.records.due():
            self.records.flush(flat_weights(pl_module.model))
