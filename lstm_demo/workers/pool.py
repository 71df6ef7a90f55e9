"""The server's side of the workers: the pool, its watcher, and each handler's Run.

A Run is in one of three states, and Stop and the time limit reach it in each:
    waiting   no workers yet. Stop (or the handler leaving) withdraws it at once.
    running   its job lists are on workers, until every worker says it is idle. Stop reaches the
              workers' own stop signals; past a worker's deadline (the jobs' limits, or Stop, plus
              GRACE_SECONDS) the worker is ended for sure and the run ends with one sentence.
    ended     every job has an outcome: a result, or one sentence.
Workers are claimed in the same locked step that finds them idle (`_dispatch`), and a run that
loses a worker for any reason (its process died, its time ran out, its jobs could not be sent)
ends with one sentence and frees its place.

Fairness: waiting runs start in order of the workers their owner (the client's address) holds
now, fewest first, then in order of arrival; the first in that order waits for enough free workers
and no run overtakes it. So one address cannot take the last free worker while another waits.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import wait

from .. import errors
from ..errors import LSTMDemoError, TrainingError
from ..models import model_from_flat
from ..recipes import EpochRecord
from .jobs import Job, Trained
from .worker import START_METHOD, Worker, context, server_start_method

log = logging.getLogger("lstm_demo.workers")

# Seconds a worker has to honour a stop (or its own time limit) before it is ended. Trainings check
# for a stop after every epoch and the lottery after every block, so only a fault takes longer.
GRACE_SECONDS = 5.0
WATCH_SECONDS = 0.1  # how often the pool looks at stop signals and deadlines
# "thread" workers cannot be ended: a replaced one runs on until its job checks its stop. Past this
# many such threads still running, new work is refused with one sentence.
MAX_LEAKED_THREADS = 4


class WorkerPool:
    """At most `size` workers, started on first use and reused; see the package's docstring."""

    def __init__(self, size: int, start_method: str = START_METHOD, grace: float = GRACE_SECONDS):
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        self.size, self.start_method, self.grace = size, start_method, grace
        self._context = context(start_method)
        self._workers: list[Worker] = []
        self._waiting: list[Run] = []
        self._arrivals = itertools.count()
        self._lock = threading.Condition()
        self._watcher: threading.Thread | None = None
        self._starting = 0  # workers being started in the background
        self._leaked: list[threading.Thread] = []  # replaced "thread" workers, maybe still running
        self._refusing = False
        self._closed = False

    def run(self, jobs: list[Job], stop: threading.Event, owner: str | None = None) -> Run:
        """Runs `jobs` on free workers as soon as it is this run's turn; see Run. `owner`: the
        client's address, for the fair share (None: in-process callers, one owner together)."""
        run = Run(self, jobs, stop, owner, next(self._arrivals))
        with self._lock:
            if self._closed:
                raise RuntimeError("the worker pool is closed")
            self._waiting.append(run)
            self._dispatch()
        return run

    # -- handing out workers (every method below that says so runs with the lock held) --

    def _dispatch(self) -> None:
        """Hand idle workers to waiting runs, fairest first, each claimed in this one locked step."""
        leaked = self._leaked_threads()
        for run in list(self._waiting):
            if run.stop.is_set() or leaked:
                self._waiting.remove(run)
                run._end(TrainingError(key="workers.threads_leaked", params={"count": leaked}) if leaked else None)
        while self._waiting:
            held = Counter(w.run.owner for w in self._workers if w.run is not None)
            run = min(self._waiting, key=lambda r: (held[r.owner], r.arrival))
            wanted = min(len(run.jobs), self.size)
            idle = [w for w in self._workers if w.run is None]
            if len(idle) < wanted:  # the fairest run waits, and none overtakes it
                self._grow(min(self.size - len(self._workers) - self._starting, wanted - len(idle) - self._starting))
                return
            self._waiting.remove(run)
            self._assign(run, idle[:wanted])

    def _assign(self, run: Run, workers: list[Worker]) -> None:
        """Give `run`'s jobs to `workers` (idle, claimed now) and send them (lock held)."""
        started = time.monotonic()
        for k, worker in enumerate(workers):
            worker.run, worker.jobs = run, list(range(k, len(run.jobs), len(workers)))
            worker.stop.clear()
            # Its jobs run one after another: each has its own limit; the grace comes once.
            worker.deadline = started + sum(run.jobs[j].seconds for j in worker.jobs) + self.grace
            run.pending[id(worker)] = worker
        run.started = True
        for worker in workers:
            try:
                worker.conn.send([(run.jobs[j].function, run.jobs[j].options) for j in worker.jobs])
            except (OSError, ValueError):  # its process has gone (or its pipe was closed)
                self._retire(worker)
                worker.terminate()
                run._worker_lost(worker, "lost")

    def _grow(self, count: int) -> None:
        """Start `count` more workers in a background thread (lock held); each start dispatches again."""
        if count <= 0 or self._closed:
            return
        self._starting += count

        def start() -> None:
            for _ in range(count):
                try:
                    worker = Worker(self._context, self.start_method)
                except Exception as exc:  # noqa: BLE001 (the runs that waited for it get one sentence)
                    log.exception("a worker could not be started")
                    worker, error = None, exc
                with self._lock:
                    self._starting -= 1
                    if worker is None:
                        self._start_failed(error)
                    elif self._closed:
                        worker.terminate()
                    else:
                        self._workers.append(worker)
                    self._dispatch()
            with self._lock:
                if self._watcher is None and not self._closed:
                    self._watcher = threading.Thread(target=self._watch, name="worker-pool", daemon=True)
                    self._watcher.start()

        threading.Thread(target=start, name="worker-start", daemon=True).start()

    def _start_failed(self, error: Exception) -> None:
        """A worker could not start: the runs that wait for more workers than there are end (lock held)."""
        for run in list(self._waiting):
            if min(len(run.jobs), self.size) > len(self._workers) + self._starting:
                self._waiting.remove(run)
                run._end(TrainingError(key="training.worker_lost"), cause=error)

    def _leaked_threads(self) -> int:
        """In thread mode, how many replaced threads still run once they are too many (new work is then
        refused; said once in the log), else 0 (lock held)."""
        self._leaked = [thread for thread in self._leaked if thread.is_alive()]
        if len(self._leaked) < MAX_LEAKED_THREADS:
            self._refusing = False
            return 0
        if not self._refusing:
            log.warning("new work refused: %d replaced worker threads are still running", len(self._leaked))
            self._refusing = True
        return len(self._leaked)

    def _retire(self, worker: Worker) -> Run | None:
        """Take `worker` out of the pool so that nobody can claim it (lock held); returns its run."""
        if worker not in self._workers:
            return None
        self._workers.remove(worker)
        run, worker.run = worker.run, None
        if worker.is_thread and worker.alive():
            self._leaked.append(worker.process)
        if run is not None:
            self._grow(1)  # it was in use: the next run should not wait for a fresh one to start
        self._lock.notify_all()
        return run

    def _withdraw(self, run: Run) -> bool:
        """A waiting run's handler stopped waiting: it ends, and the next run may start. False when
        it was not waiting (its workers were claimed meanwhile: the stop reaches them instead)."""
        with self._lock:
            if run not in self._waiting:
                return False
            self._waiting.remove(run)
            run._end(None)
            self._dispatch()
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
            self._dispatch()  # waiting runs whose stop was set while nobody looked
        if not workers:
            time.sleep(WATCH_SECONDS)
            return
        sentinels = [w.process.sentinel for w in workers if not w.is_thread]
        try:
            ready = wait([w.conn for w in workers] + sentinels, timeout=WATCH_SECONDS)
        except OSError:  # a pipe closed by a replacement since the snapshot: look again
            return
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
            elif not worker.alive():
                self._replace(worker, "lost")

    def _read(self, worker: Worker) -> None:
        try:
            while worker.conn.poll():
                message = worker.conn.recv()
                run = worker.run
                if message[0] == "idle":
                    with self._lock:
                        if worker.run is run:
                            worker.run, worker.jobs, worker.deadline = None, [], float("inf")
                    if run is not None:
                        run._worker_done(worker)
                    with self._lock:
                        self._dispatch()
                        self._lock.notify_all()
                elif run is not None:  # the worker numbers its own list: the run's numbering here
                    run._message((message[0], worker.jobs[message[1]], *message[2:]))
        except (EOFError, OSError):
            pass  # its death is seen through its sentinel (a thread's pipe: closed by a replacement)

    def _replace(self, worker: Worker, why: str) -> None:
        """End a worker for sure (a stop not honoured, the time limit, or a crash); a fresh one follows."""
        with self._lock:
            if worker not in self._workers:
                return
            run = self._retire(worker)
        (log.warning if run is not None else log.info)("worker %s ended (%s)", worker.pid or "thread", why)
        worker.terminate()
        if run is not None:
            run._worker_lost(worker, why)
        with self._lock:
            self._dispatch()

    # -- for tests and shutdown --

    def pids(self) -> list[int]:
        """The worker processes' ids (none until a first job)."""
        with self._lock:
            return [w.pid for w in self._workers if w.pid is not None]

    def busy(self) -> int:
        with self._lock:
            return sum(1 for w in self._workers if w.run is not None)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._workers = list(self._workers), []
            waiting, self._waiting = list(self._waiting), []
        for run in waiting:
            run._end(None)
        for worker in workers:
            run = worker.run
            worker.terminate()
            if run is not None:
                run._worker_lost(worker, "stopped")


@dataclass
class Run:
    """One handler's job list on the pool. Use as a context manager; leaving it early (Stop, a
    cancelled or closed stream) sets the stop signal and returns at once: the pool withdraws a
    waiting run, and frees a running one's workers when they are idle, or ends them after the grace."""

    pool: WorkerPool
    jobs: list[Job]
    stop: threading.Event
    owner: str | None = None
    arrival: int = 0
    history: dict[str, list[EpochRecord]] = field(default_factory=dict)
    weights: dict[str, list[float]] = field(default_factory=dict)  # a running training's latest weights
    pending: dict[int, Worker] = field(default_factory=dict)
    started: bool = False  # workers claimed (set by the pool, under its lock)
    _outcomes: dict[str, tuple[bool, object]] = field(default_factory=dict)
    _ended: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        self.history = {job.name: [] for job in self.jobs}

    def __enter__(self) -> Run:
        return self

    def __exit__(self, *exc_info) -> None:
        if not self._ended.is_set():
            self.stop.set()  # the pool passes it on and enforces the grace period
            self.pool._withdraw(self)

    @property
    def waiting(self) -> bool:
        """True while no worker is free for it yet."""
        return not self.started

    def ticks(self, every: float) -> Iterator[None]:
        """Yields every `every` seconds while the jobs wait for workers or run, and once when they have ended."""
        while not self._ended.is_set():
            if self.stop.is_set() and not self.started and self.pool._withdraw(self):
                break
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

    # -- called by the pool --

    def _end(self, error: LSTMDemoError | None, cause: Exception | None = None) -> None:
        """Ended without (more) workers: every job without an outcome gets `error` (None: interrupted)."""
        if error is not None:
            error.__cause__ = cause
            for job in self.jobs:
                self._outcomes.setdefault(job.name, (False, error))
        self._ended.set()

    def _message(self, message: tuple) -> None:
        kind, job = message[0], self.jobs[message[1]]
        if kind == "records":
            self.history[job.name].extend(EpochRecord(*values) for values in message[2])
            if len(message) > 3 and message[3] is not None:
                self.weights[job.name] = message[3]  # the model's weights as the worker last sent them
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

    def _worker_done(self, worker: Worker) -> None:
        self.pending.pop(id(worker), None)
        if not self.pending:
            self._ended.set()

    def _worker_lost(self, worker: Worker, why: str) -> None:
        key = {"time_limit": "training.ended_time_limit", "stopped": "training.interrupted"}.get(
            why, "training.worker_lost"
        )
        seconds = max(self.jobs[j].seconds for j in worker.jobs) if worker.jobs else 0.0
        for j in worker.jobs:
            self._outcomes.setdefault(self.jobs[j].name, (False, TrainingError(key=key, params={"limit": seconds})))
        self._worker_done(worker)


_shared: WorkerPool | None = None
_shared_lock = threading.Lock()


def shared_pool(size: int) -> WorkerPool:
    """The server's one pool (made on first use, of `size` workers at most); its workers start on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = WorkerPool(size, start_method=server_start_method())
        return _shared
