"""Each visitor's share of the queue.

Gradio's queue has one size for every event (max_size), so one client re-submitting trainings from
fresh sessions could hold every slot and every other visitor's /predict got "Queue is full". At each
queue join the guard counts the jobs already waiting in Gradio's queue (and those it is admitting
right now) for the same session, the same client address, and, for a training, all trainings; past
a bound the join gets 429 and one sentence, and never reaches the queue. Trainings (the events whose
concurrency id is "training") thus wait in a room of their own, smaller than the queue, and one
address can hold only a few places in either.
"""

from __future__ import annotations

import collections

from ...limits import Limits
from ...messages import say
from ..gradio_internals import waiting_events
from .addresses import client_address

TRAINING = "training"  # the concurrency id of train, race and lottery (retrain.py, explore.py)


def busy(limit: int, language: str = "en") -> str:
    return say("guard.busy", language, limit=limit)


def trainings_full(limit: int, language: str = "en") -> str:
    return say("guard.trainings_full", language, limit=limit)


class QueueShare:
    """The admission check on Gradio's queue join (see the module docstring)."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self._joining: collections.Counter = collections.Counter()  # keys admitted, not yet in Gradio's queue

    @staticmethod
    def _waiting(blocks):
        for session, scope, concurrency in waiting_events(blocks):
            address = client_address(scope) if scope is not None else "unknown"
            yield session, address, concurrency == TRAINING

    def refusal(self, blocks, session: str | None, address: str, training: bool, language: str = "en") -> str | None:
        """The sentence that refuses this join, or None to admit it."""
        per_session = per_address = trainings = trainings_here = 0
        for s, a, t in self._waiting(blocks):
            per_session += s == session
            per_address += a == address
            trainings += t
            trainings_here += t and a == address
        per_session += self._joining[("session", session)]
        per_address += self._joining[("address", address)]
        trainings += self._joining[("training", None)]
        trainings_here += self._joining[("training", address)]
        limits = self.limits
        if session is not None and per_session >= limits.max_waiting_per_session:
            return busy(limits.max_waiting_per_session, language)
        if per_address >= limits.max_waiting_per_address:
            return busy(limits.max_waiting_per_address, language)
        if training and trainings_here >= limits.max_waiting_trainings_per_address:
            return busy(limits.max_waiting_trainings_per_address, language)
        if training and trainings >= limits.max_waiting_trainings:
            return trainings_full(limits.max_waiting_trainings, language)
        return None

    def keys(self, session: str | None, address: str, training: bool) -> list[tuple]:
        keys = [("session", session), ("address", address)]
        return keys + [("training", None), ("training", address)] if training else keys

    def hold(self, keys: list[tuple]) -> None:
        self._joining.update(keys)

    def release(self, keys: list[tuple]) -> None:
        self._joining.subtract(keys)
        for key in keys:
            if self._joining[key] <= 0:
                del self._joining[key]
