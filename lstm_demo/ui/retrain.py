"""The Retrain tab: train either model with Lightning while the page streams the loss and predictions.

Public endpoint: /train (model, recipe, epochs, learning_rate, seed, device) -> streams (progress,
loss chart, predictions chart, summary, .safetensors file); the last output holds the summary.
Stop sets this session's stop signal (StopSignals): the training ends within one step and the
stream reports the partial result. A script's job.cancel() closes the stream, which does the same.

What the page shows beside /train's outputs (page-only events, so /train's outputs stay as they
are): what each recipe is for, the summary as a readable table, and a badge naming the weights
in use. The stream is light for the browser: a text update at most every TEXT_EVERY seconds,
the charts at most every CHART_REDRAW seconds with at most TRAINING_POINTS points a line (a long
statquest run once blocked the page's main thread for tens of seconds, redrawing 1,000-point
charts five times a second).
"""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass

import gradio as gr
import pandas as pd

from ..checks import choice
from ..models import MODEL_KINDS
from ..recipes import DEVICES, OPTIMIZERS, RECIPE_NAMES, RECIPES, check_options, resolve_device
from ..messages import say
from .common import CHART, MODEL_CHOICES, PALETTE, PRIVATE, PUBLIC, Served, T, device_choices
from .common import EPOCH_AXIS, Every, downsample, friendly, log, page_language, page_stream
from .common import session_of, titled
from ..workers import Job, Trained, WorkerPool, shared_pool
from .state import TimeTravel, Visitor, client_address, remove_expired, write_trained
from ..messages import words as catalogue

# Each streamed message costs the page more than its own outputs: Gradio's page (6.31) refreshes
# the loading status of every component any event has written to, copying their properties (a
# drawn cell's, a whole tab's), at every message. Measured in Chromium on a busy 2-core machine
# (statquest, built-in model): with a message every 0.5 s plus a gr.Progress message as often,
# the main thread was blocked for 1-2 s at a time. So: no gr.Progress (the text says it all), the
# text at most once a second, the charts at most every two seconds.
TEXT_EVERY = 1.0  # seconds between streamed updates of the progress text
CHART_REDRAW = 2.0  # seconds between redraws of the two training charts while a training streams
TRAINING_POINTS = 150  # points per line in a training chart (the first and the last are kept)
TICK = 0.25  # seconds between looks at a running training's records (what is sent is throttled above)


RECIPE_CHOICES = tuple(sorted(RECIPE_NAMES))  # fast (the default) first, on the page and in errors
PREDICTION_SERIES = ["Out 0 (Company A)", "Out 1 (Company B)"]  # the seed's names for the two outputs
SERIES_COLOURS = {"loss": PALETTE[5], **dict(zip(PREDICTION_SERIES, PALETTE))}  # the training charts' lines


@dataclass
class Retrain:
    served: Served
    pool: WorkerPool | None = None  # None: the server's shared pool (workers.shared_pool)

    def check_training(self, model, recipe, epochs, learning_rate, seed, device) -> tuple:
        """Every training input checked; returns them typed."""
        epochs, learning_rate, seed = check_options(epochs, learning_rate, seed, None, self.served.limits)
        return (
            choice(model, "model", MODEL_KINDS),
            choice(recipe, "recipe", RECIPE_CHOICES),
            epochs,
            learning_rate,
            seed,
            choice(device, "device", DEVICES),
        )

    @friendly
    def train(
        self,
        model,
        recipe,
        epochs,
        learning_rate,
        seed,
        device,
        visitor: Visitor | None = None,
        request: gr.Request = None,
        progress=gr.Progress(),  # kept in the signature (Gradio reads it); the text carries the progress
    ):
        """Train with Lightning in a worker process, streaming (progress, loss chart, predictions
        chart, summary, file, visitor).

        Args:
            model: "builtin" (torch.nn.LSTM) or "craft" (the hand-built cell).
            recipe: "fast" (full batch, Rprop, stops once converged) or "statquest" (StatQuest's
                recipe: batch of one, Adam, to reproduce the video).
            epochs: Epochs to train (for fast, the most).
            learning_rate: The optimizer's learning rate (StatQuest's recipe uses 0.001).
            seed: Seed of the initial weights (the same seed gives the same start).
            device: Where to train: "cpu", "gpu" or "auto" (the GPU when there is one).
        """
        from ..explore import snapshot_every

        limits = self.served.limits
        kind, recipe, epochs, learning_rate, seed, device = self.check_training(
            model, recipe, epochs, learning_rate, seed, device
        )
        resolve_device(device)  # refuse a missing GPU before taking a worker
        visitor = Visitor.of(visitor)
        remove_expired(limits.trained_file_ttl_seconds)
        session = session_of(request)
        stop = self.served.stops.start(session)
        options = dict(
            kind=kind, recipe=recipe, epochs=epochs, learning_rate=learning_rate, seed=seed, device=device,
            limits=limits, snapshot_every=snapshot_every(epochs, limits.max_snapshots),
        )  # fmt: skip
        job = Job(f"train-{kind}", "train", options, limits.max_train_seconds)
        language = page_language(request)
        words = catalogue(language)
        update, redraw = Every(TEXT_EVERY), Every(CHART_REDRAW / 2)
        shown = redrawn = 0  # records already reported (a tick with nothing new sends nothing); redraws
        try:
            with self.workers.run([job], stop, owner=client_address(request)) as run:
                history = run.history[job.name]
                for _ in run.ticks(TICK):
                    if run.waiting and update.due():
                        yield words["retrain.waiting"], gr.skip(), gr.skip(), gr.skip(), gr.skip(), visitor
                    if len(history) > shown and update.due():
                        shown, last = len(history), history[-1]
                        text = self.progress_text(last, epochs, recipe, words)
                        charts = [gr.skip(), gr.skip()]
                        if redraw.due():  # one chart a message, in turn: each redraw is its own, shorter task
                            charts[redrawn % 2] = self.training_charts(history)[redrawn % 2]
                            redrawn += 1
                        yield text, *charts, gr.skip(), gr.skip(), gr.skip()
                trained = run.results()[job.name]
        finally:
            self.served.stops.finish(session, stop)
        yield self._finished(kind, trained, visitor, language)

    @property
    def workers(self):
        """The pool the trainings run in: this handler's own, or the server's (made on first use)."""
        return self.pool or shared_pool(self.served.limits.max_concurrent_trainings)

    @staticmethod
    def progress_text(last, epochs: int, recipe: str, words: dict) -> str:
        """Where a training is: the epoch, loss and predictions, epochs per second and the time left."""
        rate = last.epoch / last.seconds if last.seconds > 0 else 0.0
        left = (epochs - last.epoch) / rate if rate else None
        text = words["retrain.running"].format(
            epoch=last.epoch,
            epochs=epochs,
            loss=last.loss,
            a=last.company_a,
            b=last.company_b,
            rate=rate,
        )
        if left is not None:
            key = "retrain.left.most" if recipe == "fast" else "retrain.left"
            text += words[key].format(seconds=left)
        return text

    def _finished(self, kind: str, trained: Trained, visitor: Visitor, language: str) -> tuple:
        """The last message of a training: what happened, the charts, the summary and the file."""
        words = catalogue(language)
        result = trained.result
        summary = result.summary()
        before, after = result.predictions_before, result.predictions
        text = words["retrain.done"].format(
            how=words[f"retrain.end.{result.stop_reason}"].format(limit=self.served.limits.max_train_seconds),
            epochs=result.epochs,
            seconds=result.seconds,
            device=result.device,
            loss=result.loss,
            a0=before["company_a"],
            a1=after["company_a"],
            b0=before["company_b"],
            b1=after["company_b"],
        )
        path = None
        if result.stop_reason != "diverged":  # a diverged model is not offered; earlier weights stay
            try:
                path = str(write_trained(result.model, summary))
            except OSError as exc:
                log.warning("could not write trained weights: %s", exc)
                text += " " + words["retrain.unwritten"]
            visitor.keep(
                kind, result.model.cpu().eval(), "trained", recipe=result.recipe.name, seed=result.recipe.seed,
                epochs=result.epochs,
            )  # fmt: skip
            visitor.snapshots = TimeTravel(kind, trained.snapshots)
        return text, *self.training_charts(result.history), summary, path, visitor

    @staticmethod
    def page_updates(outputs: tuple, language: str) -> tuple:
        """One of /train's messages as the page takes it: the charts' frames and the summary as
        component updates (the charts titled in the page's language).

        Scripts get bare values (the charts' data, the summary's dict). The page gets updates:
        Gradio's deep link saves a value under the component it last updated, and a bare value
        after the stream's gr.skip() lands under an id the page does not know (a shared summary
        came back empty). The file stays a bare path (as an update, a link recipient's box stays
        on "Uploading...").
        """
        text, loss, predictions, summary, path, visitor = outputs
        loss, predictions = Retrain.chart_updates(loss, predictions, language)
        if isinstance(summary, dict):
            summary = gr.JSON(value=summary)
        return text, loss, predictions, summary, path, visitor

    @staticmethod
    def chart_updates(loss, predictions, language: str) -> tuple:
        """training_charts' frames as updates that also carry the titles and the series' names (the
        legends) in the page's language; the colours stay those of the English names. Anything else
        (a gr.skip() for a chart not redrawn in this message) passes as it is."""
        names = dict(zip(["loss", *PREDICTION_SERIES], ["series.loss", "series.out0", "series.out1"]))
        names = {english: say(key, language) for english, key in names.items()}
        colours = {names[english]: colour for english, colour in SERIES_COLOURS.items()}
        titles = {"loss": ("chart.loss", "chart.loss.y"), "predictions": ("chart.predictions", "chart.predictions.y")}
        updates = []
        for frame, (title, y_title) in zip((loss, predictions), titles.values()):
            if isinstance(frame, pd.DataFrame):
                frame = frame.assign(series=frame["series"].map(names))
                frame = titled(frame, language, title, "chart.epoch", y_title, color_map=colours)
            updates.append(frame)
        return tuple(updates)

    @staticmethod
    def training_charts(history: list) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The loss and the two predictions per epoch, thinned to TRAINING_POINTS a line (data
        frames: /train's outputs are the charts' data, which scripts read)."""
        frame = pd.DataFrame(
            [(r.epoch, r.loss, r.company_a, r.company_b) for r in history],
            columns=["epoch", "loss", *PREDICTION_SERIES],
        )
        frame = downsample(frame, TRAINING_POINTS)
        loss = frame[["epoch", "loss"]].assign(series="loss")
        predictions = frame.melt(
            id_vars="epoch", value_vars=PREDICTION_SERIES, var_name="series", value_name="prediction"
        )
        return loss, predictions

    def stop(self, request: gr.Request) -> None:
        """The Stop button: set this session's stop signal (nothing happens when nothing runs)."""
        self.served.stops.stop(session_of(request))

    def use_own(self, enabled: bool, visitor: Visitor | None):
        visitor = Visitor.of(visitor)
        visitor.use_own = bool(enabled)
        return visitor

    def badge(self, enabled: bool, model: str, visitor: Visitor | None, request: gr.Request = None) -> str:
        """Which weights Predict and Inside show for the chosen model (the box's value, which its
        own event is putting into the visitor at the same time)."""
        visitor = Visitor.of(visitor)
        mine = Visitor(visitor.own, visitor.own_source, bool(enabled), None, visitor.own_detail)
        return mine.badge(model if model in MODEL_KINDS else "craft", page_language(request))

    def summary_table(self, summary, request: gr.Request = None) -> str:
        """The training's summary as a readable table (4 significant digits, plain words)."""
        if not isinstance(summary, dict) or "loss" not in summary:
            return ""
        chinese = page_language(request) == "zh"
        words = catalogue("zh" if chinese else "en")
        text = "recipe_text_zh" if chinese else "recipe_text"  # the recipe in the page's language
        colon, opening, closing = ("：", "（", "）") if chinese else (": ", " (", ")")  # full-width in Chinese
        optimizer = summary.get("optimizer", "")
        before, after = summary.get("predictions_before", {}), summary.get("predictions", {})
        seconds = summary.get("seconds") or 0.0
        rows = [
            ("model", words[f"model.{summary['model']}"]),
            ("recipe", f"{summary['recipe']}{colon}{summary.get(text, summary.get('recipe_text', ''))}"),
            ("epochs", f"{summary['epochs']:,}"),
            ("lr", f"{summary['learning_rate']:.4g}{opening}{OPTIMIZERS.get(optimizer, optimizer)}{closing}"),
            ("seed", str(summary["seed"])),
            ("loss", f"{summary['loss']:.4g}"),
            ("a", f"{before.get('company_a', float('nan')):.4g} → {after.get('company_a', float('nan')):.4g}"),
            ("b", f"{before.get('company_b', float('nan')):.4g} → {after.get('company_b', float('nan')):.4g}"),
            ("time", words["retrain.table.time.value"].format(
                seconds=seconds, rate=summary["epochs"] / seconds if seconds else 0.0, device=summary["device"]
            )),
            ("end", words[f"retrain.end.{summary['stop_reason']}"].format(limit=self.served.limits.max_train_seconds)),
        ]  # fmt: skip
        lines = [f"| {words['retrain.table.what']} | {words['retrain.table.value']} |", "|---|---|"]
        lines += [f"| {words['retrain.table.' + key]} | {value} |" for key, value in rows]
        return "\n".join(lines)

    @staticmethod
    def recipe_defaults(recipe: str, model: str):
        """The recipe's own epochs and learning rate, for the inputs, and what the recipe is for."""
        chosen = RECIPES.get(recipe, RECIPES["fast"]).get(model, RECIPES["fast"]["craft"])
        about = T(f"retrain.about.{chosen.name}")
        return gr.Number(value=chosen.epochs), gr.Number(value=chosen.learning_rate), gr.Markdown(about)


@dataclass
class RetrainTab:
    """The Retrain tab's components that other tabs' events read or write."""

    handlers: Retrain
    model: gr.Radio
    use_own: gr.Checkbox
    training: gr.events.Dependency  # the Train click: other tabs follow its success
    badge: gr.Markdown  # which weights are in use (layout.py refreshes it after an upload)


def build_retrain_tab(served: Served, visitor: gr.State) -> RetrainTab:
    handlers = Retrain(served)
    limits = served.limits
    with gr.Row():
        model = gr.Radio(MODEL_CHOICES, value="craft", label=T("model"), elem_id="retrain-model")
        recipe = gr.Radio(list(RECIPE_CHOICES), value="fast", label=T("retrain.recipe"), elem_id="retrain-recipe")
        device = gr.Radio(device_choices(), value="cpu", label=T("retrain.device"), info=T("retrain.device.info"))
    about = gr.Markdown(T("retrain.about.fast"), elem_id="retrain-recipe-about")
    with gr.Row():
        epochs = gr.Number(
            RECIPES["fast"]["craft"].epochs,
            label=T("retrain.epochs"),
            precision=0,
            minimum=1,
            maximum=limits.max_epochs,
            elem_id="retrain-epochs",
        )
        learning_rate = gr.Number(
            RECIPES["fast"]["craft"].learning_rate,
            label=T("retrain.lr"),
            minimum=limits.min_learning_rate,
            maximum=limits.max_learning_rate,
            elem_id="retrain-lr",
        )
        seed = gr.Number(42, label=T("retrain.seed"), precision=0, minimum=0, maximum=limits.max_seed)
    with gr.Row():
        train_button = gr.Button(T("retrain.train"), variant="primary", elem_id="train-button")
        stop_button = gr.Button(T("retrain.stop"), variant="stop", elem_id="stop-button")
    progress = gr.Markdown(elem_id="train-progress")
    with gr.Row():
        loss_plot = gr.LinePlot(
            x="epoch",
            y="loss",
            color="series",
            title="Loss per epoch",
            x_title="epoch",
            y_title="mean squared error",
            color_map={"loss": SERIES_COLOURS["loss"]},
            label=T("retrain.loss"),
            elem_id="loss-plot",
            **CHART,
            **EPOCH_AXIS,
        )
        predictions_plot = gr.LinePlot(
            x="epoch",
            y="prediction",
            color="series",
            title="Predictions per epoch",
            x_title="epoch",
            y_title="prediction",
            y_lim=[-0.1, 1.1],
            color_map={name: SERIES_COLOURS[name] for name in PREDICTION_SERIES},
            label=T("retrain.predictions"),
            elem_id="predictions-plot",
            **CHART,
            **EPOCH_AXIS,
        )
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            table = gr.Markdown(elem_id="train-table")
            with gr.Row():
                use_own = gr.Checkbox(False, label=T("retrain.use"), elem_id="use-own", scale=1)
                badge = gr.Markdown(Visitor().badge("craft"), elem_id="retrain-badge")
        with gr.Column(scale=2):
            weights_file = gr.File(label=T("retrain.file"), interactive=False)
            with gr.Accordion(T("retrain.json"), open=False):
                summary = gr.JSON(label=T("retrain.summary"), elem_id="train-summary")

    gr.on(
        [recipe.change, model.change],
        handlers.recipe_defaults,
        [recipe, model],
        [epochs, learning_rate, about],
        api_visibility=PRIVATE,
    )
    train = handlers.train
    if os.environ.get("SPACES_ZERO_GPU"):  # on ZeroGPU a GPU is lent per call of a decorated function
        import spaces

        train = spaces.GPU(train)
        # Its wrapper of a bound method would show Gradio the unbound function (with `self`) as the
        # endpoint's parameters; scripts must see the same /train either way.
        train.__signature__ = inspect.signature(handlers.train)
    inputs = [model, recipe, epochs, learning_rate, seed, device, visitor]
    outputs = [progress, loss_plot, predictions_plot, summary, weights_file, visitor]
    shared = dict(
        inputs=inputs, outputs=outputs, preprocess=False, concurrency_limit=limits.max_concurrent_trainings,
        concurrency_id="training",
    )  # fmt: skip
    # Two events, one training: the button's (page-only) sends the charts and the summary as
    # component updates (Retrain.page_updates); /train, for scripts, sends their bare values
    # (the charts' data and the summary's dict). Both share the training slots.
    training = train_button.click(
        page_stream(train, Retrain.page_updates),
        api_name="train_on_page",
        api_visibility=PRIVATE,
        show_progress="minimal",
        **shared,
    )
    scripted = gr.Button(visible=False, elem_id="train-for-scripts")
    scripted.click(train, api_name="train", api_visibility=PUBLIC, show_progress="hidden", **shared)
    # Page-only: the readable table from the summary (so /train's outputs stay as scripts know them).
    training.then(handlers.summary_table, [summary], [table], api_visibility=PRIVATE, show_progress="hidden")
    # "Use my weights" is the visitor's switch alone: nothing turns it off. A training that ends
    # while it is on shows its weights at once (the badge here; Predict and Inside in layout.py).
    # Train used to turn it off, but on a busy machine the page applied that seconds late, after a
    # visitor had turned it on again, and the switch and the weights shown disagreed.
    badge_event = dict(
        fn=handlers.badge, inputs=[use_own, model, visitor], outputs=[badge], api_visibility=PRIVATE,
        show_progress="hidden",
    )  # fmt: skip
    gr.on([use_own.change, model.change], **badge_event)
    training.then(**badge_event)
    # Outside the queue, so that Stop is heard while the queue is busy; it only sets an Event.
    # Gradio hands a queue=False event the same session hash as the page's queued events.
    stop_button.click(handlers.stop, None, None, api_visibility=PRIVATE, queue=False)
    return RetrainTab(handlers, model, use_own, training, badge)
