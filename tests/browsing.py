"""What every browser test shares: Debian's Chromium, how it is started, and how a page is waited on.

One Chromium serves the whole run (conftest's session fixture `browser`); each test opens its own
context, so visitors never share cookies, storage or a session. bench/diagram_speed.py starts its
Chromium with `launch` too.
"""

import shutil

import pytest

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
WAIT = 60_000  # ms: a busy 2-core machine runs the server, Chromium and other people's tests

needs_chromium = pytest.mark.skipif(
    not shutil.which("chromium"), reason="Debian's chromium is not installed (the README's test command installs it)"
)

LAPTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True}
CHINESE = {**LAPTOP, "locale": "zh-CN", "extra_http_headers": {"Accept-Language": "zh-CN,zh;q=0.9"}}
CLIPBOARD = {"permissions": ["clipboard-read", "clipboard-write"]}


def launch(playwright):
    """Debian's Chromium, headless, with nothing that reaches the network on its own."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)


def text_of(selector: str) -> str:
    """A JavaScript expression: the inner text of `selector` ('' while it is not on the page)."""
    return f"(document.querySelector({selector!r})?.innerText ?? '')"


TABS = ("inside", "predict", "retrain", "explore", "about")  # the page's tabs, in order; a link names one


def landing_tab(query: str) -> str:
    """The tab a link opens: the one its `tab=` names (any letter case), else the page's first, Inside."""
    from urllib.parse import parse_qs

    named = parse_qs(query.lstrip("?")).get("tab", [""])[0].strip().lower()
    return named if named in TABS else TABS[0]


def record_troubles(page):
    """Keep what went wrong on `page` (script errors, console errors, failed or refused requests), so
    that a test that times out can say why (troubles)."""
    kept = page.troubles = []
    page.on("pageerror", lambda error: kept.append(f"script error: {error}"))
    page.on("console", lambda m: m.type in ("error", "warning") and kept.append(f"console {m.type}: {m.text}"))
    page.on("requestfailed", lambda r: kept.append(f"request failed: {r.method} {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and kept.append(f"answer {r.status}: {r.request.method} {r.url}"))
    return page


def troubles(page) -> str:
    """What record_troubles kept, and where the page's cells stand, for a failure's message."""
    try:
        cells = page.evaluate(
            "JSON.stringify({cells: Object.keys(window.lstmCells || {}), cell: typeof LSTMCell,"
            " diagram: typeof LSTMDiagram, svgs: document.querySelectorAll('svg.lstm-diagram').length,"
            " toasts: Array.from(document.querySelectorAll('.toast-body')).map((t) => t.innerText)})"
        )
    except Exception as exc:  # the page itself is gone
        cells = f"(the page could not be read: {exc})"
    kept = getattr(page, "troubles", [])
    return f"page: {cells}; {len(kept)} troubles: " + " | ".join(kept[-20:])


def open_page(page, url, query=""):
    """Load the page and wait until its page load has computed it.

    The page load draws Inside's cell whichever tab the link opens (Inside is on the page from the
    start, being the first tab); Inside's charts, equations and table sit in a closed fold until
    open_details. Another tab is rendered only once it is shown: Predict's cards, when the link opens
    Predict, are waited for too.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(url + query)
    # A load costs ~8 s of CPU; a browser's first one starts its renderer too: twice the usual deadline.
    try:
        page.wait_for_function("window.lstmCells?.inside?.state.sequences.length > 0", timeout=2 * WAIT)
    except PlaywrightTimeout as exc:
        raise AssertionError(f"the page load never drew Inside's cell; {troubles(page)}") from exc
    if landing_tab(query) == "predict":
        # The phone's cards hold every row in either language, shown or not.
        page.wait_for_function(f"/your sequence|你的序列/.test({text_of('#predict-cards')})", timeout=WAIT)


def open_details(page) -> None:
    """Open Inside's fold of charts, equations and table (if closed) and wait for its sentence."""
    if not page.locator("#inside-step").count():
        page.locator("#inside-details > button").click()
    page.wait_for_function(f"/(Step|第) \\d+/.test({text_of('#inside-sentence')})", timeout=WAIT)


def show_tab(page, name: str) -> None:
    """Show the main tab called `name` (its words in the page's language), from the row of tabs or,
    on a phone, from the "..." menu the tabs that do not fit go into; wait until it is selected."""
    from playwright.sync_api import expect

    tabs = page.locator("#main-tabs > .tab-wrapper [role=tablist]")
    tab = tabs.get_by_role("tab", name=name, exact=True)
    if tab.count() and tab.first.is_visible():
        tab.first.click()
    else:
        page.locator("#main-tabs > .tab-wrapper .overflow-menu > button").click()
        page.locator("#main-tabs > .tab-wrapper .overflow-dropdown button", has_text=name).first.click()
    expect(tabs.get_by_role("tab", name=name, exact=True)).to_have_attribute("aria-selected", "true", timeout=WAIT)


def wait_for_inside(page, day: int) -> None:
    """Inside's drawing on `day`, with its step slider and the sentence under the charts following it
    (the fold that holds them opened)."""
    open_details(page)
    page.wait_for_function(
        f"window.lstmCells?.inside?.state.step === {day}"
        f" && document.querySelector('#inside-step input[type=number]')?.value === '{day}'"
        f" && /(Step|第) {day}\\D/.test({text_of('#inside-sentence')})",
        timeout=WAIT,
    )


def copied_link(page, click) -> str:
    """The deep link a click (the Share button's) copies.

    The clipboard is emptied first: one Chromium holds one clipboard for all its pages, so an
    earlier test's link would otherwise pass for this one's. Each poll starts a read and looks
    at the last one that has finished.
    """
    page.evaluate("navigator.clipboard.writeText('').then(() => { window.copied = ''; })")
    click()
    return page.wait_for_function(
        "navigator.clipboard.readText().then(t => { window.copied = t; }),"
        " (window.copied || '').includes('deep_link=') && window.copied",
        timeout=WAIT,
    ).json_value()


def record_foreign_requests(page, own: str, attribute: str = "foreign") -> None:
    """Keep in `page.<attribute>` every request that goes anywhere but `own` (the app's address)."""
    setattr(page, attribute, [])
    page.on(
        "request",
        lambda r: None if r.url.startswith((own, "data:", "blob:")) else getattr(page, attribute).append(r.url),
    )
