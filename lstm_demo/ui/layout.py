"""The Space's page: tabs, components and the wiring of events to handlers.

Public endpoints (a contract for gradio_client scripts; keep names and argument orders):
    /predict (sequence, model) -> number
    /trace (sequence, model) -> table: step, input, forget_gate, input_gate, candidate,
                                       output_gate, long_memory, short_memory
    /train (model, recipe, epochs, learning_rate, seed, device) -> streams (progress, loss chart,
           predictions chart, summary, .safetensors file); the last output holds the summary
    /parity (sequence) -> number
    /predict_upload (weights_file, sequence) -> number
Every other event is private.
"""

from __future__ import annotations

import os

import gradio as gr
import torch

from ..data import COMPANY_A, COMPANY_B, format_sequence
from ..explain import equations_markdown
from ..models import craft_parameters
from ..limits import Limits
from ..weights import BUNDLED, Pretrained, load_pretrained
from .handlers import Handlers, wrap_all
from .state import start_janitor
from .text import EN, ZH

I18N = gr.I18n(en=EN, zh=ZH)
T = I18N  # T("key") -> a label the browser translates

# Okabe-Ito: colours that stay apart for the common kinds of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
SERIES_COLOURS = dict(zip(
    ["forget gate F", "input gate I", "candidate C~", "output gate O", "long-term memory C", "short-term memory H"], PALETTE
))  # fmt: skip

# Readable from a 390-px phone to a laptop: nothing may be wider than the screen; wide tables and
# formulas scroll inside their own box instead of the page, and on a phone a row's parts stack.
# (Gradio scopes these rules to the app's container itself.)
CSS = """
.block, .form, .row, .column {min-width: 0 !important; max-width: 100%;}
#predict-table, #inside-table, #playground-table {overflow-x: auto;}
pre, pre code {white-space: pre-wrap !important; word-break: break-word;}
.katex-display {margin: 0.3em 0; overflow-x: auto; overflow-y: hidden;}
@media (max-width: 480px) {
  .row {flex-wrap: wrap !important;}
  .row > *, .form > * {min-width: 100% !important; flex-basis: 100% !important;}
}
"""

# No web fonts: the page must load from this server alone.
THEME = gr.themes.Soft(
    primary_hue="indigo",
    secondary_hue="amber",
    font=[gr.themes.Font("system-ui"), gr.themes.Font("Segoe UI"), "sans-serif"],
    font_mono=[gr.themes.Font("ui-monospace"), "monospace"],
)

MODEL_CHOICES = [(T("model.builtin"), "builtin"), (T("model.craft"), "craft")]

PUBLIC = "public"
PRIVATE = "private"


def _device_choices() -> list:
    gpu = "gpu" if torch.cuda.is_available() else "gpu (none here)"
    return [("auto", "auto"), ("cpu", "cpu"), (gpu, "gpu")]


def build_demo(pretrained: Pretrained | None = None, limits: Limits | None = None) -> gr.Blocks:
    limits = limits or Limits.from_env()
    pretrained = pretrained or load_pretrained(limits=limits)
    handlers = Handlers(pretrained, limits)
    start_janitor(limits.trained_file_ttl_seconds)
    h = wrap_all(handlers)
    if os.environ.get("SPACES_ZERO_GPU"):  # on ZeroGPU a GPU is lent per call of a decorated function
        import spaces

        h["train"] = spaces.GPU(h["train"])
    company_b = format_sequence(COMPANY_B.sequence)

    ttl = max(1, int(limits.trained_file_ttl_seconds))
    # Gradio's copies of trained files (its cache) go after the same time as ours.
    with gr.Blocks(title="LSTM, built two ways", delete_cache=(min(600, ttl), ttl)) as demo:
        visitor = gr.State(None)
        gr.Markdown(f"# {EN['title']} · {ZH['title']}")
        gr.Markdown(T("intro"))
        with gr.Row(equal_height=True):
            gr.Markdown(f"*Serving {pretrained.source}.*", elem_id="weights-source")
            gr.DeepLinkButton(value="Share this state", copied_value="Link copied", size="sm", scale=0, min_width=160)

        with gr.Tabs(selected="predict", overflow_behavior="wrap") as tabs:
            # -- Predict ---------------------------------------------------------------------
            with gr.Tab(T("tab.predict"), id="predict"):
                with gr.Row():
                    with gr.Column(scale=3):
                        p_sequence = gr.Textbox(
                            value=company_b,
                            label=T("sequence"),
                            info=T("sequence.info"),
                            max_lines=3,
                            elem_id="predict-sequence",
                        )
                        p_button = gr.Button(T("predict.button"), variant="primary", elem_id="predict-button")
                        gr.Examples(
                            [
                                [format_sequence(COMPANY_A.sequence)],
                                [company_b],
                                ["1, 0.5, 0.25, 1, 1, 0.5, 0.25, 1"],
                                ["0, 0, 0, 0"],
                            ],
                            inputs=[p_sequence],
                            label=T("examples"),
                        )
                    with gr.Column(scale=2):
                        p_chart = gr.LinePlot(
                            x="day",
                            y="value",
                            title="Your sequence",
                            x_title="day",
                            y_title="value",
                            height=280,
                            label=T("predict.chart"),
                            color_map={"value": PALETTE[0]},
                        )
                p_table = gr.Dataframe(
                    label=T("predict.results"), interactive=False, wrap=True, elem_id="predict-table"
                )
                with gr.Accordion(T("upload.title"), open=False):
                    u_file = gr.File(label=T("upload.file"), file_types=[".safetensors"], elem_id="upload-file")
                    u_status = gr.Markdown()
                    with gr.Row():
                        u_button = gr.Button(T("upload.button"))
                        u_prediction = gr.Number(label=T("upload.prediction"), interactive=False)

            # -- Inside the LSTM ---------------------------------------------------------------
            with gr.Tab(T("tab.inside"), id="inside"):
                with gr.Row():
                    i_sequence = gr.Textbox(
                        value=company_b, label=T("sequence"), max_lines=3, scale=3, elem_id="inside-sequence"
                    )
                    i_model = gr.Radio(MODEL_CHOICES, value="craft", label=T("model"), scale=2, elem_id="inside-model")
                i_button = gr.Button(T("inside.button"), variant="primary", elem_id="inside-button")
                i_chart = gr.LinePlot(
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
                i_step = gr.Slider(1, 4, value=4, step=1, label=T("inside.step"), elem_id="inside-step")
                i_sentence = gr.Markdown(elem_id="inside-sentence")
                with gr.Row():
                    with gr.Column():
                        gr.Markdown(equations_markdown(), label=T("inside.equations"))
                    with gr.Column():
                        i_equations = gr.Markdown(elem_id="equations")
                i_table = gr.Dataframe(
                    label=T("inside.table"), interactive=False, max_height=320, elem_id="inside-table"
                )
                with gr.Accordion(T("parity.title"), open=False):
                    pa_button = gr.Button(T("parity.button"))
                    pa_report = gr.Markdown(elem_id="parity-report")

            # -- Retrain -----------------------------------------------------------------------
            with gr.Tab(T("tab.retrain"), id="retrain"):
                with gr.Row():
                    r_model = gr.Radio(MODEL_CHOICES, value="craft", label=T("model"), elem_id="retrain-model")
                    r_recipe = gr.Radio(
                        ["fast", "statquest"], value="fast", label=T("retrain.recipe"), elem_id="retrain-recipe"
                    )
                    r_device = gr.Radio(
                        _device_choices(), value="cpu", label=T("retrain.device"), info=T("retrain.device.info")
                    )
                with gr.Row():
                    r_epochs = gr.Number(
                        1000,
                        label=T("retrain.epochs"),
                        precision=0,
                        minimum=1,
                        maximum=limits.max_epochs,
                        elem_id="retrain-epochs",
                    )
                    r_lr = gr.Number(
                        0.01,
                        label=T("retrain.lr"),
                        minimum=limits.min_learning_rate,
                        maximum=limits.max_learning_rate,
                        elem_id="retrain-lr",
                    )
                    r_seed = gr.Number(42, label=T("retrain.seed"), precision=0, minimum=0, maximum=limits.max_seed)
                with gr.Row():
                    r_train = gr.Button(T("retrain.train"), variant="primary", elem_id="train-button")
                    r_stop = gr.Button(T("retrain.stop"), variant="stop", elem_id="stop-button")
                r_progress = gr.Markdown(elem_id="train-progress")
                with gr.Row():
                    r_loss = gr.LinePlot(
                        x="epoch",
                        y="loss",
                        color="series",
                        title="Loss per epoch",
                        x_title="epoch",
                        y_title="mean squared error",
                        color_map={"loss": PALETTE[5]},
                        height=320,
                        label=T("retrain.loss"),
                        elem_id="loss-plot",
                    )
                    r_predictions = gr.LinePlot(
                        x="epoch",
                        y="prediction",
                        color="series",
                        title="Predictions per epoch",
                        x_title="epoch",
                        y_title="prediction",
                        y_lim=[-0.1, 1.1],
                        color_map={"Out 0 (Company A)": PALETTE[0], "Out 1 (Company B)": PALETTE[1]},
                        height=320,
                        label=T("retrain.predictions"),
                    )
                with gr.Row():
                    r_summary = gr.JSON(label=T("retrain.summary"), elem_id="train-summary")
                    r_file = gr.File(label=T("retrain.file"), interactive=False)
                r_use = gr.Checkbox(False, label=T("retrain.use"), elem_id="use-own")

            # -- Explore -----------------------------------------------------------------------
            with gr.Tab(T("tab.explore"), id="explore"):
                gr.Markdown("### " + EN["explore.playground"])
                gr.Markdown(T("explore.playground.info"))
                pretrained_values = craft_parameters(pretrained.models["craft"])
                sliders = []
                with gr.Row(elem_id="playground-sliders"):
                    for gate, title in (("f", "forget F"), ("i", "input I"), ("c", "candidate C~"), ("o", "output O")):
                        with gr.Column(min_width=150):
                            gr.Markdown(f"**{title}**")
                            for name in (f"w_x{gate}", f"w_h{gate}", f"b_{gate}"):
                                sliders.append(
                                    gr.Slider(
                                        -6,
                                        6,
                                        value=round(pretrained_values[name], 4),
                                        step=0.01,
                                        label=name,
                                        elem_id=f"slider-{name}",
                                    )
                                )
                with gr.Row():
                    e_switches = gr.CheckboxGroup(
                        ["forget=1", "forget=0", "input=0", "output=1"],
                        label=T("explore.switches"),
                        elem_id="switches",
                        scale=3,
                    )
                    e_reset = gr.Button(T("explore.reset"), scale=1)
                e_sequence = gr.Textbox(value="", label=T("sequence"), max_lines=2, elem_id="playground-sequence")
                e_table = gr.Dataframe(label=T("explore.predictions"), interactive=False, elem_id="playground-table")

                gr.Markdown("### " + EN["explore.curve"])
                gr.Markdown(T("explore.curve.info"))
                with gr.Row():
                    c_day = gr.Radio([1, 2, 3, 4], value=1, label=T("explore.day"), elem_id="curve-day")
                    c_base = gr.Radio(
                        ["Company A", "Company B"], value="Company B", label=T("explore.base"), elem_id="curve-base"
                    )
                    c_button = gr.Button(T("explore.curve.button"), elem_id="curve-button")
                c_plot = gr.LinePlot(
                    x="value",
                    y="prediction",
                    color="series",
                    title="Prediction as one day's value changes",
                    x_title="the day's value",
                    y_title="prediction",
                    y_lim=[-0.1, 1.1],
                    color_map={
                        "built-in": PALETTE[0],
                        "hand-built": PALETTE[1],
                        "Company A (label 0)": PALETTE[6],
                        "Company B (label 1)": PALETTE[5],
                    },
                    height=320,
                    elem_id="curve-plot",
                )

                gr.Markdown("### " + EN["explore.travel"])
                gr.Markdown(T("explore.travel.info"))
                t_epoch = gr.Slider(
                    0, 1, value=0, step=1, label=T("explore.epoch"), interactive=False, elem_id="travel-epoch"
                )
                t_view = gr.Markdown("Train a model in Retrain first.", elem_id="travel-view")
                t_inside = gr.Button(T("explore.travel.inside"), elem_id="travel-inside")

                gr.Markdown("### " + EN["explore.race"])
                gr.Markdown(T("explore.race.info"))
                with gr.Row():
                    ra_model = gr.Radio(MODEL_CHOICES, value="craft", label=T("model"))
                    ra_seed = gr.Number(42, label=T("retrain.seed"), precision=0)
                    ra_lr_a = gr.Number(0.001, label="learning rate A")
                    ra_lr_b = gr.Number(0.1, label="learning rate B")
                    ra_epochs = gr.Number(500, label=T("retrain.epochs"), precision=0)
                ra_button = gr.Button(T("explore.race.button"), elem_id="race-button")
                ra_text = gr.Markdown(elem_id="race-text")
                ra_plot = gr.LinePlot(
                    x="epoch",
                    y="loss",
                    color="series",
                    title="Loss per epoch, two learning rates",
                    x_title="epoch",
                    y_title="mean squared error",
                    height=320,
                    elem_id="race-plot",
                )

                gr.Markdown("### " + EN["explore.lottery"])
                gr.Markdown(T("explore.lottery.info"))
                with gr.Row():
                    lo_inits = gr.Number(1000, label=T("explore.inits"), precision=0, elem_id="lottery-inits")
                    lo_epochs = gr.Number(500, label=T("retrain.epochs"), precision=0)
                    lo_lr = gr.Number(0.1, label=T("retrain.lr"))
                    lo_device = gr.Radio(_device_choices(), value="cpu", label=T("retrain.device"))
                lo_button = gr.Button(T("explore.lottery.button"), elem_id="lottery-button")
                lo_text = gr.Markdown(elem_id="lottery-text")
                with gr.Row():
                    lo_plot = gr.BarPlot(
                        x="log10 of final loss",
                        y="starts",
                        color="series",
                        title="Final loss of each random start",
                        x_title="log10 of the summed squared error",
                        y_title="random starts",
                        color_map={"seed 42's bin": PALETTE[5], "other starts": PALETTE[0]},
                        height=320,
                        label=T("explore.lottery.histogram"),
                        elem_id="lottery-plot",
                    )
                    lo_summary = gr.JSON(label=T("retrain.summary"))

            # -- About -------------------------------------------------------------------------
            with gr.Tab(T("tab.about"), id="about"):
                gr.Markdown(_about(limits))
                gr.Markdown(equations_markdown())
                for kind in ("craft", "builtin"):
                    with gr.Accordion(f"Model card: {kind}", open=False):
                        gr.Markdown(_card_body(kind))

        # -- Wiring ------------------------------------------------------------------------------
        # Public endpoints take raw inputs (preprocess=False) and check them in the handlers.
        gr.api(h["predict"], api_name="predict", api_visibility=PUBLIC)
        gr.api(h["parity"], api_name="parity", api_visibility=PUBLIC)

        # The sequence is an output too (unchanged), so that a deep link saves it with the results.
        predict_both = dict(
            fn=h["predict_both"],
            inputs=[p_sequence, visitor],
            outputs=[p_table, p_chart, p_sequence],
            api_visibility=PRIVATE,
        )
        for trigger in (p_button.click, p_sequence.submit):
            trigger(**predict_both)

        u_button.click(
            h["predict_upload"],
            [u_file, p_sequence],
            [u_prediction],
            api_name="predict_upload",
            preprocess=False,
            api_visibility=PUBLIC,
        )
        u_file.upload(
            h["use_upload"], [u_file, visitor], [visitor, u_status, r_use], preprocess=False, api_visibility=PRIVATE
        ).then(**predict_both)

        traced = i_button.click(
            h["trace"],
            [i_sequence, i_model, visitor],
            [i_table],
            api_name="trace",
            preprocess=False,
            api_visibility=PUBLIC,
        )
        traced.success(
            h["inside_views"],
            [i_table, i_sequence, i_model, visitor],
            [i_chart, i_step, i_equations, i_sentence, i_sequence, i_model],
            api_visibility=PRIVATE,
        )
        i_step.change(
            h["inside_step"],
            [i_table, i_step, i_model, visitor],
            [i_equations, i_sentence],
            api_visibility=PRIVATE,
            trigger_mode="always_last",
            show_progress="hidden",
        )
        pa_button.click(h["parity_report"], [i_sequence], [pa_report], api_visibility=PRIVATE)

        r_recipe.change(_recipe_defaults, [r_recipe, r_model], [r_epochs, r_lr], api_visibility=PRIVATE)
        r_model.change(_recipe_defaults, [r_recipe, r_model], [r_epochs, r_lr], api_visibility=PRIVATE)
        training = r_train.click(
            h["train"],
            [r_model, r_recipe, r_epochs, r_lr, r_seed, r_device, visitor],
            [r_progress, r_loss, r_predictions, r_summary, r_file, visitor],
            api_name="train",
            preprocess=False,
            api_visibility=PUBLIC,
            concurrency_limit=limits.max_concurrent_trainings,
            concurrency_id="training",
        )
        training.success(lambda: gr.Checkbox(value=False), None, [r_use], api_visibility=PRIVATE)
        # Stop sets this visitor's stop signal: the training ends within one step and the stream
        # reports the partial result. (A script's job.cancel() closes the stream, which does the same.)
        r_stop.click(h["stop"], [visitor], None, api_visibility=PRIVATE, queue=False)
        r_use.change(h["use_own"], [r_use, visitor], [visitor], api_visibility=PRIVATE).then(**predict_both)

        # Explore
        playground = dict(
            fn=h["playground"],
            inputs=[*sliders, e_switches, e_sequence],
            outputs=[e_table],
            api_visibility=PRIVATE,
            show_progress="hidden",
            trigger_mode="always_last",
        )
        for control in (*sliders, e_switches):
            control.change(**playground)
        e_sequence.submit(**playground)
        demo.load(**playground)
        e_reset.click(h["playground_reset"], None, [*sliders, e_switches], api_visibility=PRIVATE).then(**playground)
        c_button.click(
            h["decision_curve"],
            [c_day, c_base],
            [c_plot],
            api_name="decision_curve",
            preprocess=False,
            api_visibility=PUBLIC,
        )
        training.success(h["time_travel_range"], [visitor], [t_epoch, t_view], api_visibility=PRIVATE)
        t_epoch.change(
            h["time_travel"],
            [t_epoch, visitor],
            [t_view],
            api_visibility=PRIVATE,
            show_progress="hidden",
            trigger_mode="always_last",
        )
        t_inside.click(
            h["time_travel_inside"], [t_epoch, visitor], [visitor, tabs, i_model, r_use], api_visibility=PRIVATE
        ).then(h["trace"], [i_sequence, i_model, visitor], [i_table], api_visibility=PRIVATE).then(
            h["inside_views"],
            [i_table, i_sequence, i_model, visitor],
            [i_chart, i_step, i_equations, i_sentence, i_sequence, i_model],
            api_visibility=PRIVATE,
        )
        ra_button.click(
            h["race"],
            [ra_model, ra_seed, ra_lr_a, ra_lr_b, ra_epochs],
            [ra_text, ra_plot],
            api_name="race",
            preprocess=False,
            api_visibility=PUBLIC,
            concurrency_limit=limits.max_concurrent_trainings,
            concurrency_id="training",
        )
        gr.api(
            h["lottery"],
            api_name="lottery",
            api_visibility=PUBLIC,
            concurrency_limit=limits.max_concurrent_trainings,
            concurrency_id="training",
        )
        lo_button.click(
            h["lottery_view"],
            [lo_inits, lo_epochs, lo_lr, lo_device],
            [lo_summary, lo_plot, lo_text],
            api_visibility=PRIVATE,
            preprocess=False,
            concurrency_limit=limits.max_concurrent_trainings,
            concurrency_id="training",
        )

        # Shareable links: ?tab=inside&model=craft&sequence=1,0.5,0.25,1 opens that state.
        demo.load(
            _from_query,
            [p_sequence, i_sequence, i_model, r_model],
            [tabs, p_sequence, i_sequence, i_model, r_model],
            api_visibility=PRIVATE,
        ).then(**predict_both)
    demo.queue(default_concurrency_limit=8, max_size=limits.max_queue_size)
    return demo


def _recipe_defaults(recipe: str, model: str):
    from ..training import RECIPES

    chosen = RECIPES.get(recipe, RECIPES["fast"]).get(model, RECIPES["fast"]["craft"])
    return gr.Number(value=chosen.epochs), gr.Number(value=chosen.learning_rate)


def _from_query(p_sequence: str, i_sequence: str, i_model: str, r_model: str, request: gr.Request):
    """Open the page in the state a link names: tab, model and sequence.

    Values the link does not name are handed back as they are (a deep link may have restored
    them; an update without a value would drop them from what the next deep link saves).
    """
    query = dict(request.query_params) if request is not None else {}
    tab, model, sequence = query.get("tab", ""), query.get("model", ""), query.get("sequence", "")
    tabs = gr.Tabs(selected=tab) if tab in ("predict", "inside", "retrain", "explore", "about") else gr.Tabs()
    if sequence and len(sequence) <= 200_000:
        p_sequence = i_sequence = sequence
    if model in ("builtin", "craft"):
        i_model = r_model = model
    return tabs, p_sequence, i_sequence, i_model, r_model


def _card_body(kind: str) -> str:
    text = (BUNDLED / kind / "README.md").read_text(encoding="utf-8")
    return text.split("---", 2)[-1] if text.startswith("---") else text


def _about(limits: Limits) -> str:
    return f"""
## What this is
Two LSTMs, one from the library (`torch.nn.LSTM`) and one **built by hand** from the six equations below,
pretrained on StatQuest's toy task and shown side by side. **Inside the LSTM** steps through a sequence and shows
each gate; **Retrain** trains either model with Lightning while you watch. The weights are safetensors files
in the Hub layout; transplanted between the two models they give the same numbers (see the parity panel).

A 12-parameter model trains faster on a CPU than on a GPU: each step is a few dozen tiny operations, and a GPU
spends its time launching them.

## Call it from a script
```python
from gradio_client import Client, handle_file
client = Client("http://127.0.0.1:7860/")          # or the Space's name
client.predict("1, 0.5, 0.25, 1", "craft", api_name="/predict")          # 0.9692...
client.predict("1, 0.5, 0.25, 1", "builtin", api_name="/trace")         # table: step, input, forget_gate, ...
client.predict("1, 0.5, 0.25, 1", api_name="/parity")                    # ~1e-7
client.predict("craft", "fast", 1000, 0.01, 42, "cpu", api_name="/train")  # (progress, loss, predictions, summary, file)
client.predict(handle_file("model.safetensors"), "0, 0.5, 0.25, 1", api_name="/predict_upload")
```

## Limits
Sequences up to {limits.max_sequence_length:,} numbers; up to {limits.max_epochs:,} epochs and {limits.max_train_seconds:g} s per
training; {limits.max_concurrent_trainings} trainings at once; uploads up to {limits.max_upload_bytes:,} bytes (`.safetensors` only).
"""


def warm_up() -> None:
    """Import what training needs (Lightning: seconds) so that the first Train click does not wait."""
    from .. import training  # noqa: F401


def launch_kwargs(limits: Limits | None = None) -> dict:
    """How app.py launches: on 127.0.0.1:7860 unless GRADIO_SERVER_NAME / _PORT say otherwise."""
    limits = limits or Limits.from_env()
    return dict(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        max_file_size=limits.max_upload_bytes,
        state_session_capacity=limits.max_sessions,
        i18n=I18N,
        theme=THEME,
        css=CSS,
        footer_links=["api", "gradio", "settings"],  # settings: Gradio's language switch
    )
