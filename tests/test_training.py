import threading

import pytest
import torch

from lstm_demo.errors import InputError, TrainingError
from lstm_demo.training import RECIPES, available_devices, get_recipe, resolve_device, train


def test_statquest_recipe_reproduces_the_seeds_hand_built_numbers_after_2000_epochs():
    result = train("craft", "statquest", epochs=2000)
    assert result.epochs == 2000 and result.stop_reason == "completed"
    assert result.predictions_before["company_a"] == pytest.approx(-0.0377, abs=1e-4)
    assert result.predictions["company_a"] == pytest.approx(0.4342, abs=1e-4)
    assert result.predictions["company_b"] == pytest.approx(0.6171, abs=1e-4)
    # The record of each epoch holds what the seed logged as "Out 0" and "Out 1".
    assert len(result.history) == 2000
    assert result.history[-1].company_a == pytest.approx(0.4342, abs=1e-3)


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
        t.join()
    alone = train("craft", "fast", seed=5, epochs=150)
    weights = {n: r.model.state_dict() for n, r in results.items()}
    for name in alone.model.state_dict():
        assert torch.equal(weights["a"][name], weights["b"][name])
        assert torch.equal(weights["a"][name], alone.model.state_dict()[name])
    assert any(not torch.equal(weights["a"][n], weights["c"][n]) for n in weights["a"])


def test_progress_reports_every_epoch_with_both_predictions():
    records = []
    result = train("builtin", "statquest", epochs=20, on_epoch=records.append)
    assert [r.epoch for r in records] == list(range(1, 21))
    assert records == result.history
    assert all(r.loss >= 0 and -1 <= r.company_a <= 1 for r in records)


def test_stop_signal_ends_training_within_one_step():
    stop = threading.Event()
    seen = []

    def on_epoch(record):
        seen.append(record.epoch)
        if record.epoch == 10:
            stop.set()

    result = train("craft", "statquest", epochs=5000, on_epoch=on_epoch, stop=stop)
    assert result.stop_reason == "stopped"
    assert result.epochs == 10 and seen[-1] == 10


def test_time_limit_stops_with_a_partial_result():
    result = train("craft", "statquest", epochs=10_000, max_seconds=0.3)
    assert result.stop_reason == "time_limit"
    assert 0 < result.epochs < 10_000
    assert result.seconds < 3


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


def test_training_leaves_lightning_quiet(capfd):
    train("builtin", "fast")
    out, err = capfd.readouterr()
    assert out == "" and "GPU available" not in err and "LOCAL_RANK" not in err
