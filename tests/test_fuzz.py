"""Every malformed call gets one sentence (issue 13): each server function of the running app, public and
private (listed from its /config), called with missing and extra arguments, wrong types, huge and strange
values. Never {"error": null}, never the generic sentence, never a traceback or a server path; the
server's log stays small. Real app on 127.0.0.1 (the session's app_server); a bounded set of cases."""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from conftest import APP_LOG, ARTIFACTS, ROOT

GENERIC = "Something went wrong"
TRAINING = "training"
HUGE = '"' + "7" * 900_000 + '"'  # under the 1 MiB body limit: reaches Gradio
# Hostile values as JSON text (some are not JSON Python writes: NaN, 10^400, a lone surrogate).
HOSTILE = [
    "null",
    "[1, 2]",
    '{"a": 1}',
    '{"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}',
    "1" + "0" * 400,
    "NaN",
    "Infinity",
    '"\\ud800"',
    "[" * 30_000 + "]" * 30_000,
    "true",
    '{"headers": ["a"], "data": "not rows"}',
    '""',
    '"x"',
    "-1e308",
    '[{"path": 3}]',
    '{"value": {"b": [null]}}',
]
PER_FUNCTION = 6  # hostile values per function, spread over its arguments (rotating through HOSTILE)
CASE_SECONDS = 60  # the longest one case may take to be answered on a busy machine


def server_paths() -> list[str]:
    """Absolute paths of this server that no answer may name."""
    paths = {sys.prefix, os.path.realpath(sys.prefix), tempfile.gettempdir(), str(ROOT), os.path.expanduser("~")}
    return sorted(p for p in paths if p and len(p) > 4)


def functions(url: str) -> list[dict]:
    """Every server function of the app (fn_index, name, its inputs' types, base values, training or not)."""
    config = httpx.get(url + "config", timeout=30).json()
    components = {c["id"]: c for c in config["components"]}
    found = []
    for dep in config["dependencies"]:
        if not dep.get("backend_fn"):
            continue
        training = dep.get("concurrency_id") == TRAINING or dep.get("api_name") in ("train", "race", "lottery")
        inputs = [components[i] for i in dep["inputs"]]
        found.append(
            {
                "fn_index": dep["id"],
                "name": dep.get("api_name") or str(dep["id"]),
                "types": [c["type"] for c in inputs],
                "base": [base_value(c, training) for c in inputs],
                "training": training,
                "queue": dep.get("queue") is not False,
            }
        )
    return found


def base_value(component: dict, training: bool):
    """A plausible value for an input: its default, a short sequence, or 1 (a training of one epoch)."""
    props = component.get("props", {})
    kind = component["type"]
    if kind == "state":
        return None
    if kind == "api":
        if props.get("value") is not None:
            return props["value"]
        api_type = json.dumps(props.get("_api_info", {}))
        return 1 if ("integer" in api_type or "number" in api_type) else "1"
    if kind in ("number", "slider") and training:
        return 1
    return props.get("value")


def cases(fn: dict, first: bool) -> list[tuple[str, str]]:
    """(what, data as JSON text) for one function. Events wired to a handler already fuzzed (the same
    name with a number after it: predict_both_2) get only the missing and extra arguments."""
    base = [json.dumps(v) for v in fn["base"]]
    found = [("no arguments", "[]")]
    if base:
        found.append(("one argument missing", "[" + ",".join(base[:-1]) + "]"))
    if not fn["training"]:  # with every argument valid, a training would run
        found.append(("an extra argument", "[" + ",".join([*base, '"extra"']) + "]"))
    positions = [i for i, kind in enumerate(fn["types"]) if kind != "state"]
    if not first or not positions:
        return found
    for k in range(PER_FUNCTION):
        i = positions[k % len(positions)]
        value = HOSTILE[(fn["fn_index"] * 5 + k) % len(HOSTILE)]
        data = "[" + ",".join([*base[:i], value, *base[i + 1 :]]) + "]"
        found.append((f"argument {i + 1} ({fn['types'][i]}) = {value[:40]}", data))
    if fn["fn_index"] % 5 == 0:  # a few 900 KB values (Gradio keeps raw inputs: not every function)
        i = positions[0]
        found.append(("a 900 KB value", "[" + ",".join([*base[:i], HUGE, *base[i + 1 :]]) + "]"))
    return found


def all_cases(fns: list[dict]) -> list[tuple[dict, str, str]]:
    seen, work = set(), []
    for fn in fns:
        handler = re.sub(r"_\d+$", "", fn["name"])
        work += [(fn, what, data) for what, data in cases(fn, handler not in seen)]
        seen.add(handler)
    return work


def answer(client: httpx.Client, url: str, fn: dict, data: str) -> tuple[str, str]:
    """Send one call as the page does; returns ("ok" | "error" | "http <status>", the sentence or body)."""
    session = uuid.uuid4().hex[:11]
    body = f'{{"data": {data}, "fn_index": {fn["fn_index"]}, "session_hash": "{session}", "event_data": null}}'
    route = "gradio_api/queue/join" if fn["queue"] else "gradio_api/run/predict"
    response = client.post(
        url + route, content=body.encode("utf-8", "surrogatepass"), headers={"Content-Type": "application/json"}
    )
    if response.status_code != 200:
        return f"http {response.status_code}", response.text
    if not fn["queue"]:
        return "ok", response.text
    event_id = response.json()["event_id"]
    deadline = time.monotonic() + CASE_SECONDS
    with client.stream("GET", url + f"gradio_api/queue/data?session_hash={session}") as stream:
        for line in stream.iter_lines():
            if time.monotonic() > deadline:
                break
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("event_id") != event_id:
                continue
            if message.get("msg") == "process_generating":
                return "ok", ""  # a stream started: the call was accepted (a training of one epoch)
            if message.get("msg") == "process_completed":
                if message.get("success"):
                    return "ok", ""
                return "error", message.get("output", {}).get("error")
    raise AssertionError(f"no answer within {CASE_SECONDS} s")


def faults(kind: str, text, paths: list[str]) -> list[str]:
    """What is wrong with an answer a visitor reads (nothing, for a good one)."""
    if kind == "ok":
        return []
    if kind.startswith("http") and isinstance(text, str) and text.startswith("{"):
        body = json.loads(text)  # Gradio's own routes answer {"error": ...} or {"detail": ...}
        text = body.get("error") or body.get("detail") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip():
        return ["no sentence"]
    found = ["no sentence"] if "Internal Server Error" in text else []
    if GENERIC in text:
        found.append("the generic sentence")
    if "Traceback" in text or 'File "' in text:
        found.append("a traceback")
    if len(text) > 500:
        found.append(f"{len(text)} characters")
    found += [f"the path {p}" for p in paths if p in text]
    return found


def test_every_malformed_call_gets_one_sentence(app_server):
    url, _ = app_server
    log_path = APP_LOG
    log_before = log_path.stat().st_size if log_path.exists() else 0
    paths = server_paths()
    fns = functions(url)
    assert len(fns) >= 20, [f["name"] for f in fns]  # public and private: the page's own events too
    work = all_cases(fns)
    assert 200 <= len(work) <= 600, len(work)
    assert {value for value in HOSTILE if any(value[:40] in what for _, what, _ in work)} == set(HOSTILE)
    lock, bad, kinds = threading.Lock(), [], {}

    def run(item):
        fn, what, data = item
        with httpx.Client(timeout=CASE_SECONDS) as client:
            kind, text = answer(client, url, fn, data)
        with lock:
            kinds[kind] = kinds.get(kind, 0) + 1
            for fault in faults(kind, text, paths):
                bad.append(f"{fn['name']}: {what}: {fault}: {str(text)[:150]!r}")

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(run, work))
    grown = (log_path.stat().st_size if log_path.exists() else 0) - log_before
    (ARTIFACTS / "fuzz.txt").write_text(
        f"{len(work)} cases over {len(fns)} server functions; answers: {kinds}; log grew {grown:,} bytes\n"
        + "".join(line + "\n" for line in bad)
    )
    assert not bad, f"{len(bad)} of {len(work)} answers lack one clean sentence:\n" + "\n".join(bad[:40])
    assert kinds.get("error", 0) > len(work) // 3  # the cases were refused, not quietly taken
    assert grown < 2 * 2**20, f"the server's log grew {grown:,} bytes under the fuzz"


@pytest.mark.parametrize("body", ["[1, 2]", '{"data": 3}', '{"data": [], "fn_index": 99999, "session_hash": "x"}', "{"])
def test_a_join_that_is_no_call_gets_one_sentence(app_server, body):
    response = httpx.post(
        app_server[0] + "gradio_api/queue/join", content=body, timeout=30, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (404, 422)
    assert response.text.endswith(".") and len(response.text) < 200 and "Traceback" not in response.text


@pytest.mark.parametrize(
    "body", ["[1, 2]", '{"data": ["1", "craft"]}', "{", '{"sequence": "1", "nope": 1}', '{"model": "craft"}', "null"]
)
def test_a_v2_call_that_is_no_call_gets_one_sentence(app_server, body):
    """The v2 route (the API page's curl lines) takes an endpoint's parameters by name; anything else is
    refused with one sentence before Gradio sees it."""
    response = httpx.post(
        app_server[0] + "gradio_api/call/v2/predict",
        content=body,
        timeout=30,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.text.endswith(".") and len(response.text) < 200 and "Traceback" not in response.text
