import json
import re
from pathlib import Path

import pytest
import torch

from conftest import COMPANY_B, REPO_FILES, ROOT, TRACE_HEADERS, run_cli
from lstm_demo.cli import main
from lstm_demo.data import parse_sequence
from lstm_demo.parity import parity_check
from lstm_demo.weights import load_model


def test_predict_prints_one_json_object():
    done = run_cli("predict", "--model", "craft", "--json", COMPANY_B)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["model"] == "craft" and result["sequence"] == [1.0, 0.5, 0.25, 1.0]
    # What the pretrained weights predict is test_weights.py's; here: the command prints the loader's model's.
    assert result["prediction"] == pytest.approx(load_model("craft").predict([1.0, 0.5, 0.25, 1.0]), abs=1e-7)


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """`python -m lstm_demo ARGS...` in this process: (exit status, stdout, stderr). The commands'
    own start in a fresh process is test_predict_prints_one_json_object's and the README test's."""
    try:
        status = main(list(args))
    except SystemExit as exit:  # argparse's refusals
        status = exit.code
    out, err = capsys.readouterr()
    return status, out, err


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
    assert _predict_json(capsys, "１，０.５；０.２５、１")["sequence"] == [1.0, 0.5, 0.25, 1.0]
    # A full-width minus is no option to argparse either: separate arguments keep their order.
    assert _predict_json(capsys, "－0.5", "-1e-3", "１")["sequence"] == [-0.5, -0.001, 1.0]


def test_the_issue_example_predicts_for_the_sequence_as_typed(capsys):
    status, out, err = cli(capsys, "predict", "--model", "craft", "-1e-3", "2", "3")
    assert status == 0, err
    assert out.startswith("craft: -0.001, 2, 3 -> 0.6877")


@pytest.mark.parametrize(
    "sequence, message",
    [
        ("", "error: The sequence is empty: enter numbers separated by commas, e.g. '0, 0.5, 0.25, 1'."),
        ("0, zero, 1", "error: Item 2 ('zero') is not a number."),
        ("1, nan", "error: Item 2 is NaN; every value must be a finite number."),
        ("inf", "error: Item 1 is infinite or too large; every value must be a finite number."),
        (", ".join(["1"] * 10_001), "error: The sequence has 10,001 numbers; the limit is 10,000."),
    ],
    ids=["empty", "a-word", "nan", "inf", "too-long"],
)
def test_bad_sequences_exit_2_with_one_line(capsys, sequence, message):
    assert cli(capsys, "predict", "--model", "craft", sequence) == (2, "", message + "\n")


def test_missing_weights_folder_exits_2_with_one_line(capsys, tmp_path):
    message = f"error: The folder {tmp_path} holds no model.safetensors (nor craft/model.safetensors).\n"
    assert cli(capsys, "predict", "--model", "craft", "--weights", str(tmp_path), "1") == (2, "", message)


def test_trace_gives_every_gate_at_every_step(capsys):
    status, out, err = cli(capsys, "trace", "--model", "builtin", "--json", COMPANY_B)
    assert status == 0, err
    steps = json.loads(out)["steps"]
    assert [s["step"] for s in steps] == [1, 2, 3, 4]
    assert set(steps[0]) == set(TRACE_HEADERS)
    assert steps[-1]["short_memory"] == pytest.approx(load_model("builtin").predict([1.0, 0.5, 0.25, 1.0]), abs=1e-7)
    table = cli(capsys, "trace", "--model", "craft", COMPANY_B)[1].splitlines()
    assert table[0].split() == TRACE_HEADERS
    assert len(table) == 5


def test_train_json_summary_and_saved_folder(capsys, tmp_path):
    out = tmp_path / "model"
    status, stdout, err = cli(
        capsys, "train", "--model", "builtin", "--recipe", "fast", "--seed", "42", "--out", str(out), "--json"
    )
    assert status == 0, err
    summary = json.loads(stdout.strip().splitlines()[-1])
    for key in ("model", "recipe", "epochs", "loss", "predictions", "seconds", "device", "out"):
        assert key in summary
    assert summary["device"] == "cpu" and summary["out"] == str(out) and summary["stop_reason"] == "converged"
    assert set(summary["predictions"]) == {"company_a", "company_b"}
    saved = load_model("builtin", out)
    assert saved.predict([1, 0.5, 0.25, 1]) == pytest.approx(summary["predictions"]["company_b"], abs=1e-6)


BAD_TRAIN_OPTIONS = [
    (["--epochs", "0"], "error: The number of epochs must be a whole number from 1 to 10,000."),
    (["--epochs", "x"], "error: argument --epochs: invalid int value: 'x'"),
    (["--lr", "nan"], "error: The learning rate must be a number from 1e-06 to 10."),
    (["--lr", "11"], "error: The learning rate must be a number from 1e-06 to 10."),
    (["--seed", "-1"], "error: The seed must be a whole number from 0 to 4,294,967,295."),
    (["--max-seconds", "0"], "error: The time limit must be more than 0 and at most 60 seconds."),
    (["--max-seconds", "1e9"], "error: The time limit must be more than 0 and at most 60 seconds."),
    (["--recipe", "nope"], "error: argument --recipe: invalid choice: 'nope' (choose from 'statquest', 'fast')"),
    (["--device", "tpu"], "error: argument --device: invalid choice: 'tpu' (choose from 'auto', 'cpu', 'gpu')"),
]
if not torch.cuda.is_available():
    BAD_TRAIN_OPTIONS.append((["--device", "gpu"], "error: No GPU is available here"))

# Runs each bad option through the command line in one fresh process, and reports for each its exit
# status, what it wrote to stderr, and whether Lightning had been imported by then.
_REFUSALS = """
import contextlib, io, json, sys
from lstm_demo.cli import main
report = []
for args in json.loads(sys.argv[1]):
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            status = main(["train", "--model", "craft", *args])
        except SystemExit as exit:
            status = exit.code
    report.append([status, err.getvalue(), "lightning" in sys.modules])
print(json.dumps(report))
"""


def test_train_refuses_bad_options_with_one_line_before_importing_lightning():
    import subprocess
    import sys

    cases = [args for args, _ in BAD_TRAIN_OPTIONS]
    done = subprocess.run(
        [sys.executable, "-c", _REFUSALS, json.dumps(cases)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    for (args, start), (status, stderr, lightning) in zip(BAD_TRAIN_OPTIONS, json.loads(done.stdout), strict=True):
        assert status == 2, args
        assert stderr.count("\n") == 1 and stderr.startswith(start), (args, stderr)
        assert not lightning, f"{args}: Lightning was imported before the option was refused"


def test_a_refused_option_never_imports_lightning_end_to_end():
    done = run_cli("train", "--model", "craft", "--epochs", "0", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert done.returncode == 2
    imports = [line for line in done.stderr.splitlines() if line.startswith("import time:")]
    others = [line for line in done.stderr.splitlines() if not line.startswith("import time:")]
    assert any(" torch" in line for line in imports)  # the import profile is on
    assert not [line for line in imports if "lightning" in line]
    assert others == ["error: The number of epochs must be a whole number from 1 to 10,000."]


def test_parity_prints_the_librarys_report(capsys):
    # That transplanted weights agree is test_models.py's; here: the command prints parity_check's report.
    assert main(["parity", "--trials", "20", "--json"]) == 0
    printed, expected = json.loads(capsys.readouterr().out), parity_check(trials=20)
    assert printed["largest_difference"] == pytest.approx(expected.pop("largest_difference"))
    assert printed.items() >= expected.items()


def test_publish_dry_run_uploads_nothing_and_lists_files():
    done = run_cli("publish", "--repo", "someone/lstm-weights", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "would upload to https://huggingface.co/someone/lstm-weights:" in done.stdout
    assert "craft/model.safetensors" in done.stdout and "builtin/config.json" in done.stdout


def test_publish_creates_the_repo_and_uploads_exactly_the_listed_files(monkeypatch, capsys):
    """HfApi replaced at its boundary: what would go to the Hub, and to which repo."""
    import huggingface_hub
    from huggingface_hub.utils import filter_repo_objects

    calls = []
    monkeypatch.setattr(huggingface_hub.HfApi, "create_repo", lambda self, *a, **kw: calls.append(("create", a, kw)))
    monkeypatch.setattr(huggingface_hub.HfApi, "upload_folder", lambda self, *a, **kw: calls.append(("upload", a, kw)))
    assert main(["publish", "--repo", "someone/lstm-weights"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "uploaded to https://huggingface.co/someone/lstm-weights:"
    listed = [line.split()[0] for line in out[1:]]
    assert listed == REPO_FILES
    (create, create_args, create_kwargs), (upload, upload_args, upload_kwargs) = calls
    assert (create, upload) == ("create", "upload") and upload_args == ()
    assert create_args == ("someone/lstm-weights",) and create_kwargs == {"repo_type": "model", "exist_ok": True}
    assert upload_kwargs["repo_id"] == "someone/lstm-weights" and upload_kwargs["repo_type"] == "model"
    # What upload_folder would send: the folder's files through its own pattern filter.
    folder = Path(upload_kwargs["folder_path"])
    assert folder == ROOT / "weights"
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    sent = list(
        filter_repo_objects(
            on_disk,
            allow_patterns=upload_kwargs.get("allow_patterns"),
            ignore_patterns=upload_kwargs.get("ignore_patterns"),
        )
    )
    assert sent == listed


def test_publish_refuses_a_bad_repo_id_before_calling_the_hub(monkeypatch, capsys):
    import huggingface_hub

    def no_hub(*args, **kwargs):
        raise AssertionError("the Hub was called")

    monkeypatch.setattr(huggingface_hub.HfApi, "create_repo", no_hub)
    monkeypatch.setattr(huggingface_hub.HfApi, "upload_folder", no_hub)
    assert main(["publish", "--repo", "../../etc"]) == 2
    assert capsys.readouterr().err == "error: '../../etc' is not a Hub repo id like 'user/name'.\n"


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
        torch.testing.assert_close(remade, bundled, rtol=0, atol=1e-6)
