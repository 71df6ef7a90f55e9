"""Predict, About, links and the API page as a visitor (or a script) meets them: both languages,
laptop and phone width, share links that reopen what was shared, an API page that names things.

Every wait is for the event itself, with a deadline generous for a busy 2-core machine.
Screenshots (English laptop, English phone, Chinese laptop) go to artifacts/ for people to look at.
"""

import re

import pytest
from playwright.sync_api import expect

from browsing import CHINESE, CLIPBOARD, LAPTOP, PHONE, WAIT, copied_link, needs_chromium, open_page, show_tab, text_of
from browsing import open_details, wait_for_inside
from conftest import ARTIFACTS, COMPANY_A, COMPANY_B, ROOT
from lstm_demo.models import craft_parameters
from lstm_demo.weights import load_model, model_from_text


# -- the API page (gradio_client's view_api reads what the API page shows) ---------------------------


def test_every_public_endpoint_names_and_describes_its_parameters_and_outputs(client):
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert {"/predict", "/predict_upload", "/trace", "/parity", "/train"} <= set(endpoints)
    for name, endpoint in endpoints.items():
        for item in endpoint["parameters"] + endpoint["returns"]:
            label = item["label"]
            assert isinstance(label, str) and label, (name, item)
            assert not re.fullmatch(r"value_\d+|\d+(st|nd|rd|th)", label), (name, label)
            assert "object Object" not in str(item) and "translation_metadata" not in str(item), (name, item)
        for parameter in endpoint["parameters"]:
            assert parameter["python_type"]["description"], (name, parameter["parameter_name"])
        for output in endpoint["returns"]:
            assert output["python_type"]["type"] != "Any", (name, output)
    predict = endpoints["/predict"]
    assert [p["parameter_name"] for p in predict["parameters"]] == ["sequence", "model"]
    assert predict["returns"][0]["python_type"]["type"] == "float"
    assert "between -1 and 1" in predict["returns"][0]["python_type"]["description"]


def test_the_about_tabs_script_example_runs_as_written(client):
    from gradio_client import handle_file

    from lstm_demo.ui.about import SCRIPT_EXAMPLE

    (path,) = re.findall(r'handle_file\("([^"]+)"\)', SCRIPT_EXAMPLE)
    assert (ROOT / path).is_file()
    prediction = client.predict(handle_file(str(ROOT / path)), COMPANY_A, api_name="/predict_upload")
    assert prediction == pytest.approx(load_model("craft").predict([0, 0.5, 0.25, 1]), abs=1e-6)


def test_the_endpoints_with_numbers_describe_each_parameter_in_words_of_their_own(client):
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    for name in ("/trace", "/diagram", "/train", "/race", "/lottery"):
        for parameter in endpoints[name]["parameters"]:
            description = parameter["python_type"]["description"]
            # from the docstring's Args:, not the component's label or the bare name
            assert len(description) > 30 and description != parameter["label"], (name, parameter)
    (step,) = [p for p in endpoints["/diagram"]["parameters"] if p["parameter_name"] == "step"]
    assert "day" in step["python_type"]["description"]


# -- the page ---------------------------------------------------------------------------------------


def sentence_for(weights: str, sequence: str, step: int) -> str:
    """Inside's sentence at `step` for the weights a link carries, computed by the package."""
    import torch

    from lstm_demo.data import parse_sequence
    from lstm_demo.explain import step_sentence

    with torch.no_grad():
        rows = model_from_text(weights).trace(torch.tensor(parse_sequence(sequence))).rows()
    return step_sentence(rows[step - 1])


def predictions(page) -> list[str]:
    """The numbers of the predictions table, in order (what two pages must agree on)."""
    return re.findall(r"-?\d+\.\d{3,}", page.locator("#predict-table").inner_text())


@needs_chromium
def test_predict_on_a_laptop_examples_predict_and_bad_input_stays_editable(open_context, app_server):
    page = open_context(**LAPTOP)
    open_page(page, app_server[0], "?tab=predict")
    page.get_by_role("button", name=re.compile("Your own weights")).click()
    expect(page.locator("#upload-prediction textarea, #upload-prediction input").first).to_have_value(
        "", timeout=WAIT
    )  # not 0
    before = page.locator("#predict-table").inner_text()
    # An example click predicts at once: its row appears without a click on Predict.
    page.locator("#predict-sequence").locator("xpath=ancestor::div[contains(@class,'column')][1]").get_by_role(
        "button", name="0, 0, 0, 0", exact=True
    ).first.click()
    page.wait_for_function(f"{text_of('#predict-table .table-wrap')}.includes('0, 0, 0, 0')", timeout=WAIT)
    shown = page.locator("#predict-table .table-wrap").inner_text()  # the table's cells (not its progress overlay)
    box = page.locator("#predict-sequence textarea")
    box.fill("1, x, 3")
    page.locator("#predict-button").click()
    expect(page.locator("#predict-error")).to_contain_text("Item 2 ('x') is not a number.", timeout=WAIT)
    assert box.input_value() == "1, x, 3" and box.is_editable()  # the visitor's text, as typed
    assert page.locator("#predict-table .table-wrap").inner_text() == shown  # the last good result stays
    assert "0, 0, 0, 0" not in before
    assert page.locator("#predict-table .error, #predict-chart .error").count() == 0  # no red badges
    box.fill("1, 3")
    box.press("Enter")
    page.wait_for_function(f"{text_of('#predict-table')}.includes('1, 3')", timeout=WAIT)
    expect(page.locator("#predict-error")).to_be_hidden(timeout=WAIT)
    notes = page.locator("#predict-notes").inner_text()
    assert "between −1 and 1" in notes and "StatQuest's own" in notes
    page.screenshot(path=ARTIFACTS / "visitor-predict-laptop.png", full_page=True)
    show_tab(page, "About")
    about = page.locator("#about-card-craft")
    expect(about).to_contain_text("StatQuest's own numbers", timeout=WAIT)
    expect(page.get_by_text("weights/craft/model.safetensors")).to_be_visible(timeout=WAIT)
    page.screenshot(path=ARTIFACTS / "visitor-about-laptop.png", full_page=True)


@needs_chromium
def test_a_phone_shows_a_result_on_its_first_screen_one_card_per_sequence(open_context, app_server):
    """On Predict (a link to it; a bare link lands on the drawing, test_cell_page.py)."""
    page = open_context(**PHONE)
    open_page(page, app_server[0], "?tab=predict")
    cards = page.locator("#predict-cards .predict-card")
    expect(cards).to_have_count(3, timeout=WAIT)  # Company A, Company B, your sequence
    expect(page.locator("#predict-table")).to_be_hidden(timeout=WAIT)
    first = cards.first.bounding_box()
    assert first["y"] + first["height"] <= 844, "the first result is below the phone's first screen"
    assert "Company A" in cards.first.inner_text() and "built-in (pretrained)" in cards.first.inner_text()
    page.wait_for_function("document.documentElement.scrollWidth <= 390", timeout=WAIT)
    page.screenshot(path=ARTIFACTS / "visitor-predict-phone.png", full_page=True)
    show_tab(page, "About")  # from the "..." menu: a phone's row of tabs holds two or three
    expect(page.locator("#about-card-builtin")).to_be_visible(timeout=WAIT)
    page.wait_for_function("document.documentElement.scrollWidth <= 390", timeout=WAIT)
    page.screenshot(path=ARTIFACTS / "visitor-about-phone.png", full_page=True)


@needs_chromium
def test_a_chinese_page_says_everything_in_chinese(open_context, app_server):
    page = open_context(**CHINESE)
    page.goto(app_server[0] + "?tab=predict")
    page.wait_for_function(f"{text_of('#predict-table')}.includes('你的序列')", timeout=WAIT)
    table = page.locator("#predict-table").inner_text()
    assert all(word in table for word in ("序列", "标签", "公司 A", "你的序列", "内置（预训练）"))
    expect(page.locator("#weights-source")).to_contain_text("当前使用", timeout=WAIT)
    expect(page.locator("#share-button")).to_have_text("分享当前状态", timeout=WAIT)
    page.locator("#predict-sequence textarea").fill("1，x")
    page.locator("#predict-button").click()
    expect(page.locator("#predict-error")).to_contain_text("第 2 项（'x'）不是数字。", timeout=WAIT)
    page.screenshot(path=ARTIFACTS / "visitor-predict-zh.png", full_page=True)
    show_tab(page, "关于")
    expect(page.locator("#about-what")).to_contain_text("这是什么", timeout=WAIT)
    expect(page.locator("#about-card-craft")).to_contain_text("StatQuest 视频", timeout=WAIT)
    expect(page.locator("#about-limits")).to_contain_text("限制", timeout=WAIT)
    page.screenshot(path=ARTIFACTS / "visitor-about-zh.png", full_page=True)
    # Inside's charts in Chinese, on the same page (test_inside_shows_gates_... has them in English).
    show_tab(page, "LSTM 内部")
    wait_for_inside(page, 1)
    check_inside_charts(page, chinese=True)


@needs_chromium
def test_a_share_link_made_on_inside_at_step_2_after_training_reopens_there_with_the_trained_weights(
    open_context, app_server
):
    sender = open_context(**LAPTOP, **CLIPBOARD)
    open_page(sender, app_server[0], "?tab=retrain")
    sender.locator("#retrain-model input[value=builtin]").check()
    sender.locator("#use-own input").check()  # before there are any: the training's show once it ends
    sender.locator("#train-button").click()
    # the final text ("Converged after ..."): the running text's "(it stops once converged)" is not
    sender.wait_for_function(f"{text_of('#train-progress')}.includes('Converged after')", timeout=WAIT)
    expect(sender.locator("#use-own input")).to_be_checked()
    show_tab(sender, "Predict")
    sender.wait_for_function(f"{text_of('#predict-table')}.includes('built-in (trained)')", timeout=WAIT)
    trained = predictions(sender)
    shared = sender.locator("#weights-link textarea, #weights-link input").first.input_value()
    assert shared.startswith("builtin:"), shared
    # The oracle: the library's own sentences for these weights (the page must not show another step's).
    expected = {step: sentence_for(shared, COMPANY_B, step) for step in (1, 2)}
    show_tab(sender, "Inside the LSTM")
    open_details(sender)
    sender.locator("#inside-model").get_by_text("built-in").click()
    # A company's sequence opens on the story's first day.
    expect(sender.locator("#inside-sentence")).to_have_text(expected[1], timeout=WAIT)
    number = sender.locator("#inside-step input[type=number]")
    number.fill("2")
    number.press("Enter")
    expect(sender.locator("#inside-sentence")).to_have_text(expected[2], timeout=WAIT)
    wait_for_inside(sender, 2)  # the drawing follows the visitor's slider
    sentence = expected[2]
    link = copied_link(sender, sender.get_by_role("button", name="Share this state").click)
    assert "tab=inside" in link and "step=2" in link and "weights=builtin%3A" in link, link

    recipient = open_context(**LAPTOP)
    recipient.goto(link)
    expect(recipient.get_by_role("tab", name="Inside the LSTM")).to_have_attribute(
        "aria-selected", "true", timeout=WAIT
    )
    # The link's day: the drawing opens on it, the slider and the sentence with it.
    wait_for_inside(recipient, 2)
    # the same numbers: the same weights (waited for: a progress timer may still sit over the line)
    expect(recipient.locator("#inside-sentence")).to_have_text(sentence, timeout=WAIT)
    expect(recipient.locator("#inside-step input[type=number]")).to_have_value("2", timeout=WAIT)
    drawn = recipient.evaluate("window.lstmCells.inside.state.weights")
    assert drawn == pytest.approx(craft_parameters(model_from_text(shared)), abs=1e-5)  # the link's weights, drawn
    # the drawing's days slide into place (CSS transitions): the screenshot shows where they end
    recipient.wait_for_function("document.getAnimations().every((a) => a.playState !== 'running')", timeout=WAIT)
    recipient.screenshot(path=ARTIFACTS / "visitor-shared-inside.png", full_page=True)
    show_tab(recipient, "Predict")
    recipient.wait_for_function(f"{text_of('#predict-table')}.includes('built-in (from the link)')", timeout=WAIT)
    assert predictions(recipient) == trained
    # and the training's summary: the readable table and the JSON, as the sender saw them
    show_tab(sender, "Retrain")
    sent_table = sender.locator("#train-table").inner_text()
    assert "converged" in sent_table.lower(), sent_table
    show_tab(recipient, "Retrain")
    expect(recipient.locator("#train-table")).to_have_text(sent_table, timeout=WAIT)
    recipient.get_by_text("The summary as JSON (for scripts)").click()
    expect(recipient.locator("#train-summary")).to_contain_text("stop_reason", timeout=WAIT)


@needs_chromium
def test_a_link_with_bad_weights_says_so_and_shows_the_pretrained_ones(open_context, app_server):
    page = open_context(**LAPTOP)
    open_page(page, app_server[0], "?tab=Inside&weights=craft:1,2,nan")
    expect(page.locator("#link-notice")).to_contain_text("12 numbers", timeout=WAIT)
    assert page.get_by_role("tab", name="Inside the LSTM").get_attribute("aria-selected") == "true"
    expect(page.locator("#inside-badge")).to_contain_text("pretrained: StatQuest's own numbers", timeout=WAIT)
    drawn = page.evaluate("window.lstmCells.inside.state.weights")
    assert drawn == pytest.approx(craft_parameters(load_model("craft")), abs=1e-6)  # the pretrained, drawn
    show_tab(page, "Predict")
    page.wait_for_function(f"{text_of('#predict-table')}.includes('hand-built (pretrained)')", timeout=WAIT)


# -- Inside's two charts and the badge (issue 10: gates and memories apart, whole steps, the chosen step) --

# The x axis's labels from left to right (Vega reuses its elements on a redraw: not in DOM order).
AXIS_LABELS_JS = """(root) => [...document.querySelectorAll(root + ' .role-axis')]
    .filter((axis) => (axis.getAttribute('aria-label') || '').startsWith('X-axis'))
    .flatMap((axis) => [...axis.querySelectorAll('.role-axis-label text')])
    .filter((t) => t.getBoundingClientRect().width > 0)
    .sort((a, b) => a.getBoundingClientRect().left - b.getBoundingClientRect().left)
    .map((t) => t.textContent)"""
TITLES_JS = (
    "(root) => [...document.querySelectorAll(root + ' .role-title-text, ' + root + ' .role-axis-title')]"
    ".map((t) => t.textContent)"
)
HIGHLIGHTED_JS = """() => [...document.querySelectorAll('#inside-table [role=gridcell][data-col="0"]')]
    .filter((cell) => getComputedStyle(cell).backgroundColor === 'rgb(253, 230, 138)')
    .map((cell) => cell.innerText.trim())"""  # the step column of each highlighted row


@needs_chromium
def test_inside_shows_gates_and_memories_apart_on_whole_steps_with_the_chosen_step_marked(open_context, app_server):
    """In English here; test_a_chinese_page_says_everything_in_chinese makes the same checks in Chinese."""
    page = open_context(**LAPTOP)
    open_page(page, app_server[0], "?tab=inside")
    wait_for_inside(page, 1)
    check_inside_charts(page, chinese=False)


def check_inside_charts(page, chinese: bool) -> None:
    """On Inside (the pretrained hand-built cell, Company B, opened on the story's first day): gates and
    memories in two charts on whole steps, the chosen step marked in both and in the table; then
    Predict's chart."""
    from test_visitor_tabs import assert_html_legend_whole

    chosen = "所选的步 t = 1" if chinese else "chosen step t = 1"
    gates = ["遗忘门 F", "候选值 C~"] if chinese else ["forget gate F", "candidate C~"]
    assert_html_legend_whole(page, "#inside-chart-legend", [*gates, chosen])
    memories = ["长期记忆 C", "短期记忆 H"] if chinese else ["long-term memory C", "short-term memory H"]
    assert_html_legend_whole(page, "#inside-memory-chart-legend", [*memories, chosen])
    for root in ("#inside-chart", "#inside-memory-chart"):  # whole steps, the chosen one marked
        page.wait_for_function(f"({AXIS_LABELS_JS})({root!r}).length > 0", timeout=WAIT)
        assert page.evaluate(AXIS_LABELS_JS, root) == ["1▲", "2", "3", "4"], root
    titles = page.evaluate(TITLES_JS, "#inside-chart") + page.evaluate(TITLES_JS, "#inside-memory-chart")
    expected = (
        ("门与候选值 C~", "长期记忆 C", "时间步 t")
        if chinese
        else ("Gates and candidate C~", "Long-term C", "time step t")
    )
    assert all(any(word in title for title in titles) for word in expected), titles
    badge = page.locator("#inside-badge").inner_text()
    assert ("StatQuest 视频" if chinese else "StatQuest's own numbers") in badge, badge
    page.wait_for_function(f"JSON.stringify(({HIGHLIGHTED_JS})()) === '[\"1\"]'", timeout=WAIT)  # the first day
    number = page.locator("#inside-step input[type=number]")
    number.fill("2")
    number.press("Enter")
    page.wait_for_function(f"JSON.stringify(({HIGHLIGHTED_JS})()) === '[\"2\"]'", timeout=WAIT)
    marked = f'JSON.stringify(({AXIS_LABELS_JS})(\'#inside-memory-chart\')) === \'["1","2▲","3","4"]\''
    page.wait_for_function(marked, timeout=WAIT)  # the chart marks the new step too
    assert_html_legend_whole(page, "#inside-chart-legend", [chosen.replace("1", "2")])
    page.screenshot(path=ARTIFACTS / f"visitor-inside-charts-{'zh' if chinese else 'laptop'}.png", full_page=True)
    show_tab(page, "预测" if chinese else "Predict")
    page.wait_for_function("document.querySelectorAll('#predict-chart .role-axis-label text').length > 0", timeout=WAIT)
    days = page.evaluate(AXIS_LABELS_JS, "#predict-chart")
    assert days == ["1", "2", "3", "4"], days  # whole days, no 1.5
    assert any(("你的序列" if chinese else "Your sequence") in t for t in page.evaluate(TITLES_JS, "#predict-chart"))
    expect(page.locator("#predict-badge")).to_contain_text("显示的权重" if chinese else "Weights shown", timeout=WAIT)
