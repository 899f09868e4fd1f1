"""LexiconStance: one table of invented sentences per rule, the two real seeds, bad lexicons."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest

from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.gazetteer import default_gazetteer
from fincorpus.nlp.stance_article import ArticleStance, aggregate
from fincorpus.nlp.stance_cues import CueLexicon, read_user_lexicon
from fincorpus.nlp.stance_lexicon import FEATURES, LexiconStance
from fincorpus.nlp.stance_targets import LABELS, default_targets
from fincorpus.nlp.text import split_sentences

CASES = [  # (target, sentence, expected label), invented in the genre
    # idioms of the genre
    ("美国", "美国财政长期寅吃卯粮，债台高筑。", "AGAINST"),
    ("美国", "所谓的芯片联盟不过是一盘散沙，美国外强中干。", "AGAINST"),
    ("中国", "中国央行展现出战略定力，稳步增持黄金。", "FAVOR"),
    ("黄金", "黄金是乱世中的压舱石。", "FAVOR"),
    ("美债", "美债早已成了各国央行手里的烫手山芋。", "AGAINST"),
    ("稀土", "中国稀土产业链是全球供应链的定海神针。", "FAVOR"),
    ("美国", "加征关税只会让美国搬起石头砸自己的脚。", "AGAINST"),
    # negation
    ("中国", "中国的操作绝非被动避险。", "FAVOR"),
    ("美元", "美元已经不再可靠。", "AGAINST"),
    ("美国", "美国并不强大。", "AGAINST"),
    ("芯片", "国产芯片并不落后。", "FAVOR"),
    ("中国", "中国不是没有底气。", "FAVOR"),
    ("关税", "关税政策没有带来任何成效。", "AGAINST"),
    # intensifiers
    ("美联储", "美联储极其被动。", "AGAINST"),
    ("人民币", "人民币汇率十分坚挺。", "FAVOR"),
    # contrast: the clause after the contrast word outweighs the one before
    ("美国", "美国表面上实力强大，但早已外强中干。", "AGAINST"),
    ("中国", "中国稀土出口面临压力，但底气十足，从容应对。", "FAVOR"),
    ("黄金", "黄金短期有波动，然而长期保值的优势依旧。", "FAVOR"),
    ("美国", "美国口口声声说自由贸易，却对盟友挥舞关税大棒。", "AGAINST"),
    # rhetorical questions
    ("美债", "难道美债还是安全资产吗？", "AGAINST"),
    ("美国", "难道美国不是在收割全世界吗？", "AGAINST"),
    ("美国", "怎么能相信美国的承诺？", "AGAINST"),
    ("美国", "美国凭什么对中国芯片卡脖子？", "AGAINST"),
    # the target as agent or patient of a harmful act
    ("美国", "美国对俄罗斯实施单边制裁。", "AGAINST"),
    ("俄罗斯", "美国对俄罗斯实施单边制裁。", "NONE"),
    ("中国", "美国凭什么对中国芯片卡脖子？", "NONE"),
    ("中国", "中国遭到美方霸凌。", "NONE"),
    ("美国", "中国遭到美方霸凌。", "AGAINST"),
    ("特朗普", "特朗普政府挥舞关税大棒，收割全球。", "AGAINST"),
    ("中国", "美国拼凑反华联盟。", "NONE"),
    # acts on assets evaluate the asset, never the actor
    ("美债", "多国央行持续抛售美债。", "AGAINST"),
    ("中国", "中国持续减持美债。", "NONE"),
    ("黄金", "全球央行纷纷增持黄金。", "FAVOR"),
    # two actors in one sentence: each word goes to the one it is said of
    ("美国", "中国从容应对，美国底气不足。", "AGAINST"),
    ("中国", "中国从容应对，美国底气不足。", "FAVOR"),
    # no mention of the target: the whole text is scored
    ("美国", "霸权终将穷途末路。", "AGAINST"),
    ("开放二胎", "终于可以生二宝了，太好了，全家都很开心！", "FAVOR"),
    # factual sentences carry no stance
    ("美国", "美国财政部周三公布了最新的国际资本流动数据。", "NONE"),
    ("中国", "中国11月减持61亿美元美债，持仓降至6830亿美元。", "NONE"),
    ("稀土", "稀土价格本周上涨3%。", "NONE"),
]


@pytest.fixture(scope="module")
def model() -> LexiconStance:
    return LexiconStance()


@pytest.mark.parametrize(("target", "text", "label"), CASES)
def test_stance_lexicon_rules(model: LexiconStance, target: str, text: str, label: str) -> None:
    evidence = [(e.word, e.polarity, e.weight, e.role) for e in model.explain(target, text)]
    assert model.predict([(target, text)])[0] == label, evidence


def _weight(model: LexiconStance, text: str, word: str, target: str = "美国") -> float:
    return next(e.weight for e in model.explain(target, text) if e.word == word)


def test_stance_lexicon_intensifiers_scale(model: LexiconStance) -> None:
    plain = _weight(model, "美国焦虑。", "焦虑")
    assert _weight(model, "美国非常焦虑。", "焦虑") > plain > _weight(model, "美国略微焦虑。", "焦虑")


def test_stance_lexicon_contrast_weighs_the_second_clause(model: LexiconStance) -> None:
    text, plain = "美国军力强大，但底气不足。", "美国军力强大，底气不足。"
    assert _weight(model, text, "底气不足") > _weight(model, plain, "底气不足")
    assert _weight(model, text, "强大") < _weight(model, plain, "强大")


def test_stance_lexicon_plain_question_strengthens_negative(model: LexiconStance) -> None:
    assert _weight(model, "美国的霸凌何时休？", "霸凌") > _weight(model, "美国的霸凌何时休。", "霸凌")


def test_stance_lexicon_distance_lowers_weight(model: LexiconStance) -> None:
    near = _weight(model, "美国焦虑。", "焦虑")
    assert _weight(model, "美国在这场旷日持久的金融博弈当中焦虑。", "焦虑") < near


def test_stance_lexicon_explain_flags_and_offsets(model: LexiconStance) -> None:
    text = "难道美债还是安全资产吗？"
    [evidence] = [e for e in model.explain("美债", text) if e.word == "安全资产"]
    assert text[evidence.start:evidence.end] == "安全资产"
    assert evidence.rhetorical and evidence.polarity == -1 and evidence.source == "genre"
    [negated] = model.explain("中国", "中国不是没有底气。")
    assert not negated.negated and negated.polarity == 1  # two negators cancel out
    [agent] = model.explain("美国", "美国对俄罗斯实施单边制裁。")
    assert agent.role == "agent"
    assert model.explain("俄罗斯", "美国对俄罗斯实施单边制裁。")[0].role == "patient"


def test_stance_lexicon_shapes_and_inputs(model: LexiconStance) -> None:
    pairs = [("美国", "美国底气不足。"), ("Q148", "中国从容应对。"), ("开放二胎", "太好了！")]
    target = default_targets().get("美国")
    frame = pd.DataFrame({"target": [target, "中国", "开放二胎"], "text": [p[1] for p in pairs]})
    proba = model.predict_proba(pairs)
    assert proba.shape == (3, 3) and np.allclose(proba.sum(axis=1), 1.0)
    assert list(model.classes_) == list(LABELS) == ["AGAINST", "FAVOR", "NONE"]
    assert np.array_equal(model.predict_proba(frame), proba)  # name, id or Target alike
    features = model.features(pairs)
    assert features.dtype == np.float32 and features.shape == (3, len(FEATURES))
    assert model.feature_names() == list(FEATURES)
    assert model.features([]).shape == (0, len(FEATURES))
    assert model.predict_proba([]).shape == (0, 3)
    assert model.name == "fincorpus-stance-lexicon" and model.version == "1"
    with pytest.raises(ValueError):
        model.predict(pd.DataFrame({"text": ["x"]}))


def test_stance_lexicon_takes_the_callers_alias_scan(model: LexiconStance) -> None:
    """analyze hands over its alias scan with the entities: the same probabilities as the
    model's own scan."""
    targets, gazetteer = default_targets(), default_gazetteer()
    texts = ["美国挥舞关税大棒，中美博弈中中国从容应对。", "美债遭抛售，美联储底气不足。",
             "黄金稳步上涨，美元却走弱。"]
    pairs, entities, offers = [], [], []
    for text, found in zip(texts, targets.alias_offers_each(texts)):
        linked = [e for e in gazetteer.find(text) if e.id]
        for target in targets.mentioned(text, linked):
            pairs.append((target.name, text))
            entities.append(linked)
            offers.append(found)
    assert len(pairs) >= 5
    given = model.predict_proba(pairs, entities, offers)
    assert np.array_equal(given, model.predict_proba(pairs, entities))
    assert not np.allclose(given[:, 2], given[0, 2])  # not all alike: the texts take sides


def test_stance_lexicon_genre_wins_over_ntusd() -> None:
    cues = CueLexicon.load()
    assert cues.get("稳健").source == "genre"
    assert cues.get("黄金") is None  # an NTUSD "positive" word on our stoplist
    assert cues.get("不仅").kind == "neutral"  # a blocker, not 不 + 仅


def test_stance_lexicon_fast(model: LexiconStance) -> None:
    texts = [f"美国第{i}次挥舞关税大棒，却暴露出底气不足，中国从容应对、稳步增持黄金。"
             for i in range(2000)]
    start = time.perf_counter()
    model.predict_proba([("美国", t) for t in texts])
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize(("name", "content", "message"), [
    ("words.txt", "烫手山芋\n", "cannot tell whether"),
    ("both.txt", "烫手山芋\t正\n好\tmaybe\n", "line 2: polarity 'maybe'"),
    ("weights.txt", "烫手山芋\tneg\tlots\n", "line 1: weight 'lots'"),
    ("columns.txt", "烫手山芋\tneg\t1\textra\n", "line 1: expected word<TAB>polarity"),
    ("empty_negative.txt", "# nothing\n\n", "no words"),
    ("header.txt", "# polarity: sideways\n烫手山芋\n", "polarity 'sideways'"),
])
def test_stance_lexicon_bad_user_lexicon(tmp_path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        LexiconStance([path]).predict([("美国", "美国不错。")])
    text = str(caught.value)
    assert message in text and str(path) in text and "\n" not in text


def test_stance_lexicon_missing_user_lexicon(tmp_path) -> None:
    with pytest.raises(BadInput, match="cannot read"):
        read_user_lexicon(tmp_path / "absent_negative.txt")


@pytest.mark.parametrize(("name", "content"), [
    ("my_negative.txt", "烫手山芋\n吃相难看\n"),
    ("list.txt", "# polarity: negative\n烫手山芋\n吃相难看\n"),
    ("pairs.txt", "吃相难看\tnegative\n硬气\tpositive\t2\n"),
])
def test_stance_lexicon_user_lexicon_layouts(tmp_path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    model = LexiconStance([path])
    assert model.predict([("美国", "美国吃相难看。")])[0] == "AGAINST"
    assert read_user_lexicon(path)["吃相难看"].polarity == -1


def test_stance_aggregate_rule() -> None:
    favor, against, none = [0.1, 0.8, 0.1], [0.8, 0.1, 0.1], [0.2, 0.2, 0.6]
    result = aggregate(["FAVOR", "FAVOR", "AGAINST", "NONE"], [favor, favor, against, none], "中国")
    assert isinstance(result, ArticleStance) and result.label == "FAVOR" and result.n_sentences == 4
    assert result.share_favor == 0.5 and result.share_none == 0.25
    assert aggregate(["NONE", "NONE"], [none, none]).label == "NONE"
    assert aggregate(["FAVOR", "AGAINST"], [favor, against]).label == "NONE"  # mixed
    assert aggregate([], np.zeros((0, 3))).label == "NONE"


@pytest.mark.parametrize("seed", ["000_75a0683d00f6a402", "004_06064889ae2eb9f6"])
def test_stance_lexicon_seed_articles(shared, model: LexiconStance, seed: str) -> None:
    """Both seeds read, as a reader sees them: AGAINST the United States, FAVOR China."""
    paragraphs = json.loads((shared / "seeds" / f"{seed}.expected.json").read_text("utf-8"))
    text = "\n".join(paragraphs["paragraphs"])
    targets, gazetteer = default_targets(), default_gazetteer()
    sentences = [s.text for s in split_sentences(text)]
    for name, label in (("美国", "AGAINST"), ("中国", "FAVOR")):
        target = targets.get(name)
        rows = [(target, s) for s in sentences if target in targets.mentioned(s, gazetteer.find(s))]
        assert len(rows) >= 10
        result = aggregate(model.predict(rows), model.predict_proba(rows), name)
        assert result.label == label, result
