"""GPU against CPU on one machine, in one run: training one model, and the lottery.

    python bench/gpu.py                  # both parts; on a machine without CUDA, the CPU side only
    python bench/gpu.py --only lottery   # the lottery alone
    python bench/gpu.py --quick          # smoke run: one repeat, small lotteries

A 12-parameter LSTM is slower on a GPU: each step is a few dozen tiny kernels, and launching
them costs more than computing them. The lottery trains thousands of cells as one tensor, and
there the GPU pulls ahead.

Fair comparisons: everything runs in this one process, CUDA is warmed up (context, kernels,
allocator) by an untimed run on each device before anything is timed, the devices take turns,
and each GPU/CPU ratio compares the same work (same recipe and epochs; same number of starts).
The GPU-only rows (lotteries too big for the CPU) say so and carry no ratio.
"""

from __future__ import annotations

import argparse

from common import interleaved, median, print_footer, print_header, progress, spread

import torch  # noqa: E402  (after common, which puts the project on sys.path)

TRAININGS = (("craft", "fast"), ("builtin", "fast"), ("builtin", "statquest"))
LOTTERY_EPOCHS = 500
SHARED_INITS = (1_000, 10_000)  # run on both devices: ratios of equal work
GPU_ONLY_INITS = (100_000, 1_000_000)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per device and row (default 3)")
    parser.add_argument("--only", choices=("train", "lottery"), help="run one of the two parts")
    parser.add_argument("--quick", action="store_true", help="smoke run: one repeat, lotteries of 1,000 starts")
    args = parser.parse_args()
    if args.quick:
        args.repeats = 1
    return args


def devices() -> list[str]:
    return ["cpu", "gpu"] if torch.cuda.is_available() else ["cpu"]


def no_gpu_line() -> None:
    if not torch.cuda.is_available():
        print("  no CUDA on this machine: GPU rows skipped, CPU figures only")


def training_part(args) -> None:
    from lstm_demo.training import train

    print("1. Training one model (seed 42); 'fit' is trainer.fit's time, medians of the timed runs")
    no_gpu_line()
    progress("warming up: one short training per device and model (untimed)")
    for device in devices():
        for kind in ("craft", "builtin"):
            train(kind, "statquest", epochs=2, device=device)
    for kind, recipe in TRAININGS:
        progress(f"train {kind} {recipe}")
        runs = interleaved(
            {device: (lambda d=device: train(kind, recipe, device=d), args.repeats) for device in devices()}
        )
        for device, results in runs.items():
            last = results[-1]
            p = last.predictions
            print(
                f"  {kind:7s} {recipe:9s} {device}: fit {spread(r.seconds for r in results)}; {last.epochs} epochs, "
                f"{last.stop_reason}, A {p['company_a']:.5f}, B {p['company_b']:.5f}, device {last.device}"
            )
        if "gpu" in runs:
            ratio = median(r.seconds for r in runs["gpu"]) / median(r.seconds for r in runs["cpu"])
            cpu, gpu = runs["cpu"][-1].predictions, runs["gpu"][-1].predictions
            diff = max(abs(cpu[k] - gpu[k]) for k in cpu)
            print(
                f"  {kind:7s} {recipe:9s} GPU/CPU fit time, same work: {ratio:.1f}x; predictions differ by {diff:.1e}"
            )


def lottery_part(args) -> None:
    from lstm_demo.lottery import lottery

    epochs = 20 if args.quick else LOTTERY_EPOCHS
    shared = SHARED_INITS[:1] if args.quick else SHARED_INITS
    print(f"\n2. Initialization lottery (full batch, Adam lr 0.1, {epochs} epochs): model-steps per second")
    no_gpu_line()
    progress("warming up: a small lottery per device (untimed)")
    for device in devices():
        lottery(100, 20, device=device)

    def row(device: str, inits: int, results) -> float:
        rate = median(r.model_steps_per_second for r in results)
        last = results[-1]
        print(
            f"  {device} {inits:>9,} starts: {spread(r.seconds for r in results)}, {rate:>14,.0f} model-steps/s, "
            f"converged {last.converged_share:.1%}, seed 42 loss {last.seed_42_loss:.2e}"
        )
        return rate

    for inits in shared:
        progress(f"lottery {inits:,} starts")
        runs = interleaved({
            device: (lambda d=device: lottery(inits, epochs, learning_rate=0.1, device=d), args.repeats)
            for device in devices()
        })  # fmt: skip
        rates = {device: row(device, inits, results) for device, results in runs.items()}
        if "gpu" in rates:
            print(
                f"  {inits:,} starts on both: GPU {rates['gpu'] / rates['cpu']:.1f}x the CPU's model-steps per second"
            )
    if "gpu" not in devices():
        return
    for inits in () if args.quick else GPU_ONLY_INITS:
        progress(f"lottery {inits:,} starts, GPU only")
        results = [lottery(inits, epochs, learning_rate=0.1, device="gpu") for _ in range(args.repeats)]
        row("gpu", inits, results)
        print("    (GPU only: too much work for the CPU in a benchmark, so no ratio)")


def main() -> None:
    args = parse_args()
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    print_header(
        "gpu: the GPU against the CPU on one machine", {"repeats": args.repeats, "quick": args.quick, "GPU": gpu}
    )
    if args.only in (None, "train"):
        training_part(args)
    if args.only in (None, "lottery"):
        lottery_part(args)
    print()
    print_footer()


if __name__ == "__main__":
    main()
