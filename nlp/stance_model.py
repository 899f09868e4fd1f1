"""The trained stance model: fit on labelled (target, text) pairs, chosen by cross-validation,
saved with skops (never pickle) beside a JSON model card.

`fit_stance_model` tries a small grid (per-target or shared models, LR / calibrated
LinearSVC / both, C, n-gram ranges) by stratified K-fold on the training data only, and refits
the best on all of it. It then chooses the decision rule's `none_bias` from the same
out-of-fold probabilities (see `StanceClassifier.decide`). The features are described in
stance_features.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.stance_eval import f_avg, macro_f1
from fincorpus.nlp.stance_features import (PerTarget, StanceInputs, as_pairs, features,
                                           linear_model)
from fincorpus.nlp.stance_targets import LABELS

MODEL_FILE = "model.skops"
CARD_FILE = "model_card.json"
#: Types a saved model may hold beyond skops' own trusted set; anything else is refused.
ALLOWED_TYPES = frozenset({
    "fincorpus.nlp.stance_features.PerTarget", "fincorpus.nlp.stance_features.StanceInputs",
    "fincorpus.nlp.stance_features.WordNgrams", "fincorpus.nlp.stance_model.StanceClassifier",
    "sklearn.calibration.CalibratedClassifierCV", "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.compose._column_transformer.make_column_selector",
    "sklearn.ensemble._voting.VotingClassifier",
    "fincorpus.nlp.stance_features.TermTfidf",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression", "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._data.MaxAbsScaler", "sklearn.preprocessing._encoders.OneHotEncoder",
    "sklearn.preprocessing._label.LabelEncoder", "sklearn.svm._classes.LinearSVC",
    "sklearn.utils._bunch.Bunch",
})
TRUST_REMEDY = "pass --trust-model only if you made this file"


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """FAVOR / AGAINST / NONE toward a target, from (target, text) pairs or a DataFrame with
    columns target, text; scikit-learn contract (fit returns self, classes_, random_state).

    Args:
        char_ngrams, word_ngrams: n-gram ranges of the char and word TF-IDF blocks (None: off).
        mark_target: replace the target's mentions by a marker before the n-grams.
        lexicon: add the lexicon baseline's scores as features; `lexicons` its files.
        targets: a targets TOML file (default: the bundled targets).
        per_target: one model per target with at least `min_target_rows` rows (plus a
            shared one for the rest), or one shared model with the target as a feature.
        model: "lr", "svm" (LinearSVC, sigmoid-calibrated) or "ensemble" (their soft vote).
        C: LinearSVC's C (LogisticRegression gets 10 x C); class_weight as in scikit-learn.
        none_bias: subtracted from P(NONE) before the argmax in `predict` / `decide` (0: plain
            argmax). NLPCC's F_avg scores FAVOR and AGAINST only, so calling NONE a little less
            often can pay; `fit_stance_model` chooses it by out-of-fold F_avg on train.
            `predict_proba` is unaffected (it stays the calibrated probabilities).
    """

    name = "fincorpus-stance-model"
    version = "1"

    def __init__(self, char_ngrams: tuple[int, int] | None = (1, 3),
                 word_ngrams: tuple[int, int] | None = (1, 2), mark_target: bool = True,
                 lexicon: bool = True, lexicons: tuple[str, ...] = (), targets: str | None = None,
                 per_target: bool = True, min_target_rows: int = 100,
                 model: str = "svm", C: float = 1.0, class_weight=None,
                 none_bias: float = 0.0, random_state: int | None = 0) -> None:
        self.char_ngrams = char_ngrams
        self.word_ngrams = word_ngrams
        self.mark_target = mark_target
        self.lexicon = lexicon
        self.lexicons = lexicons
        self.targets = targets
        self.per_target = per_target
        self.min_target_rows = min_target_rows
        self.model = model
        self.C = C
        self.class_weight = class_weight
        self.none_bias = none_bias
        self.random_state = random_state

    def inputs(self) -> StanceInputs:
        """The first step: pairs to the frame of marked texts, words and lexicon scores."""
        return StanceInputs(self.mark_target, self.lexicon, tuple(self.lexicons), self.targets)

    def classifier(self, fallback: bool = True) -> PerTarget:
        """The second step, unfitted: features and linear model, per target or shared."""
        one = Pipeline([("features", features(self.char_ngrams, self.word_ngrams, self.lexicon)),
                        ("clf", linear_model(self.model, self.C, self.class_weight,
                                             self.random_state))])
        return PerTarget(one, self.per_target, self.min_target_rows, fallback)

    def fit(self, X, y, prepared: pd.DataFrame | None = None):
        """Learn from X and labels y (FAVOR/AGAINST/NONE, any case). `prepared` is
        `self.inputs().transform(X)` when the caller has it already (model selection)."""
        labels = _labels(y)
        if prepared is None:
            prepared = self.inputs().transform(X)
        if len(prepared) != len(labels):
            raise ValueError(f"{len(prepared)} rows in X but {len(labels)} labels")
        self.pipeline_ = Pipeline([("inputs", self.inputs().fit(X)),
                                   ("model", self.classifier().fit(prepared, labels))])
        self.classes_ = np.array(LABELS, dtype=object)
        per_target: dict[str, Counter] = {}
        for target, label in zip(as_pairs(X)[0], labels.tolist(), strict=True):
            per_target.setdefault(target, Counter())[label] += 1
        self.training_ = {"rows": len(labels),
                          "labels": dict(sorted(Counter(labels.tolist()).items())),
                          "targets": {t: dict(sorted(per_target[t].items()))
                                      for t in sorted(per_target)}}
        return self

    def predict_proba(self, X) -> np.ndarray:
        """(n, 3) probabilities, columns in classes_ order (AGAINST, FAVOR, NONE)."""
        if not hasattr(self, "pipeline_"):
            raise NotFittedError("this StanceClassifier is not fitted: call fit() or load()")
        if len(as_pairs(X)[0]) == 0:
            return np.zeros((0, len(LABELS)))
        return self.pipeline_.predict_proba(X)

    def predict(self, X) -> np.ndarray:
        """The label of each pair by the decision rule (`decide`) over its probabilities."""
        return self.decide(self.predict_proba(X))

    def decide(self, proba) -> np.ndarray:
        """Labels from (n, 3) probabilities in classes_ order: the argmax after subtracting
        `none_bias` from P(NONE). Callers holding probabilities use this, not their own
        argmax, so they label as `predict` does."""
        return decide(proba, getattr(self, "none_bias", 0.0))

    # files -----------------------------------------------------------------------------

    def save(self, path: str | Path, card: dict | None = None) -> Path:
        """Write `path`/model.skops and `path`/model_card.json (extra `card` entries merged)."""
        if not hasattr(self, "pipeline_"):
            raise NotFittedError("fit the StanceClassifier before saving it")
        import skops.io as sio

        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        sio.dump(self, folder / MODEL_FILE, compression=zipfile.ZIP_DEFLATED)
        content = {**model_card(self), **(card or getattr(self, "card_", None) or {})}
        (folder / CARD_FILE).write_text(json.dumps(_jsonable(content), ensure_ascii=False,
                                                   indent=1, sort_keys=True) + "\n", "utf-8")
        return folder

    @classmethod
    def load(cls, path: str | Path, trusted: bool = False) -> StanceClassifier:
        """A model saved by `save` (the folder or its model.skops). A file holding types not on
        ALLOWED_TYPES is refused unless `trusted`; anything not a model is refused."""
        import skops.io as sio

        where = Path(path)
        file = where / MODEL_FILE if where.is_dir() else where
        try:
            data = file.read_bytes()
            untrusted = sio.get_untrusted_types(data=data)
        except OSError as error:
            raise BadInput(f"{file}: cannot read the stance model ({error.strerror}); pass the "
                           "folder written by `fincorpus stance train`") from None
        except Exception as error:  # skops raises zipfile/KeyError/JSON errors on non-models
            raise BadInput(f"{file}: not a stance model file ({type(error).__name__}); pass "
                           "the folder written by `fincorpus stance train`") from None
        unexpected = sorted(set(untrusted) - ALLOWED_TYPES)
        if unexpected and not trusted:
            raise BadInput(f"{file}: holds unexpected types {', '.join(unexpected)}; "
                           f"{TRUST_REMEDY}")
        try:
            model = sio.loads(data, trusted=list(untrusted))
        except Exception as error:
            raise BadInput(f"{file}: cannot load the stance model ({type(error).__name__}: "
                           f"{error}); retrain with `fincorpus stance train`") from None
        if not isinstance(model, cls) or not hasattr(model, "pipeline_"):
            raise BadInput(f"{file}: holds a {type(model).__name__}, not a fitted "
                           "StanceClassifier; pass the folder written by `fincorpus stance train`")
        card = file.parent / CARD_FILE
        if card.is_file():
            model.card_ = json.loads(card.read_text("utf-8"))
        return model


def model_card(model: StanceClassifier) -> dict:
    """What the model is, what it was trained on, and with which library versions."""
    import importlib.metadata as meta

    versions = {}
    for package in ("fincorpus", "scikit-learn", "skops", "numpy", "jieba"):
        try:
            versions[package] = meta.version(package)
        except meta.PackageNotFoundError:
            versions[package] = None
    return {"name": model.name, "version": model.version, "date": date.today().isoformat(),
            "labels": list(LABELS), "hyperparameters": model.get_params(),
            "training": getattr(model, "training_", {}), "versions": versions}


def decide(proba, none_bias: float = 0.0) -> np.ndarray:
    """Labels (LABELS order columns) by argmax of `proba` with `none_bias` taken off P(NONE)."""
    scores = np.array(proba, dtype=float).reshape(-1, len(LABELS))
    scores[:, LABELS.index("NONE")] -= none_bias
    return np.array(LABELS, dtype=object)[scores.argmax(axis=1)]


# model selection -----------------------------------------------------------------------

#: The default grid: a config is a dict of StanceClassifier parameters. Kept small (the NLPCC
#: benchmark runs it in CI). On NLPCC train (5-fold CV F_avg, per target unless said):
#: char 1-3 SVM C 0.25/0.5/1/2 0.692/0.692/0.695/0.689; + word 1-2 0.689/0.690/0.688/0.690;
#: char 1-4 0.687-0.690; char 2-4 0.672-0.674; ensemble 0.689-0.692; LR alone and the lexicon
#: block lower; URL/@/# normalisation, binary or non-sublinear TF-IDF 0.686-0.688, no idf 0.675;
#: other targets' or Task B rows added to each target's model (weight 0.1-1) 0.62-0.68;
#: each target's own C and n-grams (oracle choice) at most 0.697 - not worth its cost.
#: Mean over fold seeds 0-4 (none_bias chosen per seed), char 1-3 SVM 0.688 (0.678-0.696):
#: NB-SVM / NB-LR 0.672-0.675; MultinomialNB 0.675; word 1-2 SVM 0.676; LR char 1-4 0.685;
#: char 2-5 0.670; calibration on 5 or 10 folds, or one SVM on all rows, 0.686-0.687; balanced
#: class weights 0.688; a second block for the last clause or +-8 chars around the target
#: 0.673-0.685; the shared model's probabilities blended in (weight 0.2-0.5) 0.683-0.688;
#: shared + per-target feature copies in one model 0.674; two stages (NONE or not, then FAVOR
#: or AGAINST) 0.685; the best soft vote of six of these 0.690, weights chosen on the same
#: folds; a multilingual sentence encoder (stacked) +0.006.
GRID = (
    {"model": "svm", "C": 0.5, "lexicon": False},
    {"model": "svm", "C": 0.5, "lexicon": False, "word_ngrams": None},
    {"model": "svm", "C": 1.0, "lexicon": False, "word_ngrams": None},
    {"model": "ensemble", "C": 0.5, "lexicon": False},
    {"model": "svm", "C": 0.5, "lexicon": False, "per_target": False},
)
#: The none_bias values `fit_stance_model` tries (the smallest of equal out-of-fold F_avg wins).
NONE_BIASES = tuple(round(0.025 * i, 3) for i in range(13))  # 0 .. 0.3


@dataclass(frozen=True)
class SelectionReport:
    """Cross-validated scores of each configuration tried, and the one chosen."""

    folds: int
    seed: int
    rows: int
    results: tuple[dict, ...]
    chosen: dict
    seconds: float
    data: dict = field(default_factory=dict)
    none_bias: float = 0.0
    biased_f_avg: float | None = None  # the chosen config's out-of-fold F_avg with none_bias

    def as_dict(self) -> dict:
        """For JSON and the model card."""
        return _jsonable({"cv_folds": self.folds, "cv_seed": self.seed, "rows": self.rows,
                          "cv_results": list(self.results), "chosen": self.chosen,
                          "none_bias": self.none_bias, "none_bias_f_avg": self.biased_f_avg,
                          "seconds": round(self.seconds, 1), "training_data": self.data})

    def to_text(self) -> str:
        """A table of CV F_avg and macro-F1 per configuration, the chosen one starred."""
        lines = [f"{self.folds}-fold CV on {self.rows} training rows (seed {self.seed})",
                 f"   {'F_avg':>6} {'macroF1':>7}  configuration"]
        for r in self.results:
            star = "*" if r["config"] == self.chosen else " "
            lines.append(f" {star} {r['f_avg']:6.4f} {r['macro_f1']:7.4f}  {describe(r['config'])}")
        if self.biased_f_avg is not None:
            lines.append(f"   {self.biased_f_avg:6.4f} {'':7}  * with none_bias={self.none_bias:g} "
                         "(P(NONE) - none_bias before the argmax; chosen on the same folds)")
        return "\n".join(lines)


def describe(config: dict) -> str:
    """A configuration in one short line."""
    return " ".join(f"{k}={v}" for k, v in sorted(config.items()))


def fit_stance_model(X, y, seed: int = 0, cv: int = 5, grid: Sequence[dict] | None = None,
                     base: dict | None = None, data_path: str | Path | None = None
                     ) -> tuple[StanceClassifier, SelectionReport]:
    """The configuration of `grid` (over `base` parameters) with the best pooled
    out-of-fold F_avg in stratified `cv`-fold CV (strata: target x label), refit on all rows,
    with the `none_bias` of NONE_BIASES that gives its out-of-fold probabilities the best
    F_avg (unless `base` or the config sets none_bias itself)."""
    began = time.perf_counter()
    labels = _labels(y)
    targets, _ = as_pairs(X)
    strata = np.array([f"{t}|{label}" for t, label in zip(targets, labels)])
    folds = list(StratifiedKFold(cv, shuffle=True, random_state=seed)
                 .split(np.zeros(len(labels)), _fold_strata(strata, cv)))
    prepared: dict[tuple, pd.DataFrame] = {}
    results, probabilities = [], []
    for config in grid or GRID:
        model = StanceClassifier(**{**(base or {}), **config, "random_state": seed})
        key = _inputs_key(model)
        if key not in prepared:
            prepared[key] = model.inputs().transform(X)
        proba = cross_predict_proba(model, prepared[key], labels, folds)
        predicted = model.decide(proba)
        probabilities.append(proba)
        results.append({"config": dict(config), "f_avg": round(f_avg(labels, predicted), 4),
                        "macro_f1": round(macro_f1(labels, predicted), 4)})
    index = max(range(len(results)), key=lambda i: results[i]["f_avg"])  # first of equals
    best = results[index]
    params = {**(base or {}), **best["config"], "random_state": seed}
    biased = None
    if "none_bias" not in params:
        scores = [f_avg(labels, decide(probabilities[index], b)) for b in NONE_BIASES]
        params["none_bias"] = NONE_BIASES[int(np.argmax(scores))]  # the smallest of equals
        biased = round(max(scores), 4)
    model = StanceClassifier(**params)
    model.fit(X, labels, prepared=prepared[_inputs_key(model)])
    report = SelectionReport(cv, seed, len(labels), tuple(results), best["config"],
                             time.perf_counter() - began, data_file(data_path),
                             model.none_bias, biased)
    model.card_ = {"selection": report.as_dict()}
    return model, report


def cross_predict_proba(model: StanceClassifier, prepared: pd.DataFrame, labels: np.ndarray,
                        folds: list) -> np.ndarray:
    """Out-of-fold (n, 3) probabilities of `model`'s classifier step on a prepared frame."""
    proba = np.zeros((len(labels), len(LABELS)))
    step = model.classifier(fallback=False)
    for train, test in folds:
        fitted = clone(step).fit(prepared.iloc[train], labels[train])
        proba[test] = fitted.predict_proba(prepared.iloc[test])
    return proba


def _inputs_key(model: StanceClassifier) -> tuple:
    """What `model.inputs()` depends on: configs with equal keys share one prepared frame."""
    return tuple(sorted(model.inputs().get_params().items()))


def _fold_strata(strata: np.ndarray, cv: int) -> np.ndarray:
    """target|label strata, with those too small for `cv` folds merged into their label."""
    counts = Counter(strata.tolist())
    return np.array([s if counts[s] >= cv else s.split("|")[-1] for s in strata])


def data_file(path: str | Path | None) -> dict:
    """File name and sha256 of the training data, when it is a file."""
    if path is None or not Path(path).is_file():
        return {}
    return {"file": Path(path).name, "sha256": hashlib.sha256(Path(path).read_bytes()).hexdigest()}


# labelled files ------------------------------------------------------------------------

def read_table(path: str | Path, need: Sequence[str] = ("target", "text")) -> pd.DataFrame:
    """A CSV (or TSV) with columns target, text, ...: UTF-8 with or without BOM, else
    GB18030. Column names are matched case-insensitively; NLPCC's STANCE is read as label."""
    where = Path(path)
    try:
        raw = where.read_bytes()
    except OSError as error:
        raise BadInput(f"{where}: cannot read ({error.strerror}); give a CSV file") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise BadInput(f"{where}: neither UTF-8 nor GB18030; save it as UTF-8") from None
    if not text.strip():
        raise BadInput(f"{where}: the file is empty; give a CSV with a header "
                       f"{','.join(need)}")
    first = text.split("\n", 1)[0]
    sep = "\t" if "\t" in first and "," not in first else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as error:
        raise BadInput(f"{where}: not a readable CSV ({error}); check its quoting") from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    frame = frame.rename(columns={"stance": "label"} if "label" not in frame.columns else {})
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise BadInput(f"{where}: no column {', '.join(missing)} (found "
                       f"{', '.join(frame.columns)}); the header must name {','.join(need)}")
    if frame.empty:
        raise BadInput(f"{where}: a header but no rows; add labelled rows")
    return frame


def read_labeled(path: str | Path) -> pd.DataFrame:
    """`read_table` with a label column, checked: FAVOR, AGAINST or NONE (any case), upper-cased."""
    frame = read_table(path, ("target", "text", "label"))
    labels = frame["label"].str.strip().str.upper()
    bad = ~labels.isin(LABELS)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise BadInput(f"{path}: data row {row + 1} (after the header) has label "
                       f"{frame['label'].iloc[row]!r}; labels are FAVOR, AGAINST or NONE "
                       f"({int(bad.sum())} rows bad)")
    frame["label"] = labels
    frame["text"] = frame["text"].astype(str)
    return frame


def _labels(y) -> np.ndarray:
    """y as an object array of upper-case labels, each one of LABELS."""
    labels = np.array([str(v).strip().upper() for v in np.asarray(y, dtype=object)], dtype=object)
    unknown = sorted(set(labels.tolist()) - set(LABELS))
    if unknown:
        raise ValueError(f"unknown stance labels {unknown}; use {', '.join(LABELS)}")
    return labels


def _jsonable(value):
    """Tuples to lists, numpy scalars to Python, for json.dumps."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value
