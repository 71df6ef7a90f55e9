"""Explore's learning-rate race: one model and seed, two learning rates, trained at once and streamed.

Public endpoint: /race (model, seed, learning_rate_a, learning_rate_b, epochs) -> streams (text, chart).
"""

from __future__ import annotations

import threading

import gradio as gr
import pandas as pd

from ...checks import choice, real_number, whole_number
from ...messages import say
from ...models import MODEL_KINDS
from ...workers import Job
from ..common import CHART, EPOCH_AXIS, MODEL_CHOICES, PRIVATE, PUBLIC, T, downsample, friendly
from ..common import page_language, titled
from ..streams import TICK, TRAINING_POINTS, Throttle
from ..state import client_address
from .common import heading


class Race:
    @friendly
    def race(self, model, seed, learning_rate_a, learning_rate_b, epochs, request: gr.Request = None):
        """Two trainings of one model and seed with two learning rates (the seed's recipe), live, in
        two worker processes (a race counts twice against the training limit).

        Args:
            model: "builtin" (torch.nn.LSTM) or "craft" (the hand-built cell).
            seed: Seed of the initial weights both runs share.
            learning_rate_a: The first run's learning rate (Adam's step size).
            learning_rate_b: The second run's learning rate (Adam's step size).
            epochs: Epochs each run trains (StatQuest's recipe: batch of one, Adam).
        """
        limits = self.served.limits
        kind = choice(model, "model", MODEL_KINDS)
        seed = whole_number(seed, "seed", 0, limits.max_seed)
        rates = [
            real_number(r, "learning rate", limits.min_learning_rate, limits.max_learning_rate)
            for r in (learning_rate_a, learning_rate_b)
        ]
        epochs = whole_number(epochs, "number of epochs", 1, limits.max_epochs)
        rates = list(dict.fromkeys(rates))  # the same rate twice is one training
        stop = threading.Event()  # set when the stream is closed (a cancel, a closed page)
        options = dict(kind=kind, recipe="statquest", epochs=epochs, seed=seed, limits=limits)
        jobs = [Job(f"race-{r}", "train", {**options, "learning_rate": r}, limits.max_train_seconds) for r in rates]
        throttle = Throttle(charts=1)  # as Retrain streams: the text every second, the chart every two
        language = page_language(request)
        with self.workers.run(jobs, stop, owner=client_address(request)) as run:
            history = {rate: run.history[job.name] for rate, job in zip(rates, jobs)}
            for _ in run.ticks(TICK):
                if not throttle.text():
                    continue
                if run.waiting:
                    yield say("race.waiting", language), gr.skip()
                else:
                    chart = self._race_chart(history) if throttle.chart() is not None else gr.skip()
                    yield self._race_text(history, language), chart
            run.results()
        end = "。" if language == "zh" else ". "  # the runs' sentence ends before the takeaway's
        final = self._race_text(history, language, final=True) + end + takeaway(history, epochs, language)
        yield final, self._race_chart(history)

    @staticmethod
    def _race_text(history: dict, language: str = "en", final: bool = False) -> str:
        parts = [
            say("race.run", language, rate=rate, epoch=r.epoch, loss=r.loss, a=r.company_a, b=r.company_b)
            for rate, records in history.items()
            if records
            for r in records[-1:]
        ]
        separator = "；" if language == "zh" else "; "
        return (say("race.finished", language) if final else "") + separator.join(parts)

    @staticmethod
    def _race_chart(history: dict) -> pd.DataFrame:
        """One line per learning rate, each thinned to TRAINING_POINTS."""
        rows = [(r.epoch, r.loss, f"learning rate {rate:g}") for rate, records in history.items() for r in records]
        frame = pd.DataFrame(rows, columns=["epoch", "loss", "series"])
        if len(frame):
            frame = pd.concat([downsample(g, TRAINING_POINTS) for _, g in frame.groupby("series")])
        return frame


def build(handlers, concurrency: dict) -> None:
    heading("explore.race")
    with gr.Row():
        model = gr.Radio(MODEL_CHOICES, value="craft", label=T("model"))
        seed = gr.Number(42, label=T("retrain.seed"), precision=0)
        rate_a = gr.Number(0.001, label=T("explore.race.rate_a"))
        rate_b = gr.Number(0.1, label=T("explore.race.rate_b"))
        epochs = gr.Number(500, label=T("explore.race.epochs"), precision=0, elem_id="race-epochs")
    button = gr.Button(T("explore.race.button"), elem_id="race-button")
    text = gr.Markdown(elem_id="race-text")
    plot = gr.LinePlot(
        x="epoch",
        y="loss",
        color="series",
        title="Loss per epoch, two learning rates",
        x_title="epoch",
        y_title="mean squared error",
        elem_id="race-plot",
        **CHART,
        **EPOCH_AXIS,
    )

    def race_on_page(model_, seed_, rate_a_, rate_b_, epochs_, request: gr.Request):
        """The page's race: /race's stream with the chart as an update titled in the page's language."""
        language = page_language(request)
        for message, chart in handlers.race(model_, seed_, rate_a_, rate_b_, epochs_, request):
            update = {text: message}
            if isinstance(chart, pd.DataFrame):
                update[plot] = titled(chart, language, "chart.race", "chart.epoch", "chart.loss.y")
            yield update

    # Two events, one race (as for /train): the button's updates the page; /race, for scripts, sends
    # the chart's data.
    shared = dict(inputs=[model, seed, rate_a, rate_b, epochs], outputs=[text, plot], preprocess=False, **concurrency)
    button.click(race_on_page, api_name="race_on_page", api_visibility=PRIVATE, **shared)
    scripted = gr.Button(visible=False, elem_id="race-for-scripts")
    scripted.click(handlers.race, api_name="race", api_visibility=PUBLIC, show_progress="hidden", **shared)


REACHED = 0.05  # both predictions this close to their labels: the run has "reached the labels"


def reached(records) -> int | None:
    """The first epoch at which both predictions were within REACHED of their labels, or None."""
    return next((r.epoch for r in records if r.company_a <= REACHED and r.company_b >= 1 - REACHED), None)


def takeaway(history: dict, epochs: int, language: str) -> str:
    """The race in one sentence, from its records: which learning rate reached the labels, and how
    many epochs sooner."""
    when = {rate: reached(records) for rate, records in history.items()}
    done = sorted((epoch, rate) for rate, epoch in when.items() if epoch is not None)
    if not done:
        return say("race.takeaway.none", language, epochs=epochs, tolerance=REACHED)
    (first, fast), rest = done[0], [rate for rate in history if rate != done[0][1]]
    if not rest:
        return say("race.takeaway.one", language, rate=fast, epoch=first, tolerance=REACHED)
    slow = rest[0]
    if when[slow] is None:
        return say("race.takeaway.only", language, fast=fast, epoch=first, slow=slow, epochs=epochs, tolerance=REACHED)
    return say(
        "race.takeaway.both", language, fast=fast, epoch=first, slow=slow, later=when[slow], sooner=when[slow] - first,
        tolerance=REACHED,
    )  # fmt: skip
