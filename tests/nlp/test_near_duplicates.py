"""Reused passages across texts: MinHash + LSH candidates, confirmed by exact Jaccard."""

from __future__ import annotations

import numpy as np
import pytest
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Article, Provenance
from fincorpus.nlp.near_duplicates import (
    Pair,
    bands_for,
    fold,
    jaccard,
    near_duplicates,
    shingles,
)

ORIGINAL = ("截至2025年11月底，国际金融市场披露一组关键数据：中国所持美国国债规模滑落至6826亿美元，"
            "刷新自2008年全球金融风暴以来的历史低位。全年减持节奏持续而坚定，从年初至11月末累计减持"
            "约700亿美元，其中11月单月净抛售达61亿美元，7月单月减持幅度更高达257亿美元。")
# The same paragraph with three words changed, as a rewriting account would.
REWRITE = ("截至2025年11月底，国际金融市场公布一组关键数据：中国所持美国国债规模跌落至6826亿美元，"
           "刷新自2008年全球金融危机以来的历史低位。全年减持节奏持续而坚定，从年初至11月末累计减持"
           "约700亿美元，其中11月单月净抛售达61亿美元，7月单月减持幅度更高达257亿美元。")
UNRELATED = ("英伟达、AMD对华AI芯片销售占其总营收比重达20%—30%，关税落地后订单量断崖式下滑，营收承压"
             "迫使两家企业紧急重构全球分销网络与库存调度体系，额外产生数亿美元合规与物流成本。")
OTHER = ("东南亚与欧洲半导体相关领域投资分别激增42%与31%，正成长为全球第三极芯片制造高地，"
         "部分跨国企业出于政策不确定性考量，将先进封装产线与测试中心迁往越南、马来西亚及荷兰等地。")


def test_fold_ignores_width_case_spaces_and_punctuation() -> None:
    assert fold("６８２６ 亿美元，ＡＩ！") == fold("6826亿美元ai") == "6826亿美元ai"


def test_near_duplicates_finds_a_rewrite_with_expected_similarity() -> None:
    texts = {"site-a": f"{UNRELATED}\n{ORIGINAL}", "site-b": f"{REWRITE}\n{OTHER}"}
    pairs = near_duplicates(texts)
    assert len(pairs) == 1
    pair = pairs[0]
    assert (pair.a_id, pair.b_id) == ("site-a", "site-b")
    assert texts["site-a"][pair.a_start:pair.a_end] == ORIGINAL
    assert texts["site-b"][pair.b_start:pair.b_end] == REWRITE
    # Three two-character words changed in ~150 characters: each kills up to 6 of the
    # ~150 5-grams on both sides, so Jaccard is about (150-18)/(150+18) ≈ 0.8.
    assert 0.7 < pair.similarity < 0.9
    assert abs(pair.estimate - pair.similarity) < 0.15
    assert pair.similarity == pytest.approx(jaccard(shingles(ORIGINAL), shingles(REWRITE)))


def test_near_duplicates_leaves_unrelated_passages_alone() -> None:
    assert near_duplicates([ORIGINAL, UNRELATED, OTHER]) == []
    assert near_duplicates([ORIGINAL, REWRITE], threshold=0.95) == []


def test_near_duplicates_is_deterministic_and_sorted() -> None:
    texts = [ORIGINAL, REWRITE, ORIGINAL + "完", UNRELATED]
    first = near_duplicates(texts)
    assert first == near_duplicates(texts)
    assert [p.similarity for p in first] == sorted((p.similarity for p in first), reverse=True)
    assert len(first) == 3 and all(isinstance(p, Pair) for p in first)


def test_near_duplicates_on_articles_and_sentence_windows() -> None:
    made = Provenance("test", "1")
    a = Article("a", (UNRELATED, ORIGINAL), made, url="https://example.com/a")
    b = Article("b", (REWRITE,), made, url="https://example.com/b")
    by_paragraph = near_duplicates([a, b])
    assert [(p.a_id, p.b_id) for p in by_paragraph] == [(a.id, b.id)]
    by_window = near_duplicates([a, b], window=2)
    assert by_window and all(p.a_id == a.id and p.b_id == b.id for p in by_window)
    assert all(a.text[p.a_start:p.a_end] in ORIGINAL for p in by_window)


def test_near_duplicates_within_one_text_only_when_asked() -> None:
    text = f"{ORIGINAL}\n{REWRITE}"
    assert near_duplicates([text]) == []
    assert len(near_duplicates([text], same_text=True)) == 1


def test_near_duplicates_empty_and_short_input() -> None:
    assert near_duplicates([]) == []
    assert near_duplicates({"a": "", "b": "\n\n"}) == []
    assert near_duplicates(["来源：网易", "来源：网易"]) == []  # under min_chars
    assert len(near_duplicates(["来源：网易", "来源：网易"], min_chars=1)) == 1


def test_near_duplicates_scales_to_thousands_of_paragraphs() -> None:
    rng = np.random.default_rng(0)
    alphabet = np.array(list(ORIGINAL + UNRELATED + OTHER))
    texts = {str(i): "".join(rng.choice(alphabet, 120)) for i in range(2000)}
    texts["copy"] = texts["7"][:50] + "改写了" + texts["7"][53:]
    pairs = near_duplicates(texts)
    assert [(p.a_id, p.b_id) for p in pairs] == [("7", "copy")]


@pytest.mark.parametrize("kwargs", [{"threshold": 0}, {"threshold": 1.5}, {"k": 0},
                                    {"window": 0}])
def test_near_duplicates_bad_options_are_one_line_errors(kwargs) -> None:
    with pytest.raises(BadInput) as error:
        near_duplicates([ORIGINAL, REWRITE], **kwargs)
    assert "\n" not in str(error.value)


def test_near_duplicates_refuses_repeated_ids_and_wrong_types() -> None:
    with pytest.raises(TypeError):
        near_duplicates([ORIGINAL, 42])
    made = Provenance("test", "1")
    twice = Article("t", (ORIGINAL,), made, url="https://example.com/x")
    with pytest.raises(BadInput):
        near_duplicates([twice, twice])


def test_bands_catch_a_pair_at_the_threshold() -> None:
    for threshold in (0.3, 0.6, 0.8):
        bands, rows = bands_for(threshold, 128)
        assert bands * rows <= 128
        assert 1 - (1 - threshold ** rows) ** bands >= 0.99
