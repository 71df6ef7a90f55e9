"""Explore's decision curves: both models' predictions as one day's value sweeps from 0 to 1.

Public endpoint: /decision_curve (day, base) -> chart.
"""

from __future__ import annotations

import gradio as gr
import pandas as pd

from ...checks import choice, whole_number
from ...data import COMPANIES
from ...diagram import company_label
from ...messages import say
from ..common import CHART, MODEL_NAMES, PALETTE, PRIVATE, PUBLIC, T, browser_language, friendly, titled
from ..state import Visitor
from .common import heading


class Curves:
    @friendly
    def decision_curve(self, day, base, visitor=None, request: gr.Request = None):
        """Both models' predictions as one day's value goes from 0 to 1 (the pretrained weights, or
        on the page the visitor's own where they use them).

        Args:
            day: The day whose value is swept from 0 to 1 (1 to 4).
            base: Whose values the other days keep: "Company A" or "Company B".

        Returns:
            Plot data: value, prediction and series (each model's curve, and each company's own value).
        """
        from ...explore import decision_curve

        day = whole_number(day, "day", 1, 4)
        base = choice(base, "company", tuple(c.name for c in COMPANIES))
        company = next(c for c in COMPANIES if c.name == base)
        pretrained = self.served.pretrained.models
        models = {MODEL_NAMES[k]: Visitor.of(visitor).model(k, pretrained)[0] for k in pretrained}
        rows = [
            {"value": r["value"], "prediction": r["prediction"], "series": r["model"]}
            for r in decision_curve(models, day, company.sequence)
        ]
        for c in COMPANIES:  # where each company's own value of that day lies: a vertical mark
            if c.sequence[: day - 1] + c.sequence[day:] == company.sequence[: day - 1] + company.sequence[day:]:
                x = c.sequence[day - 1]
                rows += [
                    {"value": x, "prediction": -0.05, "series": f"{c.name} (label {c.label:g})"},
                    {"value": x, "prediction": 1.05, "series": f"{c.name} (label {c.label:g})"},
                ]
        return pd.DataFrame(rows)

    def curve_view(self, day, base, visitor, request: gr.Request = None):
        """The page's decision curve, what it says in one sentence, and whose weights drew it."""
        language = browser_language(request)
        badge = "  \n".join(Visitor.of(visitor).badge(kind, language) for kind in ("craft", "builtin"))
        frame = self.decision_curve(day, base, visitor, request)
        note = f"**{self.curve_takeaway(base, visitor, language)}**  \n{badge}"
        return titled(frame, language, "chart.curve", "chart.curve.x", "chart.predictions.y"), note

    def curve_takeaway(self, base, visitor, language: str) -> str:
        """Which day moves the hand-built cell's prediction, and by how much: each day swept from 0
        to 1 with the other days at the company's values."""
        from ...explore import decision_curve

        company = next(c for c in COMPANIES if c.name == base)
        model = Visitor.of(visitor).model("craft", self.served.pretrained.models)[0]
        spans = {}
        for day in range(1, len(company.sequence) + 1):
            values = [r["prediction"] for r in decision_curve({"m": model}, day, company.sequence, points=21)]
            spans[day] = (min(values), max(values))
        day = max(spans, key=lambda d: spans[d][1] - spans[d][0])
        others = max(hi - lo for d, (lo, hi) in spans.items() if d != day)
        return say(
            "curve.takeaway",
            language,
            day=day,
            low=spans[day][0],
            high=spans[day][1],
            others=others,
            company=company_label(base, language),
        )


def build(handlers, visitor: gr.State, tab: gr.Tab) -> None:
    heading("explore.curve")
    with gr.Row():
        day = gr.Radio([1, 2, 3, 4], value=1, label=T("explore.day"), elem_id="curve-day")
        base = gr.Radio([c.name for c in COMPANIES], value="Company B", label=T("explore.base"), elem_id="curve-base")
        button = gr.Button(T("explore.curve.button"), elem_id="curve-button")
    badge = gr.Markdown("  \n".join(Visitor().badge(kind) for kind in ("craft", "builtin")), elem_id="curve-badge")
    plot = gr.LinePlot(
        handlers.decision_curve(1, "Company B"),  # the page opens with a curve drawn
        x="value",
        y="prediction",
        color="series",
        title="Prediction as one day's value changes",
        x_title="the day's value",
        y_title="prediction",
        y_lim=[-0.1, 1.1],
        x_lim=[-0.1, 1.1],  # the companies' marks at 0 and 1 stand inside the frame, not on it
        color_map={
            MODEL_NAMES["builtin"]: PALETTE[0],
            MODEL_NAMES["craft"]: PALETTE[1],
            **{f"{c.name} (label {c.label:g})": colour for c, colour in zip(COMPANIES, (PALETTE[6], PALETTE[5]))},
        },
        elem_id="curve-plot",
        **CHART,
    )
    button.click(
        handlers.decision_curve,
        [day, base],
        [plot],
        api_name="decision_curve",
        preprocess=False,
        api_visibility=PUBLIC,
    )
    # On the page the curve follows its inputs (and the visitor's weights), with no click needed.
    gr.on(
        [day.change, base.change, button.click, tab.select],  # and on opening it: the weights may have changed
        handlers.curve_view,
        [day, base, visitor],
        [plot, badge],
        api_visibility=PRIVATE,
        show_progress="hidden",
        trigger_mode="always_last",
    )
