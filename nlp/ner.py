"""A statistical PER/LOC/ORG tagger: a linear-chain CRF over hashed character features.

Each character gets feature slots (`ner_features`, computed for many sentences at once from
the characters and from our own segmentation's words, so jieba runs once per text, not twice);
a linear model scores each label per character and a batched Viterbi pass finds the likeliest
valid BIO sequence of every sentence (I-X only after B-X or I-X). Models are saved as JSON +
NPZ, never pickles, and loaded with `allow_pickle=False`.
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
from fincorpus.corpus.model import Entity, Token
from fincorpus.nlp.ner_crf import Chain, fit_crf, viterbi_many
from fincorpus.nlp.ner_features import FEATURES_VERSION, Features, Featurizer, Piece
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

FORMAT = "fincorpus-ner"
FORMAT_VERSION = 2
_CHUNK = re.compile(r"[^\n。！？；!?;]*[。！？；!?;]*\n?")
MAX_CHUNK = 300
_ARRAYS = ("coef", "intercept", "transitions", "start", "end")

#: A span found in a piece: (type, start, end), offsets into the piece.
Span = tuple[str, int, int]


def chunks(text: str) -> list[tuple[int, int]]:
    """(start, end) pieces of a long text: sentences, lines, at most MAX_CHUNK characters."""
    pieces = []
    for match in _CHUNK.finditer(text):
        for start in range(match.start(), match.end(), MAX_CHUNK):
            end = min(start + MAX_CHUNK, match.end())
            if end > start:
                pieces.append((start, end))
    return pieces


class NerTagger(BaseEstimator):
    """Character BIO tagger for PER/LOC/ORG; fit on (sentences, tag lists), scikit-learn style.

    Words and their POS come from fincorpus's default segmenter (jieba plus the domain
    dictionary), which is also what `analyze` segments with, so its words can be reused.

    Args:
        hash_bits: the feature vector has 2**hash_bits slots (sets the saved model's size).
        c2: L2 penalty of the CRF weights (larger: smoother, fewer rare-feature bets).
        max_iter: L-BFGS iterations.
        random_state: recorded for the scikit-learn contract; L-BFGS from zero weights is
            deterministic, so the same data always gives the same model.
    """

    name = "fincorpus-ner"
    version = "2"

    def __init__(self, hash_bits: int = 18, c2: float = 1.0, max_iter: int = 150,
                 random_state: int | None = 0) -> None:
        self.hash_bits = hash_bits
        self.c2 = c2
        self.max_iter = max_iter
        self.random_state = random_state

    # features -------------------------------------------------------------------------

    @staticmethod
    def segmenter():
        """The segmenter whose words and POS the features use (shared in the process)."""
        from fincorpus.nlp.segment import get_segmenter
        return get_segmenter()

    def featurizer(self) -> Featurizer:
        """The featurizer for this tagger's hash size, built once per process."""
        return _featurizer(self.hash_bits)

    def words(self, text: str) -> list[Token]:
        """The segmenter's words of `text`, with their POS."""
        return self.segmenter().tokens(text)

    def features(self, pieces: Sequence[Piece]) -> Features:
        """Feature slots of every character of the pieces (each piece a sentence on its own)."""
        return self.featurizer()(pieces)

    def _pieces(self, sentences: Sequence[str]) -> list[Piece]:
        words = self.segmenter().tokens_many(sentences)
        return [(s, w, 0) for s, w in zip(sentences, words)]

    # learning --------------------------------------------------------------------------

    def fit(self, sentences: Sequence[str], tags: Sequence[Sequence[str]]):
        """Learn from sentences and their BIO tags."""
        if len(sentences) != len(tags):
            raise ValueError(f"{len(sentences)} sentences but {len(tags)} tag lists")
        for sentence, labels in zip(sentences, tags):
            if len(sentence) != len(labels):
                raise ValueError(f"{len(labels)} tags for {len(sentence)} chars: {sentence!r}")
        features = self.features(self._pieces(sentences))
        flat = [tag for labels in tags for tag in labels]
        self.classes_ = np.array(sorted(set(flat) | {"O"}))
        index = {tag: k for k, tag in enumerate(self.classes_)}
        coef, intercept, chain = fit_crf(
            features.matrix(self.hash_bits), [len(s) for s in sentences],
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

    def emissions(self, features: Features) -> np.ndarray:
        """Per-character scores of each class, before the transitions are added."""
        self._check_fitted()
        scores = features.scores(self._weights_by_slot())
        return scores[:, :len(self.classes_)] + self.intercept_

    def _weights_by_slot(self) -> np.ndarray:
        """coef_ transposed (slots x classes) into C order once, for row gathers.

        Each row is padded with zeros to a multiple of 8 floats: the sparse product adds
        whole 8-float vectors then, about a sixth faster than rows of 7 (emissions drops
        the padding columns).
        """
        cached = getattr(self, "_by_slot", None)
        if cached is None or cached[0] is not self.coef_:
            k, slots = self.coef_.shape
            by_slot = np.zeros((slots, -(-k // 8) * 8), dtype=self.coef_.dtype)
            by_slot[:, :k] = self.coef_.T
            cached = (self.coef_, by_slot)
            self._by_slot = cached
        return cached[1]

    def labels(self, pieces: Sequence[Piece]) -> np.ndarray:
        """Class indexes of every character of the pieces, each piece decoded on its own."""
        self._check_fitted()
        if not pieces:
            return np.zeros(0, dtype=np.intp)
        features = self.features(pieces)
        return viterbi_many(self.emissions(features), features.lengths, self.chain_)

    def predict(self, sentences: Sequence[str]) -> list[list[str]]:
        """Valid BIO tags for each sentence."""
        self._check_fitted()
        labels = self.classes_[self.labels(self._pieces(sentences))] if sentences else []
        found, at = [], 0
        for sentence in sentences:
            found.append([str(tag) for tag in labels[at:at + len(sentence)]])
            at += len(sentence)
        return found

    def spans(self, pieces: Sequence[Piece]) -> list[list[Span]]:
        """The (type, start, end) spans of each piece, offsets into the piece."""
        labels = self.labels(pieces)
        bounds = np.cumsum([0] + [len(text) for text, _, _ in pieces])
        kinds = [str(c)[2:] for c in self.classes_]
        begins = np.array([str(c).startswith("B-") for c in self.classes_])
        inside = np.array([str(c).startswith("I-") for c in self.classes_])[labels]
        # Viterbi keeps BIO valid and never starts a piece with I-, so a span is its B- and
        # the I- that follow it, and never crosses into the next piece.
        starts = np.flatnonzero(begins[labels])
        stops = np.append(np.flatnonzero(~inside), len(labels))
        ends = stops[np.searchsorted(stops, starts, side="right")]
        piece = np.searchsorted(bounds, starts, side="right") - 1
        found: list[list[Span]] = [[] for _ in pieces]
        for p, label, start, end in zip(piece.tolist(), labels[starts].tolist(),
                                        (starts - bounds[piece]).tolist(),
                                        (ends - bounds[piece]).tolist()):
            found[p].append((kinds[label], start, end))
        return found

    def entities(self, text: str) -> list[Entity]:
        """PER/LOC/ORG mentions in a text of any length, offsets into it (ids left None)."""
        where = chunks(text)
        pieces = self._pieces([text[s:e] for s, e in where])
        return [Entity(text[s + a:s + b], kind, s + a, s + b)
                for (s, _), spans in zip(where, self.spans(pieces)) for kind, a, b in spans]

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
def _featurizer(bits: int) -> Featurizer:
    """A featurizer over the default segmenter's dictionaries, one per hash size and process."""
    return Featurizer(NerTagger.segmenter().pos_table(), bits)


@cache
def default_tagger() -> NerTagger:
    """The shipped model, loaded on first use and once per process."""
    return NerTagger.load(shipped_model_path())
