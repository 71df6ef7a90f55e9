"""The Retrain tab: train either model with Lightning while the page streams the loss and predictions.

Public endpoint: /train (model, recipe, epochs, learning_rate, seed, device) -> streams (progress,
loss chart, predictions chart, summary, .safetensors file); the last output holds the summary.
Stop sets this session's stop signal (StopSignals): the training ends within one step and the
stream reports the partial result. A script's job.cancel() closes the stream, which does the same.
"""

from __future__ import annotations

import os
import queue
from dataclasses import dataclass

import gradio as gr
import pandas as pd

from ..checks import choice
from ..errors import LSTMDemoError, TrainingError
from ..models import MODEL_KINDS
from ..recipes import DEVICES, RECIPE_NAMES, RECIPES, check_options, resolve_device
from .common import MODEL_CHOICES, PALETTE, PRIVATE, PUBLIC, Served, T, WorkThreads, device_choices
from .common import CHART_EVERY, STREAM_POINTS, Every, downsample, friendly, log, session_of
from .state import Visitor, remove_expired, write_trained


def outcomes(threads: WorkThreads) -> dict:
    """The trainings' results; an error that is not already one sentence becomes one."""
    try:
        return threads.results()
    except LSTMDemoError:
        raise
    except BaseException as error:  # a bug, or an interrupt inside Lightning: nothing is kept
        raise TrainingError(key="training.failed", params={"error": type(error).__name__}) from error


RECIPE_CHOICES = tuple(sorted(RECIPE_NAMES))  # fast (the default) first, on the page and in errors
PREDICTION_SERIES = ["Out 0 (Company A)", "Out 1 (Company B)"]  # the seed's names for the two outputs


@dataclass
class Retrain:
    served: Served

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
        progress=gr.Progress(),
    ):
        """Train with Lightning, streaming (progress, loss chart, predictions chart, summary, file, visitor)."""
        from .. import training  # Lightning: imported at the first training (app.py warms it up)
        from ..explore import snapshot_every

        limits = self.served.limits
        kind, recipe, epochs, learning_rate, seed, device = self.check_training(
            model, recipe, epochs, learning_rate, seed, device
        )
        resolve_device(device)  # refuse a missing GPU before starting a thread
        snapshots = training.Snapshots(snapshot_every(epochs, limits.max_snapshots))
        visitor = Visitor.of(visitor)
        remove_expired(limits.trained_file_ttl_seconds)
        session = session_of(request)
        stop = self.served.stops.start(session)
        records: queue.SimpleQueue = queue.SimpleQueue()

        def work():
            return training.train(
                kind,
                recipe,
                epochs=epochs,
                learning_rate=learning_rate,
                seed=seed,
                device=device,
                on_epoch=records.put,
                stop=stop,
                limits=limits,
                callbacks=[snapshots],
            )

        history: list = []
        redraw = Every(CHART_EVERY)
        try:
            with WorkThreads({f"train-{kind}": work}, stop) as threads:
                for _ in threads.ticks():
                    while not records.empty():
                        history.append(records.get())
                    if history:
                        last = history[-1]
                        progress(min(last.epoch / epochs, 1.0), desc=f"epoch {last.epoch} of {epochs}")
                        text = (
                            f"Epoch {last.epoch} of {epochs}: loss {last.loss:.4g}, "
                            f"Company A {last.company_a:.4f}, Company B {last.company_b:.4f}"
                        )
                        charts = self.training_charts(history) if redraw.due() else (gr.skip(), gr.skip())
                        yield text, *charts, None, None, visitor
                (result,) = outcomes(threads).values()
        finally:
            self.served.stops.finish(session, stop)
        yield self._finished(kind, result, snapshots, history, visitor)

    def _finished(self, kind: str, result, snapshots, history: list, visitor: Visitor) -> tuple:
        """The last update of a training: what happened, the charts, the summary and the file."""
        summary = result.summary()
        words = {
            "completed": "Finished",
            "converged": "Converged",
            "stopped": "Stopped by you",
            "time_limit": f"Stopped at the time limit ({self.served.limits.max_train_seconds:g} s): a partial result",
            "diverged": "Training diverged (the loss became NaN or infinite): no weights are offered, "
            "and your earlier weights are kept",
        }
        before, after = result.predictions_before, result.predictions
        text = (
            f"**{words[result.stop_reason]}** after {result.epochs} epochs in {result.seconds:.2f} s on "
            f"{result.device}. Loss {result.loss:.4g}; Company A {before['company_a']:.4f} → {after['company_a']:.4f}, "
            f"Company B {before['company_b']:.4f} → {after['company_b']:.4f}."
        )
        path = None
        if result.stop_reason != "diverged":  # a diverged model is not offered; earlier weights stay
            try:
                path = str(write_trained(result.model, summary))
            except OSError as exc:
                log.warning("could not write trained weights: %s", exc)
                text += (
                    " The weights file could not be written on the server (disk full or not writable); "
                    "they are still yours in this session."
                )
            visitor.own[kind], visitor.own_source[kind] = result.model.cpu().eval(), "trained"
            visitor.snapshots = (kind, snapshots.kept)
        return text, *self.training_charts(history), summary, path, visitor

    @staticmethod
    def training_charts(history: list) -> tuple[pd.DataFrame, pd.DataFrame]:
        frame = pd.DataFrame(
            [(r.epoch, r.loss, r.company_a, r.company_b) for r in history],
            columns=["epoch", "loss", *PREDICTION_SERIES],
        )
        frame = downsample(frame, STREAM_POINTS)
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

    @staticmethod
    def recipe_defaults(recipe: str, model: str):
        """The recipe's own epochs and learning rate, for the inputs."""
        chosen = RECIPES.get(recipe, RECIPES["fast"]).get(model, RECIPES["fast"]["craft"])
        return gr.Number(value=chosen.epochs), gr.Number(value=chosen.learning_rate)


@dataclass
class RetrainTab:
    """The Retrain tab's components that other tabs' events read or write."""

    handlers: Retrain
    model: gr.Radio
    use_own: gr.Checkbox
    training: gr.events.Dependency  # the Train click: other tabs follow its success


def build_retrain_tab(served: Served, visitor: gr.State) -> RetrainTab:
    handlers = Retrain(served)
    limits = served.limits
    with gr.Row():
        model = gr.Radio(MODEL_CHOICES, value="craft", label=T("model"), elem_id="retrain-model")
        recipe = gr.Radio(list(RECIPE_CHOICES), value="fast", label=T("retrain.recipe"), elem_id="retrain-recipe")
        device = gr.Radio(device_choices(), value="cpu", label=T("retrain.device"), info=T("retrain.device.info"))
    with gr.Row():
        epochs = gr.Number(
            1000,
            label=T("retrain.epochs"),
            precision=0,
            minimum=1,
            maximum=limits.max_epochs,
            elem_id="retrain-epochs",
        )
        learning_rate = gr.Number(
            0.01,
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
            color_map={"loss": PALETTE[5]},
            height=320,
            label=T("retrain.loss"),
            elem_id="loss-plot",
        )
        predictions_plot = gr.LinePlot(
            x="epoch",
            y="prediction",
            color="series",
            title="Predictions per epoch",
            x_title="epoch",
            y_title="prediction",
            y_lim=[-0.1, 1.1],
            color_map=dict(zip(PREDICTION_SERIES, PALETTE)),
            height=320,
            label=T("retrain.predictions"),
        )
    with gr.Row():
        summary = gr.JSON(label=T("retrain.summary"), elem_id="train-summary")
        weights_file = gr.File(label=T("retrain.file"), interactive=False)
    use_own = gr.Checkbox(False, label=T("retrain.use"), elem_id="use-own")

    gr.on(
        [recipe.change, model.change],
        handlers.recipe_defaults,
        [recipe, model],
        [epochs, learning_rate],
        api_visibility=PRIVATE,
    )
    train = handlers.train
    if os.environ.get("SPACES_ZERO_GPU"):  # on ZeroGPU a GPU is lent per call of a decorated function
        import spaces

        train = spaces.GPU(train)
    training = train_button.click(
        train,
        [model, recipe, epochs, learning_rate, seed, device, visitor],
        [progress, loss_plot, predictions_plot, summary, weights_file, visitor],
        api_name="train",
        preprocess=False,
        api_visibility=PUBLIC,
        concurrency_limit=limits.max_concurrent_trainings,
        concurrency_id="training",
    )
    training.success(lambda: gr.Checkbox(value=False), None, [use_own], api_visibility=PRIVATE)
    # Outside the queue, so that Stop is heard while the queue is busy; it only sets an Event.
    # Gradio hands a queue=False event the same session hash as the page's queued events.
    stop_button.click(handlers.stop, None, None, api_visibility=PRIVATE, queue=False)
    return RetrainTab(handlers, model, use_own, training)
