"""What a long sequence costs the server: /trace, /diagram and /predict for 10,000 numbers against 4, in
the same run, through gradio_client against the real app on 127.0.0.1 (tests/server.py).

The calls alternate (4 numbers, then 10,000, for each endpoint in turn) so that a busy moment hits
both; each figure is a median over the repeats. The targets: /diagram of 10,000 at most 3x one of 4,
/trace at most 4x (its answer is ~800 KB of table).

    python bench/long_sequences.py [--repeats 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from server import running_app  # noqa: E402

SHORT = "1, 0.5, 0.25, 1"
LONG = ", ".join(f"{(k * 37 % 100) / 100:g}" for k in range(10_000))
CALLS = {
    "/trace": lambda seq: (seq, "craft"),
    "/diagram": lambda seq: (seq, "craft", None),
    "/predict": lambda seq: (seq, "craft"),
}
TARGETS = {"/trace": 4.0, "/diagram": 3.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    repeats = parser.parse_args().repeats
    from common import machine_lines
    from gradio_client import Client

    print("\n".join(machine_lines()))
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with running_app() as (url, _):
        client = Client(url, verbose=False)
        times = {(name, kind): [] for name in CALLS for kind in ("4", "10,000")}
        for name, args in CALLS.items():  # warm each endpoint once
            client.predict(*args(SHORT), api_name=name)
            client.predict(*args(LONG), api_name=name)
        for _ in range(repeats):
            for name, args in CALLS.items():
                for kind, sequence in (("4", SHORT), ("10,000", LONG)):
                    started = time.perf_counter()
                    client.predict(*args(sequence), api_name=name)
                    times[(name, kind)].append(time.perf_counter() - started)
    for name in CALLS:
        short, long = (statistics.median(times[(name, kind)]) for kind in ("4", "10,000"))
        ratio = long / short
        target = TARGETS.get(name)
        verdict = f" (target <= {target:g}x: {'met' if ratio <= target else 'NOT met'})" if target else ""
        print(f"{name:>9}: 4 numbers {short * 1000:.0f} ms, 10,000 numbers {long * 1000:.0f} ms: {ratio:.2f}x{verdict}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
