"""The errors a person or script can cause; each message is one sentence meant for them.

Each error may also carry a `key` and `params`: a name for the kind of sentence and the values in
it, so that a catalogue of translated sentences can be keyed on them later instead of parsing the
English text. Both are optional: the English message stays the error's text.
"""

from __future__ import annotations


class LSTMDemoError(Exception):
    """Anything the command line and the Space report as a sentence instead of a traceback."""

    def __init__(self, message: str, *, key: str | None = None, params: dict | None = None):
        super().__init__(message)
        self.key = key  # e.g. "limits.range": which sentence this is, whatever its language
        self.params = dict(params or {})  # the values the sentence names, e.g. {"name": ..., "low": ...}


class InputError(LSTMDemoError, ValueError):
    """Input that cannot be used: a sequence, a number out of range, a name not in a list."""


class WeightsError(InputError):
    """Weights that cannot be used: a file, folder or Hub repo that does not hold a valid model."""


class TrainingError(LSTMDemoError, RuntimeError):
    """A training that could not run or was cut short by a fault."""


class LimitsError(LSTMDemoError, ValueError):
    """A setting (an LSTM_DEMO_* environment variable) outside its range: the Space does not start."""
