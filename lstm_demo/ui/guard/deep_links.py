"""Deep links (the Share button's saved page states), bounded on disk and in time.

Gradio's deep-link route writes each distinct state of a session to a state.json of its own
(~100 KB) and never removes it. The guard trims those files after each save (oldest first, to
`max_deep_link_disk_bytes`), and a thread of its own removes links older than
`deep_link_ttl_seconds`: once when the server starts (links a previous run left), then every tenth
of their lifetime (at most ten minutes apart), whether or not more come. Before a link goes out, its
state names its files relative to the upload folder: Gradio saves the session's absolute paths,
which a link's recipient would read in the page's config.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path

from ...limits import Limits
from ..gradio_internals import deep_link_state
from .disk import trim_cache
from .paths import relative_files

log = logging.getLogger("lstm_demo.space")


def relative_link(send, upload: str):
    """A `send` for the deep-link route: the state it saved is rewritten before the link goes out."""

    async def sending(message):
        if message["type"] == "http.response.body":
            try:
                name = json.loads(message.get("body") or b'""')
            except ValueError:
                name = None
            state = deep_link_state(name)
            if state is not None:
                relative_state(state, upload)
        await send(message)

    return sending


def relative_state(state: Path, upload: str) -> None:
    """Rewrite a saved deep-link state with its files named relative to `upload` (atomically)."""
    try:
        components = json.loads(state.read_bytes())
    except (OSError, ValueError):
        return
    relative_files(components, upload)
    temporary = state.with_suffix(".tmp")
    try:
        temporary.write_text(json.dumps(components))
        os.replace(temporary, state)
    except OSError as exc:
        log.warning("could not rewrite a deep link's state: %s", exc)


class LinkJanitor:
    """Bounds the deep-link files under `folder` (see the module docstring)."""

    def __init__(self, limits: Limits, folder: Path):
        self.limits, self.folder = limits, folder
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def sweep(self) -> int:
        if not self.folder.exists():
            return 0
        with self._lock:
            return trim_cache(
                self.folder, self.limits.max_deep_link_disk_bytes, max_age=self.limits.deep_link_ttl_seconds
            )

    def start(self) -> None:
        """Sweep now (what a previous run left), then periodically; once per janitor."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._every, name="deep-link janitor", daemon=True)
            self._thread.start()

    def saved(self) -> None:
        """After a save: trim now, in a thread."""
        threading.Thread(target=self._sweep_logged, name="deep-link trim", daemon=True).start()

    def _sweep_logged(self) -> None:
        try:
            self.sweep()
        except Exception:  # the janitor must outlive a file that vanished under it
            log.warning("deep-link janitor: a sweep failed", exc_info=True)

    def _every(self) -> None:
        pause = min(600.0, max(1.0, self.limits.deep_link_ttl_seconds / 10))
        while True:
            self._sweep_logged()
            time.sleep(pause)  # a janitor's period, not a wait for an event
