"""How much faster the project trains than the seed's Lightning code and than its own trainer
before blocks (bench/baselines.py), each ratio measured in this one run.

a) The seed's recipe replayed: `train(kind, "statquest")` (hand-built cell 5000 epochs, nn.LSTM
   300) against the seed's setup for the same epochs: the same model, data order, optimizer and
   numbers (predictions agree to 1e-4), so the ratio is what feeding Lightning in blocks and the
   hand-written backward buy. Targets: >= 25x (hand-built), >= 8x (built-in). Beside them, the
   floors: the same 10,000 updates in plain Python floats (no PyTorch at all), the trainer's
   torch optimizer step (PyTorch's cost per call), a bare PyTorch loop of the built-in model, and
   Lightning's own cost for a step that does nothing.
b) What a visitor feels, the `fast` recipe (seed 42) to a converged model: today's `train()`
   against the trainer before blocks (`baselines.train_before`: one Lightning step per epoch,
   autograd, foreach optimizer through Lightning's wrapper), same epochs and numbers.
   Target: at most a third of the time (ratio >= 3). And against the seed's whole recipe (a):
   a different algorithm (full batch with Rprop), what the Space's Train button feels like.
c) The initialization lottery, 1,000 starts x 500 epochs on the CPU: `lottery()` against
   `baselines.lottery_before`, model-steps per second. Target: >= 3x.

Times are seconds inside `trainer.fit` on every side (`TrainResult.seconds`); the wall time of the
whole `train()` call is printed beside it. Each side gets an untimed warm-up first, the sides take
turns (A, B, A, B, ...) so that machine noise hits both, and ratios compare medians.

    python bench/train_speed.py            # ~4-8 min on a busy 2-core machine (the seed's 5000 epochs, 3 times)
    python bench/train_speed.py --only b   # the fast recipe alone, ~20 s
    python bench/train_speed.py --quick    # smoke run, ~1 min; epochs cut, ratios not judged

It exits with status 1 when a judged target fails.
"""

from __future__ import annotations

import argparse

from baselines import lottery_before, train_before
from common import (
    CONVERGED_EPOCHS,
    EXPECTED,
    KINDS,
    claim,
    converged,
    float_floor_seconds,
    interleaved,
    lightning_step_floor,
    median,
    optimizer_call_floor,
    plain_pytorch_statquest,
    print_footer,
    print_header,
    progress,
    project_train,
    spread,
    timed,
    train_seed,
    verdict,
    warm_up,
)

REPLAY_RATIO_TARGET = {"craft": 25.0, "builtin": 8.0}
FAST_RATIO_TARGET = 3.0  # before blocks / now
LOTTERY_RATIO_TARGET = 3.0
REPLAY_TOLERANCE = 1e-4


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5, help="runs of each side in (b) and (c) (default 5)")
    parser.add_argument("--seed-repeats", type=int, default=3, help="runs of each side in (a) (default 3)")
    parser.add_argument("--only", choices=("a", "b", "c"), help="run one of the three benchmarks")
    parser.add_argument("--quick", action="store_true", help="smoke run: few epochs and repeats, ratios not judged")
    args = parser.parse_args()
    args.replay_epochs = dict(CONVERGED_EPOCHS)  # craft 5000, builtin 300
    args.lottery = (1000, 500)
    if args.quick:
        args.repeats, args.seed_repeats = 2, 1
        args.replay_epochs = {"craft": 300, "builtin": 50}
        args.lottery = (1000, 50)
    return args


def side(label: str, text: str) -> None:
    """One line of a side's figures, the labels in one column."""
    print(f"  {label + ':' if label else '':<40} {text}")


def fmt_predictions(a: float, b: float) -> str:
    return f"A {a:.4g} / B {b:.4g}"


def judged(args, label: str, value: float, target: float) -> bool:
    if args.quick:
        print(f"  (quick run: {label} = {value:.3g}, not judged)")
        return True
    return verdict(label, value, target)


def replay(args, seed_seconds: dict) -> bool:
    """Benchmark (a); fills seed_seconds[kind] for (b); returns whether every judged target passed."""
    print("-- a) The seed's recipe replayed: train(kind, 'statquest') vs the seed's setup, same epochs and numbers --")
    ok = True
    for kind in KINDS:
        epochs = args.replay_epochs[kind]
        progress(f"a) {kind}: {epochs} epochs, seed x{args.seed_repeats}, project x{args.seed_repeats}")
        runs = interleaved({
            "seed": (lambda: train_seed(kind, epochs), args.seed_repeats),
            "project": (lambda: project_train(kind, "statquest", epochs=epochs), args.seed_repeats),
        })  # fmt: skip
        seeds = [s for _, _, s in runs["seed"]]
        seed_seconds[kind] = (epochs, seeds, runs["seed"][-1][:2])
        results = [r for r, _ in runs["project"]]
        fits, walls = [r.seconds for r in results], [w for _, w in runs["project"]]
        diff = max(
            max(abs(sa - r.predictions["company_a"]), abs(sb - r.predictions["company_b"]))
            for sa, sb, _ in runs["seed"]
            for r in results
        )
        a, b, _ = runs["seed"][-1]
        last = results[-1]
        ratio = median(seeds) / median(fits)
        print(f"{kind}, {epochs} epochs:")
        side("seed setup", f"fit {spread(seeds)}; {fmt_predictions(a, b)}")
        side(f"train({kind!r}, 'statquest')", f"fit {spread(fits)}; whole train() {spread(walls)}")
        side("", f"{fmt_predictions(last.predictions['company_a'], last.predictions['company_b'])}")
        print(f"  max |seed - project| over both predictions and all runs: {diff:.3g}")
        print(f"  ratio seed / project: {ratio:.1f}x (fit, medians); {min(seeds) / min(fits):.1f}x (fastest runs)")
        step_floor = lightning_step_floor()
        if kind == "craft":
            fa, fb, float_seconds = float_floor_seconds(epochs)
            call, torch_call = optimizer_call_floor(), optimizer_call_floor(lean=False)
            updates = 2 * epochs
            print(
                f"  floors: {updates:,} updates in plain Python floats (forward, backward, Adam): {float_seconds:.3g} s "
                f"({fmt_predictions(fa, fb)}), {median(seeds) / float_seconds:.0f}x the seed"
            )
            print(
                f"          the trainer's torch optimizer step (LeanAdam: fused Adam kernel, one (12,) tensor): "
                f"{call * 1e6:.1f} µs a call, {updates * call:.3g} s for {updates:,} (torch.optim.Adam(fused=True)'s "
                f"step: {torch_call * 1e6:.1f} µs); Lightning's step that does nothing {step_floor * 1e3:.3f} ms "
                "(paid once per ~20 ms block)"
            )
            floor = float_seconds + updates * call
            print(
                f"  floats + optimizer calls = {floor:.3g} s: {median(seeds) / floor:.1f}x the seed; the project takes "
                f"{median(fits) / floor:.2f}x that"
            )
        else:
            _, _, bare = plain_pytorch_statquest(kind, epochs)
            print(
                f"  floors: bare PyTorch loop of the same updates (autograd, fused Adam, no Lightning) {bare:.3g} s, "
                f"{median(seeds) / bare:.1f}x the seed; the project takes {median(fits) / bare:.2f}x that. "
                f"Lightning's step that does nothing {step_floor * 1e3:.3f} ms"
            )
        if (kind, epochs) in EXPECTED:
            want_a, want_b = EXPECTED[kind, epochs]
            ok &= verdict(
                f"{kind}: seed setup vs FACTS.md ({want_a:g} / {want_b:g}), max abs diff",
                max(abs(a - want_a), abs(b - want_b)),
                REPLAY_TOLERANCE,
                False,
            )
        ok &= verdict(f"{kind}: predictions equal, max abs diff", diff, REPLAY_TOLERANCE, False)
        ok &= judged(args, f"{kind}: ratio seed / project", ratio, REPLAY_RATIO_TARGET[kind])
    print()
    return ok


def fast(args, seed_seconds: dict) -> bool:
    """Benchmark (b); returns whether every judged target passed."""
    print("-- b) What a visitor feels: train(kind, 'fast') to a converged model, against the trainer before blocks --")
    ok = True
    for kind in KINDS:
        progress(f"b) {kind}: before x{args.repeats}, now x{args.repeats}")
        runs = interleaved({
            "before": (lambda: timed(train_before, kind, "fast"), args.repeats),
            "now": (lambda: project_train(kind, "fast"), args.repeats),
        })  # fmt: skip
        before, now = [r for r, _ in runs["before"]], [r for r, _ in runs["now"]]
        fit_ratio = median(r.seconds for r in before) / median(r.seconds for r in now)
        wall_ratio = median(w for _, w in runs["before"]) / median(w for _, w in runs["now"])
        all_converged = all(
            r.stop_reason == "converged" and converged(r.predictions["company_a"], r.predictions["company_b"])
            for r in before + now
        )
        same_epochs = len({r.epochs for r in before + now}) == 1
        last = now[-1]
        print(f"{kind}:")
        side(
            "before blocks",
            f"fit {spread(r.seconds for r in before)}; whole train() {spread(w for _, w in runs['before'])}",
        )
        side("now", f"fit {spread(r.seconds for r in now)}; whole train() {spread(w for _, w in runs['now'])}")
        side("", f"{last.epochs} epochs, {last.stop_reason}, {fmt_predictions(*last.predictions.values())}")
        print(f"  ratio before / now: {fit_ratio:.1f}x (fit), {wall_ratio:.1f}x (whole train())")
        if kind in seed_seconds and not args.quick:
            epochs, seeds, _ = seed_seconds[kind]
            print(
                f"  the seed's setup to its recipe's end ({epochs} epochs, from (a)): {median(seeds):.3g} s, "
                f"{median(seeds) / median(r.seconds for r in now):.0f}x the fast recipe's fit now"
            )
        ok &= claim(
            f"{kind}: converged within 0.01 in every run, the same epochs on both sides", all_converged and same_epochs
        )
        ok &= judged(args, f"{kind}: ratio before / now (fit)", fit_ratio, FAST_RATIO_TARGET)
    print()
    return ok


def lottery_part(args) -> bool:
    """Benchmark (c); returns whether every judged target passed."""
    from lstm_demo.lottery import lottery

    inits, epochs = args.lottery
    print(f"-- c) The initialization lottery on the CPU, {inits:,} starts x {epochs} epochs, Adam lr 0.1 --")
    lottery(100, 20), lottery_before(100, 20)  # warm-up
    progress(f"c) lottery: before x{args.repeats}, now x{args.repeats}")
    runs = interleaved({
        "before": (lambda: lottery_before(inits, epochs), args.repeats),
        "now": (lambda: lottery(inits, epochs), args.repeats),
    })  # fmt: skip
    rates = {}
    for name, results in runs.items():
        rates[name] = median(r.model_steps_per_second for r in results)
        last = results[-1]
        side(
            f"{name}",
            f"{spread(r.seconds for r in results)}, {rates[name]:,.0f} model-steps/s, converged "
            f"{last.converged_share:.1%}, seed 42 loss {last.seed_42_loss:.3e}",
        )
    ratio = rates["now"] / rates["before"]
    print(f"  ratio now / before: {ratio:.2f}x")
    diff = abs(runs["now"][-1].seed_42_loss - runs["before"][-1].seed_42_loss)
    ok = verdict("lottery: seed 42's loss, now vs before, abs diff", diff, 1e-6, False)
    ok &= judged(args, "lottery: model-steps per second, now / before", ratio, LOTTERY_RATIO_TARGET)
    print()
    return ok


def main() -> int:
    args = parse_args()
    print_header(
        "train_speed: the project's training vs the seed's Lightning setup and vs itself before blocks"
        + (" (QUICK)" if args.quick else ""),
        {"repeats": args.repeats, "seed_repeats": args.seed_repeats, "replay_epochs": args.replay_epochs,
         "lottery": args.lottery},
    )  # fmt: skip
    progress("warming up both sides (untimed)")
    warm_up()
    for kind in KINDS:
        train_before(kind, "fast")
    ok, seed_seconds = True, {}
    if args.only in (None, "a"):
        ok &= replay(args, seed_seconds)
    if args.only in (None, "b"):
        ok &= fast(args, seed_seconds)
    if args.only in (None, "c"):
        ok &= lottery_part(args)
    print("all judged targets PASS" if ok else "some judged targets FAIL")
    print_footer()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
