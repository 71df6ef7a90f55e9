"""Retrain's two charts (the loss and both predictions per epoch) and its summary as a readable table.

/train's outputs are the charts' data, which scripts read (data frames); the page takes them as
updates titled in its language.
"""

from __future__ import annotations

import gradio as gr
import pandas as pd

from ..messages import say
from ..messages import words as catalogue
from ..recipes import OPTIMIZERS
from .common import PALETTE, downsample, titled
from .streams import TRAINING_POINTS

PREDICTION_SERIES = ["Out 0 (Company A)", "Out 1 (Company B)"]  # the seed's names for the two outputs
SERIES_COLOURS = {"loss": PALETTE[5], **dict(zip(PREDICTION_SERIES, PALETTE))}  # the training charts' lines


def training_charts(history: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The loss and the two predictions per epoch, thinned to TRAINING_POINTS a line."""
    frame = pd.DataFrame(
        [(r.epoch, r.loss, r.company_a, r.company_b) for r in history],
        columns=["epoch", "loss", *PREDICTION_SERIES],
    )
    frame = downsample(frame, TRAINING_POINTS)
    loss = frame[["epoch", "loss"]].assign(series="loss")
    predictions = frame.melt(id_vars="epoch", value_vars=PREDICTION_SERIES, var_name="series", value_name="prediction")
    return loss, predictions


def chart_update(frame: pd.DataFrame, which: int, language: str) -> gr.LinePlot:
    """One of training_charts' frames (0: the loss, 1: the predictions) as an update with its title
    and its series' names in the page's language; the colours stay those of the English names."""
    names = dict(zip(["loss", *PREDICTION_SERIES], ["series.loss", "series.out0", "series.out1"]))
    names = {english: say(key, language) for english, key in names.items()}
    colours = {names[english]: colour for english, colour in SERIES_COLOURS.items()}
    title, y_title = [("chart.loss", "chart.loss.y"), ("chart.predictions", "chart.predictions.y")][which]
    frame = frame.assign(series=frame["series"].map(names))
    return titled(frame, language, title, "chart.epoch", y_title, color_map=colours)


def summary_table(summary: dict, language: str, limit: float) -> str:
    """The training's summary as a readable table (4 significant digits, plain words)."""
    if not isinstance(summary, dict) or "loss" not in summary:
        return ""
    chinese = language == "zh"
    words = catalogue(language)
    text = "recipe_text_zh" if chinese else "recipe_text"  # the recipe in the page's language
    colon, opening, closing = (say(k, language) for k in ("colon", "paren.open", "paren.close"))
    optimizer = summary.get("optimizer", "")
    before, after = summary.get("predictions_before", {}), summary.get("predictions", {})
    seconds = summary.get("seconds") or 0.0
    rows = [
        ("model", words[f"model.{summary['model']}"]),
        ("recipe", f"{summary['recipe']}{colon}{summary.get(text, summary.get('recipe_text', ''))}"),
        ("epochs", f"{summary['epochs']:,}"),
        ("lr", f"{summary['learning_rate']:.4g}{opening}{OPTIMIZERS.get(optimizer, optimizer)}{closing}"),
        ("seed", str(summary["seed"])),
        ("loss", f"{summary['loss']:.6f}"),  # decimals, not e-notation: a student reads them
        ("a", f"{before.get('company_a', float('nan')):.4f} → {after.get('company_a', float('nan')):.4f}"),
        ("b", f"{before.get('company_b', float('nan')):.4f} → {after.get('company_b', float('nan')):.4f}"),
        ("time", words["retrain.table.time.value"].format(
            seconds=seconds, rate=summary["epochs"] / seconds if seconds else 0.0, device=summary["device"]
        )),
        ("end", words[f"retrain.end.{summary['stop_reason']}"].format(limit=limit)),
    ]  # fmt: skip
    lines = [f"| {words['retrain.table.what']} | {words['retrain.table.value']} |", "|---|---|"]
    lines += [f"| {words['retrain.table.' + key]} | {value} |" for key, value in rows]
    return "\n".join(lines)
