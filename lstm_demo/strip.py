"""The memory strip: the long-term memory C and the short-term memory H of each sequence over the days.

Where the drawn cell shows one day in full, the strip shows the trail: one chip a day with its C and H,
a bar as long as |C| (the largest |C| of the sequence fills it), the chips joined by the C line. Day 1
is always shown (it is where the memory starts), then the days around the one drawn, with an honest
gap between. Its structure is the unrolled drawing's (rows of slots whose texts carry data-field,
data-seq and data-step), so diagram.js redraws it with the same update(); the chip of the day drawn
is marked.
"""

from __future__ import annotations

from .messages import say
from .svg import Builder, NARROW, _attrs, _n, _text, window_days
from .values import fmt

CHIP_W, CHIP_H, CHIP_GAP = 78, 52, 16
LABEL_W = {"wide": 92, "narrow": 26}
SLOTS = {"wide": 9, "narrow": 4}
ROW_H, TOP = 66, 8
BAR_W = CHIP_W - 16  # the bar of the largest |C|


def slots(width: str, length: int) -> int:
    return min(length, SLOTS[width])


def draw_strip(
    sequences: dict[str, list[float]],
    step: int,
    *,
    names: list[str],
    language: str = "en",
    width: str = "wide",
    traces: list[dict[str, list[float]]] | None = None,
) -> str:
    """The strip's SVG for `sequences` (name -> values) with `step` marked; `names` as the page shows them.

    traces (values.trace_arrays per sequence) fill in the numbers; without them the texts are empty
    and the page's script fills them.
    """
    if width not in LABEL_W:
        raise ValueError("width must be 'wide' or 'narrow'")
    window = SLOTS[width]
    label_w = LABEL_W[width]
    counts = [slots(width, len(v)) for v in sequences.values()]
    total_w = label_w + max(counts) * (CHIP_W + CHIP_GAP) + 8
    total_h = TOP + len(sequences) * ROW_H
    b = Builder(NARROW, "equations", language, "strip")
    for seq, (values, name) in enumerate(zip(sequences.values(), names)):
        length = len(values)
        s = min(step, length)
        days = window_days(length, s, window)
        top = TOP + seq * ROW_H
        b.add(
            f'<g class="row" data-seq="{seq}" data-length="{length}" data-slots="{len(days)}" '
            f'transform="translate(0 {top})">'
        )
        short = name if width == "wide" else name[-1:]  # a phone: "A" and "B"
        b.add(_text(4, CHIP_H / 2 + 5, short, "row-title strip-name", "start"))
        for slot, day in enumerate(days):
            x = label_w + slot * (CHIP_W + CHIP_GAP)
            current = " is-current" if day == s else ""
            gap = " after-gap" if slot and day - days[slot - 1] > 1 else ""
            b.add(
                f'<g class="slot{current}{gap}" data-seq="{seq}" data-slot="{slot}" data-day="{day}" '
                f'style="transform: translate({_n(x)}px, 0px)">'
            )
            if slot:  # the C line from the day before
                b.add(f'<path class="flow cline link" data-part="c" d="M{-CHIP_GAP} 12 L0 12"/>')
            b.add(f'<rect class="chip" {_attrs(x=0, y=0, width=CHIP_W, height=CHIP_H, rx=9)}/>')
            day_words = say("diagram.day", language, step="{step}")
            b.add(
                _text(CHIP_W / 2, 12, "", "day strip-day", "middle", data_template=day_words, data_seq=seq,
                      data_step=day)
            )  # fmt: skip
            b.add(_text(6, 29, "C", "sym small", "start", data_part="c"))
            b.value(CHIP_W - 5, 29, "long_memory", seq, day, "val small", "end", part="c")
            b.add(
                f'<rect class="bar pos" data-bar="long_memory" data-seq="{seq}" data-step="{day}" '
                f'data-bar-max="{BAR_W}" x="8" y="33" width="1" height="5" rx="2"/>'
            )
            b.add(_text(6, 49, "H", "sym small", "start", data_part="h"))
            b.value(CHIP_W - 5, 49, "short_memory", seq, day, "val small", "end", part="h")
            b.add("</g>")
        gap_x = label_w + CHIP_W + CHIP_GAP / 2
        hidden = "" if len(days) > 1 and days[1] > 2 else " is-hidden"
        b.add(
            f'<text class="ellipsis gap{hidden}" data-ellipsis="gap" text-anchor="middle" x="{_n(gap_x)}" '
            f'y="{CHIP_H / 2 + 7}">…</text>'
        )
        b.add("</g>")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lstm-diagram lstm-strip" role="img" '
        f'viewBox="0 0 {_n(total_w)} {_n(total_h)}" width="{_n(total_w)}" height="{_n(total_h)}" '
        f'data-layout="strip" data-window="{window}" data-step="{step}" data-cell-w="{CHIP_W}" '
        f'data-compact-w="{CHIP_W}" data-gap="{CHIP_GAP}" data-margin="{label_w - CHIP_GAP}" '
        f'aria-label="{say("strip.label", language)}">' + "".join(b.out) + "</svg>"
    )
    return fill_strip(svg, traces, step) if traces is not None else svg


def fill_strip(svg: str, traces: list[dict[str, list[float]]], step: int) -> str:
    """The strip's numbers and bars written in (the work of diagram.js's update(), for the first paint)."""
    import xml.etree.ElementTree as ET

    ET.register_namespace("", "http://www.w3.org/2000/svg")
    root = ET.fromstring(svg)
    for el in root.iter():
        if "data-field" in el.attrib:
            trace = traces[int(el.get("data-seq"))]
            el.text = fmt(trace[el.get("data-field")][int(el.get("data-step")) - 1], 4)
        elif "data-template" in el.attrib:
            el.text = el.get("data-template").replace("{step}", el.get("data-step"))
        elif "data-bar" in el.attrib:
            column = traces[int(el.get("data-seq"))][el.get("data-bar")]
            value = column[int(el.get("data-step")) - 1]
            largest = max((abs(v) for v in column), default=0.0) or 1.0
            el.set("width", _n(max(1.0, float(el.get("data-bar-max")) * abs(value) / largest)))
            el.set("class", "bar " + ("neg" if value < 0 else "pos"))
    return ET.tostring(root, encoding="unicode")
