"""The LSTM cell, drawn: one pure function from (weights, sequences, step, labels) to an SVG document.

The drawing follows what students know from colah's and d2l's figures and StatQuest's video: time runs
left to right; the long-term memory C is a straight line across the top with only x and + on it; the
short-term memory H runs along the bottom; the input X_t comes up from below; the four gates are boxes
(sigma, sigma, tanh, sigma), pointwise operations circles. The seed's three stages (1 what to forget,
2 what to remember, 3 what to output) are tinted with Okabe-Ito colours, numbered and bordered with
their own dash pattern, so they do not rely on colour alone. Every edge carries its weight and every
node its value at the current step; an edge's width grows with |weight|, its colour gives the sign.

The sequence is unrolled: the current step is a full cell, the other steps of a window of ~5 are
compact boxes showing C_t and H_t, joined by the C line and the H line. Two sequences (Company A and
Company B) are drawn one above the other with the same step expanded.

The SVG's structure depends only on the layout (sequence lengths, window, names, language), never on
the values: every number is a `<text>` with data attributes, e.g.

    <text data-field="forget_gate" data-seq="0" data-step="2">0.9626</text>
    <text data-weight="w_xf">1.63</text>
    <line data-edge="w_xf" class="edge pos" style="stroke-width: 3.45px" .../>

so that diagram.js can redraw the cell in the browser (new weights, another step) by rewriting text
and attributes, and Gradio's attribute-by-attribute patching animates through CSS transitions.

Printed precision (diagram.js prints the same way, half-to-even on exact ties as Python does):
values (gates, memories, input, products) VALUE_DIGITS = 4 decimals; weights and biases WEIGHT_DIGITS = 2;
negative numbers with the minus sign U+2212, and no sign on a number that prints as zero.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from html import escape
from pathlib import Path

import torch

from .data import COMPANIES, known_label
from .models import CraftLSTM, LSTMModel, craft_parameters, to_craft

VALUE_DIGITS = 4
WEIGHT_DIGITS = 2
MINUS = "\u2212"
WINDOW = 5  # steps shown side by side in the unrolled layout; the rest are "..." marks
GATES = ("forget", "input", "candidate", "output")
GATE_KEY = {"forget": "f", "input": "i", "candidate": "c", "output": "o"}
GATE_FIELD = {"forget": "forget_gate", "input": "input_gate", "candidate": "candidate", "output": "output_gate"}
GATE_STAGE = {"forget": 1, "input": 2, "candidate": 2, "output": 3}
# The values a step shows: the Trace's six, the memories it started from, and the three products.
FIELDS = (
    "input", "forget_gate", "input_gate", "candidate", "output_gate", "long_memory", "short_memory",
    "long_memory_prev", "short_memory_prev", "kept", "added", "tanh_long",
)  # fmt: skip
DIAGRAM_JS = Path(__file__).with_name("diagram.js")
DEFAULT_SOURCE = "pretrained (StatQuest's)"

# Okabe-Ito: colour-blind-safe. Stages take orange, bluish green and reddish purple; signs take blue
# (positive) and vermillion (negative). Text uses darker shades where the pure colour misses WCAG AA.
COLOURS = {
    "stage1": "#E69F00",
    "stage2": "#009E73",
    "stage3": "#CC79A7",
    "pos": "#0072B2",
    "neg": "#D55E00",
    "pos_text": "#0072B2",  # 5.2:1 on white
    "neg_text": "#B34400",  # 5.6:1 on white (#D55E00 itself is 3.7:1: fine for lines, not for text)
    "ink": "#1F2328",
    "muted": "#4B5563",  # 7.6:1 on white
    "line": "#3F4652",
    "paper": "#FFFFFF",
}

WORDS = {
    "en": {
        "title": "The LSTM cell, unrolled over the days",
        "single_title": "The LSTM cell, one day at a time",
        "desc": (
            "{seqs}. Day {step} is drawn in full: the long-term memory C runs along the top through the forget "
            "multiplication and the addition; the short-term memory H runs along the bottom; the input X comes up "
            "from below into four gates. Stage 1, what to forget: the forget gate. Stage 2, what to remember: the "
            "input gate and the candidate memory. Stage 3, what to output: the output gate. Every line shows its "
            "weight; every box and circle its value. Weights: {source}."
        ),
        "weights": "Weights: {source}",
        "folded": "nn.LSTM's 16 parameters drawn as the cell's 12 (each bias = b_ih + b_hh)",
        "stages": ("What to forget", "What to remember", "What to output"),
        "stages_short": ("Forget", "Remember", "Output"),
        "day": "Day {step}",
        "same": ("same", "12 weights"),
        "prediction": "prediction",
        "label": "label",
        "names": {
            "forget": ("% long-term", "to remember"),
            "input": ("% potential memory", "to remember"),
            "candidate": ("potential", "long-term memory"),
            "output": ("% short-term", "to output"),
        },
        "gate_names": {
            "forget": "Forget gate",
            "input": "Input gate",
            "candidate": "Candidate memory",
            "output": "Output gate",
        },
        "aria_gate": "{name} {symbol} = {{value}}. Press Enter for its equation and gradient.",
        "legend_lines": "Lines: blue = positive weight, vermillion = negative, thicker = larger |weight|.",
        "legend_numbers": (
            "Numbers on lines are weights (b = bias); numbers in boxes and circles are this day's values."
        ),
        "legend_stages": "Stages: 1 what to forget · 2 what to remember · 3 what to output.",
    },
    "zh": {
        "title": "LSTM 单元按天展开",
        "single_title": "LSTM 单元,一次一天",
        "desc": (
            "{seqs}。第 {step} 天完整画出:长期记忆 C 沿顶部经过遗忘乘法和加法;"
            "短期记忆 H 沿底部;输入 X 从下方进入四个门。"
            "阶段 1,忘记什么:遗忘门。阶段 2,记住什么:输入门和候选记忆。阶段 3,输出什么:输出门。"
            "每条线标出权重,每个方框和圆圈标出数值。权重:{source}。"
        ),
        "weights": "权重:{source}",
        "folded": "nn.LSTM 的 16 个参数合并为单元的 12 个(每个偏置 = b_ih + b_hh)",
        "stages": ("忘记什么", "记住什么", "输出什么"),
        "stages_short": ("遗忘", "记住", "输出"),
        "day": "第 {step} 天",
        "same": ("同一组", "12 个权重"),
        "prediction": "预测",
        "label": "标签",
        "names": {
            "forget": ("长期记忆", "保留的百分比"),
            "input": ("潜在记忆", "保留的百分比"),
            "candidate": ("潜在的", "长期记忆"),
            "output": ("短期记忆", "输出的百分比"),
        },
        "gate_names": {"forget": "遗忘门", "input": "输入门", "candidate": "候选记忆", "output": "输出门"},
        "aria_gate": "{name} {symbol} = {{value}}。按回车键查看公式和梯度。",
        "legend_lines": "线:蓝色 = 正权重,朱红色 = 负权重,越粗 = |权重| 越大。",
        "legend_numbers": "线上的数字是权重(b = 偏置);方框和圆圈里的数字是当天的数值。",
        "legend_stages": "阶段:1 忘记什么 · 2 记住什么 · 3 输出什么。",
    },
}


def _full_width(value):
    """Chinese text takes full-width punctuation; the strings above are typed with ASCII for ease of editing."""
    if isinstance(value, str):
        table = {",": "\uff0c", ":": "\uff1a", ";": "\uff1b", "(": "\uff08", ")": "\uff09"}
        out, depth = [], 0
        for ch in value:
            depth += ch == "{"
            depth -= ch == "}"
            out.append(ch if depth else table.get(ch, ch))  # leave {placeholders:formats} alone
        return "".join(out)
    if isinstance(value, tuple):
        return tuple(_full_width(v) for v in value)
    if isinstance(value, dict):
        return {k: _full_width(v) for k, v in value.items()}
    return value


WORDS["zh"] = _full_width(WORDS["zh"])

SOURCE_WORDS = {"zh": {DEFAULT_SOURCE: _full_width("预训练(StatQuest 的)")}}
COMPANY_WORDS = {"zh": {"Company A": "公司 A", "Company B": "公司 B"}}
SYMBOLS = {"forget": "F", "input": "I", "candidate": "C\u0303", "output": "O"}
ACTIVATION = {"forget": "σ", "input": "σ", "candidate": "tanh", "output": "σ"}


# -- numbers ---------------------------------------------------------------------------------------


def fmt(x: float, digits: int) -> str:
    """A number as drawn: fixed decimals, U+2212 for minus, no sign on a zero (diagram.js: fmt)."""
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("∞" if x > 0 else MINUS + "∞")
    text = f"{abs(x):.{digits}f}"
    return MINUS + text if x < 0 and text.strip("0.") else text


def value_text(x: float) -> str:
    return fmt(x, VALUE_DIGITS)


def weight_text(x: float) -> str:
    return fmt(x, WEIGHT_DIGITS)


def edge_width(w: float) -> float:
    """Stroke width of an edge, growing with |w| (diagram.js: edgeWidth)."""
    return round(min(8.0, 1.0 + 1.5 * abs(w)), 2) if math.isfinite(w) else 1.0


def parse_number(text: str) -> float:
    """The inverse of fmt for tests and scripts: U+2212 back to '-'."""
    return float(text.replace(MINUS, "-"))


# -- the values a drawing needs --------------------------------------------------------------------


def step_values(model: LSTMModel, sequence: list[float]) -> list[dict[str, float]]:
    """One dict per step with every FIELDS value, computed in float64 from the model's own trace.

    float64 so that the browser's forward pass (JavaScript numbers are float64) prints the same digits.
    A copy of the model is used: the caller's model is not changed.
    """
    model64 = copy.deepcopy(model).double()
    with torch.no_grad():
        rows = model64.trace(torch.tensor([float(v) for v in sequence], dtype=torch.float64)).rows()
    return with_products(rows)


def with_products(rows: list[dict[str, float]]) -> list[dict[str, float]]:
    """Trace rows (Trace.rows()) with what the drawing adds: the memories each step started from,
    F_t * C_t-1, I_t * C~_t and tanh(C_t). The rows are copied, not changed."""
    rows = [dict(row) for row in rows]
    c_prev = h_prev = 0.0
    for row in rows:
        row["long_memory_prev"], row["short_memory_prev"] = c_prev, h_prev
        row["kept"] = row["forget_gate"] * c_prev
        row["added"] = row["input_gate"] * row["candidate"]
        row["tanh_long"] = math.tanh(row["long_memory"])
        c_prev, h_prev = row["long_memory"], row["short_memory"]
    return rows


def trace_arrays(rows: list[dict[str, float]]) -> dict[str, list[float]]:
    """with_products rows as diagram.js's forward() returns them: one list per field."""
    return {name: [row[name] for row in rows] for name in FIELDS}


def window_start(length: int, step: int, window: int) -> int:
    """First step (1-based) of the window of `window` steps around `step` (diagram.js: windowStart)."""
    n = min(length, window)
    return max(1, min(step - (n - 1) // 2, length - n + 1))


# -- geometry ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Geometry:
    """Where things go inside one expanded cell (x from its left edge, y from its row's top)."""

    cell_w: float  # expanded cell
    compact_w: float  # a compact step
    gap: float  # connector between two steps
    margin: float  # left and right of a row
    box_w: float
    gate_x: tuple[float, float, float, float]  # centres of F, I, C~, O
    mul_x: float  # the x joining I and C~
    out_x: float  # tanh(C) and the output x
    tap: float  # horizontal offset of an edge's foot on the H / X bus from the gate centre
    foot: float  # horizontal offset of an edge's head under the gate
    r: float  # pointwise circles
    regions: tuple[tuple[float, float], tuple[float, float], tuple[float, float]]
    short_stage_names: bool
    name_chars: int  # wrap the StatQuest names at about this many characters
    width: float  # of the whole drawing


WIDE = Geometry(
    cell_w=660, compact_w=94, gap=28, margin=34, box_w=112, gate_x=(112, 250, 388, 528), mul_x=319, out_x=620,
    tap=38, foot=20, r=14, regions=((46, 178), (184, 454), (460, 654)), short_stage_names=False, name_chars=20,
    width=0,
)  # fmt: skip
NARROW = Geometry(
    cell_w=372, compact_w=0, gap=0, margin=6, box_w=72, gate_x=(58, 140, 222, 302), mul_x=181, out_x=352,
    tap=24, foot=12, r=11, regions=((16, 99), (101, 260), (262, 372)), short_stage_names=True, name_chars=11,
    width=384,
)  # fmt: skip

# Vertical layout of a row (shared by both geometries).
ROW_TITLE_Y = 16
REGION_TOP, REGION_BOTTOM = 26, 268
STAGE_LABEL_Y = 44
C_Y = 74
MUL_Y = 136
BOX_TOP = 166
H_Y = 326
X_Y = 360
ROW_H = 404
ROW_GAP = 18


def _wrap(lines: tuple[str, ...], chars: int) -> list[str]:
    """Re-wrap a name's words to lines of at most `chars` (a CJK character counts as two)."""

    def width(s: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)

    if all(width(line) <= chars for line in lines):
        return list(lines)
    out: list[str] = []
    for line in lines:
        words = line.split(" ") if " " in line else [line]
        current = ""
        for word in words:
            trial = f"{current} {word}".strip()
            if current and width(trial) > chars:
                out.append(current)
                current = word
            else:
                current = trial
        if current:
            out.append(current)
    return out


# -- SVG building ------------------------------------------------------------------------------------


def _attrs(**kw) -> str:
    parts = []
    for key, value in kw.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        parts.append(f'{name}="{escape(str(value), quote=True)}"')
    return " ".join(parts)


def _text(x, y, content, cls=None, anchor=None, **data) -> str:
    return f"<text {_attrs(x=_n(x), y=_n(y), class_=cls, text_anchor=anchor, **data)}>{escape(content)}</text>"


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _symbol(symbol: str, sub: str, x, y, cls="sym", anchor="middle") -> str:
    """F_t as F with a subscript t (the subscript stays >= 11 px)."""
    return (
        f"<text {_attrs(x=_n(x), y=_n(y), class_=cls, text_anchor=anchor)}>{escape(symbol)}"
        f'<tspan class="sub" dy="4">{escape(sub)}</tspan></text>'
    )


class _Builder:
    def __init__(self, geo: Geometry, words: dict, names: str, language: str, prefix: str):
        self.g, self.w, self.names, self.language, self.p = geo, words, names, language, prefix
        self.out: list[str] = []

    def add(self, s: str) -> None:
        self.out.append(s)

    # Dynamic texts: the browser rewrites exactly these.
    def value(self, x, y, field, seq, step, cls="val", anchor="middle") -> None:
        self.add(_text(x, y, "", cls, anchor, data_field=field, data_seq=seq, data_step=step))

    def weight(self, x, y, name, cls="wt", anchor="middle") -> None:
        self.add(_text(x, y, "", cls, anchor, data_weight=name))

    def edge(self, x1, y1, x2, y2, name, stage) -> None:
        self.add(
            f"<line {_attrs(x1=_n(x1), y1=_n(y1), x2=_n(x2), y2=_n(y2), class_=f'edge s{stage}', data_edge=name)}/>"
        )

    def flow(self, points, stage=None, arrow=True, cls="flow") -> None:
        d = "M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in points)
        classes = f"{cls} s{stage}" if stage else cls
        marker = f"url(#{self.p}-arrow)" if arrow else None
        self.add(f"<path {_attrs(d=d, class_=classes, marker_end=marker)}/>")

    def circle(self, x, y, op, stage) -> None:
        r = self.g.r
        self.add(
            f'<g class="op s{stage}"><circle {_attrs(cx=_n(x), cy=_n(y), r=_n(r))}/>'
            f"{_text(x, y + 5.5, op, 'op-sign', 'middle')}</g>"
        )

    def cell(self, seq: int, step: int, x0: float) -> None:
        """The expanded cell of row `seq` at `step`, translated to x0."""
        g = self.g
        gx = g.gate_x
        self.add(f'<g class="cell" data-seq="{seq}" data-slot="cell" style="transform: translate({_n(x0)}px, 0px)">')
        # Stage regions: tint + numbered label + a border with the stage's own dash pattern.
        labels = self.w["stages_short"] if g.short_stage_names else self.w["stages"]
        for k, (a, b) in enumerate(g.regions, start=1):
            self.add(
                f'<g class="stage s{k}" data-stage="{k}">'
                f"<rect {_attrs(x=_n(a), y=REGION_TOP, width=_n(b - a), height=REGION_BOTTOM - REGION_TOP, rx=12)}/>"
                f'<circle class="badge" cx="{_n(a + 13)}" cy="{STAGE_LABEL_Y - 4}" r="9"/>'
                f"{_text(a + 13, STAGE_LABEL_Y, str(k), 'badge-num', 'middle')}"
                f"{_text(a + 27, STAGE_LABEL_Y, labels[k - 1], 'stage-label', 'start')}</g>"
            )
        # Day heading, centred over the cell above the regions.
        day_x, day_y, anchor = (g.cell_w / 2, REGION_TOP - 8, "middle") if g is WIDE else (g.cell_w, -8, "end")
        self.add(
            _text(
                day_x, day_y, "", "day day-current", anchor, data_template=self.w["day"], data_seq=seq, data_step=step
            )
        )
        # The long-term memory: straight across the top, only x and + on it.
        fx, ix, cx, ox = gx
        if g.gap:  # the C and H lines arriving from the previous step
            self.flow([(-g.gap, C_Y), (0, C_Y)], cls="flow cline link")
            self.flow([(-g.gap, H_Y), (0, H_Y)], cls="flow hline link")
        self.flow([(0, C_Y), (fx - g.r, C_Y)], cls="flow cline")
        self.flow([(fx + g.r, C_Y), (g.mul_x - g.r, C_Y)], cls="flow cline")
        self.flow([(g.mul_x + g.r, C_Y), (g.cell_w, C_Y)], cls="flow cline", arrow=False)
        # The short-term memory H_{t-1} along the bottom, feeding every gate; X_t from below.
        self.flow([(0, H_Y), (ox - g.tap, H_Y)], arrow=False, cls="flow hline")
        x_in = 22 if g is WIDE else 10
        self.flow([(x_in, ROW_H - 6), (x_in, X_Y), (ox + g.tap, X_Y)], arrow=False, cls="flow xline")
        # Gate edges (weight on H_{t-1}, weight on X_t) into each box, drawn before the boxes.
        box_bottom = BOX_TOP + self.box_h
        for gate, x in zip(GATES, gx):
            k, stage = GATE_KEY[gate], GATE_STAGE[gate]
            self.edge(x - g.tap, H_Y, x - g.foot, box_bottom + 2, f"w_h{k}", stage)
            self.edge(x + g.tap, X_Y, x + g.foot, box_bottom + 2, f"w_x{k}", stage)
            self.add(f'<circle class="tap" cx="{_n(x - g.tap)}" cy="{H_Y}" r="2.5"/>')
            self.add(f'<circle class="tap" cx="{_n(x + g.tap)}" cy="{X_Y}" r="2.5"/>')
            # Weight labels: H's above the H line, X's between the H and X lines, so they never collide.
            hy = (box_bottom + H_Y) / 2 + 4
            self.weight(x - g.tap + (g.tap - g.foot) * (H_Y - hy) / (H_Y - box_bottom) - 5, hy, f"w_h{k}", "wt", "end")
            self.weight(x + g.tap - 1 + 5, H_Y + 21, f"w_x{k}", "wt", "start")
        # Stage 1: F_t up into the x on the C line.
        self.flow([(fx, BOX_TOP), (fx, C_Y + g.r)], stage=1)
        self.circle(fx, C_Y, "×", 1)
        self.value(fx + g.r + 4, C_Y + 22, "kept", seq, step, "val small", "start")
        # Stage 2: I_t and C~_t meet in an x, whose product is added to C.
        self.flow([(ix, BOX_TOP), (ix, MUL_Y), (g.mul_x - g.r, MUL_Y)], stage=2)
        self.flow([(cx, BOX_TOP), (cx, MUL_Y), (g.mul_x + g.r, MUL_Y)], stage=2)
        self.flow([(g.mul_x, MUL_Y - g.r), (g.mul_x, C_Y + g.r)], stage=2)
        self.circle(g.mul_x, MUL_Y, "×", 2)
        self.circle(g.mul_x, C_Y, "+", 2)
        self.value(g.mul_x + 7, (MUL_Y + C_Y) / 2 + 5, "added", seq, step, "val small", "start")
        # Stage 3: tanh(C_t) times O_t is H_t, which leaves along the bottom.
        tanh_y = MUL_Y - 2
        self.flow([(g.out_x, C_Y), (g.out_x, tanh_y - 13)], stage=3)
        self.add(
            f'<g class="op s3"><rect {_attrs(x=_n(g.out_x - 19), y=tanh_y - 13, width=38, height=26, rx=13)}/>'
            f"{_text(g.out_x, tanh_y + 4.5, 'tanh', 'op-word', 'middle')}</g>"
        )
        out_y = BOX_TOP + self.box_h / 2
        self.flow([(g.out_x, tanh_y + 13), (g.out_x, out_y - g.r)], stage=3)
        self.flow([(ox + g.box_w / 2, out_y), (g.out_x - g.r, out_y)], stage=3)
        self.circle(g.out_x, out_y, "×", 3)
        self.flow([(g.out_x, out_y + g.r), (g.out_x, H_Y), (g.cell_w, H_Y)], stage=3, arrow=False, cls="flow hline")
        self.value(g.out_x - 23, tanh_y + 4.5, "tanh_long", seq, step, "val small", "end")
        # Gates: rounded boxes with activation, name, value and bias.
        for gate, x in zip(GATES, gx):
            self.gate_box(gate, x, seq, step)
        # Memories in and out, and the input: names above the lines, values below (left) or before the tap.
        self.add(_symbol("C", "t−1", 4, C_Y - 8, "sym small", "start"))
        self.value(4, C_Y + (19 if g is WIDE else 30), "long_memory_prev", seq, step, "val small", "start")
        self.add(_symbol("H", "t−1", 4, H_Y - 8, "sym small", "start"))
        self.value(4, H_Y + 19, "short_memory_prev", seq, step, "val small", "start")
        self.add(_symbol("C", "t", g.out_x - 10 - 68, C_Y - 8, "sym small", "end"))
        self.value(g.out_x - 10, C_Y - 8, "long_memory", seq, step, "val", "end")
        self.add(_symbol("H", "t", g.cell_w - 4 - 68, X_Y + 22, "sym small", "end"))
        self.value(g.cell_w - 4, X_Y + 22, "short_memory", seq, step, "val", "end")
        self.add(_symbol("X", "t", x_in + 6, ROW_H - 12, "sym small", "start"))
        self.value(x_in + 30, ROW_H - 12, "input", seq, step, "val", "start")
        self.add("</g>")

    @property
    def box_h(self) -> float:
        return 84 + 14 * (self.name_lines - 1)

    @property
    def name_lines(self) -> int:
        if self.names != "statquest":
            return 2 if self.g is NARROW else 1
        return max(len(_wrap(self.w["names"][gate], self.g.name_chars)) for gate in GATES)

    def gate_box(self, gate: str, x: float, seq: int, step: int) -> None:
        g, k, stage = self.g, GATE_KEY[gate], GATE_STAGE[gate]
        w = self.w
        symbol = SYMBOLS[gate]
        aria = w["aria_gate"].format(name=w["gate_names"][gate], symbol=f"{symbol}_t")
        left = x - g.box_w / 2
        attributes = _attrs(
            class_=f"gate s{stage}", data_gate=gate, data_seq=seq, data_step=step, tabindex=0, role="button",
            data_aria=aria, aria_label=aria.replace("{value}", ""),
        )  # fmt: skip
        self.add(
            f"<g {attributes}>"
            f"<title>{escape(w['gate_names'][gate])}</title>"
            f"<rect {_attrs(x=_n(left), y=BOX_TOP, width=_n(g.box_w), height=_n(self.box_h), rx=10)}/>"
        )
        y = BOX_TOP + 17
        act = ACTIVATION[gate]
        if self.names == "statquest":
            self.add(_text(x, y, act, "act", "middle"))
            for line in _wrap(w["names"][gate], g.name_chars):
                y += 14
                self.add(_text(x, y, line, "gname", "middle"))
        elif g is NARROW:  # too narrow for "tanh C~_t" on one line
            self.add(_text(x, y - 1, act, "act", "middle"))
            self.add(_symbol(symbol, "t", x, y + 14, "sym", "middle"))
            y += 14
        else:
            self.add(_text(x - 4, y + 2, act, "act", "end"))
            self.add(_symbol(symbol, "t", x + 4, y + 2, "sym", "start"))
            y += 14
        self.value(x, y + 25, GATE_FIELD[gate], seq, step, "val gate-val", "middle")
        self.add(_text(x - 6, y + 46, "b =", "bias-name", "end"))
        self.weight(x - 2, y + 46, f"b_{k}", "wt bias", "start")
        self.add("</g>")

    def compact(self, seq: int, slot: int, step: int, x0: float, hidden: bool) -> None:
        g = self.g
        cw = g.compact_w
        cls = "slot is-current" if hidden else "slot"
        self.add(f'<g class="{cls}" data-seq="{seq}" data-slot="{slot}" style="transform: translate({_n(x0)}px, 0px)">')
        self.flow([(-g.gap, C_Y), (0, C_Y)], cls="flow cline link")
        self.flow([(-g.gap, H_Y), (0, H_Y)], cls="flow hline link")
        self.flow([(0, C_Y), (cw, C_Y)], cls="flow cline", arrow=False)
        self.flow([(0, H_Y), (cw, H_Y)], cls="flow hline", arrow=False)
        top, bottom = C_Y + 30, H_Y - 30
        self.add(f'<line class="stub" x1="{_n(cw / 2)}" y1="{C_Y}" x2="{_n(cw / 2)}" y2="{top}"/>')
        self.add(f'<line class="stub" x1="{_n(cw * 0.7)}" y1="{bottom}" x2="{_n(cw * 0.7)}" y2="{H_Y}"/>')
        self.flow([(cw * 0.3, ROW_H - 26), (cw * 0.3, bottom)], cls="flow xline")
        self.add(f'<rect class="compact" {_attrs(x=0, y=top, width=_n(cw), height=bottom - top, rx=12)}/>')
        self.add(
            _text(cw / 2, (top + bottom) / 2 - 4, "", "day", "middle", data_template=self.w["day"],
                  data_seq=seq, data_step=step)
        )  # fmt: skip
        same = self.w["same"]
        self.add(_text(cw / 2, (top + bottom) / 2 + 14, same[0], "note", "middle"))
        self.add(_text(cw / 2, (top + bottom) / 2 + 29, same[1], "note", "middle"))
        self.add(_symbol("C", "", 4, C_Y - 8, "sym small", "start"))
        self.value(cw - 2, C_Y - 8, "long_memory", seq, step, "val small", "end")
        self.add(_symbol("H", "", 4, H_Y - 8, "sym small", "start"))
        self.value(cw - 2, H_Y - 8, "short_memory", seq, step, "val small", "end")
        self.add(_symbol("X", "", cw * 0.3 + 6, ROW_H - 12, "sym small", "start"))
        self.value(cw * 0.3 + 22, ROW_H - 12, "input", seq, step, "val small", "start")
        self.add("</g>")


def slot_x(geo: Geometry, slot: int, current: int) -> float:
    """Left edge of a slot in its row, given the expanded slot (diagram.js: slotX)."""
    x = geo.margin + geo.gap + slot * (geo.compact_w + geo.gap)
    return x + (geo.cell_w - geo.compact_w if slot > current else 0)


def row_width(geo: Geometry, slots: int) -> float:
    return 2 * geo.margin + geo.gap + (slots - 1) * (geo.compact_w + geo.gap) + geo.cell_w + geo.gap


def draw(
    model: LSTMModel,
    sequences: dict[str, list[float]] | list[float],
    step: int | None = None,
    *,
    language: str = "en",
    names: str = "equations",
    source: str = DEFAULT_SOURCE,
    layout: str = "unrolled",
    window: int = WINDOW,
    id_prefix: str = "lstm",
    rows: list[list[dict[str, float]]] | None = None,
) -> str:
    """The SVG document of the cell for these sequences, with `step` (1-based; default the last) expanded.

    sequences: {"Company A": [...], "Company B": [...]} (drawn one above the other) or one list.
    names: "equations" (F_t, I_t, C~_t, O_t) or "statquest" ("% long-term to remember", ...).
    layout: "unrolled" (a window of steps side by side, ~1200 px wide) or "single" (one cell, 384 px wide,
    for phones; the page steps through the days). id_prefix keeps marker ids unique when a page holds
    several drawings. rows: the trace the page already has (Trace.rows(), one list per sequence), drawn
    instead of tracing again, so that the drawing and the page's table come from the same Trace.
    """
    if names not in ("equations", "statquest"):
        raise ValueError("names must be 'equations' or 'statquest'")
    if layout not in ("unrolled", "single"):
        raise ValueError("layout must be 'unrolled' or 'single'")
    language = language if language in WORDS else "en"
    words = WORDS[language]
    if not isinstance(sequences, dict):
        sequences = {"": list(sequences)}
    seqs = {name: [float(v) for v in values] for name, values in sequences.items()}
    if not seqs or any(len(v) == 0 for v in seqs.values()):
        raise ValueError("every sequence needs at least one value")
    longest = max(len(v) for v in seqs.values())
    step = longest if step is None else int(step)
    if not 1 <= step <= longest:
        raise ValueError(f"step must be between 1 and {longest}")
    geo = WIDE if layout == "unrolled" else NARROW
    window = max(1, int(window)) if layout == "unrolled" else 1
    weights = craft_parameters(model)
    if rows is not None:
        if len(rows) != len(seqs) or any(len(r) != len(v) for r, v in zip(rows, seqs.values())):
            raise ValueError("rows must hold one trace row per step of each sequence")
        values = {name: with_products(r) for name, r in zip(seqs, rows)}
    else:
        values = {name: step_values(model, seq) for name, seq in seqs.items()}
    shown_source = SOURCE_WORDS.get(language, {}).get(source, source)

    b = _Builder(geo, words, names, language, id_prefix)
    rows_slots = [min(len(v), window) for v in seqs.values()]
    width = geo.width or max(row_width(geo, n) for n in rows_slots)
    legend = [words["legend_lines"], words["legend_numbers"], words["legend_stages"]]
    if layout == "single":
        legend = [piece for line in legend for piece in _wrap_line(line, 58)]
    folded = not isinstance(model, CraftLSTM)
    header_h = 58 if layout == "unrolled" else 70 + (32 if folded else 0)
    legend_h = 17 * len(legend) + 16
    extra = 0 if layout == "unrolled" else 20  # narrow: a second heading line per row
    height = header_h + len(seqs) * (ROW_H + ROW_GAP + extra) + legend_h

    # Header: title, which weights, and the builtin model's folding.
    title = words["title"] if layout == "unrolled" else words["single_title"]
    b.add(f'<rect class="paper" x="0" y="0" width="{_n(width)}" height="{_n(height)}" rx="14"/>')
    b.add(_text(geo.margin, 24, title, "title", "start"))
    # Which weights: its own tspan, so that a page can say "after epoch N" as it redraws snapshots.
    source_line = f'<tspan data-role="source">{escape(words["weights"].format(source=shown_source))}</tspan>'
    if layout == "unrolled" and folded:
        source_line += escape("  ·  " + words["folded"])
    b.add(f'<text x="{_n(geo.margin)}" y="44" class="subtitle" text-anchor="start">{source_line}</text>')
    if layout == "single":
        if folded:
            for i, line in enumerate(_wrap_line(words["folded"], 60)):
                b.add(_text(geo.margin, 62 + 16 * i, line, "subtitle", "start"))

    names_drawn = []
    for seq, (name, sequence) in enumerate(seqs.items()):
        shown = COMPANY_WORDS.get(language, {}).get(name, name)
        names_drawn.append(shown or "")
        n = rows_slots[seq]
        length = len(sequence)
        s = min(step, length)
        start = window_start(length, s, window)
        current = s - start
        top = header_h + seq * (ROW_H + ROW_GAP + extra) + extra
        b.add(
            f'<g class="row" data-seq="{seq}" data-length="{length}" data-slots="{n}" transform="translate(0 {top})">'
        )
        label = known_label(sequence)
        seq_text = ", ".join(f"{v:g}" for v in sequence)
        if length > 12:
            seq_text = ", ".join(f"{v:g}" for v in sequence[:6]) + ", …"
        tail = width - geo.margin
        # The prediction is the last short-term memory H_T. Narrow: name and day on one line, the
        # prediction and the label on the next.
        if layout == "unrolled":
            heading = f"{shown}  ·  {seq_text}" if shown else seq_text
            title_y, pred_x = ROW_TITLE_Y - 4, tail - (62 if label is not None else 0)
            b.add(_text(pred_x - 62, title_y, words["prediction"], "note", "end"))
        else:
            heading, title_y = shown or seq_text, ROW_TITLE_Y - 4
            b.add(_text(geo.margin, title_y, words["prediction"], "note", "start"))
            pred_x = geo.margin + 130
        b.add(_text(geo.margin, title_y - (20 if layout == "single" else 0), heading, "row-title", "start"))
        if label is not None:
            b.add(_text(tail, title_y, f"{words['label']} {label:g}", "note", "end"))
        b.value(pred_x, title_y, "short_memory", seq, length, "val pred", "end")
        b.add(f'<text class="ellipsis{"" if start > 1 else " is-hidden"}" data-ellipsis="before" '
              f'x="{_n(geo.margin - 2)}" y="{C_Y + 6}">…</text>')  # fmt: skip
        for slot in range(n) if layout == "unrolled" else ():
            b.compact(seq, slot, start + slot, slot_x(geo, slot, current), slot == current)
        b.cell(seq, s, slot_x(geo, current, current))
        end_x = row_width(geo, n) - geo.margin - geo.gap
        if geo.gap:  # the memories leaving the last step shown
            b.flow([(end_x, C_Y), (end_x + geo.gap - 2, C_Y)], cls="flow cline")
            b.flow([(end_x, H_Y), (end_x + geo.gap - 2, H_Y)], cls="flow hline")
        b.add(f'<text class="ellipsis{"" if start + n - 1 < length else " is-hidden"}" data-ellipsis="after" '
              f'x="{_n(end_x + geo.gap + 2)}" y="{C_Y + 6}">…</text>')  # fmt: skip
        b.add("</g>")

    # Legend: what widths, colours and numbers mean; the stages by number, tint and dash pattern.
    y = header_h + len(seqs) * (ROW_H + ROW_GAP + extra) + 6
    for line in legend:
        y += 17
        b.add(_text(geo.margin, y, line, "legend", "start"))

    colon, semicolon = ("\uff1a", "\uff1b") if language == "zh" else (": ", "; ")

    def listed(values: list[float]) -> str:  # a description need not list 10,000 numbers
        shown = ", ".join(f"{v:g}" for v in values[:12])
        return shown + (f", … ({len(values)})" if len(values) > 12 else "")

    seq_desc = semicolon.join(f"{n}{colon}{listed(s)}" if n else listed(s) for n, s in zip(names_drawn, seqs.values()))
    desc = words["desc"].format(seqs=seq_desc, step=step, source=shown_source)
    if folded:
        desc += " " + words["folded"] + ("." if language == "en" else "。")
    svg_open = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lstm-diagram" role="img" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
        f'data-layout="{layout}" data-window="{window}" data-step="{step}" data-stage="0" '
        f'data-cell-w="{_n(geo.cell_w)}" data-compact-w="{_n(geo.compact_w)}" data-gap="{_n(geo.gap)}" '
        f'data-margin="{_n(geo.margin)}" data-names="{names}" lang="{"zh-CN" if language == "zh" else "en"}" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc">'
    )
    defs = (
        f'<title id="{id_prefix}-title">{escape(title)}</title><desc id="{id_prefix}-desc">{escape(desc)}</desc>'
        f'<defs><marker id="{id_prefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" '
        f'markerHeight="11" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0 0 L10 5 L0 10 z" class="arrowhead"/></marker>'
        f"</defs><style>{SVG_CSS}</style>"
    )
    svg = svg_open + defs + "".join(b.out) + "</svg>"
    return fill(svg, weights, [values[name] for name in seqs], step)


def _wrap_line(line: str, chars: int) -> list[str]:
    """Wrap a legend line for the narrow layout (a CJK character counts as two; break at spaces or anywhere
    in CJK text, never before closing punctuation)."""
    out, current, width = [], "", 0
    tokens = line.split(" ") if not any(ord(ch) > 0x2E80 for ch in line) else list(line)
    sep = " " if len(tokens) < len(line) else ""
    for token in tokens:
        w = sum(2 if ord(ch) > 0x2E80 else 1 for ch in token) + len(sep)
        if current and width + w > chars and token not in ",。;:)":
            out.append(current.rstrip())
            current, width = "", 0
        current += token + sep
        width += w
    return out + [current.rstrip()] if current.strip() else out


def fill(svg: str, weights: dict[str, float], rows: list[list[dict]], step: int) -> str:
    """Write the numbers into an SVG skeleton: the same work as diagram.js's update(), in Python.

    Done on the parsed tree so that the skeleton (built with empty texts) and the numbers stay separate:
    the structure never depends on the values.
    """
    import xml.etree.ElementTree as ET

    ET.register_namespace("", "http://www.w3.org/2000/svg")
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    for el in root.iter():
        tag = el.tag.removeprefix(ns)
        if "data-field" in el.attrib:
            seq, s = int(el.get("data-seq")), int(el.get("data-step"))
            el.text = value_text(rows[seq][s - 1][el.get("data-field")])
        elif "data-weight" in el.attrib:
            w = weights[el.get("data-weight")]
            el.text = weight_text(w)
            el.set("class", _sign_class(el.get("class", ""), w))
        elif "data-edge" in el.attrib:
            w = weights[el.get("data-edge")]
            el.set("class", _sign_class(el.get("class", ""), w))
            el.set("style", f"stroke-width: {edge_width(w)}px")
        elif "data-template" in el.attrib:
            el.text = el.get("data-template").replace("{step}", el.get("data-step"))
        if tag == "g" and "data-gate" in el.attrib:
            seq, s = int(el.get("data-seq")), int(el.get("data-step"))
            v = value_text(rows[seq][s - 1][GATE_FIELD[el.get("data-gate")]])
            el.set("aria-label", el.get("data-aria").replace("{value}", v))
    return ET.tostring(root, encoding="unicode")


def _sign_class(classes: str, w: float) -> str:
    kept = [c for c in classes.split() if c not in ("pos", "neg")]
    return " ".join([*kept, "neg" if w < 0 else "pos"])


SVG_CSS = """
.lstm-diagram{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC",
"PingFang SC","Microsoft YaHei",sans-serif;font-size:13px;fill:#1F2328;max-width:100%;height:auto}
.lstm-diagram .paper{fill:#FFFFFF;stroke:#D0D7DE}
.lstm-diagram .title{font-size:17px;font-weight:700}
.lstm-diagram .subtitle{font-size:12.5px;fill:#4B5563}
.lstm-diagram .row-title{font-size:14px;font-weight:650}
.lstm-diagram .note,.lstm-diagram .legend{font-size:12px;fill:#4B5563}
.lstm-diagram .day{font-size:13px;font-weight:650}
.lstm-diagram .val{font-size:13px;font-variant-numeric:tabular-nums;font-weight:600}
.lstm-diagram .val.small{font-size:12px;font-weight:500}
.lstm-diagram .gate-val{font-size:15px;font-weight:700}
.lstm-diagram .pred{font-size:14px;font-weight:700}
.lstm-diagram .sym{font-size:14px;font-style:italic;font-weight:600}
.lstm-diagram .sym.small{font-size:13px}
.lstm-diagram .sub{font-size:12px;font-style:normal}
.lstm-diagram .act{font-size:14px;font-weight:700;fill:#374151}
.lstm-diagram .gname{font-size:12px;fill:#374151}
.lstm-diagram .bias-name{font-size:12px;fill:#4B5563}
.lstm-diagram .wt{font-size:12px;font-weight:600;font-variant-numeric:tabular-nums}
.lstm-diagram .wt.pos{fill:#0072B2}.lstm-diagram .wt.neg{fill:#B34400}
.lstm-diagram .edge{stroke-linecap:round;opacity:.9;transition:stroke-width .35s ease,stroke .35s ease}
.lstm-diagram .edge.pos{stroke:#0072B2}.lstm-diagram .edge.neg{stroke:#D55E00}
.lstm-diagram .flow{fill:none;stroke:#3F4652;stroke-width:2;stroke-linejoin:round}
.lstm-diagram .cline{stroke-width:3.5}.lstm-diagram .hline{stroke-width:2.5}
.lstm-diagram .xline{stroke:#6B7280}
.lstm-diagram .arrowhead{fill:#3F4652}
.lstm-diagram .tap{fill:#3F4652}
.lstm-diagram .stub{stroke:#9CA3AF;stroke-width:1.5;stroke-dasharray:3 3}
.lstm-diagram .op circle,.lstm-diagram .op rect{fill:#FFFFFF;stroke:#3F4652;stroke-width:2}
.lstm-diagram .op-sign{font-size:18px;font-weight:700}
.lstm-diagram .op-word{font-size:12px;font-weight:600}
.lstm-diagram .compact{fill:#F6F8FA;stroke:#AEB6C0;stroke-width:1.5}
.lstm-diagram .ellipsis{font-size:22px;font-weight:700;fill:#4B5563}
.lstm-diagram .is-hidden,.lstm-diagram .slot.is-current{visibility:hidden}
.lstm-diagram .stage rect{stroke-width:1.5}
.lstm-diagram .stage.s1 rect{fill:rgba(230,159,0,.10);stroke:#E69F00}
.lstm-diagram .stage.s2 rect{fill:rgba(0,158,115,.09);stroke:#009E73;stroke-dasharray:8 4}
.lstm-diagram .stage.s3 rect{fill:rgba(204,121,167,.10);stroke:#CC79A7;stroke-dasharray:2 3}
.lstm-diagram .badge{stroke:none}
.lstm-diagram .stage.s1 .badge{fill:#E69F00}.lstm-diagram .stage.s2 .badge{fill:#009E73}
.lstm-diagram .stage.s3 .badge{fill:#CC79A7}
.lstm-diagram .badge-num{font-size:12px;font-weight:700;fill:#1F2328}
.lstm-diagram .stage-label{font-size:12px;font-weight:650}
.lstm-diagram .gate rect{fill:#FFFFFF;stroke-width:2}
.lstm-diagram .gate.s1 rect{stroke:#B07A00}.lstm-diagram .gate.s2 rect{stroke:#00795A}
.lstm-diagram .gate.s3 rect{stroke:#A8578A}
.lstm-diagram .gate{cursor:pointer;outline:none}
.lstm-diagram .gate:focus-visible rect,.lstm-diagram .gate.is-selected rect{stroke:#1F2328;stroke-width:3.5}
.lstm-diagram .slot,.lstm-diagram .cell{transition:transform .4s ease}
.lstm-diagram .s1,.lstm-diagram .s2,.lstm-diagram .s3{transition:opacity .3s ease}
.lstm-diagram[data-stage="1"] .cell .s2,.lstm-diagram[data-stage="1"] .cell .s3,
.lstm-diagram[data-stage="2"] .cell .s1,.lstm-diagram[data-stage="2"] .cell .s3,
.lstm-diagram[data-stage="3"] .cell .s1,.lstm-diagram[data-stage="3"] .cell .s2{opacity:.28}
.lstm-diagram[data-stage="1"] .cell .flow.s1,.lstm-diagram[data-stage="2"] .cell .flow.s2,
.lstm-diagram[data-stage="3"] .cell .flow.s3{stroke-dasharray:7 5;animation:lstm-flow .8s linear infinite}
@keyframes lstm-flow{to{stroke-dashoffset:-12}}
.lstm-diagram[data-layout="single"] .ellipsis{display:none}
.lstm-diagram[data-layout="single"] .gate-val{font-size:14px}
.lstm-diagram[data-layout="single"] .gate .wt,.lstm-diagram[data-layout="single"] .bias-name{font-size:12px}
@media (prefers-reduced-motion:reduce){.lstm-diagram *{transition:none!important;animation:none!important}}
"""


def draw_companies(model: LSTMModel, step: int | None = None, **kw) -> str:
    """The toy task's drawing: Company A above Company B (names translated by `language`)."""
    return draw(model, {c.name: list(c.sequence) for c in COMPANIES}, step, **kw)


def script() -> str:
    """diagram.js's source, for a page's js_on_load (it defines `LSTMDiagram`)."""
    return DIAGRAM_JS.read_text(encoding="utf-8")


# -- explanations and gradients ------------------------------------------------------------------------


def _term(a: float, b: float, first: bool) -> str:
    """'a · b' inside a sum, signs printed properly: '0.5 · (−0.19)'; a negative first factor leads."""
    fa, fb = _plain(a), _plain(b)
    fb = f"({fb})" if b < 0 and fb.startswith(MINUS) else fb
    if first:
        return f"{fa} · {fb}"
    if fa.startswith(MINUS):
        return f"− {fa[1:]} · {fb}"
    return f"+ {fa} · {fb}"


def _plain(x: float, digits: int = VALUE_DIGITS) -> str:
    """Short numbers for equations: at most `digits` decimals, trailing zeros dropped."""
    text = fmt(x, digits)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if text not in ("", MINUS) else "0"


def _bias(b: float) -> str:
    text = _plain(b)
    return f"− {text[1:]}" if text.startswith(MINUS) else f"+ {text}"


STAGE_SENTENCES = {
    "en": (
        "Keep {forget:.0%} of the long-term memory: {c_prev} becomes {kept}.",
        "Let {input:.0%} of the potential memory {candidate} in and add it: C = {c}.",
        "Pass {output:.0%} of tanh(C) on as the short-term memory: H = {h}.",
    ),
    "zh": (
        "保留 {forget:.0%} 的长期记忆:{c_prev} 变为 {kept}。",
        "让潜在记忆 {candidate} 的 {input:.0%} 进入并加上:C = {c}。",
        "把 tanh(C) 的 {output:.0%} 作为短期记忆输出:H = {h}。",
    ),
}
STAGE_SENTENCES["zh"] = tuple(_full_width(s).replace("tanh\uff08C\uff09", "tanh(C)") for s in STAGE_SENTENCES["zh"])


def explain_step(model: LSTMModel, sequence: list[float], step: int, language: str = "en") -> list[dict]:
    """The three stages of one step, in order: stage number, title, a sentence, equations with numbers.

    Plain text with proper signs ("0.5 · (−0.19)", "− 0.32"), for the text beside the drawing.
    """
    rows = step_values(model, sequence)
    if not 1 <= step <= len(rows):
        raise ValueError(f"step must be between 1 and {len(rows)}")
    return _explain(rows[step - 1], craft_parameters(model), language)


def explain_steps(
    model: LSTMModel, rows: list[dict[str, float]], steps: range | None = None, language: str = "en"
) -> list[list[dict]]:
    """explain_step for many steps of one trace at once (rows: Trace.rows() of the sequence drawn)."""
    full, w = with_products(rows), craft_parameters(model)
    return [_explain(full[s - 1], w, language) for s in (steps or range(1, len(full) + 1))]


def _explain(r: dict[str, float], w: dict[str, float], language: str) -> list[dict]:
    language = language if language in WORDS else "en"
    x, h_prev = r["input"], r["short_memory_prev"]

    def gate(gate: str, head: str, fn: str) -> str:
        k = GATE_KEY[gate]
        terms = f"{_term(x, w[f'w_x{k}'], True)} {_term(h_prev, w[f'w_h{k}'], False)} {_bias(w[f'b_{k}'])}"
        return (
            f"{head} = {fn}(X_t · w_x{k} + H_t−1 · w_h{k} + b_{k}) = {fn}({terms}) = {value_text(r[GATE_FIELD[gate]])}"
        )

    v = {key: value_text(r[key]) for key in FIELDS}
    equations = (
        [
            gate("forget", "F_t", "σ"),
            f"F_t · C_t−1 = {_term(r['forget_gate'], r['long_memory_prev'], True)} = {v['kept']}",
        ],
        [
            gate("input", "I_t", "σ"),
            gate("candidate", "C̃_t", "tanh"),
            f"C_t = F_t · C_t−1 + I_t · C̃_t = {v['kept']} {_bias(r['added'])} = {v['long_memory']}",
        ],
        [
            gate("output", "O_t", "σ"),
            f"H_t = O_t · tanh(C_t) = {_term(r['output_gate'], math.tanh(r['long_memory']), True)} "
            f"= {v['short_memory']}",
        ],
    )  # fmt: skip
    sentences = STAGE_SENTENCES[language]
    fills = dict(
        forget=r["forget_gate"], input=r["input_gate"], output=r["output_gate"], c_prev=v["long_memory_prev"],
        kept=v["kept"], candidate=v["candidate"], c=v["long_memory"], h=v["short_memory"],
    )  # fmt: skip
    return [
        {
            "stage": k + 1,
            "title": WORDS[language]["stages"][k],
            "sentence": sentences[k].format(**fills),
            "equations": equations[k],
        }
        for k in range(3)
    ]


def gate_gradients(
    model: LSTMModel, sequence: list[float], label: float | None = None
) -> dict[str, dict[str, float]] | None:
    """d(loss)/d(parameter) for each gate's three parameters, loss = (prediction - label)^2.

    Autograd on a float64 hand-built copy of the model (the builtin model's biases folded), so the
    caller's model is untouched. label None: the label of a known company, or None when there is none
    (the page says so).
    """
    if label is None:
        label = known_label(sequence)
        if label is None:
            return None
    craft = copy.deepcopy(model) if isinstance(model, CraftLSTM) else to_craft(model)  # type: ignore[arg-type]
    craft = craft.double()
    craft.zero_grad(set_to_none=True)
    prediction = craft(torch.tensor([float(v) for v in sequence], dtype=torch.float64))
    loss = (prediction - float(label)) ** 2
    loss.backward()
    return {
        gate: {
            name: float(getattr(craft, name).grad)
            for name in (f"w_x{GATE_KEY[gate]}", f"w_h{GATE_KEY[gate]}", f"b_{GATE_KEY[gate]}")
        }
        for gate in GATES
    }
