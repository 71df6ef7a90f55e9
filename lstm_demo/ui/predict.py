"""The Predict tab: both models on Company A, Company B and the visitor's sequence; uploaded weights.

Public endpoints: /predict (sequence, model) -> number; /predict_upload (weights_file, sequence) -> number.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr
import pandas as pd

from ..data import COMPANIES, COMPANY_A, COMPANY_B, format_sequence, known_label, parse_sequence
from ..models import MODEL_KINDS, check_kind
from ..weights import load_file
from .common import MODEL_NAMES, PALETTE, PRIVATE, PUBLIC, Served, T, downsample, file_path, friendly
from .state import Visitor

EXAMPLES = [format_sequence(COMPANY_A.sequence), format_sequence(COMPANY_B.sequence)] + [
    "1, 0.5, 0.25, 1, 1, 0.5, 0.25, 1",
    "0, 0, 0, 0",
]


@dataclass
class Predict:
    served: Served

    @friendly
    def predict(self, sequence: str, model: str) -> float:
        """The pretrained model's prediction for a sequence ("0, 0.5, 0.25, 1")."""
        values = parse_sequence(sequence, self.served.limits)
        return self.served.pretrained.models[check_kind(model)].predict(values)

    @friendly
    def predict_both(self, sequence: str, visitor: Visitor | None, request: gr.Request = None):
        """Both models on Company A, Company B and the visitor's sequence.

        Returns the table, the sequence's chart, and the sequence itself (for deep links)."""
        visitor = Visitor.of(visitor)
        entries = [(c.name, list(c.sequence), c.label) for c in COMPANIES]
        if sequence is not None and str(sequence).strip():
            values = parse_sequence(sequence, self.served.limits)
            entries.append(("your sequence", values, known_label(values)))
        else:
            values = list(COMPANY_B.sequence)
        rows = []
        for name, seq, label in entries:
            row = {"sequence": name, "values": format_sequence(seq[:12]) + (" ..." if len(seq) > 12 else "")}
            row["label"] = "" if label is None else f"{label:g}"
            for kind in MODEL_KINDS:
                model, whose = visitor.model(kind, self.served.pretrained.models)
                row[f"{MODEL_NAMES[kind]} ({whose})"] = round(model.predict(seq), 6)
            rows.append(row)
        chart = downsample(pd.DataFrame({"day": range(1, len(values) + 1), "value": values, "series": "value"}))
        return pd.DataFrame(rows), chart, sequence

    @friendly
    def predict_upload(self, weights_file, sequence: str, request: gr.Request = None) -> float:
        """The prediction of an uploaded .safetensors model (either layout) for a sequence."""
        values = parse_sequence(sequence, self.served.limits)
        model = load_file(file_path(weights_file), limits=self.served.limits)
        return model.predict(values)

    @friendly
    def use_upload(self, weights_file, visitor: Visitor | None, request: gr.Request = None):
        """Keep an uploaded model for this visitor; Predict and Inside switch to it.

        Returns the visitor, a status line, and the value of Retrain's "use my weights" box."""
        visitor = Visitor.of(visitor)
        if weights_file is None:
            return visitor, "", visitor.use_own
        model = load_file(file_path(weights_file), limits=self.served.limits)
        visitor.own[model.kind], visitor.own_source[model.kind] = model, "uploaded"
        visitor.use_own = True
        status = f"Loaded your {MODEL_NAMES[model.kind]} weights; Predict and Inside now use them (only for you)."
        return visitor, status, True


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

    def refresh(self) -> dict:
        """The event that redraws the predictions (after new weights, a link, a click)."""
        return dict(
            fn=self.handlers.predict_both,
            inputs=[self.sequence, self.visitor],
            outputs=[self.table, self.chart, self.sequence],  # the sequence too: a deep link saves it
            api_visibility=PRIVATE,
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
            button = gr.Button(T("predict.button"), variant="primary", elem_id="predict-button")
            gr.Examples([[e] for e in EXAMPLES], inputs=[sequence], label=T("examples"))
        with gr.Column(scale=2):
            chart = gr.LinePlot(
                x="day",
                y="value",
                title="Your sequence",
                x_title="day",
                y_title="value",
                height=280,
                label=T("predict.chart"),
                color_map={"value": PALETTE[0]},
            )
    table = gr.Dataframe(label=T("predict.results"), interactive=False, wrap=True, elem_id="predict-table")
    with gr.Accordion(T("upload.title"), open=False):
        upload_file = gr.File(label=T("upload.file"), file_types=[".safetensors"], elem_id="upload-file")
        upload_status = gr.Markdown()
        with gr.Row():
            upload_button = gr.Button(T("upload.button"))
            upload_prediction = gr.Number(label=T("upload.prediction"), interactive=False)

    tab = PredictTab(handlers, visitor, sequence, table, chart, upload_file, upload_status)
    gr.api(handlers.predict, api_name="predict", api_visibility=PUBLIC)
    gr.on([button.click, sequence.submit], **tab.refresh())
    # Public endpoints take raw inputs (preprocess=False) and check them in the handlers.
    upload_button.click(
        handlers.predict_upload,
        [upload_file, sequence],
        [upload_prediction],
        api_name="predict_upload",
        preprocess=False,
        api_visibility=PUBLIC,
    )
    return tab
