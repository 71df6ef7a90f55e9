"""What stops the start when Gradio has moved something the Space reaches for (gradio_internals.py):
one sentence naming the Gradio version, what is missing and what the Space would lose."""

from __future__ import annotations

from typing import NamedTuple

import gradio

from ..errors import LSTMDemoError


class Said(NamedTuple):
    """A catalogue sentence as a value another sentence fills in (messages.say translates it)."""

    key: str
    params: dict


class GradioChanged(LSTMDemoError, RuntimeError):
    """A private name or behaviour of Gradio this Space relies on is gone: the Space does not start."""


def missing(owner: str, name: str, purpose: str) -> GradioChanged:
    params = {"version": gradio.__version__, "owner": owner, "name": name, "purpose": Said(purpose, {})}
    return GradioChanged(key="gradio.missing", params=params)


def need(value: object, owner: str, name: str, purpose: str) -> object:
    """`value`'s attribute `name`, or the error that names it."""
    if not hasattr(value, name):
        raise missing(owner, name, purpose)
    return getattr(value, name)
