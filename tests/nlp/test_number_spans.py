"""The number pre-pass: which spans are protected, with which tag, in each style."""

from __future__ import annotations

import pytest
from fincorpus.nlp.number_spans import digit_words, pattern, protected_spans


def _found(text: str, style: str = "whole", words: list[str] = ()) -> list[tuple[str, str]]:
    index = digit_words(words)
    return [(text[s:e], pos) for s, e, pos in protected_spans(text, style, index)]


@pytest.mark.parametrize(("text", "spans"), [
    ("外储6826亿美元", [("6826亿美元", "mq")]),
    ("1.3万亿美元与7412万盎司", [("1.3万亿美元", "mq"), ("7412万盎司", "mq")]),
    ("20%—30%和20-30%", [("20%—30%", "m"), ("20-30%", "m")]),
    ("2025年11月30日10时30分", [("2025年11月30日", "t"), ("10时30分", "t")]),
    ("二〇二五年十一月", [("二〇二五年十一月", "t")]),
    ("百分之二十", [("百分之二十", "m")]),
    ("3/4与1∶1", [("3/4", "m"), ("1∶1", "m")]),
    ("14·9%", [("14·9%", "m")]),
    ("H200、v1.5、COVID-19、5G、28nm", []),
    ("300多家企业", [("300多家", "mq")]),
    ("一年两年", []),
])
def test_whole_style(text: str, spans: list[tuple[str, str]]) -> None:
    assert _found(text) == spans


@pytest.mark.parametrize(("text", "spans"), [
    ("2025年11月30日", [("2025年", "t"), ("11月", "t"), ("30日", "t")]),
    ("1.3万亿美元", [("1.3万亿", "m")]),
    ("100年", [("100", "m")]),
    ("增长25%", [("25%", "m")]),
])
def test_parts_style(text: str, spans: list[tuple[str, str]]) -> None:
    assert _found(text, "parts") == spans


@pytest.mark.parametrize(("text", "words", "spans"), [
    ("标普500指数", ["标普500"], [("标普500", "")]),
    ("世界500强企业", ["500强"], [("500强", "")]),
    ("世界500家企业", ["500强"], [("500家", "mq")]),
    ("2025年11月", ["2025年"], [("2025年11月", "t")]),  # a longer number span wins
])
def test_dictionary_words_with_digits_stay_whole(text: str, words: list[str],
                                                 spans: list[tuple[str, str]]) -> None:
    assert _found(text, words=words) == spans


def test_unknown_style_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="whole"):
        pattern("roman")


def test_a_longer_dictionary_word_is_not_matched_past_the_end() -> None:
    words = ["10年期美债", "10年期美债收益率"]
    assert _found("10年期美债", words=words) == [("10年期美债", "")]
    assert _found("10年期美债收益率升", words=words) == [("10年期美债收益率", "")]
