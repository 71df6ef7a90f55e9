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
from ..weights import BUNDLED
from .common import T
from .text import EN, ZH

CARD_ORDER = ("craft", "builtin")  # the hand-built cell first: it is the lesson


def build_about_tab(limits: Limits) -> None:
    gr.Markdown(T("about.what"), elem_id="about-what")
    gr.Markdown(SCRIPT_EXAMPLE)
    gr.Markdown(T(limits_key(limits)), elem_id="about-limits")
    gr.Markdown(T("about.equations"))
    gr.Markdown(equations_markdown())
    gr.Markdown(T("about.cards"))
    for kind in CARD_ORDER:
        key = f"about.card.{kind}"
        EN[key], ZH[key] = card_summary(kind, "en"), card_summary(kind, "zh")
        gr.Markdown(T(key), elem_id=f"about-card-{kind}")
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


CARD_SUMMARY = {
    "craft": {
        "en": (
            "**Hand-built cell** (12 parameters). StatQuest's own numbers from the video *LSTM Clearly Explained*, "
            "remade by the seed's recipe `{recipe}`: seed {seed}, {epochs} epochs, Adam at learning rate "
            "{learning rate}. Predicts Company A → {Company A}, Company B → {Company B}."
        ),
        "zh": (
            "**手工单元**（12 个参数）。这就是 StatQuest 视频《LSTM Clearly Explained》里的那组数字，"
            "由原文的训练方案 `{recipe}` 重新训练得到：随机种子 {seed}，{epochs} 轮，Adam，学习率 {learning rate}。"
            "预测：公司 A → {Company A}，公司 B → {Company B}。"
        ),
    },
    "builtin": {
        "en": (
            "**Built-in `torch.nn.LSTM(1, 1)`** (16 parameters: two biases per gate). Trained by the recipe "
            "`{recipe}`: seed {seed}, {epochs} epochs, Adam at learning rate {learning rate}. "
            "Predicts Company A → {Company A}, Company B → {Company B}."
        ),
        "zh": (
            "**内置 `torch.nn.LSTM(1, 1)`**（16 个参数：每个门两个偏置）。由训练方案 `{recipe}` 训练得到："
            "随机种子 {seed}，{epochs} 轮，Adam，学习率 {learning rate}。预测：公司 A → {Company A}，公司 B → {Company B}。"
        ),
    },
}


def card_summary(kind: str, language: str) -> str:
    """A model card's summary in `language`, from the card's own numbers."""
    facts = card_facts(kind)
    template = CARD_SUMMARY[kind][language]
    return re.sub(r"\{([^{}]+)\}", lambda m: facts.get(m.group(1), "?"), template)


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


def limits_key(limits: Limits) -> str:
    """The i18n key of this app's limits sentence (registered here: it holds the app's numbers)."""
    numbers = dict(
        length=f"{limits.max_sequence_length:,}",
        epochs=f"{limits.max_epochs:,}",
        seconds=f"{limits.max_train_seconds:g}",
        trainings=limits.max_concurrent_trainings,
        bytes=f"{limits.max_upload_bytes:,}",
    )
    en = (
        "## Limits\nSequences up to {length} numbers; up to {epochs} epochs and {seconds} s per training; "
        "{trainings} trainings at once; uploads up to {bytes} bytes (`.safetensors` only)."
    ).format(**numbers)
    zh = (
        "## 限制\n序列最多 {length} 个数字；每次训练最多 {epochs} 轮、{seconds} 秒；同时最多 {trainings} 个训练；"
        "上传文件最大 {bytes} 字节（只接受 `.safetensors`）。"
    ).format(**numbers)
    key = "about.limits." + hashlib.sha256(en.encode()).hexdigest()[:10]
    EN[key], ZH[key] = en, zh
    return key
