"""One catalogue, both languages: every label and every sentence the server or the page shows is a key
of lstm_demo.messages with English and Chinese, and every error the package raises names one."""

import ast
import re
from pathlib import Path

import pytest

from lstm_demo.checks import whole_number
from lstm_demo.data import parse_sequence
from lstm_demo.errors import InputError, LSTMDemoError
from lstm_demo.messages import EN, LANGUAGES, MESSAGES, WORDS, ZH, placeholders, say

PACKAGE = Path(__file__).resolve().parent.parent / "lstm_demo"
CJK = re.compile(r"[\u4e00-\u9fff]")


FORMULA = re.compile(r"\{[^}]*\}|[A-Za-z]+\([^()]*\)")  # placeholders and formulas such as tanh(C_t)


def test_every_label_exists_in_both_languages():
    assert EN.keys() == ZH.keys()
    # The same text in both is fine only where it holds no words: "{source} → {target}", "tanh(C_t)".
    assert [key for key in EN if ZH[key] == EN[key] and re.search(r"[A-Za-z]{3,}", FORMULA.sub("", EN[key]))] == []


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_sentence_has_both_languages_with_the_same_placeholders(key):
    english, chinese = MESSAGES[key]
    assert english.strip() and chinese.strip()
    assert len(MESSAGES[key]) == len(LANGUAGES)
    assert placeholders(english) == placeholders(chinese), key
    if re.search(r"[A-Za-z]{3,}", FORMULA.sub("", english)):  # words, not only placeholders and formulas
        assert CJK.search(chinese), f"{key}: the Chinese sentence has no Chinese in it"


def test_chinese_text_uses_full_width_punctuation():
    # ASCII , : ; ( ) next to a Chinese character (a space between allowed) is a half-width mark in
    # Chinese text: "第 4 天,共 4 天" and "← →;点击" are wrong, "0, 0.5, 0.25, 1" is a sequence.
    half_width = re.compile(r"[\u4e00-\u9fff] ?[,:;()]|[,:;()] ?[\u4e00-\u9fff]")
    offenders = [key for key, (_, zh) in MESSAGES.items() if half_width.search(FORMULA.sub("", zh))]
    assert offenders == []


def test_no_module_but_the_catalogue_holds_words_of_a_language():
    # A Chinese character anywhere else in the package's code (Python or the page's JavaScript) is a
    # translation kept outside the catalogue.
    found = []
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".js", ".css") and path.name != "messages.py":
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if CJK.search(line):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{number}")
    assert found == []


def _raise_sites():
    """Every `raise <Something>Error(...)` and `raise InputError(...)` in the package's source."""
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                name = getattr(node.exc.func, "id", None) or getattr(node.exc.func, "attr", "")
                yield path.relative_to(PACKAGE.parent), node.lineno, name, node.exc


# The package's own errors, and gr.Error: what a visitor or script reads as a sentence.
SENTENCE_ERRORS = {"LSTMDemoError", "InputError", "WeightsError", "TrainingError", "LimitsError", "Error"}


def test_every_sentence_the_package_raises_has_a_catalogue_key():
    unkeyed = []
    for path, line, name, call in _raise_sites():
        if name not in SENTENCE_ERRORS:
            continue  # ValueError and friends: programming errors, never shown as a sentence
        keys = [k.value for k in call.keywords if k.arg == "key"]
        if not keys:
            unkeyed.append(f"{path}:{line} {name}")
        elif isinstance(keys[0], ast.Constant):
            assert keys[0].value in MESSAGES, f"{path}:{line}: {keys[0].value!r} is not in the catalogue"
    assert unkeyed == [], "errors raised without a catalogue key:\n" + "\n".join(unkeyed)


def test_every_name_a_check_fills_in_has_a_chinese_word():
    checks = {"whole_number", "real_number", "choice"}
    missing = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in checks and len(node.args) > 1:
                what = node.args[1]
                if isinstance(what, ast.Constant) and what.value not in WORDS:
                    missing.add(f"{path.name}:{node.lineno} {what.value!r}")
    assert missing == set()


@pytest.mark.parametrize(
    "raise_it, english, chinese",
    [
        (lambda: parse_sequence("1, x"), "Item 2 ('x') is not a number.", "第 2 项（'x'）不是数字。"),
        (lambda: parse_sequence(""), "The sequence is empty", "序列为空："),
        (lambda: parse_sequence("nan"), "Item 1 is NaN; every value must be a finite number.", "第 1 项是 NaN；"),
        (
            lambda: whole_number(0, "number of epochs", 1, 10_000),
            "from 1 to 10,000.",
            "轮数必须是 1 到 10,000 之间的整数。",
        ),
        (lambda: whole_number("x", "seed", 0, 9), "The seed must be a whole number, not 'x'.", "随机种子必须是整数"),
    ],
)
def test_an_error_reads_in_english_for_scripts_and_in_chinese_for_a_chinese_page(raise_it, english, chinese):
    with pytest.raises(LSTMDemoError) as info:
        raise_it()
    assert english in str(info.value)
    assert chinese in info.value.sentence("zh")
    assert info.value.sentence("en") == str(info.value)


def test_a_reworded_english_sentence_keeps_its_chinese():
    # The Chinese is found by key, not by matching the English text.
    error = InputError(key="sequence.nan", params={"position": 3})
    assert error.sentence("zh") == say("sequence.nan", "zh", position=3)
    assert "NaN" in str(error) and "第 3 项" in error.sentence("zh")


def test_an_error_needs_a_message_or_a_key():
    with pytest.raises(TypeError):
        InputError()
    assert str(InputError("plain")) == "plain" and InputError("plain").sentence("zh") == "plain"
