import pytest
import torch

from lstm_demo.models import (
    BuiltinLSTM,
    CraftLSTM,
    InputError,
    Trace,
    check_kind,
    new_model,
    to_builtin,
    to_craft,
    transplant,
)
from conftest import TRACE_COLUMNS
from lstm_demo.data import training_data
from lstm_demo.parity import gradient_difference, largest_difference, parity_check, random_model

COMPANIES, _ = training_data()  # (2, 4): Company A and Company B


@pytest.mark.parametrize("direction", ["craft->builtin", "builtin->craft"])
def test_transplanted_weights_agree_on_outputs_traces_and_gradients(direction):
    generator = torch.Generator().manual_seed(1 if direction.startswith("craft") else 2)
    kind = direction.split("->")[0]
    for length in range(1, 65):
        source = random_model(kind, generator)
        target = transplant(source)
        assert target.kind != source.kind
        x = torch.rand(3, length, generator=generator) * 4 - 2
        y = torch.rand(3, generator=generator)
        diff = largest_difference(source, target, x)
        assert diff["prediction"] < 1e-6, (length, diff)
        assert diff["trace"] < 1e-6, (length, diff)
        assert gradient_difference(source, target, x, y) < 1e-6, length


def test_parity_check_reports_a_difference_when_a_weight_is_off():
    craft = random_model("craft", torch.Generator().manual_seed(3))
    builtin = to_builtin(craft)
    with torch.no_grad():
        builtin.lstm.weight_hh_l0[1, 0] += 0.01  # the forget gate's recurrent weight
    assert largest_difference(craft, builtin, COMPANIES)["prediction"] > 1e-5


def test_parity_check_reports_the_largest_difference_over_its_trials():
    # The transplant test above covers every length from 1 to 64 in both directions; this one
    # checks the report that `parity` prints, on a few trials.
    report = parity_check(trials=8, max_length=64)
    assert report["trials"] == 8
    assert all(v < 1e-6 for v in report["largest_difference"].values()), report


def test_transplant_maps_the_gates_in_nn_lstm_order():
    craft = CraftLSTM()
    with torch.no_grad():
        for k, name in enumerate(CraftLSTM.PARAMETER_NAMES):
            getattr(craft, name).fill_(k + 1)
    lstm = to_builtin(craft).lstm
    # nn.LSTM stacks input, forget, candidate ("g"), output.
    assert lstm.weight_ih_l0[:, 0].tolist() == [
        craft.w_xi.item(),
        craft.w_xf.item(),
        craft.w_xc.item(),
        craft.w_xo.item(),
    ]
    assert lstm.weight_hh_l0[:, 0].tolist() == [
        craft.w_hi.item(),
        craft.w_hf.item(),
        craft.w_hc.item(),
        craft.w_ho.item(),
    ]
    assert (lstm.bias_ih_l0 + lstm.bias_hh_l0).tolist() == [
        craft.b_i.item(),
        craft.b_f.item(),
        craft.b_c.item(),
        craft.b_o.item(),
    ]
    back = to_craft(to_builtin(craft))
    torch.testing.assert_close(back.state_dict(), craft.state_dict(), rtol=0, atol=0)


def test_builtin_trace_matches_the_librarys_own_states():
    model = random_model("builtin", torch.Generator().manual_seed(4))
    x = torch.rand(2, 9)
    trace = model.trace(x)
    out, (h_n, c_n) = model.lstm(x.unsqueeze(-1))
    torch.testing.assert_close(trace.short_memory, out[..., 0], rtol=0, atol=1e-7)
    torch.testing.assert_close(trace.long_memory[:, -1], c_n[0, :, 0], rtol=0, atol=1e-6)
    torch.testing.assert_close(trace.short_memory, trace.output_gate * torch.tanh(trace.long_memory), rtol=0, atol=1e-6)


def test_trace_follows_the_equations_step_by_step():
    model = random_model("craft", torch.Generator().manual_seed(5))
    x = torch.tensor([0.3, -0.7, 1.2])
    t = model.trace(x)
    c = h = 0.0
    p = {n: getattr(model, n).item() for n in CraftLSTM.PARAMETER_NAMES}
    for step, x_t in enumerate(x.tolist()):
        f = torch.sigmoid(torch.tensor(x_t * p["w_xf"] + h * p["w_hf"] + p["b_f"])).item()
        i = torch.sigmoid(torch.tensor(x_t * p["w_xi"] + h * p["w_hi"] + p["b_i"])).item()
        g = torch.tanh(torch.tensor(x_t * p["w_xc"] + h * p["w_hc"] + p["b_c"])).item()
        o = torch.sigmoid(torch.tensor(x_t * p["w_xo"] + h * p["w_ho"] + p["b_o"])).item()
        c = f * c + i * g
        h = o * torch.tanh(torch.tensor(c)).item()
        got = [
            t.forget_gate[step],
            t.input_gate[step],
            t.candidate[step],
            t.output_gate[step],
            t.long_memory[step],
            t.short_memory[step],
        ]
        torch.testing.assert_close(torch.stack(got), torch.tensor([f, i, g, o, c, h]), rtol=0, atol=1e-6)


@pytest.mark.parametrize("kind", ["builtin", "craft"])
def test_a_batch_gives_the_same_predictions_as_one_sequence_at_a_time(kind):
    model = new_model(kind, seed=7)
    batch = model(COMPANIES)
    assert batch.shape == (2,)
    assert model(COMPANIES[0]).shape == ()
    torch.testing.assert_close(batch, torch.stack([model(COMPANIES[0]), model(COMPANIES[1])]))


@pytest.mark.parametrize("kind", ["builtin", "craft"])
@pytest.mark.parametrize("length", [1, 10_000])
def test_sequences_from_one_step_to_the_limit(kind, length):
    model = new_model(kind, seed=0)
    x = torch.rand(length)
    with torch.no_grad():
        trace = model.trace(x)
        prediction = model(x)
    assert trace.input.shape == (length,)
    assert list(Trace.columns()) == TRACE_COLUMNS
    assert prediction.item() == pytest.approx(trace.short_memory[-1].item(), abs=1e-6)
    rows = trace.rows()
    assert len(rows) == length and rows[0]["step"] == 1


def test_seed_42_starts_where_the_seed_starts():
    # FACTS.md: the seed's hand-built cell after seed_everything(42), before training.
    predictions = new_model("craft", seed=42)(COMPANIES).tolist()
    assert predictions == pytest.approx([-0.0377, -0.0383], abs=1e-4)
    assert new_model("craft", seed=42).b_f.item() == 0.0


def test_init_uses_a_private_generator_not_the_global_one():
    torch.manual_seed(0)
    a = new_model("builtin", seed=3).state_dict()
    torch.manual_seed(999)
    b = new_model("builtin", seed=3).state_dict()
    torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_unknown_model_names_are_refused():
    with pytest.raises(InputError, match="choose 'builtin' or 'craft'"):
        check_kind("../etc")
    assert isinstance(new_model("builtin"), BuiltinLSTM)


def within(a: torch.Tensor, b: torch.Tensor) -> float:
    """parity's measure: the absolute difference, relative where |a| > 1 (C_t may grow with the length)."""
    return ((a - b).abs() / a.abs().clamp(min=1.0)).max().item()


@pytest.mark.parametrize("kind", ["craft", "builtin"])
def test_the_trace_equals_the_step_by_step_torch_loop(kind):
    """The trace in floats (hand-built) or with C_t in floats (built-in) against the loop of torch calls it
    replaced (bench/baselines.py), over random weights, lengths 1 to 64 and one of 10,000, a batch and
    a single sequence, float32 and float64: the same numbers, dtype and shape."""
    from bench.baselines import torch_loop_trace

    generator = torch.Generator().manual_seed(11 if kind == "craft" else 12)
    for length in [*range(1, 65), 10_000]:
        model = random_model(kind, generator)
        x = torch.rand(1 if length == 10_000 else 3, length, generator=generator) * 4 - 2
        for dtype, tolerance in ((torch.float32, 1e-6), (torch.float64, 1e-12)):
            model, x = model.to(dtype), x.to(dtype)
            for sequences in (x[0],) if length == 10_000 else (x, x[0]):
                with torch.no_grad():
                    got, want = model.trace(sequences), torch_loop_trace(model, sequences)
                for name in Trace.columns():
                    a, b = getattr(got, name), getattr(want, name)
                    assert a.dtype == b.dtype == dtype and a.shape == b.shape == sequences.shape, (name, length)
                    assert within(a, b) < tolerance, (name, length, dtype, within(a, b))
            if length < 10_000:
                with torch.no_grad():  # the trace ends where the forward pass does
                    assert within(model.trace(x).short_memory[:, -1], model(x)) < tolerance


def test_the_playgrounds_switched_gates_hold_in_the_trace_as_in_the_forward_pass():
    from bench.baselines import torch_loop_trace
    from lstm_demo.explore import SWITCHES, playground_model

    parameters = dict(
        zip(CraftLSTM.PARAMETER_NAMES, torch.randn(12, generator=torch.Generator().manual_seed(5)).tolist())
    )
    x = torch.rand(2, 30, generator=torch.Generator().manual_seed(6)) * 2 - 1
    for switch in SWITCHES:
        model = playground_model(parameters, [switch])
        gate, value = SWITCHES[switch]
        with torch.no_grad():
            got, want = model.trace(x), torch_loop_trace(model, x)
        held = {"forget": got.forget_gate, "input": got.input_gate, "output": got.output_gate}[gate]
        assert torch.all(held == value), switch
        for name in Trace.columns():
            assert within(getattr(got, name), getattr(want, name)) < 1e-6, (switch, name)


def test_trace_rows_of_ten_thousand_steps_are_the_traces_values():
    model = random_model("craft", torch.Generator().manual_seed(7))
    x = torch.rand(10_000, generator=torch.Generator().manual_seed(8))
    with torch.no_grad():
        trace = model.trace(x)
    rows = trace.rows()
    assert [row["step"] for row in rows] == list(range(1, 10_001))
    assert list(rows[0]) == ["step", *TRACE_COLUMNS]
    for name in TRACE_COLUMNS:
        assert [row[name] for row in rows] == getattr(trace, name).tolist()
