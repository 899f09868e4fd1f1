"""NerTagger: scikit-learn contract, valid BIO, safe save/load, offsets, and a quality floor."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.ner import NerTagger, chunks, shipped_model_path
from fincorpus.nlp.ner_crf import Chain, bio_masks, viterbi, viterbi_many
from fincorpus.nlp.ner_features import Featurizer, fold, substring_hashes, codes
from fincorpus.nlp.ner_data import coarse, from_tags, read_cluener, score, spans, to_tags
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

# Invented sentences: (text, [(type, start, end)]).
TINY = [
    ("张小明昨天在北京见了李大伟。", [("PER", 0, 3), ("LOC", 6, 8), ("PER", 10, 13)]),
    ("李大伟去上海参观了华远公司。", [("PER", 0, 3), ("LOC", 4, 6), ("ORG", 9, 13)]),
    ("华远公司的张小明说，上海很好。", [("ORG", 0, 4), ("PER", 5, 8), ("LOC", 10, 12)]),
    ("北京和上海都有华远公司。", [("LOC", 0, 2), ("LOC", 3, 5), ("ORG", 7, 11)]),
    ("今天下雨了。", []),
]


def _tags(text: str, found: list[tuple[str, int, int]]) -> list[str]:
    tags = ["O"] * len(text)
    for kind, start, end in found:
        tags[start:end] = [f"B-{kind}"] + [f"I-{kind}"] * (end - start - 1)
    return tags


def _valid(tags: list[str]) -> bool:
    prev = "O"
    for tag in tags:
        if tag.startswith("I-") and prev[2:] != tag[2:]:
            return False
        prev = tag
    return True


@pytest.fixture(scope="module")
def tiny() -> NerTagger:
    texts = [t for t, _ in TINY]
    return NerTagger(hash_bits=12, max_iter=60, random_state=0).fit(
        texts, [_tags(t, f) for t, f in TINY])


def test_ner_init_only_stores_params_and_clones() -> None:
    tagger = NerTagger(hash_bits=10, c2=0.5, max_iter=5, random_state=3)
    assert tagger.get_params() == {"hash_bits": 10, "c2": 0.5, "max_iter": 5, "random_state": 3}
    assert clone(tagger).get_params() == tagger.get_params()
    assert not hasattr(tagger, "classes_")
    assert tagger.name == "fincorpus-ner" and tagger.version


def test_ner_not_fitted_and_bad_shapes_raise() -> None:
    with pytest.raises(NotFittedError):
        NerTagger().predict(["北京"])
    with pytest.raises(ValueError):
        NerTagger().fit(["北京"], [["B-LOC"]])


def test_ner_fit_returns_self_and_learns_tiny_data(tiny: NerTagger) -> None:
    assert set(tiny.classes_) == {"O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG"}
    predicted = tiny.predict([t for t, _ in TINY])
    assert predicted == [_tags(t, f) for t, f in TINY]


def test_ner_viterbi_never_returns_invalid_bio() -> None:
    classes = ["B-LOC", "B-ORG", "B-PER", "I-LOC", "I-ORG", "I-PER", "O"]
    start, pairs = bio_masks(classes)
    rng = np.random.default_rng(0)
    for _ in range(200):
        chain = Chain(rng.normal(size=(7, 7)) * 3 + pairs, rng.normal(size=7) * 3 + start,
                      rng.normal(size=7))
        emissions = rng.normal(size=(int(rng.integers(1, 12)), 7)) * 5
        emissions[:, 3:6] += 4  # tempt it with I- tags
        assert _valid([classes[k] for k in viterbi(emissions, chain)])


def _brute_force(emissions: np.ndarray, chain: Chain) -> list[int]:
    """The best path by trying every one (tiny inputs only)."""
    import itertools

    n, k = emissions.shape
    def total(path):
        return (chain.start[path[0]] + chain.end[path[-1]] + emissions[np.arange(n), path].sum()
                + sum(chain.transitions[a, b] for a, b in zip(path, path[1:])))
    return list(max(itertools.product(range(k), repeat=n), key=total))


def test_ner_batched_viterbi_equals_brute_force_per_sentence() -> None:
    classes = ["B-LOC", "B-PER", "I-LOC", "I-PER", "O"]
    start, pairs = bio_masks(classes)
    rng = np.random.default_rng(1)
    for _ in range(40):
        chain = Chain(rng.normal(size=(5, 5)) + pairs, rng.normal(size=5) + start,
                      rng.normal(size=5))
        lengths = rng.integers(0, 5, size=int(rng.integers(1, 5)))
        emissions = rng.normal(size=(int(lengths.sum()), 5))
        expected, at = [], 0
        for length in lengths:
            if length:
                expected += _brute_force(emissions[at:at + length], chain)
            at += length
        assert viterbi_many(emissions, lengths, chain).tolist() == expected


def test_ner_features_of_a_sentence_do_not_depend_on_its_batch(tiny: NerTagger) -> None:
    """Each sentence is its own sequence: batching (as analyze does) changes nothing."""
    texts = ["张小明在北京。", "ＡＢＣ 公司 的 3.5%", "华远公司和李大伟", "好"]
    pieces = [(t, tiny.words(t), 0) for t in texts]
    batch = tiny.features(pieces)
    alone = [tiny.features([piece]) for piece in pieces]
    assert np.array_equal(batch.fixed, np.vstack([f.fixed for f in alone]))
    offsets = np.cumsum([0] + [len(t) for t in texts])
    extras = sorted((int(r) + int(offsets[i]), int(c)) for i, f in enumerate(alone)
                    for r, c in zip(f.extra_rows, f.extra_slots))
    assert sorted(zip(batch.extra_rows.tolist(), batch.extra_slots.tolist())) == extras
    assert tiny.predict(texts) == [tiny.predict([t])[0] for t in texts]


def test_ner_features_accept_gaps_and_words_past_the_end() -> None:
    featurizer = Featurizer({"北京": "ns"}, bits=10)
    words = [("北京", 10, 12, "ns"), ("天气", 13, 15, "n"), ("", 15, 19, "x")]  # a gap, an overrun
    features = featurizer([("北京 天气", words, 10)])
    assert features.fixed.shape[0] == 5 and features.fixed.max() < 2 ** 10
    assert set(features.extra_rows.tolist()) == {0, 1}  # 北京 is a dictionary name


def test_ner_substring_hashes_match_equal_strings_only() -> None:
    cp = codes(fold("美国美国美联储Ａ1"))
    starts, ends = np.array([0, 2, 0, 4, 7]), np.array([2, 4, 3, 7, 9])
    hashes = substring_hashes(cp, starts, ends)
    assert hashes[0] == hashes[1] and len(set(hashes.tolist())) == 4
    assert fold("ＡＢ１２ｃ") == "ab00c"


def test_ner_predictions_are_valid_bio(tiny: NerTagger) -> None:
    for tags in tiny.predict(["上海", "华远公司和北京", "", "abc 123 。", "大伟说公司好"]):
        assert _valid(tags)


def test_ner_save_load_round_trip(tiny: NerTagger, tmp_path: Path) -> None:
    folder = tiny.save(tmp_path / "model")
    loaded = NerTagger.load(folder)
    texts = [t for t, _ in TINY] + ["王小明在广州。"]
    assert loaded.predict(texts) == tiny.predict(texts)
    assert np.array_equal(loaded.coef_, tiny.coef_)
    assert loaded.get_params() == tiny.get_params()


@pytest.mark.parametrize("breakage", ["missing", "not-json", "other-format", "pickled-weights"])
def test_ner_load_refuses_what_is_not_ours(tiny: NerTagger, tmp_path: Path, breakage: str) -> None:
    folder = tiny.save(tmp_path / "model")
    if breakage == "missing":
        folder = tmp_path / "nowhere"
    elif breakage == "not-json":
        (folder / "model.json").write_bytes(b"\x80\x04 pickle")
    elif breakage == "other-format":
        (folder / "model.json").write_text(json.dumps({"format": "something-else"}))
    else:
        np.savez(folder / "weights.npz", coef=np.array([{"a": 1}], dtype=object))
    with pytest.raises(BadInput) as error:
        NerTagger.load(folder)
    assert "\n" not in str(error.value) and str(folder) in str(error.value)


def test_ner_entities_offsets_point_into_the_text(tiny: NerTagger) -> None:
    text = "今天下雨了。\n张小明在北京。华远公司的李大伟去上海了！"
    found = tiny.entities(text)
    assert [(e.type, e.text) for e in found] == [
        ("PER", "张小明"), ("LOC", "北京"), ("ORG", "华远公司"), ("PER", "李大伟"), ("LOC", "上海")]
    for entity in found:
        assert text[entity.start:entity.end] == entity.text and entity.id is None


def test_ner_chunks_cover_text_without_gaps() -> None:
    text = "第一句。第二句！\n\n第三行" + "长" * 700
    pieces = chunks(text)
    assert "".join(text[s:e] for s, e in pieces) == text
    assert all(e - s <= 300 for s, e in pieces)


def test_ner_bio_spans_round_trip() -> None:
    text, found = TINY[1]
    example = from_tags(text, _tags(text, found))
    assert to_tags(example) == _tags(text, found)
    assert spans(["I-PER", "I-PER", "O", "B-LOC"]) == [("PER", 0, 2), ("LOC", 3, 4)]


def test_ner_shipped_model_on_a_cluener_dev_slice(shared: Path) -> None:
    """A quick floor; benchmarks/ner.py measures the full sets."""
    gold = [coarse(e) for e in read_cluener(shared / "data" / "ner" / "cluener_dev.json")[:150]]
    tagger = NerTagger.load(shipped_model_path())
    predicted = [from_tags(e.text, tags) for e, tags in zip(gold, tagger.predict(
        [e.text for e in gold]))]
    assert score(gold, predicted)["ALL"].f1 >= 0.60


def test_long_sentences_reach_the_model_in_pieces_words_and_all(tiny: NerTagger) -> None:
    from fincorpus.corpus.model import Sentence
    from fincorpus.nlp.analyze import ner_pieces

    text = "张小明在北京见了李大伟" * 70  # one 770-character sentence
    sentence = Sentence(text, 5, 5 + len(text), 0)
    pieces = ner_pieces(sentence, tuple(tiny.segmenter().tokens(text, 5)))
    assert "".join(piece[0] for _, piece in pieces) == text and len(pieces) == 3
    for offset, (piece_text, words, base) in pieces:
        assert offset == base and len(piece_text) <= 300
        assert "".join(w.text for w in words) == piece_text  # words cut at the piece's edges
        assert all(text[w.start - 5:w.end - 5] == w.text for w in words)
    assert [len(found) for found in tiny.spans([piece for _, piece in pieces])] != [0, 0, 0]
