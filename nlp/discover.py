"""Discover topics in a corpus: TF-IDF over our segmentation, then NMF, reusable for tagging.

`discover_topics(documents, k)` is the whole of `fincorpus topics discover --k K`:
it returns a fitted `TopicModel` whose `describe()` is the printout, whose `save(path)`
writes an editable JSON file (never a pickle), and whose `to_taxonomy_toml()` turns the
discovered topics into a taxonomy that `TopicScorer` tags with once a person has named
and pruned them. Documents are token lists (e.g. a `Segmenter`'s words), not strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.stopwords import TokenFilter, bundled_stopwords, normalise
from fincorpus.nlp.terms import Term, fold
from fincorpus.nlp.topic_model_io import dump, read
from fincorpus.nlp.topics import Taxonomy, Topic
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import NMF, non_negative_factorization
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

#: Significant digits kept of every stored number, so a saved model reloads exactly.
DIGITS = 6


@dataclass(frozen=True, slots=True)
class DiscoveredTopic:
    """One NMF topic: its number and its top words, weighted by the NMF component."""

    id: int
    words: tuple[Term, ...]

    @property
    def name(self) -> str:
        return f"topic_{self.id:02d}"


def _round(values: Any) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    flat = [float(f"{v:.{DIGITS}g}") for v in array.ravel().tolist()]
    return np.array(flat, dtype=np.float64).reshape(array.shape)


def check_documents(documents: Any) -> list[Sequence[Any]]:
    """The documents as a list of token lists; a string in place of one is a TypeError."""
    if isinstance(documents, (str, bytes)):
        raise TypeError("documents must be a list of token lists, not a string")
    docs = list(documents)
    for doc in docs:
        if isinstance(doc, (str, bytes)):
            raise TypeError("each document must be a token list (e.g. Segmenter words), "
                            "not a string")
    return docs


class TopicModel(TransformerMixin, BaseEstimator):
    """NMF topics over TF-IDF of token lists (scikit-learn style: fit returns self).

    TF-IDF: `TfidfVectorizer(analyzer=TokenFilter(...), sublinear_tf=True)` (l2-normed
    rows); NMF: `NMF(n_components=k, init="nndsvda", random_state=random_state)`.
    Fitted attributes: `vocabulary_`, `idf_`, `components_` (k × vocabulary),
    `stopwords_`, `n_documents_`, `reconstruction_err_`.
    """

    name = "nmf-topics"
    version = "1"

    def __init__(self, k: int = 10, *, random_state: int | None = 0, top_n: int = 15,
                 min_chars: int = 2, min_df: float = 1, max_df: float = 1.0,
                 max_iter: int = 1000, stopwords: Iterable[str] | None = None) -> None:
        self.k = k
        self.random_state = random_state
        self.top_n = top_n
        self.min_chars = min_chars
        self.min_df = min_df
        self.max_df = max_df
        self.max_iter = max_iter
        self.stopwords = stopwords

    def fit(self, documents: Iterable[Sequence[Any]], y: Any = None) -> TopicModel:
        """Learn the vocabulary, IDF weights and k topics from the documents."""
        docs = check_documents(documents)
        _check_k(self.k)
        if self.stopwords is None:
            stop = bundled_stopwords()
        else:
            stop = frozenset(map(normalise, self.stopwords))
        tfidf = self._vectorizer(stop)
        try:
            matrix = tfidf.fit_transform(docs)
        except ValueError as error:
            raise BadInput(f"cannot build the TF-IDF vocabulary ({' '.join(str(error).split())}); "
                           "give more documents, or lower min_df / raise max_df") from error
        _check_k(self.k, matrix.shape)
        nmf = NMF(n_components=self.k, init="nndsvda", random_state=self.random_state,
                  max_iter=self.max_iter)
        nmf.fit(matrix)
        self.stopwords_ = tuple(sorted(stop))
        self.vocabulary_ = tuple(str(word) for word in tfidf.get_feature_names_out())
        self.idf_ = _round(tfidf.idf_)
        self.components_ = _round(nmf.components_)
        self.n_documents_ = int(matrix.shape[0])
        self.reconstruction_err_ = float(f"{nmf.reconstruction_err_:.{DIGITS}g}")
        return self

    def _vectorizer(self, stop: frozenset[str]) -> TfidfVectorizer:
        return TfidfVectorizer(analyzer=TokenFilter(stop, self.min_chars), lowercase=False,
                               token_pattern=None, min_df=self.min_df, max_df=self.max_df,
                               sublinear_tf=True, norm="l2")

    def tfidf(self, documents: Iterable[Sequence[Any]]) -> sparse.csr_matrix:
        """The documents' TF-IDF rows in this model's vocabulary (as at fitting time)."""
        check_is_fitted(self, "components_")
        counter = CountVectorizer(analyzer=TokenFilter(self.stopwords_, self.min_chars),
                                  vocabulary=list(self.vocabulary_), lowercase=False,
                                  token_pattern=None)
        counts = counter.transform(check_documents(documents)).astype(np.float64)
        counts.data = 1.0 + np.log(counts.data)  # sublinear tf, as in fit
        return normalize(sparse.csr_matrix(counts.multiply(self.idf_)), norm="l2")

    def transform(self, documents: Iterable[Sequence[Any]]) -> np.ndarray:
        """Document-topic weights (documents × k), the topics held fixed."""
        matrix = self.tfidf(documents)
        weights, _, _ = non_negative_factorization(
            matrix, H=self.components_, n_components=self.components_.shape[0], update_H=False,
            init=None, solver="cd", max_iter=self.max_iter, random_state=self.random_state)
        return weights

    @property
    def topics(self) -> tuple[DiscoveredTopic, ...]:
        """Each topic's `top_n` words by NMF weight (ties by word), zero weights left out."""
        check_is_fitted(self, "components_")
        topics = []
        for number, row in enumerate(self.components_):
            order = sorted(range(len(row)), key=lambda i: (-row[i], self.vocabulary_[i]))
            words = tuple(Term(self.vocabulary_[i], float(row[i])) for i in order[: self.top_n])
            topics.append(DiscoveredTopic(number, tuple(w for w in words if w.weight > 0)))
        return tuple(topics)

    def describe(self) -> str:
        """The printout of `fincorpus topics discover`: one line per topic with its top words."""
        check_is_fitted(self, "components_")
        head = (f"NMF topics: k={len(self.components_)}, {self.n_documents_} documents, "
                f"{len(self.vocabulary_)} terms, random_state={self.random_state}")
        lines = [head]
        for topic in self.topics:
            words = "  ".join(f"{w.text} {w.weight:.3f}" for w in topic.words) or "(no words)"
            lines.append(f"{topic.name}  {words}")
        return "\n".join(lines) + "\n"

    def to_taxonomy(self) -> Taxonomy:
        """The discovered topics as a taxonomy (see `to_taxonomy_toml`)."""
        topics = [_as_topic(t, self) for t in self.topics]
        return Taxonomy(tuple(t for t in topics if t is not None), source="<discovered>")

    def to_taxonomy_toml(self) -> str:
        """The discovered topics as topics.toml text, to rename, prune and tag with."""
        header = (f"# Discovered by {self.name}/{self.version}: NMF, k={len(self.components_)}, "
                  f"random_state={self.random_state}, {self.n_documents_} documents.\n"
                  "# Give each topic a meaningful id and labels, drop words that do not\n"
                  "# indicate it, then tag with TopicScorer(Taxonomy.load(this_file)).\n"
                  "# Weights are each word's NMF weight relative to the topic's top word.\n\n")
        return header + self.to_taxonomy().to_toml()

    def save(self, path: str | Path) -> None:
        """Write the model as JSON (vocabulary, IDF, components; never a pickle)."""
        Path(path).write_text(dump(self), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> TopicModel:
        """A model saved by `save`; anything else is refused with a one-line BadInput."""
        return read(cls, path)


def _check_k(k: Any, shape: tuple[int, int] | None = None) -> None:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise BadInput(f"k={k!r}: the number of topics must be a whole number of at least 1")
    if shape is not None and k > min(shape):
        raise BadInput(f"k={k} is more topics than the corpus allows ({shape[0]} documents, "
                       f"{shape[1]} terms); use k <= {min(shape)}")


def _as_topic(topic: DiscoveredTopic, model: TopicModel) -> Topic | None:
    """A taxonomy topic from a discovered one; None when no usable word is left."""
    seen, terms = set(), []
    top = topic.words[0].weight if topic.words else 0.0
    for word in topic.words:
        # One character would match inside countless words in a substring scan.
        if len(word.text) < 2 or fold(word.text) in seen:
            continue
        seen.add(fold(word.text))
        terms.append(Term(word.text, max(0.1, round(word.weight / top, 2))))
    if not terms:
        return None
    head = [term.text for term in terms[:3]]
    description = (f"NMF topic {topic.id} of {len(model.components_)} "
                   f"(random_state={model.random_state}); rename and edit before use.")
    return Topic(topic.name, " / ".join(head), "、".join(head), tuple(terms), description)


def discover_topics(documents: Iterable[Sequence[Any]], k: int, random_state: int | None = 0,
                    top_n: int = 15, **options: Any) -> TopicModel:
    """Fit k NMF topics on the documents' TF-IDF; options are TopicModel's other parameters."""
    return TopicModel(k, random_state=random_state, top_n=top_n, **options).fit(documents)
