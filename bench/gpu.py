"""GPU against CPU on one machine, in one run: training through the command line, and the lottery.

    python bench/gpu.py            # on a machine with CUDA (the device machine); prints its figures

A 12-parameter LSTM is slower on a GPU: each step is a few dozen tiny kernels, and launching
them costs more than computing them. The lottery trains thousands of cells as one tensor, and
there the GPU pulls ahead. This script measures both, CPU and GPU in the same run.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402


def cli(*args: str) -> tuple[dict, float]:
    """`python -m lstm_demo train ... --json` in a fresh process: its summary and wall time."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "lstm_demo", "train", *args, "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        print(
            f"  $ python -m lstm_demo train {' '.join(args)} --json -> exit {done.returncode}: {done.stderr.strip()[-300:]}"
        )
        return {}, wall
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def main() -> None:
    print(
        f"machine: {platform.node()}, CPU cores {os.cpu_count()}, torch {torch.__version__}, python {platform.python_version()}"
    )
    if not torch.cuda.is_available():
        print("no CUDA here: this benchmark needs a GPU")
        return
    print(f"GPU: {torch.cuda.get_device_name(0)}")
    repeats = int(os.environ.get("REPEATS", "3"))

    if os.environ.get("ONLY_LOTTERY"):
        return lottery_part()
    print("\n1. Training through the command line (seed 42), CPU and GPU interleaved; 'fit' is trainer.fit's time")
    for model, recipe in (("craft", "fast"), ("builtin", "fast"), ("builtin", "statquest")):
        fits: dict[str, list[float]] = {"cpu": [], "gpu": []}
        walls: dict[str, list[float]] = {"cpu": [], "gpu": []}
        summaries = {}
        for _ in range(repeats):
            for device in ("cpu", "gpu"):
                summary, wall = cli("--model", model, "--recipe", recipe, "--device", device)
                if summary:
                    fits[device].append(summary["seconds"])
                    walls[device].append(wall)
                    summaries[device] = summary
        for device in ("cpu", "gpu"):
            s = summaries.get(device, {})
            if fits[device]:
                print(
                    f"  {model:7s} {recipe:9s} {device}: fit median {statistics.median(fits[device]):.3f} s, process {statistics.median(walls[device]):.1f} s; "
                    f"{s['epochs']} epochs, {s['stop_reason']}, A {s['predictions']['company_a']:.5f}, B {s['predictions']['company_b']:.5f}, device {s['device']}"
                )
        if fits["cpu"] and fits["gpu"]:
            ratio = statistics.median(fits["gpu"]) / statistics.median(fits["cpu"])
            diff = max(
                abs(summaries["cpu"]["predictions"][k] - summaries["gpu"]["predictions"][k])
                for k in ("company_a", "company_b")
            )
            print(f"  {model:7s} {recipe:9s} GPU/CPU fit time: {ratio:.1f}x; predictions differ by {diff:.1e}")
    print("  last GPU summary:", json.dumps(summaries.get("gpu", {})))
    lottery_part()


def lottery_part() -> None:
    print("\n2. Initialization lottery (full batch, Adam lr 0.1, 500 epochs): model-steps per second")
    from lstm_demo.explore import lottery

    lottery(100, 20, device="gpu")  # warm-up: CUDA context, kernels
    rows = [("cpu", 1_000), ("cpu", 10_000), ("gpu", 1_000), ("gpu", 10_000), ("gpu", 100_000), ("gpu", 1_000_000)]
    rates = {}
    for device, inits in rows:
        result = lottery(inits, 500, learning_rate=0.1, device=device)
        rates[(device, inits)] = result.model_steps_per_second
        print(
            f"  {device} {inits:>9,} inits: {result.seconds:6.2f} s, {result.model_steps_per_second:>14,.0f} model-steps/s, "
            f"converged {result.converged_share:.1%}, seed 42 loss {result.seed_42_loss:.2e}"
        )
    print(
        f"  GPU 100,000 inits vs CPU 10,000 inits: {rates[('gpu', 100_000)] / rates[('cpu', 10_000)]:.0f}x the model-steps per second"
    )


if __name__ == "__main__":
    main()
