"""Topic discovery: TF-IDF + NMF on token lists, deterministic, saved as JSON, reused as topics."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Token
from fincorpus.nlp.discover import TopicModel, discover_topics
from fincorpus.nlp.stopwords import TokenFilter, bundled_stopwords
from fincorpus.nlp.topics import Taxonomy, TopicScorer
from sklearn.base import clone
from sklearn.feature_extraction.text import TfidfVectorizer

# Invented, pre-segmented commentary: six about gold, six about chips.
GOLD = [
    "央行 连续 增持 黄金 ， 黄金储备 再 创 新高 ， 金价 上涨",
    "国际 金价 突破 2070 美元 ， 现货 黄金 每 盎司 上涨 1.4%",
    "全球 央行 购金 热情 不减 ， 黄金 占 储备 的 比重 上升",
    "投资者 买入 金条 ， 金价 高位 震荡 ， 黄金 需求 旺盛",
    "黄金 不 产生 利息 ， 但 央行 购金 是 长期 信号",
    "金价 回调 ， 黄金 ETF 流出 ， 盎司 价格 下跌",
]
CHIPS = [
    "美国 扩大 芯片 出口管制 ， 英伟达 对华 销售 受限",
    "国产 芯片 替代 加速 ， 算力 需求 增长 ， 英伟达 份额 下降",
    "半导体 设备 出口管制 升级 ， 光刻机 受 限制",
    "英伟达 H200 芯片 获准 出口 ， 算力 采购 恢复",
    "芯片 关税 推高 服务器 成本 ， 算力 依然 紧张",
    "实体清单 扩大 ， 半导体 企业 受 出口管制 影响",
]
DOCS = [text.split() for text in GOLD + CHIPS]


@pytest.fixture(scope="module")
def model() -> TopicModel:
    return discover_topics(DOCS, k=2, random_state=0, top_n=8)


def test_fit_recovers_the_two_themes(model):
    tops = {topic.words[0].text for topic in model.topics}
    assert tops == {"黄金", "芯片"}
    by_top = {topic.words[0].text: topic.id for topic in model.topics}
    assignment = model.transform(DOCS).argmax(axis=1)
    assert list(assignment[:6]) == [by_top["黄金"]] * 6
    assert list(assignment[6:]) == [by_top["芯片"]] * 6


def test_fit_is_deterministic(model, tmp_path: Path):
    again = discover_topics(DOCS, k=2, random_state=0, top_n=8)
    assert np.array_equal(again.components_, model.components_)
    assert again.describe() == model.describe()
    model.save(tmp_path / "a.json")
    again.save(tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_vocabulary_drops_stopwords_numbers_punctuation_and_single_characters(model):
    vocab = set(model.vocabulary_)
    assert {"黄金", "芯片", "h200", "etf"} <= vocab
    assert not vocab & {"的", "，", "2070", "1.4%", "但", "是", "受", "再"}
    assert not vocab & bundled_stopwords()
    assert all(len(word) >= 2 for word in vocab)


def test_tfidf_matches_the_fitted_vectorizer(model):
    reference = TfidfVectorizer(analyzer=TokenFilter(bundled_stopwords()), lowercase=False,
                                token_pattern=None, sublinear_tf=True).fit_transform(DOCS)
    assert np.allclose(model.tfidf(DOCS).toarray(), reference.toarray(), rtol=1e-5, atol=1e-6)


def test_token_objects_work_like_strings(model):
    as_tokens = [[Token(word, 0, len(word)) for word in doc] for doc in DOCS]
    assert np.allclose(model.transform(as_tokens), model.transform(DOCS))


def test_analyzer_and_vectorizer_pickle():
    analyzer = TokenFilter({"的"}, 2)
    assert pickle.loads(pickle.dumps(analyzer)) == analyzer
    vectorizer = TopicModel(2)._vectorizer(frozenset({"的"}))
    assert pickle.loads(pickle.dumps(vectorizer)).analyzer == vectorizer.analyzer


def test_it_is_a_scikit_learn_estimator():
    estimator = TopicModel(3, random_state=1, top_n=5)
    assert clone(estimator).get_params() == estimator.get_params()
    assert estimator.get_params()["k"] == 3


def test_describe_prints_one_line_per_topic(model):
    lines = model.describe().splitlines()
    terms = len(model.vocabulary_)
    assert lines[0] == f"NMF topics: k=2, 12 documents, {terms} terms, random_state=0"
    assert [line.split()[0] for line in lines[1:]] == ["topic_00", "topic_01"]
    assert len(lines[1].split()) == 1 + 2 * 8


def test_save_load_round_trip(model, tmp_path: Path):
    path = tmp_path / "topics.json"
    model.save(path)
    loaded = TopicModel.load(path)
    assert loaded.topics == model.topics
    assert loaded.vocabulary_ == model.vocabulary_
    assert np.array_equal(loaded.components_, model.components_)
    assert np.array_equal(loaded.transform(DOCS), model.transform(DOCS))
    loaded.save(tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == path.read_bytes()
    data = json.loads(path.read_text("utf-8"))
    assert data["format"] == "fincorpus-topic-model" and len(data["components"]) == 2


def _saved(model: TopicModel, tmp_path: Path) -> dict:
    model.save(tmp_path / "good.json")
    return json.loads((tmp_path / "good.json").read_text("utf-8"))


def _edit(data: dict, change) -> dict:
    copy = json.loads(json.dumps(data))
    change(copy)
    return copy


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something-else"), "format is 'something-else'"),
        (lambda d: d.update(format_version=2), "format_version 2"),
        (lambda d: d.pop("vocabulary"), "missing key 'vocabulary'"),
        (lambda d: d.update(extra=1), "unknown key 'extra'"),
        (lambda d: d["params"].update(k=0), "params.k"),
        (lambda d: d["params"].pop("top_n"), "params must hold exactly"),
        (lambda d: d.update(idf=d["idf"][:-1]), "idf must be one number per vocabulary word"),
        (lambda d: d["components"].pop(), "one row per topic"),
        (lambda d: d["components"][0].pop(), "one number per vocabulary word"),
        (lambda d: d["components"][0].__setitem__(0, -1.0), "numbers >= 0"),
        (lambda d: d["components"][0].__setitem__(0, "0.5"), "numbers >= 0"),
        (lambda d: d.update(vocabulary=d["vocabulary"][:1] * len(d["vocabulary"])), "twice"),
    ],
)
def test_load_refuses_wrong_schema_in_one_line(model, tmp_path: Path, change, message):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_edit(_saved(model, tmp_path), change), ensure_ascii=False), "utf-8")
    with pytest.raises(BadInput) as caught:
        TopicModel.load(path)
    error = str(caught.value)
    assert "\n" not in error and error.startswith(str(path)) and message in error


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"k = 2\n", "not JSON"),
        (b"[1, 2, 3]", "the top level is not an object"),
        (b'{"format": NaN}', "not JSON"),
        (pickle.dumps({"format": "fincorpus-topic-model"}), "not UTF-8 text"),
        (b"", "not JSON"),
    ],
)
def test_load_refuses_non_json_in_one_line(tmp_path: Path, content, message):
    path = tmp_path / "model.bin"
    path.write_bytes(content)
    with pytest.raises(BadInput) as caught:
        TopicModel.load(path)
    assert "\n" not in str(caught.value) and message in str(caught.value)


def test_load_missing_file(tmp_path: Path):
    with pytest.raises(BadInput, match="cannot read it"):
        TopicModel.load(tmp_path / "absent.json")


def test_discovered_topics_become_a_taxonomy_for_tagging(model):
    text = model.to_taxonomy_toml()
    assert text.startswith("# Discovered by nmf-topics/1")
    taxonomy = Taxonomy.loads(text)
    assert taxonomy.ids == ("topic_00", "topic_01")
    gold_id = next(t.name for t in model.topics if t.words[0].text == "黄金")
    assert taxonomy[gold_id].terms[0].weight == 1.0
    scores = TopicScorer(taxonomy).score_sentence("央行继续购金，金价创新高。")
    assert scores[0].name == gold_id


@pytest.mark.parametrize(
    ("k", "message"), [(0, "at least 1"), (13, "use k <= 12"), (2.5, "whole number")]
)
def test_bad_k_is_a_one_line_error(k, message):
    with pytest.raises(BadInput, match=message):
        discover_topics(DOCS, k=k)


def test_nothing_left_after_stopwords_is_a_one_line_error():
    with pytest.raises(BadInput, match="cannot build the TF-IDF vocabulary"):
        discover_topics([["的", "了"], ["，", "2025"]], k=1)


def test_strings_instead_of_token_lists_are_a_type_error():
    with pytest.raises(TypeError, match="token list"):
        discover_topics(GOLD, k=2)
    with pytest.raises(TypeError):
        discover_topics("央行 购金", k=1)


def test_custom_stopwords_and_min_chars():
    model = discover_topics(DOCS, k=2, stopwords=["黄金"], min_chars=1)
    assert "黄金" not in model.vocabulary_
    assert "的" in model.vocabulary_  # the bundled list is replaced, not extended
