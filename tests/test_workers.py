"""Trainings, the race and the lottery run in worker processes (lstm_demo/workers.py).

Through the real app (the session's `app_server`): workers start on first use and are reused, a
killed worker costs its visitor one sentence while /predict goes on answering, a cancelled lottery
leaves no worker busy. In this process, on a pool of its own: the time limit ends a lottery that
would take far longer, a worker that runs past its limit is terminated and replaced, a race counts
twice against the training limit, and snapshots take 12 floats each.
"""

import os
import signal
import threading
from pathlib import Path

import pytest
from gradio_client.exceptions import AppError

from conftest import COMPANY_B, wait_for
from lstm_demo.limits import Limits
from lstm_demo.ui.common import Served
from lstm_demo.ui.explore import Explore
from lstm_demo.ui.retrain import Retrain
from lstm_demo.ui.state import Visitor
from lstm_demo.weights import load_pretrained
from lstm_demo.workers import Job, WorkerPool

# -- Processes, read from /proc (Linux) -------------------------------------------------------------


def stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat's fields after the command name, or None when the process has gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text[text.rindex(")") + 2 :].split()  # state, ppid, ..., utime (12), stime (13)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := stat(int(entry.name))) and fields[1] == str(pid) and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def workers_of(server_pid: int) -> list[int]:
    """The app's worker processes: the children of its fork server (the app's only child with children)."""
    return sorted(worker for child in children(server_pid) for worker in children(child))


class Quiet:
    """quiet() is True once every process in `pids()` sleeps (state S) and has used no CPU since
    the previous look: an idle worker waits on its pipe. Gone processes count as quiet."""

    def __init__(self, pids):
        self.pids, self.seen = pids, {}

    def __call__(self) -> bool:
        now = {}
        for pid in self.pids():
            fields = stat(pid)
            if fields is not None:
                now[pid] = (fields[0], int(fields[11]) + int(fields[12]))
        quiet = all(state == "S" and self.seen.get(pid, (None, -1))[1] == cpu for pid, (state, cpu) in now.items())
        self.seen = now
        return quiet


def working(pids):
    """A check that is True once some process in `pids()` has used CPU time since the previous look."""
    seen: dict[int, int] = {}

    def check() -> bool:
        now = {pid: int(f[11]) + int(f[12]) for pid in pids() if (f := stat(pid)) is not None}
        moved = any(pid in seen and cpu > seen[pid] for pid, cpu in now.items())
        seen.update(now)
        return moved

    return check


# -- Through the real app ---------------------------------------------------------------------------


def test_the_workers_are_at_most_the_training_limit_and_are_reused(client, app_server):
    _, server = app_server
    client.predict("craft", "fast", 300, 0.05, 42, "cpu", api_name="/train")
    first = workers_of(server.pid)
    assert 1 <= len(first) <= 2  # started on first use, at most the training limit (2 by default)
    *_, summary, _ = client.predict("builtin", "fast", 300, 0.1, 7, "cpu", api_name="/train")
    assert summary["model"] == "builtin" and workers_of(server.pid) == first  # the same processes trained


def test_a_killed_worker_costs_its_visitor_one_sentence_and_the_server_serves_on(client, app_server):
    _, server = app_server
    job = client.submit("builtin", "statquest", 10_000, 0.1, 42, "cpu", api_name="/train")
    wait_for(lambda: "Epoch" in str(job.outputs()[-1:]), 120, "the training's first progress")
    for pid in workers_of(server.pid):
        os.kill(pid, signal.SIGKILL)
    with pytest.raises(AppError, match="The process running this work stopped unexpectedly"):
        job.result(timeout=120)
    assert client.predict(COMPANY_B, "craft", api_name="/predict") == pytest.approx(0.9693, abs=1e-3)
    *_, summary, path = client.predict("craft", "fast", 300, 0.05, 42, "cpu", api_name="/train")  # a fresh worker
    assert summary["epochs"] > 0 and path


def test_a_cancelled_lottery_leaves_no_worker_busy(client, app_server):
    _, server = app_server
    # 200 starts x 10,000 epochs: the most the step limit allows, tens of seconds here.
    job = client.submit(200, 10_000, 0.1, "cpu", api_name="/lottery")
    wait_for(working(lambda: workers_of(server.pid)), 120, "a worker drawing the lottery", every=0.5)
    job.cancel()
    wait_for(Quiet(lambda: workers_of(server.pid)), 30, "every worker idle after the cancel", every=0.5)
    assert client.predict(COMPANY_B, "builtin", api_name="/predict") == pytest.approx(0.98, abs=0.01)


# -- On a pool of the test's own --------------------------------------------------------------------


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(2, grace=1.0)
    yield pool
    pool.close()


def test_the_time_limit_ends_a_lottery_that_would_take_far_longer(pool):
    explore = Explore(Served(load_pretrained(), Limits(max_train_seconds=1)), pool)
    summary = list(explore.lottery(200, 10_000, 0.1, "cpu"))[-1]  # ~20 s of work at the speed measured here
    assert summary["stop_reason"] == "time_limit" and 0 < summary["epochs"] < 10_000


def test_closing_the_lottery_stream_ends_the_lottery_early_and_frees_its_worker(pool):
    # What Gradio does on a cancel or a closed page: the handler's generator is closed.
    explore = Explore(Served(load_pretrained(), Limits(max_train_seconds=60)), pool)
    stream = explore.lottery(200, 10_000, 0.1, "cpu")
    next(stream)
    run = wait_for(lambda: next((w.run for w in pool._workers if w.run is not None), None), 60, "the lottery's worker")
    wait_for(working(pool.pids), 60, "the worker drawing the lottery")
    stream.close()
    wait_for(run._ended.is_set, 30, "the worker idle after the stream closed")
    ok, result = run._outcomes["lottery"]
    assert ok and result.epochs < 10_000  # it stopped early, at a block's end, and said so
    assert pool.busy() == 0


def test_a_worker_past_its_limit_is_terminated_and_replaced(pool):
    # The training's own limit (60 s) is far later than the pool's for this job (0.5 s + 1 s of grace):
    # the pool ends it for sure, and a fresh worker takes the job after.
    options = dict(kind="builtin", recipe="statquest", epochs=10_000, learning_rate=0.1, seed=1, device="cpu")
    job = Job("long", "train", {**options, "limits": Limits(max_train_seconds=60)}, seconds=0.5)
    with pool.run([job], threading.Event()) as run:
        for _ in run.ticks(0.2):
            pass
    with pytest.raises(Exception, match=r"ran past its time limit \(0.5 s\) and was ended"):
        run.results()
    short = Job("short", "train", {**options, "epochs": 50, "limits": Limits()}, seconds=60)
    with pool.run([short], threading.Event()) as run:
        for _ in run.ticks(0.2):
            pass
    assert run.results()["short"].result.epochs == 50


def test_a_race_counts_twice_and_a_training_waits_for_a_free_worker(pool):
    served = Served(load_pretrained(), Limits(max_train_seconds=30))
    explore, retrain = Explore(served, pool), Retrain(served, pool)
    race, leave = explore.race("builtin", 42, 0.001, 0.1, 10_000), threading.Event()

    def watch_the_race() -> None:  # as Gradio streams it; leaving closes it (a closed page)
        for _ in race:
            if leave.is_set():
                break
        race.close()

    watcher = threading.Thread(target=watch_the_race)
    watcher.start()
    wait_for(lambda: pool.busy() == 2, 60, "the race on both workers")
    training = retrain.train("craft", "fast", 300, 0.05, 42, "cpu", Visitor())
    assert "Waiting for a free training process" in next(training)[0]
    leave.set()  # the race's workers stop, and the training gets one
    final = list(training)[-1]
    assert final[3]["epochs"] > 0
    watcher.join(60)


def test_snapshots_take_twelve_floats_each_and_a_few_kilobytes_per_visitor(pool):
    served = Served(load_pretrained(), Limits(max_snapshots=200))
    *_, visitor = list(Retrain(served, pool).train("craft", "statquest", 2000, 0.001, 42, "cpu", Visitor()))[-1]
    kept = visitor.snapshots
    assert len(kept) == 201 and {len(values) for _, values in kept} == {12}
    assert kept.nbytes() < 16_000  # 201 x 12 float32 and their epochs: ~11 KB (state dicts took ~1.35 MB)
