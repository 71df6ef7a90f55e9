"""The Explore tab: the weight playground, decision curves, training time-travel, the learning-rate
race and the initialization lottery.

Public endpoints: /decision_curve (day, base) -> chart; /race (model, seed, learning_rate_a,
learning_rate_b, epochs) -> streams (text, chart); /lottery (inits, epochs, learning_rate, device) -> dict.

The page groups the five parts in sub-tabs (PARTS), so a visitor sees at once what is there; a
link opens one of them with `?tab=explore&part=race` (OPEN_PART_JS, run at page load).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass

import gradio as gr
import pandas as pd

from ..checks import choice, real_number, whole_number
from ..data import COMPANIES, format_sequence, known_label, parse_sequence
from ..errors import InputError
from ..models import MODEL_KINDS, CraftLSTM, craft_parameters
from ..recipes import DEVICES
from .common import MODEL_CHOICES, MODEL_NAMES, PALETTE, PRIVATE, PUBLIC, Served, T, device_choices
from .common import browser_language, page_language, page_stream, titled
from ..messages import say
from .common import CHART, EPOCH_AXIS, Every, downsample, friendly
from .cell import CSS as CELL_CSS
from .cell import Picture, gate_event, gate_markdown, language_of, source_text
from .cell import js_on_load as cell_js
from ..workers import Job, WorkerPool, shared_pool
from .retrain import CHART_REDRAW, TICK, TRAINING_POINTS
from .state import Visitor, client_address

GATES = (("f", "forget F"), ("i", "input I"), ("c", "candidate C~"), ("o", "output O"))
PARTS = ("playground", "curves", "travel", "race", "lottery")  # the sub-tabs, by the name a link uses
# The forget gate is one choice (computed, or forced to 1 or to 0); the other switches may go together.
# The page joins them into one list of SWITCHES names, which the handlers and the drawing read.
FORGET_CHOICES = ("computed", "forget=1", "forget=0")
OTHER_SWITCHES = ("input=0", "output=1")
SWITCH_NAMES = (*FORGET_CHOICES[1:], *OTHER_SWITCHES)  # the names of lstm_demo.explore.SWITCHES
# A link's `part=` (any letter case) opens that part of Explore: in the browser, by clicking its
# sub-tab once Explore shows it (within 30 s of loading). Not a server event with the Tabs as its
# output: Gradio's page copies the properties of every component under an event's outputs at each
# later streamed message, and under the Tabs lies all of Explore.
OPEN_PART_JS = """() => {
    const part = (new URLSearchParams(window.location.search).get('part') || '').trim().toLowerCase();
    if (!/^[a-z]+$/.test(part)) return;
    const started = performance.now();
    const open = () => {
        const tab = document.querySelector(`#explore-parts [role=tab][data-tab-id=${part}]`);
        if (tab && tab.getAttribute('aria-selected') === 'true') return;
        if (tab && tab.offsetParent !== null) tab.click();  // shown: Explore is the open tab
        if (performance.now() - started < 30000) setTimeout(open, 200);
    };
    open();
}"""
# One output: Gradio spreads a returned array over the outputs, so the list of names is wrapped once.
JOIN_SWITCHES_JS = "(forget, others) => [[...(forget && forget !== 'computed' ? [forget] : []), ...(others || [])]]"
NO_TRAINING_YET = "Train a model in Retrain first."


@dataclass
class Explore:
    served: Served
    pool: WorkerPool | None = None  # None: the server's shared pool (workers.shared_pool)

    @property
    def workers(self) -> WorkerPool:
        return self.pool or shared_pool(self.served.limits.max_concurrent_trainings)

    # -- Weight playground ----------------------------------------------------------------------

    @friendly
    def playground(self, *values):
        """12 parameter values (PARAMETER_NAMES order), gate switches, a sequence -> predictions.

        Its errors are in English: Gradio cannot hand a request to a function after *values."""
        from ..explore import SWITCHES, playground_model

        *numbers, switches, sequence = values
        if len(numbers) != len(CraftLSTM.PARAMETER_NAMES):
            raise InputError(key="playground.count", params={"count": len(CraftLSTM.PARAMETER_NAMES)})
        parameters = {
            n: real_number(v, f"value of {n}", -100.0, 100.0) for n, v in zip(CraftLSTM.PARAMETER_NAMES, numbers)
        }
        switches = [choice(s, "switch", tuple(SWITCHES)) for s in (switches or [])]
        if "forget=1" in switches and "forget=0" in switches:
            raise InputError(key="switches.forget_both")
        model = playground_model(parameters, switches)
        entries = [(c.name, list(c.sequence), c.label) for c in COMPANIES]
        if sequence is not None and str(sequence).strip():
            own = parse_sequence(sequence, self.served.limits)
            entries.append(("your sequence", own, known_label(own)))
        rows = [
            {
                "sequence": name,
                "values": format_sequence(seq[:12]),
                "label": "" if label is None else f"{label:g}",
                "prediction": round(model.predict(seq), 6),
            }
            for name, seq, label in entries
        ]
        return pd.DataFrame(rows)

    def _playground_picture(self, numbers, switches, language: str) -> Picture:
        from ..explore import SWITCHES, playground_model

        parameters = {
            n: real_number(v, f"value of {n}", -100.0, 100.0) for n, v in zip(CraftLSTM.PARAMETER_NAMES, numbers)
        }
        switches = [choice(s, "switch", tuple(SWITCHES)) for s in (switches or [])]
        if "forget=1" in switches and "forget=0" in switches:
            raise InputError(key="switches.forget_both")
        sequences = {c.name: list(c.sequence) for c in COMPANIES}
        model = playground_model(parameters, switches)
        return Picture(model, sequences, 4, language, source_text("sliders", language), switches=tuple(switches))

    # The drawing's events carry data (gr.EventData), which Gradio hands only to named parameters:
    # hence the twelve names, in CraftLSTM.PARAMETER_NAMES order.
    @friendly
    def playground_gate(
        self, w_xf, w_hf, b_f, w_xi, w_hi, b_i, w_xc, w_hc, b_c, w_xo, w_ho, b_o, switches, event: gr.EventData,
        request: gr.Request = None,
    ):  # fmt: skip
        """A gate clicked in the playground's drawing: its equation and gradient with the sliders' weights."""
        numbers = (w_xf, w_hf, b_f, w_xi, w_hi, b_i, w_xc, w_hc, b_c, w_xo, w_ho, b_o)
        picture = self._playground_picture(numbers, switches, browser_language(request))
        gate, seq, step = gate_event(getattr(event, "_data", None), picture.sequences)
        return gr.Markdown(gate_markdown(picture, seq, gate, step), visible=True)

    @friendly
    def playground_relabel(
        self, w_xf, w_hf, b_f, w_xi, w_hi, b_i, w_xc, w_hc, b_c, w_xo, w_ho, b_o, switches, event: gr.EventData,
        request: gr.Request = None,
    ):  # fmt: skip
        """The page's language changed: the playground's drawing with its labels in that language."""
        numbers = (w_xf, w_hf, b_f, w_xi, w_hi, b_i, w_xc, w_hc, b_c, w_xo, w_ho, b_o)
        data = getattr(event, "_data", None)
        language = language_of(data.get("language") if isinstance(data, dict) else None)
        return self._playground_picture(numbers, switches, language).update("play", keep_step=True, explain=False)

    def playground_reset(self):
        """The pretrained hand-built weights for the 12 sliders, and no switches."""
        parameters = craft_parameters(self.served.pretrained.models["craft"])
        return [round(v, 4) for v in parameters.values()] + [[]]

    # -- Decision curves ------------------------------------------------------------------------

    @friendly
    def decision_curve(self, day, base, visitor=None, request: gr.Request = None):
        """Both models' predictions as one day's value goes from 0 to 1 (the pretrained weights, or
        on the page the visitor's own where they use them)."""
        from ..explore import decision_curve

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
        """The page's decision curve and the line naming whose weights drew it."""
        language = browser_language(request)
        badge = "  \n".join(Visitor.of(visitor).badge(kind, language) for kind in ("craft", "builtin"))
        frame = self.decision_curve(day, base, visitor, request)
        return titled(frame, language, "chart.curve", "chart.curve.x", "chart.predictions.y"), badge

    # -- Training time-travel -------------------------------------------------------------------

    @friendly
    def time_travel_range(self, visitor, request: gr.Request = None):
        """After a training: the epoch slider over its snapshots, at the last one, its view, and the
        drawn cell with every snapshot's 12 weights (the browser redraws as the slider moves)."""
        visitor = Visitor.of(visitor)
        if not visitor.snapshots:
            return gr.Slider(minimum=0, maximum=1, value=0, interactive=False), NO_TRAINING_YET, gr.skip()
        last = visitor.snapshots.last_epoch
        slider = gr.Slider(minimum=0, maximum=max(last, 1), value=last, step=1, interactive=True)
        return slider, self.time_travel(last, visitor, request), self._travel_cell(last, visitor, request)

    def _travel_cell(self, epoch, visitor, request, language: str | None = None, keep_step: bool = False):
        kind, trained, model = self._snapshot(epoch, visitor)
        language = language or browser_language(request)
        snapshots = [[done, craft_parameters(kept)] for done, kept in Visitor.of(visitor).snapshots.models()]
        sequences = {c.name: list(c.sequence) for c in COMPANIES}
        picture = Picture(model, sequences, 4, language, source_text(f"epoch {trained}", language))
        return picture.update("travel", keep_step=keep_step, explain=False, snapshots=snapshots)

    @friendly
    def travel_gate(self, epoch, visitor, event: gr.EventData, request: gr.Request = None):
        """A gate clicked in the time-travel drawing: its equation and gradient with that epoch's weights."""
        kind, trained, model = self._snapshot(epoch, visitor)
        language = browser_language(request)
        picture = Picture(model, {c.name: list(c.sequence) for c in COMPANIES}, 4, language)
        gate, seq, step = gate_event(getattr(event, "_data", None), picture.sequences)
        return gr.Markdown(gate_markdown(picture, seq, gate, step), visible=True)

    @friendly
    def travel_relabel(self, epoch, visitor, event: gr.EventData, request: gr.Request = None):
        data = getattr(event, "_data", None)
        language = language_of(data.get("language") if isinstance(data, dict) else None)
        return self._travel_cell(epoch, visitor, request, language, keep_step=True)

    def _snapshot(self, epoch, visitor):
        """(kind, epochs trained, model) of the kept snapshot nearest `epoch`."""
        visitor = Visitor.of(visitor)
        if not visitor.snapshots:
            raise InputError(key="travel.none")
        epoch = whole_number(epoch, "epoch", 0, visitor.snapshots.last_epoch)
        trained, model = visitor.snapshots.nearest(epoch)
        return visitor.snapshots.kind, trained, model

    @friendly
    def time_travel(self, epoch, visitor, request: gr.Request = None):
        """The weights after a given epoch of the visitor's last training: predictions and loss."""
        from ..recipes import company_predictions, mse

        kind, trained, model = self._snapshot(epoch, visitor)
        predictions = company_predictions(model)
        parameters = craft_parameters(model)
        lines = [
            f"**After {trained} epochs** ({MODEL_NAMES[kind]}): loss {mse(predictions):.4g}; "
            f"Company A {predictions['company_a']:.4f}, Company B {predictions['company_b']:.4f}.",
            "",
            # One row per gate (as the playground's sliders): four columns fit a phone's width.
            "| gate | w_x | w_h | b |",
            "|---|---:|---:|---:|",
            *(
                f"| {title} | {parameters[f'w_x{g}']:.3f} | {parameters[f'w_h{g}']:.3f} | {parameters[f'b_{g}']:.3f} |"
                for g, title in GATES
            ),
        ]
        return "\n".join(lines)

    @friendly
    def time_travel_inside(self, epoch, visitor, request: gr.Request = None):
        """Make that epoch's weights the visitor's own and open Inside on them.

        Returns the visitor, the tabs, Inside's model and Retrain's "use my weights" box."""
        visitor = Visitor.of(visitor)
        kind, trained, model = self._snapshot(epoch, visitor)
        visitor.keep(kind, model, f"epoch {trained}")
        visitor.use_own = True
        return visitor, gr.Tabs(selected="inside"), kind, True

    # -- Learning-rate race ---------------------------------------------------------------------

    @friendly
    def race(
        self, model, seed, learning_rate_a, learning_rate_b, epochs, request: gr.Request = None, progress=gr.Progress()
    ):
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
        redraw = Every(CHART_REDRAW)
        language = page_language(request)
        with self.workers.run(jobs, stop, owner=client_address(request)) as run:
            history = {rate: run.history[job.name] for rate, job in zip(rates, jobs)}
            for _ in run.ticks(TICK):
                done = min(len(h) for h in history.values())
                progress(done / epochs, desc=f"epoch {done} of {epochs}")
                if run.waiting:
                    yield say("race.waiting", language), gr.skip()
                else:
                    chart = self._race_chart(history) if redraw.due() else gr.skip()
                    yield self._race_text(history, language), chart
            run.results()
        yield self._race_text(history, language, final=True), self._race_chart(history)

    @staticmethod
    def race_updates(message: tuple, language: str) -> tuple:
        """One of /race's messages as the page takes it: the chart as an update titled in the
        page's language (scripts get the chart's data)."""
        text, chart = message
        if isinstance(chart, pd.DataFrame):
            chart = titled(chart, language, "chart.race", "chart.epoch", "chart.loss.y")
        return text, chart

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

    # -- Initialization lottery -----------------------------------------------------------------

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
        frame = pd.DataFrame(
            {
                "final loss": [LOSS_BINS[e] for e in edges[:-1]],  # one bar per power of ten, as text
                "starts": counts,
                "series": [SEED_BIN if e == seed_bin else OTHER_STARTS for e in edges[:-1]],
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
        if reason == "time_limit":
            text += say("lottery.partial", language, limit=self.served.limits.max_train_seconds)
        legend = {SEED_BIN: say("lottery.seed_bin", language), OTHER_STARTS: say("lottery.other", language)}
        colours = {legend[SEED_BIN]: PALETTE[5], legend[OTHER_STARTS]: PALETTE[0]}
        named = frame.assign(series=frame["series"].map(legend))
        chart = titled(
            named, language, "chart.lottery", "chart.lottery.x", "chart.lottery.y", gr.BarPlot, color_map=colours
        )
        yield summary, chart, text


SEED_BIN, OTHER_STARTS = "seed 42's bin", "other starts"  # the histogram's two colours (English names)
LOSS_BINS = {e: f"1e{e}" for e in range(-12, 3)}  # bar e holds final losses from 10^e to 10^(e+1)


@dataclass
class ExploreTab:
    """The Explore tab's components that other tabs' events read or write."""

    handlers: Explore
    playground: dict  # the playground's event (layout.py also runs it at page load)
    travel_epoch: gr.Slider
    travel_view: gr.Markdown
    travel_inside: gr.Button
    travel_cell: gr.HTML
    parts: gr.Tabs  # the sub-tabs; layout.py opens the one a link names (OPEN_PART_JS)


def build_explore_tab(served: Served, visitor: gr.State) -> ExploreTab:
    handlers = Explore(served)
    # The race and the lottery share the trainings' concurrency limit (one id: "training").
    concurrency = dict(concurrency_limit=served.limits.max_concurrent_trainings, concurrency_id="training")
    with gr.Tabs(selected="playground", elem_id="explore-parts", overflow_behavior="wrap") as parts:
        with gr.Tab(T("explore.part.playground"), id="playground", elem_id="explore-playground"):
            playground = _playground(handlers)
        with gr.Tab(T("explore.part.curves"), id="curves", elem_id="explore-curves") as curves:
            _decision_curves(handlers, visitor, curves)
        with gr.Tab(T("explore.part.travel"), id="travel", elem_id="explore-travel"):
            epoch, view, inside, cell = _time_travel(handlers, visitor)
        with gr.Tab(T("explore.part.race"), id="race", elem_id="explore-race"):
            _race(handlers, concurrency)
        with gr.Tab(T("explore.part.lottery"), id="lottery", elem_id="explore-lottery"):
            _lottery(handlers, concurrency)
    return ExploreTab(handlers, playground, epoch, view, inside, cell, parts)


def _heading(key: str) -> None:
    gr.Markdown("### " + T(key), elem_id=key.replace(".", "-") + "-heading")
    gr.Markdown(T(f"{key}.info"))


def _playground(handlers: Explore) -> dict:
    _heading("explore.playground")
    # The drawn cell, above the sliders: redrawn in the browser from `sliders` and `switches` (cell.js,
    # a JavaScript forward pass), with no server round trip; `playground` keeps the table on the server.
    pretrained = craft_parameters(handlers.served.pretrained.models["craft"])
    cell = handlers._playground_picture(list(pretrained.values()), [], "en").component("play", explain=False)
    gate_view = gr.Markdown(visible=False, elem_id="cell-play-gate")
    sliders = []
    with gr.Row(elem_id="playground-sliders"):
        for gate, title in GATES:
            with gr.Column(min_width=150):
                gr.Markdown(f"**{title}**")
                for name in (f"w_x{gate}", f"w_h{gate}", f"b_{gate}"):
                    slider = gr.Slider(
                        -6, 6, value=round(pretrained[name], 4), step=0.01, label=name, elem_id=f"slider-{name}"
                    )
                    sliders.append(slider)
    with gr.Row():
        forget = gr.Radio(
            [(T(f"explore.forget.{word}"), c) for word, c in zip(("computed", "one", "zero"), FORGET_CHOICES)],
            value="computed",
            label=T("explore.forget"),
            elem_id="forget-switch",
            scale=2,
        )
        others = gr.CheckboxGroup(
            [(T(f"explore.switch.{c.split('=')[0]}"), c) for c in OTHER_SWITCHES],
            label=T("explore.switches"),
            elem_id="switches",
            scale=2,
        )
        reset = gr.Button(T("explore.reset"), scale=1)
    # Every switch as one list of SWITCHES names, as the handlers and the drawing read them; joined
    # in the browser, so the forget gate can never be forced to 1 and 0 at once.
    switches = gr.CheckboxGroup(list(SWITCH_NAMES), value=[], visible="hidden", elem_id="switches-all")
    gr.on([forget.change, others.change], None, [forget, others], [switches], js=JOIN_SWITCHES_JS)
    sequence = gr.Textbox(value="", label=T("sequence"), max_lines=2, elem_id="playground-sequence")
    table = gr.Dataframe(label=T("explore.predictions"), interactive=False, elem_id="playground-table")

    playground = dict(
        fn=handlers.playground,
        inputs=[*sliders, switches, sequence],
        outputs=[table],
        api_visibility=PRIVATE,
        show_progress="hidden",
        trigger_mode="always_last",
    )
    gr.on([*(s.change for s in sliders), switches.change, sequence.submit], **playground)
    reset.click(handlers.playground_reset, None, [*sliders, switches], api_visibility=PRIVATE).then(**playground)
    reset.click(None, None, [forget, others], js="() => ['computed', []]")
    # In the browser only (fn=None): each move redraws the cell and both predictions at once.
    for name, slider in zip(CraftLSTM.PARAMETER_NAMES, sliders):
        js = f"(v) => {{ window.lstmCells?.play?.setWeight('{name}', v); return v; }}"
        gr.on([slider.input, slider.change], None, [slider], None, js=js)
    # (Gradio hands a list value to a js function spread out as arguments: gather them again.)
    switches.change(None, [switches], None, js="(...s) => { window.lstmCells?.play?.setSwitches(s.flat()); }")
    quiet = dict(api_visibility=PRIVATE, show_progress="hidden")
    cell.cell_gate(handlers.playground_gate, [*sliders, switches], [gate_view], trigger_mode="always_last", **quiet)
    cell.cell_language(handlers.playground_relabel, [*sliders, switches], [cell], **quiet)
    return playground


def _decision_curves(handlers: Explore, visitor: gr.State, tab: gr.Tab) -> None:
    _heading("explore.curve")
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


def _time_travel(handlers: Explore, visitor: gr.State) -> tuple[gr.Slider, gr.Markdown, gr.Button, gr.HTML]:
    _heading("explore.travel")
    epoch = gr.Slider(0, 1, value=0, step=1, label=T("explore.epoch"), interactive=False, elem_id="travel-epoch")
    view = gr.Markdown(NO_TRAINING_YET, elem_id="travel-view")
    # Empty until a training: then the last snapshot drawn, and every snapshot's weights in its props.
    cell = gr.HTML(
        "", elem_id="cell-travel", js_on_load=cell_js(), css_template=CELL_CSS, apply_default_css=False,
        cell_id="travel", weights=None, sequences=[], names=[], traces=None, switches=[], explain=None, words={},
        language="en", step=4, keep_step=False, snapshots=[],
    )  # fmt: skip
    gate_view = gr.Markdown(visible=False, elem_id="cell-travel-gate")
    inside = gr.Button(T("explore.travel.inside"), elem_id="travel-inside")
    epoch.change(
        handlers.time_travel,
        [epoch, visitor],
        [view],
        api_visibility=PRIVATE,
        show_progress="hidden",
        trigger_mode="always_last",
    )
    # The drawing follows the slider in the browser: the weights grow epoch by epoch, no round trip.
    gr.on(
        [epoch.input, epoch.change],
        None,
        [epoch],
        None,
        js="(e) => { window.lstmCells?.travel?.setEpoch(e); return e; }",
    )
    quiet = dict(api_visibility=PRIVATE, show_progress="hidden")
    cell.cell_gate(handlers.travel_gate, [epoch, visitor], [gate_view], trigger_mode="always_last", **quiet)
    cell.cell_language(handlers.travel_relabel, [epoch, visitor], [cell], **quiet)
    # layout.py wires the rest: a training's success fills the slider and the drawing; `inside` opens Inside.
    return epoch, view, inside, cell


def _race(handlers: Explore, concurrency: dict) -> None:
    _heading("explore.race")
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
    # Two events, one race (as for /train): the button's sends the chart as an update titled in the
    # page's language; /race, for scripts, sends the chart's data.
    shared = dict(inputs=[model, seed, rate_a, rate_b, epochs], outputs=[text, plot], preprocess=False, **concurrency)
    button.click(
        page_stream(handlers.race, Explore.race_updates), api_name="race_on_page", api_visibility=PRIVATE, **shared
    )
    scripted = gr.Button(visible=False, elem_id="race-for-scripts")
    scripted.click(handlers.race, api_name="race", api_visibility=PUBLIC, show_progress="hidden", **shared)


def _lottery(handlers: Explore, concurrency: dict) -> None:
    _heading("explore.lottery")
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
