"""How heavy the Space's page is, against a plain Gradio app served the same way, in the same run.

Starts both on 127.0.0.1 (the Space by tests/server.py, the plain app: one textbox and a button) and
measures, alternating them:
  - config: the bytes of GET /config (what every visitor downloads and Gradio copies into every session);
  - ready: in Debian's Chromium at 1366x900, from navigation to the page ready: for the Space, `/`
    showing the drawn cell and the story's first step (window.lstmCells.inside on step 0, its text
    drawn); for the plain app, the answer of its page-load event shown. The ratio compares medians.
  - transferred bytes, DOM nodes and JS heap once ready.

    python bench/page_weight.py [--runs 5]     # prints the figures; the targets: config <= 200 KB, ready <= 1.5x
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from browsing import launch  # noqa: E402
from server import free_port, running_app, stop  # noqa: E402

# A plain Gradio app that, like the Space, answers something from the server when its page opens.
PLAIN_APP = textwrap.dedent(
    """
    import gradio as gr
    with gr.Blocks() as demo:
        box = gr.Textbox("1, 0.5, 0.25, 1", label="Sequence", elem_id="plain-box")
        out = gr.Textbox(label="Prediction", elem_id="plain-out")
        gr.Button("Predict").click(lambda s: s, box, out)
        demo.load(lambda s: f"ready: {s}", box, out)
    demo.launch(server_name="127.0.0.1", server_port=int(__import__("os").environ["PORT"]))
    """
)
SPACE_READY = (
    "window.lstmCells?.inside?.state.story === 0 && "
    "(document.querySelector('#cell-inside .cv-story-text')?.innerText ?? '').length > 0"
)
PLAIN_READY = "(document.querySelector('#plain-out textarea, #plain-out input')?.value ?? '').startsWith('ready')"


@contextlib.contextmanager
def plain_app():
    port = free_port()
    env = {**os.environ, "PORT": str(port), "GRADIO_ANALYTICS_ENABLED": "False"}
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(PLAIN_APP)
    process = subprocess.Popen([sys.executable, f.name], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "config", timeout=2):
                    break
            except OSError:
                time.sleep(0.25)
        yield url
    finally:
        stop(process)
        os.unlink(f.name)


def config_bytes(url: str) -> int:
    with urllib.request.urlopen(url + "config", timeout=30) as response:
        return len(response.read())


def visit(browser, url: str, ready: str) -> dict:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    sizes = []
    page.on("response", lambda r: sizes.append(int(r.headers.get("content-length", "0") or 0)))
    try:
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_function(ready, timeout=120_000, polling=20)
        seconds = time.perf_counter() - started
        nodes = page.evaluate("document.getElementsByTagName('*').length")
        heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0")
        return {"seconds": seconds, "bytes": sum(sizes), "nodes": nodes, "heap": heap}
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    from common import machine_lines

    print("\n".join(machine_lines()))
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    from playwright.sync_api import sync_playwright

    with running_app() as (space, _), plain_app() as plain, sync_playwright() as playwright:
        browser = launch(playwright)
        visit(browser, space, SPACE_READY), visit(browser, plain, PLAIN_READY)  # warm both (imports, caches)
        results = {"space": [], "plain": []}
        for _ in range(runs):  # alternating, so that a busy moment hits both
            results["space"].append(visit(browser, space, SPACE_READY))
            results["plain"].append(visit(browser, plain, PLAIN_READY))
        browser.close()
        sizes = {"space": config_bytes(space), "plain": config_bytes(plain)}
    for name, rows in results.items():
        seconds = [r["seconds"] for r in rows]
        print(
            f"{name:>6}: config {sizes[name] / 1000:.1f} KB; ready median {statistics.median(seconds):.2f} s "
            f"(runs: {', '.join(f'{s:.2f}' for s in seconds)}); transferred {rows[-1]['bytes'] / 1000:.0f} KB; "
            f"{rows[-1]['nodes']} DOM nodes; JS heap {rows[-1]['heap'] / 1e6:.1f} MB"
        )
    ratio = statistics.median(r["seconds"] for r in results["space"]) / statistics.median(
        r["seconds"] for r in results["plain"]
    )
    print(
        f"config: {sizes['space'] / 1000:.1f} KB (target <= 200 KB: {'met' if sizes['space'] <= 200_000 else 'NOT met'})"
    )
    print(f"ready: {ratio:.2f}x the plain app (target <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'})")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
