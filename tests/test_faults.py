"""Faults during training, injected in-process: each ends in one sentence, and the next request works."""

import gradio as gr
import pytest
import torch

import lstm_demo.training as training
from lstm_demo.callbacks import EpochCallback
from lstm_demo.limits import Limits
from lstm_demo.ui import state as ui_state
from lstm_demo.ui.common import Served
from lstm_demo.ui.retrain import Retrain
from lstm_demo.ui.state import Visitor
from lstm_demo.weights import load_pretrained
from lstm_demo.workers import WorkerPool


class Fault(EpochCallback):
    """Does something bad at a chosen recipe epoch of a training (also in the middle of a block)."""

    def __init__(self, at: int, action):
        self.at, self.action = at, action

    def on_recipe_epoch_end(self, trainer, pl_module, record):
        if record.epoch == self.at:
            self.action(pl_module)


# The trainings run in a thread of this process (the workers' "thread" start method: the same
# worker loop and messages as the Space's processes), so that the faults patched in here reach them.
IN_PROCESS = WorkerPool(1, start_method="thread")


@pytest.fixture
def handlers():
    return Retrain(Served(load_pretrained(), Limits(max_train_seconds=20)), IN_PROCESS)


@pytest.fixture
def inject(monkeypatch):
    """Make the Space's trainings run with a Fault callback."""

    def use(fault: Fault):
        real = training.train
        monkeypatch.setattr(
            training, "train", lambda *a, callbacks=(), **k: real(*a, callbacks=[*callbacks, fault], **k)
        )

    return use


def run(handlers, visitor=None, **overrides):
    args = dict(model="craft", recipe="fast", epochs=1000, learning_rate=0.01, seed=42, device="cpu")
    args.update(overrides)
    return list(handlers.train(*args.values(), visitor))


def poison(module):
    """NaN in a weight the training steps: the flat copy the hand-built cell trains, or the model's own."""
    flat = getattr(module, "_flat", None)
    with torch.no_grad():
        (flat.flat if flat is not None else module.model.w_xf).fill_(float("nan"))


def raise_(error):
    def action(module):
        raise error

    return action


def test_a_loss_that_becomes_nan_is_reported_and_no_weights_are_offered(handlers, inject):
    visitor = Visitor()
    earlier = run(handlers, visitor)[-1]  # a good training first: these weights must stay
    kept = visitor.own["craft"]
    inject(Fault(5, poison))
    progress, *_, summary, path, visitor_after = run(handlers, visitor)[-1]
    assert progress.startswith("**Training diverged")
    assert summary["stop_reason"] == "diverged" and path is None
    assert visitor_after.own["craft"] is kept and earlier[4] is not None


@pytest.mark.parametrize(
    "error, sentence",
    [
        (ValueError("boom"), "Training failed inside a step (ValueError); nothing was saved."),
        (KeyboardInterrupt(), "Training was interrupted before it finished; nothing was saved."),
        (SystemExit(1), "Training was interrupted before it finished; nothing was saved."),
        (torch.cuda.OutOfMemoryError("CUDA out of memory"), "The GPU ran out of memory; train on the CPU instead."),
    ],
)
def test_errors_inside_training_become_one_sentence_and_the_next_training_works(
    handlers, inject, monkeypatch, error, sentence
):
    inject(Fault(3, raise_(error)))
    with pytest.raises(gr.Error) as info:
        run(handlers)
    assert info.value.message == sentence
    monkeypatch.undo()
    assert run(handlers)[-1][3]["stop_reason"] == "converged"


def test_the_time_limit_reports_a_partial_result():
    # Twenty times the epochs whose time the README gives (statquest, 10,000): the limit comes first on any CPU.
    limits = Limits(max_train_seconds=0.5, max_epochs=200_000)
    h = Retrain(Served(load_pretrained(), limits), IN_PROCESS)
    progress, *_, summary, path, _ = run(h, recipe="statquest", epochs=200_000, learning_rate=0.001)[-1]
    assert summary["stop_reason"] == "time_limit" and 0 < summary["epochs"] < 200_000
    assert "Stopped at the time limit (0.5 s): a partial result" in progress
    assert path is not None


def test_an_unwritable_weights_folder_still_reports_and_leaves_no_partial_file(handlers, monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    monkeypatch.setattr(ui_state, "TRAINED_DIR", blocked / "trained")
    progress, *_, summary, path, visitor = run(handlers)[-1]
    assert path is None and summary["stop_reason"] == "converged"
    assert "could not be written" in progress
    assert visitor.own["craft"] is not None
    assert [p.name for p in tmp_path.iterdir()] == ["not-a-folder"]


def test_a_full_disk_leaves_no_partial_file(handlers, monkeypatch, tmp_path):
    import safetensors.torch

    monkeypatch.setattr(ui_state, "TRAINED_DIR", tmp_path)

    def full(tensors, filename, metadata=None):
        open(filename, "wb").write(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safetensors.torch, "save_file", full)
    progress = run(handlers)[-1][0]
    assert "could not be written" in progress
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_gpu_where_there_is_none_is_refused_before_training(handlers):
    with pytest.raises(gr.Error) as info:
        run(handlers, device="gpu")
    assert info.value.message == "No GPU is available here; the devices this machine has are: cpu."


def test_expired_trained_files_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(ui_state, "TRAINED_DIR", tmp_path)
    old, new = tmp_path / "old.safetensors", tmp_path / "new.safetensors"
    old.write_bytes(b"x")
    new.write_bytes(b"x")
    import os
    import time

    os.utime(old, (time.time() - 100, time.time() - 100))
    assert ui_state.remove_expired(50) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["new.safetensors"]
