"""The drawn cell and its story on the page, in Debian's Chromium against the real app.

A bare link lands on Inside: Company A beside Company B (a phone shows one, and says which), the memory
strip, and the story's first step beside them, in the first viewport. Each story step moves the drawing
to its day and stage and lights what its sentence names; its numbers are story.py's for the weights
shown, and those come from the model's own trace. A gate opens its explanation beside the drawing,
which follows the day, the sequence and the weights. Screenshots of every step go to artifacts/.
Every wait is for the event itself with a generous deadline.
"""

import re

import pytest
import torch
from playwright.sync_api import expect

from browsing import WAIT, needs_chromium, record_foreign_requests
from conftest import ARTIFACTS
from lstm_demo import load_model
from lstm_demo.explain import explain_step
from lstm_demo.story import story
from lstm_demo.values import value_text

pytestmark = needs_chromium

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
CELL = "#cell-inside"


def visitor(browser, app_server, size, language="en"):
    phone = size["width"] < 480
    locale = "zh-CN" if language == "zh" else "en-US"
    context = browser.new_context(
        viewport=size,
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
        locale=locale,
        extra_http_headers={"Accept-Language": f"{locale},{language};q=0.9"},
    )
    page = context.new_page()
    record_foreign_requests(page, app_server[0])
    return context, page


def wait_for_story(page, language="en"):
    """The story's first step, drawn by the server in the page's language (the page load redraws it)."""
    title = "谜题" if language == "zh" else "The puzzle"
    page.wait_for_function(
        f"window.lstmCells?.inside?.state.story === 0 && "
        f"(document.querySelector('{CELL} .cv-story-title')?.innerText ?? '').startsWith({title!r})",
        timeout=WAIT,
    )


def in_view(page, selector: str) -> list[dict]:
    """The boxes of the visible elements matching `selector` that are not wholly inside the viewport."""
    return page.evaluate(
        """(sel) => Array.from(document.querySelectorAll(sel)).filter((el) => el.getClientRects().length)
            .map((el) => el.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0)
            .filter((r) => r.top < -1 || r.left < -1 || r.bottom > innerHeight + 1 || r.right > innerWidth + 1)
            .map((r) => ({top: r.top, bottom: r.bottom, left: r.left, right: r.right}))""",
        selector,
    )


def shown_cells(page) -> list[int]:
    return page.evaluate(
        f"Array.from(document.querySelectorAll('{CELL} .cv-cell')).filter((c) => c.offsetParent !== null)"
        ".map((c) => Number(c.dataset.seq))"
    )


def walk_the_story(page, steps, name: str) -> None:
    """Next through every step (mouse), checking the day, the stage, the lit parts, the text and what is
    in view; a screenshot of each; then Back to the first by keyboard."""
    for k, step in enumerate(steps):
        if k:
            page.locator(f"{CELL} [data-story=next]").click()
        page.wait_for_function(f"window.lstmCells.inside.state.story === {k}", timeout=WAIT)
        state = page.evaluate("(() => { const s = window.lstmCells.inside.state; return [s.step, s.stage]; })()")
        assert state == [step.day, step.stage], (step.key, state)
        expect(page.locator(f"{CELL} .cv-story-title")).to_have_text(step.title, timeout=WAIT)
        expect(page.locator(f"{CELL} .cv-story-text")).to_have_text(step.text, timeout=WAIT)
        expect(page.locator(f"{CELL} .cv-status")).to_contain_text(str(step.day))
        # What the sentence names is lit in every shown drawing, and in view; the rest is dimmed.
        for seq in shown_cells(page):
            cell = f"{CELL} .cv-cell[data-seq='{seq}'] svg"
            assert page.locator(f"{cell}.is-focus").count() == 1
            lit = page.evaluate(
                f"Array.from(document.querySelectorAll(\"{cell} .is-lit\")).map((e) => e.getAttribute('data-part'))"
            )
            assert lit and all(any(p in step.parts for p in parts.split()) for parts in lit), (step.key, lit)
            assert in_view(page, f"{cell} .cell > .is-lit") == [], step.key
        assert in_view(page, f"{CELL} .cv-story-text") == [] or page.viewport_size["width"] < 480, step.key
        assert in_view(page, f"{CELL} [data-story]") == [], step.key  # the buttons, always
        page.screenshot(path=ARTIFACTS / f"story-{name}-step{k + 1}.png")
    # Back by keyboard, from the last step to the first.
    page.locator(f"{CELL} .cv-main").focus()
    for k in range(len(steps) - 2, -1, -1):
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(f"window.lstmCells.inside.state.story === {k}", timeout=WAIT)
    expect(page.locator(f"{CELL} .cv-story-text")).to_have_text(steps[0].text, timeout=WAIT)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("window.lstmCells.inside.state.story === 1", timeout=WAIT)


@pytest.mark.parametrize(
    "size, language, name",
    [(LAPTOP, "en", "laptop-en"), (PHONE, "en", "phone-en"), (LAPTOP, "zh", "laptop-zh"), (PHONE, "zh", "phone-zh")],
)
def test_a_bare_link_lands_on_the_drawing_and_its_story_which_walks_by_mouse_and_keyboard(
    browser, app_server, size, language, name
):
    context, page = visitor(browser, app_server, size, language)
    try:
        page.goto(app_server[0])
        wait_for_story(page, language)
        # The drawing and the story's first step in the first viewport, with no click and no scroll.
        assert page.evaluate("window.scrollY") == 0
        assert in_view(page, f"{CELL} .cv-story-title") == []
        assert in_view(page, f"{CELL} [data-story=next]") == []
        if size is LAPTOP:
            assert shown_cells(page) == [0, 1]  # both companies, side by side
            assert in_view(page, f"{CELL} .cv-cell svg") == []
            assert in_view(page, f"{CELL} .cv-strip-wide svg") == []
        else:
            assert shown_cells(page) == [1]  # the phone shows the company the story is about: B
            assert in_view(page, f"{CELL} .cv-strip-narrow svg") == []
            box = page.locator(f"{CELL} .cv-cell[data-seq='1'] svg").bounding_box()
            assert box["y"] + box["height"] * 0.6 < size["height"]  # most of the cell above the fold
            # The phone's hint speaks of tapping, not of arrow keys.
            assert "←" not in page.locator(f"{CELL} .cv-hint").inner_text()
        steps = story(load_model("craft"), language)
        walk_the_story(page, steps, name)
        assert page.foreign == []
    finally:
        context.close()


def test_the_story_speaks_of_the_trace_of_the_weights_shown(browser, app_server):
    """Two numbers of the first steps straight from the model's trace; and the built-in model's story
    is its own (its numbers, not the hand-built cell's)."""
    context, page = visitor(browser, app_server, LAPTOP)
    try:
        page.goto(app_server[0])
        wait_for_story(page)
        with torch.no_grad():
            a = load_model("craft").trace(torch.tensor([0.0, 0.5, 0.25, 1.0])).rows()
            b = load_model("craft").trace(torch.tensor([1.0, 0.5, 0.25, 1.0])).rows()
        page.locator(f"{CELL} [data-story=next]").click()
        text = page.locator(f"{CELL} .cv-story-text")
        expect(text).to_contain_text(f"+{b[0]['long_memory']:.3f}", timeout=WAIT)  # what day 1 writes into B
        assert f"−{abs(a[0]['long_memory']):.3f}" in text.inner_text()  # and into A
        # The built-in model: its own story.
        page.locator("#inside-model label", has_text="built-in").click()
        builtin = story(load_model("builtin"), "en")
        page.wait_for_function(
            f"(document.querySelector('{CELL} .cv-story-text')?.innerText ?? '') === {builtin[0].text!r}",
            timeout=WAIT,
        )
        assert builtin[0].text != story(load_model("craft"), "en")[0].text
        expect(page.locator(f"{CELL} .cv-source")).to_contain_text("torch.nn.LSTM")
    finally:
        context.close()


def test_a_gate_explains_itself_beside_the_drawing_and_follows_the_day_and_the_sequence(browser, app_server):
    context, page = visitor(browser, app_server, LAPTOP)
    try:
        page.goto(app_server[0])
        wait_for_story(page)
        model = load_model("craft")
        page.locator(f"{CELL} [data-act=forward]").click()  # day 2, the story left
        page.locator(f"{CELL} .cv-cell[data-seq='1'] [data-gate=forget]").click()
        panel = page.locator(f"{CELL} .cv-gate")
        expect(panel).to_be_visible(timeout=WAIT)
        assert in_view(page, f"{CELL} .cv-gate") == []
        # Focus moves to what the gate opened; its equation is explain.py's for day 2 of Company B.
        assert page.evaluate("document.activeElement.closest('.cv-gate') !== null")
        b = [1.0, 0.5, 0.25, 1.0]
        expect(panel.locator(".cv-equation")).to_have_text(explain_step(model, b, 2)[0]["equations"][0])
        # The day moves: the panel follows (never stale).
        page.locator(f"{CELL} [data-act=forward]").click()
        expect(panel.locator(".cv-equation")).to_have_text(explain_step(model, b, 3)[0]["equations"][0], timeout=WAIT)
        # Hovering a symbol lights its part of the drawing.
        panel.locator(".term[data-term=forget]").first.hover()
        assert page.locator(f"{CELL} .cv-cell[data-seq='1'] svg [data-gate=forget].is-lit").count() == 1
        # A new sequence (one of the visitor's own): the panel says that sequence's numbers.
        mine = [0.2, 0.9, 0.4]
        page.locator("#inside-sequence input, #inside-sequence textarea").fill(", ".join(map(str, mine)))
        page.locator("#inside-button").click()
        page.wait_for_function(
            "window.lstmCells.inside.state.sequences.length === 1 && window.lstmCells.inside.state.sequences[0].length === 3",
            timeout=WAIT,
        )
        page.locator(f"{CELL} .cv-cell[data-seq='0'] [data-gate=output]").click()
        day = page.evaluate("window.lstmCells.inside.state.step")
        expect(panel.locator(".cv-equation")).to_have_text(
            explain_step(model, mine, day)[2]["equations"][0], timeout=WAIT
        )
        panel.locator("summary").click()  # for the curious: the gradient, or why there is none
        expect(panel.locator(".cv-curious")).to_contain_text(re.compile("no label|没有标签"))
    finally:
        context.close()


def test_a_long_sequence_keeps_day_1_and_the_screen_reader_texts_follow_the_day(browser, app_server):
    context, page = visitor(browser, app_server, LAPTOP)
    try:
        page.goto(app_server[0])
        wait_for_story(page)
        sequence = [1.0] + [0.0] * 49
        page.locator("#inside-sequence input, #inside-sequence textarea").fill(
            ", ".join("1" if v else "0" for v in sequence)
        )
        page.locator("#inside-button").click()
        page.wait_for_function(
            "window.lstmCells.inside.state.sequences[0]?.length === 50 && window.lstmCells.inside.state.step === 50",
            timeout=WAIT,
        )
        strip = f"{CELL} .cv-strip-wide svg"
        days = page.evaluate(
            f"Array.from(document.querySelectorAll('{strip} g.slot')).map((s) => Number(s.getAttribute('data-day')))"
        )
        assert days[0] == 1 and days[-1] == 50  # day 1, an honest gap, the last days
        assert page.locator(f"{strip} [data-ellipsis=gap]:not(.is-hidden)").count() == 1
        with torch.no_grad():
            rows = load_model("craft").trace(torch.tensor(sequence)).rows()
        c1 = page.locator(f"{strip} g.slot[data-day='1'] [data-field=long_memory]").text_content()
        assert c1 == value_text(rows[0]["long_memory"])  # what day 1 wrote
        # The description and the gates' names follow the day shown.
        page.locator(f"{strip} g.slot[data-day='1']").click()
        page.wait_for_function("window.lstmCells.inside.state.step === 1", timeout=WAIT)
        svg = f"{CELL} .cv-cell[data-seq='0'] svg"
        assert "Day 1 is drawn in full" in page.locator(f"{svg} desc").text_content()
        label = page.locator(f"{svg} [data-gate=forget]").get_attribute("aria-label")
        assert "day 1" in label and value_text(rows[0]["forget_gate"]) in label
        page.locator(f"{CELL} [data-act=forward]").click()
        page.wait_for_function("window.lstmCells.inside.state.step === 2", timeout=WAIT)
        assert "Day 2 is drawn in full" in page.locator(f"{svg} desc").text_content()
        assert "day 2" in page.locator(f"{svg} [data-gate=forget]").get_attribute("aria-label")
        expect(page.locator(f"{CELL} .cv-status")).to_have_text("Day 2 of 50")
        assert page.locator(f"{CELL} .cv-status").get_attribute("aria-live") == "polite"
    finally:
        context.close()
