"""The Space under bad input, hostile requests, load and a long run: it answers, and keeps serving."""

import io
import os
import pickle
import statistics
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
import torch
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from safetensors.torch import save_file

from conftest import ARTIFACTS, COMPANY_B, ROOT, wait_for
from lstm_demo.weights import load_model
from server import running_app

TRAIN_OK = ["craft", "fast", 1000, 0.01, 42, "cpu"]


@pytest.mark.parametrize(
    "position, value, message",
    [
        (0, "gru", "Unknown model 'gru'; choose builtin, craft."),
        (0, None, "Unknown model 'None'; choose builtin, craft."),
        (1, "../../etc", "Unknown recipe '../../etc'; choose fast, statquest."),
        (2, 0, "The number of epochs must be a whole number from 1 to 10,000."),
        (2, 10_001, "The number of epochs must be a whole number from 1 to 10,000."),
        (2, 2.5, "The number of epochs must be a whole number from 1 to 10,000."),
        (2, "many", "The number of epochs must be a whole number, not 'many'."),
        (2, "nan", "The number of epochs must be a whole number from 1 to 10,000."),
        (3, "nan", "The learning rate must be a number from 1e-06 to 10."),
        (3, "inf", "The learning rate must be a number from 1e-06 to 10."),
        (3, -0.1, "The learning rate must be a number from 1e-06 to 10."),
        (3, [0.1], "The learning rate must be a number, not '[0.1]'."),
        (4, -1, "The seed must be a whole number from 0 to 4,294,967,295."),
        (4, 2**32, "The seed must be a whole number from 0 to 4,294,967,295."),
        (5, "tpu", "Unknown device 'tpu'; choose auto, cpu, gpu."),
    ],
)
def test_train_refuses_every_bad_input_with_one_sentence(client, position, value, message):
    args = list(TRAIN_OK)
    args[position] = value
    with pytest.raises(AppError) as info:
        client.predict(*args, api_name="/train")
    assert str(info.value) == message


def call_raw(url: str, endpoint: str, body: str) -> str:
    """POST a hand-written JSON body to /gradio_api/call/<endpoint>; return the event stream's text."""
    import json

    request = urllib.request.Request(
        url + f"gradio_api/call/{endpoint}",
        data=body.encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        event_id = json.loads(response.read())["event_id"]
    with urllib.request.urlopen(url + f"gradio_api/call/{endpoint}/{event_id}", timeout=30) as response:
        return response.read().decode()


@pytest.mark.parametrize(
    "body, message",
    [
        ('{"data": ["craft", "fast", 1000, NaN, 42, "cpu"]}', "The learning rate must be a number from 1e-06 to 10."),
        (
            '{"data": ["craft", "fast", NaN, 0.01, 42, "cpu"]}',
            "The number of epochs must be a whole number from 1 to 10,000.",
        ),
        (
            '{"data": ["craft", "fast", 1000, Infinity, 42, "cpu"]}',
            "The learning rate must be a number from 1e-06 to 10.",
        ),
        (
            '{"data": ["craft", "fast", 1000, 0.01, NaN, "cpu"]}',
            "The seed must be a whole number from 0 to 4,294,967,295.",
        ),
    ],
)
def test_nan_and_infinity_sent_as_raw_json_are_refused(app_server, body, message):
    stream = call_raw(app_server[0], "train", body)
    assert "event: error" in stream and message in stream


@pytest.mark.parametrize(
    "endpoint, args, message",
    [
        ("/trace", ("1, x", "craft"), "Item 2 ('x') is not a number."),
        ("/trace", ("1", "lstm"), "Unknown model 'lstm'; choose 'builtin' or 'craft'."),
        ("/trace", ("-inf", "craft"), "Item 1 is infinite or too large; every value must be a finite number."),
        ("/parity", ("",), "The sequence is empty: enter numbers separated by commas, e.g. '0, 0.5, 0.25, 1'."),
        ("/parity", (", ".join(["1"] * 10_001),), "The sequence has 10,001 numbers; the limit is 10,000."),
        ("/predict", ({"a": 1}, "craft"), "A sequence must be text such as '0, 0.5, 0.25, 1', not dict."),
    ],
)
def test_other_endpoints_refuse_bad_input_with_one_sentence(client, endpoint, args, message):
    with pytest.raises(AppError) as info:
        client.predict(*args, api_name=endpoint)
    assert str(info.value) == message


def _upload(client, path, sequence=COMPANY_B):
    return client.predict(handle_file(str(path)), sequence, api_name="/predict_upload")


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


class Canary:
    """Unpickling this creates a file: proof that nothing was unpickled if the file never appears."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_bad_uploads_are_refused_and_nothing_is_unpickled(client, tmp_path):
    good = {k: v.contiguous() for k, v in torch.nn.LSTM(1, 1).state_dict().items()}
    good = {f"lstm.{k}": v for k, v in good.items()}
    save_file(good, tmp_path / "good.safetensors")
    raw = (tmp_path / "good.safetensors").read_bytes()
    canary = tmp_path / "canary-was-unpickled"
    pickled = io.BytesIO()
    pickle.dump({"w_xf": Canary(canary)}, pickled)
    torch.save({"w_xf": torch.zeros(())}, tmp_path / "torch.pt")

    def tensors(**changes):
        state = dict(good)
        state.update(changes)
        path = tmp_path / f"case{len(list(tmp_path.iterdir()))}.safetensors"
        save_file({k: v for k, v in state.items() if v is not None}, path)
        return path

    cases = {
        "truncated": (_write(tmp_path / "t.safetensors", raw[:40]), "truncated"),
        "garbage": (_write(tmp_path / "g.safetensors", os.urandom(300)), "safetensors"),
        "huge header": (
            _write(tmp_path / "h.safetensors", struct.pack("<Q", 2**60) + b"{}"),
            "larger than safetensors allows",
        ),
        "invalid json": (_write(tmp_path / "j.safetensors", struct.pack("<Q", 4) + b"{{{{"), "not valid JSON"),
        "pickle renamed": (_write(tmp_path / "p.safetensors", pickled.getvalue()), "safetensors"),
        "torch.save renamed": (_write(tmp_path / "s.safetensors", (tmp_path / "torch.pt").read_bytes()), "safetensors"),
        "missing tensor": (tensors(**{"lstm.bias_hh_l0": None}), "missing lstm.bias_hh_l0"),
        "extra tensor": (tensors(backdoor=torch.zeros(1)), "unexpected backdoor"),
        "wrong shape": (tensors(**{"lstm.bias_ih_l0": torch.zeros(5)}), "has shape [5]"),
        "float64": (
            tensors(**{"lstm.bias_ih_l0": torch.zeros(4, dtype=torch.float64)}),
            "is float64; save the weights as float32",
        ),
        "int": (tensors(**{"lstm.bias_ih_l0": torch.zeros(4, dtype=torch.int64)}), "is int64"),
        "nan": (tensors(**{"lstm.bias_ih_l0": torch.full((4,), float("nan"))}), "NaN or infinite"),
        "inf": (tensors(**{"lstm.weight_hh_l0": torch.full((4, 1), float("inf"))}), "NaN or infinite"),
        "not safetensors": (_write(tmp_path / "x.txt", b"hello"), "Only .safetensors files are accepted."),
    }
    before = client.predict(COMPANY_B, "builtin", api_name="/predict")
    for name, (path, fragment) in cases.items():
        with pytest.raises(AppError) as info:
            _upload(client, path)
        assert fragment in str(info.value), (name, str(info.value))
        assert "\n" not in str(info.value) and "Traceback" not in str(info.value)
    assert not canary.exists()
    # A good upload works, is its own model, and leaves the pretrained one as it was.
    assert -1 < _upload(client, tmp_path / "good.safetensors") < 1
    assert client.predict(COMPANY_B, "builtin", api_name="/predict") == before


def _get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.parametrize(
    "path",
    [
        "/etc/passwd",
        "../app.py",
        "app.py",
        "weights/craft/model.safetensors",
        str(ROOT / "weights" / "craft" / "model.safetensors"),
        str(ROOT / "app.py"),
        ".git/config",
        str(ROOT / ".git" / "config"),
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "%2e%2e/%2e%2e/etc/passwd",
    ],
)
def test_the_file_route_refuses_paths_the_app_did_not_produce(app_server, path):
    status, _, body = _get(app_server[0] + "gradio_api/file=" + path)
    assert status in (403, 404), (path, status)
    secrets = [Path("/etc/passwd"), ROOT / "app.py", ROOT / "weights" / "craft" / "model.safetensors"]
    for secret in secrets:  # none of the files these paths name comes back, whole or in part
        assert secret.read_bytes()[:64] not in body, (path, secret)


def test_uploads_over_the_limit_get_413(app_server):
    boundary = "----lstmdemo"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.safetensors"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"\0" * (65 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        app_server[0] + "gradio_api/upload",
        data=body,
        method="POST",
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(request, timeout=10)
    assert info.value.code == 413


def test_no_cors_header_for_a_foreign_origin(app_server):
    _, headers, _ = _get(app_server[0] + "gradio_api/info", {"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in {k.lower() for k in headers}


def test_gradio_is_at_a_version_with_the_published_advisories_fixed():
    import gradio
    from packaging.version import Version

    assert Version(gradio.__version__) >= Version("6.22")


def test_a_pinned_revision_that_is_not_cached_stops_the_start_with_a_clear_error(tmp_path):
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_HUB_CACHE": str(tmp_path),
        "LSTM_DEMO_HUB_REPO": "lstm-demo/lstm-built-two-ways",
        "LSTM_DEMO_HUB_REVISION": "a" * 40,
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    done = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"error: The pinned weights lstm-demo/lstm-built-two-ways@{'a' * 40} could not be loaded: "
        f"lstm-demo/lstm-built-two-ways@{'a' * 40} is not in the local Hugging Face cache and the Hub cannot be reached."
    )


def test_predictions_stay_correct_while_two_trainings_run(app_server):
    """Correct answers under load; how quick they are is bench/serve_speed.py's to measure (written to artifacts/)."""
    url = app_server[0]
    trainers = [Client(url, verbose=False) for _ in range(2)]
    jobs = [c.submit("craft", "statquest", 3000, 0.001, 42, "cpu", api_name="/train") for c in trainers]
    latencies, errors = [], []

    def predict(n):
        client = Client(url, verbose=False)
        for i in range(n):
            sequence, expected = ((COMPANY_B, 0.9693), ("0, 0.5, 0.25, 1", 0.0022))[i % 2]
            started = time.perf_counter()
            try:
                value = client.predict(sequence, "craft", api_name="/predict")
                assert value == pytest.approx(expected, abs=1e-4)
            except Exception as exc:  # collected, asserted below
                errors.append(repr(exc))
            latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=predict, args=(15,)) for _ in range(4)]
    for t in threads:
        t.start()
    wait_for(lambda: not any(t.is_alive() for t in threads), 300, "60 predictions under load")
    for job in jobs:
        job.cancel()
    assert errors == []
    assert len(latencies) == 60
    median, p99 = statistics.median(latencies), sorted(latencies)[int(0.99 * len(latencies)) - 1]
    (ARTIFACTS / "load-latency.txt").write_text(
        f"predict under load: median {median * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms\n"
    )


@pytest.fixture(scope="module")
def one_slot_app(tmp_path_factory):
    """An app with one training slot and a queue of two, where a training ends only when cancelled."""
    env = {
        "LSTM_DEMO_MAX_QUEUE_SIZE": "2",
        "LSTM_DEMO_MAX_CONCURRENT_TRAININGS": "1",
        "LSTM_DEMO_MAX_EPOCHS": "1000000",  # ~30 min of training here
        "LSTM_DEMO_MAX_TRAIN_SECONDS": "3600",
        # Every client here is 127.0.0.1: its share of the trainings' waiting room (2) would refuse the
        # fourth training before Gradio's queue of two is full.
        "LSTM_DEMO_MAX_WAITING_TRAININGS_PER_ADDRESS": "10",
    }
    with running_app(env, log_path=tmp_path_factory.mktemp("one-slot") / "log.txt") as running:
        yield running


ENDLESS = ("craft", "statquest", 1_000_000, 0.001, 42, "cpu")


def test_a_full_queue_answers_queue_full(one_slot_app):
    from gradio_client.utils import Status

    url, _ = one_slot_app
    seen = (Status.IN_QUEUE, Status.PROCESSING, Status.ITERATING, Status.FINISHED)
    jobs, refused = [], None
    for _ in range(6):  # one trains, two wait; one more cannot get in
        job = Client(url, verbose=False).submit(*ENDLESS, api_name="/train")
        wait_for(lambda: job.status().code in seen, 60, "the training to be queued or refused")
        if job.status().code == Status.FINISHED:
            try:
                job.result()
            except Exception as exc:  # the refusal
                refused = str(exc)
                break
        jobs.append(job)
    assert refused is not None and "Queue is full" in refused, refused
    assert len(jobs) == 3
    for job in reversed(jobs):  # the waiting ones first, so that none of them starts
        job.cancel()
    expected = load_model("craft").predict([1, 0.5, 0.25, 1])
    assert Client(url, verbose=False).predict(COMPANY_B, "craft", api_name="/predict") == pytest.approx(expected)


def test_cancelling_a_training_stops_its_worker_and_frees_the_only_slot(one_slot_app):
    from test_workers import Quiet, workers_of

    url, server = one_slot_app
    quick = ("builtin", "fast", 1000, 0.01, 1, "cpu")
    client = Client(url, verbose=False)
    client.submit(*quick, api_name="/train").result(timeout=180)  # the slot is free to begin with
    job = client.submit(*ENDLESS, api_name="/train")
    wait_for(lambda: len(job.outputs()) >= 2, 120, "the training's first progress")
    job.cancel()
    # The training runs in a worker process (lstm_demo/workers.py), which goes idle on the cancel.
    wait_for(Quiet(lambda: workers_of(server.pid)), 60, "the worker idle after the cancel", every=0.5)
    # With one slot, this training can only run once the cancelled one has let go of it.
    summary = Client(url, verbose=False).submit(*quick, api_name="/train").result(timeout=180)[3]
    assert summary["stop_reason"] == "converged"


@pytest.fixture(scope="module")
def small_app(tmp_path_factory):
    """One app for the tests that need settings of their own (one start instead of three): an empty
    Hub cache offline, trained files that expire after 4 s in a temporary folder of its own, and a
    capacity of 20 sessions. Yields (url, process, folder)."""
    folder = tmp_path_factory.mktemp("small-app")
    env = {
        "HF_HUB_CACHE": str(folder / "empty"),
        "LSTM_DEMO_HUB_REPO": "lstm-demo/lstm-built-two-ways",
        "LSTM_DEMO_TRAINED_FILE_TTL_SECONDS": "4",
        "TMPDIR": str(folder),
        "LSTM_DEMO_MAX_SESSIONS": "20",
    }
    with running_app(env, log_path=folder / "log.txt") as (url, process):
        yield url, process, folder


def test_start_offline_with_an_empty_cache_serves_the_bundled_weights(small_app):
    url, _, folder = small_app
    expected = load_model("craft").predict([1, 0.5, 0.25, 1])
    assert Client(url, verbose=False).predict(COMPANY_B, "craft", api_name="/predict") == pytest.approx(expected)
    log = (folder / "log.txt").read_text()
    assert log.count("Serving the bundled weights") == 1, log


def test_many_trainings_in_a_row_level_off_and_trained_files_expire(small_app):
    url, process, folder = small_app
    server = psutil.Process(process.pid)
    client = Client(url, verbose=False)

    def footprint():
        return server.memory_info().rss, server.num_threads(), server.num_fds()

    for seed in range(3):  # warm up: imports, first allocations
        client.predict("builtin", "fast", 1000, 0.01, seed, "cpu", api_name="/train")
    rss0, threads0, fds0 = footprint()
    for seed in range(3, 18):
        client.predict("builtin", "fast", 1000, 0.01, seed, "cpu", api_name="/train")
    rss1, threads1, fds1 = footprint()
    trained = folder / "lstm_demo_trained"
    assert len(list(trained.iterdir())) >= 1
    # The 4-s lifetime and the janitor's round: the files go by themselves.
    wait_for(lambda: not list(trained.iterdir()), 60, "the trained files to expire")
    (ARTIFACTS / "soak.txt").write_text(
        f"15 trainings after a warm-up of 3: RSS {rss0 / 2**20:.1f} -> {rss1 / 2**20:.1f} MiB, "
        f"threads {threads0} -> {threads1}, open files {fds0} -> {fds1}\n"
    )
    assert rss1 - rss0 < 40 * 2**20
    assert threads1 <= threads0 + 4
    assert fds1 <= fds0 + 8


def test_raw_http_calls_cannot_grow_the_sessions_without_bound(small_app):
    """Each raw HTTP API call opens a Gradio session (~270 KB here); the capacity caps them."""
    import json

    def raw(url):
        request = urllib.request.Request(
            url + "gradio_api/call/predict",
            data=json.dumps({"data": [COMPANY_B, "craft"]}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            event_id = json.loads(response.read())["event_id"]
        with urllib.request.urlopen(url + f"gradio_api/call/predict/{event_id}", timeout=10) as response:
            assert b"event: complete" in response.read()

    def calls(count):  # four at a time (a client's share of the queue is larger)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(raw, [url] * count))

    url, process, _ = small_app
    server = psutil.Process(process.pid)
    calls(40)  # past the capacity: from here on, old sessions are dropped
    # app.py imports Lightning in the background once it serves; a finished training means it is in.
    Client(url, verbose=False).predict("builtin", "fast", 1000, 0.01, 1, "cpu", api_name="/train")
    before = server.memory_info().rss
    calls(150)
    grown = server.memory_info().rss - before
    (ARTIFACTS / "sessions.txt").write_text(
        f"150 raw calls past a capacity of 20 sessions: RSS grew {grown / 2**20:.1f} MiB\n"
    )
    # Measured: 1.3 MiB capped; 53.6 MiB with a capacity of 1,000,000 (no cap in effect).
    assert grown < 15 * 2**20, f"RSS grew {grown / 2**20:.1f} MiB for 150 calls (uncapped, ~50 MiB)"


def test_an_upload_cannot_point_at_a_file_already_on_the_server(app_server):
    """With raw inputs a script could name any path; Gradio only lets through files it received."""
    import json

    target = str(ROOT / "weights" / "craft" / "model.safetensors")
    body = json.dumps({"data": [{"path": target, "meta": {"_type": "gradio.FileData"}}, COMPANY_B]})
    stream = call_raw(app_server[0], "predict_upload", body)
    assert "event: error" in stream and "0.969" not in stream
