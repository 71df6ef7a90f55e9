"""Trainings, the race and the lottery run in worker processes (lstm_demo/workers.py).

Through the real app (the session's `app_server`): workers start on first use and are reused, a
killed worker costs its visitor one sentence while /predict goes on answering, a cancelled lottery
leaves no worker busy. In this process, on a pool of its own: the time limit ends a lottery that
would take far longer, a worker that runs past its limit is terminated and replaced, a race counts
twice against the training limit, and snapshots take 12 floats each. On the pool's own code with
stand-in jobs (thread workers): paired starts never share a worker, waiting runs are served
fairly by address, Stop reaches a waiting run, and thread workers that ignore their stop are bounded.
"""

import math
import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from gradio_client.exceptions import AppError

from conftest import COMPANY_B, wait_for
from lstm_demo.errors import TrainingError
from lstm_demo.limits import Limits
from lstm_demo.lottery import lottery
from lstm_demo.ui.common import Served
from lstm_demo.ui.explore import Explore
from lstm_demo.ui.retrain import Retrain
from lstm_demo.ui.state import Visitor
from lstm_demo.weights import load_pretrained
from lstm_demo.workers import JOBS, MAX_LEAKED_THREADS, Job, WorkerPool

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
    # 200 starts x 10,000 epochs, the most the step limit allows; cancelled once it streams (it runs
    # on a worker then). Whether it is cut short is the in-process test's below, on work sized to last.
    job = client.submit(200, 10_000, 0.1, "cpu", api_name="/lottery")
    wait_for(lambda: job.outputs() or job.done(), 120, "the lottery running on a worker")
    job.cancel()
    wait_for(Quiet(lambda: workers_of(server.pid)), 30, "every worker idle after the cancel", every=0.5)
    assert client.predict(COMPANY_B, "builtin", api_name="/predict") == pytest.approx(0.98, abs=0.01)


# -- On a pool of the test's own --------------------------------------------------------------------


@pytest.fixture(scope="module")
def pool():
    pool = WorkerPool(2, grace=1.0)
    yield pool
    pool.close()


def lottery_lasting(seconds: float, inits: int = 200) -> Limits:
    """Limits that allow a lottery of `inits` starts lasting at least 20 times `seconds` on this machine,
    at the rate measured now (a short lottery in this process), and its epochs (`max_epochs`)."""
    rate = lottery(inits, 100).model_steps_per_second
    epochs = min(1_000_000, max(10_000, math.ceil(20 * seconds * rate / inits)))
    return Limits(max_train_seconds=seconds, max_epochs=epochs, max_lottery_model_steps=inits * epochs)


def test_the_time_limit_ends_a_lottery_that_would_take_far_longer(pool):
    limits = lottery_lasting(1.0)
    explore = Explore(Served(load_pretrained(), limits), pool)
    summary = list(explore.lottery(200, limits.max_epochs, 0.1, "cpu"))[-1]
    assert summary["stop_reason"] == "time_limit" and 0 < summary["epochs"] < limits.max_epochs


def test_closing_the_lottery_stream_ends_the_lottery_early_and_frees_its_worker(pool):
    # What Gradio does on a cancel or a closed page: the handler's generator is closed.
    limits = lottery_lasting(60.0)
    explore = Explore(Served(load_pretrained(), limits), pool)
    stream = explore.lottery(200, limits.max_epochs, 0.1, "cpu")
    next(stream)
    run = wait_for(lambda: next((w.run for w in pool._workers if w.run is not None), None), 60, "the lottery's worker")
    wait_for(working(pool.pids), 60, "the worker drawing the lottery")
    stream.close()
    wait_for(run._ended.is_set, 30, "the worker idle after the stream closed")
    ok, result = run._outcomes["lottery"]
    assert ok and result.epochs < limits.max_epochs  # it stopped early, at a block's end, and said so
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
    assert kept.nbytes() < 16_000  # 201 x 12 float32 and their epochs: ~11 KB


# -- The pool's own code, with stand-in jobs in thread workers --------------------------------------

GATES: dict[str, threading.Event] = {}


def hold(options, report, stop):
    """A stand-in job: runs until its gate (GATES[options["gate"]]) or its stop is set; returns the gate's name."""
    gate, deadline = GATES[options["gate"]], time.monotonic() + 120
    while not (gate.is_set() or stop.is_set()) and time.monotonic() < deadline:
        gate.wait(0.01)
    return options["gate"]


@pytest.fixture
def thread_pool(monkeypatch):
    """make(size, **options): a pool of thread workers that run the stand-in jobs; all closed after."""
    monkeypatch.setitem(JOBS, "echo", lambda options, report, stop: options["value"])
    monkeypatch.setitem(JOBS, "hold", hold)
    pools = []

    def make(size: int, **options) -> WorkerPool:
        pools.append(WorkerPool(size, start_method="thread", **options))
        return pools[-1]

    yield make
    for gate in GATES.values():
        gate.set()
    GATES.clear()
    for made in pools:
        made.close()


def test_paired_starts_each_get_their_own_result_and_none_hangs(thread_pool):
    """1,000 pairs of runs started at once on two idle workers, the interpreter switching threads as
    often as it can: each run gets its own result (never the other's) and ends."""
    pool = thread_pool(2)
    outcomes: dict[int, object] = {}

    def start(value: int, barrier: threading.Barrier) -> None:
        barrier.wait(timeout=60)
        run = pool.run([Job("echo", "echo", {"value": value}, seconds=60)], threading.Event())
        give_up = time.monotonic() + 30  # a run that ends takes milliseconds; one that hangs, forever
        for _ in run.ticks(0.01):
            if time.monotonic() > give_up:
                outcomes[value] = "hung"
                return
        try:
            outcomes[value] = run.results()["echo"]
        except TrainingError as error:
            outcomes[value] = error

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for pair in range(1000):
            barrier = threading.Barrier(2)
            threads = [threading.Thread(target=start, args=(2 * pair + k, barrier)) for k in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            mixed = {value: got for value, got in outcomes.items() if got != value}
            assert not mixed, f"pair {pair}: {mixed}"
    finally:
        sys.setswitchinterval(interval)
    assert len(outcomes) == 2000 and pool.busy() == 0


def test_a_waiting_run_from_an_address_holding_fewer_workers_goes_first(thread_pool):
    pool = thread_pool(2)
    GATES.update((name, threading.Event()) for name in ("a1", "x1", "a2", "b1"))

    def start(name: str, owner: str):
        return pool.run([Job(name, "hold", {"gate": name}, seconds=60)], threading.Event(), owner=owner)

    a1, x1 = start("a1", "10.0.0.1"), start("x1", "10.0.0.3")
    wait_for(lambda: a1.started and x1.started, 60, "both workers running")
    a2 = start("a2", "10.0.0.1")  # A holds a worker and asks for another, before B asks
    b1 = start("b1", "10.0.0.2")
    assert a2.waiting and b1.waiting
    GATES["x1"].set()  # a worker frees: B holds none, A holds one
    wait_for(lambda: b1.started, 60, "B's run on the freed worker")
    assert a2.waiting and x1.results() == {"x1": "x1"}
    GATES["b1"].set()  # B's worker frees: A's waiting run takes it
    wait_for(lambda: a2.started, 60, "A's second run")
    GATES["a1"].set(), GATES["a2"].set()
    for run, name in ((a1, "a1"), (a2, "a2"), (b1, "b1")):
        wait_for(run._ended.is_set, 60, f"{name} ending")
        assert run.results() == {name: name}


def test_an_address_cannot_take_the_last_free_worker_while_another_address_waits(thread_pool):
    pool = thread_pool(2)
    GATES.update((name, threading.Event()) for name in ("a1", "x1", "race", "a2"))
    a1 = pool.run([Job("a1", "hold", {"gate": "a1"}, 60)], threading.Event(), owner="10.0.0.1")
    x1 = pool.run([Job("x1", "hold", {"gate": "x1"}, 60)], threading.Event(), owner="10.0.0.3")
    wait_for(lambda: a1.started and x1.started, 60, "both workers running")
    # B's race needs both workers; A's second training, asked for after it, needs one.
    race = [Job(f"race-{k}", "hold", {"gate": "race"}, 60) for k in range(2)]
    b = pool.run(race, threading.Event(), owner="10.0.0.2")
    a2 = pool.run([Job("a2", "hold", {"gate": "a2"}, 60)], threading.Event(), owner="10.0.0.1")
    GATES["x1"].set()  # one worker frees: A may not take it while B (holding none) waits
    wait_for(x1._ended.is_set, 60, "x1 ending")
    wait_for(lambda: pool.busy() == 1, 60, "the freed worker idle")
    assert b.waiting and a2.waiting
    GATES["a1"].set()  # both free: B's race starts on both, A's second waits for one
    wait_for(lambda: b.started, 60, "B's race")
    assert a2.waiting
    GATES["race"].set()
    wait_for(lambda: a2.started, 60, "A's second run")
    GATES["a2"].set()
    wait_for(a2._ended.is_set, 60, "a2 ending")
    assert b.results() == {"race-0": "race", "race-1": "race"} and a2.results() == {"a2": "a2"}


def test_stop_reaches_a_waiting_run_even_when_its_handler_no_longer_looks(thread_pool):
    pool = thread_pool(1)
    GATES["busy"] = threading.Event()
    busy = pool.run([Job("busy", "hold", {"gate": "busy"}, 60)], threading.Event(), owner="10.0.0.1")
    wait_for(lambda: busy.started, 60, "the worker running")
    stop = threading.Event()
    waiting = pool.run([Job("later", "echo", {"value": 1}, 60)], stop, owner="10.0.0.2")
    assert waiting.waiting
    stop.set()  # nobody iterates its ticks: the pool's watcher withdraws it
    wait_for(waiting._ended.is_set, 30, "the waiting run ending")
    with pytest.raises(TrainingError, match="interrupted before it finished"):
        waiting.results()
    GATES["busy"].set()
    wait_for(busy._ended.is_set, 30, "the running one ending")
    assert busy.results() == {"busy": "busy"} and not waiting.started


def test_thread_workers_that_ignore_their_stop_are_bounded_and_new_work_is_refused_with_a_sentence(
    thread_pool, monkeypatch, caplog
):
    release = threading.Event()
    monkeypatch.setitem(JOBS, "stubborn", lambda options, report, stop: release.wait(120))
    pool = thread_pool(1, grace=0.1)
    try:
        for k in range(MAX_LEAKED_THREADS):  # each runs past its limit and is replaced; its thread runs on
            run = pool.run([Job(f"s{k}", "stubborn", {}, seconds=0.1)], threading.Event())
            wait_for(run._ended.is_set, 60, f"stubborn run {k} ended by its limit")
            with pytest.raises(TrainingError, match="ran past its time limit"):
                run.results()
        refused = [pool.run([Job("next", "echo", {"value": k}, 60)], threading.Event()) for k in range(3)]
        for run in refused:
            assert run._ended.is_set()
            with pytest.raises(TrainingError) as info:
                run.results()
            assert info.value.key == "workers.threads_leaked"
            assert str(info.value) == (
                f"The server is not taking new trainings now: {MAX_LEAKED_THREADS} earlier ones have not ended yet. "
                "Please try again later."
            )
        refusals = [r for r in caplog.records if r.name == "lstm_demo.workers" and "refused" in r.getMessage()]
        assert len(refusals) == 1  # logged once, however many are refused
    finally:
        release.set()  # the stubborn jobs end; their threads find their pipe closed and end too
    wait_for(lambda: not any(t.is_alive() for t in pool._leaked), 60, "the leaked threads ending")
    run = pool.run([Job("after", "echo", {"value": 7}, 60)], threading.Event())
    wait_for(run._ended.is_set, 60, "work after the threads ended")
    assert run.results() == {"after": 7}


def test_a_run_whose_jobs_cannot_reach_its_worker_ends_with_one_sentence_and_a_fresh_worker_serves_the_next(
    thread_pool,
):
    pool = thread_pool(1)
    first = pool.run([Job("first", "echo", {"value": 1}, 60)], threading.Event())
    wait_for(first._ended.is_set, 60, "the first run")
    (worker,) = pool._workers
    with pool._lock:  # (the watcher, which would replace the worker, waits meanwhile)
        worker.conn.close()  # as when a worker process has gone: sending its jobs fails
        lost = pool.run([Job("lost", "echo", {"value": 2}, 60)], threading.Event())
    wait_for(lost._ended.is_set, 60, "the run that lost its worker ending")
    with pytest.raises(TrainingError, match="The process running this work stopped unexpectedly"):
        lost.results()
    after = pool.run([Job("after", "echo", {"value": 3}, 60)], threading.Event())
    wait_for(after._ended.is_set, 60, "the next run, on a fresh worker")
    assert after.results() == {"after": 3} and worker not in pool._workers and pool.busy() == 0


# -- Long sequences, computed out of the server's interpreter lock (workers/sequences.py) ----------


def _ends_its_process_unless(pid: int) -> str:
    """Ends the process it runs in, unless that is `pid` (the test's own): a process that dies."""
    if os.getpid() != pid:
        os._exit(1)
    return "done in the calling thread"


def test_a_long_sequence_is_computed_in_a_process_of_its_own_and_gives_the_same_answer():
    from lstm_demo.data import parse_sequence
    from lstm_demo.workers.sequences import LONG, NICENESS, SequenceProcesses, trace_table

    processes = SequenceProcesses(1)
    try:
        assert processes.run(LONG - 1, os.getpid) == os.getpid()  # short: in the calling thread
        assert processes.run(LONG, os.getpid) != os.getpid()  # long: in a process
        # at a lower priority than the server's own process
        assert processes.run(LONG, os.nice, 0) == min(os.nice(0) + NICENESS, 19)
        model = load_pretrained().models["craft"]
        values = parse_sequence(", ".join(["1", "0.5", "0.25", "0"] * 2_500))
        assert processes.run(len(values), trace_table, model, values) == trace_table(model, values)
        # Its errors come back as themselves.
        with pytest.raises(ZeroDivisionError):
            processes.run(LONG, divmod, 1, 0)
        # A process that dies: this call is done in the thread, and a fresh pool serves the next.
        assert processes.run(LONG, _ends_its_process_unless, os.getpid()) == "done in the calling thread"
        assert processes.run(LONG, os.getpid) != os.getpid()
    finally:
        processes.close()


SERVER_WITH_SEQUENCES = """
import os, sys
from lstm_demo.workers.sequences import LONG, SequenceProcesses
processes = SequenceProcesses(1)
print(processes.run(LONG, os.getpid), flush=True)
sys.stdin.read()
"""


def test_a_long_sequence_process_ends_when_its_server_is_killed():
    """A server killed outright (no clean-up of its own) leaves no long-sequence process behind: each
    holds a fork server and ~300 MB for good otherwise."""
    import subprocess

    server = subprocess.Popen(
        [sys.executable, "-c", SERVER_WITH_SEQUENCES],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip
    try:
        process = int(server.stdout.readline())
        assert process != server.pid and stat(process) is not None
    finally:
        server.kill()
        server.wait()
    gone = lambda: (fields := stat(process)) is None or fields[0] == "Z"  # noqa: E731
    wait_for(gone, 60, f"the long-sequence process {process} to end with its server")


def test_the_spaces_trace_and_drawing_of_a_long_sequence_equal_the_models_own(client):
    """Through the real app, where a 10,000-number /trace and /diagram are computed in a sequence
    process: the same table as the model's own trace here, and a drawing of day 1 and the last days."""
    import torch

    from lstm_demo import load_model

    long = ", ".join(["1", "0.5", "0.25", "0"] * 2_500)
    answer = client.predict(long, "craft", api_name="/trace")
    with torch.no_grad():
        expected = load_model("craft").trace(torch.tensor([float(v) for v in long.split(",")])).table()
    assert answer["data"] == expected
    svg = client.predict(long, "craft", 1, api_name="/diagram")
    assert svg.startswith("<svg") and "10000" in svg.replace(",", "")
