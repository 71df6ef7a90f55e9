"""The About tab: what the Space is, how to call it from a script, its limits, and the model cards."""

from __future__ import annotations

import gradio as gr

from ..explain import equations_markdown
from ..limits import Limits
from ..models import MODEL_KINDS
from ..weights import BUNDLED


def build_about_tab(limits: Limits) -> None:
    gr.Markdown(about_text(limits))
    gr.Markdown(equations_markdown())
    for kind in sorted(MODEL_KINDS, reverse=True):  # the hand-built cell first: it is the lesson
        with gr.Accordion(f"Model card: {kind}", open=False):
            gr.Markdown(card_body(kind))


def card_body(kind: str) -> str:
    """The bundled model card without its YAML front matter."""
    text = (BUNDLED / kind / "README.md").read_text(encoding="utf-8")
    return text.split("---", 2)[-1] if text.startswith("---") else text


def about_text(limits: Limits) -> str:
    return f"""
## What this is
Two LSTMs, one from the library (`torch.nn.LSTM`) and one **built by hand** from the six equations below,
pretrained on StatQuest's toy task and shown side by side. **Inside the LSTM** steps through a sequence and shows
each gate; **Retrain** trains either model with Lightning while you watch. The weights are safetensors files
in the Hub layout; transplanted between the two models they give the same numbers (see the parity panel).

A 12-parameter model trains faster on a CPU than on a GPU: each step is a few dozen tiny operations, and a GPU
spends its time launching them.

## Call it from a script
```python
from gradio_client import Client, handle_file
client = Client("http://127.0.0.1:7860/")          # or the Space's name
client.predict("1, 0.5, 0.25, 1", "craft", api_name="/predict")          # 0.9692...
client.predict("1, 0.5, 0.25, 1", "builtin", api_name="/trace")         # table: step, input, forget_gate, ...
client.predict("1, 0.5, 0.25, 1", api_name="/parity")                    # ~1e-7
client.predict("craft", "fast", 1000, 0.01, 42, "cpu", api_name="/train")  # (progress, loss, predictions, summary, file)
client.predict(handle_file("model.safetensors"), "0, 0.5, 0.25, 1", api_name="/predict_upload")
```

## Limits
Sequences up to {limits.max_sequence_length:,} numbers; up to {limits.max_epochs:,} epochs and \
{limits.max_train_seconds:g} s per training; {limits.max_concurrent_trainings} trainings at once; uploads up to \
{limits.max_upload_bytes:,} bytes (`.safetensors` only).
"""
