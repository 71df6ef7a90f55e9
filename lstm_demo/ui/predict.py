"""The Predict tab: both models on Company A, Company B and the visitor's sequence; uploaded weights.

Public endpoints: /predict (sequence, model) -> number; /predict_upload (weights_file, sequence) -> number.

The page's own events show a bad sequence's sentence on a line under the box and leave the box,
the table and the chart as they were (`inline_errors`); the public endpoints raise gr.Error. On a
phone (under 480 px) the table gives way to one card per sequence, just under the button, so the
first screen holds a result.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import gradio as gr
import pandas as pd

from ..data import COMPANIES, COMPANY_A, COMPANY_B, format_sequence, known_label, parse_sequence
from ..messages import say
from ..models import MODEL_KINDS, check_kind
from ..weights import load_file, weights_text
from .common import MODEL_NAMES, PALETTE, PRIVATE, PUBLIC, Served, T, browser_language, downsample, file_path
from .common import friendly, inline_errors, whole_axis
from .state import Visitor

EXAMPLES = [format_sequence(COMPANY_A.sequence), format_sequence(COMPANY_B.sequence)] + [
    "1, 0.5, 0.25, 1, 1, 0.5, 0.25, 1",
    "0, 0, 0, 0",
]
COMPANY_KEYS = {"company_a": "company.a", "company_b": "company.b"}


@dataclass
class Predict:
    served: Served

    @friendly
    def predict(self, sequence: str, model: str = "craft") -> float:
        """The pretrained model's prediction for one sequence: its last short-term memory H_T.

        Args:
            sequence: Numbers separated by commas, e.g. "1, 0.5, 0.25, 1" (Company B). Chinese punctuation works.
            model: "craft" (the hand-built cell, StatQuest's weights) or "builtin" (torch.nn.LSTM).

        Returns:
            The prediction, between -1 and 1: about 0 for Company A, about 1 for Company B.
        """
        values = parse_sequence(sequence, self.served.limits)
        return self.served.pretrained.models[check_kind(model)].predict(values)

    @inline_errors(outputs=6)
    def predict_both(self, sequence: str, visitor: Visitor | None, request: gr.Request = None):
        """Both models on Company A, Company B and the visitor's sequence, in the visitor's language.

        Returns the table, the sequence's chart, the sequence itself (for deep links), the phone's cards,
        the visitor's own weights in use as text (what a shared link carries; '' for the pretrained),
        and the badge naming the weights shown (one line per model)."""
        language = browser_language(request)
        visitor = Visitor.of(visitor)
        entries = [(say(COMPANY_KEYS[c.key], language), list(c.sequence), c.label) for c in COMPANIES]
        if sequence is not None and str(sequence).strip():
            values = parse_sequence(sequence, self.served.limits)
            entries.append((say("predict.yours", language), values, known_label(values)))
        else:
            values = list(COMPANY_B.sequence)
        columns = [say(f"predict.col.{c}", language) for c in ("sequence", "values", "label")]
        models, own = [], []
        for kind in MODEL_KINDS:
            model, whose = visitor.model(kind, self.served.pretrained.models)
            models.append((say("predict.col.model", language, model=MODEL_NAMES[kind], whose=whose), model))
            if whose != "pretrained":
                own.append(weights_text(model))
        rows = []
        for name, seq, label in entries:
            shown = format_sequence(seq[:12]) + (" ..." if len(seq) > 12 else "")
            row = dict(zip(columns, (name, shown, "" if label is None else f"{label:g}")))
            for heading, model in models:
                row[heading] = round(model.predict(seq), 6)
            rows.append(row)
        day, value = say("chart.day", language), say("chart.value", language)
        frame = pd.DataFrame({day: range(1, len(values) + 1), value: values, "series": value})
        frame, axis = whole_axis(downsample(frame), day, len(values))  # days are whole numbers
        chart = gr.LinePlot(
            frame,
            x=day,
            y=value,
            title=say("chart.sequence", language),
            x_title=day,
            y_title=value,
            color_map={value: PALETTE[0]},
            **axis,
        )
        badge = "  \n".join(visitor.badge(kind, language) for kind in MODEL_KINDS)
        return pd.DataFrame(rows), chart, sequence, cards(rows, columns), "|".join(own), badge

    @friendly
    def predict_upload(self, weights_file: dict, sequence: str, request: gr.Request = None) -> float:
        """The prediction of an uploaded model (either layout) for one sequence.

        Args:
            weights_file: A .safetensors file of the hand-built cell (12 tensors) or of torch.nn.LSTM (4 tensors), float32.
            sequence: Numbers separated by commas, e.g. "0, 0.5, 0.25, 1".

        Returns:
            The uploaded model's prediction (its last short-term memory H_T, between -1 and 1).
        """
        values = parse_sequence(sequence, self.served.limits)
        model = load_file(file_path(weights_file), limits=self.served.limits)
        return model.predict(values)

    @inline_errors(outputs=0)
    def predict_upload_page(self, weights_file, sequence: str, request: gr.Request = None):
        """The page's button: the same prediction, a bad file or sequence said on a line of its own."""
        values = parse_sequence(sequence, self.served.limits)
        model = load_file(file_path(weights_file), limits=self.served.limits)
        return (f"{model.predict(values):.6f}",)

    @friendly
    def use_upload(self, weights_file, visitor: Visitor | None, request: gr.Request = None):
        """Keep an uploaded model for this visitor; Predict and Inside switch to it.

        Returns the visitor, a status line, and the value of Retrain's "use my weights" box."""
        visitor = Visitor.of(visitor)
        if weights_file is None:
            return visitor, "", visitor.use_own
        path = file_path(weights_file)
        model = load_file(path, limits=self.served.limits)
        name = path.replace("\\", "/").rsplit("/", 1)[-1]
        visitor.keep(model.kind, model, "uploaded", file=name)  # the badge names the file
        visitor.use_own = True
        status = say("upload.loaded", browser_language(request), model=MODEL_NAMES[model.kind], file=name)
        return visitor, status, True


def cards(rows: list[dict], columns: list[str]) -> str:
    """The table as one card per sequence (the phone's layout): its name, values and label, then
    each model's prediction on a line of its own."""
    name, values, label = columns
    parts = []
    for row in rows:
        predictions = "".join(
            f"<div class='pc-row'><span>{escape(k)}</span><b>{v:.6g}</b></div>"
            for k, v in row.items()
            if k not in columns
        )
        target = f" → {escape(row[label])}" if row[label] else ""
        parts.append(
            f"<div class='predict-card'><div class='pc-name'>{escape(row[name])}{target}</div>"
            f"<div class='pc-values'>{escape(row[values])}</div>{predictions}</div>"
        )
    return "<div class='predict-cards'>" + "".join(parts) + "</div>"


@dataclass
class PredictTab:
    """The Predict tab's components that other tabs' events read or write."""

    handlers: Predict
    visitor: gr.State
    sequence: gr.Textbox
    table: gr.Dataframe
    chart: gr.LinePlot
    upload_file: gr.File
    upload_status: gr.Markdown
    cards: gr.HTML
    error: gr.Markdown
    weights_link: gr.Textbox
    badge: gr.Markdown  # which weights the tab shows

    def refresh(self) -> dict:
        """The event that redraws the predictions (after new weights, a link, a click)."""
        return dict(
            fn=self.handlers.predict_both,
            inputs=[self.sequence, self.visitor],
            # the sequence too: a deep link saves it
            outputs=[self.table, self.chart, self.sequence, self.cards, self.weights_link, self.badge, self.error],
            api_visibility=PRIVATE,
            show_progress="minimal",
        )


def build_predict_tab(served: Served, visitor: gr.State) -> PredictTab:
    handlers = Predict(served)
    with gr.Row():
        with gr.Column(scale=3):
            sequence = gr.Textbox(
                value=EXAMPLES[1],
                label=T("sequence"),
                info=T("sequence.info"),
                max_lines=3,
                elem_id="predict-sequence",
            )
            error = gr.Markdown(visible=False, elem_id="predict-error")  # a bad sequence's sentence
            button = gr.Button(T("predict.button"), variant="primary", elem_id="predict-button")
            cards_view = gr.HTML(elem_id="predict-cards")  # the phone's result, under the button
            # Under the phone's cards, so that a phone's first screen still holds a result.
            badge = gr.Markdown("  \n".join(Visitor().badge(kind) for kind in MODEL_KINDS), elem_id="predict-badge")
            examples = gr.Examples([[e] for e in EXAMPLES], inputs=[sequence], label=T("examples"))
            gr.Markdown(T("predict.notes"), elem_id="predict-notes")
        with gr.Column(scale=2):
            chart = gr.LinePlot(
                x="day",
                y="value",
                title=say("chart.sequence"),
                x_title="day",
                y_title="value",
                label=T("predict.chart"),
                color_map={"value": PALETTE[0]},
                elem_id="predict-chart",
            )
    table = gr.Dataframe(label=T("predict.results"), interactive=False, wrap=True, elem_id="predict-table")
    with gr.Accordion(T("upload.title"), open=False):
        upload_file = gr.File(label=T("upload.file"), file_types=[".safetensors"], elem_id="upload-file")
        upload_status = gr.Markdown()
        with gr.Row():
            upload_button = gr.Button(T("upload.button"), elem_id="upload-button")
            # Text, not gr.Number: a Number shows 0 before anything is predicted.
            upload_shown = gr.Textbox(label=T("upload.prediction"), interactive=False, elem_id="upload-prediction")
        upload_error = gr.Markdown(visible=False, elem_id="upload-error")

    # The visitor's own weights in use, as text: the Share button's script puts them in the link.
    weights_link = gr.Textbox(visible="hidden", elem_id="weights-link")
    tab = PredictTab(
        handlers, visitor, sequence, table, chart, upload_file, upload_status, cards_view, error, weights_link, badge
    )
    gr.api(handlers.predict, api_name="predict", api_visibility=PUBLIC)
    gr.on([button.click, sequence.submit], **tab.refresh())
    examples.load_input_event.then(**tab.refresh())  # an example click predicts at once
    upload_button.click(
        handlers.predict_upload_page,
        [upload_file, sequence],
        [upload_shown, upload_error],
        preprocess=False,
        api_visibility=PRIVATE,
    )
    # The public endpoint for scripts: the same prediction, errors as gr.Error (AppError in gradio_client);
    # the page's button says errors on a line instead. gradio_client uploads the file a script names.
    gr.api(handlers.predict_upload, api_name="predict_upload", api_visibility=PUBLIC)
    return tab
