"""The Inside the LSTM tab, where the page opens: the drawn cell and its story, then the gates and
memories of one sequence step by step (charts, table, equations), and the parity panel.

Public endpoints: /trace (sequence, model) -> table: step, input, forget_gate, input_gate, candidate,
output_gate, long_memory, short_memory; /parity (sequence) -> number; /diagram (sequence, model, step)
-> the drawn cell as an SVG document (lstm_demo.diagram, the pretrained weights).

The drawing (cell.py) shows Company A beside Company B with the story's first step beside them: day 1
and how each company's memory starts. It steps in the browser; the step slider, the charts, the
equations and the sentence below follow it through a light event (the drawing's step), and the
visitor's own slider moves it.

Every view is computed on the server from the sequence, the model and the visitor's weights; no
event takes a table from the browser (a table is as large as its sender likes; a sequence is bounded
by the limits). The tab opens already computed (layout.py's page-load event), and `compute` redraws
it when the visitor's weights change.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr
import torch

from ..checks import whole_number
from ..data import COMPANIES, COMPANY_B, format_sequence, known_label, parse_sequence
from ..diagram import draw
from ..explain import equations_markdown, step_equations, step_sentence
from ..models import LSTMModel, check_kind, craft_parameters
from ..workers.sequences import trace_table
from .cell import Picture, drawn_sequences, empty_component, language_of, source_text
from ..messages import say
from .common import CHART, MODEL_CHOICES, MODEL_NAMES, PRIVATE, PUBLIC, Served, T, browser_language, friendly
from .common import event_value, sequence_api_calls, sequence_calls
from .inside_charts import GATES, MEMORIES, TRACE_COLUMNS, charts, legend, marked_table, series_colours
from .state import Visitor


@dataclass
class Table:
    """/trace's answer, which reaches the client as the dict {"headers", "data", "metadata"}.

    A dataclass rather than the dict itself: Gradio walks every list and dict of an answer looking for
    files, which for a 10,000-step table is most of the call's time; a dataclass it passes whole, and
    pydantic and orjson send it as its dict."""

    headers: list[str]
    data: list[list[float]]
    metadata: None = None


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
    def trace(self, sequence: str, model: str = "craft") -> dict:
        """The gates and memories at every step, one row per step, through the pretrained model.

        Args:
            sequence: Numbers separated by commas, e.g. "1, 0.5, 0.25, 1" (Company B). Chinese punctuation works.
            model: "craft" (the hand-built cell, StatQuest's weights) or "builtin" (torch.nn.LSTM).

        Returns:
            A table as {"headers", "data", "metadata"}, one row of data per step: step, input,
            forget_gate, input_gate, candidate, output_gate, long_memory (C), short_memory (H).
        """
        values = parse_sequence(sequence, self.served.limits)
        lstm = self.served.pretrained.models[check_kind(model)]
        rows = self.served.sequences.run(len(values), trace_table, lstm, values)  # a long one: off the GIL
        return Table(TRACE_COLUMNS, rows)  # type: ignore[return-value]  (sent as the dict)

    def picture(
        self, sequence: str, model: str, visitor: Visitor | None, language: str, step: int | None = None, trace=None
    ) -> Picture:
        """What the drawing shows: the sequence (with the other company when it is a company's) through
        the model the visitor sees, drawn from the same kind of Trace as the table."""
        values = parse_sequence(sequence, self.served.limits)
        lstm, whose = Visitor.of(visitor).model(check_kind(model), self.served.pretrained.models)
        sequences = drawn_sequences(values, language)
        rows = []
        for drawn in sequences.values():
            if trace is not None and list(drawn) == values:
                rows.append(trace.rows())  # the very Trace the chart is made from
            else:
                with torch.no_grad():
                    rows.append(lstm.trace(torch.tensor(drawn)).rows())
        longest = max(len(v) for v in sequences.values())
        story = len(sequences) == len(COMPANIES)  # the story is the two companies'
        step = (1 if story else longest) if step is None else min(step, longest)  # the story starts on day 1
        return Picture(lstm, sequences, step, language, source_text(whose, language), rows, with_story=story)

    @friendly
    def views(self, sequence: str, model: str, visitor: Visitor | None, request: gr.Request = None, step=None):
        """The chart over time, a step slider at the day the drawing opens on (the story's first, or
        `step`: a link's), that day's equations and sentence, the inputs unchanged (so that a deep link
        saves them) and the drawn cell."""
        lstm, trace = self.traced(sequence, model, visitor)
        rows = trace.rows()
        language = browser_language(request)
        picture = self.picture(sequence, model, visitor, language, step=step, trace=trace)
        if step is not None:
            picture.with_story = False  # a link's day: the drawing opens there, not on the story
        at = min(picture.step, len(rows))  # the day the drawing opens on (the story's first, day 1)
        equations, sentence = self._explain(rows, at, lstm, request)
        slider = gr.Slider(minimum=1, maximum=max(len(rows), 2), value=at, step=1, interactive=len(rows) > 1)
        badge = Visitor.of(visitor).badge(check_kind(model), language)
        gates, gates_legend, memories, memories_legend = charts(rows, at, language)
        return (
            gates, gates_legend, memories, memories_legend, marked_table(rows, at, language), slider, equations, sentence,
            sequence, model, picture.update("inside"), badge,
        )  # fmt: skip

    @friendly
    def step(self, sequence: str, model: str, step, visitor: Visitor | None, request: gr.Request = None):
        """The equations with this step's numbers, one sentence on what the gates did, the charts and
        the table with the step marked."""
        step = whole_number(step, "step", 1, self.served.limits.max_sequence_length)
        lstm, trace = self.traced(sequence, model, visitor)
        rows = trace.rows()
        step = min(step, len(rows))
        explained = self._explain(rows, step, lstm, request)
        return (
            *explained,
            *charts(rows, step, browser_language(request)),
            marked_table(rows, step, browser_language(request)),
        )

    @staticmethod
    @friendly
    def follow(event: gr.EventData) -> int:
        """The drawing stepped in the browser: the step slider follows (and with it the views below)."""
        return whole_number(event_value(event, "step"), "step", 1, 10**9)

    @friendly
    def relabel(
        self, sequence: str, model: str, visitor: Visitor | None, event: gr.EventData, request: gr.Request = None
    ):
        """The visitor switched the page's language: the same drawing, in that language, at the same day."""
        language = language_of(event_value(event, "language"))
        return self.picture(sequence, model, visitor, language).update("inside", keep_step=True)

    @friendly
    def diagram(self, sequence: str, model: str = "craft", step: int | None = None, request: gr.Request = None) -> str:
        """The drawn cell as an SVG document: the sequence (both companies when it is one of theirs)
        through the pretrained model, `step` expanded (default: the last). Labels in the language of
        the request's Accept-Language (English or Chinese).

        Args:
            sequence: Numbers separated by commas, e.g. "1, 0.5, 0.25, 1" (Company B). Chinese punctuation works.
            model: "craft" (the hand-built cell, StatQuest's weights) or "builtin" (torch.nn.LSTM).
            step: The day drawn expanded, from 1 to the sequence's length; empty for the last day.

        Returns:
            The drawing as SVG text (an XML document), every weight and value written on it.
        """
        values = parse_sequence(sequence, self.served.limits)
        lstm = self.served.pretrained.models[check_kind(model)]
        sequences = drawn_sequences(values, browser_language(request))
        if known_label(values) is None:
            sequences = {"": values}
        longest = max(len(v) for v in sequences.values())
        step = longest if step is None or step == "" else whole_number(step, "step", 1, longest)
        # A long sequence is drawn in a process of its own, out of the server's interpreter lock.
        return self.served.sequences.run(longest, draw, lstm, sequences, step, language=browser_language(request))

    @staticmethod
    def _explain(rows: list[dict], step: int, lstm: LSTMModel, request: gr.Request | None) -> tuple[str, str]:
        row, previous = rows[step - 1], rows[step - 2] if step > 1 else None
        return step_equations(row, previous, craft_parameters(lstm)), step_sentence(row, browser_language(request))

    @friendly
    def parity(self, sequence: str) -> float:
        """Largest difference between each pretrained model and its weights in the other model.

        Args:
            sequence: Numbers separated by commas, e.g. "1, 0.5, 0.25, 1": the sequence both models read.

        Returns:
            The largest difference of any prediction, gate or memory (float32 rounding only).
        """
        from ..parity import pretrained_parity

        values = parse_sequence(sequence, self.served.limits)
        return pretrained_parity(self.served.pretrained.models, torch.tensor(values))["largest_difference"]

    @friendly
    def parity_report(self, sequence: str, request: gr.Request = None) -> str:
        """The parity table in the visitor's language: each model's weights moved into the other."""
        from ..parity import pretrained_parity

        language = browser_language(request)
        values = parse_sequence(sequence, self.served.limits)
        report = pretrained_parity(self.served.pretrained.models, torch.tensor(values))
        lines = []
        for name, r in report.items():
            if isinstance(r, dict):
                source, target = (MODEL_NAMES[kind] for kind in name.split(" -> "))
                moved = say("parity.row", language, source=source, target=target)
                lines.append(f"| {moved} | {r['prediction']:.2e} | {r['trace']:.2e} |")
        return (
            say("parity.header", language)
            + "\n|---|---|---|\n"
            + "\n".join(lines)
            + "\n\n"
            + say("parity.largest", language, largest=report["largest_difference"])
        )


@dataclass
class InsideTab:
    """The Inside tab's components that other events (page load, links, time-travel) read or write."""

    handlers: Inside
    visitor: gr.State
    sequence: gr.Textbox
    model: gr.Radio
    table: gr.Dataframe
    chart: gr.LinePlot  # the gates
    legend: gr.HTML  # the gates' legend
    memory_chart: gr.LinePlot  # the memories
    memory_legend: gr.HTML
    step: gr.Slider
    equations: gr.Markdown
    sentence: gr.Markdown
    cell: gr.HTML
    badge: gr.Markdown  # which weights the tab shows

    def compute(self, trigger):
        """After `trigger` (an event, or a dependency's `.then`): trace the sequence in the inputs and
        show every view of it."""
        return trigger(**self._views())

    def view_outputs(self) -> list:
        """What `views` answers, in order."""
        return self._views()["outputs"]

    def _views(self) -> dict:
        return dict(
            fn=self.handlers.views,
            inputs=[self.sequence, self.model, self.visitor],
            outputs=[
                self.chart,
                self.legend,
                self.memory_chart,
                self.memory_legend,
                self.table,
                self.step,
                self.equations,
                self.sentence,
                self.sequence,
                self.model,
                self.cell,
                self.badge,
            ],  # fmt: skip
            api_visibility=PRIVATE,
            show_progress="hidden",  # quick; a spinner over the drawing would hide the story's first step
            **sequence_calls(self.handlers.served),
        )


def build_inside_tab(served: Served, visitor: gr.State) -> InsideTab:
    handlers = Inside(served)
    # The sequence and the model first, then the cell drawn (the pretrained hand-built model, Company A
    # beside Company B) with the story's first step beside it: the page load redraws it in the
    # visitor's language, from the same trace as the table.
    with gr.Row(elem_id="inside-controls", equal_height=True):
        sequence = gr.Textbox(
            value=format_sequence(COMPANY_B.sequence),
            label=T("sequence"),
            show_label=False,
            container=False,
            placeholder=T("sequence"),
            max_lines=1,
            scale=3,
            min_width=200,
            elem_id="inside-sequence",
        )
        model = gr.Radio(
            MODEL_CHOICES, value="craft", label=T("model"), show_label=False, container=False, scale=3,
            min_width=280, elem_id="inside-model",
        )  # fmt: skip
        button = gr.Button(
            T("inside.button"), variant="primary", size="md", scale=0, min_width=130, elem_id="inside-button"
        )
    cell = empty_component("inside")  # the page load draws it (layout.py), in the visitor's language
    badge = gr.Markdown(Visitor().badge("craft"), elem_id="inside-badge")
    # The numbers behind the drawing, day by day, on request: closed, they cost the landing nothing
    # (Gradio mounts a closed accordion's contents when it is first opened).
    with gr.Accordion(T("inside.details"), open=False, elem_id="inside-details"):
        panels = []
        with gr.Row():
            for columns, title, y_title, elem_id in (
                (GATES, "chart.gates", "chart.gate", "inside-chart"),
                (MEMORIES, "chart.memories", "chart.memory", "inside-memory-chart"),
            ):
                with gr.Column(variant="panel", elem_classes="chart-panel"):  # the chart, its legend under it
                    plot = gr.LinePlot(
                        x="step",
                        y="value",
                        color="series",
                        title=say(title),
                        x_title=say("chart.step"),
                        y_title=say(y_title),
                        color_map=series_colours(columns, "en"),
                        colors_in_legend=[],  # the legend below wraps on a phone
                        label=T("inside.chart"),
                        elem_id=elem_id,
                        **CHART,
                    )
                    panels += [plot, gr.HTML(legend(columns, 4, 4, "en"), elem_id=f"{elem_id}-legend")]
        chart, chart_legend_, memory_chart, memory_legend = panels
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
        gr.Markdown(T("parity.mapping"), elem_id="parity-mapping")  # nn.LSTM's 16 numbers and the cell's 12, in words
        parity_report = gr.Markdown(elem_id="parity-report")

    tab = InsideTab(
        handlers,
        visitor,
        sequence,
        model,
        table,
        chart,
        chart_legend_,
        memory_chart,
        memory_legend,
        step,
        equations,
        sentence,
        cell,
        badge,
    )
    # The button, Enter in the sequence and a change of model all recompute; one public endpoint.
    gr.on([button.click, sequence.submit, model.input], **tab._views())
    # Public: the table as data. A gr.api answer is not walked as a Dataframe's would be (a
    # 10,000-step table costs its numbers, not Gradio's component handling of each cell).
    gr.api(handlers.trace, api_name="trace", api_visibility=PUBLIC, **sequence_api_calls(served))
    step.change(
        handlers.step,
        [sequence, model, step, visitor],
        [equations, sentence, chart, chart_legend_, memory_chart, memory_legend, table],
        api_visibility=PRIVATE,
        trigger_mode="always_last",
        show_progress="hidden",
        **sequence_calls(served),
    )
    # The drawing and the slider follow each other: the visitor's slider moves the drawing in the browser
    # (only the visitor's: a value the server sets late must not move the drawing, nor end the story);
    # the drawing's own steps reach the slider through the server, which then moves the views.
    step.input(None, [step], None, js="(s) => { window.lstmCells?.inside?.go(s); return s; }")
    quiet = dict(api_visibility=PRIVATE, show_progress="hidden")
    cell.cell_step(handlers.follow, None, [step], trigger_mode="always_last", **quiet)
    cell.cell_language(handlers.relabel, [sequence, model, visitor], [cell], **quiet, **sequence_calls(served))
    gr.api(handlers.diagram, api_name="diagram", api_visibility=PUBLIC, **sequence_api_calls(served))
    gr.api(handlers.parity, api_name="parity", api_visibility=PUBLIC, **sequence_api_calls(served))
    parity_button.click(
        handlers.parity_report, [sequence], [parity_report], api_visibility=PRIVATE, **sequence_calls(served)
    )
    return tab
