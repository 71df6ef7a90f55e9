"""How fast the drawn cell redraws in the browser after a weight moves, against one frame (16 ms).

Opens diagram.py's SVG (Companies A and B, four days) with diagram.js in Debian's Chromium, moves one
weight 100 times as a slider would, and times with performance.now():
  - redraw: LSTMDiagram.forward for both companies + LSTMDiagram.update (the JavaScript work per move);
  - frame:  the same plus a forced style recalculation and layout (getBBox), the work before paint.
Between moves the script waits one requestAnimationFrame, as a dragged slider does (that wait is vsync,
not work, and is not timed).
The same in the Space itself (the app started on 127.0.0.1 by tests/server.py, Explore's weight
playground): window.lstmCells.play.setWeight, what a slider's client-side event calls (forward pass,
both drawings, the numbers table).
Baselines in the same run: Python's diagram.draw for the same change (what a server would do before
sending the SVG back), and a server round trip for it: /diagram through the raw REST route (POST
/gradio_api/call/diagram, then its event stream), from this process to the app on loopback.

Retrain's drawing, in the same app:
  - a stream message's redraw: window.lstmCells.live.setWeights, what each message's weights cost;
  - the replay: after the hand-built statquest training (5,000 epochs, 200 snapshots), Play, with the
    frames it drew a second (target >= 20) and one scrub-bar move's redraw;
  - the page's longest main-thread task while the built-in statquest training (10,000 epochs) streams
    for STREAM_SECONDS, with the live drawing and without it (the same page and messages, the
    drawing's watch on its weights cut off in the browser), alternating, ROUNDS each.

    python bench/diagram_speed.py           # prints median / p90, PASS/FAIL against 16 ms, and the ratios
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):  # the package, and how the tests start Chromium
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from browsing import launch  # noqa: E402
from lstm_demo import COMPANY_A, COMPANY_B, load_model  # noqa: E402
from lstm_demo.diagram import draw_companies, script  # noqa: E402
from lstm_demo.models import craft_parameters  # noqa: E402

FRAME_MS = 16.0
MOVES = 100

MEASURE = """async ([w, seqs, moves]) => {
    const svg = document.querySelector('svg');
    const redraw = [], frame = [];
    for (let k = 0; k < moves; k++) {
        const weights = Object.assign({}, w, {w_xf: w.w_xf + (k % 2 ? 1 : -1) * (0.01 * (k + 1))});
        const t0 = performance.now();
        LSTMDiagram.update(svg, weights, seqs.map(s => LSTMDiagram.forward(weights, s)), 2);
        const t1 = performance.now();
        // Force style and layout now, so the cost the browser pays before painting is counted.
        svg.querySelector('[data-field]').getBBox();
        document.body.offsetHeight;
        const t2 = performance.now();
        // One frame between moves, as a slider gives (not timed: it is the wait for vsync).
        await new Promise(resolve => requestAnimationFrame(() => resolve()));
        redraw.push(t1 - t0);
        frame.push(t2 - t0);
    }
    return {redraw, frame};
}"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def line(name: str, values: list[float], target: float | None = None) -> str:
    median, p90 = statistics.median(values), percentile(values, 0.9)
    verdict = "" if target is None else ("  PASS" if median <= target else "  FAIL")
    return f"{name:<44} median {median:8.3f} ms   p90 {p90:8.3f} ms{verdict}"


def browser_times(svg: str, weights: dict, sequences: list[list[float]]) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_content(f"<!doctype html><html><body>{svg}<script>{script()}</script></body></html>")
        page.wait_for_function("typeof window.LSTMDiagram === 'object'", timeout=30_000)
        page.evaluate(MEASURE, [weights, sequences, 10])  # warm the JIT
        times = page.evaluate(MEASURE, [weights, sequences, MOVES])
        browser.close()
    return times


def python_times(model) -> list[float]:
    """The baseline: the server drawing the same SVG again (no network, no Gradio)."""
    out = []
    for _ in range(20):
        started = time.perf_counter()
        draw_companies(model, step=2)
        out.append((time.perf_counter() - started) * 1000)
    return out


WIRED = """async ([moves]) => {
    const cell = window.lstmCells.play, w0 = Object.assign({}, cell.state.weights), times = [];
    for (let k = 0; k < moves; k++) {
        const t0 = performance.now();
        cell.setWeight('w_xf', w0.w_xf + (k % 2 ? 1 : -1) * 0.01 * (k + 1));
        document.querySelector('#cell-play svg [data-field]').getBBox();  // style and layout, as above
        times.push(performance.now() - t0);
        await new Promise(resolve => requestAnimationFrame(() => resolve()));
    }
    return times;
}"""


def wired_times(url: str) -> list[float]:
    """The Space's playground in Chromium: a slider's client-side redraw, timed over MOVES moves."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url + "?tab=explore")
        page.wait_for_function("window.lstmCells?.play?.state.sequences.length === 2", timeout=120_000)
        page.evaluate(WIRED, [10])  # warm the JIT
        times = page.evaluate(WIRED, [MOVES])
        browser.close()
    return times


STREAM_SECONDS = 8.0
ROUNDS = 2

# Added to cell.js in the "without" pages: Retrain's drawing (the one with a replay) mounts, but its
# watch on the stream's weights does nothing, so the messages arrive and nothing is redrawn.
WITHOUT_LIVE = """
;(() => { const mount = LSTMCell.mount;
  LSTMCell.mount = (element, props, trigger, watch, events) =>
    mount(element, props, trigger, props && props.replay ? () => {} : watch, events); })();
"""

LONG_TASKS = """() => { window.longTasks = []; new PerformanceObserver((list) => window.longTasks.push(
    ...list.getEntries().map((e) => e.duration))).observe({type: 'longtask'}); }"""

LIVE_REDRAW = """async ([moves]) => {
    const cell = window.lstmCells.live, w0 = Object.assign({}, cell.state.weights), times = [];
    for (let k = 0; k < moves; k++) {
        const w = Object.assign({}, w0, {w_xf: w0.w_xf + (k % 2 ? 1 : -1) * 0.01 * (k + 1)});
        const t0 = performance.now();
        cell.setWeights(w);
        document.querySelector('#cell-live svg [data-field]').getBBox();
        times.push(performance.now() - t0);
        await new Promise(resolve => requestAnimationFrame(() => resolve()));
    }
    return times;
}"""

REPLAY = """async () => {
    const cell = window.lstmCells.live, box = document.querySelector('#cell-live .cv-replay');
    const range = box.querySelector('input[type=range]'), last = Number(range.max);
    const scrub = [];
    for (let k = 0; k <= last; k++) {  // a scrub bar dragged over the snapshots, to the last (Play then starts at the first)
        const t0 = performance.now();
        range.value = String(k);
        range.dispatchEvent(new Event('input'));
        document.querySelector('#cell-live svg [data-field]').getBBox();
        scrub.push(performance.now() - t0);
        await new Promise(resolve => requestAnimationFrame(() => resolve()));
    }
    const shown = [];
    await new Promise((resolve) => {
        const look = (now) => {
            if (!shown.length || shown[shown.length - 1][0] !== cell.state.replay) shown.push([cell.state.replay, now]);
            if (cell.state.replay === last && !cell.state.replaying && shown.length > 1) resolve();
            else requestAnimationFrame(look);
        };
        box.querySelector('[data-act=replay]').click();
        requestAnimationFrame(look);
    });
    const played = shown.slice(1);  // from the first snapshot to the last
    const seconds = (played[played.length - 1][1] - played[0][1]) / 1000;
    return {scrub, frames: played.length, seconds, last};
}"""


def retrain_page(browser, url: str, live: bool):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    if not live:

        def add(route):
            response = route.fetch()
            route.fulfill(response=response, body=response.text() + WITHOUT_LIVE)

        page.route("**/cell.js*", add)
    page.goto(url + "?tab=retrain")
    page.wait_for_function("window.lstmCells?.live?.state.sequences.length === 2", timeout=120_000)
    return page


def progress(page) -> str:
    return page.locator("#train-progress").inner_text()


def streaming_long_tasks(browser, url: str, live: bool) -> dict:
    """The built-in statquest training, 10,000 epochs, streamed for STREAM_SECONDS, then Stop."""
    page = retrain_page(browser, url, live)
    page.locator("#retrain-model input[value=builtin]").check()
    page.locator("#retrain-recipe input[value=statquest]").check()
    page.wait_for_function("document.querySelector('#retrain-epochs input').value === '300'", timeout=60_000)
    page.locator("#retrain-epochs input").fill("10000")
    page.locator("#retrain-epochs input").press("Tab")
    page.evaluate(LONG_TASKS)
    page.locator("#train-button").click()
    page.wait_for_function(
        "/Epoch [\\d,]+ of 10,000/.test(document.querySelector('#train-progress').innerText)", timeout=120_000
    )
    drawn, started = set(), time.monotonic()
    while time.monotonic() - started < STREAM_SECONDS:
        drawn.add(page.evaluate("JSON.stringify(window.lstmCells.live.state.weights)"))
        page.wait_for_timeout(100)  # a look every 0.1 s, over a fixed window of streaming
    tasks = page.evaluate("window.longTasks")
    page.locator("#stop-button").click()
    page.wait_for_function(
        "/Stopped by you|time limit|Finished/.test(document.querySelector('#train-progress').innerText)",
        timeout=120_000,
    )
    page.close()
    return {"longest": max(tasks, default=0.0), "tasks": len(tasks), "drawn": len(drawn)}


def replay_times(browser, url: str) -> dict:
    """The hand-built statquest training to its end, then a scrub over its snapshots and Play."""
    page = retrain_page(browser, url, True)
    page.locator("#retrain-model input[value=craft]").check()
    page.locator("#retrain-recipe input[value=statquest]").check()
    page.wait_for_function("document.querySelector('#retrain-epochs input').value === '5000'", timeout=60_000)
    page.locator("#train-button").click()
    page.wait_for_function(
        "/Finished|time limit/.test(document.querySelector('#train-progress').innerText)", timeout=300_000
    )
    page.wait_for_function("!document.querySelector('#cell-live .cv-replay').hidden", timeout=60_000)
    page.evaluate(LIVE_REDRAW, [10])  # warm
    redraw = page.evaluate(LIVE_REDRAW, [MOVES])
    replay = page.evaluate(REPLAY)
    page.close()
    return {"redraw": redraw, **replay}


def retrain_figures(url: str) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        replay = replay_times(browser, url)
        streams = {True: [], False: []}
        for _ in range(ROUNDS):
            for live in (True, False):
                streams[live].append(streaming_long_tasks(browser, url, live))
        browser.close()
    return {"replay": replay, "streams": streams}


def server_round_trip_ms(url: str) -> list[float]:
    """/diagram for the same drawing (Companies A and B, day 2) through the raw REST route, MOVES times."""
    import json
    import urllib.request

    def call() -> str:
        body = json.dumps({"data": ["1, 0.5, 0.25, 1", "craft", 2]}).encode()
        request = urllib.request.Request(url + "gradio_api/call/diagram", body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            event = json.loads(response.read())["event_id"]
        with urllib.request.urlopen(f"{url}gradio_api/call/diagram/{event}", timeout=60) as response:
            text = response.read().decode()
        if "event: complete" not in text:
            raise RuntimeError(f"/diagram did not complete: {text[:200]}")
        return text

    call()  # warm
    out = []
    for _ in range(MOVES):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def main() -> int:
    if not shutil.which("chromium"):
        print("Debian's chromium is not installed; nothing to measure.")
        return 1
    model = load_model("craft")
    weights = craft_parameters(model)
    sequences = [list(COMPANY_A.sequence), list(COMPANY_B.sequence)]
    svg = draw_companies(model, step=2)
    times = browser_times(svg, weights, sequences)
    print(f"Drawn cell, Companies A and B, 4 days; {MOVES} moves of w_xf in Chromium (headless, --disable-gpu)")
    print(line("browser: forward + update (JavaScript)", times["redraw"], FRAME_MS))
    print(line("browser: ... plus style and layout", times["frame"], FRAME_MS))
    print(line("baseline: diagram.draw in Python (server side)", python_times(model)))
    from server import running_app

    with running_app() as (url, _):
        wired = wired_times(url)
        round_trip = server_round_trip_ms(url)
        retrain = retrain_figures(url)
    print(line("the Space: playground slider, client-side redraw", wired, FRAME_MS))
    print(line("baseline: server round trip (/diagram, REST)", round_trip))
    ratio = statistics.median(round_trip) / statistics.median(wired)
    print(f"server round trip / client-side redraw (medians): {ratio:.1f}x")

    replay = retrain["replay"]
    print("Retrain's drawing (the same app):")
    print(line("a stream message's weights, redrawn", replay["redraw"], FRAME_MS))
    print(line("replay: one scrub-bar move, redrawn", replay["scrub"], FRAME_MS))
    print(
        f"  server round trip / a stream message's redraw (medians): "
        f"{statistics.median(round_trip) / statistics.median(replay['redraw']):.1f}x"
    )
    fps = (replay["frames"] - 1) / replay["seconds"] if replay["seconds"] else 0.0
    print(
        f"replay, Play: {replay['frames']} frames (snapshots 0-{replay['last']}) in {replay['seconds']:.2f} s = "
        f"{fps:.1f} frames a second  {'PASS' if fps >= 20 else 'FAIL'} (target >= 20)"
    )
    for live, name in ((True, "with the live drawing"), (False, "without it")):
        runs = retrain["streams"][live]
        print(
            f"streaming {STREAM_SECONDS:g} s, {name}: longest task "
            + ", ".join(f"{r['longest']:.0f} ms" for r in runs)
            + f"; long tasks {', '.join(str(r['tasks']) for r in runs)}"
            + (f"; weight sets drawn {', '.join(str(r['drawn']) for r in runs)}" if live else "")
        )
    with_, without = (statistics.median(r["longest"] for r in retrain["streams"][k]) for k in (True, False))
    print(
        f"longest task while streaming, with / without the live drawing (medians): "
        f"{with_:.0f} / {without:.0f} ms = {with_ / without if without else float('nan'):.2f}x"
    )
    slow = max(statistics.median(times["redraw"]), statistics.median(wired), statistics.median(replay["redraw"]))
    return 0 if slow <= FRAME_MS and fps >= 20 else 1


if __name__ == "__main__":
    raise SystemExit(main())
