"""The one place that turns a value a person or script sent into a checked number or name.

Values may arrive as JSON (1, 1.0, "1", NaN, a list); each check returns the typed value or
raises InputError with one sentence.
"""

from __future__ import annotations

import math

from .errors import InputError


def whole_number(value: object, what: str, low: int, high: int) -> int:
    """An int from a JSON value (1, 1.0 or "1"), within [low, high], or one sentence."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except OverflowError:  # an integer past float's range (10^400): out of range, not "not a number"
        number = math.inf
    except (TypeError, ValueError):
        raise InputError(key="number.whole.not", params={"what": what, "shown": str(value)[:30]}) from None
    if not math.isfinite(number) or number != int(number) or not low <= number <= high:
        raise InputError(key="number.whole.range", params={"what": what, "low": low, "high": high})
    return int(number)


def real_number(value: object, what: str, low: float, high: float) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except OverflowError:
        number = math.inf
    except (TypeError, ValueError):
        raise InputError(key="number.real.not", params={"what": what, "shown": str(value)[:30]}) from None
    if not (math.isfinite(number) and low <= number <= high):  # NaN fails here too
        raise InputError(key="number.real.range", params={"what": what, "low": low, "high": high})
    return number


def choice(value: object, what: str, options: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in options:
        raise InputError(
            key="choice.unknown", params={"what": what, "shown": str(value)[:30], "options": ", ".join(options)}
        )
    return value
