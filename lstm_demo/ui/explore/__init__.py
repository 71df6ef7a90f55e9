"""The Explore tab: the weight playground, decision curves, training time-travel, the learning-rate
race and the initialization lottery, one module each.

Public endpoints: /decision_curve (curves.py), /race (race.py), /lottery (lottery.py).

The page groups the five parts in sub-tabs (PARTS; time-travel points to Retrain's replay), so a visitor sees at once what is there; a
link opens one of them with `?tab=explore&part=race` (static/page.js, at page load).
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from ...workers import WorkerPool, shared_pool
from ..common import Served, T
from . import curves, lottery, playground, race, travel
from .curves import Curves
from .lottery import Lottery
from .playground import Playground
from .race import Race

PARTS = ("playground", "curves", "travel", "race", "lottery")  # the sub-tabs, by the name a link uses


@dataclass
class Explore(Playground, Curves, Race, Lottery):
    """Every part's handlers, on the served models and the trainings' worker pool."""

    served: Served
    pool: WorkerPool | None = None  # None: the server's shared pool (workers.shared_pool)

    @property
    def workers(self) -> WorkerPool:
        return self.pool or shared_pool(self.served.limits.max_concurrent_trainings)


@dataclass
class ExploreTab:
    """The Explore tab's components that other tabs' events read or write."""

    handlers: Explore
    playground: gr.HTML  # the playground's drawing
    travel: gr.Button  # opens Retrain, whose drawing replays a training
    parts: gr.Tabs


def build_explore_tab(served: Served, visitor: gr.State) -> ExploreTab:
    handlers = Explore(served)
    # The race and the lottery share the trainings' concurrency limit (one id: "training").
    concurrency = dict(concurrency_limit=served.limits.max_concurrent_trainings, concurrency_id="training")
    with gr.Tabs(selected="playground", elem_id="explore-parts", overflow_behavior="wrap") as parts:
        with gr.Tab(T("explore.part.playground"), id="playground", elem_id="explore-playground"):
            drawing = playground.build(handlers)
        with gr.Tab(T("explore.part.curves"), id="curves", elem_id="explore-curves") as tab:
            curves.build(handlers, visitor, tab)
        with gr.Tab(T("explore.part.travel"), id="travel", elem_id="explore-travel"):
            to_retrain = travel.build()
        with gr.Tab(T("explore.part.race"), id="race", elem_id="explore-race"):
            race.build(handlers, concurrency)
        with gr.Tab(T("explore.part.lottery"), id="lottery", elem_id="explore-lottery"):
            lottery.build(handlers, concurrency)
    return ExploreTab(handlers, drawing, to_retrain, parts)
