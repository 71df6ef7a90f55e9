"""What Explore's parts share: a part's heading and its one-line explanation."""

from __future__ import annotations

import gradio as gr

from ..common import T


def heading(key: str) -> None:
    gr.Markdown("### " + T(key), elem_id=key.replace(".", "-") + "-heading")
    gr.Markdown(T(f"{key}.info"))
