"""The pieces of the trained stance model: its inputs, its feature union and its classifiers.

`StanceClassifier` (stance_model.py) is one scikit-learn `Pipeline` of two steps:

1. `StanceInputs`: (target, text) pairs to a frame with one row per pair: the target's name,
   the text with every mention of the target replaced by the marker `MARK` (so the model
   learns "Ⓣ 霸凌" once for all targets), the marked text's words from our segmenter (one
   batched `tokens_many` call per transform, so each text is segmented once), and the
   lexicon baseline's feature scores. It learns nothing, so model selection computes it
   once and cross-validates the second step alone.
2. `PerTarget`: one classifier per target with enough training rows (per-target priors and
   interactions for free) plus one shared classifier for the other targets and for targets
   never seen in training; or the shared one only. Each is `features()` (a ColumnTransformer
   union of char n-grams, word n-grams, lexicon scores and the target's identity) followed
   by a linear model with calibrated probabilities (`linear_model`).

Every class here is a plain scikit-learn estimator or a small callable, so skops can save
the fitted model without pickle (their names are on stance_model's allow-list).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.ensemble import VotingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import MaxAbsScaler, OneHotEncoder
from sklearn.svm import LinearSVC

from fincorpus.nlp.stance_targets import LABELS

#: What a mention of the target becomes in the text: one character our segmenter keeps alone.
MARK = "Ⓣ"
#: Prefix of the lexicon-score columns of `StanceInputs`' frame.
LEXICON_PREFIX = "lex_"
MODELS = ("lr", "svm", "ensemble")


def as_pairs(X) -> tuple[list[str], list[str]]:
    """Targets and texts of X: (target, text) pairs or a DataFrame with columns target, text."""
    if isinstance(X, pd.DataFrame):
        missing = {"target", "text"} - set(X.columns)
        if missing:
            raise ValueError(f"X has no column {', '.join(sorted(missing))}; "
                             "give columns target and text")
        return (X["target"].astype(str).tolist(), X["text"].fillna("").astype(str).tolist())
    if isinstance(X, (str, bytes)):
        raise TypeError("X must be a sequence of (target, text) pairs, not one string")
    pairs = list(X)
    if not all(isinstance(p, (tuple, list)) and len(p) == 2 for p in pairs):
        raise TypeError("X must be (target, text) pairs or a DataFrame with columns target, text")
    return [str(t) for t, _ in pairs], ["" if x is None else str(x) for _, x in pairs]


class WordNgrams:
    """A picklable analyzer for the word block: word n-grams of a pre-segmented text."""

    def __init__(self, low: int = 1, high: int = 2) -> None:
        self.low, self.high = low, high

    def __call__(self, words: Sequence[str]) -> list[str]:
        grams = list(words) if self.low == 1 else []
        for n in range(max(self.low, 2), self.high + 1):
            grams += [" ".join(words[i:i + n]) for i in range(len(words) - n + 1)]
        return grams

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordNgrams) and (self.low, self.high) == (other.low, other.high)

    def __hash__(self) -> int:
        return hash((self.low, self.high))

    def __repr__(self) -> str:
        return f"WordNgrams({self.low}, {self.high})"


class StanceInputs(TransformerMixin, BaseEstimator):
    """(target, text) pairs to the frame the features read: target, marked, words, lex_*.

    Args:
        mark_target: replace the target's mentions (its aliases, through
            `Targets.resolve(target)`) with `MARK`.
        lexicon: add the lexicon baseline's feature scores (`LexiconStance.features`).
        lexicons: the lexicon files of that baseline (default: the bundled one).
        targets: a targets TOML file (default: the bundled targets).
    """

    def __init__(self, mark_target: bool = True, lexicon: bool = True,
                 lexicons: tuple[str, ...] = (), targets: str | None = None) -> None:
        self.mark_target = mark_target
        self.lexicon = lexicon
        self.lexicons = lexicons
        self.targets = targets

    def fit(self, X, y=None):
        """Nothing to learn; checks X."""
        as_pairs(X)
        return self

    def _targets(self):
        from fincorpus.nlp.stance_targets import Targets, default_targets

        return default_targets() if self.targets is None else Targets.load(self.targets)

    def marked(self, targets: Sequence[str], texts: Sequence[str], known=None) -> list[str]:
        """Each text with its target's mentions replaced by MARK (`known`: the Targets,
        when the caller has them loaded)."""
        known = self._targets() if known is None else known
        out = []
        for name, text in zip(targets, texts):
            pieces, done = [], 0
            for start, end in known.mentions_of(known.resolve(name), text):
                pieces += [text[done:start], MARK]
                done = end
            out.append("".join(pieces) + text[done:])
        return out

    def lexicon_scores(self, targets: Sequence[str], texts: Sequence[str],
                       known=None) -> pd.DataFrame:
        """The lexicon baseline's features, one lex_* column each."""
        from fincorpus.nlp.stance_lexicon import LexiconStance

        known = self._targets() if known is None else known
        baseline = LexiconStance(lexicons=tuple(self.lexicons), targets=known)
        values = np.asarray(baseline.features(list(zip(targets, texts))), dtype=np.float32)
        names = [LEXICON_PREFIX + str(n) for n in baseline.feature_names()]
        return pd.DataFrame(values.reshape(len(texts), len(names)), columns=names)

    def transform(self, X) -> pd.DataFrame:
        """The frame of X's pairs, one row each, in order."""
        from fincorpus.nlp.segment import get_segmenter

        targets, texts = as_pairs(X)
        known = self._targets() if self.mark_target or self.lexicon else None  # read once
        marked = self.marked(targets, texts, known) if self.mark_target else list(texts)
        words = [tuple(t.text for t in tokens if not t.text.isspace())
                 for tokens in get_segmenter().tokens_many(marked)]
        frame = pd.DataFrame({"target": pd.Series(targets, dtype=object),
                              "marked": pd.Series(marked, dtype=object),
                              "words": pd.Series(words, dtype=object)})
        if self.lexicon:
            frame = pd.concat([frame, self.lexicon_scores(targets, texts, known)], axis=1)
        return frame


def features(char_ngrams: tuple[int, int] | None = (1, 3),
             word_ngrams: tuple[int, int] | None = (1, 2),
             lexicon: bool = True, target: bool = True) -> ColumnTransformer:
    """The feature union over a `StanceInputs` frame: TF-IDF (sublinear) of char n-grams of
    the marked text and of word n-grams of its words, scaled lexicon scores, target one-hot."""
    blocks = []
    if char_ngrams:
        blocks.append(("char", tfidf("char", tuple(char_ngrams)), "marked"))
    if word_ngrams:
        blocks.append(("word", tfidf(WordNgrams(*word_ngrams)), "words"))
    if lexicon:
        blocks.append(("lexicon", MaxAbsScaler(),
                       make_column_selector(pattern="^" + LEXICON_PREFIX)))
    if target:
        blocks.append(("target", OneHotEncoder(handle_unknown="ignore"), ["target"]))
    if not blocks:
        raise ValueError("no features: give char_ngrams, word_ngrams or lexicon")
    return ColumnTransformer(blocks, sparse_threshold=1.0)


class TermTfidf(TfidfVectorizer):
    """TfidfVectorizer whose saved state holds its vocabulary as two arrays (terms, columns):
    skops writes a dict as JSON nodes, over 600 MB for NLPCC's n-grams; arrays take a few MB."""

    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())  # outside sklearn it is the live __dict__
        vocabulary = state.pop("vocabulary_", None)
        if vocabulary is not None:
            state["terms_"] = np.array(list(vocabulary), dtype=str)
            state["columns_"] = np.fromiter(vocabulary.values(), np.int64, len(vocabulary))
        return state

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        terms, columns = state.pop("terms_", None), state.pop("columns_", None)
        super().__setstate__(state)
        if terms is not None:
            self.vocabulary_ = dict(zip(terms.tolist(), columns.tolist()))


def tfidf(analyzer, ngram_range: tuple[int, int] = (1, 1)) -> TermTfidf:
    """Sublinear TF-IDF of n-grams (char n-grams lower-cased; an analyzer callable as is)."""
    return TermTfidf(analyzer=analyzer, ngram_range=ngram_range, sublinear_tf=True,
                     lowercase=analyzer == "char", dtype=np.float32)


def linear_model(kind: str = "svm", C: float = 1.0, class_weight=None,
                 random_state: int | None = 0):
    """A linear classifier with probabilities: LogisticRegression, LinearSVC calibrated by
    sigmoid over 3 folds, or the soft vote of the two ("ensemble").

    `C` is LinearSVC's; LogisticRegression gets 10 x C, as its loss needs a weaker penalty
    for as tight a fit, so one C grid serves both.
    """
    if kind not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, not {kind!r}")
    lr = LogisticRegression(C=C * 10, max_iter=500, tol=1e-3, class_weight=class_weight,
                            random_state=random_state)
    svm = CalibratedClassifierCV(LinearSVC(C=C, class_weight=class_weight,
                                           random_state=random_state), cv=3, method="sigmoid")
    if kind == "lr":
        return lr
    if kind == "svm":
        return svm
    return VotingClassifier([("lr", lr), ("svm", svm)], voting="soft")


class PerTarget(ClassifierMixin, BaseEstimator):
    """One clone of `estimator` per target with at least `min_rows` training rows (when
    `per_target`), and a shared clone for the rest (when `fallback`, or not per target).

    X is a frame with a `target` column; probabilities come in LABELS order.
    """

    def __init__(self, estimator=None, per_target: bool = True, min_rows: int = 100,
                 fallback: bool = True) -> None:
        self.estimator = estimator
        self.per_target = per_target
        self.min_rows = min_rows
        self.fallback = fallback

    def fit(self, X: pd.DataFrame, y):
        """Fit the per-target and the shared models."""
        y = np.asarray(y, dtype=object)
        self.classes_ = np.array(LABELS, dtype=object)
        targets = X["target"].to_numpy(dtype=object)
        self.models_ = {}
        if self.per_target:
            for name in sorted(set(targets)):
                rows = np.flatnonzero(targets == name)
                if len(rows) >= self.min_rows and len(set(y[rows])) > 1:
                    self.models_[name] = clone(self.estimator).fit(X.iloc[rows], y[rows])
        need_shared = (not self.per_target or self.fallback
                       or len(self.models_) < len(set(targets)))
        self.shared_ = clone(self.estimator).fit(X, y) if need_shared else None
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """(n, 3) probabilities in LABELS order, each row from its target's model."""
        if not hasattr(self, "models_"):
            raise NotFittedError("this PerTarget is not fitted")
        targets = X["target"].to_numpy(dtype=object)
        proba = np.zeros((len(X), len(LABELS)))
        for name in dict.fromkeys(targets):
            rows = np.flatnonzero(targets == name)
            model = self.models_.get(name, self.shared_)
            if model is None:
                raise NotFittedError(f"no model for target {name!r}: fit with fallback=True")
            proba[rows] = _proba(model, X.iloc[rows])
        return proba

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The likeliest label of each row."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def _proba(model, X: pd.DataFrame) -> np.ndarray:
    """model.predict_proba(X) with its columns placed in LABELS order."""
    proba = np.zeros((len(X), len(LABELS)))
    proba[:, [LABELS.index(c) for c in model.classes_]] = model.predict_proba(X)
    return proba
