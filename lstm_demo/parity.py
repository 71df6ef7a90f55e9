"""The library as the oracle: transplant weights between the two models and compare everything."""

from __future__ import annotations

import copy

import torch

from .models import CraftLSTM, LSTMModel, Trace, craft_names, new_model, transplant


def _difference(a: torch.Tensor, b: torch.Tensor) -> float:
    """Absolute difference, relative where |a| > 1.

    Gates and H_t lie within (-1, 1), so for them this is the absolute difference; C_t can grow
    with the sequence, and float32 rounding grows with it.
    """
    return ((a - b).abs() / a.abs().clamp(min=1.0)).max().item()


def largest_difference(a: LSTMModel, b: LSTMModel, x: torch.Tensor) -> dict[str, float]:
    """Largest differences of prediction and trace between two models on input x."""
    with torch.no_grad():
        prediction = _difference(a(x), b(x))
        trace_a, trace_b = a.trace(x), b.trace(x)
        trace = max(_difference(getattr(trace_a, n), getattr(trace_b, n)) for n in Trace.columns())
    return {"prediction": prediction, "trace": trace}


def _gradients_in_craft_layout(model: LSTMModel) -> torch.Tensor:
    """The gradient of each of the hand-built cell's 12 parameters, in PARAMETER_NAMES order.

    For nn.LSTM the gradient of b = b_ih + b_hh equals that of either bias.
    """
    if isinstance(model, CraftLSTM):
        return torch.stack([getattr(model, n).grad for n in CraftLSTM.PARAMETER_NAMES])
    lstm = model.lstm
    by_name = craft_names(lstm.weight_ih_l0.grad, lstm.weight_hh_l0.grad, lstm.bias_ih_l0.grad)
    return torch.stack([by_name[n] for n in CraftLSTM.PARAMETER_NAMES])


def gradient_difference(a: LSTMModel, b: LSTMModel, x: torch.Tensor, y: torch.Tensor) -> float:
    """Largest difference between the two models' gradients of the squared-error loss.

    Computed on float64 copies: float32 gradients summed over 64 steps carry rounding of ~1e-6
    of their size, which would hide a real difference of that size. Relative to the largest
    gradient when that exceeds 1.
    """
    grads = []
    for model in (a, b):
        model = copy.deepcopy(model).double()
        ((model(x.double()) - y.double()) ** 2).sum().backward()
        grads.append(_gradients_in_craft_layout(model))
    scale = max(1.0, grads[0].abs().max().item())
    return (grads[0] - grads[1]).abs().max().item() / scale


def random_model(kind: str, generator: torch.Generator) -> LSTMModel:
    """Every parameter ~ N(0, 1): wider than either init, so the gates reach their extremes."""
    model = new_model(kind)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 1.0, generator=generator)
    return model


def parity_check(trials: int = 100, max_length: int = 64, batch: int = 3, seed: int = 0) -> dict:
    """Random weights and sequences of lengths 1..max_length, transplanted both ways.

    Returns the largest differences of predictions, traces and gradients over all trials.
    """
    generator = torch.Generator().manual_seed(seed)
    worst = {"prediction": 0.0, "trace": 0.0, "gradient": 0.0}
    for trial in range(trials):
        kind = ("craft", "builtin")[trial % 2]  # both directions
        source = random_model(kind, generator)
        target = transplant(source)
        length = 1 + trial % max_length
        x = torch.rand(batch, length, generator=generator) * 2 - 1
        y = torch.rand(batch, generator=generator)
        for name, value in largest_difference(source, target, x).items():
            worst[name] = max(worst[name], value)
        worst["gradient"] = max(worst["gradient"], gradient_difference(source, target, x, y))
    return {"trials": trials, "max_length": max_length, "largest_difference": worst}


def pretrained_parity(models: dict[str, LSTMModel], x: torch.Tensor) -> dict:
    """Each pretrained model against its own weights transplanted into the other model."""
    report = {}
    for kind, model in models.items():
        other = transplant(model)
        report[f"{kind} -> {other.kind}"] = largest_difference(model, other, x)
    report["largest_difference"] = max(v for r in report.values() for v in r.values())
    return report
