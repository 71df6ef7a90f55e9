"""Settings: each LSTM_DEMO_* variable has a range, and a value outside it stops the start with one sentence."""

import os
import subprocess
import sys

import pytest

from conftest import ROOT
from lstm_demo.errors import LimitsError, LSTMDemoError
from lstm_demo.limits import Limits, env_names, ranges


def test_the_defaults_are_inside_their_ranges():
    defaults = Limits()
    for name, env in env_names().items():
        low, high = ranges()[env]
        assert low <= getattr(defaults, name) <= high, env


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LSTM_DEMO_MAX_SEQUENCE_LENGTH", "12")
    monkeypatch.setenv("LSTM_DEMO_MAX_TRAIN_SECONDS", "2.5")
    limits = Limits.from_env()
    assert limits.max_sequence_length == 12 and limits.max_train_seconds == 2.5
    assert isinstance(limits.max_sequence_length, int) and limits.max_epochs == Limits().max_epochs


@pytest.mark.parametrize(
    "variable, value, sentence",
    [
        ("LSTM_DEMO_MAX_EPOCHS", "abc", "LSTM_DEMO_MAX_EPOCHS must be a whole number from 1 to 1,000,000, not 'abc'."),
        ("LSTM_DEMO_MAX_EPOCHS", "", "LSTM_DEMO_MAX_EPOCHS must be a whole number from 1 to 1,000,000, not ''."),
        ("LSTM_DEMO_MAX_EPOCHS", "2.5", "LSTM_DEMO_MAX_EPOCHS must be a whole number from 1 to 1,000,000, not '2.5'."),
        (
            "LSTM_DEMO_MAX_TRAIN_SECONDS",
            "nan",
            "LSTM_DEMO_MAX_TRAIN_SECONDS must be a number from 0.01 to 86,400, not 'nan'.",
        ),
        (
            "LSTM_DEMO_MAX_TRAIN_SECONDS",
            "inf",
            "LSTM_DEMO_MAX_TRAIN_SECONDS must be a number from 0.01 to 86,400, not 'inf'.",
        ),
        (
            "LSTM_DEMO_MAX_TRAIN_SECONDS",
            "0",
            "LSTM_DEMO_MAX_TRAIN_SECONDS must be a number from 0.01 to 86,400, not '0'.",
        ),
        (
            "LSTM_DEMO_MAX_SEQUENCE_LENGTH",
            "-1",
            "LSTM_DEMO_MAX_SEQUENCE_LENGTH must be a whole number from 1 to 1,000,000, not '-1'.",
        ),
        (
            "LSTM_DEMO_TRAINED_FILE_TTL_SECONDS",
            "-60",
            "LSTM_DEMO_TRAINED_FILE_TTL_SECONDS must be a number from 1 to 604,800, not '-60'.",
        ),
        (
            "LSTM_DEMO_MAX_UPLOAD_BYTES",
            "-1",
            "LSTM_DEMO_MAX_UPLOAD_BYTES must be a whole number from 1,024 to 16,777,216, not '-1'.",
        ),
        ("LSTM_DEMO_MAX_SESSIONS", "0", "LSTM_DEMO_MAX_SESSIONS must be a whole number from 1 to 1,000,000, not '0'."),
        (
            "LSTM_DEMO_MAX_CONCURRENT_TRAININGS",
            "0",
            "LSTM_DEMO_MAX_CONCURRENT_TRAININGS must be a whole number from 1 to 64, not '0'.",
        ),
        (
            "LSTM_DEMO_MAX_QUEUE_SIZE",
            "0",
            "LSTM_DEMO_MAX_QUEUE_SIZE must be a whole number from 1 to 100,000, not '0'.",
        ),
        (
            "LSTM_DEMO_MAX_QUEUE_SIZE",
            "-1",
            "LSTM_DEMO_MAX_QUEUE_SIZE must be a whole number from 1 to 100,000, not '-1'.",
        ),
        (
            "LSTM_DEMO_MIN_LEARNING_RATE",
            "0",
            "LSTM_DEMO_MIN_LEARNING_RATE must be a number from 1e-12 to 1,000, not '0'.",
        ),
        (
            "LSTM_DEMO_HUB_TIMEOUT_SECONDS",
            "x" * 100,
            f"LSTM_DEMO_HUB_TIMEOUT_SECONDS must be a number from 0.1 to 600, not '{'x' * 30}...'.",
        ),
    ],
)
def test_a_setting_outside_its_range_is_one_sentence_naming_the_variable(monkeypatch, variable, value, sentence):
    monkeypatch.setenv(variable, value)
    with pytest.raises(LimitsError) as info:
        Limits.from_env()
    assert str(info.value) == sentence
    assert info.value.key in ("limits.range.whole", "limits.range.real") and info.value.params["name"] == variable
    assert isinstance(info.value, LSTMDemoError)


def test_every_setting_refuses_text_and_a_value_past_either_end(monkeypatch):
    for name, variable in env_names().items():
        low, high = ranges()[variable]
        for value in ("abc", "nan", str(low - 1), str(high * 2)):
            monkeypatch.setenv(variable, value)
            with pytest.raises(LimitsError, match=f"^{variable} must be "):
                Limits.from_env()
        monkeypatch.delenv(variable)


def test_a_smallest_learning_rate_above_the_largest_is_refused(monkeypatch):
    monkeypatch.setenv("LSTM_DEMO_MIN_LEARNING_RATE", "0.5")
    monkeypatch.setenv("LSTM_DEMO_MAX_LEARNING_RATE", "0.1")
    with pytest.raises(LimitsError) as info:
        Limits.from_env()
    assert str(info.value) == (
        "LSTM_DEMO_MIN_LEARNING_RATE (0.5) is above LSTM_DEMO_MAX_LEARNING_RATE (0.1); "
        "the smallest learning rate allowed cannot exceed the largest."
    )


def test_limits_made_in_code_are_checked_too():
    with pytest.raises(LimitsError, match="LSTM_DEMO_MAX_SNAPSHOTS must be a whole number from 1 to 100,000"):
        Limits(max_snapshots=0)


def test_the_space_does_not_start_with_a_bad_setting_and_says_why_in_one_line():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("LSTM_DEMO_")},
        "GRADIO_SERVER_NAME": "127.0.0.1",
        "LSTM_DEMO_MAX_CONCURRENT_TRAININGS": "0",
    }
    done = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "error: LSTM_DEMO_MAX_CONCURRENT_TRAININGS must be a whole number from 1 to 64, not '0'."
    )
