"""LSTM, built two ways: torch.nn.LSTM and a cell built by hand from the equations, side by side.

    from lstm_demo import load_model, parse_sequence, train
    model = load_model("craft")                      # the bundled pretrained weights
    model.predict(parse_sequence("1, 0.5, 0.25, 1"))  # ~0.969
    result = train("builtin", "fast")                # Lightning; result.model, result.summary()

Importing this package loads no model and does not import Lightning: the recipes and result types
come from recipes.py, and `train` (training.py, Lightning) is imported on first use.
"""

from .data import COMPANIES, COMPANY_A, COMPANY_B, format_sequence, parse_sequence
from .errors import InputError, LSTMDemoError, TrainingError, WeightsError
from .limits import Limits
from .models import (
    MODEL_KINDS,
    BuiltinLSTM,
    CraftLSTM,
    LSTMModel,
    Trace,
    new_model,
    to_builtin,
    to_craft,
    transplant,
)
from .recipes import RECIPES, EpochRecord, Recipe, TrainResult, get_recipe
from .weights import load_file, load_model, load_pretrained, save_model


def __getattr__(name):
    if name == "train":
        from .training import train

        return train
    raise AttributeError(f"module 'lstm_demo' has no attribute {name!r}")


__all__ = [
    "COMPANIES", "COMPANY_A", "COMPANY_B", "InputError", "LSTMDemoError", "TrainingError",
    "format_sequence", "parse_sequence",
    "Limits", "MODEL_KINDS", "BuiltinLSTM", "CraftLSTM", "LSTMModel", "Trace", "new_model",
    "to_builtin", "to_craft", "transplant", "WeightsError", "load_file", "load_model",
    "load_pretrained", "save_model", "EpochRecord", "RECIPES", "Recipe", "TrainResult", "get_recipe", "train",
]  # fmt: skip
