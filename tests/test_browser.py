"""The page in a real browser: Debian's Chromium driven by Playwright, against the real app.

Screenshots (laptop and 390-px phone width) are saved in artifacts/ for people to look at.
"""

import re
import shutil

import pytest

from conftest import ARTIFACTS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not shutil.which("chromium"), reason="Debian's chromium is not installed (the README's test command installs it)"
)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.foreign_requests = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((app_server[0], "data:", "blob:")) else page.foreign_requests.append(r.url),
    )
    yield page
    context.close()


def open_page(page, url, query=""):
    page.goto(url + query)
    page.wait_for_selector("#predict-table table", state="attached", timeout=30_000)
    page.wait_for_timeout(500)


def table_text(page, selector):
    return page.locator(selector).inner_text()


def test_predict_company_b_and_the_page_needs_no_other_server(page, app_server):
    open_page(page, app_server[0])
    page.get_by_role("button", name="0, 0.5, 0.25, 1", exact=True).first.click()
    page.get_by_role("button", name="1, 0.5, 0.25, 1", exact=True).first.click()
    page.locator("#predict-button").click()
    page.wait_for_function("document.querySelector('#predict-table').innerText.includes('0.969264')", timeout=15_000)
    text = table_text(page, "#predict-table")
    assert "Company B" in text and "0.980945" in text and "0.969264" in text
    page.screenshot(path=ARTIFACTS / "predict-laptop.png", full_page=True)
    assert page.foreign_requests == []


def test_phone_width_has_no_horizontal_scrolling(browser, app_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        open_page(page, app_server[0])
        for tab in ("Predict", "Inside the LSTM", "Retrain", "About"):
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(400)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{tab}: the page is {width} px wide on a 390-px phone"
            page.screenshot(path=ARTIFACTS / f"phone-{tab.split()[0].lower()}.png", full_page=True)
    finally:
        context.close()


def test_step_through_a_sequence_and_move_the_step_slider(page, app_server):
    open_page(page, app_server[0], "?tab=inside&model=builtin&sequence=0,0.5,0.25,1")
    assert page.get_by_role("tab", name="Inside the LSTM").get_attribute("aria-selected") == "true"
    assert page.locator("#inside-sequence textarea").input_value() == "0,0.5,0.25,1"
    assert page.locator("#inside-model input[value=builtin]").is_checked()
    page.locator("#inside-button").click()
    page.wait_for_function("document.querySelector('#inside-sentence').innerText.includes('Step 4')", timeout=15_000)
    assert page.locator("#inside-step input[type=range]").get_attribute("max") == "4"
    assert all(
        column in page.locator("#inside-table").inner_text()
        for column in ("forget_gate", "long_memory", "short_memory")
    )
    assert "H_t" in page.locator("#equations").inner_text() or page.locator("#equations .katex").count() == 6
    number = page.locator("#inside-step input[type=number]")
    number.fill("2")
    number.press("Enter")
    page.wait_for_function("document.querySelector('#inside-sentence').innerText.includes('Step 2')", timeout=10_000)
    assert re.search(r"kept \d+% of the long-term memory", page.locator("#inside-sentence").inner_text())
    page.screenshot(path=ARTIFACTS / "inside-laptop.png", full_page=True)


def _epoch(page) -> int:
    match = re.search(r"Epoch (\d+) of", page.locator("#train-progress").inner_text())
    return int(match.group(1)) if match else 0


def test_training_streams_a_growing_curve_and_stop_ends_it(page, app_server):
    open_page(page, app_server[0], "?tab=retrain")
    page.locator("#retrain-recipe input[value=statquest]").check()
    page.wait_for_timeout(500)
    assert page.locator("#retrain-epochs input").input_value() == "5000"  # the recipe's default
    page.locator("#retrain-epochs input").fill("10000")  # long enough to be stopped
    page.locator("#train-button").click()
    page.wait_for_function(
        "/Epoch \\d+ of 10000/.test(document.querySelector('#train-progress').innerText)", timeout=20_000
    )
    first = _epoch(page)
    page.wait_for_timeout(1500)
    second = _epoch(page)
    assert second > first, "the progress did not move"
    assert page.locator("#loss-plot canvas, #loss-plot svg").count() >= 1
    page.screenshot(path=ARTIFACTS / "retrain-running.png", animations="disabled")
    page.locator("#stop-button").click()
    page.wait_for_function(
        "document.querySelector('#train-progress').innerText.includes('Stopped by you')", timeout=5_000
    )
    epochs = int(re.search(r"after (\d+) epochs", page.locator("#train-progress").inner_text()).group(1))
    assert second <= epochs < 10_000


def test_two_visitors_see_their_own_weights(browser, app_server):
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(2)]
    try:
        trainer, other = (c.new_page() for c in contexts)
        open_page(trainer, app_server[0], "?tab=retrain")
        open_page(other, app_server[0])
        trainer.locator("#retrain-model input[value=builtin]").check()
        trainer.locator("#train-button").click()
        trainer.wait_for_function(
            "document.querySelector('#train-progress').innerText.includes('Converged')", timeout=30_000
        )
        trainer.locator("#use-own input").check()
        trainer.get_by_role("tab", name="Predict").click()
        trainer.wait_for_function(
            "document.querySelector('#predict-table').innerText.includes('built-in (trained)')", timeout=10_000
        )
        other.reload()
        other.wait_for_selector("#predict-table table", state="attached", timeout=30_000)
        other.wait_for_timeout(1000)
        assert "built-in (pretrained)" in other.locator("#predict-table").inner_text()
        trainer.screenshot(path=ARTIFACTS / "predict-own-weights.png", full_page=True)
    finally:
        for c in contexts:
            c.close()


def test_share_button_copies_a_link_that_restores_inputs_and_results(browser, app_server):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, permissions=["clipboard-read", "clipboard-write"]
    )
    try:
        page = context.new_page()
        open_page(page, app_server[0])
        page.locator("#predict-sequence textarea").fill("0.9, 0.1, 0.3")
        page.locator("#predict-button").click()
        page.wait_for_function(
            "document.querySelector('#predict-table').innerText.includes('0.9, 0.1, 0.3')", timeout=15_000
        )
        page.get_by_role("button", name="Share this state").click()
        link = ""
        for _ in range(50):  # the button copies once the server has saved the state
            link = page.evaluate("navigator.clipboard.readText()")
            if "deep_link=" in link:
                break
            page.wait_for_timeout(200)
        assert link.startswith(app_server[0].rstrip("/")) and "deep_link=" in link, link
        visitor = context.new_page()
        visitor.goto(link)
        visitor.wait_for_function(
            "document.querySelector('#predict-table') && document.querySelector('#predict-table').innerText.includes('0.9, 0.1, 0.3')",
            timeout=30_000,
        )
        assert visitor.locator("#predict-sequence textarea").input_value() == "0.9, 0.1, 0.3"
    finally:
        context.close()


def test_explore_a_slider_moves_the_predictions_and_a_curve_is_drawn(page, app_server):
    open_page(page, app_server[0], "?tab=explore")
    page.wait_for_function("document.querySelector('#playground-table').innerText.includes('0.969261')", timeout=15_000)
    box = page.locator("#slider-w_xf input[type=number]")
    box.fill("-3")
    box.press("Enter")
    page.wait_for_function(
        "!document.querySelector('#playground-table').innerText.includes('0.969261')", timeout=10_000
    )
    page.locator("#switches").get_by_text("input=0").click()
    # With the input gate shut nothing enters the memory: Company B's prediction becomes exactly 0.
    page.wait_for_function(
        "/Company B\\s+1, 0.5, 0.25, 1\\s+1\\s+0(\\s|$)/.test(document.querySelector('#playground-table').innerText)",
        timeout=10_000,
    )
    page.locator("#curve-button").click()
    page.wait_for_selector("#curve-plot canvas, #curve-plot svg", timeout=10_000)
    page.wait_for_timeout(800)
    page.screenshot(path=ARTIFACTS / "explore-laptop.png", full_page=True)


@pytest.fixture
def chinese_page(browser):
    """A page in a browser set to Chinese (its locale and its Accept-Language header)."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )
    yield context.new_page()
    context.close()


def test_the_page_follows_the_browsers_language(chinese_page, app_server):
    open_page(chinese_page, app_server[0])
    assert chinese_page.get_by_role("tab", name="LSTM 内部").count() == 1
    assert chinese_page.get_by_role("tab", name="重新训练").count() == 1
    chinese_page.screenshot(path=ARTIFACTS / "predict-zh.png", full_page=True)


def test_step_sentences_follow_a_chinese_browser(chinese_page, app_server):
    open_page(chinese_page, app_server[0], "?tab=inside")
    chinese_page.locator("#inside-button").click()
    chinese_page.wait_for_function(
        "document.querySelector('#inside-sentence').innerText.includes('第 4 步')", timeout=15_000
    )
    assert "保留了" in chinese_page.locator("#inside-sentence").inner_text()


def test_errors_reach_a_chinese_browser_in_chinese(chinese_page, app_server):
    open_page(chinese_page, app_server[0])
    chinese_page.locator("#predict-sequence textarea").fill("1, x")
    chinese_page.locator("#predict-button").click()
    chinese_page.get_by_text("第 2 项('x')不是数字。").first.wait_for(timeout=10_000)
    chinese_page.screenshot(path=ARTIFACTS / "error-zh.png")


def test_predict_from_the_keyboard_alone(page, app_server):
    open_page(page, app_server[0])
    page.locator("#predict-sequence textarea").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("0.2 0.4 0.6")
    page.keyboard.press("Enter")  # Enter submits the sequence; no mouse needed
    page.wait_for_function(
        "document.querySelector('#predict-table').innerText.includes('0.2, 0.4, 0.6')", timeout=15_000
    )
    page.keyboard.press("Tab")  # focus moves on to the Predict button
    assert page.evaluate("document.activeElement.id") == "predict-button"
