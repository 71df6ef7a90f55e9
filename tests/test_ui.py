"""The Space's plumbing, in-process: the stop signals, the training threads, the ZeroGPU branch.

No server and no browser here; the page itself is tested in test_browser.py.
"""

import sys

import gradio as gr
import pytest

from lstm_demo.limits import Limits
from lstm_demo.ui.common import Served
from lstm_demo.ui.retrain import Retrain
from lstm_demo.ui.state import StopSignals, Visitor
from lstm_demo.weights import load_pretrained


def test_stop_sets_only_that_sessions_signal():
    signals = StopSignals()
    mine, theirs = signals.start("mine"), signals.start("theirs")
    assert signals.stop("mine") and mine.is_set() and not theirs.is_set()
    assert not signals.stop("nobody") and not signals.stop(None)


def test_a_finished_training_leaves_no_signal_behind_and_keeps_a_newer_one():
    signals = StopSignals()
    old = signals.start("s")
    new = signals.start("s")  # the same session trains again
    signals.finish("s", old)
    assert len(signals) == 1 and signals.stop("s") and new.is_set()
    signals.finish("s", new)
    assert len(signals) == 0


def test_two_trainings_of_one_session_each_keep_their_own_signal_and_stop_stops_both():
    signals = StopSignals()
    first, second = signals.start("s"), signals.start("s")  # a second training does not take over the first's
    other = signals.start("other")
    signals.finish("s", second)  # the second ends: the first can still be stopped
    assert signals.stop("s") and first.is_set() and not second.is_set() and not other.is_set()
    third = signals.start("s")
    assert signals.stop("s") and third.is_set()  # Stop reaches every training the session runs
    signals.finish("s", first), signals.finish("s", third)
    assert len(signals) == 1 and not signals.stop("s")
    fourth, fifth = signals.start("s"), signals.start("s")
    signals.forget("s")  # the session ends: all its trainings stop
    assert fourth.is_set() and fifth.is_set() and len(signals) == 1


def test_the_registry_is_bounded_and_a_closed_session_stops_its_training():
    signals = StopSignals(max_size=3)
    events = [signals.start(f"s{i}") for i in range(5)]
    assert len(signals) == 3 and not signals.stop("s0") and signals.stop("s4")
    signals.forget("s3")
    assert events[3].is_set() and len(signals) == 2


def test_stop_by_session_ends_a_real_training_with_a_partial_result():
    # A million epochs: the hand-built cell runs 10,000 in well under a second on a fast machine,
    # and the training must still be running when the first update comes.
    served = Served(load_pretrained(), Limits(max_train_seconds=60, max_epochs=1_000_000))
    request = gr.Request(session_hash="visitor-1")
    updates = Retrain(served).train("craft", "statquest", 1_000_000, 0.001, 42, "cpu", Visitor(), request)
    # The training runs in a worker process: the first updates may say it waits for one to start.
    first = next(update for update in updates if not update[0].startswith("Waiting for a free training process"))
    assert first[0].startswith("Epoch ") and len(served.stops) == 1
    assert served.stops.stop("visitor-1")
    text, *_, summary, path, visitor = list(updates)[-1]
    assert text.startswith("**Stopped by you** after") and summary["stop_reason"] == "stopped"
    assert 0 < summary["epochs"] < 1_000_000 and visitor.own_source["craft"] == "trained"
    assert len(served.stops) == 0  # the training's end removed its signal


def test_a_streaming_training_redraws_one_chart_a_message_in_turn_each_at_most_every_two_seconds(monkeypatch):
    """The page's longest task while a training streams is a chart redraw: never two in one message,
    each chart at most every CHART_REDRAW seconds, the text at most every TEXT_EVERY seconds.

    Times are when the stream decided to send (its throttles said yes), not when a message arrived:
    on a loaded machine building a message can take most of a second, which moves arrivals closer."""
    import time

    import pandas as pd

    from lstm_demo.ui import streams
    from lstm_demo.ui.streams import CHART_REDRAW, TEXT_EVERY

    decided = []  # each time one of the stream's throttles let something through

    class Recorded(streams.Every):
        def due(self) -> bool:
            if super().due():
                decided.append(time.monotonic())
                return True
            return False

    monkeypatch.setattr(streams, "Every", Recorded)  # what streams.Throttle is made of
    served = Served(load_pretrained(), Limits(max_train_seconds=120, max_epochs=1_000_000))
    request = gr.Request(session_hash="visitor-2")
    updates = Retrain(served).train("craft", "statquest", 1_000_000, 0.001, 42, "cpu", Visitor(), request)
    messages, deadline = [], time.monotonic() + 100
    for text, loss, predictions, *_ in updates:  # until each chart has been redrawn three times
        if text.startswith("Epoch "):  # (the latest yes: the chart's throttle when a chart came)
            messages.append((decided[-1], isinstance(loss, pd.DataFrame), isinstance(predictions, pd.DataFrame)))
        if sum(m[1] for m in messages) >= 3 and sum(m[2] for m in messages) >= 3 or time.monotonic() > deadline:
            served.stops.stop("visitor-2")
    assert text.startswith("**Stopped by you**"), text
    assert not any(loss and predictions for _, loss, predictions in messages)
    redraws = [("loss" if loss else "predictions", at) for at, loss, predictions in messages if loss or predictions]
    assert [name for name, _ in redraws][:6] == ["loss", "predictions"] * 3
    for chart in ("loss", "predictions"):
        times = [at for name, at in redraws if name == chart]
        assert min(b - a for a, b in zip(times, times[1:])) >= CHART_REDRAW, times
    texts = [at for at, *_ in messages]
    # (a text-only message is timed by the text's throttle, a message with a chart a moment later)
    assert min(b - a for a, b in zip(texts, texts[1:])) >= TEXT_EVERY - 0.05


@pytest.fixture
def stand_in_spaces(tmp_path, monkeypatch):
    """A `spaces` package whose GPU decorator records what it was applied to (ZeroGPU's API)."""
    package = tmp_path / "spaces"
    package.mkdir()
    (package / "__init__.py").write_text(
        "import functools\n"
        "decorated, called = [], []\n"
        "def GPU(fn):\n"
        "    decorated.append(fn)\n"
        "    @functools.wraps(fn)\n"
        "    def on_gpu(*args, **kwargs):\n"
        "        called.append(fn.__qualname__)\n"
        "        return fn(*args, **kwargs)\n"
        "    on_gpu.lent_a_gpu = True\n"
        "    return on_gpu\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "spaces", raising=False)
    yield
    sys.modules.pop("spaces", None)


def _train_function(demo, name="train"):
    (fn,) = [f.fn for f in demo.fns.values() if f.api_name == name]
    return fn


@pytest.mark.parametrize("zero_gpu", [True, False])
def test_on_zero_gpu_the_train_handler_is_lent_a_gpu(stand_in_spaces, monkeypatch, zero_gpu):
    from lstm_demo.ui import build_demo

    if zero_gpu:
        monkeypatch.setenv("SPACES_ZERO_GPU", "true")
    else:
        monkeypatch.delenv("SPACES_ZERO_GPU", raising=False)
    demo = build_demo(limits=Limits())
    train = _train_function(demo)
    import spaces

    # The training's stream (what /train and the page's Train both run) is lent the GPU.
    assert getattr(train.__self__.stream, "lent_a_gpu", False) is zero_gpu
    assert [f.__func__.__qualname__ for f in spaces.decorated] == (["Retrain.stream"] if zero_gpu else [])
    # Both trainings go through it, the script's /train and the page's Train (an epochs value that is
    # no number: each stream is entered, then refuses it, and nothing trains).
    with pytest.raises(gr.Error, match="number"):
        list(train("craft", "fast", "many", 0.1, 42, "cpu", Visitor(), None))
    (refused,) = list(_train_function(demo, "train_on_page")("craft", "fast", "many", 0.1, 42, "cpu", None, None))
    assert any("number" in str(getattr(update, "value", update)) for update in refused.values()), refused
    assert spaces.called == (["Retrain.stream"] * 2 if zero_gpu else [])
    # The lent GPU belongs to the server's process: on ZeroGPU the trainings run in its threads.
    from lstm_demo.workers import server_start_method

    assert server_start_method() == ("thread" if zero_gpu else "forkserver")
    # The endpoint is the same either way: its parameters are what scripts send.
    names = [p["parameter_name"] for p in demo.get_api_info()["named_endpoints"]["/train"]["parameters"]]
    assert names == ["model", "recipe", "epochs", "learning_rate", "seed", "device"]


@pytest.mark.parametrize("length", [4, 30])
def test_inside_marks_the_chosen_step_on_a_few_steps_axis_and_by_a_vertical_line_on_a_long_one(length):
    import torch

    from lstm_demo.ui.inside_charts import charts

    model = load_pretrained().models["craft"]
    with torch.no_grad():
        rows = model.trace(torch.linspace(0, 1, length)).rows()
    gates, gates_legend, memories, memories_legend = charts(rows, 3, "en")
    for plot, legend in ((gates, gates_legend), (memories, memories_legend)):
        frame = plot.value["data"]  # rows as lists, in the order of plot.value["columns"]
        columns = plot.value["columns"]
        steps = [row[columns.index("step")] for row in frame]
        chosen = [row for row in frame if row[columns.index("series")] == "chosen step"]
        assert "chosen step t = 3" in legend
        if length <= 24:  # a category per step: the third one's name carries the mark, no extra line
            assert chosen == [] and "3▲" in steps and "3" not in steps
            assert plot.sort == ["1", "2", "3▲", *map(str, range(4, length + 1))]
        else:  # a numeric axis: a vertical line at step 3 from the panel's lowest value to its highest
            values = [row[columns.index("value")] for row in frame if row[columns.index("series")] != "chosen step"]
            assert [row[columns.index("step")] for row in chosen] == [3, 3]
            assert sorted(row[columns.index("value")] for row in chosen) == [min(values), max(values)]


def test_the_public_apis_long_sequence_calls_take_turns_in_a_group_apart_from_the_pages():
    """/trace, /diagram and /parity (a script's long sequences) run one at a time by default, in their
    own group: a flood of them neither waits in front of the page's Inside events nor keeps the
    server's process encoding several answers at once (bench/flood.py's long flood)."""
    from lstm_demo.ui import build_demo

    limits = Limits()
    demo = build_demo(limits=limits)
    by_api = {fn.api_name: fn for fn in demo.fns.values() if fn.api_name}
    for api in ("trace", "diagram", "parity"):
        assert by_api[api].concurrency_id == "sequence-api", api
        assert by_api[api].concurrency_limit == limits.max_concurrent_sequence_api_calls == 1
    page = [fn for fn in demo.fns.values() if fn.concurrency_id == "sequence"]
    assert page and all(fn.concurrency_limit == limits.max_concurrent_sequence_calls for fn in page)
    assert not {fn.api_name for fn in page} & {"trace", "diagram", "parity"}
