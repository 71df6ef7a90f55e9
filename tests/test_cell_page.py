"""The drawn cell wired into the Space, in Debian's Chromium against the real app (one page load per test;
the Chinese drawing is checked on test_browser.py's Chinese page).

Inside the LSTM at laptop width (English) and phone width; time-travel after a
real training, then the weight playground's browser-side redraw against PyTorch with the server
cut off, in one visit.
Every wait is for the event itself with a generous deadline; screenshots go to artifacts/cell-*.png.
"""

import random
import re

import torch
from playwright.sync_api import expect

from browsing import WAIT, needs_chromium, record_foreign_requests, text_of
from conftest import ARTIFACTS, COMPANY_A, COMPANY_B
from lstm_demo import load_model
from lstm_demo.explain import gate_gradients
from lstm_demo.values import parse_number, value_text, weight_text
from lstm_demo.explore import playground_model
from lstm_demo.models import CraftLSTM, craft_parameters

pytestmark = needs_chromium


def open_visitor(browser, app_server, width=1280, height=900, language="en", **kw):
    """A fresh visitor; every request that does not go to our server is recorded in page.foreign."""
    phone = width < 480
    locale = "zh-CN" if language == "zh" else "en-US"
    context = browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        locale=locale,
        extra_http_headers={"Accept-Language": f"{locale},{language};q=0.9"},
        **kw,
    )
    page = context.new_page()
    record_foreign_requests(page, app_server[0])
    return context, page


def open_inside(page, url):
    page.goto(url + "?tab=inside")
    wait_for_inside(page)


def wait_for_inside(page):
    """Inside drawn in the page's language from the server's trace, and the views below computed."""
    page.wait_for_function(
        "document.querySelector('#cell-inside .cell-explain code') !== null "
        "&& /(Step|第) 4/.test(document.querySelector('#inside-sentence')?.innerText ?? '')",
        timeout=WAIT,
    )


def rows(kind: str, sequence: str) -> list[dict]:
    values = [float(v) for v in sequence.split(",")]
    with torch.no_grad():
        return load_model(kind).trace(torch.tensor(values)).rows()


def drawn(page, variant: str, field: str, seq: int) -> str:
    return page.locator(f"#cell-inside .cell-{variant} g.cell[data-seq='{seq}'] [data-field='{field}']").text_content()


def wait_day(page, step: int, variant="wide"):
    """The drawing at `step`, and the step slider (hence the sentence below) following it."""
    page.wait_for_function(
        f"window.lstmCells?.inside?.state.step === {step} "
        f"&& document.querySelector('#inside-step input[type=number]').value === '{step}' "
        f"&& (document.querySelector('#inside-sentence')?.innerText ?? '').match(/(Step|第) {step}/)",
        timeout=WAIT,
    )
    cell = page.locator(f"#cell-inside .cell-{variant} g.cell[data-seq='0'] [data-field='input']")
    assert cell.get_attribute("data-step") == str(step)


def test_inside_opens_drawn_steps_with_buttons_keys_and_slider_and_explains_a_gate(browser, app_server):
    context, page = open_visitor(browser, app_server)
    try:
        open_inside(page, app_server[0])
        assert page.locator("#cell-inside .cell-wide svg").is_visible()
        assert not page.locator("#cell-inside .cell-narrow svg").is_visible()
        # The drawing comes first in the tab, and opens at day 4 with the table's own numbers.
        assert page.evaluate(
            "document.querySelector('#cell-inside').compareDocumentPosition(document.querySelector('#inside-table'))"
            " & Node.DOCUMENT_POSITION_FOLLOWING"
        )
        a, b = rows("craft", COMPANY_A), rows("craft", COMPANY_B)
        for field in ("forget_gate", "input_gate", "candidate", "output_gate", "long_memory", "short_memory"):
            assert drawn(page, "wide", field, 0) == value_text(a[3][field])
            assert drawn(page, "wide", field, 1) == value_text(b[3][field])
        status = page.locator("#cell-inside .cell-status")
        expect(status).to_have_text("Day 4 of 4", timeout=WAIT)

        # Buttons: Back twice; the slider, the sentence and the equations below follow.
        page.locator("#cell-inside [data-act=back]").click()
        wait_day(page, 3)
        page.locator("#cell-inside [data-act=back]").click()
        wait_day(page, 2)
        assert drawn(page, "wide", "forget_gate", 1) == value_text(b[1]["forget_gate"])
        assert f"{b[1]['forget_gate']:.0%} of the long-term memory" in page.locator("#inside-sentence").inner_text()
        explain = page.locator("#cell-inside .cell-explain").inner_text()
        assert "What to forget" in explain and value_text(b[1]["long_memory"]) in explain
        # Keys on the focused drawing.
        page.locator("#cell-inside .cell-frame").focus()
        page.keyboard.press("ArrowRight")
        wait_day(page, 3)
        page.keyboard.press("Home")
        wait_day(page, 1)
        assert drawn(page, "wide", "long_memory", 0) == value_text(a[0]["long_memory"])
        # The slider moves the drawing (in the browser).
        number = page.locator("#inside-step input[type=number]")
        number.fill("4")
        number.press("Enter")
        wait_day(page, 4)
        expect(status).to_have_text("Day 4 of 4", timeout=WAIT)
        # Play walks the stages of each day in order: stage 1 is highlighted in the drawing and beside it.
        page.locator("#cell-inside [data-act=home], #cell-inside [data-act=first]").first.click()
        wait_day(page, 1)
        page.locator("#cell-inside [data-act=play]").click()
        page.wait_for_function(
            "document.querySelector('#cell-inside .cell-wide svg').getAttribute('data-stage') === '2'"
            " && document.querySelector('#cell-inside .cell-stage.s2.is-current') !== null",
            timeout=WAIT,
        )
        page.locator("#cell-inside [data-act=play]").click()  # pause
        expect(page.locator("#cell-inside [data-act=play]")).to_have_attribute("aria-pressed", "false", timeout=WAIT)

        # A click on a gate: its equation with this day's numbers and the loss's gradient (autograd).
        day = page.evaluate("window.lstmCells.inside.state.step")
        page.locator("#cell-inside .cell-wide [data-gate='output'][data-seq='1']").click()
        gate = page.locator("#cell-inside-gate")
        expect(gate).to_contain_text(f"Output gate O_t · Company B · day {day}", timeout=WAIT)
        text = gate.inner_text()
        assert f"= {value_text(b[day - 1]['output_gate'])}" in text
        grads = gate_gradients(load_model("craft"), [1, 0.5, 0.25, 1])["output"]
        for name, g in grads.items():
            assert f"∂L/∂{name}" in text and f"{g:+.4g}".replace("-", "−") in text
        # The keyboard reaches a gate too.
        page.locator("#cell-inside .cell-wide [data-gate='forget'][data-seq='0']").focus()
        page.keyboard.press("Enter")
        expect(gate).to_contain_text("Forget gate F_t · Company A", timeout=WAIT)
        page.locator("#cell-inside").screenshot(path=ARTIFACTS / "cell-laptop-en.png")
        assert page.foreign == []
    finally:
        context.close()


def test_phone_shows_one_cell_at_a_time_readable_without_sideways_scroll(browser, app_server):
    context, page = open_visitor(browser, app_server, width=390, height=844, reduced_motion="reduce")
    try:
        open_inside(page, app_server[0])
        svg = page.locator("#cell-inside .cell-narrow svg")
        expect(svg).to_be_visible(timeout=WAIT)
        assert not page.locator("#cell-inside .cell-wide svg").is_visible()
        assert svg.get_attribute("data-layout") == "single"
        page.wait_for_function("document.documentElement.scrollWidth <= 390", timeout=WAIT)
        # Every text drawn is at least 11 px on the screen (its font size times the drawing's scale).
        smallest = page.evaluate(
            """() => { const svg = document.querySelector('#cell-inside .cell-narrow svg');
                const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                return Math.min(...Array.from(svg.querySelectorAll('text, tspan'))
                    .filter(t => t.textContent.trim() && getComputedStyle(t).visibility !== 'hidden')
                    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale)); }"""
        )
        assert smallest >= 11, smallest
        box = svg.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        # Step buttons on the phone.
        page.locator("#cell-inside [data-act=back]").click()
        wait_day(page, 3, "narrow")
        b = rows("craft", COMPANY_B)
        assert drawn(page, "narrow", "long_memory", 1) == value_text(b[2]["long_memory"])
        page.locator("#cell-inside [data-act=forward]").click()
        wait_day(page, 4, "narrow")
        # Reduced motion: no transitions and no moving dashes, even while a stage is highlighted.
        page.locator("#cell-inside [data-act=play]").click()
        page.wait_for_function(
            "document.querySelector('#cell-inside .cell-narrow svg').getAttribute('data-stage') !== '0'",
            timeout=WAIT,
        )
        motion = page.evaluate(
            """() => Array.from(document.querySelectorAll('#cell-inside .cell-narrow .flow, #cell-inside .edge'))
                .map(e => [getComputedStyle(e).animationName, getComputedStyle(e).transitionDuration])"""
        )
        assert all(name == "none" and duration in ("0s", "") for name, duration in motion), motion[:3]
        page.locator("#cell-inside [data-act=play]").click()
        # The phone's drawing is wider than the page's column (it takes the screen's width): clip the page.
        top = page.locator("#cell-inside").bounding_box()
        clip = {"x": 0, "y": top["y"], "width": 390, "height": min(top["height"], 1800)}
        page.screenshot(path=ARTIFACTS / "cell-phone-en.png", full_page=True, clip=clip)
        assert page.foreign == []
    finally:
        context.close()


def check_the_cell_explains_in_chinese(page):
    """On Inside in a Chinese page (test_browser.py's Chinese visitor): the drawing and its words."""
    svg = page.locator("#cell-inside .cell-wide svg")
    expect(svg).to_have_attribute("lang", "zh-CN", timeout=WAIT)
    assert "LSTM 单元按天展开" in svg.locator("title").first.text_content()
    assert "公司 B" in svg.text_content() and "忘记什么" in svg.text_content()
    expect(page.locator("#cell-inside .cell-status")).to_have_text("第 4 天,共 4 天", timeout=WAIT)
    assert "上一天" in page.locator("#cell-inside .cell-controls").inner_text()
    assert "保留" in page.locator("#cell-inside .cell-explain").inner_text()
    page.locator("#cell-inside .cell-wide [data-gate='candidate'][data-seq='0']").click()
    gate = page.locator("#cell-inside-gate")
    expect(gate).to_contain_text("候选记忆", timeout=WAIT)
    assert "损失" in gate.inner_text() and "∂L/∂w_xc" in gate.inner_text()
    page.locator("#cell-inside").screenshot(path=ARTIFACTS / "cell-laptop-zh.png")


def set_slider(page, name: str, value: float) -> None:
    box = page.locator(f"#slider-{name} input[type=number]")
    box.fill(f"{value:.2f}")
    box.press("Enter")


def check_the_playground_redraws_in_the_browser_and_equals_pytorch(page):
    """Last in a visit: from here on the page's events are held on their way to the server."""
    page.wait_for_function("window.lstmCells?.play?.state.stepper != null", timeout=WAIT)
    page.wait_for_function(
        "(document.querySelector('#playground-table')?.innerText ?? '').includes('0.969')", timeout=WAIT
    )
    # Hold every event on its way to the server (never answered): whatever the drawing shows from
    # here on was computed in the browser. (Refusing them instead makes Gradio reload the page.)
    held = []
    page.route("**/gradio_api/queue/join**", lambda route: held.append(route))
    rng = random.Random(9)
    cell = "#cell-play .cell-wide"
    for _ in range(2):
        weights = {n: round(rng.uniform(-3, 3), 2) for n in CraftLSTM.PARAMETER_NAMES}
        for name, value in weights.items():
            set_slider(page, name, value)
        page.wait_for_function(
            "w => Object.entries(w).every(([k, v]) => Math.abs(window.lstmCells.play.state.weights[k] - v) < 1e-9)",
            arg=weights,
            timeout=WAIT,
        )
        traces = page.evaluate("window.lstmCells.play.state.traces")
        model = playground_model(weights).double()
        for seq, values in enumerate(([0, 0.5, 0.25, 1], [1, 0.5, 0.25, 1])):
            with torch.no_grad():
                trace = model.trace(torch.tensor(values, dtype=torch.float64))
            for field in ("forget_gate", "input_gate", "candidate", "output_gate", "long_memory", "short_memory"):
                got, expected = traces[seq][field], getattr(trace, field).tolist()
                assert max(abs(g - e) for g, e in zip(got, expected)) < 1e-6
            prediction = page.locator(f"{cell} [data-field='short_memory'][data-seq='{seq}'].pred").text_content()
            assert prediction == value_text(expected[-1])
        for name, value in weights.items():
            assert page.locator(f"{cell} [data-weight='{name}']").first.text_content() == weight_text(value)
    # A switch, in the browser too: the input gate shut lets nothing in, so Company B's prediction is 0.
    page.locator("#switches").get_by_text("input=0").click()
    page.wait_for_function(
        f"document.querySelector(\"{cell} [data-field='short_memory'][data-seq='1'].pred\").textContent === '0.0000'",
        timeout=WAIT,
    )
    assert parse_number(page.locator(f"{cell} g.cell[data-seq='1'] [data-field='input_gate']").text_content()) == 0
    assert held, "the sliders' server event was sent and held; the drawing never needed its answer"
    page.locator("#cell-play").screenshot(path=ARTIFACTS / "cell-playground.png")


def test_time_travel_the_sliders_and_the_playground_in_one_visit(browser, app_server):
    """One page load for three checks (a load of this page costs ~8 s of CPU on a 2-core machine):
    time-travel after a real training, Explore's sliders and decision curve through the server, and
    last the playground redrawn in the browser with the server cut off."""
    context, page = open_visitor(browser, app_server)
    try:
        page.goto(app_server[0] + "?tab=retrain")
        check_time_travel_redraws_the_weights_epoch_by_epoch(page)
        page.locator("#explore-parts [role=tab]").nth(0).click()  # the playground, Explore's first part
        check_a_slider_moves_the_predictions_and_a_curve_is_drawn(page)
        page.locator("#explore-parts [role=tab]").nth(0).click()
        page.locator("#switches").get_by_text("input=0").click()  # the input gate computed again
        page.wait_for_function(f"{text_of('#playground-table')}.includes('0.969261')", timeout=WAIT)
        check_the_playground_redraws_in_the_browser_and_equals_pytorch(page)
        assert page.foreign == []
    finally:
        context.close()


def check_a_slider_moves_the_predictions_and_a_curve_is_drawn(page):
    page.wait_for_function(f"{text_of('#playground-table')}.includes('0.969261')", timeout=WAIT)
    box = page.locator("#slider-w_xf input[type=number]")
    pretrained = box.input_value()
    box.fill("-3")
    box.press("Enter")
    page.wait_for_function(f"!{text_of('#playground-table')}.includes('0.969261')", timeout=WAIT)
    page.locator("#switches").get_by_text("input=0").click()
    # With the input gate shut nothing enters the memory: Company B's prediction becomes exactly 0.
    page.wait_for_function(
        f"/Company B\\s+1, 0.5, 0.25, 1\\s+1\\s+0(\\s|$)/.test({text_of('#playground-table')})", timeout=WAIT
    )
    box.fill(pretrained)  # back to the pretrained w_xf (the table shows 0.969261 once the gate is too)
    box.press("Enter")
    page.locator("#explore-parts").get_by_role("tab", name="Decision curves").click()
    page.locator("#curve-button").click()
    expect(page.locator("#curve-plot canvas, #curve-plot svg").first).to_be_visible(timeout=WAIT)
    page.screenshot(path=ARTIFACTS / "explore-laptop.png", full_page=True, timeout=WAIT)


def check_time_travel_redraws_the_weights_epoch_by_epoch(page):
    from lstm_demo.models import new_model

    page.locator("#train-button").click()  # the hand-built cell, the fast recipe, seed 42
    page.wait_for_function(
        "(document.querySelector('#train-progress')?.innerText ?? '').includes('Converged')", timeout=WAIT * 2
    )
    page.get_by_role("tab", name="Explore").click()
    page.locator("#explore-parts [role=tab]").nth(2).click()  # time-travel, Explore's third part
    page.wait_for_function("(window.lstmCells?.travel?.state.stepper ?? null) !== null", timeout=WAIT * 2)
    view = page.locator("#travel-view")
    expect(view).to_contain_text("After", timeout=WAIT)
    last = int(re.search(r"After (\d+) epochs", view.inner_text()).group(1))
    cell = "#cell-travel .cell-wide"
    # The last snapshot is drawn: its weights are the ones the server's table lists.
    table = page.locator("#travel-view table").inner_text()  # a row per gate: w_x, w_h, b
    listed = [float(v) for v in re.findall(r"(-?\d+\.\d{3})(?!\d)", table)]
    drawn_weights = [
        parse_number(page.locator(f"{cell} [data-weight='{n}']").first.text_content())
        for n in CraftLSTM.PARAMETER_NAMES
    ]
    assert len(listed) == 12 and max(abs(a - b) for a, b in zip(listed, drawn_weights)) <= 0.0051
    # Back to epoch 0: seed 42's initial weights, redrawn in the browser; the drawing says which.
    number = page.locator("#travel-epoch input[type=number]")
    number.fill("0")
    number.press("Enter")
    page.wait_for_function("window.lstmCells.travel.state.epoch === 0", timeout=WAIT)
    seed = craft_parameters(new_model("craft", seed=42))
    for name, value in seed.items():
        assert page.locator(f"{cell} [data-weight='{name}']").first.text_content() == weight_text(value)
    assert "after 0 epochs" in page.locator(f"{cell} [data-role=source]").text_content()
    # Halfway, the weights are between.
    number.fill(str(last // 2))
    number.press("Enter")
    page.wait_for_function("window.lstmCells.travel.state.epoch !== 0", timeout=WAIT)
    assert last > 0
    page.locator("#cell-travel").screenshot(path=ARTIFACTS / "cell-timetravel.png")
