"""The Inside the LSTM tab: the gates and memories of one sequence, step by step, and the parity panel.

Public endpoints: /trace (sequence, model) -> table: step, input, forget_gate, input_gate, candidate,
output_gate, long_memory, short_memory; /parity (sequence) -> number.

Every view is computed on the server from the sequence, the model and the visitor's weights; no
event takes a table from the browser (a table is as large as its sender likes; a sequence is bounded
by the limits). The tab opens already computed (layout.py runs `compute` at page load).
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr
import pandas as pd
import torch

from ..checks import whole_number
from ..data import COMPANY_B, format_sequence, parse_sequence
from ..explain import equations_markdown, step_equations, step_sentence
from ..models import LSTMModel, Trace, check_kind, craft_parameters
from .common import CHART_POINTS, MODEL_CHOICES, PALETTE, PRIVATE, PUBLIC, Served, T, browser_language, downsample
from .common import friendly
from .state import Visitor

TRACE_COLUMNS = ["step", *Trace.columns()]
SERIES = {  # trace column -> legend name in the chart
    "forget_gate": "forget gate F",
    "input_gate": "input gate I",
    "candidate": "candidate C~",
    "output_gate": "output gate O",
    "long_memory": "long-term memory C",
    "short_memory": "short-term memory H",
}
SERIES_COLOURS = dict(zip(SERIES.values(), PALETTE))


@dataclass
class Inside:
    served: Served

    def traced(self, sequence: str, model: str, visitor: Visitor | None, steps: int | None = None):
        """(the model the visitor sees, its trace over the first `steps` steps of the sequence).

        The sequence is parsed and bounded here, whoever calls: this is what every view of the tab
        (the table, the chart, a step's equations, and the drawn cell to come) is made from."""
        values = parse_sequence(sequence, self.served.limits)
        lstm, _ = Visitor.of(visitor).model(check_kind(model), self.served.pretrained.models)
        with torch.no_grad():
            return lstm, lstm.trace(torch.tensor(values[:steps] if steps else values))

    @friendly
    def trace(self, sequence: str, model: str, visitor: Visitor | None = None, request: gr.Request = None):
        """The gates and memories at every step, one row per step."""
        _, trace = self.traced(sequence, model, visitor)
        return pd.DataFrame(trace.rows(), columns=TRACE_COLUMNS).round(6)  # 1e-6 is finer than any chart

    @friendly
    def views(self, sequence: str, model: str, visitor: Visitor | None, request: gr.Request = None):
        """The chart over time, a step slider at the last step, that step's equations and sentence,
        and the inputs unchanged (so that a deep link saves them)."""
        lstm, trace = self.traced(sequence, model, visitor)
        rows = trace.rows()
        table = pd.DataFrame(rows, columns=TRACE_COLUMNS)
        long = table.melt(id_vars="step", value_vars=list(SERIES), var_name="series", value_name="value")
        long["series"] = long["series"].map(SERIES)
        last = len(rows)
        equations, sentence = self._explain(rows, last, lstm, request)
        slider = gr.Slider(minimum=1, maximum=max(last, 2), value=last, step=1, interactive=last > 1)
        return downsample(long, CHART_POINTS * len(SERIES)), slider, equations, sentence, sequence, model

    @friendly
    def step(self, sequence: str, model: str, step, visitor: Visitor | None, request: gr.Request = None):
        """The equations with this step's numbers, and one sentence on what the gates did."""
        step = whole_number(step, "step", 1, self.served.limits.max_sequence_length)
        lstm, trace = self.traced(sequence, model, visitor, steps=step)  # the steps after it change nothing
        rows = trace.rows()
        return self._explain(rows, min(step, len(rows)), lstm, request)

    @staticmethod
    def _explain(rows: list[dict], step: int, lstm: LSTMModel, request: gr.Request | None) -> tuple[str, str]:
        row, previous = rows[step - 1], rows[step - 2] if step > 1 else None
        return step_equations(row, previous, craft_parameters(lstm)), step_sentence(row, browser_language(request))

    @friendly
    def parity(self, sequence: str) -> float:
        """Largest difference between each pretrained model and its weights in the other model."""
        from ..parity import pretrained_parity

        values = parse_sequence(sequence, self.served.limits)
        return pretrained_parity(self.served.pretrained.models, torch.tensor(values))["largest_difference"]

    @friendly
    def parity_report(self, sequence: str, request: gr.Request = None) -> str:
        from ..parity import pretrained_parity

        values = parse_sequence(sequence, self.served.limits)
        report = pretrained_parity(self.served.pretrained.models, torch.tensor(values))
        lines = [
            f"| {name} | {r['prediction']:.2e} | {r['trace']:.2e} |"
            for name, r in report.items()
            if isinstance(r, dict)
        ]
        return (
            "| weights moved | prediction differs by | gates and memories differ by |\n|---|---|---|\n"
            + "\n".join(lines)
            + f"\n\n**Largest difference: {report['largest_difference']:.2e}** (float32 rounding; the same numbers)."
        )


@dataclass
class InsideTab:
    """The Inside tab's components that other events (page load, links, time-travel) read or write."""

    handlers: Inside
    visitor: gr.State
    sequence: gr.Textbox
    model: gr.Radio
    table: gr.Dataframe
    chart: gr.LinePlot
    step: gr.Slider
    equations: gr.Markdown
    sentence: gr.Markdown

    def compute(self, dependency):
        """After `dependency`: trace the sequence in the inputs and show every view of it."""
        return dependency.then(
            self.handlers.trace, [self.sequence, self.model, self.visitor], [self.table], api_visibility=PRIVATE
        ).success(**self._views())

    def _views(self) -> dict:
        return dict(
            fn=self.handlers.views,
            inputs=[self.sequence, self.model, self.visitor],
            outputs=[self.chart, self.step, self.equations, self.sentence, self.sequence, self.model],
            api_visibility=PRIVATE,
        )


def build_inside_tab(served: Served, visitor: gr.State) -> InsideTab:
    handlers = Inside(served)
    # The drawn cell (lstm_demo.diagram) belongs here, first in the tab, above the inputs: it is
    # made from the same `Inside.traced(...)` as the table, and follows `step` like the equations.
    with gr.Row():
        sequence = gr.Textbox(
            value=format_sequence(COMPANY_B.sequence),
            label=T("sequence"),
            max_lines=3,
            scale=3,
            elem_id="inside-sequence",
        )
        model = gr.Radio(MODEL_CHOICES, value="craft", label=T("model"), scale=2, elem_id="inside-model")
    button = gr.Button(T("inside.button"), variant="primary", elem_id="inside-button")
    chart = gr.LinePlot(
        x="step",
        y="value",
        color="series",
        title="Gates and memories over time",
        x_title="time step t",
        y_title="value",
        color_map=SERIES_COLOURS,
        height=360,
        label=T("inside.chart"),
    )
    step = gr.Slider(1, 4, value=4, step=1, label=T("inside.step"), elem_id="inside-step")
    sentence = gr.Markdown(elem_id="inside-sentence")
    with gr.Row():
        with gr.Column():
            gr.Markdown(equations_markdown(), label=T("inside.equations"))
        with gr.Column():
            equations = gr.Markdown(elem_id="equations")
    table = gr.Dataframe(label=T("inside.table"), interactive=False, max_height=320, elem_id="inside-table")
    with gr.Accordion(T("parity.title"), open=False):
        parity_button = gr.Button(T("parity.button"))
        parity_report = gr.Markdown(elem_id="parity-report")

    tab = InsideTab(handlers, visitor, sequence, model, table, chart, step, equations, sentence)
    # The button, Enter in the sequence and a change of model all recompute; one public endpoint.
    gr.on(
        [button.click, sequence.submit, model.input],
        handlers.trace,
        [sequence, model, visitor],
        [table],
        api_name="trace",
        preprocess=False,
        api_visibility=PUBLIC,
    ).success(**tab._views())
    step.change(
        handlers.step,
        [sequence, model, step, visitor],
        [equations, sentence],
        api_visibility=PRIVATE,
        trigger_mode="always_last",
        show_progress="hidden",
    )
    gr.api(handlers.parity, api_name="parity", api_visibility=PUBLIC)
    parity_button.click(handlers.parity_report, [sequence], [parity_report], api_visibility=PRIVATE)
    return tab
