"""Normalisation keeps the way back to the original; sentences end where Chinese text ends them."""

from __future__ import annotations

import itertools

import pytest
from fincorpus.nlp.text import fold_width, normalize, split_sentences
from hypothesis import given, settings
from hypothesis import strategies as st

MIXED = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("美债黄金稀土关税的是中国外汇储备亿万元年月日AaZz09１２ＡＢ％．，。！？；…"
                             "“”「」（）().!?;:： \u3000\n\t\u200b\ufeff\u00ad")),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=60,
)


@pytest.mark.parametrize(("text", "folded"), [
    ("ＡＢＣ１２３", "ABC123"),
    ("６８２６亿美元，增长２０％", "6826亿美元,增长20%"),
    ("美债\u3000黄金", "美债 黄金"),
    ("￥１００", "¥100"),
    ("外汇储备。“稀土”", "外汇储备。“稀土”"),  # 。 and curly quotes are not full-width ASCII
])
def test_fold_width_one_for_one(text: str, folded: str) -> None:
    assert fold_width(text) == folded
    assert len(fold_width(text)) == len(text)


@pytest.mark.parametrize(("text", "expected", "span", "original_span"), [
    ("ＡＢＣ", "ABC", (1, 3), (1, 3)),
    ("美\u200b债", "美债", (0, 2), (0, 3)),
    ("美债\u200b下跌", "美债下跌", (2, 4), (2, 5)),  # a dropped character goes with what follows
    ("美债下跌\u200b", "美债下跌", (2, 4), (2, 5)),  # and with the last span at the end
    ("\ufeff美债", "美债", (0, 1), (0, 2)),
])
def test_normalize_maps_back(text: str, expected: str, span: tuple[int, int],
                             original_span: tuple[int, int]) -> None:
    norm = normalize(text)
    assert norm.text == expected
    assert norm.to_original(*span) == original_span


@settings(derandomize=True, max_examples=300, deadline=None)
@given(MIXED, st.data())
def test_normalize_spans_tile_the_original(text: str, data: st.DataObject) -> None:
    norm = normalize(text)
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(norm.text)), max_size=5))))
    edges = [0, *cuts, len(norm.text)]
    pieces = [norm.to_original(a, b) for a, b in itertools.pairwise(edges)]
    assert "".join(text[a:b] for a, b in pieces) == text
    for (a, b), (start, end) in zip(itertools.pairwise(edges), pieces):
        assert normalize(text[start:end]).text == norm.text[a:b]


@pytest.mark.parametrize(("text", "sentences"), [
    ("美债下跌。黄金上涨！真的吗？是的；", ["美债下跌。", "黄金上涨！", "真的吗？", "是的；"]),
    ("当然……然后呢", ["当然……", "然后呢"]),
    ("真的?!不会吧", ["真的?!", "不会吧"]),
    ("黄金、白银……，都在涨。", ["黄金、白银……，都在涨。"]),
    ("他说：“美债不安全。”随后离开。", ["他说：“美债不安全。”", "随后离开。"]),
    ("（见附表。）下一句。", ["（见附表。）", "下一句。"]),
    ("他问：「会降息吗？」』没人回答。", ["他问：「会降息吗？」』", "没人回答。"]),
    ("中国减持美债！”——这是真的", ["中国减持美债！”", "——这是真的"]),
    ("增长2.5%，占比3.14。", ["增长2.5%，占比3.14。"]),
    ("1.减持美债；2.增持黄金。", ["1.减持美债；", "2.增持黄金。"]),
    ("要点： 1. 减持美债 2. 增持黄金 （3）稀土 ④关税", ["要点：", "1. 减持美债", "2. 增持黄金",
                                                    "（3）稀土", "④关税"]),
    ("增长 2.5%，第 3、4 季度", ["增长 2.5%，第 3、4 季度"]),
    ("Mr. Powell said the U.S. economy is strong. Gold rose 3.5% today. 美联储表态。",
     ["Mr. Powell said the U.S. economy is strong.", "Gold rose 3.5% today.", "美联储表态。"]),
    ('He said "Gold is money." Then he left.', ['He said "Gold is money."', "Then he left."]),
    ("J. Powell 讲话。", ["J. Powell 讲话。"]),
    ("美债下跌.随后反弹", ["美债下跌.", "随后反弹"]),
    ("访问www.163.com?a=1查看。OK! 好的", ["访问www.163.com?a=1查看。", "OK!", "好的"]),
    ("English ends here. 中文接着说。", ["English ends here.", "中文接着说。"]),
    ("Ｇｏｌｄ．Ｓｉｌｖｅｒ。", ["Ｇｏｌｄ．Ｓｉｌｖｅｒ。"]),
    ("  \n \n", []),
])
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert [s.text for s in split_sentences(text)] == sentences


def test_sentences_know_their_paragraph_and_offsets() -> None:
    text = "第一段。\n\n  第二段！第三句"
    found = split_sentences(text)
    assert [(s.text, s.start, s.end, s.paragraph) for s in found] == [
        ("第一段。", 0, 4, 0), ("第二段！", 8, 12, 2), ("第三句", 12, 15, 2)]


@settings(derandomize=True, max_examples=300, deadline=None)
@given(MIXED)
def test_sentences_round_trip_and_cover_the_text(text: str) -> None:
    found = split_sentences(text)
    for sentence in found:
        assert text[sentence.start:sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip() and sentence.text
        assert "\n" not in sentence.text
    assert "".join("".join(s.text.split()) for s in found) == "".join(text.split())
    assert [s.start for s in found] == sorted(s.start for s in found)
