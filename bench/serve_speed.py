"""Serving: how fast the Space answers, against a trivial Gradio endpoint measured in the same run.

    python bench/serve_speed.py [--quick] [--calls 60] [--clients 16] [--starts 3] [--rounds 6]

1. /predict latency of the real `python app.py` through the raw HTTP API (POST
   /gradio_api/call/predict, then GET its result) and through gradio_client, against two floors:
   a trivial endpoint (`gr.api` returning its input) on a trivial app, the floor any Gradio
   endpoint pays; and the same echo endpoint added to the Space's page, the floor of any endpoint
   of a page this size.
2. The same with 16 clients at once.
3. Start-up: from `python app.py` to the first answered prediction, against the time a fresh
   Python needs to import torch and gradio alone.
The sides are interleaved: all three servers run at once and each round measures every side in
turn (its order rotating), so load from other jobs on the machine falls on all sides alike.
Each target is printed as met / NOT met; the exit status is 1 if any is missed.
`--quick` (fewer calls, rounds and start-ups) runs in about a minute.
Servers listen on 127.0.0.1 and are stopped by their process id, also on Ctrl-C or an error.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from common import load_line, machine_lines  # noqa: E402
from server import free_port, stop  # noqa: E402

ENV = {
    **os.environ,
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_OFFLINE": "1",
    "GRADIO_SERVER_NAME": "127.0.0.1",
}

TRIVIAL_APP = """
import gradio as gr

def echo(sequence: str, model: str) -> str:
    return sequence

with gr.Blocks() as demo:
    gr.api(echo, api_name="predict")
demo.queue(default_concurrency_limit=8)
demo.launch()
"""

# The Space's own page with one more endpoint that only echoes: what any endpoint of a page this
# size costs. Gradio snapshots every component of the page for each new session, and each raw
# HTTP call opens a new session, so this floor grows with the page.
SPACE_WITH_ECHO = """
import sys
sys.path.insert(0, ".")
import gradio as gr
from lstm_demo.ui import build_demo, launch_kwargs

def echo(sequence: str, model: str) -> str:
    return sequence

demo = build_demo()
with demo:
    gr.api(echo, api_name="echo")
demo.launch(**launch_kwargs())
"""


@contextmanager
def serve(command: list[str]):
    """Start a server on a free port; yield (url, seconds until it answered a /predict)."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**ENV, "GRADIO_SERVER_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        while True:
            try:
                raw_predict(url)
                break
            except OSError:
                if process.poll() is not None or time.perf_counter() - started > 120:
                    raise RuntimeError(f"{command} did not start") from None
                time.sleep(0.02)
        yield url, time.perf_counter() - started
    finally:
        stop(process)


def raw_predict(url: str, sequence: str = "1, 0.5, 0.25, 1", model: str = "craft", endpoint: str = "predict") -> str:
    """One call through Gradio's plain HTTP API: POST the inputs, GET the event's result."""
    body = json.dumps({"data": [sequence, model]}).encode()
    request = urllib.request.Request(
        url + f"gradio_api/call/{endpoint}", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        event_id = json.loads(response.read())["event_id"]
    with urllib.request.urlopen(url + f"gradio_api/call/{endpoint}/{event_id}", timeout=30) as response:
        text = response.read().decode()
    if "event: complete" not in text:
        raise RuntimeError(text[-300:])
    return text


def timed(fn, calls: int) -> list[float]:
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def concurrent(calls_of_clients: list, calls: int) -> list[float]:
    """One thread per caller, `calls` calls each, all at once; all latencies."""
    latencies: list[float] = []
    lock = threading.Lock()

    def run(call) -> None:
        mine = timed(call, calls)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls_of_clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def describe(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[max(0, int(round(0.99 * len(ordered))) - 1)]
    return f"median {statistics.median(ordered) * 1000:6.1f} ms, p99 {p99 * 1000:6.1f} ms (n={len(ordered)})"


def target(label: str, ok: bool) -> bool:
    print(f"  {'met' if ok else 'NOT met'}: {label}")
    return ok


def client_call(url: str, endpoint: str):
    """A gradio_client Client made now (untimed) and a function making one prediction with it."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    return lambda: client.predict("1, 0.5, 0.25, 1", "craft", api_name=f"/{endpoint}")


PROJECT = "app.py, /predict"
FLOORS = ("trivial app, echo endpoint", "the Space's page, echo endpoint")


def measure_latency(args, folder: Path) -> dict[str, dict[str, list[float]]]:
    """All three servers up at once; each round measures every path on every side in turn."""
    trivial_app, space_app = Path(folder) / "trivial_app.py", Path(folder) / "space_with_echo.py"
    trivial_app.write_text(TRIVIAL_APP)
    space_app.write_text(SPACE_WITH_ECHO)
    # (label, server command, endpoint). app.py starts first: its Lightning import after launch
    # (warm_up) is then over while the two floors start, before anything is timed.
    sides = [
        (PROJECT, [sys.executable, "app.py"], "predict"),
        (FLOORS[0], [sys.executable, str(trivial_app)], "predict"),
        (FLOORS[1], [sys.executable, str(space_app)], "echo"),
    ]
    many = f"{args.clients} clients at once"
    paths = ("raw HTTP", "gradio_client", f"raw HTTP, {many}", f"gradio_client, {many}")
    per_round = max(1, args.calls // args.rounds)
    per_round_each = max(1, args.calls // 4 // args.rounds)  # per client, when concurrent
    results = {label: {path: [] for path in paths} for label, _, _ in sides}
    with ExitStack() as servers:  # every server stopped by pid on the way out, Ctrl-C included
        calls = {}
        for label, command, endpoint in sides:
            url, _ = servers.enter_context(serve(command))
            call_raw = lambda url=url, endpoint=endpoint: raw_predict(url, endpoint=endpoint)  # noqa: E731
            call_client = client_call(url, endpoint)
            call_raw(), call_client()  # warm both paths, untimed
            calls[label] = {
                paths[0]: lambda call=call_raw: timed(call, per_round),
                paths[1]: lambda call=call_client: timed(call, per_round),
                paths[2]: lambda call=call_raw: concurrent([call] * args.clients, per_round_each),
                paths[3]: lambda clients=[client_call(url, endpoint) for _ in range(args.clients)]: concurrent(
                    clients, per_round_each
                ),
            }
        for round_ in range(args.rounds):
            print(f"  round {round_ + 1}/{args.rounds}", file=sys.stderr, flush=True)
            order = sides[round_ % len(sides) :] + sides[: round_ % len(sides)]  # who goes first rotates
            for path in paths:
                for label, _, _ in order:
                    results[label][path].extend(calls[label][path]())
    return results


def measure_start_up(starts: int) -> tuple[list[float], list[float]]:
    """Alternately: a fresh Python importing torch and gradio, then `python app.py` to its first answer."""
    imports, apps = [], []
    for _ in range(starts):
        begun = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import torch, gradio"], env=ENV, check=True)
        imports.append(time.perf_counter() - begun)
        with serve([sys.executable, "app.py"]) as (_, seconds):
            apps.append(seconds)
    return imports, apps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls, rounds and start-ups: about a minute")
    parser.add_argument("--calls", type=int, help="calls per side and path (per client /4 when concurrent)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--starts", type=int, help="start-ups to time for each side")
    parser.add_argument("--rounds", type=int, help="rounds the calls are split into, the sides alternating")
    args = parser.parse_args()
    defaults = dict(calls=12, starts=1, rounds=3) if args.quick else dict(calls=60, starts=3, rounds=6)
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)

    print("== serve_speed: app.py's /predict and start-up against Gradio's own floor ==")
    for line in machine_lines():
        print(line)
    print(f"at start, {load_line()}")
    print(f"settings: calls={args.calls}, clients={args.clients}, starts={args.starts}, rounds={args.rounds}")
    met = []
    with tempfile.TemporaryDirectory() as folder:
        results = measure_latency(args, Path(folder))
    print("\n-- /predict latency (127.0.0.1), sides interleaved --")
    for path in results[PROJECT]:
        print(f"{path}:")
        for label in (PROJECT, *FLOORS):
            print(f"  {label:32s} {describe(results[label][path])}")
        ours = statistics.median(results[PROJECT][path])
        for floor in FLOORS:
            ratio = ours / statistics.median(results[floor][path])
            met.append(target(f"app.py's /predict median is {ratio:.2f}x that of [{floor}] (target <= 2x)", ratio <= 2))

    print("\n-- start-up: `python app.py` to the first answered /predict, against importing torch and gradio --")
    imports, apps = measure_start_up(args.starts)
    extra = statistics.median(apps) - statistics.median(imports)
    listed = lambda times: ", ".join(f"{t:.2f}" for t in times)  # noqa: E731
    print(f"  import torch, gradio:           median {statistics.median(imports):.2f} s ({listed(imports)})")
    print(f"  python app.py to a prediction:  median {statistics.median(apps):.2f} s ({listed(apps)})")
    met.append(target(f"start-up adds {extra:.2f} s over the imports (target <= 1 s)", extra <= 1))
    print(f"\nat end, {load_line()}")
    print(f"{sum(met)} of {len(met)} targets met")
    if not all(met):
        sys.exit(1)


if __name__ == "__main__":
    main()
