"""Explore's training time-travel: the last training's weights, epoch by epoch, drawn in the browser."""

from __future__ import annotations

import gradio as gr

from ...checks import whole_number
from ...data import COMPANIES
from ...errors import InputError
from ...models import craft_parameters
from ..cell import Picture, empty_component, language_of, source_text
from ..common import MODEL_NAMES, PRIVATE, T, browser_language, event_value, friendly
from ..state import Visitor
from .common import heading

GATES = (("f", "forget F"), ("i", "input I"), ("c", "candidate C~"), ("o", "output O"))
NO_TRAINING_YET = "Train a model in Retrain first."


class TimeTravel:
    @friendly
    def time_travel_range(self, visitor, request: gr.Request = None):
        """After a training: the epoch slider over its snapshots, at the last one, its view, and the
        drawn cell with every snapshot's 12 weights (the browser redraws as the slider moves)."""
        visitor = Visitor.of(visitor)
        if not visitor.snapshots:
            return gr.Slider(minimum=0, maximum=1, value=0, interactive=False), NO_TRAINING_YET, gr.skip()
        last = visitor.snapshots.last_epoch
        slider = gr.Slider(minimum=0, maximum=max(last, 1), value=last, step=1, interactive=True)
        return slider, self.time_travel(last, visitor, request), self._travel_cell(last, visitor, request)

    def _travel_cell(self, epoch, visitor, request, language: str | None = None, keep_step: bool = False):
        kind, trained, model = self._snapshot(epoch, visitor)
        language = language or browser_language(request)
        snapshots = [[done, craft_parameters(kept)] for done, kept in Visitor.of(visitor).snapshots.models()]
        sequences = {c.name: list(c.sequence) for c in COMPANIES}
        picture = Picture(model, sequences, 4, language, source_text(f"epoch {trained}", language))
        picture.extra = {"snapshots": snapshots}
        return picture.update("travel", keep_step=keep_step)

    @friendly
    def travel_relabel(self, epoch, visitor, event: gr.EventData, request: gr.Request = None):
        language = language_of(event_value(event, "language"))
        return self._travel_cell(epoch, visitor, request, language, keep_step=True)

    def _snapshot(self, epoch, visitor):
        """(kind, epochs trained, model) of the kept snapshot nearest `epoch`."""
        visitor = Visitor.of(visitor)
        if not visitor.snapshots:
            raise InputError(key="travel.none")
        epoch = whole_number(epoch, "epoch", 0, visitor.snapshots.last_epoch)
        trained, model = visitor.snapshots.nearest(epoch)
        return visitor.snapshots.kind, trained, model

    @friendly
    def time_travel(self, epoch, visitor, request: gr.Request = None):
        """The weights after a given epoch of the visitor's last training: predictions and loss."""
        from ...recipes import company_predictions, mse

        kind, trained, model = self._snapshot(epoch, visitor)
        predictions = company_predictions(model)
        parameters = craft_parameters(model)
        lines = [
            f"**After {trained} epochs** ({MODEL_NAMES[kind]}): loss {mse(predictions):.4g}; "
            f"Company A {predictions['company_a']:.4f}, Company B {predictions['company_b']:.4f}.",
            "",
            # One row per gate (as the playground's sliders): four columns fit a phone's width.
            "| gate | w_x | w_h | b |",
            "|---|---:|---:|---:|",
            *(
                f"| {title} | {parameters[f'w_x{g}']:.3f} | {parameters[f'w_h{g}']:.3f} | {parameters[f'b_{g}']:.3f} |"
                for g, title in GATES
            ),
        ]
        return "\n".join(lines)

    @friendly
    def time_travel_inside(self, epoch, visitor, request: gr.Request = None):
        """Make that epoch's weights the visitor's own and open Inside on them.

        Returns the visitor, the tabs, Inside's model and Retrain's "use my weights" box."""
        visitor = Visitor.of(visitor)
        kind, trained, model = self._snapshot(epoch, visitor)
        visitor.keep(kind, model, f"epoch {trained}")
        visitor.use_own = True
        return visitor, gr.Tabs(selected="inside"), kind, True


def build(handlers, visitor: gr.State) -> tuple[gr.Slider, gr.Markdown, gr.Button, gr.HTML]:
    heading("explore.travel")
    epoch = gr.Slider(0, 1, value=0, step=1, label=T("explore.epoch"), interactive=False, elem_id="travel-epoch")
    view = gr.Markdown(NO_TRAINING_YET, elem_id="travel-view")
    # Empty until a training: then the last snapshot drawn, and every snapshot's weights in its props.
    cell = empty_component("travel", snapshots=[])
    inside = gr.Button(T("explore.travel.inside"), elem_id="travel-inside")
    epoch.change(
        handlers.time_travel,
        [epoch, visitor],
        [view],
        api_visibility=PRIVATE,
        show_progress="hidden",
        trigger_mode="always_last",
    )
    # The drawing follows the slider in the browser: the weights grow epoch by epoch, no round trip.
    gr.on(
        [epoch.input, epoch.change],
        None,
        [epoch],
        None,
        js="(e) => { window.lstmCells?.travel?.setEpoch(e); return e; }",
    )
    quiet = dict(api_visibility=PRIVATE, show_progress="hidden")
    cell.cell_language(handlers.travel_relabel, [epoch, visitor], [cell], **quiet)
    # layout.py wires the rest: a training's success fills the slider and the drawing; `inside` opens Inside.
    return epoch, view, inside, cell
