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


def open_page(page, url, query=""):
    """Load the page and wait until it has computed its predictions (and, on Inside, its trace)."""
    page.goto(url + query)
    # The phone's cards hold every row in either language, shown or not (a table in a hidden tab
    # renders only its first rows).
    page.wait_for_function(f"/your sequence|你的序列/.test({text_of('#predict-cards')})", timeout=WAIT)
    if "tab=inside" in query.lower():  # a tab that has not been shown is not on the page yet
        page.wait_for_function(f"/(Step|第) \\d+/.test({text_of('#inside-sentence')})", timeout=WAIT)


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
