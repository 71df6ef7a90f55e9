"""Training with Lightning: `train()` and the one Trainer configuration, `make_trainer()`.

Where the parts live:
    recipes.py    the recipes, devices, option checks and result types (no Lightning)
    tasks.py      the LightningModule (LSTMTask) and the dataset that feeds it
    callbacks.py  progress, snapshots, Stop and the time limit (Lightning's Timer)
    lottery.py    many hand-built cells trained at once, through make_trainer() too

A library call leaves the caller's process as it found it: the thread count, Lightning's logger
levels and the warning filters are restored, and a model handed in goes back to its device.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta

import lightning as L
import torch
from lightning.fabric.utilities.warnings import disable_possible_user_warnings
from lightning.pytorch.callbacks import Callback

from .callbacks import EpochProgress, StopOnSignal, TimeLimit
from .errors import TrainingError
from .limits import Limits
from .models import LSTMModel, new_model
from .recipes import EpochRecord, Recipe, TrainResult, check_options, company_predictions, get_recipe, mse
from .recipes import resolve_device
from .tasks import BLOCK_MS, LSTMTask, RecipeEpochs

# -- Leaving the caller's process as it was ---------------------------------------------------------

# Lightning's advice meant for real workloads ("GPU available but not used" when the CPU is asked
# for) is a PossibleUserWarning: Lightning's own category for warnings that may not apply, with its
# own switch to silence it. The filter is installed once, here, rather than around
# each fit: warnings.catch_warnings() swaps the process-wide filter list and is not thread-safe,
# so two trainings at once (the Space runs them) would restore each other's filters mid-run.
# `module=` limits it to warnings raised from Lightning's own modules: a caller's warnings, and
# Lightning's warnings of other categories, are untouched.
disable_possible_user_warnings(module=r"lightning\.")
# Lightning 2.6.6 builds a `LeafSpec`, which torch 2.13 deprecates with a FutureWarning, once per
# fit; it is about the two libraries' versions, not about this project, and only that module's is hidden.
warnings.filterwarnings("ignore", category=FutureWarning, module=r"lightning\.pytorch\.utilities\._pytree$")

_LIGHTNING_LOGGERS = ("lightning.pytorch", "lightning.fabric", "lightning")


class _WhileAnyTrains:
    """Lightning's loggers at WARNING while at least one training runs; their levels restored after.

    Logger levels are process-wide and trainings may overlap (one thread each): the first to
    start saves the levels and the last to end restores them, so neither restores under the
    other's feet.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._running = 0
        self._saved: dict[str, int] = {}

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._running == 0:
                self._saved = {name: logging.getLogger(name).level for name in _LIGHTNING_LOGGERS}
                for name in _LIGHTNING_LOGGERS:
                    logging.getLogger(name).setLevel(logging.WARNING)
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if self._running == 0:
                    for name, level in self._saved.items():
                        logging.getLogger(name).setLevel(level)


# Silences Lightning's info lines ("GPU available: False", "LOCAL_RANK: 0 ...") around a fit.
quiet_lightning = _WhileAnyTrains()


@contextmanager
def single_thread() -> Iterator[None]:
    """torch's intra-op threads at 1 for the `with` block, the previous count restored after.

    A 12-parameter model gains nothing from threads and loses much on a busy machine. With
    torch's OpenMP backend the count belongs to the calling thread (and is the default a new
    thread starts with), so the thread that sets it restores it; trainings in other threads keep
    their own. A process that owns its threads (the Space, the command line) may instead call
    `torch.set_num_threads(1)` once at start.
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


# -- The Trainer ------------------------------------------------------------------------------------


def make_trainer(device: str = "cpu", callbacks: list[Callback] | tuple[Callback, ...] = ()) -> L.Trainer:
    """The one Trainer configuration: `train()`, the lottery and the benchmarks all use it.

    One Lightning epoch holds the whole run (its dataset has an item per step), nothing is
    logged, checkpointed or printed. Make and fit it inside `quiet_lightning()`.
    """
    return L.Trainer(
        accelerator="gpu" if device == "cuda" else "cpu",
        devices=1,
        max_epochs=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        callbacks=list(callbacks),
    )


_INTERRUPTED = "Training was interrupted before it finished; nothing was saved."


def fit(trainer: L.Trainer, task: L.LightningModule, steps: Iterable) -> float:
    """trainer.fit over `steps` (an iterable with a length, an item per Lightning step), faults
    turned into one sentence each; returns the seconds it took."""
    started = time.perf_counter()
    try:
        trainer.fit(task, train_dataloaders=steps)
    except (KeyboardInterrupt, SystemExit) as exc:
        # Lightning turns an interrupt into sys.exit(1); a server thread must survive it.
        raise TrainingError(key="training.interrupted") from exc
    except torch.cuda.OutOfMemoryError as exc:
        raise TrainingError(key="training.gpu_memory") from exc
    except Exception as exc:
        if isinstance(exc.__context__, (KeyboardInterrupt, SystemExit)):
            # Off the main thread Lightning's interrupt handling fails to install its signal
            # handler, and that ValueError hides the interrupt.
            raise TrainingError(key="training.interrupted") from exc
        raise TrainingError(key="training.failed_step", params={"error": type(exc).__name__}) from exc
    return time.perf_counter() - started


# -- Training one model -----------------------------------------------------------------------------


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
    block_ms: float = BLOCK_MS,
) -> TrainResult:
    """Train a model with Lightning and hand it back with what happened.

    `kind_or_model`: "builtin" or "craft" (a fresh model initialised from the seed), or a model to
    go on training (trained in place, and handed back on the device it came on). `recipe`: a name
    from RECIPES or a Recipe; `epochs`, `learning_rate` and `seed` override it. `max_seconds`
    (default: the limit) bounds the wall time; `stop` ends training at the end of the recipe epoch
    in which it is set; `on_epoch` gets an EpochRecord after each recipe epoch (its `seconds`, the
    time since training began, gives the speed and the time left). `callbacks`: more Lightning
    callbacks; one with `on_recipe_epoch_end` (callbacks.EpochCallback) acts after every epoch.

    `block_ms`: milliseconds of work per Lightning step (tasks.py); any value gives the same
    epochs, records, snapshots and numbers (0: one epoch a step).
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
    model = new_model(kind, recipe.seed) if isinstance(kind_or_model, str) else kind_or_model
    home = next(model.parameters()).device
    model = model.to(torch_device).train()
    before = company_predictions(model)

    task = LSTMTask(model, recipe, block_ms=block_ms)
    # Progress first: a Stop set from `on_epoch` is then seen at the end of that same epoch.
    watchers: list[Callback] = [EpochProgress(on_epoch)] if on_epoch is not None else []
    if stop is not None:
        watchers.append(StopOnSignal(stop))
    # Lightning's Timer, checked after every recipe epoch (and every Lightning step).
    seconds_allowed = limits.max_train_seconds if max_seconds is None else max_seconds
    timer = TimeLimit(duration=timedelta(seconds=seconds_allowed), interval="step", verbose=False)
    epochs_to_run = RecipeEpochs(recipe, recipe.epochs, torch.device(torch_device))
    with single_thread(), quiet_lightning():
        trainer = make_trainer(torch_device, [*watchers, timer, *(callbacks or [])])
        seconds = fit(trainer, task, epochs_to_run)

    model = model.to(home).eval()  # Lightning's teardown may have moved it; the caller's device again
    after = company_predictions(model)
    reason = task.stop_reason
    if reason is None:
        # Lightning's Timer stops the run without a word; the time left says it was the one.
        if task.epochs_done >= recipe.epochs:
            reason = "completed"
        elif timer.time_remaining() <= 0:
            reason = "time_limit"
        else:
            reason = "stopped"
    if reason != "diverged" and not math.isfinite(mse(after)):
        reason = "diverged"
    return TrainResult(
        model=model,
        kind=kind,
        recipe=recipe,
        epochs=task.epochs_done,
        loss=mse(after),
        predictions=after,
        predictions_before=before,
        seconds=seconds,
        device=torch_device,
        stop_reason=reason,
        history=task.history,
    )
