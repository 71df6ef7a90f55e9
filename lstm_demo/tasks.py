"""The LightningModule that trains either model with a recipe, and the dataset that feeds it.

Speed comes from how Lightning is fed, not from replacing it. The seed gave Lightning a DataLoader
epoch per two optimizer steps and logged every step; here one long Lightning epoch walks a dataset
whose every item is the recipe's batches, nothing is logged through Lightning's loggers, and a
recipe epoch's record is built from the values the step already computed.

Blocks. One Lightning training step carries a block of whole recipe epochs (manual optimization:
the step makes its own optimizer steps), so Lightning's per-step cost is paid once per
block instead of once per epoch. A block lasts about `block_ms` milliseconds: the number
of epochs in the next one follows from the speed measured in the last (BlockSizer). After every
epoch the task calls the callbacks' `on_recipe_epoch_end` hook (callbacks.py) with that epoch's
record: progress, Stop, the time limit and snapshots act there, at the exact epoch, and a hook that
stops the training ends the block at that epoch. So the result, the history and the snapshots count
the same epochs as with one epoch per step (`block_ms=0`), and the numbers are the same to the bit.

One training path per model:
    the hand-built cell on the CPU: its forward and backward pass through time in plain Python
        floats (backward.loss_and_grads), the 12 values held as one flat (12,) parameter
        (backward.FlatCraft) for the optimizer. A step then costs one or two PyTorch calls
        instead of ~300.
    any other model or device (the built-in model; the hand-built cell on a GPU): its forward pass
        and autograd.
Adam is optimizers.adam (one fused kernel for all parameter tensors); Rprop has no fused kernel.
"""

from __future__ import annotations

import itertools
import math
import time

import lightning as L
import torch

from .backward import FlatCraft, loss_and_grads
from .data import COMPANIES, training_data
from .models import CraftLSTM, LSTMModel
from .optimizers import adam
from .recipes import EpochRecord, Recipe

# Milliseconds of work per Lightning step: Lightning's per-step cost is then a small share of the
# time, and what acts between steps (a plain Lightning callback) waits no longer than this; what
# must act at an exact epoch does so through on_recipe_epoch_end.
BLOCK_MS = 20.0


class RecipeEpochs:
    """What Lightning iterates over: every item is the (inputs, labels) batches of one recipe epoch's
    optimizer steps; a training step may run them for several epochs (a block).

    Batch of one: [(A), (B)] (the seed's DataLoader order, no shuffle); full batch: [(A and B)].
    The tensors are made once, on the training device; every item is the same list. There are as
    many items as epochs, the most Lightning steps a training can take (a block of one epoch
    each); the task stops the run once the recipe's epochs are done. Lightning takes any iterable
    with a length (`Trainer.fit(train_dataloaders=...)`); a plain one skips a DataLoader's per-item
    work and its advice about worker processes, meant for real datasets.
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


class BlockSizer:
    """How many epochs the next block holds, so that a block lasts about `block_ms` milliseconds.

    The first block is one epoch (it also pays first-call costs); each next one is sized from the
    speed of the last, growing at most 4x at a time so that a slow patch of the machine cannot
    make one block long. block_ms=0: one epoch per block.
    """

    def __init__(self, block_ms: float):
        self.seconds = block_ms / 1000.0
        self.size = 1
        self._started = 0.0

    def start(self, remaining: int) -> int:
        self._started = time.perf_counter()
        return max(1, min(self.size, remaining))

    def done(self, epochs: int) -> None:
        if self.seconds <= 0 or epochs < self.size:  # a block cut short says nothing of the speed
            return
        elapsed = time.perf_counter() - self._started
        wanted = epochs * self.seconds / elapsed if elapsed > 0 else 4 * self.size
        self.size = max(1, min(int(wanted), 4 * self.size))


class LSTMTask(L.LightningModule):
    """Squared error and the recipe's optimizer around either model; records each recipe epoch.

    `epochs_done` counts the recipe epochs whose updates were all applied: it is what the result
    reports and what a snapshot is labelled with. `started` is when training began
    (time.perf_counter()), so that a record can say how long the epochs so far took.
    """

    def __init__(self, model: LSTMModel, recipe: Recipe, *, block_ms: float = BLOCK_MS):
        super().__init__()
        # Manual optimization: the step decides whether to update at all (a converged full-batch
        # step keeps the weights that converged), and a step makes many updates.
        self.automatic_optimization = False
        self.model = model
        self.recipe = recipe
        self.blocks = BlockSizer(block_ms)
        self.history: list[EpochRecord] = []
        self.epochs_done = 0
        self.stop_reason: str | None = None
        self.started = time.perf_counter()
        self._epoch_hooks: list = []
        self._flat: FlatCraft | None = None  # set for the hand-written backward (the module docstring)
        self._float_batches = None

    def forward(self, x):
        return self.model(x)

    def configure_optimizers(self):
        # Called once the model is on the training device.
        params = self.model.parameters()
        if isinstance(self.model, CraftLSTM) and self.model.w_xf.device.type == "cpu":
            self._flat = FlatCraft(self.model)
            params = [self._flat.flat]
        lr = self.recipe.learning_rate
        if self.recipe.optimizer == "adam":
            return adam(params, lr)
        # Rprop: foreach over several tensors, the plain for-loop over the one flat tensor (fewer calls).
        return torch.optim.Rprop(params, lr=lr, foreach=self._flat is None)

    def on_train_start(self):
        self.started = time.perf_counter()
        self._epoch_hooks = [c for c in self.trainer.callbacks if hasattr(c, "on_recipe_epoch_end")]

    def training_step(self, batches, index):
        """A block: whole recipe epochs until the block's time is up or a rule stops the training."""
        if self._flat is not None and self._float_batches is None:
            self._float_batches = [(x.tolist(), y.tolist()) for x, y in batches]
        epochs = self.blocks.start(self.recipe.epochs - self.epochs_done)
        done = 0
        while done < epochs and not self.trainer.should_stop:
            self.train_epoch(batches)
            done += 1
        self.blocks.done(done)
        if self.epochs_done >= self.recipe.epochs:
            self.trainer.should_stop = True

    def train_epoch(self, batches) -> None:
        """One recipe epoch: an optimizer step per batch, the epoch's record, the stop rules, and
        the callbacks' per-epoch hooks."""
        if self._flat is not None:
            record, converged_before_update = self._hand_epoch()
        else:
            record, converged_before_update = self._autograd_epoch(batches)
        if converged_before_update:
            # The record is of the current weights: they are the result, so no update was made.
            self.request_stop("converged")
        else:
            self.epochs_done += 1
            if not math.isfinite(record.loss):
                self.request_stop("diverged")
            elif self._within_tolerance(record):  # batch of one: the epoch is finished, then it stops
                self.request_stop("converged")
        if self._flat is not None:
            self._flat.write_back()  # the model holds this epoch's weights when the hooks look
        for callback in self._epoch_hooks:
            callback.on_recipe_epoch_end(self.trainer, self, record)

    def _hand_epoch(self) -> tuple[EpochRecord, bool]:
        flat, optimizer = self._flat, self._torch_optimizer()
        seen = []
        last = len(self._float_batches) - 1
        for k, (x, y) in enumerate(self._float_batches):
            _, grads, predictions = loss_and_grads(flat.values(), x, y, "mean")
            seen += predictions
            if k == last:
                record = self._record(seen)
                if self.recipe.full_batch and self._within_tolerance(record):
                    return record, True
            flat.set_grads(grads)
            optimizer.step()
        return record, False

    def _autograd_epoch(self, batches) -> tuple[EpochRecord, bool]:
        seen = []
        last = len(batches) - 1
        for k, (x, y) in enumerate(batches):  # x (B, T), y (B,)
            prediction = self.model(x)  # (B,)
            seen.append(prediction.detach())
            if k == last:
                record = self._record(torch.cat(seen).tolist())
                if self.recipe.full_batch and self._within_tolerance(record):
                    return record, True
            self.optimizer_step_once(prediction, y)
        return record, False

    def _torch_optimizer(self) -> torch.optim.Optimizer:
        # The torch optimizer that Lightning's wrapper holds. With manual optimization, full
        # precision and one device, the wrapper's `step()` only routes to this step through its
        # strategy and precision plugin, at a cost per call larger than this model's whole update.
        return self.optimizers().optimizer

    def optimizer_step_once(self, prediction: torch.Tensor, labels: torch.Tensor) -> None:
        """One update of the weights from one batch's predictions (the squared error's gradient)."""
        loss = ((prediction - labels) ** 2).mean()
        # loss.backward() rather than self.manual_backward(loss): with full precision and one device
        # Lightning's route adds only its on_before_backward / on_after_backward hooks, which no part
        # of this project uses, once per update.
        optimizer = self._torch_optimizer()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    def _record(self, predictions: list[float]) -> EpochRecord:
        # predictions: A and B, each before its own update
        loss = sum((p - c.label) ** 2 for p, c in zip(predictions, COMPANIES)) / len(COMPANIES)
        a, b = predictions
        record = EpochRecord(len(self.history) + 1, loss, a, b, seconds=time.perf_counter() - self.started)
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
        """End training after this epoch; the first reason given is the one reported."""
        if self.stop_reason is None:
            self.stop_reason = reason
        self.trainer.should_stop = True
