"""Training with Lightning: one LightningModule, named recipes, and Callbacks for what watches a run.

Speed comes from how Lightning is fed, not from replacing it. The seed gave Lightning a DataLoader
epoch per two optimizer steps and logged every step; here one long Lightning epoch walks a dataset
that repeats the companies once per recipe epoch, nothing is logged through Lightning's loggers,
and a recipe epoch's record is built from the values the training step already computed.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import replace

import lightning as L
import torch
from lightning.pytorch.callbacks import Callback
from torch.utils.data import DataLoader, Dataset

from .data import COMPANIES, training_data
from .errors import TrainingError
from .limits import Limits
from .models import LSTMModel, new_model
from .recipes import (  # noqa: F401  (re-exported: callers imported these from here before recipes.py)
    DEVICES,
    RECIPE_NAMES,
    RECIPES,
    EpochRecord,
    Recipe,
    TrainResult,
    available_devices,
    check_options,
    company_predictions,
    get_recipe,
    mse,
    resolve_device,
)


class _CompanySteps(Dataset):
    """One long Lightning epoch: item i is step i of the recipe, already a batch.

    Batch of one: A, B, A, B, ... (the seed's DataLoader order, no shuffle); full batch: (A, B)
    every step. Items are slices of tensors made once, on the training device.
    """

    def __init__(self, recipe: Recipe, epochs: int, device: torch.device):
        inputs, labels = (t.to(device) for t in training_data())
        if recipe.full_batch:
            self.batches = [(inputs, labels)]
        else:
            self.batches = [(inputs[k : k + 1], labels[k : k + 1]) for k in range(len(COMPANIES))]
        self.length = epochs * len(self.batches)

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, i: int):
        return self.batches[i % len(self.batches)]


class LSTMTask(L.LightningModule):
    """Squared error and the recipe's optimizer around either model; records each recipe epoch."""

    def __init__(self, model: LSTMModel, recipe: Recipe):
        super().__init__()
        self.model = model
        self.recipe = recipe
        self.history: list[EpochRecord] = []
        self.stop_reason: str | None = None
        self._seen: list[tuple[torch.Tensor, torch.Tensor]] = []  # (predictions, labels) this epoch

    def __setattr__(self, name, value):
        # Lightning records the hook it is in (~40 times a step); a string needs none of
        # nn.Module's checks for parameters and submodules, which cost ~0.1 ms a step here.
        if name == "_current_fx_name":
            object.__setattr__(self, name, value)
        else:
            super().__setattr__(name, value)

    def forward(self, x):
        return self.model(x)

    def configure_optimizers(self):
        optimizer = {"adam": torch.optim.Adam, "rprop": torch.optim.Rprop}[self.recipe.optimizer]
        # foreach: one kernel per operation over all 12 tensors instead of one per tensor.
        return optimizer(self.model.parameters(), lr=self.recipe.learning_rate, foreach=True)

    def training_step(self, batch, batch_idx):
        x, y = batch  # x (B, T), y (B,)
        prediction = self.model(x)  # (B,)
        self._seen.append((prediction.detach(), y))
        if (batch_idx + 1) % self.recipe.steps_per_epoch == 0:
            self._close_epoch(batch_idx)
            if self._converged():
                self.request_stop("converged")
                return None  # Lightning skips this step's update: keep the weights that converged
        return ((prediction - y) ** 2).mean()

    def _close_epoch(self, batch_idx: int) -> None:
        seen_predictions = torch.cat([p for p, _ in self._seen])
        seen_labels = torch.cat([y for _, y in self._seen])
        self._seen.clear()
        loss = float(((seen_predictions - seen_labels) ** 2).mean())
        a, b = seen_predictions.tolist()
        self.history.append(EpochRecord(batch_idx // self.recipe.steps_per_epoch + 1, loss, a, b))
        if not math.isfinite(loss):
            self.request_stop("diverged")

    def _converged(self) -> bool:
        if self.recipe.tolerance is None:
            return False
        record = self.history[-1]
        return all(
            abs(value - company.label) <= self.recipe.tolerance
            for value, company in zip((record.company_a, record.company_b), COMPANIES)
        )

    def request_stop(self, reason: str) -> None:
        """End training after this step; the first reason given is the one reported."""
        if self.stop_reason is None:
            self.stop_reason = reason
        self.trainer.should_stop = True


class RepeatedBatch(Dataset):
    """The same (inputs, labels) batch `times` times: one Lightning epoch of full-batch steps."""

    def __init__(self, batch, times: int):
        self.batch, self.times = batch, times

    def __len__(self) -> int:
        return self.times

    def __getitem__(self, i: int):
        return self.batch


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
    training; memory is bounded by the caller's choice of `every`.
    """

    def __init__(self, every: int):
        self.every = every
        self.kept: list[tuple[int, dict[str, torch.Tensor]]] = []

    def _keep(self, epochs: int, pl_module) -> None:
        self.kept.append((epochs, {k: v.detach().cpu().clone() for k, v in pl_module.model.state_dict().items()}))

    def on_train_start(self, trainer, pl_module):
        self._keep(0, pl_module)

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        steps = batch_idx + 1
        if pl_module.stop_reason == "converged":  # that step's update was skipped
            return
        if (
            steps % pl_module.recipe.steps_per_epoch == 0
            and (steps // pl_module.recipe.steps_per_epoch) % self.every == 0
        ):
            self._keep(steps // pl_module.recipe.steps_per_epoch, pl_module)

    def on_train_end(self, trainer, pl_module):
        epochs = len(pl_module.history) - (pl_module.stop_reason == "converged")
        if self.kept[-1][0] != epochs:
            self._keep(epochs, pl_module)


class StopOnSignal(Callback):
    """Ends training within one step of `event` being set (the Space's Stop button)."""

    def __init__(self, event: threading.Event):
        self.event = event

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        if self.event.is_set():
            pl_module.request_stop("stopped")


class TimeLimit(Callback):
    """Ends training once `seconds` of wall time have passed; the result says it is partial."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._deadline = math.inf

    def on_train_start(self, trainer, pl_module):
        self._deadline = time.monotonic() + self.seconds

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        if time.monotonic() >= self._deadline:
            pl_module.request_stop("time_limit")


# Lightning's advice and info lines mean nothing for a two-sequence dataset. They are silenced
# for good rather than around each fit: logger levels and warning filters are process-wide, and
# two trainings at once would restore each other's settings mid-run.
_LIGHTNING_NOISE = (
    ".*does not have many workers.*",
    ".*GPU available but not used.*",
    ".*Trying to infer the `batch_size`.*",
    ".*`training_step` returned `None`.*",  # a converged step skips its update on purpose
    ".*isinstance\\(treespec, LeafSpec\\).*",  # Lightning 2.6.6 against torch 2.13
)


@contextmanager
def quiet_lightning():
    for name in ("lightning.pytorch", "lightning.fabric", "lightning"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for pattern in _LIGHTNING_NOISE:
        warnings.filterwarnings("ignore", message=pattern)
    yield


def train(
    kind_or_model: str | LSTMModel,
    recipe: str | Recipe = "fast",
    *,
    epochs: int | None = None,
    learning_rate: float | None = None,
    seed: int | None = None,
    device: str = "cpu",
    max_seconds: float | None = None,
    on_epoch: Callable[[EpochRecord], None] | None = None,
    stop: threading.Event | None = None,
    callbacks: list[Callback] | None = None,
    limits: Limits | None = None,
) -> TrainResult:
    """Train a model with Lightning and hand it back with what happened.

    `kind_or_model`: "builtin" or "craft" (a fresh model initialised from the seed), or a model to
    go on training. `recipe`: a name from RECIPES or a Recipe; `epochs`, `learning_rate` and
    `seed` override it. `max_seconds` (default: the limit) bounds the wall time; `stop` ends
    training within one step when set; `on_epoch` gets an EpochRecord after each recipe epoch.
    """
    limits = limits or Limits.from_env()
    epochs, learning_rate, seed = check_options(epochs, learning_rate, seed, max_seconds, limits)
    kind = kind_or_model if isinstance(kind_or_model, str) else kind_or_model.kind
    recipe = get_recipe(recipe, kind) if isinstance(recipe, str) else recipe
    recipe = replace(
        recipe,
        epochs=recipe.epochs if epochs is None else epochs,
        learning_rate=recipe.learning_rate if learning_rate is None else learning_rate,
        seed=recipe.seed if seed is None else seed,
    )
    torch_device = resolve_device(device)
    torch.set_num_threads(1)  # a 12-parameter model gains nothing from threads and loses much on a busy machine
    model = new_model(kind, recipe.seed) if isinstance(kind_or_model, str) else kind_or_model
    model = model.to(torch_device).train()
    before = company_predictions(model)

    task = LSTMTask(model, recipe)
    watchers: list[Callback] = [TimeLimit(limits.max_train_seconds if max_seconds is None else max_seconds)]
    if stop is not None:
        watchers.append(StopOnSignal(stop))
    if on_epoch is not None:
        watchers.append(EpochProgress(on_epoch))
    loader = DataLoader(_CompanySteps(recipe, recipe.epochs, torch.device(torch_device)), batch_size=None)
    with quiet_lightning():
        trainer = L.Trainer(
            accelerator="gpu" if torch_device == "cuda" else "cpu",
            devices=1,
            max_epochs=1,  # one Lightning epoch holds all recipe epochs
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            num_sanity_val_steps=0,
            callbacks=watchers + list(callbacks or []),
        )
        started = time.perf_counter()
        try:
            trainer.fit(task, train_dataloaders=loader)
        except (KeyboardInterrupt, SystemExit) as exc:
            # Lightning turns an interrupt into sys.exit(1); a server thread must survive it.
            raise TrainingError("Training was interrupted before it finished; nothing was saved.") from exc
        except torch.cuda.OutOfMemoryError as exc:
            raise TrainingError("The GPU ran out of memory; train on the CPU instead.") from exc
        except Exception as exc:
            if isinstance(exc.__context__, (KeyboardInterrupt, SystemExit)):
                # Off the main thread Lightning's interrupt handling fails to install its signal
                # handler, and that ValueError hides the interrupt.
                raise TrainingError("Training was interrupted before it finished; nothing was saved.") from exc
            raise TrainingError(f"Training failed inside a step ({type(exc).__name__}); nothing was saved.") from exc
        seconds = time.perf_counter() - started

    model.eval()
    after = company_predictions(model)
    reason = task.stop_reason or "completed"
    # Recipe epochs whose updates were applied; a converged epoch's update was skipped.
    epochs_run = len(task.history) - (reason == "converged")
    if reason != "diverged" and not math.isfinite(mse(after)):
        reason = "diverged"
    return TrainResult(
        model=model,
        kind=kind,
        recipe=recipe,
        epochs=epochs_run,
        loss=mse(after),
        predictions=after,
        predictions_before=before,
        seconds=seconds,
        device=torch_device,
        stop_reason=reason,
        history=task.history,
    )
