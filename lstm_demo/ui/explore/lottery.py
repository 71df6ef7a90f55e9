"""Explore's initialization lottery: many random starts of the hand-built cell trained at once.

Public endpoint: /lottery (inits, epochs, learning_rate, device) -> dict.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import closing

import gradio as gr
import pandas as pd

from ...checks import choice, real_number, whole_number
from ...errors import InputError
from ...messages import say
from ...recipes import DEVICES
from ...workers import Job
from ..common import CHART, PALETTE, PRIVATE, PUBLIC, T, device_choices, friendly, page_language, titled
from ..retrain import TICK
from ..state import client_address
from .common import heading


class Lottery:
    # The lottery's two handlers are generators: Gradio hears a cancel (or a closed page) only
    # between two yields, and a plain function would keep the event, and its worker, until the end.
    # /lottery's schema is the dict it ends with (its annotation: Gradio reads the API's type there).
    @friendly
    def lottery(self, inits: int, epochs: int, learning_rate: float, device: str) -> dict:
        """Train many random hand-built cells at once in a worker process; ends with a summary
        holding the converged share (and `stop_reason`: completed, or time_limit with the epochs run).

        Args:
            inits: How many random starts of the hand-built cell (weights N(0, 1), biases 0).
            epochs: Epochs each start trains (full batch, Adam).
            learning_rate: Adam's learning rate, the same for every start.
            device: Where to train: "cpu", "gpu" or "auto" (the GPU when there is one).
        """
        with closing(self._run_lottery(inits, epochs, learning_rate, device)) as steps:  # closed: its worker stops
            for result, reason in steps:
                # None while it runs (a gr.api output cannot be skipped): scripts read the last value.
                yield None if result is None else {**result.summary(), "stop_reason": reason}

    def _run_lottery(self, inits, epochs, learning_rate, device, owner=None) -> Iterator[tuple]:
        """(None, "running") every TICK seconds while the lottery runs, then (LotteryResult, stop reason)."""
        limits = self.served.limits
        inits, epochs, learning_rate, device = self._lottery_args(inits, epochs, learning_rate, device)
        options = dict(inits=inits, epochs=epochs, learning_rate=learning_rate, device=device)
        job = Job("lottery", "lottery", {**options, "max_seconds": limits.max_train_seconds}, limits.max_train_seconds)
        with self.workers.run([job], threading.Event(), owner=owner) as run:
            for _ in run.ticks(TICK):
                yield None, "running"
            result = run.results()["lottery"]
        yield result, "completed" if result.epochs >= epochs else "time_limit"

    def _lottery_args(self, inits, epochs, learning_rate, device) -> tuple:
        limits = self.served.limits
        inits = whole_number(inits, "number of random starts", 1, limits.max_lottery_inits)
        epochs = whole_number(epochs, "number of epochs", 1, limits.max_epochs)
        if inits * epochs > limits.max_lottery_model_steps:
            raise InputError(
                key="lottery.too_many", params={"limit": limits.max_lottery_model_steps, "asked": inits * epochs}
            )
        learning_rate = real_number(learning_rate, "learning rate", limits.min_learning_rate, limits.max_learning_rate)
        return inits, epochs, learning_rate, choice(device, "device", DEVICES)

    @friendly
    def lottery_view(self, inits, epochs, learning_rate, device, request: gr.Request = None):
        """The lottery for the page: summary, histogram of final losses, where seed 42 falls."""
        import numpy as np

        with closing(self._run_lottery(inits, epochs, learning_rate, device, client_address(request))) as steps:
            for result, reason in steps:
                if result is None:
                    yield gr.skip(), gr.skip(), gr.skip()
        losses = np.log10(np.clip(np.array(result.final_losses), 1e-12, 1e3))
        edges = np.arange(-12, 4)
        counts, _ = np.histogram(losses, bins=edges)
        seed_bin = int(np.clip(np.floor(np.log10(max(result.seed_42_loss, 1e-12))), -12, 2))
        # Seed 42 is one start: its own bar segment, the rest of its bin with the other starts.
        bins = [LOSS_BINS[e] for e in edges[:-1]]  # one bar per power of ten, as text
        others = [count - (e == seed_bin) for e, count in zip(edges[:-1], counts)]
        frame = pd.DataFrame(
            {
                "final loss": [*bins, LOSS_BINS[seed_bin]],
                "starts": [*others, 1],
                "series": [OTHER_STARTS] * len(bins) + [SEED_BIN],
            }
        )
        summary = {**result.summary(), "stop_reason": reason}
        language = page_language(request)
        text = say(
            "lottery.done",
            language,
            converged=summary["converged"],
            inits=result.inits,
            share=result.converged_share,
            threshold=summary["threshold"],
            epochs=result.epochs,
            rate=result.learning_rate,
            seed_loss=result.seed_42_loss,
            rank=result.seed_42_rank,
            seconds=result.seconds,
            device=result.device,
            speed=result.model_steps_per_second,
        )
        converged = "lottery.takeaway.in" if result.seed_42_loss < summary["threshold"] else "lottery.takeaway.out"
        text += " " + say(converged, language, share=result.converged_share)
        if reason == "time_limit":
            text += say("lottery.partial", language, limit=self.served.limits.max_train_seconds)
        legend = {SEED_BIN: say("lottery.seed_bin", language), OTHER_STARTS: say("lottery.other", language)}
        colours = {legend[SEED_BIN]: PALETTE[5], legend[OTHER_STARTS]: PALETTE[0]}
        named = frame.assign(series=frame["series"].map(legend))
        chart = titled(
            named, language, "chart.lottery", "chart.lottery.x", "chart.lottery.y", gr.BarPlot, color_map=colours
        )
        yield summary, chart, text


SEED_BIN, OTHER_STARTS = "seed 42", "other starts"  # the histogram's two colours (English names)
LOSS_BINS = {e: f"1e{e}" for e in range(-12, 3)}  # bar e holds final losses from 10^e to 10^(e+1)


def build(handlers, concurrency: dict) -> None:
    heading("explore.lottery")
    gr.Markdown(T("explore.lottery.why"), elem_id="lottery-why")
    with gr.Row():
        inits = gr.Number(1000, label=T("explore.inits"), precision=0, elem_id="lottery-inits")
        epochs = gr.Number(500, label=T("explore.lottery.epochs"), precision=0)
        learning_rate = gr.Number(0.1, label=T("retrain.lr"))
        device = gr.Radio(device_choices(), value="cpu", label=T("retrain.device"), elem_id="lottery-device")
    button = gr.Button(T("explore.lottery.button"), elem_id="lottery-button")
    text = gr.Markdown(elem_id="lottery-text")
    with gr.Row():
        plot = gr.BarPlot(
            x="final loss",
            y="starts",
            color="series",
            title="Final loss of each random start",
            x_title="final summed squared error, by power of ten",
            y_title="random starts",
            color_map={SEED_BIN: PALETTE[5], OTHER_STARTS: PALETTE[0]},
            sort=list(LOSS_BINS.values()),  # the bars in the order of the losses, not of their text
            label=T("explore.lottery.histogram"),
            elem_id="lottery-plot",
            scale=3,
            **CHART,
        )
        with gr.Column(scale=2):
            with gr.Accordion(T("retrain.json"), open=False):
                summary = gr.JSON(label=T("retrain.summary"))
    gr.api(handlers.lottery, api_name="lottery", api_visibility=PUBLIC, **concurrency)
    button.click(
        handlers.lottery_view,
        [inits, epochs, learning_rate, device],
        [summary, plot, text],
        api_visibility=PRIVATE,
        preprocess=False,
        **concurrency,
    )
