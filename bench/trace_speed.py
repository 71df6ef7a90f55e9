"""What a trace costs (the gates and memories at every step, what /trace and /diagram compute), for 4
and for 10,000 numbers, both models: today's trace (models.py: the hand-built cell in floats; nn.LSTM's
forward, its gates in one tensor expression, C_t in floats) against the loop of torch calls it replaced
(bench/baselines.py: torch_loop_trace), in this one run. `rows()` (the table /trace returns) beside it.

    python bench/trace_speed.py            # ~1 min on a 2-core machine
    python bench/trace_speed.py --quick    # smoke run

The sides take turns (A, B, A, B, ...) so that noise from other jobs lands on both; figures are medians.
"""

from __future__ import annotations

import argparse
import random

import torch
from baselines import torch_loop_trace
from common import interleaved, median, print_footer, print_header, progress, timed

from lstm_demo import load_model

LENGTHS = (4, 10_000)


def relative(a: torch.Tensor, b: torch.Tensor) -> float:
    """lstm_demo.parity's measure: the absolute difference, relative where |a| > 1 (C_t grows with the length)."""
    return ((a - b).abs() / a.abs().clamp(min=1.0)).max().item()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs of each side (default 7)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 repeats")
    args = parser.parse_args()
    repeats = 2 if args.quick else args.repeats
    torch.set_num_threads(1)  # as the server runs
    print_header(
        "trace_speed: a trace of 4 and of 10,000 numbers, today's against the torch loop", {"repeats": repeats}
    )
    numbers = random.Random(0).choices([0.0, 0.25, 0.5, 1.0], k=max(LENGTHS))
    rows = []
    for kind in ("craft", "builtin"):
        model = load_model(kind)
        for length in LENGTHS:
            x = torch.tensor(numbers[:length])
            progress(f"{kind}, {length:,} numbers")
            with torch.no_grad():
                model.trace(x), torch_loop_trace(model, x)  # warm-up, untimed
                runs = interleaved({
                    "torch loop": (lambda: timed(torch_loop_trace, model, x), repeats),
                    "trace": (lambda: timed(model.trace, x), repeats),
                })  # fmt: skip
                now, before = runs["trace"][-1][0], runs["torch loop"][-1][0]
                difference = max(relative(getattr(now, n), getattr(before, n)) for n in now.columns())
                table = [timed(now.rows)[1] for _ in range(repeats)]
            seconds = {side: median(s for _, s in results) for side, results in runs.items()}
            rows.append((kind, length, seconds["torch loop"], seconds["trace"], median(table), difference))
    print(
        f"{'model':8} {'numbers':>8} {'torch loop':>12} {'trace':>12} {'ratio':>7} {'rows()':>10}  largest difference"
    )
    for kind, length, before, now, table, difference in rows:
        print(
            f"{kind:8} {length:>8,} {before * 1e3:>10.2f} ms {now * 1e3:>10.2f} ms {before / now:>6.1f}x "
            f"{table * 1e3:>7.2f} ms  {difference:.1e}"
        )
    for kind in ("craft", "builtin"):
        short, long = (r for r in rows if r[0] == kind)
        print(
            f"{kind}: 10,000 numbers cost {long[3] / short[3]:.0f}x 4 numbers with today's trace, "
            f"{long[2] / short[2]:.0f}x with the torch loop"
        )
    print()
    print_footer()


if __name__ == "__main__":
    main()
