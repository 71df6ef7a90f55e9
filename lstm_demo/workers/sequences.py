"""Work that grows with a sequence (a 10,000-step trace or drawing), done in processes of its own.

In the server's process such a call holds the interpreter's lock (the GIL) for most of its length,
and every other request being served (another visitor's /predict) takes turns with it: a few
clients sending long sequences one after another slowed everyone else's answers several times
over. A long sequence's work goes instead to a small pool of processes forked from the workers'
fork server (worker.py: torch and the models already imported), out of the server's lock; a short
one, which costs less than the trip, stays in the calling thread. What runs there is a plain
function of picklable values (a model, numbers, names), sent as one plain pickle (a model's tensors
by value: torch's own reductions would share each tensor's memory through a file descriptor handed
over a socket, several round trips per call in the server's threads), and what comes back is its
result or its exception. The processes run at a lower priority (nice), so that on a machine with few
cores the server's own process, which answers everyone, comes first, and each ends when the server
goes, however it goes (a pipe's end, as each training worker has). A process that dies is
replaced, and that call is done in the thread instead.

    sequences = SequenceProcesses(size=2)
    table = sequences.run(len(values), trace_table, model, values)
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import torch

from .worker import START_METHOD, context, server_start_method

log = logging.getLogger("lstm_demo.workers")

LONG = 1_000  # numbers from which a call's work is sent to a process
NICENESS = 10  # how much lower the processes' priority is than the server's


def _start(server) -> None:
    """In each process, first: a lower priority, and a thread that ends the process with the server."""
    os.nice(NICENESS)
    threading.Thread(target=_end_with, args=(server,), daemon=True, name="ends-with-the-server").start()


def _end_with(server) -> None:
    # Nothing is ever sent: recv returns with EOF once the server's end is closed, the server gone
    # (the pool's own queues cannot tell: each process holds both of their ends).
    try:
        server.recv()
    except (EOFError, OSError):
        pass
    os._exit(0)


def _call(payload: bytes):
    function, args, kwargs = pickle.loads(payload)
    return function(*args, **kwargs)


def trace_table(model, values: list[float]) -> list[list[float]]:
    """The model's trace of `values` as rows (models.Trace.table): what /trace answers."""
    with torch.no_grad():
        return model.trace(torch.tensor(values)).table()


class SequenceProcesses:
    """At most `size` processes for long sequences, started on first use (none in "thread" mode:
    ZeroGPU and in-process tests do the work in the calling thread)."""

    def __init__(self, size: int, start_method: str | None = None):
        self.size = size
        self.start_method = start_method or server_start_method()
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._ends: tuple | None = None  # (the processes' end, the server's end) of the pipe

    def run(self, length: int, function: Callable, *args, **kwargs):
        """`function(*args, **kwargs)`, in a process when `length` (the sequence's) is long."""
        if length < LONG or self.start_method == "thread":
            return function(*args, **kwargs)
        pool = self._executor()
        try:
            payload = pickle.dumps((function, args, kwargs), pickle.HIGHEST_PROTOCOL)
            return pool.submit(_call, payload).result()
        except BrokenProcessPool:
            log.warning("a long-sequence process ended unexpectedly; a new pool takes its place")
            self._discard(pool)
            return function(*args, **kwargs)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if self._ends is not None:
            for end in self._ends:
                end.close()
            self._ends = None

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                if self._ends is None:
                    self._ends = multiprocessing.Pipe(duplex=False)  # (reader, writer)
                self._pool = ProcessPoolExecutor(
                    self.size,
                    mp_context=context(self.start_method or START_METHOD),
                    initializer=_start,
                    initargs=(self._ends[0],),
                )
            return self._pool

    def _discard(self, pool: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        pool.shutdown(wait=False, cancel_futures=True)
