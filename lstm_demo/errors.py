"""The errors a person or script can cause; each message is one sentence meant for them."""


class LSTMDemoError(Exception):
    """Anything the command line and the Space report as a sentence instead of a traceback."""


class InputError(LSTMDemoError, ValueError):
    """Input that cannot be used: a sequence, a number out of range, a name not in a list."""


class WeightsError(InputError):
    """Weights that cannot be used: a file, folder or Hub repo that does not hold a valid model."""


class TrainingError(LSTMDemoError, RuntimeError):
    """A training that could not run or was cut short by a fault."""
