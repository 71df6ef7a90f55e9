"""One client floods the Space, then four send long sequences; another keeps predicting. Writes
artifacts/flood.txt.

    python bench/flood.py [--seconds 30] [--baseline 10] [--only flood|long]
    python bench/flood.py attack URL SECONDS          (the flooding client alone; prints its counts as JSON)
    python bench/flood.py long URL SECONDS            (the four long-sequence clients; prints their calls)

The flooding client, in a process of its own, sends every 50 ms a statquest-free cheap training
(`/train`, built-in model, fast recipe) from a fresh session, and every tenth tick an upload and
a 5 MB body, for `--seconds`. Another client, from another address (the app runs with
SYSTEM=spaces, so each client is told apart by the X-Forwarded-For its proxy would write),
predicts Company B one call after another through the raw HTTP API. Its latencies are measured
alone first (the baseline) and then under the flood, in the same run on the same server. The
target: under the flood, /predict's p99 under 1 s and never "Queue is full".

The long-sequence flood: four clients (threads of one process of their own, each from its own
address) each send 10,000-number /trace and /diagram calls, one after another, alternating, within
every limit, for `--seconds`. The other client's /predict p99 under them is set against its p99
alone, measured just before in the same run. The target: within 2x.
The server listens on 127.0.0.1 and is stopped by its process id.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

ATTACKER, VICTIM = "10.66.66.66", "10.1.1.1"
COMPANY_B = "1, 0.5, 0.25, 1"
LONG = ", ".join(["0.5", "1", "0.25", "0"] * 2_500)  # 10,000 numbers: the longest sequence allowed
LONG_CLIENTS = 4
TICK = 0.05
FIVE_MB = b'{"data": ["' + b"1," * 2_500_000 + b'"]}'
JSON = {"Content-Type": "application/json"}


def train_index(url: str) -> tuple[int, int]:
    """The /train event's fn_index and its number of inputs, from the app's config."""
    config = httpx.get(url + "config", timeout=30).json()
    dep = next(d for d in config["dependencies"] if d.get("api_name") == "train")
    return dep["id"], len(dep["inputs"])


def attack(url: str, seconds: float) -> dict[str, int]:
    """The flooding client: see the module docstring. Returns HTTP statuses by kind of request."""
    fn_index, inputs = train_index(url)
    data = ["builtin", "fast", 300, 0.1, 1, "cpu", None][:inputs]
    counts: dict[str, int] = {}
    headers = {"X-Forwarded-For": ATTACKER}
    with httpx.Client(timeout=30, headers=headers) as client:
        end, tick = time.monotonic() + seconds, 0
        while time.monotonic() < end:
            started = time.monotonic()
            body = {"data": data, "fn_index": fn_index, "session_hash": uuid.uuid4().hex[:11], "event_data": None}
            sent = [("train", "post", "gradio_api/queue/join", {"content": json.dumps(body), "headers": JSON})]
            if tick % 10 == 0:
                sent.append(("body 5 MB", "post", "gradio_api/queue/join", {"content": FIVE_MB, "headers": JSON}))
                files = {"files": ("w.safetensors", os.urandom(30_000), "application/octet-stream")}
                sent.append(("upload", "post", "gradio_api/upload", {"files": files}))
            for kind, _, route, arguments in sent:
                try:
                    if "files" in arguments:
                        status = client.post(
                            url + route, files=arguments["files"], headers={"X-Forwarded-For": ATTACKER}
                        ).status_code
                    else:
                        status = client.post(url + route, **arguments).status_code
                except httpx.HTTPError as error:
                    status = type(error).__name__
                key = f"{kind} {status}"
                counts[key] = counts.get(key, 0) + 1
            tick += 1
            time.sleep(max(0.0, TICK - (time.monotonic() - started)))
    return counts


def predict_once(client: httpx.Client, url: str) -> tuple[float, str]:
    """One /predict through the raw API: (seconds, "" or what went wrong)."""
    started = time.monotonic()
    response = client.post(url + "gradio_api/call/predict", json={"data": [COMPANY_B, "craft"]})
    if response.status_code != 200:
        return time.monotonic() - started, f"join {response.status_code}: {response.text[:100]}"
    event_id = response.json()["event_id"]
    result = client.get(url + f"gradio_api/call/predict/{event_id}").text
    seconds = time.monotonic() - started
    if "event: complete" not in result:
        return seconds, result.strip()[-150:]
    return seconds, ""


def victim(url: str, seconds: float) -> tuple[list[float], list[str]]:
    """Predict one call after another for `seconds`; (latencies, failures)."""
    latencies, failures = [], []
    with httpx.Client(timeout=60, headers={"X-Forwarded-For": VICTIM}) as client:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            latency, failure = predict_once(client, url)
            latencies.append(latency)
            if failure:
                failures.append(failure)
    return latencies, failures


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def figures(name: str, latencies: list[float], failures: list[str]) -> str:
    return (
        f"{name}: {len(latencies)} calls, median {statistics.median(latencies) * 1000:.0f} ms, "
        f"p99 {p99(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms, "
        f"failed {len(failures)}, 'Queue is full' {sum('Queue is full' in f for f in failures)}"
    )


def call_once(client: httpx.Client, url: str, api: str, data: list) -> tuple[float, str]:
    """One call through the raw API, its answer read to the end: (seconds, "ok" or what went wrong)."""
    started = time.monotonic()
    response = client.post(url + f"gradio_api/call/{api}", json={"data": data})
    if response.status_code != 200:
        return time.monotonic() - started, f"join {response.status_code}"
    result = client.get(url + f"gradio_api/call/{api}/{response.json()['event_id']}").text
    return time.monotonic() - started, "ok" if "event: complete" in result else "error"


def long_attack(url: str, seconds: float) -> dict[str, list[float]]:
    """Four clients, each alternating 10,000-number /trace and /diagram calls for `seconds`: the seconds
    of each call, by endpoint and outcome."""
    found: dict[str, list[float]] = {}
    lock = threading.Lock()

    def client_loop(index: int) -> None:
        end, n = time.monotonic() + seconds, index
        with httpx.Client(timeout=120, headers={"X-Forwarded-For": f"10.77.0.{index + 1}"}) as client:
            while time.monotonic() < end:
                api, data = ("trace", [LONG, "craft"]) if n % 2 == 0 else ("diagram", [LONG, "craft", 1])
                try:
                    spent, outcome = call_once(client, url, api, data)
                except httpx.HTTPError as error:
                    spent, outcome = 0.0, type(error).__name__
                with lock:
                    found.setdefault(f"{api} {outcome}", []).append(spent)
                n += 1

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(LONG_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return found


def flooded(url: str, seconds: float, mode: str = "attack") -> tuple[list[float], list[str], dict]:
    """The victim's calls while the attacker (`mode`: "attack" or "long", a separate process) floods for
    `seconds`."""
    process = subprocess.Popen(
        [sys.executable, __file__, mode, url, str(seconds)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        result = {}

        def run():
            result["victim"] = victim(url, seconds)

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()
        out, _ = process.communicate(timeout=seconds + 120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    latencies, failures = result["victim"]
    return latencies, failures, json.loads(out.strip().splitlines()[-1])


def flood_lines(url: str, args) -> list[str]:
    base = victim(url, args.baseline)
    latencies, failures, counts = flooded(url, args.seconds)
    return [
        figures("/predict alone (baseline)", *base),
        figures(f"/predict while one client floods for {args.seconds:g} s", latencies, failures),
        "the flooding client's answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())),
        f"target p99 < 1 s: {'met' if p99(latencies) < 1.0 else 'NOT met'}; "
        f"'Queue is full': {'none' if not any('Queue is full' in f for f in failures) else 'SOME'}",
        *(f"  failure: {f}" for f in failures[:10]),
    ]


def answer_encoding(url: str) -> str:
    """What Gradio's /call route does in the server's event loop with each 10,000-number /trace answer
    before it sends it: the standard library's json.dumps (timed here on the same answer, median of
    5), against orjson, which its page's own route uses."""
    import orjson

    with httpx.Client(timeout=120) as client:
        event = client.post(url + "gradio_api/call/trace", json={"data": [LONG, "craft"]}).json()["event_id"]
        text = client.get(url + f"gradio_api/call/trace/{event}").text
    data = json.loads(text.split("event: complete\ndata: ", 1)[1].split("\n", 1)[0])
    times = {}
    for name, dumps in (("json", json.dumps), ("orjson", orjson.dumps)):
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            size = len(dumps(data))
            runs.append(time.perf_counter() - started)
        times[name] = statistics.median(runs)
    return (
        f"one /trace answer ({size / 1000:.0f} KB) encoded by json.dumps, as the /call route does in the "
        f"server's event loop: {times['json'] * 1000:.1f} ms (orjson: {times['orjson'] * 1000:.1f} ms)"
    )


def long_lines(url: str, args) -> list[str]:
    base = victim(url, args.baseline)
    latencies, failures, calls = flooded(url, args.seconds, "long")
    ratio = p99(latencies) / p99(base[0])
    long_calls = ", ".join(
        f"{kind}: {len(times)}, median {statistics.median(times):.2f} s" for kind, times in sorted(calls.items())
    )
    return [
        figures("/predict alone (baseline for the long flood)", *base),
        figures(
            f"/predict while {LONG_CLIENTS} clients send 10,000-number calls for {args.seconds:g} s",
            latencies,
            failures,
        ),
        f"the long calls (/trace and /diagram): {long_calls}",
        answer_encoding(url),
        f"p99 under the long flood / alone: {ratio:.2f}x; target within 2x: {'met' if ratio <= 2 else 'NOT met'}",
        *(f"  failure: {f}" for f in failures[:10]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--baseline", type=float, default=10.0)
    parser.add_argument("--only", choices=("flood", "long"), help="run one of the two floods")
    args = parser.parse_args()
    from server import running_app

    out = ROOT / "artifacts"
    out.mkdir(exist_ok=True)
    lines = []
    with running_app({"SYSTEM": "spaces"}, log_path=out / "flood-server.log") as (url, _):
        victim(url, 3)  # warm-up: the first calls pay imports
        if args.only != "long":
            lines += flood_lines(url, args)
        if args.only != "flood":
            lines += long_lines(url, args)
    load = os.getloadavg()
    only = f" --only {args.only}" if args.only else ""
    lines.insert(
        0,
        f"bench/flood.py --seconds {args.seconds:g} --baseline {args.baseline:g}{only}; "
        f"{os.cpu_count()} CPUs, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}",
    )
    text = "\n".join(lines) + "\n"
    (out / "flood.txt").write_text(text)
    print(text, end="")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] in ("attack", "long"):
        flood = attack if sys.argv[1] == "attack" else long_attack
        print(json.dumps(flood(sys.argv[2], float(sys.argv[3]))))
    else:
        main()
