"""The functions behind the Space's events: plain Python over the package, no layout.

Public endpoints get their inputs unprocessed (a script can send anything), so every value is
checked here and a bad one becomes a gr.Error with one sentence. Nothing here writes to weights/.
"""

from __future__ import annotations

import functools
import inspect
import logging
import math
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

import gradio as gr
import pandas as pd
import torch

from ..data import COMPANIES, format_sequence, known_label, parse_sequence
from ..checks import choice, real_number, whole_number
from ..errors import InputError, LSTMDemoError, TrainingError
from ..explain import step_equations, step_sentence
from ..limits import Limits
from ..models import MODEL_KINDS, Trace, check_kind, craft_parameters
from ..weights import Pretrained, load_file
from .state import Visitor, remove_expired, write_trained
from .text import translate_error

log = logging.getLogger("lstm_demo.space")

MODEL_NAMES = {"builtin": "built-in", "craft": "hand-built"}
TRACE_COLUMNS = ["step", *Trace.columns()]
SERIES = {  # trace column -> legend name in the Inside chart
    "forget_gate": "forget gate F",
    "input_gate": "input gate I",
    "candidate": "candidate C~",
    "output_gate": "output gate O",
    "long_memory": "long-term memory C",
    "short_memory": "short-term memory H",
}
CHART_POINTS = 600  # a chart needs no more points than this, however long the run


def friendly(fn: Callable, language_aware: bool = True) -> Callable:
    """Turn the package's errors into gr.Error; hide anything else behind one sentence.

    With `language_aware`, the wrapper also takes the request (Gradio passes it to a parameter
    annotated gr.Request) and words the error in the browser's language.
    """
    signature = inspect.signature(fn)
    parameters = list(signature.parameters.values())
    names = [p.name for p in parameters]
    own = "request" in names  # the function takes the request itself
    if any(p.kind is p.VAR_POSITIONAL for p in parameters):
        language_aware = False  # nowhere to put a request after *args (the playground): English
    if language_aware and not own:
        parameters.append(
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None, annotation=gr.Request)
        )
    position = names.index("request") if own else len(names)  # where Gradio puts the request

    def split(args, kwargs):
        """(the function's own arguments, the request) from what Gradio passed the wrapper."""
        if not (language_aware or own):
            return args, kwargs, None
        if len(args) > position:
            request = args[position]
            return (args if own else args[:position] + args[position + 1 :]), kwargs, request
        return args, kwargs, (kwargs.get("request") if own else kwargs.pop("request", None))

    def convert(exc: Exception, request) -> gr.Error:
        language = browser_language(request)
        if isinstance(exc, gr.Error):
            return exc
        if isinstance(exc, LSTMDemoError):
            return gr.Error(translate_error(str(exc), language), print_exception=False)
        log.exception("unexpected error in %s", fn.__name__)
        return gr.Error(
            translate_error("Something went wrong on the server; please try again.", language), print_exception=False
        )

    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            args, kwargs, request = split(args, kwargs)
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:
                raise convert(exc, request) from None

    else:

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            args, kwargs, request = split(args, kwargs)
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                raise convert(exc, request) from None

    if language_aware and not own:
        wrapper.__signature__ = signature.replace(parameters=parameters)
        wrapper.__annotations__ = {**getattr(fn, "__annotations__", {}), "request": gr.Request}
    return wrapper


def file_path(value: object) -> str:
    """The server-side path of an uploaded file, as Gradio hands it over (a dict or a string)."""
    if isinstance(value, dict):
        value = value.get("path")
    if not isinstance(value, str) or not value:
        raise InputError("Upload a .safetensors file first.")
    if not value.lower().endswith(".safetensors"):
        raise InputError("Only .safetensors files are accepted.")
    return value


def browser_language(request: gr.Request | None) -> str:
    """'zh' when the browser asks for Chinese first, else 'en' (server-made sentences)."""
    header = request.headers.get("accept-language", "") if request is not None else ""
    return "zh" if header.lower().lstrip().startswith("zh") else "en"


def downsample(frame: pd.DataFrame, points: int = CHART_POINTS) -> pd.DataFrame:
    """Every k-th row (and the last) so that a chart stays light."""
    if len(frame) <= points:
        return frame
    step = math.ceil(len(frame) / points)
    keep = list(range(0, len(frame), step))
    if keep[-1] != len(frame) - 1:
        keep.append(len(frame) - 1)
    return frame.iloc[keep]


class ExploreHandlers:
    """The Explore tab: the weight playground, decision curves, time-travel, the race, the lottery."""

    pretrained: Pretrained
    limits: Limits

    def playground(self, *values):
        """12 parameter values (PARAMETER_NAMES order), gate switches, a sequence -> predictions."""
        from ..explore import SWITCHES, playground_model
        from ..models import CraftLSTM

        *numbers, switches, sequence = values
        if len(numbers) != len(CraftLSTM.PARAMETER_NAMES):
            raise InputError(f"The playground needs {len(CraftLSTM.PARAMETER_NAMES)} parameter values.")
        parameters = {
            n: real_number(v, f"value of {n}", -100.0, 100.0) for n, v in zip(CraftLSTM.PARAMETER_NAMES, numbers)
        }
        switches = [choice(s, "switch", tuple(SWITCHES)) for s in (switches or [])]
        if "forget=1" in switches and "forget=0" in switches:
            raise InputError("The forget gate cannot be switched to 1 and 0 at once.")
        model = playground_model(parameters, switches)
        rows = [
            {
                "sequence": c.name,
                "values": format_sequence(c.sequence),
                "label": f"{c.label:g}",
                "prediction": round(model.predict(list(c.sequence)), 6),
            }
            for c in COMPANIES
        ]
        if sequence is not None and str(sequence).strip():
            values_ = parse_sequence(sequence, self.limits)
            label = known_label(values_)
            rows.append(
                {
                    "sequence": "your sequence",
                    "values": format_sequence(values_[:12]),
                    "label": "" if label is None else f"{label:g}",
                    "prediction": round(model.predict(values_), 6),
                }
            )
        return pd.DataFrame(rows)

    def playground_reset(self):
        parameters = craft_parameters(self.pretrained.models["craft"])
        return [round(v, 4) for v in parameters.values()] + [[]]

    def decision_curve(self, day, base):
        """Both pretrained models' predictions as one day's value goes from 0 to 1."""
        from ..explore import decision_curve

        day = whole_number(day, "day", 1, 4)
        base = choice(base, "company", tuple(c.name for c in COMPANIES))
        company = next(c for c in COMPANIES if c.name == base)
        models = {f"{MODEL_NAMES[k]}": m for k, m in self.pretrained.models.items()}
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

    def time_travel_range(self, visitor):
        visitor = Visitor.of(visitor)
        if not visitor.snapshots:
            return gr.Slider(minimum=0, maximum=1, value=0, interactive=False), "Train a model in Retrain first."
        kind, kept = visitor.snapshots
        last = kept[-1][0]
        return gr.Slider(minimum=0, maximum=max(last, 1), value=last, step=1, interactive=True), self.time_travel(
            last, visitor
        )

    def _snapshot(self, epoch, visitor):
        from ..models import MODEL_CLASSES

        visitor = Visitor.of(visitor)
        if not visitor.snapshots:
            raise InputError("Train a model in Retrain first; its epochs then appear here.")
        kind, kept = visitor.snapshots
        epoch = whole_number(epoch, "epoch", 0, kept[-1][0])
        trained, state = min(kept, key=lambda item: abs(item[0] - epoch))  # the nearest kept epoch
        model = MODEL_CLASSES[kind]()
        model.load_state_dict(state)
        return kind, trained, model.eval()

    def time_travel(self, epoch, visitor):
        """The weights after a given epoch of the visitor's last training: predictions and loss."""
        from ..training import company_predictions, mse

        kind, trained, model = self._snapshot(epoch, visitor)
        predictions = company_predictions(model)
        lines = [
            f"**After {trained} epochs** ({MODEL_NAMES[kind]}): loss {mse(predictions):.4g}; "
            f"Company A {predictions['company_a']:.4f}, Company B {predictions['company_b']:.4f}.",
            "",
            "| parameter | " + " | ".join(craft_parameters(model)) + " |",
            "|---" * (len(craft_parameters(model)) + 1) + "|",
            "| value | " + " | ".join(f"{v:.3f}" for v in craft_parameters(model).values()) + " |",
        ]
        return "\n".join(lines)

    def time_travel_inside(self, epoch, visitor):
        """Make that epoch's weights the visitor's own and open Inside on them."""
        visitor = Visitor.of(visitor)
        kind, trained, model = self._snapshot(epoch, visitor)
        visitor.own[kind], visitor.own_source[kind] = model, f"epoch {trained}"
        visitor.use_own = True
        return visitor, gr.Tabs(selected="inside"), kind, True

    def race(self, model, seed, learning_rate_a, learning_rate_b, epochs, progress=gr.Progress()):
        """Two trainings of one model and seed with two learning rates (the seed's recipe), live."""
        from ..training import train

        limits = self.limits
        kind = choice(model, "model", MODEL_KINDS)
        seed = whole_number(seed, "seed", 0, limits.max_seed)
        rates = [
            real_number(r, "learning rate", limits.min_learning_rate, limits.max_learning_rate)
            for r in (learning_rate_a, learning_rate_b)
        ]
        epochs = whole_number(epochs, "number of epochs", 1, limits.max_epochs)
        records = {rate: queue.SimpleQueue() for rate in rates}
        outcomes: dict = {}
        stop = threading.Event()

        def work(rate):
            try:
                outcomes[rate] = train(
                    kind,
                    "statquest",
                    epochs=epochs,
                    learning_rate=rate,
                    seed=seed,
                    on_epoch=records[rate].put,
                    stop=stop,
                    limits=limits,
                )
            except BaseException as exc:  # reported below
                outcomes[rate] = exc

        workers = [
            threading.Thread(target=work, args=(r,), daemon=True, name=f"race-{r}") for r in dict.fromkeys(rates)
        ]
        history: dict[float, list] = {r: [] for r in rates}
        for w in workers:
            w.start()
        try:
            while any(w.is_alive() for w in workers) or any(not q.empty() for q in records.values()):
                for w in workers:
                    w.join(0.1)
                for rate, q in records.items():
                    while not q.empty():
                        history[rate].append(q.get())
                done = min(len(h) for h in history.values())
                progress(done / epochs, desc=f"epoch {done} of {epochs}")
                yield self._race_text(history), self._race_chart(history)
        finally:
            stop.set()
            for w in workers:
                w.join(timeout=10)
        for outcome in outcomes.values():
            if isinstance(outcome, BaseException):
                raise (
                    outcome
                    if isinstance(outcome, LSTMDemoError)
                    else TrainingError("A race training failed; nothing was saved.")
                )
        yield self._race_text(history, final=True), self._race_chart(history)

    @staticmethod
    def _race_text(history, final=False):
        parts = []
        for rate, records in history.items():
            if records:
                r = records[-1]
                parts.append(
                    f"lr {rate:g}: epoch {r.epoch}, loss {r.loss:.4g} (A {r.company_a:.3f}, B {r.company_b:.3f})"
                )
        return ("**Finished.** " if final else "") + "; ".join(parts)

    @staticmethod
    def _race_chart(history):
        rows = [(r.epoch, r.loss, f"learning rate {rate:g}") for rate, records in history.items() for r in records]
        frame = pd.DataFrame(rows, columns=["epoch", "loss", "series"])  # one line per learning rate
        return pd.concat([downsample(g) for _, g in frame.groupby("series")]) if len(frame) else frame

    def lottery(self, inits: int, epochs: int, learning_rate: float, device: str) -> dict:
        """Train many random hand-built cells at once; returns a summary with the converged share."""
        from ..explore import lottery

        result = lottery(*self._lottery_args(inits, epochs, learning_rate, device))
        return result.summary()

    def _lottery_args(self, inits, epochs, learning_rate, device):
        limits = self.limits
        inits = whole_number(inits, "number of random starts", 1, limits.max_lottery_inits)
        epochs = whole_number(epochs, "number of epochs", 1, limits.max_epochs)
        if inits * epochs > limits.max_lottery_model_steps:
            raise InputError(
                f"Random starts x epochs may be at most {limits.max_lottery_model_steps:,} per draw; this asks for {inits * epochs:,}."
            )
        learning_rate = real_number(learning_rate, "learning rate", limits.min_learning_rate, limits.max_learning_rate)
        return inits, epochs, learning_rate, choice(device, "device", ("auto", "cpu", "gpu"))

    def lottery_view(self, inits, epochs, learning_rate, device):
        """The lottery for the page: summary, histogram of final losses, where seed 42 falls."""
        import numpy as np

        from ..explore import lottery

        result = lottery(*self._lottery_args(inits, epochs, learning_rate, device))
        losses = np.log10(np.clip(np.array(result.final_losses), 1e-12, 1e3))
        edges = np.arange(-12, 4)
        counts, _ = np.histogram(losses, bins=edges)
        seed_bin = int(np.clip(np.floor(np.log10(max(result.seed_42_loss, 1e-12))), -12, 2))
        frame = pd.DataFrame(
            {
                "log10 of final loss": edges[:-1].astype(int),
                "starts": counts,
                "series": ["seed 42's bin" if e == seed_bin else "other starts" for e in edges[:-1]],
            }
        )
        summary = result.summary()
        text = (
            f"**{summary['converged']:,} of {result.inits:,} random starts converged** ({result.converged_share:.0%}: summed squared error "
            f"below {summary['threshold']:g}) after {result.epochs} epochs at learning rate {result.learning_rate:g}. Seed 42 ended at "
            f"{result.seed_42_loss:.2e}: {result.seed_42_rank:.0%} of the starts ended lower. {result.seconds:.2f} s on {result.device} "
            f"({result.model_steps_per_second:,.0f} model-steps per second)."
        )
        return summary, frame, text


@dataclass
class Handlers(ExploreHandlers):
    pretrained: Pretrained
    limits: Limits

    # -- Predict -------------------------------------------------------------------------------

    def predict(self, sequence: str, model: str) -> float:
        """The pretrained model's prediction for a sequence ("0, 0.5, 0.25, 1")."""
        values = parse_sequence(sequence, self.limits)
        return self.pretrained.models[check_kind(model)].predict(values)

    def predict_both(self, sequence: str, visitor: Visitor | None):
        """Predict tab: both models on Company A, Company B and the visitor's sequence.

        Returns the table, the sequence's chart, and the sequence itself (for deep links)."""
        visitor = Visitor.of(visitor)
        rows = []
        entries = [(c.name, list(c.sequence), c.label) for c in COMPANIES]
        if sequence is not None and str(sequence).strip():
            values = parse_sequence(sequence, self.limits)
            entries.append(("your sequence", values, known_label(values)))
        else:
            values = list(COMPANIES[1].sequence)
        for name, seq, label in entries:
            row = {"sequence": name, "values": format_sequence(seq[:12]) + (" ..." if len(seq) > 12 else "")}
            row["label"] = "" if label is None else f"{label:g}"
            for kind in MODEL_KINDS:
                model, whose = visitor.model(kind, self.pretrained.models)
                row[f"{MODEL_NAMES[kind]} ({whose})"] = round(model.predict(seq), 6)
            rows.append(row)
        chart = downsample(pd.DataFrame({"day": range(1, len(values) + 1), "value": values, "series": "value"}))
        return pd.DataFrame(rows), chart, sequence

    def predict_upload(self, weights_file, sequence: str) -> float:
        """The prediction of an uploaded .safetensors model (either layout) for a sequence."""
        values = parse_sequence(sequence, self.limits)
        model = load_file(file_path(weights_file), limits=self.limits)
        return model.predict(values)

    def use_upload(self, weights_file, visitor: Visitor | None):
        """Keep an uploaded model for this visitor; Predict and Inside switch to it."""
        visitor = Visitor.of(visitor)
        if weights_file is None:
            return visitor, "", visitor.use_own
        model = load_file(file_path(weights_file), limits=self.limits)
        visitor.own[model.kind], visitor.own_source[model.kind] = model, "uploaded"
        visitor.use_own = True
        return (
            visitor,
            f"Loaded your {MODEL_NAMES[model.kind]} weights; Predict and Inside now use them (only for you).",
            True,
        )

    # -- Inside --------------------------------------------------------------------------------

    def trace(self, sequence: str, model: str, visitor: Visitor | None = None) -> pd.DataFrame:
        """The gates and memories at every step, one row per step."""
        values = parse_sequence(sequence, self.limits)
        lstm, _ = Visitor.of(visitor).model(check_kind(model), self.pretrained.models)
        with torch.no_grad():
            rows = lstm.trace(torch.tensor(values)).rows()
        return pd.DataFrame(rows, columns=TRACE_COLUMNS).round(6)  # 1e-6 is finer than any chart

    def inside_views(
        self, table: pd.DataFrame, sequence: str, model: str, visitor: Visitor | None, request: gr.Request = None
    ):
        """After a trace: the chart over time, a step slider at the last step, that step's
        equations and sentence, and the inputs unchanged (so that a deep link saves them)."""
        if table is None or len(table) == 0:
            return None, gr.Slider(minimum=1, maximum=1, value=1), "", "", sequence, model
        long = table.melt(id_vars="step", value_vars=list(SERIES), var_name="series", value_name="value")
        long["series"] = long["series"].map(SERIES)
        last = int(table["step"].iloc[-1])
        equations, sentence = self.inside_step(table, last, model, visitor, request)
        slider = gr.Slider(minimum=1, maximum=max(last, 2), value=last, step=1, interactive=last > 1)
        return downsample(long, CHART_POINTS * len(SERIES)), slider, equations, sentence, sequence, model

    def inside_step(self, table: pd.DataFrame, step, model: str, visitor: Visitor | None, request: gr.Request = None):
        """The equations with this step's numbers, and one sentence on what the gates did."""
        if table is None or len(table) == 0:
            return "", ""
        step = min(max(int(step or 1), 1), len(table))
        rows = table.to_dict("records")
        row, previous = rows[step - 1], rows[step - 2] if step > 1 else None
        lstm, _ = Visitor.of(visitor).model(check_kind(model), self.pretrained.models)
        return step_equations(row, previous, craft_parameters(lstm)), step_sentence(row, browser_language(request))

    def parity(self, sequence: str) -> float:
        """Largest difference between each pretrained model and its weights in the other model."""
        from ..parity import pretrained_parity

        values = parse_sequence(sequence, self.limits)
        return pretrained_parity(self.pretrained.models, torch.tensor(values))["largest_difference"]

    def parity_report(self, sequence: str) -> str:
        from ..parity import pretrained_parity

        values = parse_sequence(sequence, self.limits)
        report = pretrained_parity(self.pretrained.models, torch.tensor(values))
        lines = [
            f"| {name} | {r['prediction']:.2e} | {r['trace']:.2e} |"
            for name, r in report.items()
            if isinstance(r, dict)
        ]
        return (
            "| weights moved | prediction differs by | gates and memories differ by |\n|---|---|---|\n"
            + "\n".join(lines)
            + f"\n\n**Largest difference: {report['largest_difference']:.2e}** (float32 rounding; the same numbers)."
        )

    # -- Retrain -------------------------------------------------------------------------------

    def check_training(self, model, recipe, epochs, learning_rate, seed, device):
        """Every training input checked; returns them typed."""
        from ..training import check_options

        epochs, learning_rate, seed = check_options(epochs, learning_rate, seed, None, self.limits)
        return (
            choice(model, "model", MODEL_KINDS),
            choice(recipe, "recipe", ("fast", "statquest")),
            epochs,
            learning_rate,
            seed,
            choice(device, "device", ("auto", "cpu", "gpu")),
        )

    def train(self, model, recipe, epochs, learning_rate, seed, device, visitor=None, progress=gr.Progress()):
        """Train with Lightning, streaming (progress, loss chart, predictions chart, summary, file)."""
        from ..explore import snapshot_every
        from ..training import Snapshots, resolve_device, train

        kind, recipe, epochs, learning_rate, seed, device = self.check_training(
            model, recipe, epochs, learning_rate, seed, device
        )
        snapshots = Snapshots(snapshot_every(epochs, self.limits.max_snapshots))
        resolve_device(device)  # refuse a missing GPU before starting a thread
        visitor = Visitor.of(visitor)
        remove_expired(self.limits.trained_file_ttl_seconds)
        stop = threading.Event()
        visitor.stop = stop
        records: queue.SimpleQueue = queue.SimpleQueue()
        outcome: dict = {}

        def work() -> None:
            try:
                outcome["result"] = train(
                    kind,
                    recipe,
                    epochs=epochs,
                    learning_rate=learning_rate,
                    seed=seed,
                    device=device,
                    on_epoch=records.put,
                    stop=stop,
                    limits=self.limits,
                    callbacks=[snapshots],
                )
            except BaseException as exc:  # reported to the visitor below
                outcome["error"] = exc

        worker = threading.Thread(target=work, name=f"train-{kind}", daemon=True)
        history: list = []
        worker.start()
        try:
            while worker.is_alive() or not records.empty():
                worker.join(0.2)
                while not records.empty():
                    history.append(records.get())
                if history:
                    last = history[-1]
                    progress(min(last.epoch / epochs, 1.0), desc=f"epoch {last.epoch} of {epochs}")
                    text = f"Epoch {last.epoch} of {epochs}: loss {last.loss:.4g}, Company A {last.company_a:.4f}, Company B {last.company_b:.4f}"
                    yield text, *self.training_charts(history), None, None, visitor
        finally:
            stop.set()  # a cancelled or abandoned stream ends the training within one step
            worker.join(timeout=10)
            visitor.stop = None
        if "error" in outcome:
            error = outcome["error"]
            if isinstance(error, LSTMDemoError):
                raise error
            raise TrainingError(f"Training failed ({type(error).__name__}); nothing was saved.") from error
        result = outcome["result"]
        summary = result.summary()
        words = {
            "completed": "Finished",
            "converged": "Converged",
            "stopped": "Stopped by you",
            "time_limit": f"Stopped at the time limit ({self.limits.max_train_seconds:g} s): a partial result",
            "diverged": "Training diverged (the loss became NaN or infinite): no weights are offered, and your earlier weights are kept",
        }
        text = (
            f"**{words[result.stop_reason]}** after {result.epochs} epochs in {result.seconds:.2f} s on {result.device}. "
            f"Loss {result.loss:.4g}; Company A {result.predictions_before['company_a']:.4f} → {result.predictions['company_a']:.4f}, "
            f"Company B {result.predictions_before['company_b']:.4f} → {result.predictions['company_b']:.4f}."
        )
        path = None
        if result.stop_reason != "diverged":  # a diverged model is not offered; earlier weights stay
            try:
                path = str(write_trained(result.model, summary))
            except OSError as exc:
                log.warning("could not write trained weights: %s", exc)
                text += " The weights file could not be written on the server (disk full or not writable); they are still yours in this session."
            visitor.own[kind], visitor.own_source[kind] = result.model.cpu().eval(), "trained"
            visitor.snapshots = (kind, snapshots.kept)
        yield text, *self.training_charts(history), summary, path, visitor

    @staticmethod
    def training_charts(history: list) -> tuple[pd.DataFrame, pd.DataFrame]:
        frame = pd.DataFrame(
            [(r.epoch, r.loss, r.company_a, r.company_b) for r in history],
            columns=["epoch", "loss", "Out 0 (Company A)", "Out 1 (Company B)"],
        )
        frame = downsample(frame)
        loss = frame[["epoch", "loss"]].assign(series="loss")
        predictions = frame.melt(
            id_vars="epoch",
            value_vars=["Out 0 (Company A)", "Out 1 (Company B)"],
            var_name="series",
            value_name="prediction",
        )
        return loss, predictions

    def stop(self, visitor: Visitor | None) -> None:
        visitor = Visitor.of(visitor)
        if visitor.stop is not None:
            visitor.stop.set()

    def use_own(self, enabled: bool, visitor: Visitor | None):
        visitor = Visitor.of(visitor)
        visitor.use_own = bool(enabled)
        return visitor


# Endpoints made with gr.api: their signature is their API, so it gets no request parameter.
API_ONLY = ("predict", "parity", "lottery")


def wrap_all(handlers: Handlers) -> dict[str, Callable]:
    """The handlers as event functions: errors become one sentence, in the visitor's language."""
    names = [
        n
        for n, _ in inspect.getmembers(type(handlers), inspect.isfunction)
        if not n.startswith("_") and n not in ("check_training", "training_charts")
    ]
    return {name: friendly(getattr(handlers, name), language_aware=name not in API_ONLY) for name in names}
