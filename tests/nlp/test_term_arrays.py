"""The matcher's array scan (`term_arrays`) gives what the reference and the regex give."""

from __future__ import annotations

import pytest
from fincorpus.nlp import terms
from fincorpus.nlp.stance_cues import CueLexicon
from fincorpus.nlp.term_arrays import HashedTerms
from fincorpus.nlp.terms import TermMatcher, fold

from tests.nlp.test_terms import EDGE_KEYS, LEXICONS, _paragraphs, _random_texts, ref_find


@pytest.fixture
def arrays_always(monkeypatch):
    """Every `spans_each` call goes through the arrays, however few its keys or characters."""
    monkeypatch.setattr(terms, "ARRAY_MIN_KEYS", 0)
    monkeypatch.setattr(terms, "ARRAY_MIN_CHARS", 0)


def _keys(lexicon: str) -> set[str]:
    if lexicon == "edge":
        return set(EDGE_KEYS)
    if lexicon == "cues":
        return set(CueLexicon.load()._cues)
    return {fold(t.text) for category in LEXICONS[lexicon].values() for t in category}


def _expected(keys: set[str], texts: list[str]) -> list[list[tuple[str, int, int]]]:
    return [[(m.key, m.start, m.end) for m in ref_find(keys, text)] for text in texts]


@pytest.mark.parametrize("lexicon", [*sorted(LEXICONS), "cues", "edge"])
def test_array_scan_equals_the_reference_on_random_texts(arrays_always, lexicon):
    keys = _keys(lexicon)
    matcher = TermMatcher(keys)
    texts = _random_texts(sorted(keys), 2000, seed=len(keys) + 1)
    for start in range(0, len(texts), 40):
        batch = texts[start:start + 40]
        assert matcher.spans_each(batch) == _expected(keys, batch)
    assert matcher._arrays is not None and matcher._arrays.exact


@pytest.mark.parametrize("lexicon", [*sorted(LEXICONS), "cues"])
def test_array_scan_equals_the_regex_on_the_sample_corpus(lexicon):
    keys = _keys(lexicon)
    matcher = TermMatcher(keys)
    paragraphs = _paragraphs()
    by_regex = [[(m.key, m.start, m.end) for m in matcher.find(p)] for p in paragraphs]
    assert by_regex == _expected(keys, paragraphs)
    arrays = HashedTerms(sorted(matcher._keys))
    for paragraph, expected in zip(paragraphs, by_regex):
        starts, ends, found = arrays.find(matcher._folded(paragraph))
        assert [(arrays.keys[k], a, b) for a, b, k in zip(starts, ends, found)] == expected


def test_array_scan_with_no_candidates_and_text_beyond_the_bmp(arrays_always):
    matcher = TermMatcher(["美债", "a", "😀x"])
    assert matcher.spans_each(["", "😀x美债", "a😀a", "bab"]) == [
        [], [("😀x", 0, 2), ("美债", 2, 4)], [("a", 0, 1), ("a", 2, 3)], []]


def test_a_misleading_hash_falls_back_to_the_regex(arrays_always, monkeypatch):
    matcher = TermMatcher(["美债", "黄金"])
    expected = matcher.spans_each(["美债和黄金"])
    monkeypatch.setattr(HashedTerms, "find", lambda self, text: None)
    assert TermMatcher(["美债", "黄金"]).spans_each(["美债和黄金"]) == expected
