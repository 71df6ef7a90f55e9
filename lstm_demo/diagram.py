"""The LSTM cell, drawn: one pure function from (weights, sequences, step, labels) to an SVG document.

The drawing follows what students know from colah's and d2l's figures and StatQuest's video: time runs
left to right; the long-term memory C is a straight line across the top with only x and + on it; the
short-term memory H runs along the bottom; the input X_t comes up from below; the four gates are boxes
(sigma, sigma, tanh, sigma), pointwise operations circles. The seed's three stages (1 what to forget,
2 what to remember, 3 what to output) are tinted with Okabe-Ito colours, numbered and bordered with
their own dash pattern, so they do not rely on colour alone. Every edge carries its weight and every
node its value at the current step; an edge's width grows with |weight|, its colour gives the sign.

The sequence is unrolled (svg.py builds it): the current step is a full cell, the other steps of a
window compact boxes showing C_t and H_t. Two sequences (Company A and Company B) are drawn one above
the other with the same step expanded. Every number is a `<text>` with data attributes, e.g.

    <text data-field="forget_gate" data-seq="0" data-step="2">0.9626</text>
    <text data-weight="w_xf">1.63</text>
    <line data-edge="w_xf" class="edge pos" style="stroke-width: 3.45px" .../>

so that diagram.js can redraw the cell in the browser (new weights, another step) by rewriting text
and attributes, and Gradio's attribute-by-attribute patching animates through CSS transitions.
Numbers print as values.py says (diagram.js prints them the same way).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from .data import COMPANIES, known_label
from .messages import LANGUAGES, say
from .models import CraftLSTM, LSTMModel, craft_parameters
from .svg import (
    C_Y,
    H_Y,
    NARROW,
    ROW_GAP,
    ROW_H,
    ROW_TITLE_Y,
    WIDE,
    Builder,
    _n,
    _text,
    row_width,
    slot_x,
    window_days,
)
from .values import GATE_FIELD, edge_width, step_values, value_text, weight_text, with_products

WINDOW = 5  # steps shown side by side in the unrolled layout; the rest are "..." marks
DIAGRAM_JS = Path(__file__).with_name("diagram.js")
# The drawing's own style, inside the SVG document (so that a saved file looks the same anywhere).
SVG_CSS = Path(__file__).with_name("diagram.css").read_text(encoding="utf-8")
COMPANY_KEYS = {c.name: f"company.{c.key.removeprefix('company_')}" for c in COMPANIES}


def company_label(name: str, language: str) -> str:
    """A company's name in `language` (Company A in Chinese is the catalogue's company.a); any other name as it is."""
    return say(COMPANY_KEYS[name], language) if name in COMPANY_KEYS else name


def pretrained_source(model: LSTMModel, language: str) -> str:
    """What the bundled weights of this kind of model are, for the drawing's "Weights: ..." line."""
    return say(f"source.pretrained.{model.kind}", language)


def draw(
    model: LSTMModel,
    sequences: dict[str, list[float]] | list[float],
    step: int | None = None,
    *,
    language: str = "en",
    names: str = "equations",
    source: str | None = None,
    layout: str = "unrolled",
    window: int = WINDOW,
    id_prefix: str = "lstm",
    rows: list[list[dict[str, float]]] | None = None,
    chrome: bool = True,
    style: bool = True,
) -> str:
    """The SVG document of the cell for these sequences, with `step` (1-based; default the last) expanded.

    sequences: {"Company A": [...], "Company B": [...]} (drawn one above the other) or one list.
    names: "equations" (F_t, I_t, C~_t, O_t) or "statquest" ("% long-term to remember", ...).
    layout: "unrolled" (day 1 and a window of days side by side, ~1200 px wide) or "single" (one cell,
    384 px wide; the page steps through the days). id_prefix keeps marker ids unique when a page holds
    several drawings. rows: the trace the page already has (Trace.rows(), one list per sequence), drawn
    instead of tracing again. chrome: the title, the weights' source and the legend (a page that says
    them around the drawing leaves them out); style: the drawing's CSS inside the document (a page that
    holds it once leaves it out).
    """
    if names not in ("equations", "statquest"):
        raise ValueError("names must be 'equations' or 'statquest'")
    if layout not in ("unrolled", "single"):
        raise ValueError("layout must be 'unrolled' or 'single'")
    language = language if language in LANGUAGES else "en"

    def words(key: str, **params) -> str:
        return say(f"diagram.{key}", language, **params)

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
    window = max(2, int(window)) if layout == "unrolled" else 1
    weights = craft_parameters(model)
    if rows is not None:
        if len(rows) != len(seqs) or any(len(r) != len(v) for r, v in zip(rows, seqs.values())):
            raise ValueError("rows must hold one trace row per step of each sequence")
        values = {name: with_products(r) for name, r in zip(seqs, rows)}
    else:
        values = {name: step_values(model, seq) for name, seq in seqs.items()}
    shown_source = source if source is not None else pretrained_source(model, language)

    b = Builder(geo, names, language, id_prefix)
    rows_slots = [min(len(v), window) for v in seqs.values()]
    width = geo.width or max(row_width(geo, n) for n in rows_slots)
    legend = [words("legend_lines"), words("legend_numbers"), words("legend_stages")] if chrome else []
    if layout == "single":
        legend = [piece for line in legend for piece in _wrap_line(line, 58)]
    folded = not isinstance(model, CraftLSTM)
    if chrome:
        header_h = 58 if layout == "unrolled" else 70 + (32 if folded else 0)
    else:
        header_h = 14 if layout == "unrolled" else 10
    legend_h = 17 * len(legend) + 16 if legend else 0
    extra = 0 if layout == "unrolled" else 20  # narrow: a second heading line per row
    height = header_h + len(seqs) * (ROW_H + ROW_GAP + extra) + legend_h - (0 if chrome else ROW_GAP)

    title = words("title" if layout == "unrolled" else "single_title")
    b.add(f'<rect class="paper" x="0" y="0" width="{_n(width)}" height="{_n(height)}" rx="14"/>')
    if chrome:  # title, which weights, and the builtin model's folding
        b.add(_text(geo.margin, 24, title, "title", "start"))
        # Which weights: its own tspan, so that a page can say "after epoch N" as it redraws snapshots.
        source_line = f'<tspan data-role="source">{escape(words("weights", source=shown_source))}</tspan>'
        if layout == "unrolled" and folded:
            source_line += escape("  ·  " + words("folded"))
        b.add(f'<text x="{_n(geo.margin)}" y="44" class="subtitle" text-anchor="start">{source_line}</text>')
        if layout == "single" and folded:
            for i, line in enumerate(_wrap_line(words("folded"), 60)):
                b.add(_text(geo.margin, 62 + 16 * i, line, "subtitle", "start"))

    names_drawn = []
    for seq, (name, sequence) in enumerate(seqs.items()):
        shown = company_label(name, language)
        names_drawn.append(shown or "")
        b.row_name = shown or words("sequence")
        top = header_h + seq * (ROW_H + ROW_GAP + extra) + extra
        _row(b, seq, sequence, step, window, layout, top, width, words)

    # Legend: what widths, colours and numbers mean; the stages by number, tint and dash pattern.
    y = header_h + len(seqs) * (ROW_H + ROW_GAP + extra) + 6
    for line in legend:
        y += 17
        b.add(_text(geo.margin, y, line, "legend", "start"))

    colon, semicolon = say("colon", language), say("semicolon", language)

    def listed(values: list[float]) -> str:  # a description need not list 10,000 numbers
        shown = ", ".join(f"{v:g}" for v in values[:12])
        return shown + (f", … ({len(values)})" if len(values) > 12 else "")

    seq_desc = semicolon.join(f"{n}{colon}{listed(s)}" if n else listed(s) for n, s in zip(names_drawn, seqs.values()))
    desc = words("desc", seqs=seq_desc, step="{step}", source=shown_source)
    if folded:
        desc += " " + words("folded") + say("full_stop", language)
    svg_open = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lstm-diagram" role="img" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" height="{_n(height)}" '
        f'data-layout="{layout}" data-window="{window}" data-step="{step}" data-stage="0" '
        f'data-cell-w="{_n(geo.cell_w)}" data-compact-w="{_n(geo.compact_w)}" data-gap="{_n(geo.gap)}" '
        f'data-margin="{_n(geo.margin)}" data-names="{names}" lang="{"zh-CN" if language == "zh" else "en"}" '
        f'aria-labelledby="{id_prefix}-title {id_prefix}-desc">'
    )
    defs = (
        f'<title id="{id_prefix}-title">{escape(title)}</title>'
        f'<desc id="{id_prefix}-desc" data-template="{escape(desc, quote=True)}"></desc>'
        f'<defs><marker id="{id_prefix}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="11" '
        f'markerHeight="11" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        '<path d="M0 0 L10 5 L0 10 z" class="arrowhead"/></marker>'
        f"</defs>" + (f"<style>{SVG_CSS}</style>" if style else "")
    )
    svg = svg_open + defs + "".join(b.out) + "</svg>"
    return fill(svg, weights, [values[name] for name in seqs], step)


def _row(b: Builder, seq: int, sequence: list[float], step: int, window: int, layout: str, top, width, words) -> None:
    """One sequence's row: its heading (name, prediction, label), the days of its window and the full cell."""
    geo = b.g
    length = len(sequence)
    s = min(step, length)
    days = window_days(length, s, window) if layout == "unrolled" else [s]
    n, current = len(days), days.index(s)
    b.add(f'<g class="row" data-seq="{seq}" data-length="{length}" data-slots="{n}" transform="translate(0 {top})">')
    label = known_label(sequence)
    seq_text = ", ".join(f"{v:g}" for v in sequence)
    if length > 12:
        seq_text = ", ".join(f"{v:g}" for v in sequence[:6]) + ", …"
    tail = width - geo.margin
    # The prediction is the last short-term memory H_T. Narrow: name and day on one line, the
    # prediction and the label on the next.
    shown = b.row_name if b.row_name != words("sequence") else ""
    if layout == "unrolled":
        heading = f"{shown}  ·  {seq_text}" if shown else seq_text
        title_y, pred_x = ROW_TITLE_Y - 4, tail - (62 if label is not None else 0)
        b.add(_text(pred_x - 62, title_y, words("prediction"), "note", "end"))
    else:
        heading, title_y = shown or seq_text, ROW_TITLE_Y - 4
        b.add(_text(geo.margin, title_y, words("prediction"), "note", "start"))
        pred_x = geo.margin + 130
    b.add(_text(geo.margin, title_y - (20 if layout == "single" else 0), heading, "row-title", "start"))
    if label is not None:
        b.add(_text(tail, title_y, f"{words('label')} {label:g}", "note", "end"))
    b.value(pred_x, title_y, "short_memory", seq, length, "val pred", "end", part="prediction")
    if layout == "unrolled":
        for slot, day in enumerate(days):
            b.compact(seq, slot, day, slot_x(geo, slot, current), slot == current, after_gap=_gap_before(days, slot))
        gap_x = slot_x(geo, 1, current) - geo.gap / 2 if n > 1 else 0
        gap = _gap_before(days, 1)
        b.add(
            f'<text class="ellipsis gap{"" if gap else " is-hidden"}" data-ellipsis="gap" text-anchor="middle" '
            f'x="0" y="{C_Y - 12}" style="transform: translate({_n(gap_x)}px, 0px)">…</text>'
        )
    b.cell(seq, s, slot_x(geo, current, current), after_gap=layout == "unrolled" and _gap_before(days, current))
    end_x = row_width(geo, n) - geo.margin - geo.gap
    if geo.gap:  # the memories leaving the last step shown
        b.flow([(end_x, C_Y), (end_x + geo.gap - 2, C_Y)], cls="flow cline", part="c")
        b.flow([(end_x, H_Y), (end_x + geo.gap - 2, H_Y)], cls="flow hline", part="h")
    b.add(f'<text class="ellipsis{"" if days[-1] < length else " is-hidden"}" data-ellipsis="after" '
          f'x="{_n(end_x + geo.gap + 2)}" y="{C_Y + 6}">…</text>')  # fmt: skip
    b.add("</g>")


def _gap_before(days: list[int], slot: int) -> bool:
    """Whether days are left out between this slot and the one before it (diagram.js: gapBefore)."""
    return 0 < slot < len(days) and days[slot] - days[slot - 1] > 1


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
        elif "data-template" in el.attrib:  # a day's name, or the description naming the day shown
            el.text = el.get("data-template").replace("{step}", el.get("data-step", str(step)))
        if tag == "g" and "data-gate" in el.attrib:
            seq, s = int(el.get("data-seq")), int(el.get("data-step"))
            v = value_text(rows[seq][s - 1][GATE_FIELD[el.get("data-gate")]])
            el.set("aria-label", el.get("data-aria").replace("{value}", v).replace("{step}", str(s)))
    return ET.tostring(root, encoding="unicode")


def _sign_class(classes: str, w: float) -> str:
    kept = [c for c in classes.split() if c not in ("pos", "neg")]
    return " ".join([*kept, "neg" if w < 0 else "pos"])


def draw_companies(model: LSTMModel, step: int | None = None, **kw) -> str:
    """The toy task's drawing: Company A above Company B (names translated by `language`)."""
    return draw(model, {c.name: list(c.sequence) for c in COMPANIES}, step, **kw)


def script() -> str:
    """diagram.js's source (it defines `LSTMDiagram`)."""
    return DIAGRAM_JS.read_text(encoding="utf-8")
