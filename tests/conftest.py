"""Shared test set-up: no telemetry, no network, and helpers that build real files."""

import os
import subprocess
import sys
from pathlib import Path

# Read at import by gradio and huggingface_hub: set before anything imports them.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"
# One thread for torch's kernels, here and in every process the tests start (the CLI, app.py): the
# tensors are tiny, and on a busy 2-core machine a second OpenMP thread makes a small op wait for a
# core (measured: nn.LSTM on a 3 x 64 batch, 4 ms with one thread and 100-160 ms with two, load 9).
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def weights_digest() -> dict[str, str]:
    """sha256 of every file under weights/, by relative path."""
    import hashlib

    return {
        p.relative_to(ROOT).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((ROOT / "weights").rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session", autouse=True)
def pretrained_weights_unchanged():
    """The pretrained weights' bytes are the same after the session as before it, whichever tests ran.

    A difference fails the run as an error in this fixture's teardown.
    """
    before = weights_digest()
    yield
    after = weights_digest()
    changed = sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))
    assert not changed, f"the tests changed the pretrained weights: {', '.join(changed)}"


def wait_for(condition, timeout: float, what: str, every: float = 0.1):
    """Poll `condition()` until it returns something true, and return that; fail after `timeout` seconds.

    Tests wait for the event they need, never a fixed time: `timeout` is a generous bound for a busy
    machine, not an expected duration.
    """
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:g} s for {what}")
        time.sleep(every)


COMPANY_A = "0, 0.5, 0.25, 1"
COMPANY_B = "1, 0.5, 0.25, 1"
# The contracts that scripts read, spelled once for the tests (written out, not imported from the
# package, so that a change in the package fails them).
TRACE_COLUMNS = ["input", "forget_gate", "input_gate", "candidate", "output_gate", "long_memory", "short_memory"]
TRACE_HEADERS = ["step", *TRACE_COLUMNS]
REPO_FILES = [
    "README.md",
    "builtin/README.md",
    "builtin/config.json",
    "builtin/model.safetensors",
    "craft/README.md",
    "craft/config.json",
    "craft/model.safetensors",
]


def run_cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m lstm_demo ...` in a fresh process, from the project folder."""
    return subprocess.run(
        [sys.executable, "-m", "lstm_demo", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def make_hub_cache(cache: Path, repo_id: str, commit: str, source: Path, ref: str | None = "main") -> Path:
    """A real huggingface_hub cache holding `source` (the repo layout) at `commit`.

    The layout is the one huggingface_hub writes: blobs/ named by content hash, a snapshot folder
    per commit whose files link to the blobs, and refs/<branch> holding the commit.
    """
    import hashlib

    repo = cache / f"models--{repo_id.replace('/', '--')}"
    (repo / "blobs").mkdir(parents=True, exist_ok=True)
    snapshot = repo / "snapshots" / commit
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        blob = repo / "blobs" / hashlib.sha256(data).hexdigest()
        blob.write_bytes(data)
        link = snapshot / path.relative_to(source)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    if ref:
        (repo / "refs").mkdir(exist_ok=True)
        (repo / "refs" / ref).write_text(commit)
    return repo


@pytest.fixture
def weights_dir():
    return ROOT / "weights"


ARTIFACTS = ROOT / "artifacts"
# The shared app's log; one per pytest-xdist worker (each worker runs an app of its own).
APP_LOG = ARTIFACTS / "app-server{}.log".format(
    "-" + os.environ["PYTEST_XDIST_WORKER"] if "PYTEST_XDIST_WORKER" in os.environ else ""
)


@pytest.fixture(scope="session")
def app_server():
    """One real app for the API and browser tests: (url, process)."""
    from server import running_app

    ARTIFACTS.mkdir(exist_ok=True)
    env = {"LSTM_DEMO_MAX_TRAIN_SECONDS": "30"}
    with running_app(env, log_path=APP_LOG) as (url, process):
        # One short training first: it starts the fork server that imports Lightning for the
        # training workers, which on a busy 2-core machine took over a minute; no test's own
        # deadline has to cover it.
        from gradio_client import Client

        Client(url, verbose=False).predict("builtin", "fast", 300, 0.05, 1, "cpu", api_name="/train")
        yield url, process


@pytest.fixture
def client(app_server):
    from gradio_client import Client

    return Client(app_server[0], verbose=False)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for every browser test of the run (started on first use); tests open contexts."""
    from browsing import launch
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def open_context(browser):
    """open_context(**options) -> a page in a fresh context (a new visitor); all closed after the test."""
    contexts = []

    def open_(**options):
        from browsing import record_troubles

        contexts.append(browser.new_context(**options))
        return record_troubles(contexts[-1].new_page())

    yield open_
    for context in contexts:
        context.close()
