"""The errors a person or script can cause; each message is one sentence meant for them.

Each error names its sentence in the catalogue (lstm_demo.messages) by `key`, with the values it
fills in as `params`: `InputError(key="sequence.nan", params={"position": 2})`. Its text (str) is
the English sentence, for scripts and the command line; the Space writes `sentence(language)` in
the visitor's language. An error made from a bare message (no key) stays English everywhere; a
test keeps the package's own raise sites keyed.
"""

from __future__ import annotations

from .messages import say


class LSTMDemoError(Exception):
    """Anything the command line and the Space report as a sentence instead of a traceback."""

    def __init__(self, message: str | None = None, *, key: str | None = None, params: dict | None = None):
        self.key = key  # e.g. "limits.range.whole": which sentence this is, whatever its language
        self.params = dict(params or {})  # the values the sentence names, e.g. {"name": ..., "low": ...}
        if message is None:
            if key is None:
                raise TypeError("an error needs a message or a catalogue key")
            message = say(key, "en", **self.params)
        super().__init__(message)

    def sentence(self, language: str = "en") -> str:
        """The error in `language` ('en' or 'zh'): the catalogue's sentence, or the bare message."""
        return say(self.key, language, **self.params) if self.key else str(self)


class InputError(LSTMDemoError, ValueError):
    """Input that cannot be used: a sequence, a number out of range, a name not in a list."""


class WeightsError(InputError):
    """Weights that cannot be used: a file, folder or Hub repo that does not hold a valid model."""


class TrainingError(LSTMDemoError, RuntimeError):
    """A training that could not run or was cut short by a fault."""


class LimitsError(LSTMDemoError, ValueError):
    """A setting (an LSTM_DEMO_* environment variable) outside its range: the Space does not start."""
