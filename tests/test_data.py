import pytest
import torch

from lstm_demo.data import COMPANIES, InputError, format_sequence, known_label, parse_sequence, training_data
from lstm_demo.limits import Limits


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0, 0.5, 0.25, 1", [0.0, 0.5, 0.25, 1.0]),
        ("0 0.5 0.25 1", [0.0, 0.5, 0.25, 1.0]),
        ("[1,0.5,  0.25 ,1]", [1.0, 0.5, 0.25, 1.0]),
        ("-1e-3; 2", [-0.001, 2.0]),
        ("7", [7.0]),
    ],
)
def test_parse_accepts_commas_spaces_and_brackets(text, expected):
    assert parse_sequence(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1，0.5，0.25，1", [1.0, 0.5, 0.25, 1.0]),  # full-width commas, as a Chinese keyboard types them
        ("1；0.5；0.25；1", [1.0, 0.5, 0.25, 1.0]),
        ("1、0.5、0.25、1", [1.0, 0.5, 0.25, 1.0]),  # the ideographic comma
        ("１，０.５，０．２５，１", [1.0, 0.5, 0.25, 1.0]),  # full-width digits and period
        ("－0.5， １ｅ－３", [-0.5, 0.001]),  # full-width minus and exponent
        ("−0.5 1", [-0.5, 1.0]),  # the minus sign U+2212, as printed
        ("［1，2］", [1.0, 2.0]),
        ("1\u30002", [1.0, 2.0]),  # the ideographic space
        (["１", "－2"], [1.0, -2.0]),
    ],
)
def test_parse_accepts_chinese_punctuation_and_full_width_digits(text, expected):
    assert parse_sequence(text) == expected


def test_chinese_text_that_is_not_a_number_is_refused_with_its_position():
    with pytest.raises(InputError, match="Item 2 \\('二'\\) is not a number"):
        parse_sequence("1，二，3")


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("", "empty"),
        ("  , ,", "empty"),
        ("0, apple, 1", "Item 2 ('apple') is not a number"),
        ("nan", "NaN"),
        ("1, NaN", "Item 2 is NaN"),
        ("inf", "infinite"),
        ("-Infinity", "infinite"),
        ("1e39", "too large"),
        (None, "must be text"),
        (3.5, "must be text"),
    ],
)
def test_parse_refuses_with_one_sentence(text, fragment):
    with pytest.raises(InputError) as info:
        parse_sequence(text)
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message


def test_parse_enforces_the_length_limit():
    limits = Limits(max_sequence_length=5)
    assert len(parse_sequence("1 " * 5, limits)) == 5
    with pytest.raises(InputError, match="6 numbers; the limit is 5"):
        parse_sequence("1 " * 6, limits)


def test_default_limit_allows_ten_thousand_steps():
    assert len(parse_sequence(", ".join(["0.5"] * 10_000))) == 10_000


def test_the_two_companies_are_the_seeds():
    inputs, labels = training_data()
    assert inputs.tolist() == [[0.0, 0.5, 0.25, 1.0], [1.0, 0.5, 0.25, 1.0]]
    assert labels.tolist() == [0.0, 1.0]
    assert [known_label(c.sequence) for c in COMPANIES] == [0.0, 1.0]
    assert known_label([0.5, 0.5]) is None


def test_format_round_trips():
    values = [0.0, 0.5, -0.25, 1e-05, -1234.5, 3e20]
    assert format_sequence(values) == "0, 0.5, -0.25, 1e-05, -1234.5, 3e+20"
    assert parse_sequence(format_sequence(values)) == values
    # Six significant digits: any float comes back within its last printed digit.
    noisy = torch.randn(50, generator=torch.Generator().manual_seed(0)).mul(1000).tolist()
    torch.testing.assert_close(parse_sequence(format_sequence(noisy)), noisy, rtol=5e-6, atol=0)
