"""Explore's weight playground: the hand-built cell's 12 parameters as sliders beside its drawing.

Moving a slider or a gate switch redraws the cell and the predictions table in the browser (cell.js,
LSTMDiagram.forward: equal to PyTorch's to 1e-6): no request reaches the server. The server parses a
sequence the visitor types (the one parser) and redraws the labels when the page's language changes.
"""

from __future__ import annotations

import gradio as gr

from ...data import COMPANIES, parse_sequence
from ...explore import playground_model
from ...models import craft_parameters
from ..cell import Picture, empty_component, language_of, source_text
from ..common import PRIVATE, T, event_value, friendly
from .common import heading

GATES = (("f", "forget F"), ("i", "input I"), ("c", "candidate C~"), ("o", "output O"))
# The forget gate is one choice (computed, or forced to 1 or to 0); the other switches may go together.
# The page joins them into one list of SWITCHES names, which the drawing reads.
FORGET_CHOICES = ("computed", "forget=1", "forget=0")
OTHER_SWITCHES = ("input=0", "output=1")
SWITCHES_JS = (
    "(forget, others) => { window.lstmCells?.play?.setSwitches("
    "[...(forget && forget !== 'computed' ? [forget] : []), ...(others || [])]); }"
)
# Every slider in one browser-only event: the drawing takes the twelve values at once.
SLIDERS_JS = "(...values) => { window.lstmCells?.play?.setWeights(Object.fromEntries(LSTMDiagram.PARAMETERS.map((n, k) => [n, values[k]]))); }"


class Playground:
    """The playground's server side: the drawing in a language, a typed sequence, the reset."""

    def pretrained_picture(self, language: str) -> Picture:
        """The playground as it opens: the pretrained hand-built cell's weights on the sliders."""
        return self.picture(craft_parameters(self.served.pretrained.models["craft"]), language)

    def picture(self, parameters: dict[str, float], language: str, own: list[float] | None = None) -> Picture:
        sequences = {c.name: list(c.sequence) for c in COMPANIES}
        extra = {"own": own or []}
        return Picture(
            playground_model(parameters, ()), sequences, 4, language, source_text("sliders", language), extra=extra
        )

    @friendly
    def playground_sequence(self, sequence: str, request: gr.Request = None):
        """The visitor's own sequence for the predictions table (parsed here, by the one parser)."""
        values = parse_sequence(sequence, self.served.limits) if sequence and str(sequence).strip() else []
        return gr.HTML(own=values)

    @friendly
    def playground_relabel(self, event: gr.EventData, request: gr.Request = None):
        """The page's language changed: the drawing's labels in that language (the sliders' weights stay,
        the browser keeps them)."""
        language = language_of(event_value(event, "language"))
        pretrained = craft_parameters(self.served.pretrained.models["craft"])
        return self.picture(pretrained, language).update("play", keep_step=True)

    def playground_reset(self):
        """The pretrained hand-built weights for the 12 sliders, and no switches."""
        parameters = craft_parameters(self.served.pretrained.models["craft"])
        return [round(v, 4) for v in parameters.values()] + ["computed", []]


def build(handlers) -> gr.HTML:
    heading("explore.playground")
    pretrained = craft_parameters(handlers.served.pretrained.models["craft"])
    sliders = []
    with gr.Row(elem_id="playground", equal_height=False):
        with gr.Column(scale=2, min_width=300, elem_id="playground-controls"):
            for gate, title in GATES:
                with gr.Group():
                    gr.Markdown(f"**{title}**", elem_classes="slider-title")
                    for name in (f"w_x{gate}", f"w_h{gate}", f"b_{gate}"):
                        sliders.append(
                            gr.Slider(
                                -6, 6, value=round(pretrained[name], 4), step=0.01, label=name, elem_id=f"slider-{name}"
                            )
                        )
            forget = gr.Radio(
                [(T(f"explore.forget.{word}"), c) for word, c in zip(("computed", "one", "zero"), FORGET_CHOICES)],
                value="computed",
                label=T("explore.forget"),
                elem_id="forget-switch",
            )
            others = gr.CheckboxGroup(
                [(T(f"explore.switch.{c.split('=')[0]}"), c) for c in OTHER_SWITCHES],
                label=T("explore.switches"),
                elem_id="switches",
            )
            sequence = gr.Textbox(value="", label=T("sequence"), max_lines=1, elem_id="playground-sequence")
            reset = gr.Button(T("explore.reset"))
        with gr.Column(scale=3, elem_id="playground-drawing"):  # kept in view (sticky) beside the sliders
            cell = empty_component("play", own=[])  # drawn when Explore is first shown (layout.py)
    # Every switch as one list of SWITCHES names, joined in the browser (the forget gate can never be
    # forced to 1 and 0 at once); the drawing redraws at once.
    gr.on([forget.change, others.change], None, [forget, others], None, js=SWITCHES_JS)
    gr.on([*(s.input for s in sliders), *(s.change for s in sliders)], None, sliders, None, js=SLIDERS_JS)
    quiet = dict(api_visibility=PRIVATE, show_progress="hidden")
    sequence.submit(handlers.playground_sequence, [sequence], [cell], **quiet)
    reset.click(handlers.playground_reset, None, [*sliders, forget, others], **quiet)
    cell.cell_language(handlers.playground_relabel, None, [cell], **quiet)
    return cell
