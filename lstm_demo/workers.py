"""Long work (trainings, the learning-rate race, the initialization lottery) in worker processes.

Why processes, not the server's threads: a training in a thread shares the server's interpreter
lock with every request being served, a Stop can only be honoured between steps, and a thread
cannot be ended at all. A worker process runs the same Lightning code (training.train,
lottery.lottery) out of the server's way; a stop that is not honoured in time, or the time limit,
ends it for sure (the process is terminated and a fresh one takes its place); a crash ends one
job with one sentence and the server goes on serving.

    pool = WorkerPool(size=2)
    with pool.run([Job("train", "train", {...}, seconds=60)], stop) as run:
        for _ in run.ticks(0.5):
            run.history["train"]   # the EpochRecords streamed so far
    run.results()["train"]         # a Trained (the TrainResult, its weights and snapshots)

The pool: at most `size` workers (the training limit, Limits.max_concurrent_trainings), started on
first use and reused. A job list takes one worker per job, up to the pool's size (a race is two
jobs: it counts twice); with fewer workers than jobs, a worker runs its jobs one after another.
Workers are taken all at once or not at all, so two races cannot each hold one and wait forever.
A worker stays taken until it says it is idle (or is replaced), so the limit counts work that
really runs, not handlers that have returned.

Start method: "forkserver". A fork server is started once from a fresh interpreter (not forked
from the server, whose torch may already run threads: fork after threads is unsafe), imports
torch, Lightning and the training code once (PRELOAD), and forks each worker from that state: a
worker is ready in a fraction of a second, shares those imported pages copy-on-write, and a
terminated worker is replaced at once. "spawn" works too (each worker then imports everything
itself, seconds). "thread" runs the same worker loop in a thread of this process: for tests that
patch the training code in-process; a thread cannot be terminated, so it has no hard stop.

Messages, worker -> pool, over a multiprocessing Pipe: ("records", job, [record tuples]) batched
every FLUSH_SECONDS (a hand-built cell trains ~10,000 epochs a second: one message per epoch would
cost the server more than the training), ("done", job, payload), ("error", job, class, key,
params, text), ("idle",) after the last job. Stop: a multiprocessing.Event per worker that the
training's Stop callback reads (the result then ends at an epoch boundary with the weights so
far); the pool sets it when the handler's stop signal is set or the handler leaves early.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait

from . import errors
from .errors import LSTMDemoError, TrainingError
from .recipes import EpochRecord

log = logging.getLogger("lstm_demo.workers")

START_METHOD = "forkserver"
PRELOAD = ["lstm_demo.training", "lstm_demo.lottery"]  # what the fork server imports once
# Seconds a worker has to honour a stop (or its own time limit) before it is terminated. Trainings
# check for a stop after every epoch and the lottery every block (~20 ms), so only a fault (or a
# machine far busier than this one) takes longer.
GRACE_SECONDS = 5.0
FLUSH_SECONDS = 0.2  # the worker sends its records at most this often
WATCH_SECONDS = 0.1  # how often the pool looks at stop signals and deadlines


@dataclass(frozen=True)
class Job:
    """One piece of work: `function` names an entry of JOBS, `options` its keyword arguments."""

    name: str
    function: str
    options: dict
    seconds: float  # its time limit: past this plus GRACE_SECONDS the worker is terminated


@dataclass
class Trained:
    """What a training job hands back: the TrainResult (its model rebuilt here from `weights`,
    its history from the streamed records), the final weights and the snapshots, 12 (hand-built)
    or 16 (built-in) floats each."""

    result: object  # recipes.TrainResult
    weights: list[float]
    snapshots: list[tuple[int, list[float]]]


def flat_weights(model) -> list[float]:
    """The model's parameters in their registration order as plain floats: 12 for the hand-built
    cell (CraftLSTM.PARAMETER_NAMES), 16 for the built-in model. How a model travels between
    processes and how time-travel snapshots are kept."""
    import torch

    return torch.nn.utils.parameters_to_vector([p.detach().cpu() for p in model.parameters()]).tolist()


def model_from_flat(kind: str, values) -> object:
    """A model of `kind` holding `values` (from flat_weights), in eval mode."""
    import torch

    from .models import new_model

    model = new_model(kind)
    with torch.no_grad():
        torch.nn.utils.vector_to_parameters(torch.tensor(list(values), dtype=torch.float32), model.parameters())
    return model.eval()


# -- In the worker ----------------------------------------------------------------------------------


def _train(options: dict, report: Callable, stop) -> Trained:
    from .callbacks import FlatSnapshots
    from .training import train

    options = dict(options)
    every = options.pop("snapshot_every", None)
    snapshots = [FlatSnapshots(every)] if every else []
    result = train(options.pop("kind"), on_epoch=report, stop=stop, callbacks=snapshots, **options)
    kept = snapshots[0].kept if snapshots else []
    # The model travels as its floats; the history was streamed record by record already.
    return Trained(replace(result, model=None, history=[]), flat_weights(result.model), kept)


def _lottery(options: dict, report: Callable, stop) -> object:
    from datetime import timedelta

    from .callbacks import StopOnSignal, TimeLimit
    from .lottery import lottery

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

    def __call__(self, record: EpochRecord) -> None:
        self.batch.append((record.epoch, record.loss, record.company_a, record.company_b, record.seconds))
        if time.monotonic() - self.sent >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self.conn.send(("records", self.job, self.batch))
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
    # requests need the other core (FACTS.md: two threads made trainings 5-7x slower here).
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


# -- In the server ----------------------------------------------------------------------------------


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """multiprocessing re-runs the parent's main script in each child started by spawn or the fork
    server (to find what was defined there). The Space's main script is app.py, which builds the
    whole page at import; a worker needs none of it, so while a worker starts the parent shows no
    main script. (The parent's other threads do not read __main__ in that moment.)"""
    real = sys.modules["__main__"]
    stand_in = types.ModuleType("__main__")
    stand_in.__spec__ = None
    sys.modules["__main__"] = stand_in
    try:
        yield
    finally:
        sys.modules["__main__"] = real


class _Worker:
    """One worker (a process, or a thread for start_method="thread") and the pool's end of its pipe."""

    def __init__(self, context, start_method: str):
        self.conn, child = multiprocessing.Pipe()
        if start_method == "thread":
            self.stop = threading.Event()
            self.process = threading.Thread(target=worker_main, args=(child, self.stop), daemon=True, name="worker")
            self.process.start()
        else:
            self.stop = context.Event()
            self.process = context.Process(target=worker_main, args=(child, self.stop), daemon=True, name="worker")
            with _main_module_hidden():
                self.process.start()
            child.close()  # the worker holds its end: when the server goes, the worker's recv ends
        self.run: Run | None = None  # the job list it runs, if any
        self.jobs: list[int] = []  # indices into run.jobs, in the order it runs them
        self.deadline = float("inf")  # terminated past this (monotonic seconds)

    @property
    def pid(self) -> int | None:
        return getattr(self.process, "pid", None)

    def alive(self) -> bool:
        return self.process.is_alive()

    def terminate(self) -> None:
        if isinstance(self.process, threading.Thread):
            return  # a thread cannot be ended; it ends at its next stop check
        self.process.terminate()
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)
        self.conn.close()


class WorkerPool:
    """At most `size` workers, started on first use and reused; see the module's docstring."""

    def __init__(self, size: int, start_method: str = START_METHOD, grace: float = GRACE_SECONDS):
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.size, self.start_method, self.grace = size, start_method, grace
        self._context = None if start_method == "thread" else multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            self._context.set_forkserver_preload(PRELOAD)
        self._workers: list[_Worker] = []
        self._lock = threading.Condition()
        self._watcher: threading.Thread | None = None
        self._starting = 0  # workers being started in the background
        self._start_error: Exception | None = None
        self._closed = False

    # -- taking and giving back workers --

    def run(self, jobs: list[Job], stop: threading.Event) -> Run:
        """Runs `jobs` on free workers (waiting for them inside `ticks()`); see Run."""
        return Run(self, jobs, stop)

    def _take(self, count: int) -> list[_Worker] | None:
        """`count` idle workers at once, or None when not that many are free yet. Missing workers
        are started in the background (the first start waits for the fork server's imports:
        seconds), so the handler goes on streaming while it waits."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool is closed")
            if self._start_error is not None:
                error, self._start_error = self._start_error, None
                raise TrainingError(key="training.worker_lost") from error
            idle = [w for w in self._workers if w.run is None]
            if len(idle) >= count:
                return idle[:count]
            room = self.size - len(self._workers) - self._starting
            self._grow(min(room, count - len(idle) - self._starting))
            return None

    def _grow(self, count: int) -> None:
        """Start `count` more workers in a background thread (call with the lock held)."""
        if count <= 0:
            return
        self._starting += count

        def start() -> None:
            for _ in range(count):
                try:
                    worker = _Worker(self._context, self.start_method)
                except Exception as exc:  # noqa: BLE001 (the waiting handler gets one sentence)
                    log.exception("a worker could not be started")
                    worker, error = None, exc
                with self._lock:
                    self._starting -= 1
                    if worker is None:
                        self._start_error = error
                    elif self._closed:
                        worker.terminate()
                    else:
                        self._workers.append(worker)
                    self._lock.notify_all()
            with self._lock:
                if self._watcher is None and not self._closed:
                    self._watcher = threading.Thread(target=self._watch, name="worker-pool", daemon=True)
                    self._watcher.start()

        threading.Thread(target=start, name="worker-start", daemon=True).start()

    def _start(self, run: Run) -> bool:
        """Hand `run`'s jobs to workers if enough are free; False to try again later."""
        wanted = min(len(run.jobs), self.size)
        taken = self._take(wanted)
        if taken is None:
            return False
        started = time.monotonic()
        with self._lock:
            for k, worker in enumerate(taken):
                worker.run, worker.jobs = run, list(range(k, len(run.jobs), wanted))
                worker.stop.clear()
                # Its jobs run one after another: each has its own limit; the grace comes once.
                worker.deadline = started + sum(run.jobs[j].seconds for j in worker.jobs) + self.grace
                run.pending[id(worker)] = worker
            for worker in taken:
                worker.conn.send([(run.jobs[j].function, run.jobs[j].options) for j in worker.jobs])
        return True

    # -- watching --

    def _watch(self) -> None:
        """One thread per pool: reads every worker's messages, passes stop signals on, enforces the
        deadlines, and notices workers that died. It must outlive any fault: every run waits on it."""
        while not self._closed:
            try:
                self._look()
            except Exception:  # noqa: BLE001 (logged; the next look goes on)
                log.exception("the worker pool's watcher failed once")
                time.sleep(WATCH_SECONDS)

    def _look(self) -> None:
        """One look at every worker (waits up to WATCH_SECONDS for a message)."""
        with self._lock:
            workers = list(self._workers)
        if not workers:
            time.sleep(WATCH_SECONDS)
            return
        sentinels = [w.process.sentinel for w in workers if self._is_process(w)]
        ready = wait([w.conn for w in workers] + sentinels, timeout=WATCH_SECONDS)
        for worker in workers:
            if worker.conn in ready:
                self._read(worker)
        now = time.monotonic()
        for worker in workers:
            run = worker.run
            if run is not None and run.stop.is_set() and not worker.stop.is_set():
                worker.stop.set()
                worker.deadline = min(worker.deadline, now + self.grace)
            if run is not None and now > worker.deadline:
                self._replace(worker, "time_limit" if not run.stop.is_set() else "stopped")
            elif not worker.alive() and worker in self._workers:
                self._replace(worker, "lost")

    def _is_process(self, worker: _Worker) -> bool:
        return not isinstance(worker.process, threading.Thread)

    def _read(self, worker: _Worker) -> None:
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                run = worker.run
                if message[0] == "idle":
                    with self._lock:
                        worker.run, worker.jobs, worker.deadline = None, [], float("inf")
                        self._lock.notify_all()
                    if run is not None:
                        run._worker_done(worker)
                elif run is not None:  # the worker numbers its own list: the run's numbering here
                    run._message(worker, (message[0], worker.jobs[message[1]], *message[2:]))
        except (EOFError, OSError):
            pass  # its death is seen through its sentinel

    def _replace(self, worker: _Worker, why: str) -> None:
        """End a worker for sure (a stop not honoured, the time limit, or a crash) and start a fresh one."""
        run = worker.run
        (log.warning if run is not None else log.info)("worker %s ended (%s)", worker.pid, why)
        worker.terminate()
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
            if not self._closed and worker.run is not None:
                self._grow(1)  # it was in use: the next job should not wait for a fresh one to start
            worker.run = None
            self._lock.notify_all()
        if run is not None:
            run._worker_lost(worker, why)

    # -- for tests and shutdown --

    def pids(self) -> list[int]:
        """The worker processes' ids (none until a first job)."""
        with self._lock:
            return [w.pid for w in self._workers if w.pid is not None and self._is_process(w)]

    def busy(self) -> int:
        with self._lock:
            return sum(1 for w in self._workers if w.run is not None)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._workers = list(self._workers), []
        for worker in workers:
            worker.stop.set()
            worker.terminate()


@dataclass
class Run:
    """One handler's job list on the pool. Use as a context manager; leaving it early (Stop, a
    cancelled or closed stream) sets the stop signal and returns at once: the pool frees the
    workers when they are idle, or terminates them after the grace period."""

    pool: WorkerPool
    jobs: list[Job]
    stop: threading.Event
    history: dict[str, list[EpochRecord]] = field(default_factory=dict)
    pending: dict[int, _Worker] = field(default_factory=dict)
    _outcomes: dict[str, tuple[bool, object]] = field(default_factory=dict)
    _started: bool = False
    _ended: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        self.history = {job.name: [] for job in self.jobs}

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc_info) -> None:
        if not self._ended.is_set():
            self.stop.set()  # the watcher passes it on and enforces the grace period

    @property
    def waiting(self) -> bool:
        """True while no worker is free for it yet."""
        return not self._started

    def ticks(self, every: float) -> Iterator[None]:
        """Yields every `every` seconds while the jobs wait for workers or run, and once when they have ended."""
        while not self._ended.is_set():
            if not self._started:
                if self.stop.is_set():
                    self._ended.set()
                    break
                self._started = self.pool._start(self)
                if not self._started:
                    with self.pool._lock:
                        self.pool._lock.wait(every)
                    yield
                    continue
            self._ended.wait(every)
            yield
        yield

    def results(self) -> dict[str, object]:
        """Each job's result by name; raises the first job's error as one sentence."""
        for job in self.jobs:
            ok, value = self._outcomes.get(job.name, (False, TrainingError(key="training.interrupted")))
            if not ok:
                raise value
        return {name: value for name, (_, value) in self._outcomes.items()}

    # -- called by the pool's watcher --

    def _message(self, worker: _Worker, message: tuple) -> None:
        kind, job = message[0], self.jobs[message[1]]
        if kind == "records":
            self.history[job.name].extend(EpochRecord(*values) for values in message[2])
        elif kind == "done":
            self._outcomes[job.name] = (True, self._received(job, message[2]))
        elif kind == "error":
            _, _, name, key, params, text = message
            cls = getattr(errors, name, TrainingError)
            cls = cls if isinstance(cls, type) and issubclass(cls, LSTMDemoError) else TrainingError
            self._outcomes[job.name] = (False, cls(key=key, params=params) if key else cls(text))

    def _received(self, job: Job, payload: object) -> object:
        if isinstance(payload, Trained):
            payload.result.model = model_from_flat(payload.result.kind, payload.weights)
            payload.result.history = list(self.history[job.name])
        return payload

    def _worker_done(self, worker: _Worker) -> None:
        self.pending.pop(id(worker), None)
        if not self.pending:
            self._ended.set()

    def _worker_lost(self, worker: _Worker, why: str) -> None:
        key = {"time_limit": "training.ended_time_limit", "stopped": "training.interrupted"}.get(
            why, "training.worker_lost"
        )
        seconds = max(self.jobs[j].seconds for j in worker.jobs) if worker.jobs else 0.0
        for j in worker.jobs:
            self._outcomes.setdefault(self.jobs[j].name, (False, TrainingError(key=key, params={"limit": seconds})))
        self._worker_done(worker)


_shared: WorkerPool | None = None
_shared_lock = threading.Lock()


def server_start_method() -> str:
    """How the server's pool starts its workers: worker processes, except on ZeroGPU.

    ZeroGPU lends a GPU to the process that calls a `spaces.GPU`-decorated function, for that call
    only; a worker process would train without it. There the trainings run in a thread of the
    server (the "thread" method), as the decorated /train handler expects.
    """
    return "thread" if os.environ.get("SPACES_ZERO_GPU") else START_METHOD


def shared_pool(size: int) -> WorkerPool:
    """The server's one pool (made on first use, of `size` workers at most); its workers start on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = WorkerPool(size, start_method=server_start_method())
        return _shared


def warm_up() -> None:
    """Start the fork server now (it imports torch and Lightning once: seconds), so that the first
    training does not wait for it. No worker starts: those start on first use."""
    if START_METHOD != "forkserver":
        return
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()  # returns once the server process is started; it imports in the background
