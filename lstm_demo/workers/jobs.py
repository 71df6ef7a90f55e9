"""What runs in a worker: its loop (`worker_main`), the jobs it can run (JOBS), and how it reports.

Messages, worker -> pool, over a multiprocessing Pipe: ("records", job, [record tuples]) batched
every FLUSH_SECONDS (a hand-built cell trains thousands of epochs a second: one message per epoch
would cost the server more than the training), ("done", job, payload), ("error", job, class, key,
params, text), ("skipped", job) for a job a stop kept from starting, and ("idle",) after the last
job of a list. `job` numbers the worker's own list. The stop signal is an Event the training's Stop
callback reads: the result then ends at an epoch boundary with the weights so far.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection

from ..errors import LSTMDemoError
from ..models import flat_weights
from ..recipes import EpochRecord

FLUSH_SECONDS = 0.2  # the worker sends its records at most this often


@dataclass(frozen=True)
class Job:
    """One piece of work: `function` names an entry of JOBS, `options` its keyword arguments."""

    name: str
    function: str
    options: dict
    seconds: float  # its time limit: past this plus the pool's grace the worker is ended


@dataclass
class Trained:
    """What a training job hands back: the TrainResult (its model rebuilt in the server from
    `weights`, its history from the streamed records), the final weights and the snapshots, 12
    (hand-built) or 16 (built-in) floats each."""

    result: object  # recipes.TrainResult
    weights: list[float]
    snapshots: list[tuple[int, list[float]]]


def _train(options: dict, records: _Records, stop) -> Trained:
    from ..callbacks import FlatSnapshots, Streamed
    from ..training import train

    options = dict(options)
    every = options.pop("snapshot_every", None)
    snapshots = [FlatSnapshots(every)] if every else []
    result = train(options.pop("kind"), stop=stop, callbacks=[Streamed(records), *snapshots], **options)
    kept = snapshots[0].kept if snapshots else []
    # The model travels as its floats; the history was streamed record by record already.
    return Trained(replace(result, model=None, history=[]), flat_weights(result.model), kept)


def _lottery(options: dict, records: _Records, stop) -> object:
    from datetime import timedelta

    from ..callbacks import StopOnSignal, TimeLimit
    from ..lottery import lottery

    options = dict(options)
    seconds = options.pop("max_seconds")
    limit = TimeLimit(duration=timedelta(seconds=seconds), interval="step", verbose=False)
    return lottery(**options, callbacks=[StopOnSignal(stop), limit])


JOBS: dict[str, Callable] = {"train": _train, "lottery": _lottery}


class _Records:
    """Collects a job's EpochRecords and sends them in batches."""

    def __init__(self, conn: Connection, job: int):
        self.conn, self.job = conn, job
        self.batch: list[tuple] = []
        self.sent = time.monotonic()

    def add(self, record: EpochRecord) -> None:
        self.batch.append((record.epoch, record.loss, record.company_a, record.company_b, record.seconds))

    def due(self) -> bool:
        return time.monotonic() - self.sent >= FLUSH_SECONDS

    def flush(self, weights: list[float] | None = None) -> None:
        """Send the records so far, with the model's weights now when given (the live drawing's)."""
        if self.batch:
            self.conn.send(("records", self.job, self.batch, weights))
            self.batch = []
        self.sent = time.monotonic()


def _error_message(job: int, exc: BaseException) -> tuple:
    if isinstance(exc, LSTMDemoError):
        return ("error", job, type(exc).__name__, exc.key, exc.params, str(exc))
    # A bug, or an interrupt inside Lightning: the class name is all the visitor needs.
    return ("error", job, "TrainingError", "training.failed", {"error": type(exc).__name__}, "")


def worker_main(conn: Connection, stop) -> None:
    """A worker's life: run each job list it is sent, report, say it is idle; end when the pool goes."""
    import torch

    # One thread per process: a 12-parameter model has nothing to share out, and the server's
    # requests need the other cores.
    if multiprocessing.current_process().name != "MainProcess":
        torch.set_num_threads(1)
    while True:
        try:
            jobs = conn.recv()
        except (EOFError, OSError):  # the server has gone
            return
        try:
            for index, (function, options) in enumerate(jobs):
                if stop.is_set():  # stopped during an earlier job of this list: the rest never starts
                    conn.send(("skipped", index))
                    continue
                records = _Records(conn, index)
                try:
                    payload = JOBS[function](options, records, stop)
                except BaseException as exc:  # noqa: BLE001 (reported to the handler as one sentence)
                    records.flush()
                    conn.send(_error_message(index, exc))
                    continue
                records.flush()
                conn.send(("done", index, payload))
            conn.send(("idle",))
        except (BrokenPipeError, EOFError, OSError):
            return
