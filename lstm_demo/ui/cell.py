"""The drawn cell on the page: one gr.HTML per drawing (Inside's story, the playground, Retrain's live one).

The SVGs come from lstm_demo.diagram and lstm_demo.strip (the same pure functions as /diagram and the
command line). A drawing's gr.HTML value holds the day bar, one cell per sequence (Company A beside
Company B; a phone shows the one in focus), the memory strip and a side column (the story, a gate's
explanation) that the browser fills; its props carry what the browser needs to step, explain and
redraw with no server round trip (static/cell.js): the 12 weights, the sequences, the server's traces
where the page has them, the story's steps (Inside) and the page's words. Python updates a drawing
by returning `Picture.update(...)` (a gr.HTML with a new value and props); Gradio patches the DOM
attribute by attribute, and cell.js then indexes the SVGs again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

import gradio as gr

from ..data import COMPANIES, known_label
from ..diagram import company_label, draw
from ..messages import MESSAGES, say, template
from ..models import CraftLSTM, LSTMModel, craft_parameters
from ..story import story
from ..strip import draw_strip
from ..values import GATES, SYMBOLS, trace_arrays, with_products
from .static import scripts

# Every drawing's page needs these once (gr.HTML loads each URL once, however many drawings ask).
HEAD = scripts("diagram.css", "cell.css", "diagram.js", "cell.js")
# The drawing's events back to Python, named here: Gradio registers the events a js_on_load names.
# The page's head starts loading the same scripts earlier, and a gr.HTML does not wait for a script
# that is already on the page: until diagram.js and cell.js have run (each says so with an
# "lstm-script" event), the mount waits for them.
JS_ON_LOAD = (
    "const go = () => LSTMCell.mount(element, props, trigger, watch,"
    " {step: 'cell_step', language: 'cell_language', open: 'cell_open'});"
    "const ready = () => window.LSTMCell && window.LSTMDiagram;"
    "if (ready()) go();"
    "else addEventListener('lstm-script', function wait() {"
    " if (ready()) { removeEventListener('lstm-script', wait); go(); } });"
)
SERVER_TRACES = 64  # sequences up to this long carry the server's trace to the page
WORDS = (
    "first", "back", "forward", "play", "pause", "frame", "day_of", "stages_summary", "show", "epoch_source",
    "live_source",
)  # fmt: skip


def page_words(language: str) -> dict:
    """What cell.js writes on the page (buttons, status, stage cards, a gate's explanation, the story's
    buttons), in `language`: catalogue templates, filled in the browser (LSTMDiagram.format)."""

    def t(key: str) -> str:
        return template(key, language)

    words = {key: t(f"cell.{key}") for key in WORDS}
    words["fields"] = {k.removeprefix("cell.field."): t(k) for k in MESSAGES if k.startswith("cell.field.")}
    words["stages"] = [t(f"diagram.stages.{k}") for k in (1, 2, 3)]
    words["stage_sentences"] = [t(f"stage.sentence.{k}") for k in (1, 2, 3)]
    words["stage_first"] = t("stage.sentence.1.first")
    words["gate"] = {
        key: t(f"gate.{key}") for key in ("heading", "loss", "sign", "folded", "no_label", "curious", "close")
    }
    words["gate_names"] = {gate: t(f"diagram.gate_names.{gate}") for gate in GATES}
    words["symbols"] = dict(SYMBOLS)
    words["story"] = {key: t(f"story.{key}") for key in ("next", "back", "step_of", "restart", "hint", "hint.touch")}
    words["story"]["hint_touch"] = words["story"].pop("hint.touch")
    words["replay"] = {key: t(f"cell.replay.{key}") for key in ("play", "pause", "scrub", "open")}
    words["replay"]["text"] = t("cell.replay")
    words["predictions"] = {
        "title": t("explore.predictions"), "sequence": t("predict.col.sequence"), "values": t("predict.col.values"),
        "label": t("predict.col.label"), "prediction": t("chart.predictions.y"), "yours": t("predict.yours"),
    }  # fmt: skip
    return words


def language_of(value: object) -> str:
    return "zh" if str(value or "").lower().startswith("zh") else "en"


def source_text(whose: str, language: str) -> str | None:
    """The drawing's "Weights: ..." for ui.state.Visitor.model's whose ("epoch 120", "trained", ...);
    None for the pretrained weights (the drawing says what the bundled weights of its model are)."""
    language = language_of(language)
    if whose == "pretrained":
        return None
    if whose.startswith("epoch "):
        return say("cell.source.epoch", language, epoch=whose.removeprefix("epoch "))
    key = f"cell.source.{whose}"
    return say(key, language) if key in MESSAGES else whose


def drawn_sequences(values: list[float], language: str) -> dict[str, list[float]]:
    """What the drawing shows for a sequence: both companies (A beside B) when it is one of theirs,
    so the difference day 1 makes is in view; otherwise the visitor's sequence alone."""
    if known_label(values) is not None:
        return {c.name: list(c.sequence) for c in COMPANIES}
    return {say("cell.yours", language_of(language)): list(values)}


def shown_names(sequences: dict[str, list[float]], language: str) -> list[str]:
    return [company_label(name, language) for name in sequences]


@dataclass
class Picture:
    """One drawing's content: the model, what it draws, and where the page's trace is."""

    model: LSTMModel
    sequences: dict[str, list[float]]
    step: int
    language: str = "en"
    source: str | None = None  # None: what the bundled weights are
    rows: list[list[dict]] | None = None  # the page's own Trace.rows(), one list per sequence
    switches: tuple[str, ...] = ()
    with_story: bool = False  # Inside: the story's steps, from this model's trace
    extra: dict = field(default_factory=dict)  # more props (Retrain's replay snapshots, ...)

    def longest(self) -> int:
        return max(len(v) for v in self.sequences.values())

    def traces(self) -> list[dict[str, list[float]]]:
        rows = self.rows if self.rows is not None else [self._rows(v) for v in self.sequences.values()]
        return [trace_arrays(with_products(r)) for r in rows]

    def html(self, cell_id: str) -> str:
        words = page_words(self.language)
        names = shown_names(self.sequences, self.language)
        traces = self.traces()
        cells = "".join(
            f'<div class="cv-cell" data-seq="{k}">'
            + draw(
                self.model, {name: values}, self.step, language=self.language, source=self.source, layout="single",
                id_prefix=f"{cell_id}-{k}", rows=[self.rows[k]] if self.rows is not None else None, chrome=False,
                style=False,
            )
            + "</div>"
            for k, (name, values) in enumerate(self.sequences.items())
        )  # fmt: skip
        strips = [
            f'<div class="cv-strip-{width}">'
            + draw_strip(self.sequences, self.step, names=names, language=self.language, width=width, traces=traces)
            + "</div>"
            for width in ("wide", "narrow")
        ]
        # Each button's words, and a short form a phone shows (arrows).
        button = '<button type="button" data-act="{0}" aria-label="{1}"><span class="long">{1}</span><span class="short">{2}</span></button>'
        short = {"first": "«", "back": "◀", "forward": "▶", "play": "▶▶"}
        days = "".join(
            button.format(act, escape(words[act]), short[act]) for act in ("first", "back", "forward", "play")
        )
        shows = "".join(
            f'<button type="button" data-show="{k}" aria-pressed="false" aria-label="{escape(name)}">'
            f'<span class="long">{escape(name)}</span><span class="short">{escape(name[-1:])}</span></button>'
            for k, name in enumerate(names)
        )
        show = f'<span class="cv-show" role="group" aria-label="{escape(words["show"])}">{shows}</span>'
        predictions = '<section class="cv-predictions" aria-live="polite"></section>' if "own" in self.extra else ""
        replay = ""
        if self.extra.get("replay"):  # Retrain: Play and a scrub bar over a training's snapshots
            r = words["replay"]
            replay = (
                '<div class="cv-replay" hidden><button type="button" class="primary" data-act="replay">'
                f'{escape(r["play"])}</button><input type="range" min="0" max="0" value="0" step="1" '
                f'aria-label="{escape(r["scrub"])}"><span class="cv-replay-text" aria-live="polite"></span>'
                f'<button type="button" data-act="open">{escape(r["open"])}</button></div>'
            )
        source = say("diagram.weights", self.language, source=self.source or _pretrained(self.model, self.language))
        return (
            f'<div class="cv" data-mode="{cell_id}" data-count="{len(self.sequences)}">'
            f'<div class="cv-main" tabindex="0" role="group" aria-label="{escape(words["frame"])}">'
            f'<div class="cv-bar">{days}<span class="cv-status" aria-live="polite"></span>'
            f"{show if len(self.sequences) > 1 else ''}</div>{replay}"
            f'<div class="cv-cells">{cells}</div><div class="cv-strip">{strips[0]}</div>'
            f'<p class="cv-source" data-role="source">{escape(source)}</p></div>'
            f'<aside class="cv-side"><div class="cv-strip">{strips[1]}</div>'
            '<section class="cv-gate" hidden aria-live="polite"></section>'
            f'<section class="cv-story" hidden></section>{predictions}</aside>'
            '<details class="cv-stages"><summary></summary></details></div>'
        )

    def _rows(self, values: list[float]) -> list[dict]:
        import torch

        with torch.no_grad():
            return self.model.trace(torch.tensor(values, dtype=torch.float32)).rows()

    def props(self, cell_id: str, keep_step: bool = False) -> dict:
        return dict(
            cell_id=cell_id,
            weights=craft_parameters(self.model),
            sequences=list(self.sequences.values()),
            names=shown_names(self.sequences, self.language),
            labels=[known_label(v) for v in self.sequences.values()],
            # The server's numbers where they are few; a long sequence's the browser computes (equal to 1e-6).
            traces=self.traces() if self.rows is not None and self.longest() <= SERVER_TRACES else None,
            switches=list(self.switches),
            story=[step.__dict__ for step in story(self.model, self.language)] if self.with_story else [],
            story_start=self.with_story and not keep_step,
            folded=not isinstance(self.model, CraftLSTM),
            words=page_words(self.language),
            language=self.language,
            step=self.step,
            keep_step=keep_step,
            **self.extra,
        )

    def update(self, cell_id: str, keep_step: bool = False) -> gr.HTML:
        return gr.HTML(value=self.html(cell_id), **self.props(cell_id, keep_step))

    def component(self, cell_id: str, **extra) -> gr.HTML:
        return gr.HTML(
            self.html(cell_id),
            elem_id=f"cell-{cell_id}",
            head=HEAD,
            js_on_load=JS_ON_LOAD,
            apply_default_css=False,
            **self.props(cell_id),
            **extra,
        )


def empty_component(cell_id: str, **extra) -> gr.HTML:
    """A drawing with nothing drawn yet, filled by an event (`fill_on`): the page's configuration, which
    every visitor downloads and every session copies, carries no drawing."""
    return gr.HTML(
        "",
        elem_id=f"cell-{cell_id}",
        head=HEAD,
        js_on_load=JS_ON_LOAD,
        apply_default_css=False,
        cell_id=cell_id,
        weights=None,
        sequences=[],
        names=[],
        labels=[],
        traces=None,
        switches=[],
        story=[],
        story_start=False,
        folded=False,
        words={},
        language="en",
        step=1,
        keep_step=False,
        **extra,
    )


def _pretrained(model: LSTMModel, language: str) -> str:
    return say(f"source.pretrained.{model.kind}", language)


@dataclass
class FirstShow:
    """A drawing drawn the first time its tab is shown to a visitor: on the tab's select (its own event),
    or at page load when a link names the tab (`at_load`, answered by the page-load event with the
    rest, so that a page load is one round trip). Later selects leave it as the visitor has it (a
    replay, the sliders' weights)."""

    tab: str
    picture: Callable[[str], Picture]  # picture(language)
    cell: gr.HTML
    cell_id: str
    drawn: gr.State

    def draw(self, request: gr.Request):
        return self.picture(language_of(request.headers.get("accept-language", ""))).update(self.cell_id)

    def at_load(self, request: gr.Request) -> dict:
        """{cell: the drawing, drawn: True} when the page's link names this tab; else nothing."""
        if str(dict(request.query_params).get("tab", "")).strip().lower() != self.tab:
            return {}
        return {self.cell: self.draw(request), self.drawn: True}

    @property
    def outputs(self) -> list:
        return [self.cell, self.drawn]


def fill_on(select, tab: str, picture: Callable[[str], Picture], cell: gr.HTML, cell_id: str) -> FirstShow:
    """`cell` drawn on the tab's first `select` (see FirstShow; the page-load event calls its at_load)."""
    shown = FirstShow(tab, picture, cell, cell_id, gr.State(False))

    def fill(done: bool, request: gr.Request):
        return (gr.skip(), done) if done else (shown.draw(request), True)

    select(fill, [shown.drawn], shown.outputs, api_visibility="private", show_progress="hidden")
    return shown
