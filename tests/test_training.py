import logging
import math
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import pytest
import torch
from lightning.pytorch.callbacks import Callback

from lstm_demo.errors import InputError, TrainingError
from lstm_demo.limits import Limits
from lstm_demo.models import new_model
from lstm_demo.callbacks import Snapshots
from lstm_demo.recipes import RECIPES, available_devices, get_recipe, resolve_device
from lstm_demo.training import train

ROOT = Path(__file__).resolve().parent.parent


def test_statquest_recipe_reproduces_the_seeds_hand_built_numbers_after_2000_epochs():
    result = train("craft", "statquest", epochs=2000)
    assert result.epochs == 2000 and result.stop_reason == "completed"
    assert result.predictions_before["company_a"] == pytest.approx(-0.0377, abs=1e-4)
    assert result.predictions["company_a"] == pytest.approx(0.4342, abs=1e-4)
    assert result.predictions["company_b"] == pytest.approx(0.6171, abs=1e-4)
    # The record of each epoch holds what the seed logged as "Out 0" and "Out 1".
    assert len(result.history) == 2000
    assert result.history[-1].company_a == pytest.approx(0.4342, abs=1e-3)


# The trainer's predictions before blocks and the hand-written backward, recorded then: seed 42,
# statquest recipe, hand-built cell. 5000 epochs are the StatQuest video's 0.0022 / 0.9693.
BEFORE_BLOCKS = {3000: (0.27076486, 0.75337559), 5000: (0.00216868, 0.96926379)}


@pytest.mark.parametrize("epochs", sorted(BEFORE_BLOCKS))
def test_statquest_recipe_gives_the_numbers_of_the_trainer_before_blocks(epochs):
    result = train("craft", "statquest", epochs=epochs)
    assert result.epochs == len(result.history) == epochs and result.stop_reason == "completed"
    want_a, want_b = BEFORE_BLOCKS[epochs]
    assert result.predictions["company_a"] == pytest.approx(want_a, abs=1e-5)
    assert result.predictions["company_b"] == pytest.approx(want_b, abs=1e-5)
    if epochs == 5000:
        assert result.predictions["company_a"] == pytest.approx(0.0022, abs=1e-4)
        assert result.predictions["company_b"] == pytest.approx(0.9693, abs=1e-4)


class LightningSteps(Callback):
    """A plain Lightning callback: counts the training steps (blocks), between which it runs."""

    def __init__(self):
        self.steps = 0

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        self.steps += 1


def numbers(record):
    return record.epoch, record.loss, record.company_a, record.company_b


def run(kind, recipe, epochs, **options):
    records, snapshots, steps = [], Snapshots(every=7), LightningSteps()
    result = train(kind, recipe, epochs=epochs, on_epoch=records.append, callbacks=[snapshots, steps], **options)
    return result, records, snapshots.kept, steps.steps


@pytest.mark.parametrize(
    "kind, recipe, epochs", [("craft", "statquest", 400), ("builtin", "statquest", 60), ("craft", "fast", None),
                             ("builtin", "fast", None)]
)  # fmt: skip
def test_blocks_give_the_numbers_of_one_epoch_per_step(kind, recipe, epochs):
    blocks, records, kept, steps = run(kind, recipe, epochs)
    alone, alone_records, alone_kept, alone_steps = run(kind, recipe, epochs, block_ms=0)
    assert alone_steps == len(alone_records) and steps < alone_steps  # there were blocks of several epochs
    assert blocks.epochs == alone.epochs and blocks.stop_reason == alone.stop_reason
    assert [numbers(r) for r in records] == [numbers(r) for r in blocks.history] == [numbers(r) for r in alone_records]
    assert [e for e, _ in kept] == [e for e, _ in alone_kept]
    for (_, state), (_, alone_state) in zip(kept, alone_kept):
        torch.testing.assert_close(state, alone_state, rtol=0, atol=0)
    torch.testing.assert_close(blocks.model.state_dict(), alone.model.state_dict(), rtol=0, atol=0)
    if recipe == "fast":  # it stops at the epoch where both are within 0.01, and skips that update
        assert blocks.epochs == {"craft": 48, "builtin": 134}[kind] == len(records) - 1


def test_records_carry_the_time_since_training_began():
    result = train("craft", "statquest", epochs=300)
    seconds = [r.seconds for r in result.history]
    assert 0 < seconds[0] and seconds == sorted(seconds) and seconds[-1] <= result.seconds


def test_statquest_recipe_reproduces_the_seeds_builtin_numbers_after_300_epochs():
    result = train("builtin", "statquest")
    assert result.epochs == 300 == RECIPES["statquest"]["builtin"].epochs
    assert result.predictions["company_a"] == pytest.approx(6.78e-05, abs=1e-4)
    assert result.predictions["company_b"] == pytest.approx(0.9809, abs=1e-4)


@pytest.mark.parametrize("kind", ["builtin", "craft"])
def test_fast_recipe_converges_for_seed_42(kind):
    result = train(kind, "fast")
    assert result.stop_reason == "converged"
    assert result.epochs < 200
    assert abs(result.predictions["company_a"] - 0.0) <= 0.01
    assert abs(result.predictions["company_b"] - 1.0) <= 0.01
    assert result.loss < 1e-4


def test_same_seed_gives_identical_weights_even_when_two_trainings_run_at_once():
    results = {}

    def run(name, seed):
        results[name] = train("craft", "fast", seed=seed, epochs=150)

    threads = [threading.Thread(target=run, args=(n, s)) for n, s in (("a", 5), ("b", 5), ("c", 6))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
        assert not t.is_alive()
    alone = train("craft", "fast", seed=5, epochs=150)
    weights = {n: r.model.state_dict() for n, r in results.items()}
    torch.testing.assert_close(weights["a"], weights["b"], rtol=0, atol=0)
    torch.testing.assert_close(weights["a"], alone.model.state_dict(), rtol=0, atol=0)
    assert any(not torch.equal(weights["a"][n], weights["c"][n]) for n in weights["a"])


def test_progress_reports_every_epoch_with_both_predictions():
    records = []
    result = train("builtin", "statquest", epochs=20, on_epoch=records.append)
    assert [r.epoch for r in records] == list(range(1, 21))
    assert records == result.history
    assert all(r.loss >= 0 and -1 <= r.company_a <= 1 for r in records)


@pytest.mark.parametrize("kind", ["craft", "builtin"])
def test_stop_ends_at_an_epoch_boundary_and_result_history_and_snapshots_agree(kind):
    # The statquest recipe makes two updates an epoch (A, then B): a Stop between them would
    # leave weights holding half an epoch that the history does not count.
    stop = threading.Event()
    snapshots = Snapshots(every=4)

    def on_epoch(record):
        if record.epoch == 10:
            stop.set()

    result = train(kind, "statquest", epochs=5000, on_epoch=on_epoch, stop=stop, callbacks=[snapshots])
    assert result.stop_reason == "stopped"
    assert result.epochs == len(result.history) == snapshots.kept[-1][0] == 10
    assert [epochs for epochs, _ in snapshots.kept] == [0, 4, 8, 10]
    exactly_ten = train(kind, "statquest", epochs=10)
    torch.testing.assert_close(result.model.state_dict(), exactly_ten.model.state_dict(), rtol=0, atol=0)
    torch.testing.assert_close(snapshots.kept[-1][1], exactly_ten.model.state_dict(), rtol=0, atol=0)


def epochs_lasting(kind: str, seconds: float) -> int:
    """Statquest epochs that take this machine at least 20 times `seconds` to train, at the rate
    measured now (a short training's records: epochs per second of training), within the limits' range."""
    probe = train(kind, "statquest", epochs=200).history[-1]
    return min(1_000_000, max(10_000, math.ceil(20 * seconds * probe.epoch / probe.seconds)))


@pytest.mark.parametrize("kind", ["craft", "builtin"])
def test_time_limit_stops_with_a_partial_result_at_the_first_epoch_past_it(kind):
    records, epochs = [], epochs_lasting(kind, 0.3)
    result = train(
        kind, "statquest", epochs=epochs, max_seconds=0.3, on_epoch=records.append, limits=Limits(max_epochs=epochs)
    )
    assert result.stop_reason == "time_limit"
    assert 1 < result.epochs == len(records) < epochs
    assert result.seconds >= 0.3  # Lightning's Timer: it stops at the first epoch's end past the limit
    # ... checked after every epoch, inside a block too: the epoch before ended within the limit.
    assert records[-2].seconds < 0.3


def test_more_training_continues_from_a_given_model():
    first = train("craft", "statquest", epochs=50)
    second = train(first.model, "statquest", epochs=50)
    assert second.predictions_before == first.predictions
    assert second.kind == "craft"


def test_recipes_are_named_values():
    assert get_recipe("statquest", "craft").learning_rate == 0.001
    assert get_recipe("statquest", "builtin").learning_rate == 0.1
    assert get_recipe("statquest", "craft").epochs == 5000
    assert get_recipe("fast", "craft").full_batch and get_recipe("fast", "craft").tolerance == 0.01
    with pytest.raises(InputError, match="Unknown recipe"):
        get_recipe("slow", "craft")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_gpu_without_cuda_names_the_devices_there_are():
    with pytest.raises(TrainingError, match="No GPU is available here; the devices this machine has are: cpu"):
        train("craft", "fast", device="gpu")
    assert resolve_device("auto") == "cpu"
    assert available_devices() == ["cpu"]
    with pytest.raises(InputError, match="Unknown device"):
        resolve_device("tpu")


def test_training_and_the_lottery_print_nothing_in_a_fresh_process():
    # In a fresh process, as the command line and the Space run it: pytest would catch warnings
    # itself (and drops filters installed while it collects), so only a process of its own shows
    # what a person would see.
    code = (
        "from lstm_demo.training import train; from lstm_demo.lottery import lottery; "
        "train('builtin', 'fast'); train('craft', 'statquest', epochs=3); lottery(10, 5)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (done.stdout, done.stderr) == ("", "")


def lightning_levels() -> dict[str, int]:
    return {name: logging.getLogger(name).level for name in ("lightning", "lightning.pytorch", "lightning.fabric")}


def test_a_training_and_the_lottery_leave_the_callers_process_as_it_was(monkeypatch):
    from lstm_demo.lottery import lottery

    threads = torch.get_num_threads()
    torch.set_num_threads(3)  # a count no training sets, so that a leftover 1 shows
    try:
        for name, level in zip(lightning_levels(), (logging.DEBUG, logging.INFO, logging.ERROR)):
            monkeypatch.setattr(logging.getLogger(name), "level", level)
        levels, filters = lightning_levels(), list(warnings.filters)
        model = new_model("craft", seed=0)
        result = train(model, "fast", epochs=5)
        assert result.model is model and next(model.parameters()).device == torch.device("cpu")
        lottery(4, 3)
        assert torch.get_num_threads() == 3
        assert lightning_levels() == levels
        assert warnings.filters == filters
    finally:
        torch.set_num_threads(threads)


def test_two_trainings_at_once_restore_lightnings_levels_only_when_both_have_ended(monkeypatch):
    monkeypatch.setattr(logging.getLogger("lightning.pytorch"), "level", logging.DEBUG)
    first_epoch, release = threading.Event(), threading.Event()
    seen_during = []

    def hold(record):
        first_epoch.set()
        release.wait(timeout=120)  # a deadline: the main thread releases it at once

    other = threading.Thread(target=lambda: train("craft", "fast", epochs=2, on_epoch=hold))
    other.start()
    try:
        assert first_epoch.wait(timeout=120)
        train("builtin", "fast", epochs=2)  # ends while the other training still runs
        seen_during.append(logging.getLogger("lightning.pytorch").level)
    finally:
        release.set()
        other.join(timeout=120)
    assert not other.is_alive()
    assert seen_during == [logging.WARNING]
    assert logging.getLogger("lightning.pytorch").level == logging.DEBUG


def test_adam_recipes_train_with_lean_adam_and_the_numbers_of_torchs_fused_adam():
    """The built-in model's statquest updates, through the trainer (optimizers.adam, blocks), equal a
    bare loop with torch.optim.Adam(fused=True) to the bit; Rprop recipes keep torch's Rprop."""
    from lstm_demo.data import training_data
    from lstm_demo.optimizers import LEAN_MISSING, LeanAdam
    from lstm_demo.recipes import Recipe
    from lstm_demo.tasks import LSTMTask

    adam = LeanAdam if LEAN_MISSING is None else torch.optim.Adam  # the fallback where torch lacks a name
    recipe = get_recipe("statquest", "builtin")
    assert type(LSTMTask(new_model("builtin", 42), recipe).configure_optimizers()) is adam
    craft = LSTMTask(new_model("craft", 42), get_recipe("statquest", "craft"))
    assert type(craft.configure_optimizers()) is adam
    rprop = Recipe("rprop", epochs=10, learning_rate=0.01, full_batch=True, optimizer="rprop")
    assert type(LSTMTask(new_model("builtin", 42), rprop).configure_optimizers()) is torch.optim.Rprop

    epochs = 40
    trained = train("builtin", "statquest", epochs=epochs).model
    model = new_model("builtin", recipe.seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=recipe.learning_rate, fused=True)
    inputs, labels = training_data()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for _ in range(epochs):
            for k in range(2):  # batch of one, A then B
                optimizer.zero_grad()
                ((model(inputs[k : k + 1]) - labels[k : k + 1]) ** 2).mean().backward()
                optimizer.step()
    finally:
        torch.set_num_threads(threads)
    torch.testing.assert_close(trained.state_dict(), model.state_dict(), rtol=0, atol=0)
