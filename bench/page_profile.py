"""Where the page's main thread spends its time when a streaming training is stopped and ends.

Starts `python app.py` on 127.0.0.1 (tests/server.py), opens Retrain in Debian's Chromium (the
test requirements' Playwright), trains the built-in model with the statquest recipe for 10,000
epochs, clicks Stop after a few seconds of streaming, and samples the page's JavaScript with the
DevTools CPU profiler from the click until 3 s after "Stopped by you" shows. Prints the functions
with the most time (self and inclusive; Gradio's and Vega's bundles are minified, so names are
short, with their file and position), and the share of the main thread's busy time that goes to
Gradio's data snapshots (`get_data`), its loading-status updates (`update_loading_stati_state`)
and Vega's drawing (`embed-*.js`).

    python bench/page_profile.py       # ~30 s
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from browsing import LAPTOP, WAIT, launch, text_of  # noqa: E402
from server import running_app  # noqa: E402


def profile_stop() -> dict:
    with running_app({"LSTM_DEMO_MAX_TRAIN_SECONDS": "60"}) as (url, _process), sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_context(**LAPTOP).new_page()
            page.goto(url + "?tab=retrain")
            expect(page.locator("#train-button")).to_be_visible(timeout=WAIT)
            page.wait_for_function(f"{text_of('#predict-table')}.includes('0.002169')", timeout=WAIT)
            page.locator("#retrain-model input[value=builtin]").check()
            page.locator("#retrain-recipe input[value=statquest]").check()
            expect(page.locator("#retrain-epochs input")).to_have_value("300", timeout=WAIT)
            page.locator("#retrain-epochs input").fill("10000")
            page.locator("#retrain-epochs input").press("Tab")
            page.locator("#train-button").click()
            expect(page.locator("#train-progress")).to_contain_text("of 10,000: loss", timeout=WAIT)
            time.sleep(3)  # a few streamed messages (a benchmark's pause, not a test's wait)
            profiler = page.context.new_cdp_session(page)
            profiler.send("Profiler.enable")
            profiler.send("Profiler.setSamplingInterval", {"interval": 200})
            profiler.send("Profiler.start")
            page.locator("#stop-button").click()
            page.wait_for_function(f"/Stopped by you/.test({text_of('#train-progress')})", timeout=WAIT)
            time.sleep(3)  # what follows the final message
            return profiler.send("Profiler.stop")["profile"]
        finally:
            browser.close()


def frame_name(frame: dict) -> str:
    url = frame["url"].rsplit("/", 1)[-1]
    return f"{frame['functionName'] or '(anonymous)'} {url}:{frame['lineNumber']}:{frame['columnNumber']}"


def main() -> None:
    profile = profile_stop()
    nodes = {node["id"]: node for node in profile["nodes"]}
    parent = {child: node["id"] for node in profile["nodes"] for child in node.get("children", [])}
    own: dict[str, float] = {}
    inclusive: dict[str, float] = {}
    for sample, delta in zip(profile["samples"], profile["timeDeltas"]):
        ms = delta / 1000
        name = frame_name(nodes[sample]["callFrame"])
        own[name] = own.get(name, 0.0) + ms
        seen, node = set(), sample
        while node is not None:
            name = frame_name(nodes[node]["callFrame"])
            if name not in seen:
                inclusive[name] = inclusive.get(name, 0.0) + ms
                seen.add(name)
            node = parent.get(node)
    busy = sum(ms for name, ms in own.items() if not name.startswith("(idle)"))
    print(f"sampled {sum(own.values()):.0f} ms from Stop to 3 s after the final text; main thread busy {busy:.0f} ms")
    print("\nmost time in the function itself:")
    for name, ms in sorted(own.items(), key=lambda item: -item[1])[:15]:
        print(f"  {ms:8.1f} ms  {name}")
    print("\nmost time including what the function called:")
    for name, ms in sorted(inclusive.items(), key=lambda item: -item[1])[:25]:
        print(f"  {ms:8.1f} ms  {name}")

    def share(prefix: str) -> float:
        return max((ms for name, ms in inclusive.items() if name.startswith(prefix)), default=0.0)

    snapshot, status = share("get_data "), share("update_loading_stati_state ")
    vega = sum(ms for name, ms in own.items() if " embed-" in name)
    print(
        f"\nof the busy time: Gradio's data snapshots (get_data) {snapshot / busy:.0%}, its loading-status"
        f" updates {status / busy:.0%} (they may overlap), Vega's drawing {vega / busy:.0%}"
    )


if __name__ == "__main__":
    main()
