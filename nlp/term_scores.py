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
from dataclasses import dataclass

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


def lexicon_digest(categories: Mapping[str, Sequence[Term]]) -> str:
    """A short hash of names, terms and weights: which lexicon a stored score came from."""
    data = {name: [[t.text, t.weight] for t in terms] for name, terms in categories.items()}
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:12]


def char_count(text: str) -> int:
    """The number of non-space characters: the length that scores are normalised by."""
    # str.split() cuts at exactly the characters for which str.isspace() is true.
    return sum(map(len, text.split()))


class CategoryScorer:
    """Weighted-term scoring for a set of named categories, each a list of `Term`s."""

    def __init__(self, categories: Mapping[str, Sequence[Term]]) -> None:
        self.names = tuple(categories)
        # Folded key -> every (category, term as written, weight) it stands for.
        self._entries: dict[str, list[tuple[str, str, float]]] = {}
        for name, terms in categories.items():
            for term in terms:
                self._entries.setdefault(fold(term.text), []).append((name, term.text, term.weight))
        # The same without blockers, weights as floats (0.0 + weight, as summing gives).
        self._counted = {key: tuple((name, term, 0.0 + weight)
                                    for name, term, weight in entries if weight > 0)
                         for key, entries in self._entries.items()}
        self._matcher = TermMatcher(self._entries)

    def hits(self, text: str) -> list[Hit]:
        """Every indicator hit in the text, with spans into it (for highlighting)."""
        return [Hit(name, term, weight, match.start, match.end)
                for match in self._matcher.find(text)
                for name, term, weight in self._entries[match.key] if weight > 0]

    def score_sentence(self, text: str) -> list[Score]:
        """The categories a sentence shows, scored as weighted hits per 100 characters."""
        return self.score_sentences([text])[1][0]

    def score_article(self, sentences: Iterable[str | Sentence]) -> list[Score]:
        """The categories of a whole article, with the indexes of the sentences behind each."""
        return self.score_sentences(sentences)[0]

    def score_sentences(self, sentences: Iterable[str | Sentence]) -> tuple[list[Score], list[list[Score]]]:
        """The article's scores and each sentence's, from one scan of every sentence."""
        texts = [s if isinstance(s, str) else s.text for s in sentences]
        counted = self._counted
        # Category -> [sum of weights, {term: sum of its weights}, sentence indexes]. Every
        # hit is added on its own, in text order, so the sums are the same to the last bit.
        article: dict[str, list] = {}
        per_sentence: list[list[Score]] = []
        for index, keys in enumerate(self._matcher.find_keys_each(texts)):
            own: dict[str, list] = {}
            for key in keys:
                for name, term, weight in counted[key]:
                    tally = own.get(name)
                    if tally is None:
                        own[name] = [weight, {term: weight}, ()]
                    else:
                        tally[0] += weight
                        terms = tally[1]
                        terms[term] = terms.get(term, 0.0) + weight
                    tally = article.get(name)
                    if tally is None:
                        article[name] = [weight, {term: weight}, [index]]
                    else:
                        tally[0] += weight
                        terms = tally[1]
                        terms[term] = terms.get(term, 0.0) + weight
                        if tally[2][-1] != index:
                            tally[2].append(index)
            per_sentence.append(_scores(own, char_count(texts[index])) if own else [])
        # "\n" is a space: it keeps the texts apart and counts for none of them.
        chars = char_count("\n".join(texts)) if article else 0
        return _scores(article, chars), per_sentence


def _scores(tallies: dict[str, list], chars: int) -> list[Score]:
    scale = PER_CHARS / max(chars, MIN_CHARS)
    scores = [Score(name, round(total * scale, 4), _evidence(terms), tuple(where))
              for name, (total, terms, where) in tallies.items()]
    if len(scores) > 1:
        scores.sort(key=_rank)
    return scores


def _evidence(terms: dict[str, float]) -> tuple[str, ...]:
    """The terms, most weight first; sorted() is stable, so ties stay in order of appearance."""
    if len(terms) == 1:
        return tuple(terms)
    return tuple(sorted(terms, key=terms.__getitem__, reverse=True))


def _rank(score: Score) -> tuple[float, str]:
    return -score.score, score.name


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
