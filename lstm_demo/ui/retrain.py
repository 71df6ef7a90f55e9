"""The Retrain tab: train either model with Lightning and watch it learn.

Public endpoint: /train (model, recipe, epochs, learning_rate, seed, device) -> streams (progress,
loss chart, predictions chart, summary, .safetensors file); the last output holds the summary.
Stop sets the stop signal of this session's trainings: each ends within one epoch and the stream
reports the partial result. A script's job.cancel() closes the stream, which does the same.

The page's own event streams more than /train's outputs: the drawn cell (Company A beside Company B,
cell.py), redrawn in the browser from the weights each message carries, so that the visitor sees the
gates and memories move and the two predictions split apart while the loss falls; after a training,
its replay (Play and a scrub bar over the kept snapshots, in the browser) and a button that opens a
snapshot's weights in Inside. A refused training says its sentence on a line and leaves the last
result as it was. The stream's rates are streams.py's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import gradio as gr

from ..checks import choice, whole_number
from ..data import COMPANIES
from ..errors import InputError
from ..messages import words as catalogue
from ..models import MODEL_KINDS, craft_parameters, model_from_flat
from ..recipes import DEVICES, RECIPE_NAMES, RECIPES, check_options, resolve_device
from ..workers import Job, Trained, WorkerPool, shared_pool
from .cell import Picture, empty_component
from .common import CHART, EPOCH_AXIS, MODEL_CHOICES, PRIVATE, PUBLIC, Served, T, device_choices, event_value
from .common import friendly, log, page_language, sentence_of, session_of
from .retrain_charts import PREDICTION_SERIES, SERIES_COLOURS, chart_update, summary_table, training_charts
from .state import TimeTravel, Visitor, client_address, remove_expired, write_trained
from .streams import TICK, Throttle

RECIPE_CHOICES = tuple(sorted(RECIPE_NAMES))  # fast (the default) first, on the page and in errors


@dataclass
class Message:
    """One message of a training's stream: what /train sends scripts, and what the page shows."""

    text: str
    charts: dict  # which chart (0: loss, 1: predictions) -> its data frame, for the charts redrawn now
    weights: list[float] | None = None  # the model's weights now (the live drawing), flat
    summary: dict | None = None  # the last message's
    path: str | None = None
    done: bool = False


@dataclass
class Retrain:
    served: Served
    pool: WorkerPool | None = None  # None: the server's shared pool (workers.shared_pool)

    @property
    def workers(self) -> WorkerPool:
        return self.pool or shared_pool(self.served.limits.max_concurrent_trainings)

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

    def stream(
        self, model, recipe, epochs, learning_rate, seed, device, visitor: Visitor, request
    ) -> Iterator[Message]:
        """The training in a worker process, as Messages: its progress as it runs, then what happened.
        The visitor keeps the trained weights and the snapshots (for Inside, the replay and links)."""
        from ..explore import snapshot_every

        limits = self.served.limits
        kind, recipe, epochs, learning_rate, seed, device = self.check_training(
            model, recipe, epochs, learning_rate, seed, device
        )
        resolve_device(device)  # refuse a missing GPU before taking a worker
        remove_expired(limits.trained_file_ttl_seconds)
        session = session_of(request)
        stop = self.served.stops.start(session)
        options = dict(
            kind=kind, recipe=recipe, epochs=epochs, learning_rate=learning_rate, seed=seed, device=device,
            limits=limits, snapshot_every=snapshot_every(epochs, limits.max_snapshots),
        )  # fmt: skip
        job = Job(f"train-{kind}", "train", options, limits.max_train_seconds)
        words = catalogue(page_language(request))
        throttle, shown = Throttle(charts=2), 0  # records already reported: a tick with nothing new sends nothing
        try:
            with self.workers.run([job], stop, owner=client_address(request)) as run:
                history = run.history[job.name]
                for _ in run.ticks(TICK):
                    if run.waiting and throttle.text():
                        yield Message(words["retrain.waiting"], {})
                    elif len(history) > shown and throttle.text():
                        shown = len(history)
                        which = throttle.chart()
                        charts = {} if which is None else {which: training_charts(history)[which]}
                        text = progress_text(history[-1], epochs, recipe, words)
                        yield Message(text, charts, run.weights.get(job.name))
                trained = run.results()[job.name]
        finally:
            self.served.stops.finish(session, stop)
        yield self._finished(kind, trained, visitor, words)

    def _finished(self, kind: str, trained: Trained, visitor: Visitor, words: dict) -> Message:
        """The last message of a training: what happened, the charts, the summary and the file."""
        result = trained.result
        summary = result.summary()
        before, after = result.predictions_before, result.predictions
        text = words["retrain.done"].format(
            how=words[f"retrain.end.{result.stop_reason}"].format(limit=self.served.limits.max_train_seconds),
            epochs=result.epochs, seconds=result.seconds, device=result.device, loss=result.loss,
            a0=before["company_a"], a1=after["company_a"], b0=before["company_b"], b1=after["company_b"],
        )  # fmt: skip
        path = None
        if result.stop_reason != "diverged":  # a diverged model is not offered; earlier weights stay
            try:
                path = str(write_trained(result.model, summary))
            except OSError as exc:
                log.warning("could not write trained weights: %s", exc)
                text += " " + words["retrain.unwritten"]
            detail = dict(recipe=result.recipe.name, seed=result.recipe.seed, epochs=result.epochs)
            visitor.keep(kind, result.model.cpu().eval(), "trained", **detail)
            visitor.snapshots = TimeTravel(kind, trained.snapshots)
        charts = dict(enumerate(training_charts(result.history)))
        return Message(text, charts, trained.weights, summary, path, done=True)

    @friendly
    def train(
        self, model, recipe, epochs, learning_rate, seed, device, visitor: Visitor | None = None,
        request: gr.Request = None, progress=gr.Progress(),  # Gradio reads gr.Progress; the text carries it
    ):  # fmt: skip
        """Train with Lightning in a worker process, streaming (progress, loss chart, predictions
        chart, summary, file, visitor).

        Args:
            model: "builtin" (torch.nn.LSTM) or "craft" (the hand-built cell).
            recipe: "fast" (both companies a step, Rprop, stops once converged) or "statquest"
                (StatQuest's own: one company a step, Adam, to reproduce the video).
            epochs: Epochs to train (for fast, the most).
            learning_rate: The optimizer's learning rate (StatQuest's recipe uses 0.001).
            seed: Seed of the initial weights (the same seed gives the same start).
            device: Where to train: "cpu", "gpu" or "auto" (the GPU when there is one).
        """
        visitor = Visitor.of(visitor)
        for m in self.stream(model, recipe, epochs, learning_rate, seed, device, visitor, request):
            charts = [m.charts.get(k, gr.skip()) for k in (0, 1)]
            last = (m.summary, m.path, visitor) if m.done else (gr.skip(), gr.skip(), gr.skip())
            yield m.text, *charts, *last

    def stop(self, request: gr.Request) -> None:
        """The Stop button: set the stop signal of this session's trainings (nothing when none runs)."""
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
        return summary_table(summary, page_language(request), self.served.limits.max_train_seconds)

    @staticmethod
    def recipe_defaults(recipe: str, model: str):
        """The recipe's own epochs and learning rate, for the inputs (the label saying what the epochs
        mean for it), and what the recipe is for."""
        chosen = RECIPES.get(recipe, RECIPES["fast"]).get(model, RECIPES["fast"]["craft"])
        label = T("retrain.epochs.most" if chosen.tolerance is not None else "retrain.epochs")
        about = T(f"retrain.about.{chosen.name}")
        return gr.Number(value=chosen.epochs, label=label), gr.Number(value=chosen.learning_rate), gr.Markdown(about)

    def picture(self, language: str) -> Picture:
        """Retrain's drawing before a training: the pretrained hand-built cell on both companies."""
        companies = {c.name: list(c.sequence) for c in COMPANIES}
        extra = {"snapshots": [], "replay": True, "live": False}
        return Picture(self.served.pretrained.models["craft"], companies, 4, language, extra=extra)

    @friendly
    def open_in_inside(self, visitor, event: gr.EventData, request: gr.Request = None):
        """The replay's "open in Inside": that snapshot's weights become the visitor's own, and Inside
        opens on them. Returns the visitor, the tabs, Inside's model and "use my weights"."""
        visitor = Visitor.of(visitor)
        if not visitor.snapshots:
            raise InputError(key="travel.none")
        epoch = whole_number(event_value(event, "epoch"), "epoch", 0, visitor.snapshots.last_epoch)
        trained, model = visitor.snapshots.nearest(epoch)
        visitor.keep(visitor.snapshots.kind, model, f"epoch {trained}")
        visitor.use_own = True
        return visitor, gr.Tabs(selected="inside"), visitor.snapshots.kind, True


def progress_text(last, epochs: int, recipe: str, words: dict) -> str:
    """Where a training is: the epoch, loss and predictions, epochs per second and the time left."""
    rate = last.epoch / last.seconds if last.seconds > 0 else 0.0
    left = (epochs - last.epoch) / rate if rate else None
    text = words["retrain.running"].format(
        epoch=last.epoch, epochs=epochs, loss=last.loss, a=last.company_a, b=last.company_b, rate=rate
    )
    if left is not None:
        text += words["retrain.left.most" if recipe == "fast" else "retrain.left"].format(seconds=left)
    return text


def named_weights(kind: str, flat: list[float]) -> dict[str, float]:
    """A model's flat weights (12 or 16) as the drawing's 12 named ones (nn.LSTM's biases summed)."""
    return craft_parameters(model_from_flat(kind, flat))


@dataclass
class RetrainTab:
    """The Retrain tab's components that other tabs' events read or write."""

    handlers: Retrain
    model: gr.Radio
    use_own: gr.Checkbox
    training: gr.events.Dependency  # the Train click: other tabs follow its success
    badge: gr.Markdown  # which weights are in use (layout.py refreshes it after an upload)
    cell: gr.HTML  # the live drawing and its replay (layout.py wires its "open in Inside")


def build_retrain_tab(served: Served, visitor: gr.State) -> RetrainTab:
    handlers = Retrain(served)
    limits = served.limits
    with gr.Row():
        model = gr.Radio(MODEL_CHOICES, value="craft", label=T("model"), elem_id="retrain-model")
        recipe = gr.Radio(
            [(T(f"recipe.name.{name}"), name) for name in RECIPE_CHOICES], value="fast", label=T("retrain.recipe"),
            elem_id="retrain-recipe",
        )  # fmt: skip
        device = gr.Radio(device_choices(), value="cpu", label=T("retrain.device"), info=T("retrain.device.info"))
    about = gr.Markdown(T("retrain.about.fast"), elem_id="retrain-recipe-about")
    fast = RECIPES["fast"]["craft"]
    with gr.Row():
        epochs = gr.Number(
            fast.epochs, label=T("retrain.epochs.most"), precision=0, minimum=1, maximum=limits.max_epochs,
            elem_id="retrain-epochs",
        )  # fmt: skip
        learning_rate = gr.Number(
            fast.learning_rate, label=T("retrain.lr"), minimum=limits.min_learning_rate,
            maximum=limits.max_learning_rate, elem_id="retrain-lr",
        )  # fmt: skip
        seed = gr.Number(42, label=T("retrain.seed"), precision=0, minimum=0, maximum=limits.max_seed)
    with gr.Row():
        train_button = gr.Button(T("retrain.train"), variant="primary", elem_id="train-button")
        stop_button = gr.Button(T("retrain.stop"), variant="stop", elem_id="stop-button")
    progress = gr.Markdown(elem_id="train-progress")
    error = gr.Markdown(visible=False, elem_id="train-error")  # a refused training's sentence
    # The cell as it learns: drawn when Retrain is first shown (layout.py), then redrawn from the weights
    # a training streams.
    cell = empty_component("live", snapshots=[], replay=True, live=False)
    with gr.Row():
        loss_plot = gr.LinePlot(
            x="epoch", y="loss", color="series", title="Loss per epoch", x_title="epoch",
            y_title="mean squared error", color_map={"loss": SERIES_COLOURS["loss"]}, label=T("retrain.loss"),
            elem_id="loss-plot", **CHART, **EPOCH_AXIS,
        )  # fmt: skip
        predictions_plot = gr.LinePlot(
            x="epoch", y="prediction", color="series", title="Predictions per epoch", x_title="epoch",
            y_title="prediction", y_lim=[-0.1, 1.1], label=T("retrain.predictions"), elem_id="predictions-plot",
            color_map={name: SERIES_COLOURS[name] for name in PREDICTION_SERIES}, **CHART, **EPOCH_AXIS,
        )  # fmt: skip
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

    for key in ("retrain.epochs", "retrain.about.statquest"):  # labels the recipe's event shows later
        T(key)
    gr.on(
        [recipe.change, model.change], handlers.recipe_defaults, [recipe, model], [epochs, learning_rate, about],
        api_visibility=PRIVATE,
    )  # fmt: skip
    if os.environ.get("SPACES_ZERO_GPU"):  # on ZeroGPU a GPU is lent per call of a decorated function
        import spaces

        handlers.stream = spaces.GPU(handlers.stream)
    plots = (loss_plot, predictions_plot)

    def train_on_page(model_, recipe_, epochs_, learning_rate_, seed_, device_, visitor_, request: gr.Request):
        """The page's Train: /train's stream as updates of the page's components (a dict a message),
        with the live drawing's weights; a refused training says why and changes nothing else."""
        language, mine = page_language(request), Visitor.of(visitor_)
        try:
            kind = choice(model_, "model", MODEL_KINDS)
            for m in handlers.stream(model_, recipe_, epochs_, learning_rate_, seed_, device_, mine, request):
                out = {progress: m.text, error: gr.Markdown(visible=False)}
                out.update({plots[k]: chart_update(frame, k, language) for k, frame in m.charts.items()})
                if m.weights is not None:
                    out[cell] = gr.HTML(weights=named_weights(kind, m.weights), snapshots=[], live=True, keep_step=True)
                if m.done:
                    out.update({summary: gr.JSON(value=m.summary), weights_file: m.path, visitor: mine})
                    snapshots = [[e, named_weights(kind, w)] for e, w in (mine.snapshots or [])]
                    out[cell] = gr.HTML(
                        weights=named_weights(kind, m.weights), snapshots=snapshots, live=False, keep_step=True
                    )
                yield out
        except Exception as exc:  # noqa: BLE001 (one sentence, beside the last result)
            yield {error: gr.Markdown(f"⚠️ {sentence_of(exc, language)}", visible=True)}

    inputs = [model, recipe, epochs, learning_rate, seed, device, visitor]
    shared = dict(
        inputs=inputs, preprocess=False, concurrency_limit=limits.max_concurrent_trainings, concurrency_id="training"
    )
    # Two events, one training: the button's (page-only) updates the page's components; /train, for
    # scripts, sends bare values (the charts' data and the summary's dict). Both share the slots.
    outputs = [progress, error, loss_plot, predictions_plot, summary, weights_file, visitor, cell]
    training = train_button.click(
        train_on_page, outputs=outputs, api_name="train_on_page", api_visibility=PRIVATE, show_progress="minimal",
        **shared,
    )  # fmt: skip
    # /train's outputs are plots and a file that Gradio processes for scripts (their data, the file's
    # download), which gr.api would not: it is hosted on a button the page never shows.
    scripted = gr.Button(visible=False, elem_id="train-for-scripts")
    scripted.click(
        handlers.train, outputs=[progress, loss_plot, predictions_plot, summary, weights_file, visitor],
        api_name="train", api_visibility=PUBLIC, show_progress="hidden", **shared,
    )  # fmt: skip
    # Page-only: the readable table from the summary (so /train's outputs stay as scripts know them).
    training.then(handlers.summary_table, [summary], [table], api_visibility=PRIVATE, show_progress="hidden")
    # "Use my weights" is the visitor's switch alone: nothing turns it off. A training that ends
    # while it is on shows its weights at once (the badge here; Predict and Inside in layout.py).
    badge_event = dict(
        fn=handlers.badge, inputs=[use_own, model, visitor], outputs=[badge], api_visibility=PRIVATE,
        show_progress="hidden",
    )  # fmt: skip
    gr.on([use_own.change, model.change], **badge_event)
    training.then(**badge_event)
    # Outside the queue, so that Stop is heard while the queue is busy; it only sets an Event.
    # Gradio hands a queue=False event the same session hash as the page's queued events.
    stop_button.click(handlers.stop, None, None, api_visibility=PRIVATE, queue=False)
    return RetrainTab(handlers, model, use_own, training, badge, cell)
