"""The hand-written backward pass through time (lstm_demo/backward.py) against autograd through CraftLSTM.

Autograd through the hand-built cell's forward pass is the oracle: float64, random weights (normal,
scale 1 to 2), random sequences of lengths 1 to 64, one sequence, batches, and a population.
"""

import pytest
import torch

from lstm_demo.backward import REDUCTIONS, FlatCraft, loss_and_grads
from lstm_demo.data import COMPANIES
from lstm_demo.models import CraftLSTM, new_model
from lstm_demo.training import train

NAMES = CraftLSTM.PARAMETER_NAMES
CASES = 36  # random (weights, sequences) per batch size


def random_cell(generator: torch.Generator) -> CraftLSTM:
    cell = CraftLSTM().double()
    scale = 1.0 + torch.rand((), generator=generator).item()
    with torch.no_grad():
        for name in NAMES:
            getattr(cell, name).normal_(0.0, scale, generator=generator)
    return cell


def random_cases(seed: int, batch: int):
    """(cell, x (batch, T), labels (batch,)) with T spread over 1..64, always including 1 and 64."""
    generator = torch.Generator().manual_seed(seed)
    lengths = [1, 64] + torch.randint(1, 65, (CASES - 2,), generator=generator).tolist()
    for length in lengths:
        cell = random_cell(generator)
        x = torch.rand(batch, length, generator=generator, dtype=torch.float64) * 4 - 2
        labels = torch.rand(batch, generator=generator, dtype=torch.float64)
        yield cell, x, labels


def squared_error(predictions, labels, reduction):
    """L = w * sum_b (H_T - y)^2, w = 1 ("sum") or 1/B ("mean"): backward.py's loss."""
    return ((predictions - labels) ** 2).sum() * (1.0 if reduction == "sum" else 1.0 / labels.shape[-1])


def autograd_gradients(cell, x, labels, reduction):
    parameters = [getattr(cell, name) for name in NAMES]
    loss = squared_error(cell(x), labels, reduction)  # CraftLSTM's forward: autograd does the backward
    return loss, torch.autograd.grad(loss, parameters)


@pytest.mark.parametrize("batch", [1, 2, 8])
def test_float_version_equals_autograd_for_random_weights_and_lengths(batch):
    for case, (cell, x, labels) in enumerate(random_cases(seed=10 + batch, batch=batch)):
        reduction = REDUCTIONS[case % 2]
        expected_loss, expected = autograd_gradients(cell, x, labels, reduction)
        values = [getattr(cell, name).item() for name in NAMES]
        loss, grads, predictions = loss_and_grads(values, x.tolist(), labels.tolist(), reduction)
        torch.testing.assert_close(loss, expected_loss.item(), rtol=1e-9, atol=1e-9)
        with torch.no_grad():
            torch.testing.assert_close(predictions, cell(x).tolist(), rtol=1e-12, atol=1e-12)
        for name, got, want in zip(NAMES, grads, expected):
            torch.testing.assert_close(
                got, want.item(), rtol=1e-6, atol=1e-6, msg=f"{name}, T={x.shape[1]}, {reduction}"
            )


def test_float_version_refuses_an_unknown_reduction():
    with pytest.raises(ValueError, match="reduction"):
        loss_and_grads([0.0] * 12, [[1.0]], [0.0], reduction="max")


# What the trainer gives after 2000 epochs of the statquest recipe, to 6 decimals (tests/test_training.py
# checks the trainer against the seed's 0.4342 / 0.6171); the live comparison below is over its first 200.
TRAINER_AFTER_2000_EPOCHS = {"company_a": 0.434201, "company_b": 0.617090}


def test_float_steps_with_a_torch_optimizer_replay_the_statquest_trainer():
    """Batch of one, A then B, Adam lr 0.001 from seed 42's init: the trainer's predictions to 1e-5."""
    live_epochs = 200
    expected = train("craft", "statquest", epochs=live_epochs).predictions
    model = new_model("craft", 42)
    flat = FlatCraft(model)
    optimizer = torch.optim.Adam([flat.flat], lr=0.001, fused=True)
    for epoch in range(1, 2001):
        for company in COMPANIES:
            _, grads, _ = loss_and_grads(flat.values(), [company.sequence], [company.label])
            flat.set_grads(grads)
            optimizer.step()
        if epoch == live_epochs:
            flat.write_back()
            for company in COMPANIES:
                assert model.predict(list(company.sequence)) == pytest.approx(expected[company.key], abs=1e-5)
    flat.write_back()
    for company in COMPANIES:
        got = model.predict(list(company.sequence))
        assert got == pytest.approx(TRAINER_AFTER_2000_EPOCHS[company.key], abs=1e-5)


def test_flat_parameters_step_with_the_float_gradients_and_write_back_into_the_model():
    """float64: one flat (12,) tensor, the hand-written gradients in its .grad, the values back in the model."""
    model = random_cell(torch.Generator().manual_seed(3))
    flat = FlatCraft(model)
    assert flat.values() == [getattr(model, name).item() for name in NAMES]
    x, labels = (
        torch.tensor([[0.0, 0.5, 0.25, 1.0], [1.0, 0.5, 0.25, 1.0]], dtype=torch.float64),
        torch.tensor([0.0, 1.0], dtype=torch.float64),
    )
    _, expected = autograd_gradients(model, x, labels, "mean")
    _, grads, _ = loss_and_grads(flat.values(), x.tolist(), labels.tolist(), "mean")
    flat.set_grads(grads)
    torch.testing.assert_close(flat.flat.grad, torch.stack(expected), rtol=1e-9, atol=1e-9)
    before = flat.values()
    torch.optim.SGD([flat.flat], lr=0.1).step()
    assert [getattr(model, name).item() for name in NAMES] == before  # the model's own copy, until written back
    flat.write_back()
    assert [getattr(model, name).item() for name in NAMES] == flat.values()
    assert flat.values() == pytest.approx([b - 0.1 * g for b, g in zip(before, grads)], abs=1e-12)


@pytest.mark.parametrize("batch", [1, 2, 3])
def test_the_populations_numpy_gradients_equal_autograd(batch):
    """lottery on the CPU: population_loss_and_grads (NumPy) against autograd through
    lottery.population_predictions, float64, 1 to 64 steps, biases that matter."""
    from lstm_demo.backward import population_loss_and_grads
    from lstm_demo.lottery import population_predictions

    generator = torch.Generator().manual_seed(batch)
    for length in [1, 2, 4, 17, 64]:
        rows = torch.randn(12, 33, generator=generator, dtype=torch.float64) * 1.5
        x = torch.rand(batch, length, generator=generator, dtype=torch.float64) * 4 - 2
        labels = torch.rand(batch, generator=generator, dtype=torch.float64)
        rows.requires_grad_()
        expected_loss = ((population_predictions(rows, x) - labels) ** 2).sum()
        expected_loss.backward()
        grads = torch.full((12, 33), float("nan"), dtype=torch.float64)  # written whole, or the test sees NaN
        loss = population_loss_and_grads(rows.detach().numpy(), x.numpy(), labels.numpy(), grads.numpy())
        assert loss == pytest.approx(expected_loss.item(), rel=1e-12)
        torch.testing.assert_close(grads, rows.grad, rtol=1e-6, atol=1e-6, msg=f"T={length}, B={batch}")
