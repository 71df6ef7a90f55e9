"""A worker as the server sees it: a process (or a thread) running jobs.worker_main, and the
server's end of its pipe; how the server starts them."""

from __future__ import annotations

import multiprocessing
import os
import threading

from .jobs import worker_main

START_METHOD = "forkserver"
# What the fork server imports once, before it forks each worker.
PRELOAD = ["lstm_demo.training", "lstm_demo.lottery", "lstm_demo.workers.jobs"]


def context(start_method: str):
    """The multiprocessing context for `start_method` (None for "thread"), the fork server's imports set."""
    if start_method == "thread":
        return None
    ctx = multiprocessing.get_context(start_method)
    if start_method == "forkserver":
        ctx.set_forkserver_preload(PRELOAD)
    return ctx


class Worker:
    """One worker (a process, or a thread for start_method="thread") and the pool's end of its pipe."""

    def __init__(self, context, start_method: str):
        self.conn, child = multiprocessing.Pipe()
        if start_method == "thread":
            self.stop = threading.Event()
            self.process = threading.Thread(target=worker_main, args=(child, self.stop), daemon=True, name="worker")
        else:
            self.stop = context.Event()
            self.process = context.Process(target=worker_main, args=(child, self.stop), daemon=True, name="worker")
        self.process.start()
        if start_method != "thread":
            child.close()  # the worker holds its end: when the server goes, the worker's recv ends
        self.run = None  # the pool.Run whose jobs it runs, if any
        self.jobs: list[int] = []  # indices into run.jobs, in the order it runs them
        self.deadline = float("inf")  # ended past this (monotonic seconds)

    @property
    def is_thread(self) -> bool:
        return isinstance(self.process, threading.Thread)

    @property
    def pid(self) -> int | None:
        return None if self.is_thread else self.process.pid

    def alive(self) -> bool:
        return self.process.is_alive()

    def terminate(self) -> None:
        """End it: a process for sure; a thread is told to stop and cut off (its next message fails)."""
        self.stop.set()
        if not self.is_thread:
            self.process.terminate()
            self.process.join(2)
            if self.process.is_alive():
                self.process.kill()
                self.process.join(2)
        self.conn.close()


def server_start_method() -> str:
    """How the server's pool starts its workers: worker processes, except on ZeroGPU.

    ZeroGPU lends a GPU to the process that calls a `spaces.GPU`-decorated function, for that call
    only; a worker process would train without it. There the trainings run in a thread of the
    server (the "thread" method), as the decorated /train handler expects.
    """
    return "thread" if os.environ.get("SPACES_ZERO_GPU") else START_METHOD


def warm_up() -> None:
    """Start the fork server now (it imports torch and Lightning once: seconds), so that the first
    training does not wait for it. No worker starts: those start on first use."""
    if START_METHOD != "forkserver":
        return
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()  # returns once the server process is started; it imports in the background
