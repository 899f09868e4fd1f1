"""The topic taxonomy: bundled data, validation of users' files, sentence and article scores."""

from __future__ import annotations

from pathlib import Path

import pytest
from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.topics import Taxonomy, TopicScorer, top_topic

from tests.nlp.samples import sample_sentences, stems_with_body

REQUIRED = {"us_treasuries", "fx_reserves", "gold", "rare_earths", "tariffs_trade",
            "chips_export_controls", "exchange_rates", "de_dollarisation", "sanctions",
            "monetary_policy", "fiscal_debt", "geopolitics_security", "energy_commodities",
            "china_economy", "capital_markets"}


@pytest.fixture(scope="module")
def scorer() -> TopicScorer:
    return TopicScorer()


def test_bundled_taxonomy_covers_the_required_topics():
    taxonomy = Taxonomy.load()
    assert 12 <= len(taxonomy.topics) <= 16
    assert set(taxonomy.ids) >= REQUIRED
    for topic in taxonomy.topics:
        assert topic.label_en and topic.label_zh and topic.description
        assert len(topic.terms) >= 30, topic.id


def test_taxonomy_round_trips_through_toml():
    taxonomy = Taxonomy.load()
    again = Taxonomy.loads(taxonomy.to_toml())
    assert again.topics == taxonomy.topics
    assert again.digest() == taxonomy.digest()


@pytest.mark.parametrize(
    ("sentence", "topic", "evidence"),
    [
        ("中国11月再度减持美债，持仓降至6826亿美元。", "us_treasuries", "减持美债"),
        ("10年期美债收益率跌破4%。", "us_treasuries", "美债收益率"),
        ("央行连续第14个月增持黄金，金价再创新高。", "gold", "增持黄金"),
        ("商务部宣布对中重稀土实施出口管制。", "rare_earths", "中重稀土"),
        ("美方将对华加征的芬太尼关税下调至10%。", "tariffs_trade", "芬太尼关税"),
        ("英伟达H200芯片获准对华出口。", "chips_export_controls", "芯片"),
        ("离岸人民币兑美元汇率升破7.0。", "exchange_rates", "离岸人民币"),
        ("金砖国家推进本币结算，去美元化提速。", "de_dollarisation", "本币结算"),
        ("西方冻结俄罗斯外汇储备之后，金融制裁的风险人人看得见。", "sanctions", "金融制裁"),
        ("美联储宣布降息25个基点。", "monetary_policy", "降息"),
        ("美国联邦债务突破38万亿美元，利息支出超过国防预算。", "fiscal_debt", "联邦债务"),
        ("我国外汇储备规模为33464亿美元，估值效应明显。", "fx_reserves", "外汇储备规模"),
        ("国际油价大跌，欧佩克+考虑减产。", "energy_commodities", "国际油价"),
        ("扩大内需、稳增长仍是中国经济的首要任务。", "china_economy", "扩大内需"),
        ("A股三大股指集体收涨，北向资金净流入。", "capital_markets", "A股"),
        ("五角大楼担心军工供应链受制于人，地缘政治风险上升。", "geopolitics_security", "五角大楼"),
        ("香港資金加速流向黃金，金價再創新高。", "gold", "金价"),
    ],
)
def test_sentence_top_topic_and_evidence(scorer, sentence, topic, evidence):
    scores = scorer.score_sentence(sentence)
    assert top_topic(scores) == topic, scores
    assert evidence in scores[0].evidence
    assert scores[0].sentences == ()


def test_longest_term_wins_across_topics(scorer):
    scores = {s.name: s for s in scorer.score_sentence("稀土出口管制")}
    assert set(scores) == {"rare_earths"}
    assert scores["rare_earths"].evidence == ("稀土出口管制",)


def test_no_double_counting_inside_a_longer_term(scorer):
    (score,) = [s for s in scorer.score_sentence("美债收益率") if s.name == "us_treasuries"]
    assert score.evidence == ("美债收益率",)  # not also 美债


def test_sentence_without_indicators_has_no_topics(scorer):
    assert scorer.score_sentence("今天的天气很好，我们去公园散步。") == []


def test_article_scores_carry_sentence_indexes(scorer):
    sentences = ["美联储宣布降息。", "今天天气很好。", "金价随之上涨，黄金ETF流入。"]
    scores = {s.name: s for s in scorer.score_article(sentences)}
    assert scores["gold"].sentences == (2,)
    assert scores["monetary_policy"].sentences == (0,)


GOOD = 'id = "gold"\nlabel_en = "Gold"\nlabel_zh = "黄金"\n'


def test_version_changes_with_the_taxonomy():
    small = Taxonomy.loads(f'[[topic]]\n{GOOD}terms = ["黄金"]\n')
    assert TopicScorer(small).version != TopicScorer().version
    assert TopicScorer(small).provenance.name == "topic-lexicon"



@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[topic]\n", "not valid TOML"),
        ("title = 'x'\n", "unknown top-level key 'title'"),
        ("", "no topics"),
        ('[[topic]]\nid = "Gold"\nlabel_en = "G"\nlabel_zh = "金"\nterms = ["黄金"]\n', "id 'Gold'"),
        ('[[topic]]\nlabel_en = "G"\nlabel_zh = "金"\nterms = ["黄金"]\n', "id None"),
        (f"[[topic]]\n{GOOD}", "terms must be a non-empty list"),
        (f'[[topic]]\n{GOOD}terms = []\n', "terms must be a non-empty list"),
        (f'[[topic]]\n{GOOD}terms = ["黄金", 3]\n', "term 3 must be"),
        (f'[[topic]]\n{GOOD}terms = [" 黄金"]\n', "without outer spaces"),
        (f'[[topic]]\n{GOOD}terms = ["黄金", "黃金"]\n', "listed twice"),
        (f'[[topic]]\n{GOOD}term = ["黄金"]\n', "unknown key 'term'"),
        (f'[[topic]]\n{GOOD}terms = ["黄金"]\nweights = {{"金价" = 2}}\n', "not in terms"),
        (f'[[topic]]\n{GOOD}terms = ["黄金"]\nweights = {{"黄金" = -1}}\n', "finite number >= 0"),
        (f'[[topic]]\n{GOOD}terms = ["黄金"]\nweights = {{"黄金" = "2"}}\n', "must be a number"),
        (f'[[topic]]\n{GOOD}terms = ["黄金"]\nweights = {{"黄金" = nan}}\n', "finite number"),
        ('[[topic]]\nid = "gold"\nlabel_en = ""\nlabel_zh = "金"\nterms = ["黄金"]\n', "label_en"),
        (f'[[topic]]\n{GOOD}terms = ["黄金"]\n[[topic]]\n{GOOD}terms = ["金价"]\n', "used twice"),
        ('topic = ["x"]\n', "not a table"),
    ],
)
def test_validation_errors_are_one_line_naming_file_and_entry(tmp_path: Path, text, message):
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        Taxonomy.load(path)
    error = str(caught.value)
    assert "\n" not in error
    assert error.startswith(str(path))
    assert message in error


def test_validation_error_names_the_topic(tmp_path: Path):
    path = tmp_path / "mine.toml"
    path.write_text(f'[[topic]]\n{GOOD}terms = ["黄金"]\n[[topic]]\nid = "fx"\nlabel_en = "FX"\n'
                    'label_zh = "外汇"\nterms = ["外储", ""]\n', encoding="utf-8")
    with pytest.raises(BadInput, match=r"topic #2 \('fx'\)"):
        Taxonomy.load(path)


def test_user_taxonomy_with_bom_and_weights_loads(tmp_path: Path):
    path = tmp_path / "mine.toml"
    text = f'\ufeff[[topic]]\n{GOOD}terms = ["黄金", "金价"]\n[topic.weights]\n"金价" = 2\n'
    path.write_text(text, encoding="utf-8")
    (topic,) = Taxonomy.load(path).topics
    assert [(t.text, t.weight) for t in topic.terms] == [("黄金", 1.0), ("金价", 2.0)]


def test_missing_file_is_one_line(tmp_path: Path):
    with pytest.raises(BadInput, match="cannot read the taxonomy"):
        Taxonomy.load(tmp_path / "absent.toml")


# The bundled sample corpus: each article's top topic fits its subject.
SUBJECTS = {
    "3g_money_treasury_yield_4pct": {"us_treasuries", "monetary_policy"},
    "dy_ai_export_controls": {"chips_export_controls"},
    "dy_brics_settlement": {"de_dollarisation"},
    "dy_chip_tariff": {"chips_export_controls", "tariffs_trade"},
    "dy_fed_rate_cut": {"monetary_policy"},
    "dy_gold_buying": {"gold"},
    "dy_no_time_us_debt": {"fiscal_debt", "us_treasuries"},
    "dy_quoted_disclaimer_fx_reserves": {"fx_reserves"},
    "dy_rare_earth_controls": {"rare_earths"},
    "dy_rmb_exchange": {"exchange_rates"},
    "dy_tariff_truce": {"tariffs_trade"},
    "dy_traditional_hk_gold": {"gold"},
    "dy_treasury_cut": {"us_treasuries"},
    "generic_caijing_cips_rmb": {"de_dollarisation"},
    "generic_caijing_rare_earth_prices": {"rare_earths"},
    "legacy_2019_tariff_hike_gbk": {"tariffs_trade"},
    "legacy_2020_gold_2070": {"gold"},
    "m_news_brics_finance_ministers": {"de_dollarisation"},
    "money_gold_price_record": {"gold"},
    "money_trade_2025_customs": {"tariffs_trade", "china_economy"},
    "news_treasury_foreign_holders": {"us_treasuries"},
    "old_dy_2020_unlimited_qe": {"monetary_policy", "us_treasuries"},
    "photoset_shuibei_gold_market": {"gold"},
    "tech_h200_export_licence": {"chips_export_controls"},
    "textcopy_gold_reserve_placeholders": {"gold", "fx_reserves"},
    "textcopy_rare_earth_price_floor": {"rare_earths"},
    "video_pboc_gold_explainer": {"gold"},
}


def test_every_sample_article_with_a_body_is_listed():
    assert stems_with_body() == set(SUBJECTS)


@pytest.mark.parametrize("stem", sorted(SUBJECTS))
def test_sample_article_top_topic_fits_its_subject(scorer, stem):
    sentences = sample_sentences(stem)
    scores = scorer.score_article(sentences)
    assert top_topic(scores) in SUBJECTS[stem], scores[:3]
    best = scores[0]
    assert best.evidence and best.sentences
    assert all(0 <= i < len(sentences) for i in best.sentences)
