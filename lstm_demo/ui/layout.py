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
    /train (model, recipe, epochs, learning_rate, seed, device) -> streams    retrain.py
           (progress, loss chart, predictions chart, summary, .safetensors file)
    /decision_curve (day, base), /race (model, seed, learning_rate_a,         explore.py
           learning_rate_b, epochs), /lottery (inits, epochs, learning_rate, device)
Every other event is private.
"""

from __future__ import annotations

import gradio as gr
from gradio.utils import get_icon_path

from ..limits import Limits
from ..weights import Pretrained, load_pretrained
from .about import build_about_tab
from .common import I18N, PRIVATE, Served, T, browser_language, session_of
from .explore import build_explore_tab
from .inside import build_inside_tab
from .predict import build_predict_tab
from .retrain import build_retrain_tab
from .state import start_janitor
from .text import EN, ZH, translate_error

TABS = ("predict", "inside", "retrain", "explore", "about")

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

SHARE_LABEL, SHARE_COPIED = "Share this state", "Link copied"

# The Share button runs in the browser only. gr.DeepLinkButton also registers a server function
# outside the queue (a one-second sleep that puts its label back), which anyone can call by its
# index and which holds one of Gradio's threads each time. Here the browser asks Gradio's own
# deep-link route to save the session's values (as gr.DeepLinkButton's script does), copies the
# link, and a second browser-only step puts the label back after a second.
SHARE_JS = f"""
async () => {{
    const url = new URL(window.location.href);
    const response = await fetch(`gradio_api/deep_link?session_hash=${{window.__gradio_session_hash__}}`);
    if (!response.ok) return "{SHARE_LABEL}";
    const saved = (await response.text()).replace(/^"|"$/g, "");
    if (saved) url.searchParams.set("deep_link", saved);
    await navigator.clipboard.writeText(url.toString());
    return "{SHARE_COPIED}";
}}
"""
SHARE_RESET_JS = f'async () => {{ await new Promise((done) => setTimeout(done, 1000)); return "{SHARE_LABEL}"; }}'


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
            gr.Markdown(f"*Serving {served.pretrained.source}.*", elem_id="weights-source")
            share = gr.Button(
                SHARE_LABEL, icon=get_icon_path("link.svg"), size="sm", scale=0, min_width=160, elem_id="share-button"
            )
        notice = gr.Markdown(visible=False, elem_id="link-notice")  # shown when a query link names no tab

        with gr.Tabs(selected="predict", overflow_behavior="wrap") as tabs:
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
        predict.upload_file.upload(
            predict.handlers.use_upload,
            [predict.upload_file, visitor],
            [visitor, predict.upload_status, retrain.use_own],
            preprocess=False,
            api_visibility=PRIVATE,
        ).then(**predict.refresh())
        # ... and Inside (its table, chart and drawn cell), which says whose weights it shows.
        inside.compute(
            retrain.use_own.change(
                retrain.handlers.use_own, [retrain.use_own, visitor], [visitor], api_visibility=PRIVATE
            ).then(**predict.refresh())
        )
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
            )
        )

        # The page opens computed: the link's state (or the defaults), then its predictions and trace.
        opened = demo.load(
            open_link,
            [predict.sequence, inside.sequence, inside.model, retrain.model],
            [tabs, notice, predict.sequence, inside.sequence, inside.model, retrain.model],
            api_visibility=PRIVATE,
        )
        inside.compute(opened.then(**predict.refresh()))
        demo.load(**explore.playground)

        def session_ended(request: gr.Request) -> None:
            served.stops.forget(session_of(request))  # a training nobody watches stops

        demo.unload(session_ended)

    # api_open=False: the REST routes do not skip the queue (off a Space, Gradio's default opens them).
    demo.queue(default_concurrency_limit=8, max_size=limits.max_queue_size, api_open=False)
    return demo


def open_link(p_sequence: str, i_sequence: str, i_model: str, r_model: str, request: gr.Request):
    """Open the page in the state a link names: ?tab=inside&model=builtin&sequence=0,0.5,0.25,1.

    Values the link does not name are handed back as they are (a deep link may have restored
    them; an update without a value would drop them from what the next deep link saves). The tab
    name may be in any letter case; a name that is no tab gets one sentence on the page.
    """
    query = dict(request.query_params) if request is not None else {}
    tab, model, sequence = query.get("tab", ""), query.get("model", ""), query.get("sequence", "")
    notice = gr.Markdown(visible=False)
    if tab.strip().lower() in TABS:
        selected = gr.Tabs(selected=tab.strip().lower())
    else:
        selected = gr.Tabs()
        if tab:
            shown = tab if len(tab) <= 40 else tab[:40] + "..."
            sentence = f"The link names no tab called {shown!r}; the tabs are {', '.join(TABS)}."
            notice = gr.Markdown(translate_error(sentence, browser_language(request)), visible=True)
    if sequence and len(sequence) <= 200_000:
        p_sequence = i_sequence = sequence
    if model in ("builtin", "craft"):
        i_model = r_model = model
    return selected, notice, p_sequence, i_sequence, i_model, r_model


def warm_up() -> None:
    """Import what training needs (Lightning: seconds) so that the first Train click does not wait."""
    from .. import training  # noqa: F401


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
        footer_links=["api", "gradio", "settings"],  # settings: Gradio's language switch
    )
