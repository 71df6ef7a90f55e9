"""The Hugging Face Space: `python app.py` serves it on 127.0.0.1:7860.

All the work is in the lstm_demo package; this file only builds the page and launches it. Gradio
reads GRADIO_SERVER_NAME and GRADIO_SERVER_PORT itself (a Space sets them). Set LSTM_DEMO_HUB_REPO
(and LSTM_DEMO_HUB_REVISION) to serve weights from the Hub.
"""

import logging
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
# Gradio 6.31 recomputes its monitoring dashboard's summary (pandas, over up to 10,000 past events)
# after every queued event, unless told how many events to wait: 21-39 ms of the server's CPU per
# event, measured here, for a dashboard this Space does not turn on. Once per 100,000 events instead.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "100000")

import torch  # noqa: E402

from lstm_demo import LSTMDemoError  # noqa: E402
from lstm_demo.ui import build_demo, launch_kwargs, warm_up  # noqa: E402

# One thread per torch call, for the whole server: a 12-parameter model has no work to share out,
# and on a busy 2-core machine (a free Space) the threads of two trainings and the requests being
# served fight over the cores: trainings ran 5-7x slower with 2 threads. Set here, where the
# process is ours, not inside the library, which leaves its caller's settings alone.
torch.set_num_threads(1)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
logging.getLogger("httpx").setLevel(logging.WARNING)

try:
    demo = build_demo()
except LSTMDemoError as error:  # a pinned Hub revision not in the cache (offline), a bad LSTM_DEMO_* setting
    raise SystemExit(f"error: {error}") from None

if __name__ == "__main__":
    demo.launch(**launch_kwargs(), prevent_thread_lock=True)
    warm_up()  # Lightning is imported once the page is served, not at the first Train click
    demo.block_thread()
