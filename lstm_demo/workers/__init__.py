"""Long work (trainings, the learning-rate race, the initialization lottery) in worker processes.

Why processes, not the server's threads: a training in a thread shares the server's interpreter
lock with every request being served, a Stop can only be honoured between steps, and a thread
cannot be ended at all. A worker process runs the same Lightning code (training.train,
lottery.lottery) out of the server's way; a stop that is not honoured in time, or the time limit,
ends it for sure (the process is terminated and a fresh one takes its place); a crash ends one
job with one sentence and the server goes on serving.

    pool = WorkerPool(size=2)
    with pool.run([Job("train", "train", {...}, seconds=60)], stop, owner=address) as run:
        for _ in run.ticks(0.5):
            run.history["train"]   # the EpochRecords streamed so far
    run.results()["train"]         # a Trained (the TrainResult, its weights and snapshots)

The two sides of the process boundary:
    pool.py    the server's: WorkerPool (at most `size` workers, the training limit, started on first
               use and reused; a job list takes one worker per job, up to the pool's size; workers
               are taken all at once or not at all), each handler's Run, the fair order of waiting runs
    worker.py  the server's view of one worker (a process or a thread) and how workers start
    jobs.py    the worker's: its loop (worker_main), the jobs it runs (JOBS), what it sends back

Start method: "forkserver". A fork server is started once from a fresh interpreter (not forked
from the server, whose torch may already run threads: fork after threads is unsafe), imports
torch, Lightning and the training code once (PRELOAD), and forks each worker from that state: a
worker is ready in a fraction of a second, shares those imported pages copy-on-write, and a
terminated worker is replaced at once. Like "spawn", it runs the parent's main script in each
worker as `__mp_main__`: app.py builds and launches nothing then (its `__main__` guard). "thread"
runs the same worker loop in a thread of this process (ZeroGPU, and tests that patch the training
code in-process); a thread cannot be ended, so it has no hard stop, and too many of them still
running makes the pool refuse new work (MAX_LEAKED_THREADS).
"""

from .jobs import JOBS, Job, Trained, worker_main
from .pool import GRACE_SECONDS, MAX_LEAKED_THREADS, Run, WorkerPool, shared_pool
from .worker import PRELOAD, START_METHOD, server_start_method, warm_up

__all__ = [
    "GRACE_SECONDS", "JOBS", "MAX_LEAKED_THREADS", "PRELOAD", "START_METHOD", "Job", "Run", "Trained", "WorkerPool",
    "server_start_method", "shared_pool", "warm_up", "worker_main",
]  # fmt: skip
