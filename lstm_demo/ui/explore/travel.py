"""Explore's time-travel: a pointer to Retrain, where every training replays on its drawn cell (Play, a
scrub bar, and any epoch's weights opened in Inside). One implementation, Retrain's."""

from __future__ import annotations

import gradio as gr

from ..common import T
from .common import heading


def build() -> gr.Button:
    """The pointer's button; layout.py makes it open Retrain (the main tabs are its output)."""
    heading("explore.travel")
    return gr.Button(T("explore.travel.link"), elem_id="travel-link")
