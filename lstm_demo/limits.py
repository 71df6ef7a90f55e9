"""The limits every caller shares: one place, each settable by an environment variable.

A Space is open to anyone, so every input is bounded. README.md ("Limits") says why each default
is what it is, with the figures measured for it. Each setting also has a
range: a value outside it, or one that is not a number, stops the start with one sentence naming
the variable (LimitsError), instead of a Space that accepts trainings it never runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields

from .checks import real_number, whole_number
from .errors import InputError, LimitsError

PREFIX = "LSTM_DEMO_"


def _setting(default: int | float, low: int | float, high: int | float):
    """A field with its default and the range [low, high] its environment variable may set."""
    return field(default=default, metadata={"range": (low, high)})


@dataclass(frozen=True)
class Limits:
    # Longest sequence a visitor may send (steps): a prediction, a trace and a drawing grow with it.
    max_sequence_length: int = _setting(10_000, 1, 1_000_000)
    # Most epochs one training may run; the statquest recipe needs 5,000 for the hand-built cell.
    max_epochs: int = _setting(10_000, 1, 1_000_000)
    # Learning rates outside this range either never move or blow up within a few steps.
    min_learning_rate: float = _setting(1e-6, 1e-12, 1000.0)
    max_learning_rate: float = _setting(10.0, 1e-12, 1000.0)
    # Lightning's own bound for seeds.
    max_seed: int = _setting(2**32 - 1, 0, 2**32 - 1)
    # Wall-clock seconds one training may take before it stops and reports a partial result.
    max_train_seconds: float = _setting(60.0, 0.01, 86_400.0)
    # Trainings that may run at once in one server (each one uses one CPU thread).
    max_concurrent_trainings: int = _setting(2, 1, 64)
    # Calls whose cost grows with their sequence (a trace, a drawing, a parity check) that may run at
    # once: however many such calls arrive, the server's other threads stay free for everyone else.
    max_concurrent_sequence_calls: int = _setting(2, 1, 64)
    # Of those, the public API's (/trace, /diagram, /parity: where a script's long sequences come from)
    # that may run at once, in a group of their own: one script's flood of long calls takes turns,
    # and the server's own process, which encodes each answer, stays free for the page's events.
    max_concurrent_sequence_api_calls: int = _setting(1, 1, 64)
    # Requests that may wait in the Space's queue.
    max_queue_size: int = _setting(64, 1, 100_000)
    # Largest weights file a visitor may upload, in bytes (a real one is under 1 KB).
    max_upload_bytes: int = _setting(64 * 1024, 1024, 16 * 2**20)
    # Largest HTTP request body, in bytes, refused with 413 before it is read (guard.py). 10,000 numbers
    # are ~100 KB of text; Gradio keeps every raw input in the session, so a body is memory kept.
    max_request_bytes: int = _setting(2**20, 16 * 1024, 256 * 2**20)
    # Uploads one client address may send per minute (Gradio's upload route), and the disk (in blocks)
    # and files Gradio's file cache may take (uploads and copies of trained files; the oldest go first).
    # A small upload takes two blocks (its file and its folder); a trim walks every file after each
    # upload, so the number of files also bounds that walk.
    max_uploads_per_minute: int = _setting(30, 1, 100_000)
    max_upload_disk_bytes: int = _setting(64 * 2**20, 2**20, 64 * 2**30)
    max_upload_files: int = _setting(4096, 16, 10_000_000)
    # Each visitor's share of the queue (guard/queue_share.py): jobs one session, and one client address, may
    # have waiting; trainings (train, race, lottery) wait in a room of their own, and one address
    # may hold only a few places in it. Past a bound the request gets 429 and one sentence.
    # A page load alone sends a dozen events at once (loads, then the changes they cause), and off a
    # Space every client of a machine is one address: 8 and 16 refused a browser's own events.
    max_waiting_per_session: int = _setting(24, 1, 10_000)
    max_waiting_per_address: int = _setting(32, 1, 100_000)
    max_waiting_trainings: int = _setting(16, 1, 100_000)
    max_waiting_trainings_per_address: int = _setting(2, 1, 10_000)
    # Deep links (the Share button's saved page states): their lifetime and the bytes they may take
    # on disk (the oldest go first).
    deep_link_ttl_seconds: float = _setting(86_400.0, 1.0, 30 * 86_400.0)
    max_deep_link_disk_bytes: int = _setting(32 * 2**20, 2**20, 64 * 2**30)
    # Seconds a trained weights file stays on the server for download.
    trained_file_ttl_seconds: float = _setting(3600.0, 1.0, 7 * 86_400.0)
    # Initialization lottery: inits x epochs per run, and inits per run (its work, and its memory).
    max_lottery_model_steps: int = _setting(2_000_000, 1, 1_000_000_000)
    max_lottery_inits: int = _setting(100_000, 1, 10_000_000)
    # Training time-travel: weight snapshots kept per visitor.
    max_snapshots: int = _setting(200, 1, 100_000)
    # Sessions Gradio keeps (least recently used go first). Each is memory: Gradio keeps a copy of
    # every component's config per session, and every raw HTTP API call opens one.
    max_sessions: int = _setting(2000, 1, 1_000_000)
    # Seconds the Space waits for the Hub before it serves the bundled weights.
    hub_timeout_seconds: float = _setting(10.0, 0.1, 600.0)

    def __post_init__(self):
        # Every value is checked, whether it came from the environment (text) or from code.
        for f in fields(self):
            object.__setattr__(self, f.name, _checked(f, getattr(self, f.name)))
        if self.min_learning_rate > self.max_learning_rate:
            low, high = env_name("min_learning_rate"), env_name("max_learning_rate")
            raise LimitsError(
                key="limits.order",
                params={
                    "low_name": low,
                    "low": self.min_learning_rate,
                    "high_name": high,
                    "high": self.max_learning_rate,
                },
            )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """Read `LSTM_DEMO_<FIELD>` (e.g. LSTM_DEMO_MAX_EPOCHS) over the defaults; LimitsError if one is out of range."""
        environ = os.environ if environ is None else environ
        return cls(**{f.name: environ[env_name(f.name)] for f in fields(cls) if env_name(f.name) in environ})


def _checked(f, value: object) -> int | float:
    name, (low, high) = env_name(f.name), f.metadata["range"]
    whole = f.type in ("int", int)
    try:
        if whole:
            return whole_number(value, name, low, high)
        return real_number(value, name, low, high)
    except InputError:
        shown = str(value).strip()
        shown = shown if len(shown) <= 30 else shown[:30] + "..."
        raise LimitsError(
            key="limits.range.whole" if whole else "limits.range.real",
            params={"name": name, "low": low, "high": high, "value": shown},
        ) from None


def env_name(field_name: str) -> str:
    """The environment variable that sets a field: max_epochs -> LSTM_DEMO_MAX_EPOCHS."""
    return PREFIX + field_name.upper()


def env_names() -> dict[str, str]:
    """Field name -> its environment variable, for the README table and the tests."""
    return {f.name: env_name(f.name) for f in fields(Limits)}


def ranges() -> dict[str, tuple[int | float, int | float]]:
    """Environment variable -> the range [low, high] it may set, for the README table and the tests."""
    return {env_name(f.name): f.metadata["range"] for f in fields(Limits)}
