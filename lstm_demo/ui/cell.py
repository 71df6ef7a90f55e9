"""The drawn cell on the page: one gr.HTML per drawing (Inside, the weight playground, time-travel).

The SVG comes from lstm_demo.diagram (the same pure function as /diagram and the command line). A
drawing's gr.HTML value holds the step buttons, the SVG twice (laptop: unrolled over the days; phone:
one cell at a time; a CSS media query shows one) and a panel the browser fills. Its props carry what
the browser needs to step and redraw with no server round trip (cell.js): the 12 weights, the
sequences, the server's traces where the page has them, the stage explanations in the page's
language, time-travel snapshots and the page's words. Python updates a drawing by returning
`cell_update(...)` (a gr.HTML with a new value and props); Gradio patches the DOM attribute by
attribute, and cell.js then indexes the SVG again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from ..data import COMPANIES, known_label
from ..diagram import company_label, draw, script
from ..explain import explain_steps, gate_gradients
from ..messages import MESSAGES, say, template
from ..values import GATES, SYMBOLS, trace_arrays, value_text, with_products
from ..models import CraftLSTM, LSTMModel, craft_parameters

CELL_JS = Path(__file__).with_name("cell.js")
EXPLAIN_ALL = 64  # sequences up to this long carry every day's explanation; longer ones a window
EXPLAIN_AROUND = 24  # days either side of the current one in that window

PAGE_WORDS = (
    "first", "back", "forward", "play", "pause", "keys", "frame", "day_of", "day", "wait", "numbers",
    "epoch_source", "yours",
)  # fmt: skip


def page_words(language: str) -> dict:
    """What cell.js writes on the page (its buttons, status, the numbers table), in `language`."""
    words = {key: template(f"cell.{key}", language) for key in PAGE_WORDS}
    fields = [key.removeprefix("cell.field.") for key in MESSAGES if key.startswith("cell.field.")]
    words["fields"] = {field: template(f"cell.field.{field}", language) for field in fields}
    return words


CSS = """
.cell-narrow {display: none;}
@media (max-width: 720px) {.cell-wide {display: none;} .cell-narrow {display: block;}}
/* A phone: the 384-unit drawing takes the screen's whole width (not the page's padded column), so
   that its 12-unit text stays at least 11 px. */
@media (max-width: 480px) {.cell-narrow {width: calc(100vw - 6px); margin-left: calc(50% - 50vw + 3px);}}
.cell-frame {outline: none; border-radius: 14px;}
.cell-frame:focus-visible {outline: 3px solid #4F46E5; outline-offset: 2px;}
.cell-wide svg, .cell-narrow svg {display: block; width: 100%; height: auto;}
.cell-controls {display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 4px 0 8px;}
.cell-controls button {font: inherit; font-size: 14px; padding: 6px 12px; min-height: 36px; cursor: pointer;
  border: 1px solid var(--border-color-primary, #AEB6C0); border-radius: 8px;
  background: var(--button-secondary-background-fill, #FFFFFF); color: var(--button-secondary-text-color, #1F2328);}
.cell-controls button:hover {background: var(--button-secondary-background-fill-hover, #F3F4F6);}
.cell-controls button:focus-visible {outline: 3px solid #4F46E5; outline-offset: 1px;}
.cell-status {font-weight: 650; margin-left: 4px;}
.cell-hint {font-size: 13px; opacity: .85;}
.cell-explain {display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr)); gap: 10px 16px;
  margin-top: 8px; font-size: 14px;}
.cell-seq h4 {margin: 0 0 4px; font-size: 15px;}
.cell-stage {border-left: 5px solid #E69F00; padding: 4px 8px; margin: 4px 0; border-radius: 4px;
  transition: opacity .3s ease;}
.cell-stage.s1 {border-color: #E69F00; background: rgba(230, 159, 0, .10);}
.cell-stage.s2 {border-color: #009E73; border-left-style: double; border-left-width: 6px;
  background: rgba(0, 158, 115, .09);}
.cell-stage.s3 {border-color: #CC79A7; border-left-style: dotted; border-left-width: 6px;
  background: rgba(204, 121, 167, .10);}
.cell-stage.is-dim {opacity: .5;}
.cell-stage.is-current {box-shadow: inset 0 0 0 2px currentColor;}
.cell-stage p {margin: 2px 0;}
.cell-stage code {display: block; white-space: pre-wrap; word-break: break-word; font-size: 12.5px;
  background: transparent; padding: 0; margin: 1px 0;}
.cell-badge {display: inline-block; min-width: 18px; height: 18px; border-radius: 9px; text-align: center;
  font-size: 12px; font-weight: 700; line-height: 18px; color: #1F2328;}
.s1 .cell-badge {background: #E69F00;} .s2 .cell-badge {background: #009E73;} .s3 .cell-badge {background: #CC79A7;}
.cell-numbers {grid-column: 1 / -1; overflow-x: auto;}
.cell-numbers summary {cursor: pointer; font-weight: 600;}
.cell-numbers table {border-collapse: collapse; font-size: 13px; margin: 6px 12px 6px 0; display: inline-table;
  vertical-align: top;}
.cell-numbers th, .cell-numbers td {padding: 2px 8px; text-align: right; border-bottom: 1px solid #D0D7DE;}
.cell-numbers th[scope=row] {text-align: left; font-weight: 500;}
.cell-wait {font-style: italic;}
@media (prefers-reduced-motion: reduce) {.cell-stage {transition: none;}}
"""


def js_on_load() -> str:
    return script() + "\n" + CELL_JS.read_text(encoding="utf-8") + "\nLSTMCell.mount(element, props, trigger, watch);"


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
    """What the drawing shows for a sequence: both companies (A above B) when it is one of theirs,
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

    def html(self, cell_id: str) -> str:
        words = page_words(self.language)
        kw = dict(language=self.language, source=self.source, rows=self.rows)
        wide = draw(self.model, self.sequences, self.step, id_prefix=f"{cell_id}-wide", **kw)
        narrow = draw(self.model, self.sequences, self.step, layout="single", id_prefix=f"{cell_id}-narrow", **kw)
        button = '<button type="button" data-act="{0}">{1}</button>'
        controls = "".join(button.format(act, words[act]) for act in ("first", "back", "play", "forward"))
        return (
            f'<div class="cell-frame" tabindex="0" role="group" aria-label="{words["frame"]}">'
            f'<div class="cell-controls">{controls}<span class="cell-status" aria-live="polite"></span>'
            f'<span class="cell-hint">{words["keys"]}</span></div>'
            f'<div class="cell-wide">{wide}</div><div class="cell-narrow">{narrow}</div></div>'
            '<div class="cell-explain"></div>'
        )

    def explain(self, around: int | None = None) -> dict:
        """Every day's three stages (explain_steps), or a window around `around` for long sequences."""
        longest = max(len(s) for s in self.sequences.values())
        if longest <= EXPLAIN_ALL:
            first, last = 1, longest
        else:
            centre = around or self.step
            first, last = max(1, centre - EXPLAIN_AROUND), min(longest, centre + EXPLAIN_AROUND)
        seqs = []
        for k, values in enumerate(self.sequences.values()):
            rows = self.rows[k] if self.rows is not None else self._rows(values)
            steps = range(first, min(last, len(values)) + 1)
            seqs.append(explain_steps(self.model, rows, steps, self.language) if len(steps) else [])
        return {"first": first, "seqs": seqs}

    def _rows(self, values: list[float]) -> list[dict]:
        import torch

        with torch.no_grad():
            return self.model.trace(torch.tensor(values, dtype=torch.float32)).rows()

    def props(self, cell_id: str, keep_step: bool = False, with_traces: bool = True, explain: bool = True) -> dict:
        traces = None
        if with_traces and self.rows is not None:
            traces = [trace_arrays(with_products(rows)) for rows in self.rows]
        return dict(
            cell_id=cell_id,
            weights=craft_parameters(self.model),
            sequences=list(self.sequences.values()),
            names=shown_names(self.sequences, self.language),
            traces=traces,
            switches=list(self.switches),
            explain=self.explain() if explain else None,
            words=page_words(self.language),
            language=self.language,
            step=self.step,
            keep_step=keep_step,
        )

    def update(self, cell_id: str, keep_step: bool = False, explain: bool = True, **extra) -> gr.HTML:
        return gr.HTML(value=self.html(cell_id), **self.props(cell_id, keep_step, explain=explain), **extra)

    def component(self, cell_id: str, explain: bool = True, **extra) -> gr.HTML:
        return gr.HTML(
            self.html(cell_id),
            elem_id=f"cell-{cell_id}",
            js_on_load=js_on_load(),
            css_template=CSS,
            apply_default_css=False,
            **self.props(cell_id, explain=explain),
            **extra,
        )


def gate_event(data: dict, sequences: dict[str, list[float]]) -> tuple[str, int, int]:
    """(gate, sequence index, step) from a cell_gate event's data, checked."""
    from ..errors import InputError

    data = data if isinstance(data, dict) else {}
    gate, seq, step = data.get("gate"), data.get("seq"), data.get("step")
    if gate not in GATES or not isinstance(seq, int) or not 0 <= seq < len(sequences):
        raise InputError(key="cell.not_gate")
    length = len(list(sequences.values())[seq])
    if not isinstance(step, int) or not 1 <= step <= length:
        raise InputError(key="cell.step_range", params={"length": length})
    return gate, seq, step


def gate_markdown(picture: Picture, seq: int, gate: str, step: int) -> str:
    """A gate's equation with this step's numbers, and the gradient of the loss with respect to its
    three parameters for this sequence and its label (or a sentence saying it has none)."""
    language = picture.language

    def g(key: str, **params) -> str:
        return say(f"gate.{key}", language, **params)

    name = list(picture.sequences)[seq]
    values = picture.sequences[name]
    rows = picture.rows[seq] if picture.rows is not None else picture._rows(values)
    stages = explain_steps(picture.model, rows, range(step, step + 1), language)[0]
    where = {"forget": (0, 0), "input": (1, 0), "candidate": (1, 1), "output": (2, 0)}[gate]
    equation = stages[where[0]]["equations"][where[1]]
    heading = g(
        "heading",
        name=say(f"diagram.gate_names.{gate}", language),
        symbol=SYMBOLS[gate],
        seq=shown_names({name: values}, language)[0],
        step=step,
    )
    lines = [heading, "", f"`{equation}`", ""]
    label = known_label(values)
    gradients = gate_gradients(picture.model, values, label)
    if gradients is None:
        lines.append(g("no_label"))
        return "\n".join(lines)
    prediction = rows[-1]["short_memory"]
    lines.append(g("loss", prediction=value_text(prediction), label=label, loss=(prediction - label) ** 2))
    names = list(gradients[gate])
    lines += [
        "",
        "| " + " | ".join(f"∂L/∂{n}" for n in names) + " |",
        "|" + "---|" * len(names),
        "| " + " | ".join(f"{gradients[gate][n]:+.4g}".replace("-", "−") for n in names) + " |",
        "",
        g("sign"),
    ]
    if not isinstance(picture.model, CraftLSTM):
        lines.append(g("folded"))
    return "\n".join(lines)
