"""The term matcher and the shared scoring: leftmost-longest, no double counts, folded text."""

from __future__ import annotations

import pytest
from fincorpus.nlp.term_scores import CategoryScorer, char_count
from fincorpus.nlp.terms import Term, TermMatcher, fold


def _found(terms: list[str], text: str) -> list[str]:
    return [text[m.start:m.end] for m in TermMatcher(terms).find(text)]


@pytest.mark.parametrize(
    ("terms", "text", "expected"),
    [
        (["出口管制", "稀土出口管制"], "稀土出口管制再升级", ["稀土出口管制"]),
        (["美国国债", "国债收益率"], "美国国债收益率走高", ["美国国债"]),
        (["美债", "美债收益率"], "美债收益率和美债", ["美债收益率", "美债"]),
        (["黄金", "金价"], "黄金价格", ["黄金"]),
        (["减持"], "减持减持", ["减持", "减持"]),
        (["CIPS"], "接入CIPS的机构", ["CIPS"]),
        (["AI"], "MAIN 与 AI芯片", ["AI"]),
        (["QE"], "QED 不是 QE", ["QE"]),
        (["F-35"], "一架F-35战斗机", ["F-35"]),
        (["美债"], "美債持倉", ["美債"]),
        (["ＣＩＰＳ"], "cips 系统", ["cips"]),
        (["黄金"], "", []),
    ],
)
def test_find_is_leftmost_longest(terms, text, expected):
    assert _found(terms, text) == expected


def test_fold_keeps_length_and_folds_width_case_and_script():
    text = "美國國債ＡＢＣ，黃金"
    assert fold(text) == "美国国债abc,黄金"
    assert len(fold(text)) == len(text)


def test_spans_point_into_the_original_text():
    matcher = TermMatcher(["黃金"])
    text = "香港資金流向黃金"
    (match,) = matcher.find(text)
    assert text[match.start:match.end] == "黃金"
    assert match.key == "黄金"


def test_term_in_two_categories_counts_for_each_but_once():
    scorer = CategoryScorer({"a": [Term("制裁")], "b": [Term("制裁", 2.0)]})
    scores = {s.name: s for s in scorer.score_sentence("金融制裁")}
    assert scores["a"].score == pytest.approx(100 * 1 / 20)
    assert scores["b"].score == pytest.approx(100 * 2 / 20)


def test_zero_weight_blocks_a_shorter_term_without_counting():
    scorer = CategoryScorer({"econ": [Term("收益"), Term("收益率", 0.0)]})
    assert scorer.score_sentence("十年期美债收益率下行") == []
    assert scorer.score_sentence("投资收益增加")[0].evidence == ("收益",)


def test_score_is_weighted_hits_per_100_characters_with_a_floor():
    scorer = CategoryScorer({"gold": [Term("黄金", 2.0), Term("金价")]})
    text = "黄金" + "的" * 38  # 40 characters, one hit of weight 2
    assert scorer.score_sentence(text)[0].score == pytest.approx(5.0)
    assert scorer.score_sentence("黄金")[0].score == pytest.approx(10.0)  # 2 chars count as 20
    assert char_count(" 黄 金 \n") == 2


def test_article_scores_keep_evidence_order_and_sentence_indexes():
    scorer = CategoryScorer({"gold": [Term("黄金"), Term("金价", 2.0)], "fx": [Term("外储")]})
    sentences = ["黄金储备增加。", "外储稳定。", "金价上涨，黄金走强，黄金ETF流入。"]
    gold, fx = scorer.score_article(sentences)
    assert gold.name == "gold" and gold.sentences == (0, 2)
    assert gold.evidence == ("黄金", "金价")  # 3 × 1.0 before 1 × 2.0
    assert fx.sentences == (1,)
    total = sum(char_count(s) for s in sentences)
    assert gold.score == pytest.approx(round(100 * 5 / total, 4))


def test_no_hits_gives_no_scores():
    scorer = CategoryScorer({"gold": [Term("黄金")]})
    assert scorer.score_sentence("今天天气不错") == []
    assert scorer.score_article([]) == []
