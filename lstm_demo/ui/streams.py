"""How a long job's stream reaches the page: what a message may carry, and how often.

Each streamed message costs the page more than its own outputs: Gradio's page (6.31) refreshes the
loading status of every component an event writes to, copying their properties, at every message,
and a chart's redraw is a Vega layout on the page's main thread. So a stream sends its text at most
every TEXT_EVERY seconds, and its charts at most every CHART_REDRAW seconds, one chart a message, in
turn (each redraw its own, shorter task), with at most TRAINING_POINTS points a line. Retrain and
the learning-rate race both stream through `Throttle`.
"""

from __future__ import annotations

import math
import time

TEXT_EVERY = 0.75  # seconds between streamed updates of a job's text (and the live drawing's weights: under TICK
# later than due, so the drawing changes at least once a second)
CHART_REDRAW = 2.0  # seconds between redraws of one chart while a job streams
TRAINING_POINTS = 150  # points per line in a streamed chart (the first and the last are kept)
TICK = 0.25  # seconds between looks at a running job's records (what is sent is throttled above)


class Every:
    """`due()` is True at the first call and then at most once per `seconds` (throttles redraws)."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._next = -math.inf

    def due(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + self.seconds
        return True


class Throttle:
    """What a stream may send now: `text()` is True at most every TEXT_EVERY seconds; `chart()` is the
    index of the one chart (of `charts`) to redraw in this message, or None. With two charts each is
    redrawn every CHART_REDRAW seconds, in turn."""

    def __init__(self, charts: int):
        self.charts = charts
        self._text = Every(TEXT_EVERY)
        self._chart = Every(CHART_REDRAW / charts)
        self._redrawn = 0

    def text(self) -> bool:
        return self._text.due()

    def chart(self) -> int | None:
        if not self._chart.due():
            return None
        index = self._redrawn % self.charts
        self._redrawn += 1
        return index
