"""Both languages: every label has both, and the errors a visitor can cause have a Chinese sentence."""

import pytest

from lstm_demo.ui.text import EN, ZH, translate_error


def test_every_label_exists_in_both_languages():
    assert EN.keys() == ZH.keys()
    assert sum(ZH[key] == EN[key] for key in EN) == 0


@pytest.mark.parametrize(
    "message, chinese",
    [
        ("The sequence is empty: enter numbers separated by commas, e.g. '0, 0.5, 0.25, 1'.", "序列为空"),
        ("Item 2 ('x') is not a number.", "第 2 项('x')不是数字。"),
        ("Item 1 is NaN; every value must be a finite number.", "第 1 项是 NaN"),
        ("The sequence has 10,001 numbers; the limit is 10,000.", "序列有 10,001 个数字;上限是 10,000 个。"),
        ("Unknown model 'gru'; choose builtin, craft.", "未知的模型 'gru'"),
        ("The number of epochs must be a whole number from 1 to 10,000.", "轮数必须是 1 到 10,000 之间的整数。"),
        ("The learning rate must be a number from 1e-06 to 10.", "学习率必须是 1e-06 到 10 之间的数字。"),
        ("The seed must be a whole number, not 'x'.", "随机种子必须是整数"),
        ("Tensor w_xf is float64; save the weights as float32.", "请以 float32 保存权重"),
        ("The file's header is not valid JSON: this is not a .safetensors file.", "不是一个有效的 .safetensors 文件"),
        ("No GPU is available here; the devices this machine has are: cpu.", "这里没有可用的 GPU"),
        ("Training failed inside a step (ValueError); nothing was saved.", "训练失败"),
    ],
)
def test_errors_have_a_chinese_sentence(message, chinese):
    translated = translate_error(message, "zh")
    assert chinese in translated and not translated.startswith("出错了")
    assert translate_error(message, "en") == message


def test_an_error_without_a_translation_still_says_something_in_chinese():
    assert translate_error("Something new.", "zh") == "出错了:Something new."
