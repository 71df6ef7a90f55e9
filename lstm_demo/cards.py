"""The model card each weights folder carries: what the model is and how it was made.

A leaf: it imports nothing from the package. The caller (weights.save_model) hands in what the
recipes, the data and the models know, so that models.py can take the template from here.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

MODEL_CARD = """---
{{ card_data }}
---

# {{ title }}

{{ description }}

Part of *LSTM, built two ways*: a Space that puts `torch.nn.LSTM` and an LSTM cell built by hand
from the equations side by side, on the StatQuest toy task ({{ task }}).

## How it was made

| | |
|---|---|
| recipe | `{{ recipe }}`: {{ recipe_text }} |
| seed | {{ seed }} |
| epochs | {{ epochs }} |
| optimizer, learning rate | {{ optimizer }}, {{ learning_rate }} |
| stopped because | {{ stop_reason }} |
| versions | {{ versions }} |

## What it predicts

| sequence | label | prediction |
|---|---|---|
{% for row in companies -%}
| {{ row.name }} `{{ row.sequence }}` | {{ row.label }} | {{ "%.4g" | format(row.prediction) }} |
{% endfor %}
## How to load it

```python
from lstm_demo import load_model

model = load_model("{{ kind }}")                                   # the bundled copy
model = load_model("{{ kind }}", "USER/REPO", revision="main")     # from the Hub
model.predict([1, 0.5, 0.25, 1])
```

The files are what `{{ class_name }}.save_pretrained` (huggingface_hub's `PyTorchModelHubMixin`)
writes; `{{ class_name }}.from_pretrained(folder)` loads a folder too.

## How to remake it

```bash
{{ command }}
```
"""

_DESCRIPTIONS = {
    "craft": (
        "Hand-built LSTM",
        "An LSTM cell written out from its six equations: 12 scalar parameters (for the forget "
        "gate, input gate, candidate memory and output gate, a weight on the input, a weight on "
        "the short-term memory and a bias). With the statquest recipe's 5000 epochs these are the "
        'weights of the StatQuest video "Long Short-Term Memory (LSTM), Clearly Explained".',
    ),
    "builtin": (
        "Built-in LSTM",
        "`torch.nn.LSTM(input_size=1, hidden_size=1)`, predicting its last short-term memory "
        "(16 parameters: nn.LSTM keeps two biases per gate).",
    ),
}


def _versions() -> str:
    parts = []
    for package in ("torch", "lightning", "safetensors", "huggingface_hub"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            pass
    return ", ".join(parts)


def card_kwargs(
    kind: str,
    card: dict,
    *,
    class_name: str,
    companies: list[tuple[str, str, float, str]],
    recipe_text: str,
    optimizer: str,
) -> dict:
    """The template's values: what the caller knows of the run (`card`: the training's summary, or
    part of it) and of the model (its class name; each company's name, sequence as text, label and
    key into card["predictions"]; the recipe and the optimizer in words)."""
    title, description = _DESCRIPTIONS[kind]
    predictions = card.get("predictions", {})
    rows = [
        {"name": name, "sequence": sequence, "label": f"{label:g}", "prediction": predictions.get(key, float("nan"))}
        for name, sequence, label, key in companies
    ]
    return {
        "title": title,
        "description": description,
        "task": ", ".join(f"{row['name']} `{row['sequence']}` -> {row['label']}" for row in rows),
        "companies": rows,
        "kind": kind,
        "class_name": class_name,
        "recipe": card.get("recipe", "unknown"),
        "recipe_text": recipe_text,
        "seed": card.get("seed", "unknown"),
        "epochs": card.get("epochs", "unknown"),
        "learning_rate": card.get("learning_rate", "unknown"),
        "optimizer": optimizer,
        "stop_reason": card.get("stop_reason", "unknown"),
        "versions": _versions(),
        "command": card.get("command", f"python -m lstm_demo train --model {kind} --out FOLDER"),
    }
