"""What the benchmark scripts share: the machine's description, timing and statistics helpers,
PASS/FAIL lines, and the two things every benchmark compares (the project's `train()` and the
seed's Lightning setup from `seed_setup.py`).

The scripts are run as `python bench/NAME.py` from the repository root. Python then puts bench/
(not the root) on sys.path, so this module adds the root: `import lstm_demo` must find the
working tree's package, not an installed copy.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import lightning  # noqa: E402
import torch  # noqa: E402

from seed_setup import CONVERGED_EPOCHS, EXPECTED, SEED_EPOCHS, train_seed  # noqa: E402,F401

KINDS = ("craft", "builtin")
TOLERANCE = 0.01  # "converged": both predictions within this of their labels (the fast recipe's)
LABELS = (0.0, 1.0)  # Company A, Company B


# --- The machine ---------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_lines() -> list[str]:
    # Cores this process may use (a container may see fewer than the host has).
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        f"CPU: {cpu_model()}; cores: {os.cpu_count()} ({usable} usable by this process)",
        f"Python {platform.python_version()}, torch {torch.__version__}, lightning {lightning.__version__}, "
        f"{platform.system()} {platform.release()}",
        f"CUDA available: {torch.cuda.is_available()}; "
        "torch threads while training: 1 (single_thread() around lstm_demo's train() and lottery(); "
        "torch.set_num_threads(1) in the seed baseline)",
    ]


def load_line() -> str:
    """The load averages: on a 2-core machine anything above ~1 means another job shared the CPU
    with the benchmark, and its timings (the seed's more than the project's) are inflated."""
    if not hasattr(os, "getloadavg"):
        return "load average: unknown"
    one, five, fifteen = os.getloadavg()
    return f"load average (1, 5, 15 min): {one:.2f}, {five:.2f}, {fifteen:.2f}"


def print_header(title: str, settings: dict) -> None:
    print(f"== {title} ==")
    for line in machine_lines():
        print(line)
    print(f"at start, {load_line()}")
    print("settings: " + ", ".join(f"{k}={v}" for k, v in settings.items()))
    print(flush=True)


def print_footer() -> None:
    print(f"at end, {load_line()}")


def progress(message: str) -> None:
    """Progress goes to stderr so that stdout holds only the report."""
    print(message, file=sys.stderr, flush=True)


# --- Numbers -------------------------------------------------------------------------------------


def median(values) -> float:
    return statistics.median(values)


def spread(values) -> str:
    """Median and range of a list of seconds, e.g. '0.0551 s (0.0530-0.0620, n=5)'."""
    values = list(values)
    if len(values) == 1:
        return f"{values[0]:.4g} s (n=1)"
    return f"{median(values):.4g} s ({min(values):.4g}-{max(values):.4g}, n={len(values)})"


def timed(fn: Callable, *args, **kwargs):
    """(fn's result, wall seconds of the call).

    For whole trainings, which take seconds and whose result the benchmark checks:
    torch.utils.benchmark.Timer times a statement many times and hands back no result, so it
    serves the per-step figures (`bare_step_seconds`) instead.
    """
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


def interleaved(runs: dict[str, tuple[Callable[[], object], int]]) -> dict[str, list]:
    """Call each named function its number of times, taking turns (A, B, A, B, ...).

    Machine noise (another job, a frequency change) then lands on both sides alike, instead of on
    whichever side happened to run during it. A side with fewer repetitions drops out of the
    rotation once it has them all.
    """
    results: dict[str, list] = {name: [] for name in runs}
    for round_ in range(max(count for _, count in runs.values())):
        for name, (fn, count) in runs.items():
            if round_ < count:
                progress(f"  {name}: run {round_ + 1}/{count}")
                results[name].append(fn())
    return results


def verdict(label: str, value: float, target: float, higher_is_better: bool = True) -> bool:
    """Print one PASS/FAIL line against a target and return whether it passed."""
    ok = value >= target if higher_is_better else value <= target
    sign = ">=" if higher_is_better else "<="
    print(f"{'PASS' if ok else 'FAIL'}: {label} = {value:.4g} (target {sign} {target:g})")
    return ok


def claim(label: str, ok: bool) -> bool:
    """Print one PASS/FAIL line for a yes/no target and return it."""
    print(f"{'PASS' if ok else 'FAIL'}: {label}")
    return ok


def converged(a: float, b: float, tolerance: float = TOLERANCE) -> bool:
    return abs(a - LABELS[0]) <= tolerance and abs(b - LABELS[1]) <= tolerance


# --- The two sides -------------------------------------------------------------------------------


def project_train(kind: str, recipe="fast", **options):
    """The project's `lstm_demo.training.train` and the wall time of the whole call.

    The result's own `.seconds` is the time spent in `trainer.fit`, like the seed's side.
    """
    from lstm_demo.training import train

    return timed(train, kind, recipe, **options)


def _bare_statquest(kind: str):
    """The project's model, Adam as the statquest recipe sets it, and a function making one epoch
    (A, then B) of the seed's batch-of-one updates in bare PyTorch: no Lightning at all."""
    from lstm_demo.data import training_data
    from lstm_demo.models import new_model
    from lstm_demo.recipes import get_recipe

    recipe = get_recipe("statquest", kind)
    model = new_model(kind, recipe.seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=recipe.learning_rate, fused=True)  # as the trainer's
    inputs, labels = training_data()
    batches = [(inputs[k : k + 1], labels[k : k + 1]) for k in range(2)]

    def epoch() -> None:
        for x, y in batches:  # batch of one, A then B
            optimizer.zero_grad()
            ((model(x) - y) ** 2).mean().backward()
            optimizer.step()

    return model, inputs, epoch


def plain_pytorch_statquest(kind: str, epochs: int) -> tuple[float, float, float]:
    """The statquest recipe as a bare PyTorch loop on the project's model, no Lightning at all:
    the floor any Lightning setup of this model can approach. Returns (A, B, seconds in the loop)."""
    torch.set_num_threads(1)  # this process is the benchmark's own: as train() runs
    model, inputs, epoch = _bare_statquest(kind)
    started = time.perf_counter()
    for _ in range(epochs):
        epoch()
    seconds = time.perf_counter() - started
    with torch.no_grad():
        a, b = model(inputs).tolist()
    return a, b, seconds


def bare_epoch_seconds(kind: str, min_run_time: float = 2.0) -> float:
    """Seconds for one statquest epoch (two optimizer steps) of the bare loop: the median of
    torch.utils.benchmark's blocks, which warms up first and sizes its blocks itself."""
    from torch.utils.benchmark import Timer

    torch.set_num_threads(1)
    _, _, epoch = _bare_statquest(kind)
    return (
        Timer(stmt="epoch()", globals={"epoch": epoch}, num_threads=1)
        .blocked_autorange(min_run_time=min_run_time)
        .median
    )


def lightning_step_floor(steps: int = 4000) -> float:
    """Seconds per step that Lightning itself takes, fed as the project feeds it (make_trainer,
    manual optimization, an iterable of ready batches), for a step that does nothing: what any
    Lightning trainer adds to a bare loop, whatever the model."""
    import lightning as L

    from lstm_demo.tasks import RepeatedBatch
    from lstm_demo.training import fit, make_trainer, quiet_lightning, single_thread

    class Nothing(L.LightningModule):
        def __init__(self):
            super().__init__()
            self.automatic_optimization = False
            self.weight = torch.nn.Parameter(torch.zeros(()))

        def training_step(self, batch, batch_idx):
            return None

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.0)

    batch = (torch.zeros(1, 4), torch.zeros(1))
    with single_thread(), quiet_lightning():
        return fit(make_trainer("cpu"), Nothing(), RepeatedBatch(batch, steps)) / steps


def float_floor_seconds(epochs: int) -> tuple[float, float, float]:
    """The statquest recipe for the hand-built cell with no PyTorch at all: the forward and backward
    pass in floats (lstm_demo.backward.loss_and_grads) and Adam in floats (torch's formula).
    Returns (A, B, seconds): the floor of any trainer of this model in Python."""
    import math

    from lstm_demo.backward import loss_and_grads
    from lstm_demo.data import COMPANIES
    from lstm_demo.models import CraftLSTM, new_model

    model = new_model("craft", 42)
    values = [getattr(model, name).item() for name in CraftLSTM.PARAMETER_NAMES]
    exp_avg, exp_avg_sq = [0.0] * 12, [0.0] * 12
    beta1, beta2, eps, lr = 0.9, 0.999, 1e-8, 0.001
    batches = [([list(c.sequence)], [c.label]) for c in COMPANIES]
    count = 0
    started = time.perf_counter()
    for _ in range(epochs):
        for sequences, labels in batches:
            _, grads, _ = loss_and_grads(values, sequences, labels)
            count += 1
            step_size = lr / (1 - beta1**count)
            root_correction = math.sqrt(1 - beta2**count)
            for k, g in enumerate(grads):
                exp_avg[k] = beta1 * exp_avg[k] + (1 - beta1) * g
                exp_avg_sq[k] = beta2 * exp_avg_sq[k] + (1 - beta2) * g * g
                values[k] -= step_size * exp_avg[k] / (math.sqrt(exp_avg_sq[k]) / root_correction + eps)
    seconds = time.perf_counter() - started
    _, _, (a,) = loss_and_grads(values, [list(COMPANIES[0].sequence)], [0.0])
    _, _, (b,) = loss_and_grads(values, [list(COMPANIES[1].sequence)], [1.0])
    return a, b, seconds


def optimizer_call_floor(min_run_time: float = 1.0, lean: bool = True) -> float:
    """Seconds for one step of the trainer's torch optimizer (LeanAdam, the fused Adam kernel, one
    flat (12,) tensor), called as the blocks call it: PyTorch's cost per call, paid twice per
    statquest epoch. lean=False: torch.optim.Adam(fused=True)'s own step, for comparison."""
    from torch.utils.benchmark import Timer

    from lstm_demo.optimizers import LeanAdam

    torch.set_num_threads(1)
    flat = torch.nn.Parameter(torch.randn(12))
    flat.grad = torch.randn(12) * 1e-3
    optimizer = LeanAdam([flat], lr=0.001) if lean else torch.optim.Adam([flat], lr=0.001, fused=True)
    optimizer.step()  # the first step makes the state (torch's step); the rest are the lean path
    timer = Timer(stmt="optimizer.step()", globals={"optimizer": optimizer}, num_threads=1)
    return timer.blocked_autorange(min_run_time=min_run_time).median


def warm_up(kinds=KINDS) -> None:
    """One short untimed run of each side and model, so neither side pays the process's first-call
    costs (lazy imports, first Trainer, first autograd graph) inside a measurement."""
    for kind in kinds:
        train_seed(kind, 1)
        project_train(kind, "statquest", epochs=1)
