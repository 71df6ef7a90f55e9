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

from .. import diagram
from ..data import COMPANIES, known_label
from ..diagram import GATES, SYMBOLS, draw, explain_steps, gate_gradients, trace_arrays, with_products
from ..models import CraftLSTM, LSTMModel, craft_parameters

CELL_JS = Path(__file__).with_name("cell.js")
EXPLAIN_ALL = 64  # sequences up to this long carry every day's explanation; longer ones a window
EXPLAIN_AROUND = 24  # days either side of the current one in that window

PAGE_WORDS = {
    "en": {
        "first": "« Day 1",
        "back": "◀ Back",
        "forward": "Forward ▶",
        "play": "▶ Play",
        "pause": "■ Pause",
        "keys": "or ← → on the drawing; click a gate",
        "frame": "The LSTM cell drawn: Play, Back and Forward step through the days; the arrow keys too.",
        "day_of": "Day {step} of {length}",
        "day": "day {step}",
        "wait": "This day's explanation is on its way from the server; the equations below follow the step.",
        "numbers": "Every number drawn for day {step}, as a table",
        "epoch_source": "Weights: yours, after {epoch} epochs of your training",
        "yours": "Your sequence",
        "fields": {
            "input": "X_t (input)",
            "long_memory_prev": "C_t−1 (long-term memory before)",
            "short_memory_prev": "H_t−1 (short-term memory before)",
            "forget_gate": "F_t (forget gate)",
            "kept": "F_t · C_t−1 (kept)",
            "input_gate": "I_t (input gate)",
            "candidate": "C̃_t (candidate memory)",
            "added": "I_t · C̃_t (added)",
            "long_memory": "C_t (long-term memory)",
            "tanh_long": "tanh(C_t)",
            "output_gate": "O_t (output gate)",
            "short_memory": "H_t (short-term memory)",
            "prediction": "prediction (H of the last day)",
        },
    },
    "zh": {
        "first": "« 第 1 天",
        "back": "◀ 上一天",
        "forward": "下一天 ▶",
        "play": "▶ 播放",
        "pause": "■ 暂停",
        "keys": "或在图上按 ← →;点击一个门",
        "frame": "画出的 LSTM 单元:播放、上一天、下一天逐天查看;方向键也可以。",
        "day_of": "第 {step} 天,共 {length} 天",
        "day": "第 {step} 天",
        "wait": "这一天的解释正在从服务器传来;下面的方程跟随这一步。",
        "numbers": "第 {step} 天画出的每个数字(表格)",
        "epoch_source": "权重:你的,训练 {epoch} 轮之后",
        "yours": "你的序列",
        "fields": {
            "input": "X_t(输入)",
            "long_memory_prev": "C_t−1(之前的长期记忆)",
            "short_memory_prev": "H_t−1(之前的短期记忆)",
            "forget_gate": "F_t(遗忘门)",
            "kept": "F_t · C_t−1(保留的)",
            "input_gate": "I_t(输入门)",
            "candidate": "C̃_t(候选记忆)",
            "added": "I_t · C̃_t(加上的)",
            "long_memory": "C_t(长期记忆)",
            "tanh_long": "tanh(C_t)",
            "output_gate": "O_t(输出门)",
            "short_memory": "H_t(短期记忆)",
            "prediction": "预测(最后一天的 H)",
        },
    },
}

# Whose weights a drawing shows (ui.state.Visitor.model's second value), in the drawing's words.
SOURCES = {
    "en": {
        "pretrained": diagram.DEFAULT_SOURCE,
        "trained": "yours, trained in Retrain",
        "uploaded": "yours, uploaded",
        "epoch": "yours, after {epoch} epochs of your training",
        "sliders": "the playground's sliders",
    },
    "zh": {
        "pretrained": diagram.DEFAULT_SOURCE,  # diagram.py translates this one itself
        "trained": "你的,在“重新训练”中训练的",
        "uploaded": "你的,上传的",
        "epoch": "你的,训练 {epoch} 轮之后",
        "sliders": "游乐场滑块上的权重",
    },
}

GATE_WORDS = {
    "en": {
        "heading": "**{name} {symbol}_t · {seq} · day {step}**",
        "loss": "Gradient of the loss L = (prediction − label)² = ({prediction} − {label:g})² = {loss:.4g} for this "
        "sequence, through all its days (autograd on the server):",
        "sign": "A negative value means that increasing the parameter lowers the loss.",
        "folded": "The built-in model has two biases per gate (b_ih and b_hh); each gets the gradient shown for b.",
        "no_label": "This sequence has no label (only Company A's and Company B's are known), so there is no loss "
        "and no gradient to show.",
    },
    "zh": {
        "heading": "**{name} {symbol}_t · {seq} · 第 {step} 天**",
        "loss": "损失 L = (预测 − 标签)² = ({prediction} − {label:g})² = {loss:.4g} 对这个序列(经过它的每一天)的梯度"
        "(服务器上用 autograd 计算):",
        "sign": "负值表示增大该参数会降低损失。",
        "folded": "内置模型每个门有两个偏置(b_ih 和 b_hh),每个的梯度都等于这里 b 的梯度。",
        "no_label": "这个序列没有标签(只有公司 A 和公司 B 的标签是已知的),所以没有损失,也没有梯度。",
    },
}

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
    return (
        diagram.script()
        + "\n"
        + CELL_JS.read_text(encoding="utf-8")
        + "\nLSTMCell.mount(element, props, trigger, watch);"
    )


def language_of(value: object) -> str:
    return "zh" if str(value or "").lower().startswith("zh") else "en"


def source_text(whose: str, language: str) -> str:
    """The drawing's "Weights: ..." for ui.state.Visitor.model's whose ("pretrained", "epoch 120", ...)."""
    words = SOURCES[language_of(language)]
    if whose.startswith("epoch "):
        return words["epoch"].format(epoch=whose.removeprefix("epoch "))
    return words.get(whose, whose)


def drawn_sequences(values: list[float], language: str) -> dict[str, list[float]]:
    """What the drawing shows for a sequence: both companies (A above B) when it is one of theirs,
    so the difference day 1 makes is in view; otherwise the visitor's sequence alone."""
    if known_label(values) is not None:
        return {c.name: list(c.sequence) for c in COMPANIES}
    return {PAGE_WORDS[language_of(language)]["yours"]: list(values)}


def shown_names(sequences: dict[str, list[float]], language: str) -> list[str]:
    return [diagram.COMPANY_WORDS.get(language, {}).get(name, name) for name in sequences]


@dataclass
class Picture:
    """One drawing's content: the model, what it draws, and where the page's trace is."""

    model: LSTMModel
    sequences: dict[str, list[float]]
    step: int
    language: str = "en"
    source: str = diagram.DEFAULT_SOURCE
    rows: list[list[dict]] | None = None  # the page's own Trace.rows(), one list per sequence
    switches: tuple[str, ...] = ()

    def html(self, cell_id: str) -> str:
        words = PAGE_WORDS[self.language]
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
            words=PAGE_WORDS[self.language],
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
    words, g = GATE_WORDS[language], GATE_WORDS[language]
    name = list(picture.sequences)[seq]
    values = picture.sequences[name]
    rows = picture.rows[seq] if picture.rows is not None else picture._rows(values)
    stages = explain_steps(picture.model, rows, range(step, step + 1), language)[0]
    where = {"forget": (0, 0), "input": (1, 0), "candidate": (1, 1), "output": (2, 0)}[gate]
    equation = stages[where[0]]["equations"][where[1]]
    heading = words["heading"].format(
        name=diagram.WORDS[language]["gate_names"][gate],
        symbol=SYMBOLS[gate],
        seq=shown_names({name: values}, language)[0],
        step=step,
    )
    lines = [heading, "", f"`{equation}`", ""]
    label = known_label(values)
    gradients = gate_gradients(picture.model, values, label)
    if gradients is None:
        lines.append(g["no_label"])
        return "\n".join(lines)
    prediction = rows[-1]["short_memory"]
    lines.append(
        g["loss"].format(prediction=diagram.value_text(prediction), label=label, loss=(prediction - label) ** 2)
    )
    names = list(gradients[gate])
    lines += [
        "",
        "| " + " | ".join(f"∂L/∂{n}" for n in names) + " |",
        "|" + "---|" * len(names),
        "| " + " | ".join(f"{gradients[gate][n]:+.4g}".replace("-", "−") for n in names) + " |",
        "",
        g["sign"],
    ]
    if not isinstance(picture.model, CraftLSTM):
        lines.append(g["folded"])
    return "\n".join(lines)
