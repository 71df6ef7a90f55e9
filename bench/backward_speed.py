"""What one optimizer step of the hand-built cell costs, with autograd and with the backward pass
through time written by hand (lstm_demo/backward.py; the other forms in bench/baselines.py), and
where the time goes.

a) The statquest recipe's step (batch of one, Adam lr 0.001, seed 42's init), in microseconds,
   with no Lightning around it (Lightning's own per-step cost is in bench/train_speed.py):
     (a)  eager autograd through CraftLSTM + Adam(foreach): the trainer's step before blocks
     (b)  the autograd.Function CraftBPTT + Adam(foreach)
     (c)  the float forward and backward + gradients into .grad + a torch Adam step, in several
          forms: 12 scalar parameters or one flat (12,) parameter; Adam foreach, for-loop or fused
     (c') and (c'') the same with torch's fused Adam called as a function, then as its bare kernel:
          what torch.optim.Optimizer.step() costs beyond the arithmetic
     (d)  the float forward and backward + Adam in floats: the floor, with no PyTorch at all
   and the pieces: the float forward + backward alone, one PyTorch call (torch.add of two 0-d
   tensors), reading 12 parameters, writing 12 gradients.
   The same float steps inside a Lightning training_step (manual optimization), through Lightning's
   optimizer wrapper and through the torch optimizer it wraps.
b) The lottery's step (N = 1000 cells, full batch of 2, T = 4, Adam lr 0.1), in model-steps per
   second, no Lightning: eager autograd with foreach Adam over 12 tensors (before blocks) against
   CraftBPTT, and the lottery's form now (one (12, N) tensor, fused Adam) through autograd
   (lottery.population_predictions) or the hand-written backward (CraftBPTTGates), and the form
   the lottery trains with on the CPU: the hand-written backward in NumPy
   (backward.population_loss_and_grads) writing the rows' .grad through views.

Every form first trains 100 epochs from seed 42 and must give the predictions of (a) to 1e-5.
The forms then take turns, chunk by chunk, so that noise from other jobs lands on all of them;
figures are medians over chunks. torch.set_num_threads(1), as the trainer does.

    python bench/backward_speed.py           # ~1 min on a 2-core machine
    python bench/backward_speed.py --quick   # smoke run, ~10 s
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import torch
from common import median, print_footer, print_header, progress
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode

from baselines import CraftBPTTGates, FloatGradients, craft_predictions, squared_error
from lstm_demo.backward import loss_and_grads, population_loss_and_grads
from lstm_demo.data import COMPANIES, training_data
from lstm_demo.lottery import population, population_predictions
from lstm_demo.models import CraftLSTM, new_model

NAMES = CraftLSTM.PARAMETER_NAMES
LEARNING_RATE = 0.001  # the statquest recipe's, for the hand-built cell
CHECK_EPOCHS = 100
AGREEMENT = 1e-5
SEQUENCES = [([list(c.sequence)], [c.label]) for c in COMPANIES]  # batch of one: A, then B
INPUTS = [torch.tensor([c.sequence]) for c in COMPANIES]
LABELS = [torch.tensor([c.label]) for c in COMPANIES]


# -- The forms of one statquest step. Each `make_*` returns (step(i), predictions()) from seed 42. --


def make_eager():
    model = new_model("craft", 42)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, foreach=True)

    def step(i):
        optimizer.zero_grad()
        ((model(INPUTS[i % 2]) - LABELS[i % 2]) ** 2).mean().backward()
        optimizer.step()

    return step, lambda: [model.predict(list(c.sequence)) for c in COMPANIES]


def make_function(gates_side_by_side: bool = False):
    def make():
        model = new_model("craft", 42)
        optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, foreach=True)

        def step(i):
            optimizer.zero_grad()
            squared_error(craft_predictions(model, INPUTS[i % 2], gates_side_by_side), LABELS[i % 2]).backward()
            optimizer.step()

        return step, lambda: [model.predict(list(c.sequence)) for c in COMPANIES]

    return make


def make_floats_scalars(**adam):
    """The model's own 12 scalar parameters; FloatGradients reads and writes them through NumPy."""

    def make():
        model = new_model("craft", 42)
        bridge = FloatGradients(model)
        optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, **adam)

        def step(i):
            sequences, labels = SEQUENCES[i % 2]
            _, grads, _ = loss_and_grads(bridge.values(), sequences, labels)
            bridge.set_grads(grads)
            optimizer.step()

        return step, lambda: [model.predict(list(c.sequence)) for c in COMPANIES]

    return make


def flat_parameter() -> nn.Parameter:
    """Seed 42's 12 values as one (12,) Parameter, with its .grad allocated once."""
    model = new_model("craft", 42)
    flat = nn.Parameter(torch.stack([getattr(model, name).detach() for name in NAMES]))
    flat.grad = torch.zeros_like(flat)
    return flat


def float_predictions(values: list[float]) -> list[float]:
    return loss_and_grads(values, [s[0][0] for s in SEQUENCES], [s[1][0] for s in SEQUENCES])[2]


def make_floats_flat(**adam):
    """One flat (12,) Parameter: the optimizer sees one tensor instead of 12."""

    def make():
        flat = flat_parameter()
        values, grad = flat.detach().numpy(), flat.grad.numpy()  # views: no PyTorch call to read or write
        optimizer = torch.optim.Adam([flat], lr=LEARNING_RATE, **adam)

        def step(i):
            sequences, labels = SEQUENCES[i % 2]
            _, grads, _ = loss_and_grads(values.tolist(), sequences, labels)
            grad[:] = grads
            optimizer.step()

        return step, lambda: float_predictions(values.tolist())

    return make


def make_floats_flat_functional():
    """torch's fused Adam called as a function (torch.optim.adam.adam) on the optimizer's own state:
    what Optimizer.step() costs beyond its kernel (hooks, profiler records, grouping)."""
    from torch.optim.adam import adam as adam_function

    flat = flat_parameter()
    values, grad = flat.detach().numpy(), flat.grad.numpy()
    optimizer = torch.optim.Adam([flat], lr=LEARNING_RATE, fused=True)
    state = optimizer.state[flat]
    state["step"] = torch.tensor(0.0)
    state["exp_avg"], state["exp_avg_sq"] = torch.zeros_like(flat), torch.zeros_like(flat)
    group = optimizer.param_groups[0]
    tensors = ([flat], [flat.grad], [state["exp_avg"]], [state["exp_avg_sq"]], [], [state["step"]])
    options = dict(
        amsgrad=False, beta1=group["betas"][0], beta2=group["betas"][1], lr=group["lr"],
        weight_decay=0.0, eps=group["eps"], maximize=False, fused=True,
    )  # fmt: skip

    def step(i):
        sequences, labels = SEQUENCES[i % 2]
        _, grads, _ = loss_and_grads(values.tolist(), sequences, labels)
        grad[:] = grads
        adam_function(*tensors, **options)

    return step, lambda: float_predictions(values.tolist())


def make_floats_flat_kernel():
    """torch's fused Adam kernel called directly (torch._fused_adam_, a private API): the floor of
    any step that hands the update to PyTorch, as a Lightning block trainer could do in one call."""
    flat = flat_parameter()
    values, grad = flat.detach().numpy(), flat.grad.numpy()
    exp_avg, exp_avg_sq, count = torch.zeros_like(flat), torch.zeros_like(flat), torch.tensor(0.0)
    options = dict(
        amsgrad=False, lr=LEARNING_RATE, beta1=0.9, beta2=0.999, weight_decay=0.0, eps=1e-8, maximize=False,
    )  # fmt: skip

    def step(i):
        sequences, labels = SEQUENCES[i % 2]
        _, grads, _ = loss_and_grads(values.tolist(), sequences, labels)
        grad[:] = grads
        count.add_(1)  # the kernel reads the step count for its bias corrections
        with torch.no_grad():
            torch._fused_adam_([flat], [flat.grad], [exp_avg], [exp_avg_sq], [], [count], **options)

    return step, lambda: float_predictions(values.tolist())


def make_pure_floats():
    """Adam in floats too (torch's formula): the floor, usable only outside a torch optimizer."""
    model = new_model("craft", 42)
    values = [getattr(model, name).item() for name in NAMES]
    exp_avg, exp_avg_sq, count = [0.0] * 12, [0.0] * 12, [0]
    beta1, beta2, eps = 0.9, 0.999, 1e-8

    def step(i):
        sequences, labels = SEQUENCES[i % 2]
        _, grads, _ = loss_and_grads(values, sequences, labels)
        count[0] += 1
        step_size = LEARNING_RATE / (1 - beta1 ** count[0])
        root_correction = math.sqrt(1 - beta2 ** count[0])
        for k, g in enumerate(grads):
            exp_avg[k] = beta1 * exp_avg[k] + (1 - beta1) * g
            exp_avg_sq[k] = beta2 * exp_avg_sq[k] + (1 - beta2) * g * g
            values[k] -= step_size * exp_avg[k] / (math.sqrt(exp_avg_sq[k]) / root_correction + eps)

    return step, lambda: float_predictions(values)


STEP_FORMS: dict[str, Callable] = {
    "(a) eager autograd + Adam(foreach)  [before blocks]": make_eager,
    "(b) CraftBPTT Function + Adam(foreach)": make_function(),
    "(b) CraftBPTTGates Function + Adam(foreach)": make_function(gates_side_by_side=True),
    "(c) floats, 12 scalars + Adam(foreach)": make_floats_scalars(foreach=True),
    "(c) floats, 12 scalars + Adam(foreach=False)": make_floats_scalars(foreach=False),
    "(c) floats, 12 scalars + Adam(fused)": make_floats_scalars(fused=True),
    "(c) floats, flat (12,) + Adam(foreach)": make_floats_flat(foreach=True),
    "(c) floats, flat (12,) + Adam(foreach=False)": make_floats_flat(foreach=False),
    "(c) floats, flat (12,) + Adam(fused)": make_floats_flat(fused=True),
    "(c') floats, flat (12,) + fused adam() as a function": make_floats_flat_functional,
    "(c'') floats, flat (12,) + torch._fused_adam_ kernel": make_floats_flat_kernel,
    "(d) floats + Adam in floats  [floor]": make_pure_floats,
}


def check_agreement() -> dict[str, float]:
    """Each form's largest difference from (a)'s predictions after CHECK_EPOCHS epochs."""
    differences, reference = {}, None
    for name, make in STEP_FORMS.items():
        step, predictions = make()
        for i in range(2 * CHECK_EPOCHS):
            step(i)
        got = predictions()
        reference = reference or got
        differences[name] = max(abs(a - b) for a, b in zip(got, reference))
    return differences


def per_call_us(fn: Callable[[int], object], calls: int) -> float:
    started = time.perf_counter()
    for i in range(calls):
        fn(i)
    return (time.perf_counter() - started) / calls * 1e6


def take_turns(forms: dict[str, tuple[Callable, int]], rounds: int) -> dict[str, float]:
    """Median microseconds per call of each (fn, calls per chunk), chunks taking turns."""
    for fn, calls in forms.values():  # warm-up: first calls pay for lazy initialisation
        per_call_us(fn, max(1, calls // 10))
    chunks: dict[str, list[float]] = {name: [] for name in forms}
    for round_ in range(rounds):
        progress(f"  round {round_ + 1}/{rounds}")
        for name, (fn, calls) in forms.items():
            chunks[name].append(per_call_us(fn, calls))
    return {name: median(values) for name, values in chunks.items()}


def statquest_steps(rounds: int, scale: float) -> dict[str, float]:
    forms = {}
    for name, make in STEP_FORMS.items():
        step, _ = make()
        # About 0.1-0.3 s a chunk whatever the form: slow forms take fewer steps per chunk.
        forms[name] = (step, max(20, int((100 if name.startswith("(a)") or name.startswith("(b)") else 1000) * scale)))
    model = new_model("craft", 42)
    parameters = [getattr(model, name) for name in NAMES]
    bridge = FloatGradients(new_model("craft", 42))
    grads = [0.01 * k for k in range(12)]
    a, b = torch.tensor(1.0), torch.tensor(2.0)
    values = [getattr(model, name).item() for name in NAMES]
    pieces = {
        "floats: forward + backward, batch of one (T=4)": (lambda i: loss_and_grads(values, *SEQUENCES[i % 2]), 2000),
        "floats: forward + backward, batch of two (T=4)": (
            lambda i: loss_and_grads(values, [s[0][0] for s in SEQUENCES], [s[1][0] for s in SEQUENCES]),
            1000,
        ),
        "one PyTorch call: torch.add of two 0-d tensors": (lambda i: torch.add(a, b), 5000),
        "read 12 params: torch.stack(params).tolist()": (lambda i: torch.stack(parameters).tolist(), 2000),
        "read 12 params: [p.item() for p in params]": (lambda i: [p.item() for p in parameters], 2000),
        "read 12 params: FloatGradients.values() (NumPy views)": (lambda i: bridge.values(), 5000),
        "write 12 grads: torch.tensor(g) + 12 p.grad.copy_": (
            lambda i: [p.copy_(v) for p, v in zip(bridge.grad.unbind(), torch.tensor(grads).unbind())],
            1000,
        ),
        "write 12 grads: torch._foreach_copy_ from torch.tensor(g)": (
            lambda i: torch._foreach_copy_([p.grad for p in bridge.parameters], torch.tensor(grads).unbind()),
            1000,
        ),
        "write 12 grads: FloatGradients.set_grads (one NumPy write)": (lambda i: bridge.set_grads(grads), 5000),
    }
    forms.update({name: (fn, max(20, int(calls * scale))) for name, (fn, calls) in pieces.items()})
    return take_turns(forms, rounds)


def lottery_steps(rounds: int, scale: float, members: int = 1000) -> dict[str, float]:
    inputs, labels = training_data()

    def make(form: str):
        cells = population(members, torch.Generator().manual_seed(0))
        optimizer = torch.optim.Adam(cells.parameters(), lr=0.1, foreach=True)

        def step(i):
            optimizer.zero_grad()
            if form == "eager":
                predictions = cells(inputs)  # (N, 2)
            else:
                predictions = craft_predictions(cells, inputs, gates_side_by_side=form == "gates")
            squared_error(predictions, labels, "sum").backward()
            optimizer.step()

        return step

    def make_rows(hand_written: bool):
        """The lottery's form now: one (12, N) tensor, fused Adam; autograd through
        population_predictions, or the hand-written backward (CraftBPTTGates) on views of the rows."""
        cells = population(members, torch.Generator().manual_seed(0))
        rows = nn.Parameter(torch.stack([getattr(cells, name).detach().reshape(-1) for name in NAMES]))
        optimizer = torch.optim.Adam([rows], lr=0.1, fused=True)
        shapes = [getattr(cells, name).shape for name in NAMES]

        def step(i):
            optimizer.zero_grad()
            if hand_written:
                views = [row.view(shape) for row, shape in zip(rows.unbind(0), shapes)]
                predictions = CraftBPTTGates.apply(inputs, *views)
            else:
                predictions = population_predictions(rows, inputs)
            squared_error(predictions, labels, "sum").backward()
            optimizer.step()

        return step

    def make_numpy_rows():
        """The lottery on the CPU now: population_loss_and_grads fills the rows' .grad through NumPy
        views (no autograd, no zero_grad), then fused Adam."""
        cells = population(members, torch.Generator().manual_seed(0))
        rows = nn.Parameter(torch.stack([getattr(cells, name).detach().reshape(-1) for name in NAMES]))
        rows.grad = torch.zeros_like(rows)
        optimizer = torch.optim.Adam([rows], lr=0.1, fused=True)
        values, grads, x, y = rows.detach().numpy(), rows.grad.numpy(), inputs.numpy(), labels.numpy()

        def step(i):
            population_loss_and_grads(values, x, y, grads)
            optimizer.step()

        return step

    calls = max(5, int(50 * scale))
    forms = {
        "eager autograd + Adam(foreach)  [before blocks]": (make("eager"), calls),
        "CraftBPTT Function + Adam(foreach)": (make("function"), calls),
        "CraftBPTTGates Function + Adam(foreach)": (make("gates"), calls),
        "(12, N) rows, CraftBPTTGates + Adam(fused)": (make_rows(True), calls),
        "(12, N) rows, population_predictions + Adam(fused)": (make_rows(False), calls),
        "(12, N) rows, NumPy backward + Adam(fused)  [now, CPU]": (make_numpy_rows(), calls),
    }
    return {name: members / (us * 1e-6) for name, us in take_turns(forms, rounds).items()}


def lightning_optimizer_steps(rounds: int, scale: float) -> dict[str, float]:
    """Float steps with fused Adam inside one Lightning training_step (manual optimization), as a
    block trainer would take them: through Lightning's optimizer wrapper, or through the torch
    optimizer it wraps. Chunks of the two alternate, one per Lightning step."""
    import lightning as L

    from lstm_demo.training import quiet_lightning

    forms = ("LightningOptimizer.step()", "LightningOptimizer.optimizer.step()")
    steps = max(20, int(500 * scale))
    chunks: dict[str, list[float]] = {name: [] for name in forms}

    class Blocks(L.LightningModule):
        def __init__(self):
            super().__init__()
            self.model = new_model("craft", 42)
            self.automatic_optimization = False

        def configure_optimizers(self):
            return torch.optim.Adam(self.model.parameters(), lr=LEARNING_RATE, fused=True)

        def training_step(self, batch, batch_idx):
            wrapper = self.optimizers()
            bridge = FloatGradients(self.model)
            name = forms[batch_idx % 2]
            step = wrapper.step if name == forms[0] else wrapper.optimizer.step
            started = time.perf_counter()
            for i in range(steps):
                sequences, labels = SEQUENCES[i % 2]
                _, grads, _ = loss_and_grads(bridge.values(), sequences, labels)
                bridge.set_grads(grads)
                step()
            if batch_idx >= 2:  # the first chunk of each pays for lazy initialisation
                chunks[name].append((time.perf_counter() - started) / steps * 1e6)

    with quiet_lightning():
        trainer = L.Trainer(
            accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
            enable_progress_bar=False, enable_model_summary=False,
        )  # fmt: skip
        trainer.fit(Blocks(), train_dataloaders=torch.utils.data.DataLoader(range(2 * rounds + 2), batch_size=None))
    return {name: median(values) for name, values in chunks.items()}


class CountCalls(TorchDispatchMode):
    """Counts the operator calls PyTorch dispatches (autograd's own backward included)."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.calls += 1
        return func(*args, **(kwargs or {}))


def operator_calls() -> dict[str, int]:
    """PyTorch operator calls per step: a figure that no other job on the machine can disturb."""
    counts = {}
    for name, make in STEP_FORMS.items():
        step, _ = make()
        step(0)  # the first step creates the optimizer's state
        with CountCalls() as counter:
            step(1)
        counts[name] = counter.calls
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer and shorter chunks")
    args = parser.parse_args()
    rounds, scale = (3, 0.2) if args.quick else (7, 1.0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        print_header(
            "One optimizer step of the hand-built cell: autograd vs the backward written by hand",
            {"rounds": rounds, "statquest": "batch of one, Adam lr 0.001", "lottery": "N=1000, B=2, T=4, Adam lr 0.1"},
        )
        print("The machine may be busy (shared by other jobs): compare rows of one run, not runs.\n")

        progress("checking that every form trains as (a) does")
        print(f"Agreement with (a) after {CHECK_EPOCHS} statquest epochs (must be <= {AGREEMENT:g}):")
        ok = True
        for name, difference in check_agreement().items():
            ok &= difference <= AGREEMENT
            print(f"  {name:58s} {difference:.2e}  {'ok' if difference <= AGREEMENT else 'DIFFERS'}")
        print()

        print("PyTorch operator calls per statquest step (counted, not timed):")
        for name, calls in operator_calls().items():
            print(f"  {name:58s} {calls:5d}")
        print()

        progress("statquest steps")
        results = statquest_steps(rounds, scale)
        eager = results["(a) eager autograd + Adam(foreach)  [before blocks]"]
        print("Statquest step (batch of one), median µs per optimizer step, and x faster than (a):")
        for name, us in results.items():
            if name == "floats: forward + backward, batch of one (T=4)":
                print("Pieces, µs per call:")
            ratio = f"{eager / us:7.1f}x" if name.startswith("(") else ""
            print(f"  {name:58s} {us:9.1f} µs  {ratio}")
        print("10,000 steps (5000 epochs), before Lightning's cost per block:")
        for prefix in ("(a)", "(c)", "(c')", "(c'')", "(d)"):
            fastest = min(us for n, us in results.items() if n.startswith(prefix + " "))
            print(f"  at the fastest {prefix:5s} form: {fastest * 1e-2:6.2f} s")
        print()

        progress("float steps inside Lightning")
        print("Float steps + Adam(fused) on 12 scalars inside one Lightning training_step (manual optimization):")
        for name, us in lightning_optimizer_steps(rounds, scale).items():
            print(f"  {name:58s} {us:9.1f} µs")
        print()

        progress("lottery steps")
        lottery = lottery_steps(rounds, scale)
        print("Lottery step (N=1000, full batch of 2, T=4), model-steps per second:")
        base = lottery["eager autograd + Adam(foreach)  [before blocks]"]
        for name, rate in lottery.items():
            print(f"  {name:58s} {rate:12,.0f}  {rate / base:5.2f}x")
        print()
        print_footer()
        if not ok:
            raise SystemExit("a form does not train as eager autograd does")
    finally:
        torch.set_num_threads(threads)


if __name__ == "__main__":
    main()
