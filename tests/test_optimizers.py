"""LeanAdam against torch.optim.Adam(fused=True): the same numbers to the bit, the same state dict,
and torch's own step wherever the lean path does not apply."""

from __future__ import annotations

import io
import sys

import pytest
import torch

from lstm_demo.optimizers import LeanAdam

SHAPES = {"flat": [(12,)], "builtin": [(4, 1), (4, 1), (4,), (4,)], "population": [(12, 50)]}


@pytest.fixture(autouse=True)
def one_thread():
    """One torch thread, as the trainer runs (training.single_thread): a second kernel thread would make
    thousands of tiny steps wait for a core."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def twin_parameters(shapes, dtype, seed=0):
    generator = torch.Generator().manual_seed(seed)
    values = [torch.randn(shape, generator=generator, dtype=dtype) for shape in shapes]
    return [torch.nn.Parameter(v.clone()) for v in values], [torch.nn.Parameter(v.clone()) for v in values]


def step_both(reference, lean, ref_params, lean_params, steps, seed=1, every_other_none=False):
    """`steps` steps of both optimizers on the same random gradients."""
    generator = torch.Generator().manual_seed(seed)
    for k in range(steps):
        for n, (p, q) in enumerate(zip(ref_params, lean_params)):
            if every_other_none and n == 0 and k % 2:
                p.grad = q.grad = None  # a parameter that got no gradient this step is not stepped
                continue
            grad = torch.randn(p.shape, generator=generator, dtype=p.dtype) * 10.0 ** (k % 5 - 3)
            p.grad, q.grad = grad.clone(), grad.clone()
        reference.step()
        lean.step()


def through_bytes(state_dict: dict) -> dict:
    buffer = io.BytesIO()
    torch.save(state_dict, buffer)
    buffer.seek(0)
    return torch.load(buffer)


def same_state(a: torch.optim.Optimizer, b: torch.optim.Optimizer) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    if sa["param_groups"] != sb["param_groups"] or sa["state"].keys() != sb["state"].keys():
        return False
    return all(
        sa["state"][k].keys() == sb["state"][k].keys()
        and all(torch.equal(sa["state"][k][name], sb["state"][k][name]) for name in sa["state"][k])
        and all(sa["state"][k][name].dtype == sb["state"][k][name].dtype for name in sa["state"][k])
        for k in sa["state"]
    )


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("layout", list(SHAPES))
def test_lean_adam_equals_fused_adam_to_the_bit(dtype, layout):
    ref_params, lean_params = twin_parameters(SHAPES[layout], dtype)
    reference = torch.optim.Adam(ref_params, lr=0.01, fused=True)
    lean = LeanAdam(lean_params, lr=0.01)
    step_both(reference, lean, ref_params, lean_params, 1000)
    assert all(torch.equal(p, q) for p, q in zip(ref_params, lean_params))
    assert same_state(reference, lean)


@pytest.mark.parametrize(
    "options",
    [
        {"amsgrad": True},
        {"weight_decay": 0.1},
        {"maximize": True, "betas": (0.8, 0.99), "eps": 1e-6},
        {"weight_decay": 0.1, "decoupled_weight_decay": True},
    ],
)
def test_lean_adam_equals_fused_adam_with_other_options(options):
    ref_params, lean_params = twin_parameters(SHAPES["builtin"], torch.float64)
    reference = torch.optim.Adam(ref_params, lr=0.01, fused=True, **options)
    lean = LeanAdam(lean_params, lr=0.01, **options)
    step_both(reference, lean, ref_params, lean_params, 300, every_other_none=True)
    assert all(torch.equal(p, q) for p, q in zip(ref_params, lean_params))
    assert same_state(reference, lean)


def test_lean_adam_takes_the_lean_path_after_the_first_step():
    """The step counts move through NumPy views only on the lean path: the view cache fills then."""
    params = [torch.nn.Parameter(torch.randn(12))]
    lean = LeanAdam(params)
    params[0].grad = torch.randn(12)
    lean.step()  # the first step creates the state through torch's step
    assert lean._step_views == {}
    lean.step()
    assert len(lean._step_views) == 1
    assert lean.state[params[0]]["step"].item() == 2.0


def test_state_dict_round_trip_continues_identically():
    ref_params, lean_params = twin_parameters(SHAPES["flat"], torch.float32)
    reference = torch.optim.Adam(ref_params, lr=0.01, fused=True)
    lean = LeanAdam(lean_params, lr=0.01)
    step_both(reference, lean, ref_params, lean_params, 50)
    # Through bytes, as a checkpoint goes (load_state_dict keeps the tensors it is given, so two
    # optimizers loaded from one live state dict would share their state), into a fresh LeanAdam on
    # copies of the parameters, and from LeanAdam into torch's Adam too.
    resumed_params = [torch.nn.Parameter(p.detach().clone()) for p in lean_params]
    resumed = LeanAdam(resumed_params, lr=0.5)
    resumed.load_state_dict(through_bytes(lean.state_dict()))
    assert resumed.param_groups[0]["lr"] == 0.01
    crossed_params = [torch.nn.Parameter(p.detach().clone()) for p in lean_params]
    crossed = torch.optim.Adam(crossed_params, lr=0.01, fused=True)
    crossed.load_state_dict(through_bytes(lean.state_dict()))
    step_both(reference, resumed, ref_params, resumed_params, 50, seed=2)
    step_both(lean, crossed, lean_params, crossed_params, 50, seed=2)
    assert all(torch.equal(p, q) for p, q in zip(ref_params, resumed_params))
    assert all(torch.equal(p, q) for p, q in zip(ref_params, crossed_params))
    assert same_state(reference, resumed)


def test_closure_and_hooks_take_torchs_step():
    ref_params, lean_params = twin_parameters(SHAPES["flat"], torch.float64)
    reference = torch.optim.Adam(ref_params, lr=0.01, fused=True)
    lean = LeanAdam(lean_params, lr=0.01)
    step_both(reference, lean, ref_params, lean_params, 3)
    target = torch.linspace(-1, 1, 12, dtype=torch.float64)

    def closure_of(params, optimizer):
        def closure():
            optimizer.zero_grad()
            loss = ((params[0] - target) ** 2).sum()
            loss.backward()
            return loss

        return closure

    ref_loss = reference.step(closure_of(ref_params, reference))
    lean_loss = lean.step(closure_of(lean_params, lean))
    assert lean_loss is not None and torch.equal(ref_loss, lean_loss)  # a closure's loss comes back
    calls = []
    handle = lean.register_step_post_hook(lambda optimizer, args, kwargs: calls.append(optimizer))
    try:
        step_both(reference, lean, ref_params, lean_params, 2)
    finally:
        handle.remove()
    assert calls == [lean, lean]
    assert all(torch.equal(p, q) for p, q in zip(ref_params, lean_params))


def test_a_new_parameter_group_gets_its_state_and_joins_the_lean_step():
    ref_params, lean_params = twin_parameters(SHAPES["builtin"], torch.float32)
    reference = torch.optim.Adam(ref_params[:2], lr=0.01, fused=True)
    lean = LeanAdam(lean_params[:2], lr=0.01)
    step_both(reference, lean, ref_params[:2], lean_params[:2], 5)
    reference.add_param_group({"params": ref_params[2:], "lr": 0.05})
    lean.add_param_group({"params": lean_params[2:], "lr": 0.05})
    step_both(reference, lean, ref_params, lean_params, 20)
    assert all(torch.equal(p, q) for p, q in zip(ref_params, lean_params))
    assert same_state(reference, lean)


def test_zero_grad_sets_every_gradient_to_none_or_zeros_in_place():
    params = [torch.nn.Parameter(torch.randn(shape)) for shape in SHAPES["builtin"]]
    lean = LeanAdam(params)
    for p in params:
        p.grad = torch.randn(p.shape)
    kept = [p.grad for p in params]
    lean.zero_grad(set_to_none=False)
    assert all(p.grad is g and not p.grad.any() for p, g in zip(params, kept))
    lean.zero_grad()
    assert all(p.grad is None for p in params)


# -- The start-up check and the lean path in the package's trainings --------------------------------


def test_the_lean_step_is_what_runs_in_the_packages_trainings(monkeypatch):
    """Every Adam step of the package's trainings (the hand-built cell's flat tensor, the built-in
    model's four tensors, the lottery's (12, N) rows) takes the lean path, except the first of each,
    which creates the optimizer's state through torch's own step."""
    from lstm_demo import optimizers
    from lstm_demo.lottery import lottery
    from lstm_demo.training import train

    assert optimizers.LEAN_MISSING is None  # this torch has every private name LeanAdam uses
    lean, full = [], []
    lean_step, hooked = LeanAdam._lean_step, optimizers._hooked

    def counted_lean(self, plans):
        lean.append(sum(len(plan[1]) for plan in plans))  # the tensors stepped by one kernel call
        return lean_step(self, plans)

    def counted_full(step):
        full.append(step)
        return hooked(step)

    monkeypatch.setattr(LeanAdam, "_lean_step", counted_lean)
    monkeypatch.setattr(optimizers, "_hooked", counted_full)
    train("craft", "statquest", epochs=20)  # 40 updates, batch of one
    assert (lean, len(full)) == ([1] * 39, 1)
    lean.clear(), full.clear()
    train("builtin", "statquest", epochs=20)
    assert (lean, len(full)) == ([4] * 39, 1)
    lean.clear(), full.clear()
    lottery(10, 30)
    assert (lean, len(full)) == ([1] * 29, 1)


@pytest.mark.parametrize(
    "name, change",
    [
        ("torch._fused_adam_", lambda mp: mp.delattr(torch, "_fused_adam_")),
        ("torch._fused_adamw_", lambda mp: mp.delattr(torch, "_fused_adamw_")),
        ("torch.optim.optimizer._global_optimizer_pre_hooks",
         lambda mp: mp.setattr(sys.modules["torch.optim.optimizer"], "_global_optimizer_pre_hooks", [])),
        ("torch.optim.optimizer.Optimizer.profile_hook_step",
         lambda mp: mp.delattr(torch.optim.Optimizer, "profile_hook_step")),
    ],
)  # fmt: skip
def test_the_check_names_a_private_name_that_is_missing_or_of_another_kind(monkeypatch, name, change):
    from lstm_demo.optimizers import PRIVATE_NAMES, missing_private_name

    assert name in PRIVATE_NAMES and missing_private_name() is None
    change(monkeypatch)
    assert missing_private_name() == name


def test_without_a_private_name_training_falls_back_to_torchs_fused_adam_and_says_so_once():
    """In a fresh process whose torch lacks `_fused_adamw_`: adam() hands out torch.optim.Adam(fused=True),
    one line names what is missing, and a training runs with the same numbers."""
    import subprocess

    from conftest import ROOT

    code = (
        "import logging, torch; del torch._fused_adamw_; "
        "logging.basicConfig(format='%(levelname)s %(message)s'); "
        "from lstm_demo import optimizers; from lstm_demo.training import train; "
        "o = optimizers.adam([torch.nn.Parameter(torch.zeros(3))], 0.1); "
        "print(type(o).__name__, o.defaults['fused'], optimizers.LEAN_MISSING); "
        "print(train('builtin', 'statquest', epochs=30).predictions['company_b'])"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    kind, _, rest = done.stdout.partition("\n")
    assert kind == "Adam True torch._fused_adamw_"
    lines = [line for line in done.stderr.splitlines() if "LeanAdam" in line]
    assert len(lines) == 1 and "torch._fused_adamw_" in lines[0] and "Adam(fused=True)" in lines[0]
    from lstm_demo.training import train

    assert float(rest) == train("builtin", "statquest", epochs=30).predictions["company_b"]  # the same to the bit
