"""Start the real app (`python app.py`) on 127.0.0.1 and stop it by its process id."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(env: dict | None = None, log_path: Path | None = None, timeout: float = 90):
    """Yields (url, process) for `python app.py` on a free port of 127.0.0.1."""
    port = free_port()
    environment = {
        **os.environ,
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_HUB_OFFLINE": "1",
        "GRADIO_SERVER_NAME": "127.0.0.1",
        "GRADIO_SERVER_PORT": str(port),
        **(env or {}),
    }
    log = open(log_path or os.devnull, "w")
    process = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"app.py exited with {process.returncode}; see {log_path}")
            try:
                with urllib.request.urlopen(url + "gradio_api/info", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"app.py did not answer within {timeout} s")
            time.sleep(0.25)
        yield url, process
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen) -> None:
    """SIGTERM by process id; SIGKILL if it has not gone within 10 s."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
