"""Score named categories of weighted terms (topics, frames) in sentences and whole articles.

One formula for both levels, chosen to be explained in a sentence of a methods section:

    score = 100 × (sum of the weights of the indicator hits) / max(characters, 20)

that is, weighted indicator hits per 100 characters. Characters are the non-space
characters of the sentence (or of all the article's sentences together); the floor of
20 keeps a four-character headline with one hit from outscoring a paragraph. Hits come
from `TermMatcher` (leftmost-longest, never overlapping), and every occurrence counts.
A term listed under several categories counts once for each of them. A term of weight
0 is a blocker: it is matched (so 收益率 keeps the cue 收益 from matching inside it)
but never counted or shown.

Each `Score` keeps its evidence: the lexicon terms found, ordered by their weighted
count (ties in order of first appearance), and for an article the indexes of the
sentences that hold at least one hit. Categories without a hit are left out; the rest
are ordered by score, then name.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from fincorpus.corpus.model import Provenance, Score, Sentence
from fincorpus.nlp.terms import Term, TermMatcher, fold

#: Scores are hits per this many characters.
PER_CHARS = 100
#: Texts shorter than this count as this long.
MIN_CHARS = 20


@dataclass(frozen=True, slots=True)
class Hit:
    """One indicator found in a text: the category it counts for, the term, its weight, its span."""

    name: str
    term: str
    weight: float
    start: int
    end: int


@dataclass(slots=True)
class _Tally:
    total: float = 0.0
    terms: dict[str, float] = field(default_factory=dict)
    sentences: list[int] = field(default_factory=list)

    def add(self, hit: Hit, sentence: int) -> None:
        self.total += hit.weight
        self.terms[hit.term] = self.terms.get(hit.term, 0.0) + hit.weight
        if not self.sentences or self.sentences[-1] != sentence:
            self.sentences.append(sentence)


def lexicon_digest(categories: Mapping[str, Sequence[Term]]) -> str:
    """A short hash of names, terms and weights: which lexicon a stored score came from."""
    data = {name: [[t.text, t.weight] for t in terms] for name, terms in categories.items()}
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:12]


def char_count(text: str) -> int:
    """The number of non-space characters: the length that scores are normalised by."""
    return sum(1 for ch in text if not ch.isspace())


class CategoryScorer:
    """Weighted-term scoring for a set of named categories, each a list of `Term`s."""

    def __init__(self, categories: Mapping[str, Sequence[Term]]) -> None:
        self.names = tuple(categories)
        # Folded key -> every (category, term as written, weight) it stands for.
        self._entries: dict[str, list[tuple[str, str, float]]] = {}
        for name, terms in categories.items():
            for term in terms:
                self._entries.setdefault(fold(term.text), []).append((name, term.text, term.weight))
        self._matcher = TermMatcher(self._entries)

    def hits(self, text: str) -> list[Hit]:
        """Every indicator hit in the text, with spans into it (for highlighting)."""
        found = []
        for match in self._matcher.find(text):
            for name, term, weight in self._entries[match.key]:
                if weight > 0:
                    found.append(Hit(name, term, weight, match.start, match.end))
        return found

    def score_sentence(self, text: str) -> list[Score]:
        """The categories a sentence shows, scored as weighted hits per 100 characters."""
        tallies: dict[str, _Tally] = {}
        for hit in self.hits(text):
            tallies.setdefault(hit.name, _Tally()).add(hit, 0)
        return _scores(tallies, char_count(text), with_sentences=False)

    def score_article(self, sentences: Iterable[str | Sentence]) -> list[Score]:
        """The categories of a whole article, with the indexes of the sentences behind each."""
        return self.score_sentences(sentences)[0]

    def score_sentences(self, sentences: Iterable[str | Sentence]) -> tuple[list[Score], list[list[Score]]]:
        """The article's scores and each sentence's, from one scan of every sentence."""
        article: dict[str, _Tally] = {}
        per_sentence, chars = [], 0
        for index, sentence in enumerate(sentences):
            text = sentence if isinstance(sentence, str) else sentence.text
            own: dict[str, _Tally] = {}
            for hit in self.hits(text):
                article.setdefault(hit.name, _Tally()).add(hit, index)
                own.setdefault(hit.name, _Tally()).add(hit, 0)
            per_sentence.append(_scores(own, char_count(text), with_sentences=False))
            chars += char_count(text)
        return _scores(article, chars, with_sentences=True), per_sentence


def _scores(tallies: dict[str, _Tally], chars: int, with_sentences: bool) -> list[Score]:
    scale = PER_CHARS / max(chars, MIN_CHARS)
    scores = []
    for name, tally in tallies.items():
        # sorted() is stable, so equal counts stay in order of first appearance.
        evidence = sorted(tally.terms, key=lambda term: -tally.terms[term])
        where = tuple(tally.sentences) if with_sentences else ()
        scores.append(Score(name, round(tally.total * scale, 4), tuple(evidence), where))
    return sorted(scores, key=lambda score: (-score.score, score.name))


class LexiconScorer:
    """What topics and frames share: a named lexicon of categories, scored and versioned.

    The version is "1" plus the lexicon's digest, so stored scores say which terms made them.
    """

    name = "lexicon"

    def __init__(self, categories: Mapping[str, Sequence[Term]], digest: str) -> None:
        self._scorer = CategoryScorer(categories)
        self._digest = digest

    @property
    def version(self) -> str:
        return f"1+{self._digest}"

    @property
    def provenance(self) -> Provenance:
        return Provenance(self.name, self.version)

    def score_sentence(self, text: str) -> list[Score]:
        """The categories of one sentence, strongest first (weighted hits per 100 characters)."""
        return self._scorer.score_sentence(text)

    def score_article(self, sentences: Iterable[str | Sentence]) -> list[Score]:
        """The categories of an article's sentences, strongest first, with evidence sentence indexes."""
        return self._scorer.score_article(sentences)

    def score_sentences(self, sentences: Iterable[str | Sentence]) -> tuple[list[Score], list[list[Score]]]:
        """Article scores and each sentence's in one pass (what analyze stores)."""
        return self._scorer.score_sentences(sentences)

    def hits(self, text: str) -> list[Hit]:
        """Every term found in the text, with its category and span (for highlighting)."""
        return self._scorer.hits(text)
