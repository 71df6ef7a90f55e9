"""The page in a real browser: Debian's Chromium driven by Playwright, against the real app.

Every wait is for the event itself (a text, a value, a layout), with a deadline generous enough for
a busy 2-core machine; nothing sleeps a fixed time. Screenshots (laptop and 390-px phone width) are
saved in artifacts/ for people to look at.
"""

import contextlib
import json

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from browsing import CLIPBOARD, LAPTOP, WAIT, copied_link, needs_chromium, open_page, record_foreign_requests, show_tab
from browsing import open_details, record_troubles, text_of, wait_for_inside
from conftest import ARTIFACTS

pytestmark = needs_chromium


@pytest.fixture
def page(browser, app_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = record_troubles(context.new_page())  # a failed page load then says why
    record_foreign_requests(page, app_server[0], "foreign_requests")
    yield page
    context.close()


def test_predict_by_mouse_and_by_keyboard_from_a_link_to_an_unknown_tab_with_no_other_server(page, app_server):
    """One page load for three checks (a load of this page costs ~8 s of CPU on a 2-core machine)."""
    open_page(page, app_server[0], "?tab=nowhere")
    check_an_unknown_tab_is_named(page)
    show_tab(page, "Predict")
    check_predict_company_b(page)
    check_predict_from_the_keyboard_alone(page)
    assert page.foreign_requests == []


def check_an_unknown_tab_is_named(page):
    expect(page.locator("#link-notice")).to_have_text(
        "The link names no tab called 'nowhere'; the tabs are inside, predict, retrain, explore, about.",
        timeout=WAIT,
    )
    # The page opens where a bare link lands: the drawn cell.
    assert page.get_by_role("tab", name="Inside the LSTM").get_attribute("aria-selected") == "true"


def check_predict_company_b(page):
    page.get_by_role("button", name="0, 0.5, 0.25, 1", exact=True).first.click()
    page.get_by_role("button", name="1, 0.5, 0.25, 1", exact=True).first.click()
    page.locator("#predict-button").click()
    page.wait_for_function(f"{text_of('#predict-table')}.includes('0.969264')", timeout=WAIT)
    text = page.locator("#predict-table").inner_text()
    assert "Company B" in text and "0.980945" in text and "0.969264" in text
    page.screenshot(path=ARTIFACTS / "predict-laptop.png", full_page=True)


def check_predict_from_the_keyboard_alone(page):
    page.locator("#predict-sequence textarea").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("0.2 0.4 0.6")
    page.keyboard.press("Enter")  # Enter submits the sequence; no mouse needed
    page.wait_for_function(f"{text_of('#predict-table')}.includes('0.2, 0.4, 0.6')", timeout=WAIT)
    page.keyboard.press("Tab")  # focus moves on to the Predict button
    assert page.evaluate("document.activeElement.id") == "predict-button"


TABS = {  # tab name -> an element that only that tab shows
    "Inside the LSTM": "#inside-button",
    "Predict": "#predict-button",
    "Retrain": "#train-button",
    "Explore": "#playground-controls",
    "About": "text=Call it from a script",
}


# The step's sentence itself: the component's status line (hidden, but text) sits beside it while an event runs.
SENTENCE = "#inside-sentence span.md"

# Each shown chart's title, and whether it lies whole within its chart's box (Vega-Lite cuts a title
# wider than the chart at both ends).
CHART_TITLES_JS = """() => [...document.querySelectorAll('.vega-embed')]
    .filter((chart) => chart.getBoundingClientRect().width > 0)
    .flatMap((chart) => {
        const box = chart.getBoundingClientRect();
        return [...chart.querySelectorAll('.role-title-text')].map((t) => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, whole: r.width > 0 && r.left >= box.left - 1 && r.right <= box.right + 1};
        });
    })"""


@pytest.mark.parametrize("width, height, name", [(390, 844, "phone"), (1280, 900, "laptop")])
def test_every_tab_fits_the_screen(browser, app_server, width, height, name):
    from test_visitor_tabs import assert_html_legend_whole

    phone = width < 480
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=2 if phone else 1, is_mobile=phone
    )
    page = context.new_page()
    try:
        open_page(page, app_server[0])
        for tab, marker in TABS.items():
            show_tab(page, tab)  # on a phone, from the "..." menu of the tabs that do not fit
            expect(page.locator(marker).first).to_be_visible(timeout=WAIT)
            # Charts lay themselves out after the tab shows: wait for the page to fit, or fail.
            page.wait_for_function(f"document.documentElement.scrollWidth <= {width}", timeout=WAIT)
            if tab == "Inside the LSTM":  # its two charts have drawn their titles; their legends wrap
                open_details(page)
                page.wait_for_function(f"({CHART_TITLES_JS})().length >= 2", timeout=WAIT)
                # (the drawing, and the charts with it, open on the story's first day)
                assert_html_legend_whole(page, "#inside-chart-legend", ["output gate O", "chosen step t = 1"])
                assert_html_legend_whole(page, "#inside-memory-chart-legend", ["short-term memory H"])
            # Vega lays a title out again when its chart resizes: wait until they are whole, then name the cut ones.
            with contextlib.suppress(PlaywrightTimeout):
                page.wait_for_function(f"({CHART_TITLES_JS})().every((title) => title.whole)", timeout=WAIT)
            cut = [title["text"] for title in page.evaluate(CHART_TITLES_JS) if not title["whole"]]
            assert cut == [], f"chart titles cut at {width} px on {tab}: {cut}"
            page.screenshot(path=ARTIFACTS / f"{name}-{tab.split()[0].lower()}.png", full_page=True)
    finally:
        context.close()


def expected_trace(kind: str, sequence: list[float]) -> list[dict]:
    """The trace from the bundled weights, computed here with the package (the oracle)."""
    import torch

    from lstm_demo.weights import load_model

    with torch.no_grad():
        return load_model(kind).trace(torch.tensor(sequence)).rows()


def test_a_query_link_opens_inside_computed_and_it_recomputes_on_a_model_enter_and_the_step_slider(page, app_server):
    from lstm_demo.models import craft_parameters
    from lstm_demo.weights import load_model

    open_page(page, app_server[0], "?tab=INSIDE&model=builtin&sequence=0,0.5,0.25,1")  # a tab in any letter case
    assert page.get_by_role("tab", name="Inside the LSTM").get_attribute("aria-selected") == "true"
    box = page.locator("#inside-sequence input, #inside-sequence textarea").first
    assert box.input_value() == "0,0.5,0.25,1"
    assert page.locator("#inside-model input[value=builtin]").is_checked()
    # Computed from the link, without a click: a company's sequence opens on the story's first day, the
    # drawing beside the other company's, with the built-in model's numbers.
    wait_for_inside(page, 1)
    assert page.evaluate("window.lstmCells.inside.state.sequences") == [[0, 0.5, 0.25, 1], [1, 0.5, 0.25, 1]]
    expect(page.locator("#cell-inside .cv-source")).to_contain_text("torch.nn.LSTM", timeout=WAIT)
    rows = expected_trace("builtin", [0, 0.5, 0.25, 1])
    first, last = rows[0], rows[-1]
    sentence = page.locator(SENTENCE).inner_text()
    assert sentence.startswith("Step 1 (input 0)") and f"C = {first['long_memory']:+.4f}" in sentence
    assert f"{first['forget_gate']:.0%} of the long-term memory" in sentence
    assert page.locator("#inside-step input[type=range]").get_attribute("max") == "4"
    table = page.locator("#inside-table").inner_text()
    assert all(column in table for column in ("forget gate F", "long-term memory C", "short-term memory H"))
    assert f"{last['forget_gate']:.6f}".rstrip("0") in table  # every day in the table
    expect(page.locator("#equations .katex")).to_have_count(6, timeout=WAIT)  # the six equations, typeset
    equations = page.locator("#equations").inner_text()
    assert f"= {first['output_gate']:.4f}" not in equations  # KaTeX output, not the LaTeX source
    assert f"={first['output_gate']:.4f}" in equations.replace(" ", "") and "tanh" in equations
    page.screenshot(path=ARTIFACTS / "inside-laptop.png", full_page=True)
    # Another model: recomputed at once, the drawing with it.
    page.locator("#inside-model").get_by_text("hand-built").click()
    craft = expected_trace("craft", [0, 0.5, 0.25, 1])[0]
    expect(page.locator("#inside-sentence")).to_contain_text(f"H = {craft['short_memory']:+.4f}", timeout=WAIT)
    weights = craft_parameters(load_model("craft"))
    page.wait_for_function(
        f"Math.abs(window.lstmCells.inside.state.weights.w_ho - {weights['w_ho']}) < 1e-6", timeout=WAIT
    )
    assert page.evaluate("window.lstmCells.inside.state.weights") == pytest.approx(weights, abs=1e-6)
    # Another sequence, on Enter: the visitor's own opens on its last day, drawn alone.
    box.fill("0.3, 0.7")
    box.press("Enter")
    short = expected_trace("craft", [0.3, 0.7])[-1]
    expect(page.locator("#inside-sentence")).to_contain_text(
        f"Step 2 (input 0.7): kept {short['forget_gate']:.0%}", timeout=WAIT
    )
    expect(page.locator("#inside-step input[type=range]")).to_have_attribute("max", "2", timeout=WAIT)
    wait_for_inside(page, 2)
    assert page.evaluate("window.lstmCells.inside.state.sequences") == [[0.3, 0.7]]
    # The step slider moves the sentence, and the drawing with it.
    number = page.locator("#inside-step input[type=number]")
    number.fill("1")
    number.press("Enter")
    wait_for_inside(page, 1)
    first = expected_trace("craft", [0.3])[-1]
    assert f"kept {first['forget_gate']:.0%} of the long-term memory" in page.locator(SENTENCE).inner_text()


def test_two_visitors_see_their_own_weights(browser, app_server):
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(2)]
    try:
        trainer, other = (c.new_page() for c in contexts)
        open_page(trainer, app_server[0], "?tab=retrain")
        open_page(other, app_server[0], "?tab=predict")
        trainer.locator("#retrain-model input[value=builtin]").check()
        trainer.locator("#train-button").click()
        trainer.wait_for_function(f"{text_of('#train-progress')}.includes('Converged')", timeout=WAIT)
        trainer.locator("#use-own input").check()
        show_tab(trainer, "Predict")
        trainer.wait_for_function(f"{text_of('#predict-table')}.includes('built-in (trained)')", timeout=WAIT)
        # The other visitor predicts again, after the training, in the session it had: still pretrained.
        other.locator("#predict-sequence textarea").fill("0.9, 0.1")
        other.locator("#predict-button").click()
        other.wait_for_function(f"{text_of('#predict-table')}.includes('0.9, 0.1')", timeout=WAIT)
        assert "built-in (pretrained)" in other.locator("#predict-table").inner_text()
        trainer.screenshot(path=ARTIFACTS / "predict-own-weights.png", full_page=True)
    finally:
        for c in contexts:
            c.close()


SERVER_CALLS = ("gradio_api/queue/join", "gradio_api/run", "gradio_api/api")


def test_share_button_copies_a_link_that_restores_inputs_and_results(browser, app_server):
    context = browser.new_context(**LAPTOP, **CLIPBOARD)
    try:
        page = context.new_page()
        open_page(page, app_server[0], "?tab=predict")
        page.locator("#predict-sequence textarea").fill("0.9, 0.1, 0.3")
        page.locator("#predict-button").click()
        page.wait_for_function(f"{text_of('#predict-table')}.includes('0.9, 0.1, 0.3')", timeout=WAIT)
        requests = []
        page.on("request", lambda r: requests.append((r.url.split("?")[0].removeprefix(app_server[0]), r.post_data)))
        # The button copies once the server has saved the state, then shows its label again.
        link = copied_link(page, page.get_by_role("button", name="Share this state").click)
        expect(page.locator("#share-button")).to_have_text("Share this state", timeout=WAIT)
        # Gradio's deep-link route saved the state, and no server function ran for the button: its
        # event would have been sent to the queue (queue/join) or outside it (run/, api/) naming the
        # button as its trigger. (Events the prediction chained may still be on their way.)
        assert "gradio_api/deep_link" in [path for path, _ in requests]
        share = page.evaluate(
            "window.gradio_config.components.find(c => c.props && c.props.elem_id === 'share-button').id"
        )
        calls = [json.loads(body or "{}") for path, body in requests if path.startswith(SERVER_CALLS)]
        assert [call for call in calls if call.get("trigger_id") == share] == []
        assert link.startswith(app_server[0].rstrip("/")) and "deep_link=" in link, link
        visitor = context.new_page()
        visitor.goto(link)
        visitor.wait_for_function(f"{text_of('#predict-table')}.includes('0.9, 0.1, 0.3')", timeout=WAIT)
        assert visitor.locator("#predict-sequence textarea").input_value() == "0.9, 0.1, 0.3"
    finally:
        context.close()


@pytest.fixture
def chinese_page(browser, app_server):
    """A page in a browser set to Chinese (its locale and its Accept-Language header)."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )
    page = record_troubles(context.new_page())
    record_foreign_requests(page, app_server[0])
    yield page
    context.close()


def test_a_chinese_browser_gets_the_page_its_errors_the_steps_and_the_drawn_cell_in_chinese(chinese_page, app_server):
    """One page load for four checks (a load of this page costs ~8 s of CPU on a 2-core machine)."""
    page = chinese_page
    open_page(page, app_server[0])
    assert page.get_by_role("tab", name="LSTM 内部").count() == 1
    assert page.get_by_role("tab", name="重新训练").count() == 1
    expect(page.locator("#page-title")).to_have_text(
        "LSTM 的两种实现", timeout=WAIT
    )  # the title, in this language only
    # Inside, where the page opens: the step's sentence and the drawn cell.
    wait_for_inside(page, 1)
    sentence = page.locator(SENTENCE).inner_text()
    assert sentence.startswith("第 1 步") and "保留了" in sentence
    check_the_cell_explains_in_chinese(page)
    # Predict, and an error, in Chinese.
    show_tab(page, "预测")
    page.wait_for_function(f"{text_of('#predict-table')}.includes('你的序列')", timeout=WAIT)
    page.screenshot(path=ARTIFACTS / "predict-zh.png", full_page=True)
    page.locator("#predict-sequence textarea").fill("1, x")
    page.locator("#predict-button").click()
    page.get_by_text("第 2 项（'x'）不是数字。").first.wait_for(timeout=WAIT)
    page.screenshot(path=ARTIFACTS / "error-zh.png")
    assert page.foreign == []


def check_the_cell_explains_in_chinese(page):
    """On Inside in a Chinese page: the drawing, its day bar, the story and a gate's explanation."""
    cell = "#cell-inside"
    svg = page.locator(f"{cell} .cv-cell[data-seq='1'] svg")
    expect(svg).to_have_attribute("lang", "zh-CN", timeout=WAIT)
    assert "LSTM 单元" in svg.locator("title").first.text_content()
    assert (
        "公司 B" in svg.locator("desc").first.text_content()
        and "第 1 天完整画出" in svg.locator("desc").first.text_content()
    )
    expect(page.locator(f"{cell} .cv-status")).to_have_text("第 1 天，共 4 天", timeout=WAIT)  # full-width comma
    assert "上一天" in page.locator(f"{cell} .cv-bar").inner_text()
    expect(page.locator(f"{cell} .cv-story-title")).to_contain_text("谜题", timeout=WAIT)
    assert "下一步" in page.locator(f"{cell} .cv-story").inner_text()
    page.locator(f"{cell} .cv-cell[data-seq='0'] [data-gate='candidate']").click()
    gate = page.locator(f"{cell} .cv-gate")
    expect(gate).to_contain_text("候选记忆", timeout=WAIT)
    assert "公司 A" in gate.inner_text() and "第 1 天" in gate.inner_text()
    gate.locator("summary").click()  # for the curious: the loss and its gradient
    expect(gate.locator(".cv-curious")).to_contain_text("损失", timeout=WAIT)
    assert "∂L/∂w_xc" in gate.inner_text()
    page.locator(cell).screenshot(path=ARTIFACTS / "cell-laptop-zh.png")


def test_a_page_load_is_answered_though_the_page_closed_its_message_stream_too_early(open_context, app_server):
    """Gradio's page reads its events' answers from one message stream, which it closes when told that
    nothing of its is left; an event joined just then had its answer held on the server with no stream
    to carry it, and the page waited for good (a busy machine's page load, now and then). Here the
    page's first stream is told at once that nothing is left, while its page load is on the server: the
    page's opening ticks open the stream again and the page is drawn."""
    closed = []

    def close_the_first_stream(route):
        if closed:
            return route.continue_()
        closed.append(route.request.url)
        route.fulfill(
            status=200, headers={"Content-Type": "text/event-stream"}, body='data: {"msg": "close_stream"}\n\n'
        )

    page = open_context(**LAPTOP)
    page.route("**/gradio_api/queue/data?*", close_the_first_stream)
    open_page(page, app_server[0])
    assert closed, "the page opened no message stream"
    expect(page.locator("#cell-inside .cv-story")).to_be_visible(timeout=WAIT)


def test_a_drawing_mounts_though_its_scripts_arrive_after_the_page_has_mounted_it(open_context, app_server):
    """The page's head starts loading the drawing's scripts, and a gr.HTML does not wait for a script
    already on the page: on a busy machine a drawing could mount before cell.js had run, and it was
    never drawn (its js_on_load failed once, "LSTMCell is not defined"). Here both scripts arrive
    late on purpose: the drawing waits for them and is drawn."""
    import time

    late = []

    def arrive_late(route):
        late.append(route.request.url)
        time.sleep(1.5)  # in Playwright's handler: this request only, the page goes on meanwhile
        route.continue_()

    page = open_context(**LAPTOP)
    page.route("**/lstm-static/*.js*", arrive_late)
    open_page(page, app_server[0])
    assert any("cell.js" in url for url in late) and any("diagram.js" in url for url in late)
    expect(page.locator("#cell-inside .cv-story")).to_be_visible(timeout=WAIT)
    assert not [t for t in page.troubles if "js_on_load" in t], page.troubles
