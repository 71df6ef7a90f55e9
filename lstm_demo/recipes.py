"""What a training is, as data: the named recipes, the devices, the options' checks, the result types.

This module imports torch but not Lightning, so the command line, the Space's layout and the model
cards can name recipes, devices and results without paying Lightning's import (seconds). The
trainer itself is `training.train()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from .checks import real_number, whole_number
from .data import COMPANIES, training_data
from .errors import InputError, TrainingError
from .limits import Limits
from .messages import say
from .models import LSTMModel, check_kind

DEVICES = ("auto", "cpu", "gpu")  # what a person may ask for; resolve_device turns it into torch's name

# The optimizers a recipe may name, and how people write them.
OPTIMIZERS = {"adam": "Adam", "rprop": "Rprop"}

# Why a training ended (TrainResult.stop_reason).
STOP_REASONS = ("completed", "converged", "stopped", "time_limit", "diverged")


@dataclass(frozen=True)
class Recipe:
    """How to train one model: a named value, not literals scattered through the code."""

    name: str
    epochs: int  # recipe epochs; with a tolerance, the most it may take
    learning_rate: float
    full_batch: bool  # True: both companies in one step; False: the seed's batch of one, A then B
    tolerance: float | None = None  # stop once both predictions are this close to their labels
    seed: int = 42  # the seed's seed_everything(42)
    optimizer: str = "adam"  # "adam", or "rprop": sign-based steps, made for full-batch training

    @property
    def steps_per_epoch(self) -> int:
        return 1 if self.full_batch else len(COMPANIES)

    def describe(self, language: str = "en") -> str:
        """The recipe in plain words (English or Chinese), made from its fields (model cards, the
        Space's text), so that the words cannot say one optimizer while the recipe uses another."""
        batch = say("recipe.batch.full" if self.full_batch else "recipe.batch.one", language)
        if self.tolerance is None:
            end = say("recipe.end.epochs", language, epochs=self.epochs)
        else:
            end = say("recipe.end.converged", language, tolerance=self.tolerance, epochs=self.epochs)
        optimizer = OPTIMIZERS.get(self.optimizer, self.optimizer)
        return say("recipe.text", language, batch=batch, optimizer=optimizer, lr=self.learning_rate, end=end)


# The seed's recipes: batch of one, no shuffle, Adam with the seed's learning rates.
# "fast": full batch with Rprop, chosen by `python bench/fast_recipe_sweep.py`: on seeds 0-99
# Adam (any learning rate tried) leaves 15-50% of them creeping towards the labels for
# hundreds of epochs, while Rprop, whose step sizes grow while a gradient keeps its sign, brings
# ~98% within 0.01 in a median of ~50 epochs.
RECIPES: dict[str, dict[str, Recipe]] = {
    "statquest": {
        "craft": Recipe("statquest", epochs=5000, learning_rate=0.001, full_batch=False),
        "builtin": Recipe("statquest", epochs=300, learning_rate=0.1, full_batch=False),
    },
    "fast": {
        "craft": Recipe("fast", epochs=1000, learning_rate=0.01, full_batch=True, tolerance=0.01, optimizer="rprop"),
        "builtin": Recipe("fast", epochs=1000, learning_rate=0.01, full_batch=True, tolerance=0.01, optimizer="rprop"),
    },
}
RECIPE_NAMES = tuple(RECIPES)


def get_recipe(name: str, kind: str) -> Recipe:
    if name not in RECIPES:
        raise InputError(key="recipe.unknown", params={"shown": name, "options": " or ".join(map(repr, RECIPES))})
    return RECIPES[name][check_kind(kind)]


@dataclass(frozen=True)
class EpochRecord:
    """What one recipe epoch saw, as the seed logged it: the loss and "Out 0" / "Out 1"."""

    epoch: int  # 1-based
    loss: float  # mean squared error over the two companies
    company_a: float  # prediction for Company A during this epoch (before its update)
    company_b: float
    # Seconds from the start of training to the end of this epoch: epochs per second and the time
    # left follow from it (epoch / seconds). Not part of equality: two runs of the same numbers agree.
    seconds: float = field(default=0.0, compare=False)


@dataclass
class TrainResult:
    model: LSTMModel
    kind: str
    recipe: Recipe
    epochs: int  # recipe epochs whose updates were applied
    loss: float  # mean squared error of the final weights
    predictions: dict[str, float]  # company key -> prediction of the final weights
    predictions_before: dict[str, float]
    seconds: float  # time spent in trainer.fit
    device: str  # "cpu" or "cuda"
    stop_reason: str  # one of STOP_REASONS
    history: list[EpochRecord] = field(default_factory=list)

    def summary(self) -> dict:
        """A JSON-able summary (the command line's --json, the Space's, and the model card's)."""
        return {
            "model": self.kind,
            "recipe": self.recipe.name,
            "recipe_text": self.recipe.describe(),
            "recipe_text_zh": self.recipe.describe("zh"),  # the Space's summary on a Chinese page
            "epochs": self.epochs,
            "learning_rate": self.recipe.learning_rate,
            "optimizer": self.recipe.optimizer,
            "seed": self.recipe.seed,
            "loss": self.loss,
            "predictions": self.predictions,
            "predictions_before": self.predictions_before,
            "seconds": round(self.seconds, 4),
            "device": self.device,
            "stop_reason": self.stop_reason,
        }


def available_devices() -> list[str]:
    devices = ["cpu"]
    if torch.cuda.is_available():
        devices += [f"cuda:{i} ({torch.cuda.get_device_name(i)})" for i in range(torch.cuda.device_count())]
    return devices


def resolve_device(device: str) -> str:
    """'auto' | 'cpu' | 'gpu' -> 'cpu' or 'cuda'; 'gpu' without CUDA is refused with a sentence."""
    if device not in DEVICES:
        raise InputError(key="device.unknown", params={"shown": device})
    has_cuda = torch.cuda.is_available()
    if device == "gpu" and not has_cuda:
        raise TrainingError(key="device.no_gpu", params={"devices": ", ".join(available_devices())})
    return "cuda" if device in ("gpu", "auto") and has_cuda else "cpu"


def check_options(epochs, learning_rate, seed, max_seconds, limits: Limits) -> tuple:
    """The training options checked against the limits and typed; None stays None (the recipe's)."""
    if epochs is not None:
        epochs = whole_number(epochs, "number of epochs", 1, limits.max_epochs)
    if learning_rate is not None:
        learning_rate = real_number(learning_rate, "learning rate", limits.min_learning_rate, limits.max_learning_rate)
    if seed is not None:
        seed = whole_number(seed, "seed", 0, limits.max_seed)
    if max_seconds is not None and not (
        isinstance(max_seconds, (int, float)) and 0 < max_seconds <= limits.max_train_seconds
    ):
        raise InputError(key="training.time_limit", params={"limit": limits.max_train_seconds})
    return epochs, learning_rate, seed


def company_predictions(model: LSTMModel) -> dict[str, float]:
    """The model's prediction for each company, by company key."""
    inputs, _ = training_data()
    with torch.no_grad():
        values = model(inputs.to(next(model.parameters()).device)).tolist()
    return {company.key: value for company, value in zip(COMPANIES, values)}


def mse(predictions: dict[str, float]) -> float:
    """Mean squared error of predictions (by company key) against the companies' labels."""
    return sum((predictions[c.key] - c.label) ** 2 for c in COMPANIES) / len(COMPANIES)
