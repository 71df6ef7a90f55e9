"""The Space's page: the header, one tab per module, and the events that cross tabs.

Each tab module builds its own components and wires its own events (`build_<tab>_tab`); this file
puts the tabs in order and wires what joins them: page load and query links, uploaded and trained
weights reaching Predict and Inside, training time-travel, the stop signals' clean-up.

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
from ..data import parse_sequence
from ..errors import LSTMDemoError
from ..limits import Limits
from ..messages import LANGUAGES, say
from ..weights import Pretrained, load_pretrained, model_from_text
from .about import build_about_tab
from .api import describe_api
from .common import I18N, PRIVATE, Served, T, browser_language, inline_icon, sentence_of, session_of
from .explore import OPEN_PART_JS, build_explore_tab
from .sessions import share_block_configs
from .gradio_internals import check as check_gradio
from .guard import RequestGuard, shield, trust_proxies
from .inside import build_inside_tab
from .predict import build_predict_tab
from .retrain import build_retrain_tab
from .state import Visitor, start_janitor
from .text import EN, ZH

TABS = ("predict", "inside", "retrain", "explore", "about")

# Readable from a 390-px phone to a laptop: nothing may be wider than the screen; wide tables and
# formulas scroll inside their own box instead of the page, and on a phone a row's parts stack.
# (Gradio scopes these rules to the app's container itself.)
CSS = """
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

SHARE_LABEL = say("share.label")  # the button's first label; the page's script puts it in the page's language
SHARE_WORDS = {language: [say(k, language) for k in ("share.label", "share.copied")] for language in LANGUAGES}
PAGE_LANGUAGE_JS = "(document.documentElement.lang || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en'"

# The Share button runs in the browser only. gr.DeepLinkButton also registers a server function
# outside the queue (a one-second sleep that puts its label back), which anyone can call by its
# index and which holds one of Gradio's threads each time. Here the browser asks Gradio's own
# deep-link route to save the session's values (as gr.DeepLinkButton's script does), adds what a
# deep link does not hold (the tab shown, Inside's step, and the visitor's own weights in use, which
# live in a gr.State), copies the link, and a second browser-only step puts the label back.
# The link's own sequence and model give way to the deep link's (they may be out of date).
SHARE_JS = f"""
async () => {{
    const words = {json.dumps(SHARE_WORDS, ensure_ascii=False)}[{PAGE_LANGUAGE_JS}];
    const url = new URL(window.location.href);
    const response = await fetch(`gradio_api/deep_link?session_hash=${{window.__gradio_session_hash__}}`);
    if (!response.ok) return words[0];
    const saved = (await response.text()).replace(/^"|"$/g, "");
    for (const name of ["deep_link", "tab", "step", "weights", "sequence", "model"]) url.searchParams.delete(name);
    if (saved) url.searchParams.set("deep_link", saved);
    const tabs = [...document.querySelectorAll("#main-tabs [role=tab]")].slice(0, {len(TABS)});
    const shown = tabs.findIndex((tab) => tab.getAttribute("aria-selected") === "true");
    const names = {json.dumps(list(TABS))};
    if (shown >= 0) url.searchParams.set("tab", names[shown]);
    const step = document.querySelector("#inside-step input[type=number]")?.value;
    if (step) url.searchParams.set("step", step);
    const weights = document.querySelector("#weights-link textarea, #weights-link input")?.value;
    if (weights) url.searchParams.set("weights", weights);
    await navigator.clipboard.writeText(url.toString());
    return words[1];
}}
"""
SHARE_RESET_JS = f"""
async () => {{
    await new Promise((done) => setTimeout(done, 1000));
    return {json.dumps(SHARE_WORDS, ensure_ascii=False)}[{PAGE_LANGUAGE_JS}][0];
}}
"""

# Run once when the page loads. Gradio's error toast titles itself with its type ("Error"), which
# no i18n key reaches: the title follows the page's language here. The Share button's label too.
PAGE_JS = rf"""
() => {{
    const words = {{
        zh: {{ error: {json.dumps(say("toast.error", "zh"), ensure_ascii=False)} }},
        share: {json.dumps(SHARE_WORDS, ensure_ascii=False)},
    }};
    const language = () => {PAGE_LANGUAGE_JS};
    const translate = () => {{
        const zh = language() === "zh";
        for (const title of document.querySelectorAll(".toast-title.error")) {{
            const text = title.firstChild;
            if (text && text.nodeType === 3 && /^\s*Error\s*$/.test(text.nodeValue) && zh)
                text.nodeValue = words.zh.error + " ";
        }}
        const share = document.querySelector("#share-button");
        const label = share && [...share.childNodes].find((n) => n.nodeType === 3 && n.nodeValue.trim());
        const all = Object.values(words.share).map((w) => w[0]);
        if (label && all.includes(label.nodeValue.trim()) && label.nodeValue.trim() !== words.share[language()][0])
            label.nodeValue = words.share[language()][0];
    }};
    new MutationObserver(translate).observe(document.body, {{ childList: true, subtree: true }});
    new MutationObserver(translate).observe(document.documentElement, {{ attributes: true, attributeFilter: ["lang"] }});
    translate();
}}
"""


def build_demo(pretrained: Pretrained | None = None, limits: Limits | None = None) -> gr.Blocks:
    limits = limits or Limits.from_env()
    served = Served(pretrained or load_pretrained(limits=limits), limits)
    start_janitor(limits.trained_file_ttl_seconds)

    ttl = max(1, int(limits.trained_file_ttl_seconds))
    # Gradio's copies of trained files (its cache) go after the same time as ours.
    with gr.Blocks(title=EN["title"], delete_cache=(min(600, ttl), ttl)) as demo:
        visitor = gr.State(None)
        gr.Markdown(f"# {EN['title']} · {ZH['title']}")
        gr.Markdown(T("intro"))
        with gr.Row(equal_height=True):
            key = f"weights.line.{served.pretrained.source_key}"  # the weights line, in the page's language
            EN[key], ZH[key] = (
                f"*{say('weights.line', lang, source=served.pretrained.source_text(lang))}*" for lang in LANGUAGES
            )
            gr.Markdown(T(key), elem_id="weights-source")
            share = gr.Button(
                SHARE_LABEL, icon=inline_icon("link.svg"), size="sm", scale=0, min_width=160, elem_id="share-button"
            )
        notice = gr.Markdown(visible=False, elem_id="link-notice")  # shown when a query link names no tab

        with gr.Tabs(selected="predict", overflow_behavior="wrap", elem_id="main-tabs") as tabs:
            with gr.Tab(T("tab.predict"), id="predict"):
                predict = build_predict_tab(served, visitor)
            with gr.Tab(T("tab.inside"), id="inside"):
                inside = build_inside_tab(served, visitor)
            with gr.Tab(T("tab.retrain"), id="retrain"):
                retrain = build_retrain_tab(served, visitor)
            with gr.Tab(T("tab.explore"), id="explore"):
                explore = build_explore_tab(served, visitor)
            with gr.Tab(T("tab.about"), id="about"):
                build_about_tab(limits)

        share.click(None, js=SHARE_JS, outputs=[share]).then(None, js=SHARE_RESET_JS, outputs=[share])

        # Weights the visitor brings (upload) or makes (training) reach Predict and Inside.
        inside.compute(  # Inside recomputes too, and its badge names the uploaded file
            predict.upload_file.upload(
                predict.handlers.use_upload,
                [predict.upload_file, visitor],
                [visitor, predict.upload_status, retrain.use_own],
                preprocess=False,
                api_visibility=PRIVATE,
            ).then(**predict.refresh())
        )
        # ... and Inside (its table, chart and drawn cell), which says whose weights it shows.
        inside.compute(
            retrain.use_own.change(
                retrain.handlers.use_own, [retrain.use_own, visitor], [visitor], api_visibility=PRIVATE
            ).then(**predict.refresh())
        )
        # A training's weights, when the visitor has "use my weights" on, show at once.
        inside.compute(retrain.training.then(**predict.refresh()))
        retrain.training.success(
            explore.handlers.time_travel_range,
            [visitor],
            [explore.travel_epoch, explore.travel_view, explore.travel_cell],
            api_visibility=PRIVATE,
        )
        inside.compute(
            explore.travel_inside.click(
                explore.handlers.time_travel_inside,
                [explore.travel_epoch, visitor],
                [visitor, tabs, inside.model, retrain.use_own],
                api_visibility=PRIVATE,
            ).then(**predict.refresh())  # Predict shows that epoch's weights too (and a link carries them)
        )

        # The page opens computed: the link's state (or the defaults), then its predictions and trace.
        link_step = gr.State(None)  # Inside's step a link names, set once Inside has computed
        opened = demo.load(
            open_link,
            [predict.sequence, inside.sequence, inside.model, retrain.model, visitor],
            [tabs, notice, predict.sequence, inside.sequence, inside.model, retrain.model, visitor, link_step],
            api_visibility=PRIVATE,
        )
        inside.compute(opened.then(**predict.refresh())).then(
            link_step_value, [link_step, inside.sequence], [inside.step], api_visibility=PRIVATE
        )
        demo.load(**explore.playground)
        # A deep link saves a gr.JSON's value as the text "root={...}" (Gradio writes its JSON model
        # with str()); the page puts the dict back.
        summaries = [block for block in demo.blocks.values() if isinstance(block, gr.JSON)]
        if summaries:
            demo.load(json_from_link, summaries, summaries, api_visibility=PRIVATE, show_progress="hidden")
        demo.load(None, js=OPEN_PART_JS)  # ?tab=explore&part=race opens that part of Explore

        def session_ended(request: gr.Request) -> None:
            served.stops.forget(session_of(request))  # a training nobody watches stops

        demo.unload(session_ended)

    describe_api(demo)  # names, types and descriptions on the API page and in view_api
    # api_open=False: the REST routes do not skip the queue (off a Space, Gradio's default opens them).
    demo.queue(default_concurrency_limit=8, max_size=limits.max_queue_size, api_open=False)
    check_gradio(demo)  # every private name of Gradio used here is there, or the start stops (gradio_internals.py)
    shield(demo)  # a call Gradio cannot convert gets one sentence, not {"error": null} (guard/)
    trust_proxies()  # whose X-Forwarded-For the server believes: none unless LSTM_DEMO_TRUSTED_PROXIES names it
    share_block_configs(demo)  # a new session copies the page's configuration (~4 ms), not builds it (~40 ms)
    return demo


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


def link_step_value(step: int | None, sequence: str):
    """Inside's step slider at the step a link names (within its sequence), once Inside has computed."""
    if not step:
        return gr.skip()
    try:
        length = len(parse_sequence(sequence))
    except LSTMDemoError:
        return gr.skip()  # Inside has said what is wrong with the sequence
    return gr.Slider(value=min(step, length))


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
        i18n=I18N,
        theme=THEME,
        css=CSS,
        js=PAGE_JS,
        footer_links=["api", "gradio", "settings"],  # settings: Gradio's language switch
        # Request bodies and uploads bounded before Gradio reads them (guard/).
        app_kwargs={"middleware": [Middleware(RequestGuard, limits=limits)]},
    )
