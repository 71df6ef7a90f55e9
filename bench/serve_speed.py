"""Serving: how fast the Space answers, against a trivial Gradio endpoint measured in the same run.

    python bench/serve_speed.py [--calls 60] [--clients 16] [--starts 3]

1. /predict latency through the raw HTTP API (POST /gradio_api/call/predict, then GET its
   result) and through gradio_client, against a trivial endpoint (`gr.api` returning its input)
   on a trivial app started the same way: the floor any Gradio endpoint pays.
2. The same with 16 clients at once.
3. Start-up: from `python app.py` to the first answered prediction, against the time a fresh
   Python needs to import torch and gradio alone.
Servers listen on 127.0.0.1 and are stopped by their process id.
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
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from common import machine_lines  # noqa: E402
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


def concurrent(make_call, clients: int, calls: int) -> list[float]:
    """`clients` threads, each with its own caller, `calls` calls each; all latencies."""
    latencies: list[float] = []
    lock = threading.Lock()

    def run() -> None:
        call = make_call()
        mine = timed(call, calls)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies


def describe(times: list[float]) -> str:
    ordered = sorted(times)
    p99 = ordered[max(0, int(round(0.99 * len(ordered))) - 1)]
    return f"median {statistics.median(ordered) * 1000:6.1f} ms, p99 {p99 * 1000:6.1f} ms (n={len(ordered)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=60, help="calls per measurement (per client when concurrent)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--starts", type=int, default=3, help="start-ups to time for each side")
    args = parser.parse_args()
    from gradio_client import Client

    print("== serve_speed: the Space's /predict and start-up against Gradio's own floor ==")
    for line in machine_lines():
        print(line)
    with tempfile.TemporaryDirectory() as folder:
        trivial_app, space_app = Path(folder) / "trivial_app.py", Path(folder) / "space_with_echo.py"
        trivial_app.write_text(TRIVIAL_APP)
        space_app.write_text(SPACE_WITH_ECHO)
        # (label, server command, endpoint)
        sides = [
            ("trivial app, echo endpoint", [sys.executable, str(trivial_app)], "predict"),
            ("the Space's page, echo endpoint", [sys.executable, str(space_app)], "echo"),
            ("the Space's page, /predict", [sys.executable, str(space_app)], "predict"),
        ]
        results: dict[str, dict[str, list[float]]] = {}
        for label, command, endpoint in sides:
            with serve(command) as (url, _):
                client = Client(url, verbose=False)
                call_raw = lambda: raw_predict(url, endpoint=endpoint)  # noqa: E731
                call_raw()
                client.predict("1, 0.5, 0.25, 1", "craft", api_name=f"/{endpoint}")  # warm both paths
                results[label] = {
                    "raw HTTP": timed(call_raw, args.calls),
                    "gradio_client": timed(
                        lambda: client.predict("1, 0.5, 0.25, 1", "craft", api_name=f"/{endpoint}"), args.calls
                    ),
                    f"raw HTTP, {args.clients} clients at once": concurrent(
                        lambda: call_raw, args.clients, max(5, args.calls // 4)
                    ),
                    f"gradio_client, {args.clients} clients at once": concurrent(
                        lambda: (
                            lambda c=Client(url, verbose=False): c.predict(
                                "1, 0.5, 0.25, 1", "craft", api_name=f"/{endpoint}"
                            )
                        ),
                        args.clients,
                        max(5, args.calls // 4),
                    ),
                }
        print("\n-- /predict latency (127.0.0.1) --")
        for path in results["the Space's page, /predict"]:
            print(f"{path}:")
            for label, _, _ in sides:
                print(f"  {label:32s} {describe(results[label][path])}")
            ours = statistics.median(results["the Space's page, /predict"][path])
            for floor_label in ("trivial app, echo endpoint", "the Space's page, echo endpoint"):
                ratio = ours / statistics.median(results[floor_label][path])
                print(
                    f"  {'PASS' if ratio <= 2 else 'FAIL'}: /predict median is {ratio:.2f}x the {floor_label} (target <= 2x)"
                )

        print("\n-- start-up: `python app.py` to the first answered /predict, against importing torch and gradio --")
        imports, starts = [], []
        for _ in range(args.starts):
            begun = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import torch, gradio"], env=ENV, check=True)
            imports.append(time.perf_counter() - begun)
            with serve([sys.executable, "app.py"]) as (_, seconds):
                starts.append(seconds)
        extra = statistics.median(starts) - statistics.median(imports)
        print(
            f"  import torch, gradio:           median {statistics.median(imports):.2f} s ({', '.join(f'{t:.2f}' for t in imports)})"
        )
        print(
            f"  python app.py to a prediction:  median {statistics.median(starts):.2f} s ({', '.join(f'{t:.2f}' for t in starts)})"
        )
        print(f"  {'PASS' if extra <= 1 else 'FAIL'}: start-up adds {extra:.2f} s over the imports (target <= 1 s)")


if __name__ == "__main__":
    main()
