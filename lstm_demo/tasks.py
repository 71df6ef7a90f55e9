"""The LightningModule that trains either model with a recipe, and the dataset that feeds it.

Speed comes from how Lightning is fed, not from replacing it. The seed gave Lightning a DataLoader
epoch per two optimizer steps and logged every step; here one long Lightning epoch walks a dataset
whose item is one whole recipe epoch, nothing is logged through Lightning's loggers, and a recipe
epoch's record is built from the values the step already computed.

One Lightning training step is one whole recipe epoch (manual optimization: the step makes its
own optimizer steps). So everything that acts between steps (the Callbacks: Stop, the time limit,
progress, snapshots) sees the weights at an epoch boundary, and the result, the history and the
snapshots always count the same epochs. A step could as well carry several whole epochs (a block,
to pay Lightning's per-step cost once for many updates): `train_epoch` is the unit it would repeat,
and `optimizer_step_once` the update it makes per batch.
"""

from __future__ import annotations

import itertools
import math

import lightning as L
import torch

from .data import COMPANIES, training_data
from .models import LSTMModel
from .recipes import EpochRecord, Recipe

# The optimizers a recipe may name (recipes.OPTIMIZERS holds their names for people).
OPTIMIZER_CLASSES = {"adam": torch.optim.Adam, "rprop": torch.optim.Rprop}


class RecipeEpochs:
    """What Lightning iterates over: item i is recipe epoch i, the (inputs, labels) batches of its
    optimizer steps.

    Batch of one: [(A), (B)] (the seed's DataLoader order, no shuffle); full batch: [(A and B)].
    The tensors are made once, on the training device; every item is the same list. Lightning
    takes any iterable with a length (`Trainer.fit(train_dataloaders=...)`); a plain one skips a
    DataLoader's per-item work and its advice about worker processes, meant for real datasets.
    """

    def __init__(self, recipe: Recipe, epochs: int, device: torch.device):
        inputs, labels = (t.to(device) for t in training_data())  # (2, 4), (2,)
        if recipe.full_batch:
            self.batches = [(inputs, labels)]
        else:
            self.batches = [(inputs[k : k + 1], labels[k : k + 1]) for k in range(len(COMPANIES))]
        self.epochs = epochs

    def __len__(self) -> int:
        return self.epochs

    def __iter__(self):
        return itertools.repeat(self.batches, self.epochs)


class RepeatedBatch:
    """The same (inputs, labels) batch `times` times: one Lightning epoch of full-batch steps."""

    def __init__(self, batch, times: int):
        self.batch, self.times = batch, times

    def __len__(self) -> int:
        return self.times

    def __iter__(self):
        return itertools.repeat(self.batch, self.times)


class LSTMTask(L.LightningModule):
    """Squared error and the recipe's optimizer around either model; records each recipe epoch.

    `epochs_done` counts the recipe epochs whose updates were all applied: it is what the result
    reports and what a snapshot is labelled with.
    """

    def __init__(self, model: LSTMModel, recipe: Recipe):
        super().__init__()
        # Manual optimization: the step decides whether to update at all (a converged full-batch
        # step keeps the weights that converged), and a step may make several updates.
        self.automatic_optimization = False
        self.model = model
        self.recipe = recipe
        self.history: list[EpochRecord] = []
        self.epochs_done = 0
        self.stop_reason: str | None = None

    def forward(self, x):
        return self.model(x)

    def configure_optimizers(self):
        optimizer = OPTIMIZER_CLASSES[self.recipe.optimizer]
        # foreach: one kernel per operation over all parameter tensors instead of one per tensor.
        return optimizer(self.model.parameters(), lr=self.recipe.learning_rate, foreach=True)

    def training_step(self, batches, index):
        self.train_epoch(batches)

    def train_epoch(self, batches) -> None:
        """One recipe epoch: an optimizer step per batch, the epoch's record, and the stop rules."""
        seen = []
        for k, (x, y) in enumerate(batches):  # x (B, T), y (B,)
            prediction = self.model(x)  # (B,)
            seen.append(prediction.detach())
            if k == len(batches) - 1:
                record = self._record(seen, batches)
                if self.recipe.full_batch and self._within_tolerance(record):
                    # The record is of the current weights: they are the result, so no update.
                    self.request_stop("converged")
                    return
            self.optimizer_step_once(prediction, y)
        self.epochs_done += 1
        if not math.isfinite(record.loss):
            self.request_stop("diverged")
        elif self._within_tolerance(record):  # batch of one: the epoch is finished, then it stops
            self.request_stop("converged")

    def optimizer_step_once(self, prediction: torch.Tensor, labels: torch.Tensor) -> None:
        """One update of the weights from one batch's predictions (the squared error's gradient)."""
        optimizer = self.optimizers()
        optimizer.zero_grad()
        self.manual_backward(((prediction - labels) ** 2).mean())
        optimizer.step()

    def _record(self, seen: list[torch.Tensor], batches) -> EpochRecord:
        predictions = torch.cat(seen)  # (2,): A and B, each before its own update
        labels = torch.cat([y for _, y in batches])
        loss = float(((predictions - labels) ** 2).mean())
        a, b = predictions.tolist()
        record = EpochRecord(len(self.history) + 1, loss, a, b)
        self.history.append(record)
        return record

    def _within_tolerance(self, record: EpochRecord) -> bool:
        if self.recipe.tolerance is None:
            return False
        return all(
            abs(value - company.label) <= self.recipe.tolerance
            for value, company in zip((record.company_a, record.company_b), COMPANIES)
        )

    def request_stop(self, reason: str) -> None:
        """End training after this step; the first reason given is the one reported."""
        if self.stop_reason is None:
            self.stop_reason = reason
        self.trainer.should_stop = True
