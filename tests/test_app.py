"""The real app on 127.0.0.1, called with gradio_client: the public API is a contract."""

import threading

import pytest
import torch
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from conftest import COMPANY_A, COMPANY_B, ROOT, TRACE_HEADERS, wait_for
from lstm_demo.data import parse_sequence
from lstm_demo.parity import pretrained_parity
from lstm_demo.weights import load_file, load_model


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
        "/diagram",
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


@pytest.mark.parametrize("model, sequence", [("craft", COMPANY_B), ("craft", COMPANY_A), ("builtin", COMPANY_B)])
def test_predict_returns_the_pretrained_models_prediction(client, model, sequence):
    # The numbers the pretrained weights give are test_weights.py's; here: the Space serves those weights.
    expected = load_model(model).predict(parse_sequence(sequence))
    assert client.predict(sequence, model, api_name="/predict") == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize("sequence", ["1，0.5，0.25，1", "１；０.５、０．２５，１"])
def test_predict_accepts_chinese_punctuation_and_full_width_digits(client, sequence):
    expected = load_model("craft").predict([1.0, 0.5, 0.25, 1.0])
    assert client.predict(sequence, "craft", api_name="/predict") == pytest.approx(expected, abs=1e-6)


def test_predict_takes_a_sequence_of_ten_thousand_steps(client):
    assert -1 < client.predict(", ".join(["0.5"] * 10_000), "craft", api_name="/predict") < 1


def test_trace_returns_a_table_with_the_documented_columns(client):
    table = client.predict(COMPANY_B, "builtin", api_name="/trace")
    assert table["headers"] == TRACE_HEADERS
    assert [row[0] for row in table["data"]] == [1, 2, 3, 4]
    assert table["data"][-1][-1] == pytest.approx(load_model("builtin").predict([1, 0.5, 0.25, 1]), abs=1e-6)


def test_parity_returns_the_librarys_figure_for_the_pretrained_models(client):
    # That transplanted weights agree is test_models.py's; here: /parity reports pretrained_parity's figure.
    models = {kind: load_model(kind) for kind in ("builtin", "craft")}
    expected = pretrained_parity(models, torch.tensor(parse_sequence(COMPANY_B)))["largest_difference"]
    assert client.predict(COMPANY_B, api_name="/parity") == pytest.approx(expected, abs=1e-9)


def test_train_streams_progress_and_ends_with_summary_and_weights(client):
    job = client.submit("craft", "statquest", 300, 0.05, 42, "cpu", api_name="/train")
    updates = list(job)
    assert len(updates) >= 2  # progress arrived before the end
    progress, loss_chart, prediction_chart, summary, path = updates[-1]
    assert summary["model"] == "craft" and summary["epochs"] == 300 and summary["device"] == "cpu"
    assert set(summary["predictions"]) == {"company_a", "company_b"} and summary["seconds"] > 0
    assert "Finished" in progress
    epochs = [row[0] for row in loss_chart["data"]]  # the chart may thin the history, never its ends
    assert epochs[0] == 1 and epochs[-1] == 300 and epochs == sorted(epochs)
    model = load_file(path)
    assert model.kind == "craft"
    assert model.predict([1, 0.5, 0.25, 1]) == pytest.approx(summary["predictions"]["company_b"], abs=1e-6)


def test_predict_upload_uses_the_uploaded_weights(client):
    path = ROOT / "weights" / "builtin" / "model.safetensors"
    prediction = client.predict(handle_file(str(path)), COMPANY_A, api_name="/predict_upload")
    assert prediction == pytest.approx(load_file(path).predict(parse_sequence(COMPANY_A)), abs=1e-6)


def test_two_clients_training_at_once_get_their_own_weights(app_server):
    results = {}

    def train(name, seed):
        client = Client(app_server[0], verbose=False)
        try:
            results[name] = client.predict("builtin", "fast", 1000, 0.01, seed, "cpu", api_name="/train")
        except Exception as error:  # noqa: BLE001 - said in the assertion below
            results[name] = error

    # Two at once (one address may have two trainings waiting; a third would be refused, by design),
    # then a third with the first one's seed.
    threads = [threading.Thread(target=train, args=args) for args in (("a", 3), ("b", 4))]
    for t in threads:
        t.start()
    wait_for(lambda: not any(t.is_alive() for t in threads), 180, "two trainings to finish")
    train("c", 3)
    failed = {name: repr(error) for name, error in results.items() if isinstance(error, Exception)}
    assert sorted(results) == ["a", "b", "c"] and not failed, failed
    weights = {name: load_file(result[4]).state_dict() for name, result in results.items()}
    assert len({result[4] for result in results.values()}) == 3  # each visitor gets their own file
    torch.testing.assert_close(weights["a"], weights["c"], rtol=0, atol=0)  # same seed, same weights
    with pytest.raises(AssertionError):
        torch.testing.assert_close(weights["a"], weights["b"])  # another seed, other weights


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


def test_app_py_spares_gradio_its_per_event_dashboard_summary():
    """Gradio's queue summarises every past event for a monitoring dashboard after each event unless
    told otherwise; app.py tells it to wait 100,000 events."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", "import app; print(app.build()._queue.ANAYLTICS_CACHE_FREQUENCY)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == "100000"


def test_app_py_run_as_a_workers_main_module_builds_and_launches_nothing():
    """The fork server and spawn run the parent's main script in each worker as `__mp_main__`: there
    app.py sets its defaults and imports neither Gradio nor torch, and builds no page."""
    import subprocess
    import sys

    code = (
        "import runpy, sys; names = runpy.run_path('app.py', run_name='__mp_main__'); "
        "print(sorted(m for m in ('gradio', 'torch', 'lstm_demo') if m in sys.modules), 'demo' in names)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[0] == "[] False"
