"""What a server's sessions cost: Gradio's own copy of the page's configuration per session against
the Space's shared one (gradio_internals.share_block_configs), in the same run.

Every new session (a page load, and every raw HTTP call, which gets a session of its own) holds a
copy of each block's configuration, and the server keeps up to Limits.max_sessions of them. For
each way of copying, this builds the Space's page in this process, opens that many sessions, and
prints (with what start-up built frozen out of the collector's sight, as app.py does):
  - the time to open one session (median of the last 200);
  - the containers each session adds to the heap (what Python's garbage collector walks), and the
    bytes (tracemalloc);
  - a full collection's time with all the sessions open: the pause every request waits through
    when the collector runs on a busy server.

    python bench/sessions.py [--sessions N]     # N: Limits.max_sessions unless given
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
import tracemalloc

from common import machine_lines

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def measure(demo, sessions: int) -> dict:
    from gradio.state_holder import SessionState

    SessionState(demo)  # the first session builds what is shared
    gc.collect()
    before = len(gc.get_objects())
    opened, times = [], []
    for _ in range(sessions):
        started = time.perf_counter()
        opened.append(SessionState(demo))
        times.append(time.perf_counter() - started)
    added = (len(gc.get_objects()) - before) / sessions
    tracemalloc.start()  # the bytes of a few more, apart: tracing slows the timed ones
    extra = [SessionState(demo) for _ in range(100)]
    size = tracemalloc.get_traced_memory()[0] / len(extra)
    tracemalloc.stop()
    del extra
    pauses = []
    for _ in range(3):
        started = time.perf_counter()
        gc.collect()
        pauses.append(time.perf_counter() - started)
    del opened
    gc.collect()
    return {
        "open": statistics.median(times[-200:]),
        "containers": added,
        "bytes": size,
        "pause": statistics.median(pauses),
    }


def main() -> None:
    from gradio.blocks import BlocksConfig

    from lstm_demo.limits import Limits
    from lstm_demo.ui import build_demo

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=Limits().max_sessions)
    sessions = parser.parse_args().sessions
    print("\n".join(machine_lines()))
    demo = build_demo(limits=Limits())
    gc.collect()
    gc.freeze()  # as app.py does once the page is built: start-up's objects are not walked again
    shared = BlocksConfig.__dict__["config_for_block"]
    results = {}
    BlocksConfig.config_for_block = staticmethod(shared.__func__.__wrapped__)  # Gradio's own, per session
    try:
        results["Gradio's copy"] = measure(demo, sessions)
    finally:
        BlocksConfig.config_for_block = shared
    results["shared"] = measure(demo, sessions)
    print(f"{len(demo.blocks)} blocks; {sessions} sessions open")
    for name, r in results.items():
        print(
            f"{name:>14}: open a session {r['open'] * 1000:.2f} ms; {r['containers']:.0f} containers and "
            f"{r['bytes'] / 1024:.0f} KiB per session; "
            f"a full collection with all open {r['pause'] * 1000:.0f} ms"
        )
    own, ours = results["Gradio's copy"], results["shared"]
    print(
        f"shared against Gradio's copy: opening {own['open'] / ours['open']:.1f}x faster, "
        f"{own['containers'] / ours['containers']:.1f}x fewer containers, "
        f"the collector's pause {own['pause'] / ours['pause']:.1f}x shorter"
    )


if __name__ == "__main__":
    main()
