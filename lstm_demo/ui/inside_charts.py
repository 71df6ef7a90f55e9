"""Inside's charts of a whole sequence: the gates and the memories in two panels, the chosen step
marked; and the trace table with that step's row highlighted."""

from __future__ import annotations

import gradio as gr
import pandas as pd

from ..messages import say
from ..models import Trace
from .common import CHART_POINTS, FEW_WHOLE_NUMBERS, PALETTE, chart_legend, downsample, whole_axis

TRACE_COLUMNS = ["step", *Trace.columns()]
# Two panels: the gates (0 to 1, the candidate -1 to 1) and the memories, which have no bound (C
# reaches 160 over 2000 steps): on one axis the memories flattened the gates into a line.
GATES = ["forget_gate", "input_gate", "candidate", "output_gate"]
MEMORIES = ["long_memory", "short_memory"]
CHOSEN = "chart.chosen"  # the chosen step: marked on the step axis (few steps) or by a vertical line
MARK = "▲"  # after the chosen step's number on a few-step axis
HIGHLIGHT = "background-color: #fde68a; font-weight: 600"  # the chosen step's row in the table


def series_colours(columns: list[str], language: str) -> dict[str, str]:
    """Legend name -> colour, the same colour for a series whatever the language; black for the step."""
    colours = {say(f"series.{c}", language): PALETTE[(GATES + MEMORIES).index(c)] for c in columns}
    return {**colours, say(CHOSEN, language): PALETTE[6]}


def panel(rows: list[dict], columns: list[str], step: int, language: str, title: str, y_title: str) -> gr.LinePlot:
    """One chart of the trace: `columns` over the steps (thinned), whole-numbered steps, and the
    chosen step marked: on a few steps (a category each) its number carries a mark; on many (a
    numeric axis) a vertical line crosses the panel there. (On a category axis the plot adds up the
    values at one step, so a vertical line cannot be drawn there.)"""
    table = pd.DataFrame(rows, columns=TRACE_COLUMNS)
    long = table.melt(id_vars="step", value_vars=columns, var_name="series", value_name="value")
    long["series"] = long["series"].map(lambda c: say(f"series.{c}", language))
    long = downsample(long.sort_values(["series", "step"]), CHART_POINTS * len(columns))
    low, high = float(table[columns].min().min()), float(table[columns].max().max())
    if len(rows) > FEW_WHOLE_NUMBERS:  # a numeric axis: the line, a series of two points at the step
        line = pd.DataFrame({"step": [step, step], "value": [low, high], "series": say(CHOSEN, language)})
        long = pd.concat([long, line], ignore_index=True)
    frame, axis = whole_axis(long, "step", len(rows))
    if axis["sort"] is not None:  # a category per step: the chosen one's name carries the mark
        marked = {str(step): f"{step}{MARK}"}
        frame = frame.assign(step=frame["step"].replace(marked))
        axis["sort"] = [marked.get(name, name) for name in axis["sort"]]
    return gr.LinePlot(
        frame,
        title=say(title, language),
        x_title=say("chart.step", language),
        y_title=say(y_title, language),
        color_map=series_colours(columns, language),
        **axis,
    )


def legend(columns: list[str], step: int, steps: int, language: str) -> str:
    """The panel's legend (HTML that wraps on a phone) and what marks the chosen step."""
    colours = series_colours(columns, language)
    chosen = colours.pop(say(CHOSEN, language))
    if steps > FEW_WHOLE_NUMBERS:  # a numeric axis: the vertical line is a series of the legend
        colours[f"{say(CHOSEN, language)} t = {step}"] = chosen
        return chart_legend(colours)
    return chart_legend(colours, f"{MARK} {say(CHOSEN, language)} t = {step}")


def charts(rows: list[dict], step: int, language: str) -> tuple[gr.LinePlot, str, gr.LinePlot, str]:
    """The gates' panel and the memories' panel, each with its legend, the chosen step marked."""
    return (
        panel(rows, GATES, step, language, "chart.gates", "chart.gate"),
        legend(GATES, step, len(rows), language),
        panel(rows, MEMORIES, step, language, "chart.memories", "chart.memory"),
        legend(MEMORIES, step, len(rows), language),
    )


def marked_table(rows: list[dict], step: int, language: str = "en"):
    """The trace table with the chosen step's row highlighted and its headers in the page's language
    (the page's; /trace returns plain rows under the names scripts read)."""
    table = pd.DataFrame(rows, columns=TRACE_COLUMNS).round(6)
    chosen = table["step"] == step
    table = table.rename(columns={column: say(f"table.{column}", language) for column in TRACE_COLUMNS})
    return table.style.apply(lambda row: [HIGHLIGHT if chosen[row.name] else ""] * len(row), axis=1)
