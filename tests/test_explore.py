"""The Explore tab's experiments: the package functions, then the endpoints through gradio_client."""

import pytest
import torch
from gradio_client.exceptions import AppError

from lstm_demo.callbacks import Snapshots
from lstm_demo.data import training_data
from lstm_demo.explore import decision_curve, playground_model
from lstm_demo.lottery import THRESHOLD, lottery, population, population_predictions
from lstm_demo.models import CraftLSTM, craft_parameters, new_model
from lstm_demo.training import train
from lstm_demo.weights import load_model

COMPANIES, LABELS = training_data()  # (2, 4), (2,): Company A and Company B


def test_playground_with_the_pretrained_values_predicts_as_the_pretrained_model():
    craft = load_model("craft")
    model = playground_model(craft_parameters(craft))
    torch.testing.assert_close(model(COMPANIES), craft(COMPANIES))


def test_gate_switches_do_what_they_say():
    parameters = craft_parameters(load_model("craft"))
    x = torch.tensor([1.0, 0.5, 0.25, 1.0])
    no_input = playground_model(parameters, ["input=0"]).trace(x)
    assert torch.all(no_input.long_memory == 0) and torch.all(no_input.short_memory == 0)  # nothing ever gets in
    kept = playground_model(parameters, ["forget=1"]).trace(x)
    torch.testing.assert_close(kept.long_memory[1:] - kept.long_memory[:-1], (kept.input_gate * kept.candidate)[1:])
    opened = playground_model(parameters, ["output=1"]).trace(x)
    torch.testing.assert_close(opened.short_memory, torch.tanh(opened.long_memory))
    with pytest.raises(ValueError, match="cannot be forced to both"):
        playground_model(parameters, ["forget=1", "forget=0"])


def test_decision_curve_sweeps_one_day_and_meets_the_companies_at_its_ends():
    models = {"craft": load_model("craft")}
    rows = decision_curve(models, day=1, base=(1.0, 0.5, 0.25, 1.0), points=11)
    assert [r["value"] for r in rows] == pytest.approx([i / 10 for i in range(11)])
    assert rows[0]["prediction"] == pytest.approx(load_model("craft").predict([0, 0.5, 0.25, 1]), abs=1e-6)  # Company A
    assert rows[-1]["prediction"] == pytest.approx(
        load_model("craft").predict([1, 0.5, 0.25, 1]), abs=1e-6
    )  # Company B


def test_population_member_0_starts_where_seed_42_starts():
    cells = population(3, torch.Generator().manual_seed(0))
    torch.testing.assert_close(cells(COMPANIES)[0], new_model("craft", seed=42)(COMPANIES))
    assert not torch.equal(cells(COMPANIES)[1], cells(COMPANIES)[0])


def test_the_lottery_matches_separate_trainings_of_each_start():
    # Adam updates each element on its own, so the vectorised lottery equals three plain loops.
    result = lottery(3, 100, learning_rate=0.1, seed=7)
    cells = population(3, torch.Generator().manual_seed(7))
    inputs, labels = COMPANIES, LABELS
    for member in range(3):
        cell = CraftLSTM()
        with torch.no_grad():
            for name in CraftLSTM.PARAMETER_NAMES:
                getattr(cell, name).fill_(getattr(cells, name).flatten()[member].item())
        optimizer = torch.optim.Adam(cell.parameters(), lr=0.1)
        for _ in range(100):
            optimizer.zero_grad()
            ((cell(inputs) - labels) ** 2).sum().backward()
            optimizer.step()
        with torch.no_grad():
            loss = ((cell(inputs) - labels) ** 2).sum().item()
        assert result.final_losses[member] == pytest.approx(loss, rel=1e-3, abs=1e-6)


def test_population_predictions_are_the_hand_built_cells_equations():
    cells = population(50, torch.Generator().manual_seed(1)).double()
    rows = torch.stack([getattr(cells, name).detach().reshape(-1) for name in CraftLSTM.PARAMETER_NAMES])
    x = torch.rand(3, 9, generator=torch.Generator().manual_seed(2), dtype=torch.float64) * 4 - 2
    torch.testing.assert_close(population_predictions(rows, x), cells(x), rtol=1e-12, atol=1e-12)


def test_the_lottery_reports_the_share_that_converged():
    result = lottery(300, 500, learning_rate=0.1)
    assert 0.6 < result.converged_share < 0.9  # about 77% of N(0, 1) starts converge within 500 steps
    assert result.seed_42_loss < THRESHOLD
    assert result.model_steps_per_second > 0


def test_snapshots_are_bounded_and_end_at_the_last_epoch():
    keep = Snapshots(every=50)
    result = train("craft", "statquest", epochs=200, callbacks=[keep])
    epochs = [e for e, _ in keep.kept]
    assert epochs == [0, 50, 100, 150, 200]
    last = new_model("craft")
    last.load_state_dict(keep.kept[-1][1])
    assert last.predict([1, 0.5, 0.25, 1]) == pytest.approx(result.predictions["company_b"], abs=1e-6)


def test_decision_curve_endpoint(client):
    plot = client.predict(2, "Company A", api_name="/decision_curve")
    series = {row[2] for row in plot["data"]}
    assert {"built-in", "hand-built"} <= series


def test_lottery_endpoint_returns_the_converged_share(client):
    summary = client.predict(200, 300, 0.1, "cpu", api_name="/lottery")
    assert 0 <= summary["converged_share"] <= 1 and summary["inits"] == 200
    assert summary["converged"] == round(summary["converged_share"] * 200)
    with pytest.raises(AppError, match="Random starts x epochs may be at most 2,000,000 per draw"):
        client.predict(100_000, 1000, 0.1, "cpu", api_name="/lottery")


def test_race_endpoint_streams_both_learning_rates(client):
    text, plot = client.predict("builtin", 42, 0.001, 0.1, 100, api_name="/race")
    assert text.startswith("**Finished.**") and "lr 0.001" in text and "lr 0.1" in text
    assert {row[2] for row in plot["data"]} == {"learning rate 0.001", "learning rate 0.1"}


def test_a_trainings_replay_keeps_its_first_and_last_weights_and_hands_an_epoch_to_inside():
    """Time-travel is Retrain's replay now: the visitor keeps the training's snapshots (the page draws
    them in the browser), from the first weights to the trained ones, and "open in Inside" makes one
    epoch's weights the visitor's own."""
    import gradio as gr

    from lstm_demo.limits import Limits
    from lstm_demo.models import model_from_flat
    from lstm_demo.ui.common import Served
    from lstm_demo.ui.inside import Inside
    from lstm_demo.ui.retrain import Retrain, named_weights
    from lstm_demo.ui.state import Visitor
    from lstm_demo.weights import load_pretrained

    served = Served(load_pretrained(), Limits(max_snapshots=10))
    retrain, visitor = Retrain(served), Visitor()
    with pytest.raises(gr.Error, match="Train a model in Retrain first"):
        retrain.open_in_inside(visitor, gr.EventData(None, {"epoch": 3}))
    *_, summary, _, visitor = list(retrain.train("craft", "statquest", 100, 0.05, 42, "cpu", visitor))[-1]
    kept = visitor.snapshots
    assert kept.kind == "craft" and [e for e, _ in kept] == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert all(len(values) == 12 for _, values in kept)  # the hand-built cell's 12 floats a snapshot
    first, last = (model_from_flat("craft", kept[k][1]) for k in (0, -1))
    for model, predictions in ((first, summary["predictions_before"]), (last, summary["predictions"])):
        assert model.predict([1, 0.5, 0.25, 1]) == pytest.approx(predictions["company_b"], abs=1e-5)
        assert model.predict([0, 0.5, 0.25, 1]) == pytest.approx(predictions["company_a"], abs=1e-5)
    # What the drawing gets of a snapshot: the 12 named weights of that epoch's model.
    assert named_weights("craft", list(kept[-1][1])) == pytest.approx(craft_parameters(last), abs=1e-7)
    visitor, tabs, model, use_own = retrain.open_in_inside(visitor, gr.EventData(None, {"epoch": 50}))
    assert model == "craft" and use_own and visitor.own_source["craft"] == "epoch 50"
    assert tabs.selected == "inside"
    _, trace = Inside(served).traced("1, 0.5, 0.25, 1", "craft", visitor)  # what every Inside view is made of
    last_h = trace.rows()[-1]["short_memory"]
    at_50 = model_from_flat("craft", dict(kept)[50])
    assert last_h == pytest.approx(at_50.predict([1, 0.5, 0.25, 1]), abs=1e-5)
    assert last_h != pytest.approx(load_model("craft").predict([1, 0.5, 0.25, 1]), abs=1e-3)
