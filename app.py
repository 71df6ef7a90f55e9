"""The Hugging Face Space: `python app.py` serves it on 127.0.0.1:7860.

All the work is in the lstm_demo package; this file only builds the page and launches it. Gradio
reads GRADIO_SERVER_NAME and GRADIO_SERVER_PORT itself (a Space sets them). Set LSTM_DEMO_HUB_REPO
(and LSTM_DEMO_HUB_REVISION) to serve weights from the Hub.

The training workers run this file again as `__mp_main__` (multiprocessing's fork server and
spawn do, to find what the parent defined): there it only sets the defaults below and builds
nothing, so everything heavy happens under the `__main__` guard.
"""

import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
# Gradio 6.31 recomputes its monitoring dashboard's summary (pandas, over up to 10,000 past events)
# after every queued event unless told how many events to wait, for a dashboard this Space does not
# turn on: once per 100,000 events instead.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "100000")


def build():
    """The page (`demo`); a setting or pinned weights that cannot be served end the start with one sentence."""
    from lstm_demo import LSTMDemoError
    from lstm_demo.ui import build_demo

    try:
        return build_demo()
    except LSTMDemoError as error:  # a pinned Hub revision not in the cache (offline), a bad LSTM_DEMO_* setting
        raise SystemExit(f"error: {error}") from None


def main() -> None:
    import gc
    import importlib.util
    import sys
    import logging

    import torch

    from lstm_demo.ui import launch_kwargs, warm_up

    # One thread per torch call, for the whole server: a 12-parameter model has no work to share out,
    # and the threads of trainings and the requests being served would fight over the cores. Set
    # here, where the process is ours, not inside the library, which leaves its caller's settings alone.
    torch.set_num_threads(1)
    # Gradio enters a matplotlib backend switch around every call, importing matplotlib twice; where it
    # is not installed, each failed import searches every folder of sys.path again. A None entry in
    # sys.modules is Python's way to say a module is not there: the import then fails at once.
    if "matplotlib" not in sys.modules and importlib.util.find_spec("matplotlib") is None:
        sys.modules["matplotlib"] = None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)

    demo = build()
    demo.launch(**launch_kwargs(), prevent_thread_lock=True)
    warm_up()  # Lightning is imported once the page is served, not at the first Train click
    # What start-up built (torch, Gradio, the page) lives as long as the server: out of the garbage
    # collector's sight, a full collection looks at what requests make, not at all of that again.
    gc.collect()
    gc.freeze()
    demo.block_thread()


if __name__ == "__main__":
    main()
