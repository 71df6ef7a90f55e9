"""The About tab: what the Space is, how to call it from a script, its limits, and the model cards.

Everything on it is in both languages (gr.I18n keys the browser translates): the text here, and a
translated summary of each model card read from the card itself. The cards stay as they are on the
Hub (English), each in an accordion below its summary.
"""

from __future__ import annotations

import hashlib
import re

import gradio as gr

from ..explain import equations_markdown
from ..limits import Limits
from ..messages import say
from ..weights import BUNDLED
from .common import T

CARD_ORDER = ("craft", "builtin")  # the hand-built cell first: it is the lesson


def build_about_tab(limits: Limits) -> None:
    gr.Markdown(T("about.what"), elem_id="about-what")
    gr.Markdown(SCRIPT_EXAMPLE)
    gr.Markdown(limits_label(limits), elem_id="about-limits")
    gr.Markdown(T("about.equations"))
    gr.Markdown(equations_markdown())
    gr.Markdown(T("about.cards"))
    for kind in CARD_ORDER:
        key = f"about.card.{kind}"
        label = T.define(key, card_summary(kind, "en"), card_summary(kind, "zh"))
        gr.Markdown(label, elem_id=f"about-card-{kind}")
        with gr.Accordion(T(f"about.card.{kind}.full"), open=False):
            gr.Markdown(card_body(kind))


def card_body(kind: str) -> str:
    """The bundled model card without its YAML front matter."""
    text = (BUNDLED / kind / "README.md").read_text(encoding="utf-8")
    return text.split("---", 2)[-1] if text.startswith("---") else text


def card_facts(kind: str) -> dict[str, str]:
    """What a card's tables say: recipe, seed, epochs, learning rate, and each company's prediction."""
    facts = {}
    for line in card_body(kind).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] in ("recipe", "seed", "epochs", "learning rate"):
            facts[cells[0]] = cells[1]
        elif len(cells) == 3 and cells[0].startswith("Company "):
            facts[cells[0].split("`")[0].strip()] = cells[2]
    recipe = re.match(r"`([^`]+)`", facts.get("recipe", ""))
    facts["recipe"] = recipe.group(1) if recipe else facts.get("recipe", "?")
    facts["learning rate"] = facts.get("learning rate", "?").split(" ")[0]
    return facts


def card_summary(kind: str, language: str) -> str:
    """A model card's summary in `language`, from the card's own numbers."""
    facts = card_facts(kind)
    return say(
        f"about.card.{kind}.summary",
        language,
        recipe=facts.get("recipe", "?"),
        seed=facts.get("seed", "?"),
        epochs=facts.get("epochs", "?"),
        learning_rate=facts.get("learning rate", "?"),
        company_a=facts.get("Company A", "?"),
        company_b=facts.get("Company B", "?"),
    )


# The same in both languages: code. The file it uploads is in this repository.
SCRIPT_EXAMPLE = """
```python
from gradio_client import Client, handle_file
client = Client("http://127.0.0.1:7860/")          # or the Space's name
client.predict("1, 0.5, 0.25, 1", "craft", api_name="/predict")          # 0.9692...
client.predict("1, 0.5, 0.25, 1", "builtin", api_name="/trace")         # table: step, input, forget_gate, ...
client.predict("1, 0.5, 0.25, 1", api_name="/parity")                    # ~1e-7
client.predict("craft", "fast", 1000, 0.01, 42, "cpu", api_name="/train")  # (progress, loss, predictions, summary, file)
client.predict(handle_file("weights/craft/model.safetensors"), "0, 0.5, 0.25, 1", api_name="/predict_upload")
```
"""


def limits_label(limits: Limits):
    """The app's limits in a sentence (a page-computed label: it holds this app's numbers)."""
    numbers = dict(
        length=limits.max_sequence_length,
        epochs=limits.max_epochs,
        seconds=limits.max_train_seconds,
        trainings=limits.max_concurrent_trainings,
        bytes=limits.max_upload_bytes,
    )
    en, zh = (say("about.limits", language, **numbers) for language in ("en", "zh"))
    return T.define("about.limits." + hashlib.sha256(en.encode()).hexdigest()[:10], en, zh)
