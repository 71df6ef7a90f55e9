"""The Space's page: the header, one tab per module, and the events that cross tabs.

Each tab module builds its own components and wires its own events (`build_<tab>_tab`); this file
puts the tabs in order and wires what joins them: page load and query links, uploaded and trained
weights reaching Predict and Inside, a training's replay opened in Inside, the stop signals' clean-up.

Public endpoints (a contract for gradio_client scripts; keep names and argument orders):
    /predict (sequence, model) -> number                                      predict.py
    /predict_upload (weights_file, sequence) -> number                        predict.py
    /trace (sequence, model) -> table: step, input, forget_gate, input_gate,  inside.py
           candidate, output_gate, long_memory, short_memory
    /parity (sequence) -> number                                              inside.py
    /diagram (sequence, model, step) -> the drawn cell as SVG text           inside.py
    /train (model, recipe, epochs, learning_rate, seed, device) -> streams    retrain.py
           (progress, loss chart, predictions chart, summary, .safetensors file)
    /decision_curve (day, base), /race (model, seed, learning_rate_a,         explore.py
           learning_rate_b, epochs), /lottery (inits, epochs, learning_rate, device)
Every other event is private.
"""

from __future__ import annotations

import ast
import json

import gradio as gr
from starlette.middleware import Middleware

from ..checks import whole_number
from ..errors import LSTMDemoError
from ..limits import Limits
from ..messages import LANGUAGES, say
from ..models import MODEL_KINDS
from ..weights import Pretrained, load_pretrained, model_from_text
from .about import build_about_tab
from .api import describe_api
from .cell import fill_on
from .common import PRIVATE, Served, T, browser_language, inline_icon, sentence_of, session_of
from .explore import build_explore_tab
from .gradio_internals import check as check_gradio
from .gradio_internals import share_block_configs
from .guard import RequestGuard, shield, trust_proxies
from .inside import build_inside_tab
from .predict import build_predict_tab
from .retrain import build_retrain_tab
from .state import Visitor, start_janitor
from .static import StaticFiles, scripts

OPENING_TICK_SECONDS = 4  # a tick while the page load's answer has not arrived (see `opening`)
TABS = ("inside", "predict", "retrain", "explore", "about")  # in the page's order; a link names one

# Readable from a 390-px phone to a laptop: nothing may be wider than the screen; wide tables and
# formulas scroll inside their own box instead of the page, and on a phone a row's parts stack.
# (Gradio scopes these rules to the app's container itself.)
CSS = """
/* Sticky parts (the playground's drawing, a phone's story) need no scrolling box around them: the
   page's container clips sideways instead of hiding (hidden makes a scroll container). */
.gradio-container {overflow-x: clip !important; overflow-y: visible !important;}
#page-header {gap: 4px 16px; align-items: start;}
#page-header > .column {gap: 2px;}
#page-title h1 {font-size: 1.55rem; margin: 0 0 2px;}
#intro p, #weights-source p {margin: 0;}
#weights-source {font-size: var(--text-sm); color: var(--body-text-color-subdued);}
#inside-controls {gap: 8px; align-items: center;}
/* The playground: the drawing stays in view beside the sliders that redraw it. */
#playground {align-items: flex-start;}
#playground-drawing {position: sticky; top: 8px; align-self: flex-start;}
#playground-controls .slider-title p {margin: 0;}
@media (max-width: 720px) {#playground-drawing {order: -1; position: static;}}
#inside-controls .wrap {gap: 4px 8px;}
@media (max-width: 720px) {
  #page-title h1 {font-size: 1.25rem;}
  #intro, #weights-source {display: none;}
  #page-header {flex-wrap: nowrap !important; align-items: center;}
  #page-header > * {min-width: 0 !important; flex-basis: auto !important;}
  /* The Share button as its icon alone (its words stay its accessible name). */
  #share-button {font-size: 0; padding: 6px 10px; min-width: 0 !important; gap: 0;}
  /* The drawing and its story first; the sequence and model under them. */
  #inside-controls {order: 2;}
}
.block, .form, .row, .column {min-width: 0 !important; max-width: 100%;}
#predict-table, #inside-table, #playground-table {overflow-x: auto;}
pre, pre code {white-space: pre-wrap !important; word-break: break-word;}
.katex-display {margin: 0.3em 0; overflow-x: auto; overflow-y: hidden;}
/* A chart's own legend (common.chart_legend): entries wrap onto lines instead of being cut. */
.chart-legend {display: flex; flex-wrap: wrap; gap: 2px 14px; padding: 0 8px; font-size: var(--text-sm);}
.chart-key {display: inline-flex; align-items: center; gap: 6px; white-space: nowrap;}
.chart-key i {display: inline-block; width: 18px; height: 3px; border-radius: 2px;}
.chart-panel {gap: 4px !important;}
@media (max-width: 480px) {
  /* Inside's fold of charts: the charts take its whole width (their titles stay whole). */
  #inside-details {padding: 4px !important;}
  #inside-details .chart-panel {padding: 2px !important;}
  #inside-details .chart-panel > .block {padding: 4px !important;}
  .row {flex-wrap: wrap !important;}
  .row > *, .form > * {min-width: 100% !important; flex-basis: 100% !important;}
}
/* The training's summary table: words stay whole (Gradio's tables break anywhere, and on a phone
   the first column came out as "Compan / y A"); a line breaks between words. */
#train-table td, #train-table th {overflow-wrap: normal; word-break: normal;}
/* Predict: a table on a laptop, one card per sequence on a phone (just under the button). */
#predict-cards {display: none;}
.predict-cards {display: grid; gap: 0.5em;}
.predict-card {border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 0.5em 0.75em;}
.predict-card .pc-name {font-weight: 600;}
.predict-card .pc-values {color: var(--body-text-color-subdued); font-size: 0.9em; word-break: break-word;}
.predict-card .pc-row {display: flex; justify-content: space-between; gap: 1em;}
@media (max-width: 480px) {
  #predict-cards {display: block;}
  #predict-table {display: none !important;}
  /* The numeric equations scale down to the screen (and still scroll inside their box if need be). */
  #equations .katex-display > .katex {font-size: 0.78em;}
}
"""

# No web fonts: the page must load from this server alone.
THEME = gr.themes.Soft(
    primary_hue="indigo",
    secondary_hue="amber",
    font=[gr.themes.Font("system-ui"), gr.themes.Font("Segoe UI"), "sans-serif"],
    font_mono=[gr.themes.Font("ui-monospace"), "monospace"],
)

SHARE_LABEL = say("share.label")  # the button's first label; static/page.js puts it in the page's language


def page_head() -> str:
    """The page's <head>: its words for static/page.js (from the catalogue), then the script itself."""
    words = {
        "share": {language: [say(k, language) for k in ("share.label", "share.copied")] for language in LANGUAGES},
        "error": {language: say("toast.error", language) for language in LANGUAGES},
        "tabs": list(TABS),
    }
    # The drawings' scripts and styles start loading with the page, not once a drawing mounts (a
    # drawing's own `head` names the same URLs, which the browser then has).
    drawing = scripts("diagram.css", "cell.css", "diagram.js", "cell.js")
    return (
        f"<script>window.lstmPageWords = {json.dumps(words, ensure_ascii=False)};</script>"
        + scripts("page.js")
        + drawing
    )


def build_demo(pretrained: Pretrained | None = None, limits: Limits | None = None) -> gr.Blocks:
    limits = limits or Limits.from_env()
    served = Served(pretrained or load_pretrained(limits=limits), limits)
    start_janitor(limits.trained_file_ttl_seconds)

    ttl = max(1, int(limits.trained_file_ttl_seconds))
    # Gradio's copies of trained files (its cache) go after the same time as ours.
    with gr.Blocks(title=say("title"), delete_cache=(min(600, ttl), ttl)) as demo:
        visitor = gr.State(None)
        # A short header, so that the drawing and its story are on the first screen.
        with gr.Row(equal_height=False, elem_id="page-header"):
            with gr.Column(scale=1, min_width=0):
                gr.Markdown(
                    T.define("page.title", *(f"# {say('title', lang)}" for lang in LANGUAGES)), elem_id="page-title"
                )
                gr.Markdown(T("intro"), elem_id="intro")
                key = f"weights.line.{served.pretrained.source_key}"  # the weights line, in the page's language
                line = (weights_line(served, None, lang) for lang in LANGUAGES)
                source_line = gr.Markdown(T.define(key, *line), elem_id="weights-source")
            share = gr.Button(
                SHARE_LABEL, icon=inline_icon("link.svg"), size="sm", scale=0, min_width=160, elem_id="share-button"
            )
        notice = gr.Markdown(visible=False, elem_id="link-notice")  # shown when a query link names no tab

        # The page opens on the drawn cell and its story (Inside); a link may name another tab.
        with gr.Tabs(selected="inside", elem_id="main-tabs") as tabs:
            with gr.Tab(T("tab.inside"), id="inside"):
                inside = build_inside_tab(served, visitor)
            with gr.Tab(T("tab.predict"), id="predict"):
                predict = build_predict_tab(served, visitor)
            with gr.Tab(T("tab.retrain"), id="retrain") as retrain_tab:
                retrain = build_retrain_tab(served, visitor)
            with gr.Tab(T("tab.explore"), id="explore") as explore_tab:
                explore = build_explore_tab(served, visitor)
            with gr.Tab(T("tab.about"), id="about"):
                build_about_tab(limits)

        share.click(None, js="() => window.lstmPage.share()", outputs=[share]).then(
            None, js="() => window.lstmPage.shareReset()", outputs=[share]
        )

        # Weights the visitor brings (upload), makes (a training), switches on or opens from a replay
        # reach Predict and Inside: each of those events bumps one counter, whose change redraws both.
        weights_changed = gr.State(0)
        bump = dict(
            fn=lambda n: (n or 0) + 1, inputs=[weights_changed], outputs=[weights_changed], api_visibility=PRIVATE
        )
        weights_changed.change(**predict.refresh())

        def header_line(visitor_: Visitor | None, request: gr.Request) -> str:
            return weights_line(served, visitor_, browser_language(request))

        # The header says whose weights show.
        weights_changed.change(header_line, [visitor], [source_line], api_visibility=PRIVATE, show_progress="hidden")
        inside.compute(weights_changed.change)
        predict.upload_file.upload(
            predict.handlers.use_upload,
            [predict.upload_file, visitor],
            [visitor, predict.upload_status, retrain.use_own],
            preprocess=False,
            api_visibility=PRIVATE,
        ).then(**bump)
        retrain.use_own.change(
            retrain.handlers.use_own, [retrain.use_own, visitor], [visitor], api_visibility=PRIVATE
        ).then(**bump)
        retrain.training.then(**bump)  # a training's weights show at once when "use my weights" is on
        # The replay's "open in Inside": that epoch's weights become the visitor's own, Inside opens on them
        # (and Predict shows them too, and a link carries them).
        retrain.cell.cell_open(
            retrain.handlers.open_in_inside,
            [visitor],
            [visitor, tabs, inside.model, retrain.use_own],
            api_visibility=PRIVATE,
        ).then(**bump)
        explore.travel.click(lambda: gr.Tabs(selected="retrain"), None, [tabs], api_visibility=PRIVATE)

        # Retrain's and the playground's drawings, drawn when their tab is first shown (or at load, below,
        # when a link opens on their tab).
        retrain_shown = fill_on(retrain_tab.select, "retrain", retrain.handlers.picture, retrain.cell, "live")
        play = explore.handlers.pretrained_picture
        explore_shown = fill_on(explore_tab.select, "explore", play, explore.playground, "play")
        # A deep link saves a gr.JSON's value as the text "root={...}" (Gradio writes its JSON model
        # with str()); the page puts the dict back.
        summaries = [block for block in demo.blocks.values() if isinstance(block, gr.JSON)]

        # Gradio's page closes its message stream when the server has no event of the page's left; an
        # event joined just then can have its answer held on the server with no stream to carry it, and
        # the page then waits for good. Until the page load's answer arrives, a tick (a no-op event)
        # every few seconds makes the page open its stream again, and what was held arrives.
        opening = gr.Timer(OPENING_TICK_SECONDS)
        opening.tick(lambda: None, None, None, api_visibility=PRIVATE, show_progress="hidden")

        # The page opens computed, in one round trip: the link's state (or the defaults), Inside's views
        # (the drawing and its story first), a linked tab's drawing and the link's summaries; then
        # Predict's predictions.
        def open_page(request: gr.Request, p_sequence, i_sequence, i_model, r_model, visitor_, *summary_values):
            selected, note, p_sequence, i_sequence, i_model, r_model, visitor_, step = open_link(
                p_sequence, i_sequence, i_model, r_model, visitor_, request
            )
            fixed = json_from_link(*summary_values) if summaries else ()
            out = {
                opening: gr.Timer(active=False),  # the answer came: no more ticks
                tabs: selected,
                notice: note,
                predict.sequence: p_sequence,
                retrain.model: r_model,
                visitor: visitor_,
                **dict(zip(summaries, fixed if len(summaries) > 1 else [fixed])),
                **retrain_shown.at_load(request),
                **explore_shown.at_load(request),
                source_line: weights_line(served, visitor_, browser_language(request)),  # a link's weights
            }
            try:
                views = inside.handlers.views(i_sequence, i_model, visitor_, request, step)
            except gr.Error as exc:  # a link's sequence that cannot be used: said on the page, with the rest
                sentence = " ".join(filter(None, [getattr(note, "value", None) or "", exc.message]))
                out[notice] = gr.Markdown(sentence, visible=True)
                return {**out, inside.sequence: i_sequence, inside.model: i_model}
            return {**out, **dict(zip(inside.view_outputs(), views))}

        opened = demo.load(
            open_page,
            [predict.sequence, inside.sequence, inside.model, retrain.model, visitor, *summaries],
            [
                opening,
                tabs,
                notice,
                predict.sequence,
                retrain.model,
                visitor,
                *summaries,
                *retrain_shown.outputs,
                *explore_shown.outputs,
                source_line,
                *inside.view_outputs(),
            ],  # fmt: skip
            api_visibility=PRIVATE,
            show_progress="hidden",
        )
        opened.then(**predict.refresh())

        def session_ended(request: gr.Request) -> None:
            served.stops.forget(session_of(request))  # a training nobody watches stops

        demo.unload(session_ended)

    describe_api(demo)  # names, types and descriptions on the API page and in view_api
    # api_open=False: the REST routes do not skip the queue (off a Space, Gradio's default opens them).
    demo.queue(default_concurrency_limit=8, max_size=limits.max_queue_size, api_open=False)
    check_gradio(demo)  # every private name of Gradio used here is there, or the start stops (gradio_internals.py)
    shield(demo)  # a call Gradio cannot convert gets one sentence, not {"error": null} (guard/)
    share_block_configs(demo)  # a new session copies the page's configuration, built once
    trust_proxies()  # whose X-Forwarded-For the server believes: none unless LSTM_DEMO_TRUSTED_PROXIES names it
    return demo


def weights_line(served: Served, visitor: Visitor | None, language: str) -> str:
    """The header's line: the weights the server serves, and the visitor's own where they show."""
    shown = Visitor.of(visitor)
    source = served.pretrained.source_text(language)
    kinds = [kind for kind in MODEL_KINDS if shown.use_own and kind in shown.own]
    if not kinds:
        return f"*{say('weights.line', language, source=source)}*"
    models = ("、" if language == "zh" else ", ").join(say(f"model.{kind}", language) for kind in kinds)
    return f"*{say('weights.line.own', language, models=models, source=source)}*"


def open_link(
    p_sequence: str, i_sequence: str, i_model: str, r_model: str, visitor: Visitor | None, request: gr.Request
):
    """Open the page in the state a link names: ?tab=inside&model=builtin&sequence=0,0.5,0.25,1&step=2
    &weights=craft:1.63,2.70,... (what the Share button adds to a deep link).

    Values the link does not name are handed back as they are (a deep link may have restored
    them; an update without a value would drop them from what the next deep link saves). The tab
    name may be in any letter case; a name that is no tab, or weights that cannot be used, get one
    sentence on the page. Weights are checked like an upload and kept for this visitor only.
    """
    query = dict(request.query_params) if request is not None else {}
    language = browser_language(request)
    tab, model, sequence = query.get("tab", ""), query.get("model", ""), query.get("sequence", "")
    sentences = []
    if tab.strip().lower() in TABS:
        selected = gr.Tabs(selected=tab.strip().lower())
    else:
        selected = gr.Tabs()
        if tab:
            shown = tab if len(tab) <= 40 else tab[:40] + "..."
            sentences.append(say("link.unknown_tab", language, tab=shown, tabs=", ".join(TABS)))
    if sequence and len(sequence) <= 200_000:
        p_sequence = i_sequence = sequence
    if model in ("builtin", "craft"):
        i_model = r_model = model
    visitor = Visitor.of(visitor)
    if query.get("weights"):
        try:
            models = [model_from_text(part) for part in query["weights"][:4_000].split("|")[:2]]
        except LSTMDemoError as exc:
            sentences.append(say("link.weights", language, reason=sentence_of(exc, language).rstrip("。.")))
        else:
            for shared in models:
                visitor.own[shared.kind], visitor.own_source[shared.kind] = shared, "from the link"
            visitor.use_own = True
    step = None
    if query.get("step"):
        try:
            step = whole_number(query["step"], "step", 1, 10**6)
        except LSTMDemoError as exc:
            sentences.append(sentence_of(exc, language))
    notice = gr.Markdown(" ".join(sentences), visible=True) if sentences else gr.Markdown(visible=False)
    return selected, notice, p_sequence, i_sequence, i_model, r_model, visitor, step


def json_from_link(*values):
    """Each gr.JSON value a deep link restored as "root={...}" as its dict again; others as they are.

    Never gr.skip(): Gradio answers any update (a skip included) by replacing the component in the
    session with a new instance, and later values go into the deep-link state under that instance's
    new id, which the page does not know: a training's summary was then lost from every link."""
    fixed = []
    for value in values:
        if isinstance(value, str) and value.startswith("root=") and len(value) < 1_000_000:
            try:
                fixed.append(ast.literal_eval(value.removeprefix("root=")))
                continue
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                pass
        fixed.append(value)
    return fixed[0] if len(fixed) == 1 else fixed


def warm_up() -> None:
    """Start the trainings' fork server (it imports Lightning: seconds) so that the first Train click
    does not wait; the server itself never imports Lightning, and no worker starts until a training."""
    from ..workers import warm_up as start_fork_server

    start_fork_server()


def launch_kwargs(limits: Limits | None = None) -> dict:
    """How app.py launches. Gradio itself reads GRADIO_SERVER_NAME and GRADIO_SERVER_PORT, and
    listens on 127.0.0.1 (from port 7860 on) unless GRADIO_SERVER_NAME says otherwise."""
    limits = limits or Limits.from_env()
    return dict(
        max_file_size=limits.max_upload_bytes,
        state_session_capacity=limits.max_sessions,
        i18n=T.i18n(),
        theme=THEME,
        css=CSS,
        head=page_head(),
        footer_links=["api", "gradio", "settings"],  # settings: Gradio's language switch
        # Request bodies and uploads bounded before Gradio reads them (guard/); the page's own files.
        app_kwargs={"middleware": [Middleware(StaticFiles), Middleware(RequestGuard, limits=limits)]},
    )
