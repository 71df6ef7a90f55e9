"""Adam for the trainers: `adam(params, lr)`, LeanAdam where this torch has what it needs, else
torch.optim.Adam(fused=True).

The models here are tiny: the hand-built cell trains as one (12,) tensor, the built-in nn.LSTM(1, 1)
as four tensors of 4 values, the lottery as one (12, N) tensor. An optimizer step is then PyTorch's
cost per call, not arithmetic: `torch.optim.Adam(fused=True).step()` spends most of its time in the
Python around the kernel it ends in (`torch._fused_adam_`): the profiler's record_function and the
step hooks (Optimizer.profile_hook_step), the no-grad wrapper, the functional `adam()` dispatch,
the lists `_init_group` rebuilds, grouping the tensors by device and dtype, and a separate
`_foreach_add_` kernel for the step counts (`python bench/train_speed.py` prints both steps).

LeanAdam keeps everything that makes it a torch optimizer (it *is* a torch.optim.Adam with
fused=True: the same param_groups, the same state and state_dict layout, load_state_dict,
Lightning holds it from configure_optimizers) and replaces only that path, when the step is the
plain case this project makes: CPU tensors whose state exists, one dtype per group, float lr, no
closure, no step hooks, no AMP grad scaler. Then a step is, per param group: the step counts +1
through NumPy views (no PyTorch call), and one `torch._fused_adam_` (or `_fused_adamw_`) call
with grad mode off, the exact call torch's own fused path makes, so the numbers are the same to
the bit (tests/test_optimizers.py). `zero_grad()` (set_to_none) is the plain loop it is, without
the profiler's record_function. Anything else (the first step, which creates the state; a
closure; hooks; a GPU) goes through torch.optim.Adam.step unchanged.

torch's private names: every one LeanAdam uses is in PRIVATE_NAMES below, and nowhere else in the
package. At import each is checked (present, of the expected kind, and one lean step equal to
torch's own fused step); if one fails, `adam()` hands out torch.optim.Adam(fused=True) instead
and one line is logged naming what is missing (LEAN_MISSING holds it).
"""

from __future__ import annotations

import logging

import torch
from torch.optim import optimizer as _optimizer_module
from torch.optim.optimizer import Optimizer

log = logging.getLogger("lstm_demo.optimizers")

# The private names LeanAdam uses, each with what it must be.
PRIVATE_NAMES = {
    "torch._fused_adam_": lambda: callable(torch._fused_adam_),
    "torch._fused_adamw_": lambda: callable(torch._fused_adamw_),
    "torch._C._set_grad_enabled": lambda: callable(torch._C._set_grad_enabled),
    "torch.optim.optimizer._global_optimizer_pre_hooks": lambda: isinstance(
        _optimizer_module._global_optimizer_pre_hooks, dict
    ),
    "torch.optim.optimizer._global_optimizer_post_hooks": lambda: isinstance(
        _optimizer_module._global_optimizer_post_hooks, dict
    ),
    "torch.optim.optimizer.Optimizer.profile_hook_step": lambda: callable(Optimizer.profile_hook_step),
    "Optimizer._optimizer_step_pre_hooks and _optimizer_step_post_hooks": lambda: all(
        isinstance(getattr(_probe(), name), dict)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks")
    ),
}


def _probe() -> torch.optim.Adam:
    return torch.optim.Adam([torch.nn.Parameter(torch.zeros(3))], lr=0.1, fused=True)


def _hooked(step):
    """A step with the profiler's record_function and the step hooks around it, as Optimizer.__init__
    wraps a class's step once (and marks it `hooked`); Adam's may not be wrapped yet."""
    return step if getattr(step, "hooked", False) else Optimizer.profile_hook_step(step)


class LeanAdam(torch.optim.Adam):
    """torch.optim.Adam(fused=True) with a step that calls the fused kernel directly (module docstring).

    Same arguments as torch.optim.Adam except `fused` (always True: the lean step is the fused
    kernel) and `foreach` (refused with fused). `capturable` and `differentiable` are not offered.
    """

    def __init__(
        self,
        params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ):
        super().__init__(
            params,
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            decoupled_weight_decay=decoupled_weight_decay,
            fused=True,
        )
        # NumPy views of the 0-d step-count tensors, by the tensor's id (checked against the
        # tensor itself, since load_state_dict brings new ones).
        self._step_views: dict[int, tuple[torch.Tensor, object]] = {}

    def step(self, closure=None):
        """One Adam step: the lean path when it applies (module docstring), else torch.optim.Adam.step."""
        if (
            closure is None
            and not (self._optimizer_step_pre_hooks or self._optimizer_step_post_hooks)
            and not (_optimizer_module._global_optimizer_pre_hooks or _optimizer_module._global_optimizer_post_hooks)
            and getattr(self, "grad_scale", None) is None
            and getattr(self, "found_inf", None) is None
        ):
            plans = self._plans()
            if plans is not None:
                self._lean_step(plans)
                return None
        return _hooked(torch.optim.Adam.step)(self, closure)

    # Optimizer.__init__ wraps a step not marked `hooked` in profile_hook_step (most of its cost the
    # profiler's record_function). This step runs the hooks itself: the lean path is taken only
    # when there are none, and the full path is the hooked Adam step.
    step.hooked = True

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Every parameter's .grad to None, as torch's zero_grad() does, without its profiler
        record_function and per-call grouping. set_to_none=False (zeros in place) is torch's own."""
        if not set_to_none:
            super().zero_grad(set_to_none=False)
            return
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None

    def _plans(self):
        """Per param group, the lists the fused kernel takes, or None if the lean path does not apply."""
        plans = []
        state = self.state
        for group in self.param_groups:
            if group["capturable"] or group["differentiable"] or not isinstance(group["lr"], float):
                return None
            params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps = [], [], [], [], [], []
            dtype = None
            for p in group["params"]:
                grad = p.grad
                if grad is None:
                    continue  # as torch's Adam: a parameter without a gradient is not stepped
                p_state = state.get(p)
                if not p_state or grad.is_sparse or p.device.type != "cpu" or p.is_complex():
                    return None  # the first step creates the state; the rest is torch's to handle
                if dtype is None:
                    dtype = p.dtype
                elif p.dtype != dtype:
                    return None  # torch groups by dtype; one call per dtype is not this path
                params.append(p)
                grads.append(grad)
                exp_avgs.append(p_state["exp_avg"])
                exp_avg_sqs.append(p_state["exp_avg_sq"])
                if group["amsgrad"]:
                    max_exp_avg_sqs.append(p_state["max_exp_avg_sq"])
                steps.append(p_state["step"])
            if params:
                plans.append((group, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps))
        return plans

    def _step_view(self, step: torch.Tensor):
        entry = self._step_views.get(id(step))
        if entry is None or entry[0] is not step:
            entry = self._step_views[id(step)] = (step, step.numpy())
        return entry[1]

    def _lean_step(self, plans) -> None:
        enabled = torch.is_grad_enabled()
        # The kernel updates the parameters in place: grad mode off, as torch's step has it. The C
        # switch, not torch.no_grad(), whose context manager's Python costs more than the kernel.
        torch._C._set_grad_enabled(False)
        try:
            for group, params, grads, exp_avgs, exp_avg_sqs, max_exp_avg_sqs, steps in plans:
                for step in steps:
                    self._step_view(step)[()] += 1  # torch: _foreach_add_(state_steps, 1)
                beta1, beta2 = group["betas"]
                kernel = torch._fused_adamw_ if group["decoupled_weight_decay"] else torch._fused_adam_
                kernel(
                    params,
                    grads,
                    exp_avgs,
                    exp_avg_sqs,
                    max_exp_avg_sqs,
                    steps,
                    amsgrad=group["amsgrad"],
                    lr=group["lr"],
                    beta1=beta1,
                    beta2=beta2,
                    weight_decay=group["weight_decay"],
                    eps=group["eps"],
                    maximize=group["maximize"],
                )
        finally:
            torch._C._set_grad_enabled(enabled)


def missing_private_name() -> str | None:
    """The first of PRIVATE_NAMES this torch lacks or has in another shape, or a lean step that does
    not give torch's own fused step to the bit; None when LeanAdam can run."""
    for name, check in PRIVATE_NAMES.items():
        try:
            if not check():
                return name
        except AttributeError:
            return name
    try:
        params = [torch.nn.Parameter(torch.linspace(-1, 1, 5)) for _ in range(2)]
        optimizers = torch.optim.Adam([params[0]], lr=0.1, fused=True), LeanAdam([params[1]], lr=0.1)
        for _ in range(3):
            for p, optimizer in zip(params, optimizers):
                p.grad = p.detach() * 0.5 - 0.25
                optimizer.step()
        if not torch.equal(params[0], params[1]) or not optimizers[1]._step_views:
            return "torch._fused_adam_ (a lean step differs from torch's fused step)"
    except (AttributeError, TypeError, RuntimeError) as exc:
        return f"torch._fused_adam_ ({type(exc).__name__} in a lean step)"
    return None


LEAN_MISSING = missing_private_name()
if LEAN_MISSING is not None:
    log.warning(
        "LeanAdam is off: this torch %s lacks %s; training uses torch.optim.Adam(fused=True), the same numbers.",
        torch.__version__,
        LEAN_MISSING,
    )


def adam(params, lr: float) -> torch.optim.Adam:
    """Adam for the trainers: LeanAdam, or torch.optim.Adam(fused=True) when LEAN_MISSING names what
    this torch lacks. Both are a torch.optim.Adam with fused=True and give the same numbers."""
    if LEAN_MISSING is None:
        return LeanAdam(params, lr=lr)
    return torch.optim.Adam(params, lr=lr, fused=True)
