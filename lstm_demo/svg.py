"""Where everything of the drawn cell goes: the geometry of one cell, and the SVG it is built of.

One row per sequence; in a row, the current step is a full cell (gates as boxes, pointwise operations
as circles, the three stages tinted, numbered and dashed) and the other steps of the window compact
boxes showing C_t and H_t, joined by the C line along the top and the H line along the bottom. The
structure depends only on the layout, never on the values: every number is an empty `<text>` with
data attributes that diagram.fill (Python) and diagram.js (the browser) write.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from .messages import MESSAGES, say
from .values import ACTIVATION, GATE_FIELD, GATE_KEY, GATE_STAGE, GATES, SYMBOLS

GATE_NAME = {key: gate for gate, key in GATE_KEY.items()}  # "f" -> "forget"


def window_days(length: int, step: int, window: int) -> list[int]:
    """The days (1-based) a row of `window` slots shows for `step` (diagram.js: windowDays).

    Day 1 is always shown: it is where the memory starts. The other slots show the days around
    `step`; days between day 1 and them are an honest gap in the row.
    """
    if length <= window:
        return list(range(1, length + 1))
    if window == 1:
        return [step]
    first = max(2, min(step - (window - 2) // 2, length - window + 2))
    return [1, *range(first, first + window - 1)]


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


def edge_part(name: str) -> str:
    """The part a weighted line belongs to: H_{t-1} feeding a gate, or the input X_t."""
    return "h-feedback" if name.startswith("w_h") else "x" if name.startswith("w_x") else GATE_NAME[name[-1]]


def _symbol(symbol: str, sub: str, x, y, cls="sym", anchor="middle", part=None) -> str:
    """F_t as F with a subscript t (the subscript stays >= 11 px)."""
    return (
        f"<text {_attrs(x=_n(x), y=_n(y), class_=cls, text_anchor=anchor, data_part=part)}>{escape(symbol)}"
        f'<tspan class="sub" dy="4">{escape(sub)}</tspan></text>'
    )


class Builder:
    """Collects the SVG of one drawing, element by element, in `language`."""

    def __init__(self, geo: Geometry, names: str, language: str, prefix: str):
        self.g, self.names, self.language, self.p = geo, names, language, prefix
        self.out: list[str] = []
        self.row_name = ""  # the sequence of the row being drawn, as the page names it

    def words(self, key: str, **params) -> str:
        """The drawing's catalogue entry `diagram.<key>` in its language."""
        return say(f"diagram.{key}", self.language, **params)

    def tuple_words(self, key: str) -> tuple[str, ...]:
        """The numbered entries `diagram.<key>.1`, `.2`, ... in order."""
        return tuple(self.words(f"{key}.{k}") for k in range(1, 4) if f"diagram.{key}.{k}" in MESSAGES)

    def add(self, s: str) -> None:
        self.out.append(s)

    # Dynamic texts: the browser rewrites exactly these. `part` names what the text belongs to (the
    # story lights parts up: story.PARTS).
    def value(self, x, y, field, seq, step, cls="val", anchor="middle", part=None) -> None:
        self.add(_text(x, y, "", cls, anchor, data_field=field, data_seq=seq, data_step=step, data_part=part))

    def weight(self, x, y, name, cls="wt", anchor="middle") -> None:
        self.add(_text(x, y, "", cls, anchor, data_weight=name, data_part=edge_part(name)))

    def edge(self, x1, y1, x2, y2, name, stage) -> None:
        points = _attrs(x1=_n(x1), y1=_n(y1), x2=_n(x2), y2=_n(y2))
        self.add(f"<line {points} {_attrs(class_=f'edge s{stage}', data_edge=name, data_part=edge_part(name))}/>")

    def flow(self, points, stage=None, arrow=True, cls="flow", part=None) -> None:
        d = "M" + " L".join(f"{_n(x)} {_n(y)}" for x, y in points)
        classes = f"{cls} s{stage}" if stage else cls
        marker = f"url(#{self.p}-arrow)" if arrow else None
        self.add(f"<path {_attrs(d=d, class_=classes, marker_end=marker, data_part=part)}/>")

    def circle(self, x, y, op, stage, part=None) -> None:
        r = self.g.r
        self.add(
            f"<g {_attrs(class_=f'op s{stage}', data_part=part)}><circle {_attrs(cx=_n(x), cy=_n(y), r=_n(r))}/>"
            f"{_text(x, y + 5.5, op, 'op-sign', 'middle')}</g>"
        )

    def cell(self, seq: int, step: int, x0: float, after_gap: bool = False) -> None:
        """The expanded cell of row `seq` at `step`, translated to x0 (after_gap: days before it are left out)."""
        g = self.g
        gx = g.gate_x
        cls = "cell after-gap" if after_gap else "cell"
        self.add(f'<g class="{cls}" data-seq="{seq}" data-slot="cell" style="transform: translate({_n(x0)}px, 0px)">')
        # Stage regions: tint + numbered label + a border with the stage's own dash pattern.
        labels = self.tuple_words("stages_short" if g.short_stage_names else "stages")
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
                day_x,
                day_y,
                "",
                "day day-current",
                anchor,
                data_template=self.words("day", step="{step}"),
                data_seq=seq,
                data_step=step,
            )
        )
        # The long-term memory: straight across the top, only x and + on it.
        fx, ix, cx, ox = gx
        if g.gap:  # the C and H lines arriving from the previous step
            self.flow([(-g.gap, C_Y), (0, C_Y)], cls="flow cline link", part="c")
            self.flow([(-g.gap, H_Y), (0, H_Y)], cls="flow hline link", part="h")
        self.flow([(0, C_Y), (fx - g.r, C_Y)], cls="flow cline", part="c")
        self.flow([(fx + g.r, C_Y), (g.mul_x - g.r, C_Y)], cls="flow cline", part="c")
        self.flow([(g.mul_x + g.r, C_Y), (g.cell_w, C_Y)], cls="flow cline", arrow=False, part="c")
        # The short-term memory H_{t-1} along the bottom, feeding every gate; X_t from below.
        self.flow([(0, H_Y), (ox - g.tap, H_Y)], arrow=False, cls="flow hline", part="h h-feedback")
        x_in = 22 if g is WIDE else 10
        self.flow([(x_in, ROW_H - 6), (x_in, X_Y), (ox + g.tap, X_Y)], arrow=False, cls="flow xline", part="x")
        # Gate edges (weight on H_{t-1}, weight on X_t) into each box, drawn before the boxes.
        box_bottom = BOX_TOP + self.box_h
        for gate, x in zip(GATES, gx):
            k, stage = GATE_KEY[gate], GATE_STAGE[gate]
            self.edge(x - g.tap, H_Y, x - g.foot, box_bottom + 2, f"w_h{k}", stage)
            self.edge(x + g.tap, X_Y, x + g.foot, box_bottom + 2, f"w_x{k}", stage)
            self.add(f'<circle class="tap" data-part="h-feedback" cx="{_n(x - g.tap)}" cy="{H_Y}" r="2.5"/>')
            self.add(f'<circle class="tap" data-part="x" cx="{_n(x + g.tap)}" cy="{X_Y}" r="2.5"/>')
            # Weight labels: H's above the H line, X's between the H and X lines, so they never collide.
            hy = (box_bottom + H_Y) / 2 + 4
            self.weight(x - g.tap + (g.tap - g.foot) * (H_Y - hy) / (H_Y - box_bottom) - 5, hy, f"w_h{k}", "wt", "end")
            self.weight(x + g.tap - 1 + 5, H_Y + 21, f"w_x{k}", "wt", "start")
        # Stage 1: F_t up into the x on the C line.
        self.flow([(fx, BOX_TOP), (fx, C_Y + g.r)], stage=1, part="forget kept")
        self.circle(fx, C_Y, "×", 1, part="kept")
        self.value(fx + g.r + 4, C_Y + 22, "kept", seq, step, "val small", "start", part="kept")
        # Stage 2: I_t and C~_t meet in an x, whose product is added to C.
        self.flow([(ix, BOX_TOP), (ix, MUL_Y), (g.mul_x - g.r, MUL_Y)], stage=2, part="input added")
        self.flow([(cx, BOX_TOP), (cx, MUL_Y), (g.mul_x + g.r, MUL_Y)], stage=2, part="candidate added")
        self.flow([(g.mul_x, MUL_Y - g.r), (g.mul_x, C_Y + g.r)], stage=2, part="added")
        self.circle(g.mul_x, MUL_Y, "×", 2, part="added")
        self.circle(g.mul_x, C_Y, "+", 2, part="added c")
        self.value(g.mul_x + 7, (MUL_Y + C_Y) / 2 + 5, "added", seq, step, "val small", "start", part="added")
        # Stage 3: tanh(C_t) times O_t is H_t, which leaves along the bottom.
        tanh_y = MUL_Y - 2
        self.flow([(g.out_x, C_Y), (g.out_x, tanh_y - 13)], stage=3, part="tanh")
        self.add(
            f'<g class="op s3" data-part="tanh">'
            f"<rect {_attrs(x=_n(g.out_x - 19), y=tanh_y - 13, width=38, height=26, rx=13)}/>"
            f"{_text(g.out_x, tanh_y + 4.5, 'tanh', 'op-word', 'middle')}</g>"
        )
        out_y = BOX_TOP + self.box_h / 2
        self.flow([(g.out_x, tanh_y + 13), (g.out_x, out_y - g.r)], stage=3, part="tanh")
        self.flow([(ox + g.box_w / 2, out_y), (g.out_x - g.r, out_y)], stage=3, part="output")
        self.circle(g.out_x, out_y, "×", 3, part="output tanh")
        self.flow(
            [(g.out_x, out_y + g.r), (g.out_x, H_Y), (g.cell_w, H_Y)], stage=3, arrow=False, cls="flow hline", part="h"
        )
        self.value(g.out_x - 23, tanh_y + 4.5, "tanh_long", seq, step, "val small", "end", part="tanh")
        # Gates: rounded boxes with activation, name, value and bias.
        for gate, x in zip(GATES, gx):
            self.gate_box(gate, x, seq, step)
        # Memories in and out, and the input: names above the lines, values below (left) or before the tap.
        self.add(_symbol("C", "t−1", 4, C_Y - 8, "sym small", "start", part="c"))
        self.value(4, C_Y + (19 if g is WIDE else 30), "long_memory_prev", seq, step, "val small", "start", part="c")
        self.add(_symbol("H", "t−1", 4, H_Y - 8, "sym small", "start", part="h"))
        self.value(4, H_Y + 19, "short_memory_prev", seq, step, "val small", "start", part="h")
        self.add(_symbol("C", "t", g.out_x - 10 - 68, C_Y - 8, "sym small", "end", part="c"))
        self.value(g.out_x - 10, C_Y - 8, "long_memory", seq, step, "val", "end", part="c")
        self.add(_symbol("H", "t", g.cell_w - 4 - 68, X_Y + 22, "sym small", "end", part="h"))
        self.value(g.cell_w - 4, X_Y + 22, "short_memory", seq, step, "val", "end", part="h")
        self.add(_symbol("X", "t", x_in + 6, ROW_H - 12, "sym small", "start", part="x"))
        self.value(x_in + 30, ROW_H - 12, "input", seq, step, "val", "start", part="x")
        self.add("</g>")

    @property
    def box_h(self) -> float:
        return 84 + 14 * (self.name_lines - 1)

    @property
    def name_lines(self) -> int:
        if self.names != "statquest":
            return 2 if self.g is NARROW else 1
        return max(len(_wrap(self.tuple_words(f"names.{gate}"), self.g.name_chars)) for gate in GATES)

    def gate_box(self, gate: str, x: float, seq: int, step: int) -> None:
        g, k, stage = self.g, GATE_KEY[gate], GATE_STAGE[gate]
        symbol = SYMBOLS[gate]
        name = self.words(f"gate_names.{gate}")
        aria = self.words("aria_gate", name=name, symbol=f"{symbol}_t", company=self.row_name or "")
        left = x - g.box_w / 2
        attributes = _attrs(
            class_=f"gate s{stage}", data_gate=gate, data_part=gate, data_seq=seq, data_step=step, tabindex=0,
            role="button", data_aria=aria, aria_label=aria.replace("{value}", "").replace("{step}", str(step)),
        )  # fmt: skip
        self.add(
            f"<g {attributes}>"
            f"<title>{escape(name)}</title>"
            f"<rect {_attrs(x=_n(left), y=BOX_TOP, width=_n(g.box_w), height=_n(self.box_h), rx=10)}/>"
        )
        y = BOX_TOP + 17
        act = ACTIVATION[gate]
        if self.names == "statquest":
            self.add(_text(x, y, act, "act", "middle"))
            for line in _wrap(self.tuple_words(f"names.{gate}"), g.name_chars):
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

    def compact(self, seq: int, slot: int, step: int, x0: float, hidden: bool, after_gap: bool = False) -> None:
        """A day of the row in brief (C_t, H_t, X_t); hidden while it is the expanded one."""
        g = self.g
        cw = g.compact_w
        cls = "slot" + (" is-current" if hidden else "") + (" after-gap" if after_gap else "")
        self.add(f'<g class="{cls}" data-seq="{seq}" data-slot="{slot}" style="transform: translate({_n(x0)}px, 0px)">')
        self.flow([(-g.gap, C_Y), (0, C_Y)], cls="flow cline link", part="c")
        self.flow([(-g.gap, H_Y), (0, H_Y)], cls="flow hline link", part="h")
        self.flow([(0, C_Y), (cw, C_Y)], cls="flow cline", arrow=False, part="c")
        self.flow([(0, H_Y), (cw, H_Y)], cls="flow hline", arrow=False, part="h")
        top, bottom = C_Y + 30, H_Y - 30
        self.add(f'<line class="stub" x1="{_n(cw / 2)}" y1="{C_Y}" x2="{_n(cw / 2)}" y2="{top}"/>')
        self.add(f'<line class="stub" x1="{_n(cw * 0.7)}" y1="{bottom}" x2="{_n(cw * 0.7)}" y2="{H_Y}"/>')
        self.flow([(cw * 0.3, ROW_H - 26), (cw * 0.3, bottom)], cls="flow xline")
        self.add(f'<rect class="compact" {_attrs(x=0, y=top, width=_n(cw), height=bottom - top, rx=12)}/>')
        self.add(
            _text(cw / 2, (top + bottom) / 2 - 4, "", "day", "middle", data_template=self.words("day", step="{step}"),
                  data_seq=seq, data_step=step)
        )  # fmt: skip
        same = self.tuple_words("same")
        self.add(_text(cw / 2, (top + bottom) / 2 + 14, same[0], "note", "middle"))
        self.add(_text(cw / 2, (top + bottom) / 2 + 29, same[1], "note", "middle"))
        self.add(_symbol("C", "", 4, C_Y - 8, "sym small", "start", part="c"))
        self.value(cw - 2, C_Y - 8, "long_memory", seq, step, "val small", "end", part="c")
        self.add(_symbol("H", "", 4, H_Y - 8, "sym small", "start", part="h"))
        self.value(cw - 2, H_Y - 8, "short_memory", seq, step, "val small", "end", part="h")
        self.add(_symbol("X", "", cw * 0.3 + 6, ROW_H - 12, "sym small", "start"))
        self.value(cw * 0.3 + 22, ROW_H - 12, "input", seq, step, "val small", "start")
        self.add("</g>")


def slot_x(geo: Geometry, slot: int, current: int) -> float:
    """Left edge of a slot in its row, given the expanded slot (diagram.js: slotX)."""
    x = geo.margin + geo.gap + slot * (geo.compact_w + geo.gap)
    return x + (geo.cell_w - geo.compact_w if slot > current else 0)


def row_width(geo: Geometry, slots: int) -> float:
    return 2 * geo.margin + geo.gap + (slots - 1) * (geo.compact_w + geo.gap) + geo.cell_w + geo.gap
