"""The trained stance model: fit, probabilities, determinism, skops round trip, refusals,
labelled-file reading, scikit-learn contract, and the NLPCC run when the data is there."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.stance_features import MARK, StanceInputs, WordNgrams
from fincorpus.nlp.stance_model import (
    NONE_BIASES,
    StanceClassifier,
    fit_stance_model,
    read_labeled,
    read_table,
)
from fincorpus.nlp.stance_targets import LABELS

# Invented commentary sentences (not from any article), four targets, three labels.
ROWS = [
    ("美国", "美国到处制裁别国，霸凌行径令人不齿。", "AGAINST"),
    ("美国", "美国又一次挥舞关税大棒，损人不利己。", "AGAINST"),
    ("美国", "美国的霸权正在衰落，信用一再透支。", "AGAINST"),
    ("美国", "美国收割全世界，吃相越来越难看。", "AGAINST"),
    ("美国", "美国科技创新能力依然强大，值得学习。", "FAVOR"),
    ("美国", "美国经济韧性超预期，就业数据亮眼。", "FAVOR"),
    ("美国", "美国的大学和科研体系仍是世界一流。", "FAVOR"),
    ("美国", "美国市场开放透明，吸引全球资本。", "FAVOR"),
    ("美国", "美国商务部周二公布了最新的贸易数据。", "NONE"),
    ("美国", "美国总统将于下周出访欧洲三国。", "NONE"),
    ("美国", "美国国会今天继续审议预算案。", "NONE"),
    ("美债", "美债规模失控，违约风险越来越大。", "AGAINST"),
    ("美债", "美债就是一张空头支票，迟早要崩盘。", "AGAINST"),
    ("美债", "中国应当继续减持美债，远离这个火坑。", "AGAINST"),
    ("美债", "美债信用岌岌可危，持有者损失惨重。", "AGAINST"),
    ("美债", "美债依然是全球最安全的资产之一。", "FAVOR"),
    ("美债", "美债收益率高企，现在配置正当时。", "FAVOR"),
    ("美债", "长期看美债的避险价值无可替代。", "FAVOR"),
    ("美债", "美债流动性好，值得增持。", "FAVOR"),
    ("美债", "财政部公布了本月美债持有量数据。", "NONE"),
    ("美债", "十年期美债收益率报4.2%。", "NONE"),
    ("美债", "日本仍是美债的最大海外持有国。", "NONE"),
    ("黄金", "黄金是乱世中最可靠的避险资产，值得长期持有。", "FAVOR"),
    ("黄金", "央行持续增持黄金，金价还会再创新高。", "FAVOR"),
    ("黄金", "黄金储备越多，货币信用越稳。", "FAVOR"),
    ("黄金", "逢低买入黄金是明智之举。", "FAVOR"),
    ("黄金", "黄金不产生利息，长期回报很差。", "AGAINST"),
    ("黄金", "金价已经严重泡沫化，追高必然被套。", "AGAINST"),
    ("黄金", "黄金投资风险很大，散户不要碰。", "AGAINST"),
    ("黄金", "炒黄金的人最后大多亏钱。", "AGAINST"),
    ("黄金", "今日金价报每盎司2300美元。", "NONE"),
    ("黄金", "上海黄金交易所今天正常开市。", "NONE"),
    ("黄金", "世界黄金协会发布季度报告。", "NONE"),
    ("稀土", "稀土是我们手中的王牌，必须用好。", "FAVOR"),
    ("稀土", "稀土产业链优势明显，前景光明。", "FAVOR"),
    ("稀土", "发展稀土深加工是正确的战略选择。", "FAVOR"),
    ("稀土", "稀土出口管制打中了对手的要害，干得漂亮。", "FAVOR"),
    ("稀土", "稀土开采污染严重，得不偿失。", "AGAINST"),
    ("稀土", "稀土被贱卖多年，教训惨痛。", "AGAINST"),
    ("稀土", "稀土行业乱象丛生，问题很多。", "AGAINST"),
    ("稀土", "稀土价格战只会两败俱伤。", "AGAINST"),
    ("稀土", "稀土元素共有十七种。", "NONE"),
    ("稀土", "有关部门发布了稀土开采总量指标。", "NONE"),
    ("稀土", "稀土主要用于永磁材料和催化剂。", "NONE"),
]
TRAIN = pd.DataFrame(ROWS, columns=["target", "text", "label"])
NEW = [("美国", "美国的制裁霸凌让人愤怒。"), ("黄金", "黄金值得长期持有。"),
       ("美债", "美债收益率报4.5%。"), ("特朗普", "特朗普说了一句话。")]
FAST = {"word_ngrams": None, "model": "lr"}


@pytest.fixture(scope="module")
def model() -> StanceClassifier:
    return StanceClassifier(C=0.5).fit(TRAIN[["target", "text"]], TRAIN["label"])


def test_fit_sets_sorted_classes_and_probabilities_sum_to_one(model):
    assert list(model.classes_) == list(LABELS) == ["AGAINST", "FAVOR", "NONE"]
    proba = model.predict_proba(NEW)
    assert proba.shape == (4, 3)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert set(model.predict(NEW)) <= set(LABELS)


def test_learns_the_training_sentences(model):
    predicted = model.predict(TRAIN[["target", "text"]])
    assert (predicted == TRAIN["label"].to_numpy()).mean() > 0.9


def test_pairs_and_frame_give_the_same_probabilities(model):
    frame = pd.DataFrame(NEW, columns=["target", "text"])
    assert np.array_equal(model.predict_proba(NEW), model.predict_proba(frame))
    assert model.predict_proba([]).shape == (0, 3)


def test_same_seed_same_probabilities(model):
    again = StanceClassifier(C=0.5).fit(TRAIN[["target", "text"]], TRAIN["label"])
    assert np.array_equal(model.predict_proba(NEW), again.predict_proba(NEW))


def test_target_mentions_become_the_marker():
    frame = StanceInputs(lexicon=False).transform([("美债", "中国减持美国国债，美债承压")])
    assert frame["marked"][0] == f"中国减持{MARK}，{MARK}承压"
    assert MARK in frame["words"][0]
    assert WordNgrams(1, 2)(("a", "b", "c")) == ["a", "b", "c", "a b", "b c"]


def test_lexicon_scores_are_a_feature_block():
    frame = StanceInputs(lexicon=True).transform([("美国", "美国霸凌全球")])
    assert any(c.startswith("lex_") for c in frame.columns)


def test_save_load_round_trip_gives_identical_probabilities(model, tmp_path):
    folder = model.save(tmp_path / "m")
    loaded = StanceClassifier.load(folder)
    assert np.array_equal(model.predict_proba(NEW), loaded.predict_proba(NEW))
    assert loaded.get_params() == model.get_params()
    card = json.loads((folder / "model_card.json").read_text("utf-8"))
    assert card["name"] == "fincorpus-stance-model" and card["version"] == "1"
    assert card["training"]["labels"] == {"AGAINST": 16, "FAVOR": 16, "NONE": 12}
    assert card["training"]["targets"]["黄金"] == {"AGAINST": 4, "FAVOR": 4, "NONE": 3}
    assert {"scikit-learn", "skops", "numpy", "fincorpus"} <= set(card["versions"])
    assert loaded.card_["hyperparameters"]["C"] == 0.5


def test_untrusted_file_refused_unless_trusted(tmp_path):
    import skops.io as sio

    # A model that holds a type off the allow-list (a function of another module).
    odd = StanceClassifier(**FAST).fit(TRAIN[["target", "text"]], TRAIN["label"])
    odd.extra_ = json.dumps
    folder = tmp_path / "odd"
    folder.mkdir()
    sio.dump(odd, folder / "model.skops")
    with pytest.raises(BadInput) as error:
        StanceClassifier.load(folder)
    message = str(error.value)
    assert "\n" not in message and "model.skops" in message and "json" in message
    assert "pass --trust-model only if you made this file" in message
    assert StanceClassifier.load(folder, trusted=True).extra_ is json.dumps


@pytest.mark.parametrize("content", [b"not a model", b"", None])
def test_a_file_that_is_not_a_model_is_refused(tmp_path, content):
    path = tmp_path / "model.skops"
    if content is None:  # a zip, but not skops
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("x.txt", "hello")
    else:
        path.write_bytes(content)
    with pytest.raises(BadInput, match=r"model\.skops: not a stance model file") as error:
        StanceClassifier.load(path)
    assert "\n" not in str(error.value)
    with pytest.raises(BadInput, match="cannot read"):
        StanceClassifier.load(tmp_path / "missing")


def test_another_skops_object_is_refused(tmp_path):
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    sio.dump(LogisticRegression(), tmp_path / "model.skops")
    with pytest.raises(BadInput, match="not a fitted StanceClassifier"):
        StanceClassifier.load(tmp_path)


def test_sklearn_contract_get_params_and_clone(model):
    params = model.get_params()
    assert params["random_state"] == 0 and params["C"] == 0.5
    copy = clone(model)
    assert copy.get_params() == params and not hasattr(copy, "classes_")
    assert StanceClassifier().set_params(C=2.0).C == 2.0
    with pytest.raises(Exception, match="not fitted"):
        StanceClassifier().predict_proba(NEW)


def test_fit_stance_model_chooses_by_cv_and_reports():
    grid = [{"model": "lr", "C": 0.5}, {"model": "lr", "C": 0.5, "per_target": False}]
    chosen, report = fit_stance_model(TRAIN[["target", "text"]], TRAIN["label"], cv=3,
                                      grid=grid, base={"word_ngrams": None, "lexicon": False})
    assert report.chosen in grid and len(report.results) == 2
    assert report.chosen == max(report.results, key=lambda r: r["f_avg"])["config"]
    assert chosen.model == "lr" and hasattr(chosen, "classes_")
    assert "configuration" in report.to_text() and report.as_dict()["cv_folds"] == 3
    assert chosen.card_["selection"]["chosen"] == report.chosen


def test_decide_takes_none_bias_off_none_before_the_argmax(model):
    proba = np.array([[0.30, 0.25, 0.45], [0.10, 0.20, 0.70], [0.50, 0.40, 0.10]])
    assert list(StanceClassifier().decide(proba)) == ["NONE", "NONE", "AGAINST"]
    assert list(StanceClassifier(none_bias=0.2).decide(proba)) == ["AGAINST", "NONE", "AGAINST"]
    assert StanceClassifier().decide(np.zeros((0, 3))).shape == (0,)
    assert list(model.predict(NEW)) == list(model.decide(model.predict_proba(NEW)))
    biased = clone(model).set_params(none_bias=1.0).fit(TRAIN[["target", "text"]],
                                                         TRAIN["label"])
    assert np.array_equal(biased.predict_proba(NEW), model.predict_proba(NEW))
    assert "NONE" not in set(biased.predict(NEW))


def test_fit_stance_model_chooses_none_bias_out_of_fold():
    X, y = TRAIN[["target", "text"]], TRAIN["label"]
    base = {"word_ngrams": None, "lexicon": False, "model": "lr"}
    chosen, report = fit_stance_model(X, y, cv=3, grid=[{"C": 0.5}], base=base)
    assert chosen.none_bias == report.none_bias and report.none_bias in NONE_BIASES
    assert report.biased_f_avg >= report.results[0]["f_avg"]
    assert report.as_dict()["none_bias"] == report.none_bias
    assert "none_bias" in report.to_text()
    fixed, report = fit_stance_model(X, y, cv=3, grid=[{"C": 0.5}],
                                     base={**base, "none_bias": 0.0})
    assert fixed.none_bias == 0.0 and report.biased_f_avg is None


# labelled files ----------------------------------------------------------------------

def test_read_labeled_csv_bom_and_case(tmp_path):
    path = tmp_path / "l.csv"
    path.write_bytes("target,text,Label\n美国,美国霸凌,against\n黄金,\"黄金,好\",Favor\n"
                     .encode("utf-8-sig"))
    frame = read_labeled(path)
    assert list(frame["label"]) == ["AGAINST", "FAVOR"]
    assert frame["text"][1] == "黄金,好"


def test_read_labeled_gb18030_and_nlpcc_tsv(tmp_path):
    path = tmp_path / "g.csv"
    path.write_bytes("target,text,label\n稀土,稀土是王牌,FAVOR\n".encode("gb18030"))
    assert read_labeled(path)["text"][0] == "稀土是王牌"
    tsv = tmp_path / "n.tsv"
    tsv.write_text("ID\tTARGET\tTEXT\tSTANCE\n1\t开放二胎\t支持二胎\tFAVOR\n", "utf-8")
    frame = read_labeled(tsv)
    assert list(frame[["target", "text", "label"]].iloc[0]) == ["开放二胎", "支持二胎", "FAVOR"]


@pytest.mark.parametrize("content, message", [
    ("", "the file is empty"),
    ("target,text\n美国,x\n", "no column label"),
    ("target,text,label\n", "a header but no rows"),
    ("target,text,label\n美国,x,FAVOR\n美国,y,positive\n", "data row 2 .* 'positive'"),
    ("target,text,label\n美国,x,\n", "data row 1 .* ''"),
])
def test_read_labeled_errors_are_one_line(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, "utf-8")
    with pytest.raises(BadInput, match=message) as error:
        read_labeled(path)
    assert "\n" not in str(error.value) and "bad.csv" in str(error.value)


def test_read_table_needs_target_and_text_only(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("TARGET,Text,extra\n美国,x,1\n", "utf-8")
    assert list(read_table(path).columns) == ["target", "text", "extra"]


# the benchmark on the real data --------------------------------------------------------

def test_nlpcc_reference_run_reads_the_real_split(shared: Path):
    """The benchmark's reader and its plain reference on the real NLPCC split (the full
    model selection is the benchmark's, too slow for a unit test)."""
    from fincorpus.nlp.stance_eval import evaluate
    from tests.support.benchmarks import load_benchmark

    bench = load_benchmark("stance_nlpcc")
    folder = shared / "data" / "stance" / "nlpcc2016"
    train, test = bench.read_split(folder / bench.TRAIN), bench.read_split(folder / bench.TEST)
    assert len(train) == 3000 and len(test) == 1000
    assert set(train["target"]) == set(test["target"])
    assert set(train["label"]) == set(LABELS)
    report = evaluate(test["label"], bench.reference(train)(test), test["target"])
    assert report.f_avg == pytest.approx(0.7106, abs=0.005)
