"""What Explore's parts share: a part's heading and its one-line explanation, in one block."""

from __future__ import annotations

import gradio as gr

from ...messages import MESSAGES
from ..common import T


def heading(key: str) -> None:
    english, chinese = (f"### {title}\n\n{info}" for title, info in zip(MESSAGES[key], MESSAGES[f"{key}.info"]))
    gr.Markdown(T.define(f"{key}.block", english, chinese), elem_id=key.replace(".", "-") + "-heading")
