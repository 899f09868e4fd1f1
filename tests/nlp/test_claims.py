"""Numeric claims: extraction, alignment by subject/measure/period, and conflicts."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import pytest
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Analysis
from fincorpus.nlp.claim_align import align, compatible, conflicts
from fincorpus.nlp.claims import MeasureTable, extract_claims, period_key
from fincorpus.nlp.entities import EntityTagger
from fincorpus.nlp.text import split_sentences

PUBLISHED = date(2026, 1, 5)


@cache
def _tagger() -> EntityTagger:
    return EntityTagger()  # gazetteer and numbers only: fast, no model


def claims_of(text: str, article_id: str, published: date | None = PUBLISHED):
    """Claims of an invented text, analysed with sentences and entities only."""
    entities = tuple(_tagger().entities(text, reference_date=published))
    analysis = Analysis(article_id, tuple(split_sentences(text)), (), entities, (), ())
    return extract_claims(analysis, published)


HOLDINGS = "截至2025年11月底，中国持有的美债降至6826亿美元。"

# (text of article a, text of article b, aligned?, conflict kind or None)
CASES = {
    "same fact, same number": (HOLDINGS, "2025年11月末，中国所持美国国债规模为6826亿美元。",
                               True, None),
    "same fact, other number": (HOLDINGS, "截至2025年11月底，中国持有美债6830亿美元。",
                                True, "hard"),
    "a hedge could explain it": (HOLDINGS, "截至2025年11月底，中国持有美债约6830亿美元。",
                                 True, "soft"),
    "different periods": (HOLDINGS, "截至2025年10月底，中国持有美债6874亿美元。", False, None),
    "different subjects": (HOLDINGS, "截至2025年11月底，日本持有美债11898亿美元。", False, None),
    "different measures": (HOLDINGS, "2025年11月，中国减持美债61亿美元。", False, None),
    "months running, exact": ("中国央行已连续第13个月增持黄金。", "中国已连续14个月增持黄金。",
                              True, "hard"),
    "months running, same": ("中国央行已连续第13个月增持黄金。", "我国连续13个月购金。",
                             True, None),
}


@pytest.mark.parametrize("name", CASES)
def test_claims_align_and_conflict(name: str) -> None:
    text_a, text_b, aligned, kind = CASES[name]
    claims_a, claims_b = claims_of(text_a, "a"), claims_of(text_b, "b")
    assert claims_a and claims_b
    shared = [g for g in align(claims_a, claims_b) if len({c.article_id for c in g.claims}) == 2]
    assert bool(shared) == aligned
    found = conflicts(shared)
    assert [c.kind for c in found] == ([kind] if kind else [])


def test_claim_fields_on_an_invented_sentence() -> None:
    text = "美国财政赤字巨大。截至2025年11月底，中国持有的美债降至6826亿美元左右。"
    [claim] = claims_of(text, "x")
    assert claim.sentence == 1 and claim.sentence_text.startswith("截至")
    assert (claim.subject.id, claim.subject.text) == ("Q148", "中国")
    assert claim.measure == "us_treasury_holdings"
    assert (claim.value.amount, claim.value.unit, claim.value.qualifier) == (682.6e9, "USD",
                                                                             "about")
    assert (claim.time.key, claim.time.source) == ("2025-11", "sentence")
    assert text[claim.start:claim.end] == claim.text == "6826亿美元左右"


def test_claims_fall_back_to_the_article_date_and_a_generic_measure() -> None:
    [claim] = claims_of("比亚迪斥资158亿元收购捷普的业务。", "x")
    assert claim.time.key == "2026-01" and claim.time.source == "article"
    assert claim.measure.startswith("other:")
    [undated] = claims_of("比亚迪斥资158亿元收购捷普的业务。", "x", published=None)
    assert undated.time.key is None and undated.time.source == "none"


def test_claims_fold_state_organs_and_skip_objects() -> None:
    [gold] = claims_of("中国央行已连续第13个月增持黄金。", "x")
    assert (gold.subject.id, gold.subject.entity_id) == ("Q148", "org:pboc")
    [tariff] = claims_of("特朗普宣布对中国芯片加征25%关税。", "x")
    assert tariff.measure == "tariff_rate" and tariff.subject.id == "Q30"  # not 中国


def test_two_numbers_of_one_sentence_never_conflict() -> None:
    claims = claims_of("欧洲与东南亚投资分别激增42%与31%。", "x")
    assert len(claims) == 2
    assert conflicts(align(claims)) == []


@pytest.mark.parametrize("value, key", [
    ({"date": "2025-11-30", "precision": "day", "qualifier": "end of month"}, "2025-11"),
    ({"date": "2025-11-14", "precision": "day"}, "2025-11-14"),
    ({"date": "2025-11-01", "precision": "month"}, "2025-11"),
    ({"date": "2025-07-01", "precision": "quarter"}, "2025-Q3"),
    ({"date": "2025-12-31", "precision": "day", "qualifier": "end of year"}, "2025"),
    ({"date": None, "precision": "month", "month": 11}, "*-11"),
    ({"date": None, "precision": "day", "month": 1, "day": 14}, "*-01-14"),
    ({"low": "2025-01-01", "high": "2025-10-01", "precision": "month"}, "2025-01..2025-10"),
    ({"date": None, "precision": "year", "relative_years": -1}, None),
])
def test_period_key(value, key) -> None:
    assert period_key(value) == key


@pytest.mark.parametrize("a, b, expected", [
    ("2025-11", "2025-11", True), ("*-11", "2025-11", True), ("2025-11", "2025-10", False),
    ("2025", "2025-11", False), (None, "2025-11", True),
])
def test_period_compatibility(a, b, expected) -> None:
    assert compatible(a, b) is expected


def test_bad_table_and_tolerance_are_one_line_errors(tmp_path: Path) -> None:
    broken = tmp_path / "claims.toml"
    broken.write_text('[[measure]]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(BadInput) as error:
        MeasureTable.load(broken)
    assert "claims.toml" in str(error.value) and "\n" not in str(error.value)
    with pytest.raises(BadInput):
        conflicts([], rel_tol=2)


@cache
def _seed_claims(seeds: Path):
    from fincorpus.nlp.analyze import Analyzer
    from fincorpus.scrapers.extract import extract

    analyzer, found = Analyzer(), []
    for path in sorted(seeds.glob("*.txt")):
        article = extract(path.read_bytes())
        found.append(extract_claims(analyzer.analyze(article), article.published_at))
    return found


def test_seed_articles_disagree_on_treasuries_and_gold(shared: Path) -> None:
    claims_a, claims_b = _seed_claims(shared / "seeds")
    found = {(c.group.measure, c.group.subject, frozenset((c.a.value.amount, c.b.value.amount)))
             : c for c in conflicts(align(claims_a, claims_b))}
    treasuries = found[("us_treasury_holdings", "Q148", frozenset({683e9, 682.6e9}))]
    assert treasuries.a.article_id != treasuries.b.article_id
    assert {treasuries.a.text, treasuries.b.text} == {"6830亿美元左右", "6826亿美元"}
    assert all(c.text in c.sentence_text for c in (treasuries.a, treasuries.b))
    gold = found[("consecutive_months_gold_buying", "Q148", frozenset({14.0, 13.0}))]
    assert gold.kind == "hard" and gold.a.article_id != gold.b.article_id


def test_seed_articles_agree_on_novembers_sales(shared: Path) -> None:
    groups = align(*_seed_claims(shared / "seeds"))
    [sales] = [g for g in groups if g.measure == "us_treasury_net_sales" and g.subject == "Q148"
               and g.period == "2025-11"]
    assert {c.value.amount for c in sales.claims} == {6.1e9}
    assert len({c.article_id for c in sales.claims}) == 2
    assert conflicts([sales]) == []
