"""The real app on 127.0.0.1, called with gradio_client: the public API is a contract."""

import threading
import time

import psutil
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from conftest import COMPANY_A, COMPANY_B, ROOT
from lstm_demo.weights import load_file

TRACE_HEADERS = [
    "step",
    "input",
    "forget_gate",
    "input_gate",
    "candidate",
    "output_gate",
    "long_memory",
    "short_memory",
]


def test_the_api_lists_exactly_the_public_endpoints(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(endpoints) == {
        "/predict",
        "/trace",
        "/train",
        "/parity",
        "/predict_upload",
        "/decision_curve",
        "/race",
        "/lottery",
    }
    assert [p["parameter_name"] for p in endpoints["/train"]["parameters"]] == [
        "model",
        "recipe",
        "epochs",
        "learning_rate",
        "seed",
        "device",
    ]
    assert [p["parameter_name"] for p in endpoints["/predict"]["parameters"]] == ["sequence", "model"]


@pytest.mark.parametrize(
    "model, sequence, expected",
    [("craft", COMPANY_B, 0.9693), ("craft", COMPANY_A, 0.0022), ("builtin", COMPANY_B, 0.9809)],
)
def test_predict_returns_the_pretrained_prediction(client, model, sequence, expected):
    assert client.predict(sequence, model, api_name="/predict") == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("sequence", ["1，0.5，0.25，1", "１；０.５、０．２５，１"])
def test_predict_accepts_chinese_punctuation_and_full_width_digits(client, sequence):
    assert client.predict(sequence, "craft", api_name="/predict") == pytest.approx(0.9693, abs=1e-4)


def test_predict_takes_a_sequence_of_ten_thousand_steps(client):
    assert -1 < client.predict(", ".join(["0.5"] * 10_000), "craft", api_name="/predict") < 1


def test_trace_returns_a_table_with_the_documented_columns(client):
    table = client.predict(COMPANY_B, "builtin", api_name="/trace")
    assert table["headers"] == TRACE_HEADERS
    assert [row[0] for row in table["data"]] == [1, 2, 3, 4]
    assert table["data"][-1][-1] == pytest.approx(0.9809, abs=1e-4)


def test_parity_of_the_pretrained_models_is_float_rounding(client):
    assert 0 <= client.predict(COMPANY_B, api_name="/parity") < 1e-6


def test_train_streams_progress_and_ends_with_summary_and_weights(client):
    job = client.submit("craft", "statquest", 300, 0.05, 42, "cpu", api_name="/train")
    updates = list(job)
    assert len(updates) >= 2  # progress arrived before the end
    progress, loss_chart, prediction_chart, summary, path = updates[-1]
    assert summary["model"] == "craft" and summary["epochs"] == 300 and summary["device"] == "cpu"
    assert set(summary["predictions"]) == {"company_a", "company_b"} and summary["seconds"] > 0
    assert "Finished" in progress
    assert len(loss_chart["data"]) == 300
    model = load_file(path)
    assert model.kind == "craft"
    assert model.predict([1, 0.5, 0.25, 1]) == pytest.approx(summary["predictions"]["company_b"], abs=1e-6)


def test_predict_upload_uses_the_uploaded_weights(client):
    prediction = client.predict(
        handle_file(str(ROOT / "weights" / "builtin" / "model.safetensors")), COMPANY_A, api_name="/predict_upload"
    )
    assert prediction == pytest.approx(6.78e-05, abs=1e-4)


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def test_cancelling_a_training_ends_its_thread_and_frees_the_slot(app_server):
    url, server = app_server
    client = Client(url, verbose=False)
    job = client.submit("craft", "statquest", 10_000, 0.001, 42, "cpu", api_name="/train")
    deadline = time.monotonic() + 30
    while len(job.outputs()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(job.outputs()) >= 2, "no progress streamed"
    proc = psutil.Process(server.pid)
    job.cancel()
    time.sleep(1.5)  # the training stops within one step; give the loop a moment to notice
    before = _cpu_seconds(proc)
    time.sleep(2.0)
    busy = _cpu_seconds(proc) - before
    assert busy < 0.5, f"the server still burns {busy:.2f} CPU-seconds in 2 s: training did not stop"
    # The slot is free: a new training starts and finishes at once.
    started = time.monotonic()
    summary = client.predict("builtin", "fast", 1000, 0.01, 1, "cpu", api_name="/train")[3]
    assert summary["stop_reason"] == "converged" and time.monotonic() - started < 15


def test_two_clients_training_at_once_get_their_own_weights(app_server):
    results = {}

    def train(name, seed):
        client = Client(app_server[0], verbose=False)
        results[name] = client.predict("builtin", "fast", 1000, 0.01, seed, "cpu", api_name="/train")

    threads = [threading.Thread(target=train, args=args) for args in (("a", 3), ("b", 4), ("c", 3))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    weights = {name: load_file(result[4]).state_dict() for name, result in results.items()}
    assert results["a"][4] != results["c"][4]  # each visitor gets their own file
    assert all((weights["a"][k] == weights["c"][k]).all() for k in weights["a"])  # same seed, same weights
    assert any((weights["a"][k] != weights["b"][k]).any() for k in weights["a"])


@pytest.mark.parametrize(
    "args, message",
    [
        (("nan", "craft"), "Item 1 is NaN; every value must be a finite number."),
        (("1, two", "craft"), "Item 2 ('two') is not a number."),
        (("", "craft"), "The sequence is empty: enter numbers separated by commas, e.g. '0, 0.5, 0.25, 1'."),
        (("1", "../../etc/passwd"), "Unknown model '../../etc/passwd'; choose 'builtin' or 'craft'."),
        ((12, "craft"), "A sequence must be text such as '0, 0.5, 0.25, 1', not int."),
    ],
)
def test_predict_refuses_bad_input_with_one_sentence(client, args, message):
    with pytest.raises(AppError) as info:
        client.predict(*args, api_name="/predict")
    assert str(info.value) == message
