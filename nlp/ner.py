"""A statistical PER/LOC/ORG tagger: a linear model over character features, BIO Viterbi.

Each character gets feature strings (`ner_features`), hashed into a fixed-size vector, so the
saved model holds only numbers (no vocabulary of the training text). A logistic-loss linear
model gives per-character label probabilities; a Viterbi pass finds the likeliest label
sequence that is valid BIO (I-X only after B-X or I-X). Models are saved as JSON + NPZ, never
pickles, and loaded with `allow_pickle=False`.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Entity
from fincorpus.nlp.ner_crf import Chain, fit_crf, viterbi
from fincorpus.nlp.ner_data import spans
from fincorpus.nlp.ner_features import FEATURES_VERSION, sentence_features
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction import FeatureHasher

FORMAT = "fincorpus-ner"
FORMAT_VERSION = 1
_CHUNK = re.compile(r"[^\n。！？；!?;]*[。！？；!?;]*\n?")
_MAX_CHUNK = 300
_ARRAYS = ("coef", "intercept", "transitions", "start", "end")


def chunks(text: str) -> list[tuple[int, int]]:
    """(start, end) pieces of a long text: sentences, lines, at most _MAX_CHUNK characters."""
    pieces = []
    for match in _CHUNK.finditer(text):
        for start in range(match.start(), match.end(), _MAX_CHUNK):
            end = min(start + _MAX_CHUNK, match.end())
            if end > start:
                pieces.append((start, end))
    return pieces


class NerTagger(BaseEstimator):
    """Character BIO tagger for PER/LOC/ORG; fit on (sentences, tag lists), scikit-learn style.

    Args:
        hash_bits: the feature vector has 2**hash_bits slots (sets the saved model's size).
        c2: L2 penalty of the CRF weights (larger: smoother, fewer rare-feature bets).
        max_iter: L-BFGS iterations.
        random_state: recorded for the scikit-learn contract; L-BFGS from zero weights is
            deterministic, so the same data always gives the same model.
    """

    name = "fincorpus-ner"
    version = "1"

    def __init__(self, hash_bits: int = 18, c2: float = 1.0, max_iter: int = 150,
                 random_state: int | None = 0) -> None:
        self.hash_bits = hash_bits
        self.c2 = c2
        self.max_iter = max_iter
        self.random_state = random_state

    # features -------------------------------------------------------------------------

    def pos_tagger(self):
        """jieba's POS tagger over its own dictionary, shared by every tagger in the process."""
        return jieba_pos_tagger()

    def features(self, sentence: str) -> list[list[str]]:
        """The feature strings of each character of one sentence."""
        tagger = self.pos_tagger()
        words = [(pair.word, pair.flag) for pair in tagger.cut(sentence)]
        return sentence_features(sentence, words, tagger.word_tag_tab)

    def _matrix(self, features: list[list[list[str]]]):
        """Hash per-sentence character features into one sparse matrix, rows in order."""
        hasher = FeatureHasher(n_features=2 ** self.hash_bits, input_type="string")
        return hasher.transform(row for sentence in features for row in sentence)

    # learning --------------------------------------------------------------------------

    def fit(self, sentences: Sequence[str], tags: Sequence[Sequence[str]], features=None):
        """Learn from sentences and their BIO tags; `features` may pass precomputed ones."""
        if len(sentences) != len(tags):
            raise ValueError(f"{len(sentences)} sentences but {len(tags)} tag lists")
        for sentence, labels in zip(sentences, tags):
            if len(sentence) != len(labels):
                raise ValueError(f"{len(labels)} tags for {len(sentence)} chars: {sentence!r}")
        features = features if features is not None else [self.features(s) for s in sentences]
        flat = [tag for labels in tags for tag in labels]
        self.classes_ = np.array(sorted(set(flat) | {"O"}))
        index = {tag: k for k, tag in enumerate(self.classes_)}
        coef, intercept, chain = fit_crf(
            self._matrix(features), [len(s) for s in sentences],
            np.array([index[t] for t in flat], dtype=np.intp), list(self.classes_),
            c2=self.c2, max_iter=self.max_iter)
        # Keep the weights exactly as they will be saved, so a loaded model predicts the same.
        self.coef_ = coef.astype(np.float16).astype(np.float32)
        self.intercept_ = intercept.astype(np.float32)
        self.chain_ = Chain(*(np.asarray(a, dtype=np.float32)
                              for a in (chain.transitions, chain.start, chain.end)))
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError("this NerTagger is not fitted: call fit() or NerTagger.load()")

    def emissions(self, features: list[list[str]]) -> np.ndarray:
        """Per-character scores of each class, before the transitions are added."""
        self._check_fitted()
        if not features:
            return np.zeros((0, len(self.classes_)), dtype=np.float32)
        x = self._matrix([features])
        weights = self._weights_by_feature()
        if np.any(np.diff(x.indptr) == 0):  # reduceat cannot sum an empty row
            return x @ weights + self.intercept_
        # A gather and a segmented sum: scipy's sparse @ dense costs ~1 ms per call here.
        rows = weights[x.indices] * x.data[:, None].astype(np.float32)
        return np.add.reduceat(rows, x.indptr[:-1], axis=0) + self.intercept_

    def _weights_by_feature(self) -> np.ndarray:
        """coef_ transposed into C order once (scipy would copy the strided view on every call)."""
        cached = getattr(self, "_by_feature", None)
        if cached is None or cached[0] is not self.coef_:
            cached = (self.coef_, np.ascontiguousarray(self.coef_.T))
            self._by_feature = cached
        return cached[1]

    def predict(self, sentences: Sequence[str]) -> list[list[str]]:
        """Valid BIO tags for each sentence."""
        self._check_fitted()
        return [self.predict_features(self.features(s)) for s in sentences]

    def predict_features(self, features: list[list[str]]) -> list[str]:
        """Valid BIO tags for one sentence whose features are already computed."""
        return [str(self.classes_[k]) for k in viterbi(self.emissions(features), self.chain_)]

    def entities(self, text: str) -> list[Entity]:
        """PER/LOC/ORG mentions in a text of any length, offsets into it (ids left None)."""
        found = []
        for start, end in chunks(text):
            piece = text[start:end]
            for kind, s, e in spans(self.predict([piece])[0]):
                found.append(Entity(text[start + s:start + e], kind, start + s, start + e))
        return found

    # files -----------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write model.json (format, params, classes) and weights.npz into a folder."""
        self._check_fitted()
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "name": self.name,
                "version": self.version, "features": FEATURES_VERSION,
                "params": self.get_params(), "classes": [str(c) for c in self.classes_]}
        (folder / "model.json").write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n",
                                           encoding="utf-8")
        _write_npz(folder / "weights.npz", {
            "coef": self.coef_.astype(np.float16), "intercept": self.intercept_,
            "transitions": self.chain_.transitions, "start": self.chain_.start,
            "end": self.chain_.end})
        return folder

    @classmethod
    def load(cls, path: str | Path) -> NerTagger:
        """A tagger saved by `save`; anything else is refused with a one-line BadInput."""
        folder = Path(path)
        meta = _read_meta(folder)
        tagger = cls(**meta["params"])
        try:
            with np.load(folder / "weights.npz", allow_pickle=False) as weights:
                arrays = {key: weights[key] for key in _ARRAYS}
        except (OSError, ValueError, KeyError) as error:
            raise BadInput(f"{folder / 'weights.npz'}: not fincorpus NER weights ({error}); "
                           "retrain with python -m fincorpus.nlp.train_ner") from None
        classes = np.array(meta["classes"])
        k = len(classes)
        shapes = {"coef": (k, 2 ** tagger.hash_bits), "intercept": (k,), "transitions": (k, k),
                  "start": (k,), "end": (k,)}
        if any(arrays[key].shape != shape for key, shape in shapes.items()):
            raise BadInput(f"{folder}: weights do not match model.json; retrain the model")
        tagger.classes_ = classes
        tagger.coef_, tagger.intercept_, transitions, start, end = (
            arrays[key].astype(np.float32) for key in _ARRAYS)
        tagger.chain_ = Chain(transitions, start, end)
        return tagger


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """A compressed NPZ whose bytes depend on the arrays only (fixed zip timestamps)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, array in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as out:
                np.lib.format.write_array(out, np.ascontiguousarray(array), allow_pickle=False)


def _read_meta(folder: Path) -> dict:
    """model.json, checked to be ours and of a format and feature version this code reads."""
    where = folder / "model.json"
    try:
        meta = json.loads(where.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BadInput(f"{where}: not a fincorpus NER model ({error.__class__.__name__}); "
                       "pass the folder written by NerTagger.save") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise BadInput(f"{where}: not a fincorpus NER model (no \"format\": \"{FORMAT}\")")
    if meta.get("format_version") != FORMAT_VERSION or meta.get("features") != FEATURES_VERSION:
        raise BadInput(f"{where}: made by another fincorpus version; retrain with "
                       "python -m fincorpus.nlp.train_ner")
    params = meta.get("params")
    if not isinstance(params, dict) or set(params) - set(NerTagger().get_params()):
        raise BadInput(f"{where}: unknown parameters {params!r}; retrain the model")
    return meta


def shipped_model_path() -> Path:
    """Where the model trained by `train_ner` on CLUENER train ships in the package."""
    return Path(str(resources.files("fincorpus.nlp") / "data" / "ner_model"))


@cache
def jieba_pos_tagger():
    """A jieba.posseg tagger on a fresh jieba.Tokenizer (never the global one), built once."""
    import jieba
    import jieba.posseg

    return jieba.posseg.POSTokenizer(jieba.Tokenizer())


@cache
def default_tagger() -> NerTagger:
    """The shipped model, loaded on first use and once per process."""
    return NerTagger.load(shipped_model_path())
