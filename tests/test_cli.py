import json
import re

import pytest
import torch

from conftest import COMPANY_B, ROOT, run_cli
from lstm_demo.cli import main
from lstm_demo.data import parse_sequence
from lstm_demo.weights import load_model


def test_predict_prints_one_json_object():
    done = run_cli("predict", "--model", "craft", "--json", COMPANY_B)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["model"] == "craft" and result["sequence"] == [1.0, 0.5, 0.25, 1.0]
    assert result["prediction"] == pytest.approx(0.9693, abs=1e-4)


def _predict_json(capsys, *args: str) -> dict:
    """`python -m lstm_demo predict --model craft --json ARGS...`, in this process."""
    assert main(["predict", "--model", "craft", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    "tokens",
    [
        ["-1e-3", "2", "3"],  # the exponent form argparse takes for an option
        ["-1e-3", "2", "-3"],
        ["1", "-0.5", "-2e-1", "4"],
        ["-2e-1", "1", "-0.5", "4"],
        ["-1E-1", "-.5", "-2"],
        ["0.5,", "-1e-3,", "1"],
    ],
)
def test_a_sequence_given_as_separate_arguments_keeps_its_order(capsys, tokens):
    separate = _predict_json(capsys, *tokens)
    quoted = _predict_json(capsys, " ".join(tokens))
    assert separate["sequence"] == quoted["sequence"] == parse_sequence(" ".join(tokens))
    assert separate["prediction"] == quoted["prediction"]


def test_a_sequence_split_around_options_keeps_its_order(capsys):
    assert main(["predict", "-1e-3", "--model", "craft", "2", "--json", "-3"]) == 0
    assert json.loads(capsys.readouterr().out)["sequence"] == [-0.001, 2.0, -3.0]


def test_chinese_punctuation_and_full_width_digits_work_as_typed(capsys):
    done = run_cli("predict", "--model", "craft", "--json", "１，０.５；０.２５、１")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["sequence"] == [1.0, 0.5, 0.25, 1.0]
    # A full-width minus is no option to argparse either: separate arguments keep their order.
    assert _predict_json(capsys, "－0.5", "-1e-3", "１")["sequence"] == [-0.5, -0.001, 1.0]


def test_the_issue_example_predicts_for_the_sequence_as_typed():
    done = run_cli("predict", "--model", "craft", "-1e-3", "2", "3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("craft: -0.001, 2, 3 -> 0.6877")


@pytest.mark.parametrize(
    "sequence, message",
    [
        ("", "error: The sequence is empty: enter numbers separated by commas, e.g. '0, 0.5, 0.25, 1'."),
        ("0, zero, 1", "error: Item 2 ('zero') is not a number."),
        ("1, nan", "error: Item 2 is NaN; every value must be a finite number."),
        ("inf", "error: Item 1 is infinite or too large; every value must be a finite number."),
        (", ".join(["1"] * 10_001), "error: The sequence has 10,001 numbers; the limit is 10,000."),
    ],
)
def test_bad_sequences_exit_2_with_one_line(sequence, message):
    done = run_cli("predict", "--model", "craft", sequence)
    assert done.returncode == 2
    assert done.stderr.strip() == message
    assert done.stdout == ""


def test_missing_weights_folder_exits_2_with_one_line(tmp_path):
    done = run_cli("predict", "--model", "craft", "--weights", str(tmp_path), "1")
    assert done.returncode == 2
    assert (
        done.stderr.strip() == f"error: The folder {tmp_path} holds no model.safetensors (nor craft/model.safetensors)."
    )


def test_trace_gives_every_gate_at_every_step():
    done = run_cli("trace", "--model", "builtin", "--json", COMPANY_B)
    assert done.returncode == 0, done.stderr
    steps = json.loads(done.stdout)["steps"]
    assert [s["step"] for s in steps] == [1, 2, 3, 4]
    assert set(steps[0]) == {
        "step",
        "input",
        "forget_gate",
        "input_gate",
        "candidate",
        "output_gate",
        "long_memory",
        "short_memory",
    }
    assert steps[-1]["short_memory"] == pytest.approx(0.9809, abs=1e-4)
    table = run_cli("trace", "--model", "craft", COMPANY_B).stdout.splitlines()
    assert table[0].split() == [
        "step",
        "input",
        "forget_gate",
        "input_gate",
        "candidate",
        "output_gate",
        "long_memory",
        "short_memory",
    ]
    assert len(table) == 5


def test_train_json_summary_and_saved_folder(tmp_path):
    out = tmp_path / "model"
    done = run_cli("train", "--model", "builtin", "--recipe", "fast", "--seed", "42", "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    for key in ("model", "recipe", "epochs", "loss", "predictions", "seconds", "device", "out"):
        assert key in summary
    assert summary["device"] == "cpu" and summary["out"] == str(out) and summary["stop_reason"] == "converged"
    assert set(summary["predictions"]) == {"company_a", "company_b"}
    saved = load_model("builtin", out)
    assert saved.predict([1, 0.5, 0.25, 1]) == pytest.approx(summary["predictions"]["company_b"], abs=1e-6)


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--epochs", "0"], "epochs"),
        (["--lr", "nan"], "learning rate"),
        (["--seed", "-1"], "seed"),
        (["--device", "gpu"], "No GPU is available here"),
    ],
)
def test_train_refuses_bad_options_with_one_line(args, fragment):
    done = run_cli("train", "--model", "craft", *args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], done.stderr


def test_parity_reports_the_largest_difference():
    done = run_cli("parity", "--trials", "20", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["trials"] == 20
    assert max(report["largest_difference"].values()) < 1e-6


def test_publish_dry_run_uploads_nothing_and_lists_files():
    done = run_cli("publish", "--repo", "someone/lstm-weights", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "would upload to https://huggingface.co/someone/lstm-weights:" in done.stdout
    assert "craft/model.safetensors" in done.stdout and "builtin/config.json" in done.stdout


def test_the_readme_commands_remake_the_bundled_weights(tmp_path):
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(
        r"^python -m lstm_demo train --model (\w+) --recipe statquest --out weights/(\w+)$", readme, re.M
    )
    assert sorted(commands) == [("builtin", "builtin"), ("craft", "craft")]
    for kind, _ in commands:
        done = run_cli("train", "--model", kind, "--recipe", "statquest", "--out", str(tmp_path / kind), "--json")
        assert done.returncode == 0, done.stderr
        remade, bundled = load_model(kind, tmp_path / kind).state_dict(), load_model(kind).state_dict()
        for name in bundled:
            assert torch.allclose(remade[name], bundled[name], atol=1e-6), name
