"""The limits every caller shares: one place, each settable by an environment variable.

A Space is open to anyone, so every input is bounded. The defaults were chosen by measurement on
a 2-core machine; README.md ("Limits") says why each value is what it is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

from .errors import InputError


@dataclass(frozen=True)
class Limits:
    # Longest sequence a visitor may send (steps). A 10,000-step prediction takes ~0.1 s.
    max_sequence_length: int = 10_000
    # Most epochs one training may run; the statquest recipe needs 5,000 for the hand-built cell.
    max_epochs: int = 10_000
    # Learning rates outside this range either never move or blow up within a few steps.
    min_learning_rate: float = 1e-6
    max_learning_rate: float = 10.0
    # Lightning's own bound for seeds.
    max_seed: int = 2**32 - 1
    # Wall-clock seconds one training may take before it stops and reports a partial result.
    max_train_seconds: float = 60.0
    # Trainings that may run at once in one server (each one uses one CPU thread).
    max_concurrent_trainings: int = 2
    # Requests that may wait in the Space's queue.
    max_queue_size: int = 64
    # Largest weights file a visitor may upload, in bytes (a real one is under 1 KB).
    max_upload_bytes: int = 64 * 1024
    # Seconds a trained weights file stays on the server for download.
    trained_file_ttl_seconds: float = 3600.0
    # Initialization lottery: inits x epochs per run (~250,000 model-steps/s on one CPU thread).
    max_lottery_model_steps: int = 2_000_000
    max_lottery_inits: int = 100_000
    # Training time-travel: weight snapshots kept per visitor.
    max_snapshots: int = 200
    # Sessions Gradio keeps (least recently used go first). Each costs ~270 KB here: Gradio keeps a
    # copy of every component's config per session, and every raw HTTP API call opens one.
    max_sessions: int = 2000
    # Seconds the Space waits for the Hub before it serves the bundled weights.
    hub_timeout_seconds: float = 10.0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """Read `LSTM_DEMO_<FIELD>` (e.g. LSTM_DEMO_MAX_EPOCHS) over the defaults."""
        environ = os.environ if environ is None else environ
        values = {}
        for field in fields(cls):
            name = f"LSTM_DEMO_{field.name.upper()}"
            if name in environ:
                kind = int if field.type in ("int", int) else float
                try:
                    values[field.name] = kind(environ[name])
                except ValueError:
                    raise InputError(f"{name} must be a number, not {environ[name]!r}.") from None
        return cls(**values)


def env_names() -> dict[str, str]:
    """Field name -> its environment variable, for the README table and the tests."""
    return {f.name: f"LSTM_DEMO_{f.name.upper()}" for f in fields(Limits)}
