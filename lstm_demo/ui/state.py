"""What the Space keeps for one visitor, the visitors' stop signals, and where trained weights wait
to be downloaded.

A Visitor lives in a gr.State, so each page load (and each gradio_client Client) has its own;
nothing module-level holds a visitor's data. The pretrained models are shared and never changed:
a visitor's own weights (trained or uploaded) are separate models. A stop signal is not data to
keep in a gr.State (Gradio deep-copies state values; an Event cannot be copied): StopSignals keeps
one per running training, by the session's hash.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
import uuid
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from ..models import LSTMModel


@dataclass
class Visitor:
    own: dict[str, LSTMModel] = field(default_factory=dict)  # kind -> this visitor's weights
    own_source: dict[str, str] = field(default_factory=dict)  # kind -> "trained" / "uploaded"
    use_own: bool = False  # Predict and Inside use `own` where it has the model
    # The last training's weights over time, 12 or 16 floats a snapshot, bounded (Limits.max_snapshots).
    snapshots: TimeTravel | None = None
    # kind -> what the badge names beside `own_source`: {"recipe", "seed", "epochs"} after a
    # training, {"file"} after an upload; absent keys are left out of the badge.
    own_detail: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def of(cls, value: object) -> Visitor:
        return value if isinstance(value, Visitor) else cls()

    def keep(self, kind: str, model: LSTMModel, source: str, **detail) -> None:
        """This visitor's own weights for `kind`: "trained" (recipe, seed, epochs), "uploaded"
        (file), or "epoch N" (a time-travel snapshot); the badge names them."""
        self.own[kind], self.own_source[kind], self.own_detail[kind] = model, source, detail

    def badge(self, kind: str, language: str = "en") -> str:
        """One line naming the weights Predict, Inside and Explore show for `kind`: pretrained
        (StatQuest's), trained (recipe, seed, epochs), uploaded (file name), or epoch N."""
        from ..messages import words as catalogue

        words = catalogue(language)
        source = self.own_source.get(kind, "pretrained") if self.use_own and kind in self.own else "pretrained"
        detail = self.own_detail.get(kind, {}) if source != "pretrained" else {}
        if source == "pretrained":
            key = f"badge.pretrained.{kind}"
        elif source == "trained" and {"recipe", "seed", "epochs"} <= detail.keys():
            key = "badge.trained"
        elif source == "uploaded":
            key = "badge.uploaded" if "file" in detail else "badge.uploaded.nameless"
        elif source.startswith("epoch "):
            key, detail = "badge.epoch", {"epoch": source.removeprefix("epoch ")}
        else:  # trained without its details (an older session's visitor)
            key = "badge.own"
        model = words[f"model.{kind}"]
        return words["badge"].format(model=model, weights=words[key].format(**detail))

    def model(self, kind: str, pretrained: dict[str, LSTMModel]) -> tuple[LSTMModel, str]:
        """The model this visitor sees for `kind`, and whose it is ("pretrained", "trained", ...)."""
        if self.use_own and kind in self.own:
            return self.own[kind], self.own_source[kind]
        return pretrained[kind], "pretrained"


class TimeTravel:
    """A training's snapshots for time travel, packed: each is the epochs trained and the model's
    parameters as float32 (12 for the hand-built cell, 16 for the built-in model; the order of
    models.flat_weights): ~50 bytes a snapshot, ~10 KB for 200. Iterating gives (epochs, values)
    pairs in training order.
    """

    def __init__(self, kind: str, kept: list[tuple[int, list[float]]]):
        if not kept:
            raise ValueError("a training keeps at least its first and last weights")
        self.kind = kind
        self.width = len(kept[0][1])
        self.epochs = array("q", (epochs for epochs, _ in kept))
        self.values = array("f", (v for _, values in kept for v in values))

    def __len__(self) -> int:
        return len(self.epochs)

    def __getitem__(self, index: int) -> tuple[int, tuple[float, ...]]:
        index = range(len(self))[index]
        return self.epochs[index], tuple(self.values[index * self.width : (index + 1) * self.width])

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    @property
    def last_epoch(self) -> int:
        return self.epochs[-1]

    def nearest(self, epoch: int) -> tuple[int, LSTMModel]:
        """The kept snapshot nearest `epoch`: (its epochs trained, its model)."""
        from ..models import model_from_flat

        index = min(range(len(self)), key=lambda i: abs(self.epochs[i] - epoch))
        trained, values = self[index]
        return trained, model_from_flat(self.kind, values)

    def models(self):
        """(epochs trained, model) for every snapshot, in training order."""
        from ..models import model_from_flat

        return ((trained, model_from_flat(self.kind, values)) for trained, values in self)

    def nbytes(self) -> int:
        """The memory this object holds (its arrays and itself)."""
        return (
            sys.getsizeof(self) + sys.getsizeof(self.__dict__) + sys.getsizeof(self.epochs) + sys.getsizeof(self.values)
        )


class StopSignals:
    """The stop signal of every running training, by session (`request.session_hash`).

    Each training gets its own Event from `start(session)`; the Stop button's `stop(session)` sets
    every one of that session's; a training's `finish(session, event)` removes only its own, and the
    session's end (`forget`, from `demo.unload`) stops and removes them all. Bounded: past
    `max_size` sessions the one least recently started goes first. Trainings that run at once are
    few (the training concurrency limit), so only a leak could reach it.
    """

    def __init__(self, max_size: int = 256):
        self.max_size = max_size
        self._events: OrderedDict[str, list[threading.Event]] = OrderedDict()
        self._lock = threading.Lock()

    def start(self, session: str | None) -> threading.Event:
        """A fresh, unset signal for a new training of this session (no session: one nobody can reach)."""
        event = threading.Event()
        if session is None:
            return event
        with self._lock:
            self._events.setdefault(session, []).append(event)
            self._events.move_to_end(session)
            while len(self._events) > self.max_size:
                self._events.popitem(last=False)
        return event

    def stop(self, session: str | None) -> bool:
        """Set every signal of this session's running trainings; False when it has none running."""
        with self._lock:
            events = list(self._events.get(session, ())) if session is not None else []
        for event in events:
            event.set()
        return bool(events)

    def finish(self, session: str | None, event: threading.Event) -> None:
        """The training that got `event` has ended: drop its signal, and only its own."""
        with self._lock:
            events = self._events.get(session) if session is not None else None
            if events is not None and event in events:
                events.remove(event)
                if not events:
                    del self._events[session]

    def forget(self, session: str | None) -> None:
        """The session has ended: its trainings have nobody left to watch them, so they stop."""
        with self._lock:
            events = self._events.pop(session, []) if session is not None else []
        for event in events:
            event.set()

    def __len__(self) -> int:
        """Sessions with a training running."""
        return len(self._events)


def client_address(request) -> str | None:
    """The address of the client that sent `request` (a gr.Request), for the trainings' fair share, by
    the guard's rule (a client cannot choose it); None when called in-process."""
    from .guard.addresses import request_address

    return request_address(request)


TRAINED_DIR = Path(tempfile.gettempdir()) / "lstm_demo_trained"


def write_trained(model: LSTMModel, summary: dict) -> Path:
    """The trained weights as one .safetensors file whose metadata holds the config and summary.

    Written under a temporary name and renamed, so a full disk never leaves half a file.
    """
    from safetensors.torch import save_file

    TRAINED_DIR.mkdir(parents=True, exist_ok=True)
    name = f"lstm-{model.kind}-{summary['recipe']}-seed{summary['seed']}-{uuid.uuid4().hex[:8]}.safetensors"
    target = TRAINED_DIR / name
    partial = TRAINED_DIR / f".{name}.partial"
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    metadata = {
        "format": "pt",
        "config": json.dumps({"model": model.kind, "input_size": 1, "hidden_size": 1}),
        "training": json.dumps(summary),
    }
    try:
        save_file(state, partial, metadata=metadata)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


_janitor_started = threading.Lock()


def start_janitor(ttl_seconds: float) -> None:
    """Once per process: a daemon thread that removes expired trained files every so often."""
    if not _janitor_started.acquire(blocking=False):
        return

    def sweep() -> None:
        while True:
            time.sleep(max(1.0, min(ttl_seconds / 2, 60.0)))
            remove_expired(ttl_seconds)

    threading.Thread(target=sweep, name="trained-files-janitor", daemon=True).start()


def remove_expired(ttl_seconds: float, now: float | None = None) -> int:
    """Delete trained files older than the limit; returns how many went."""
    now = time.time() if now is None else now
    removed = 0
    if not TRAINED_DIR.exists():
        return 0
    for path in TRAINED_DIR.iterdir():
        try:
            if now - path.stat().st_mtime > ttl_seconds:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            pass
    return removed
