"""A topic model as a JSON file: written deterministically, read back only after a schema check.

JSON rather than pickle, because unpickling runs code from the file and ties it to one
scikit-learn version; JSON can be read, diffed and edited by hand. The file holds the
parameters, the stopwords used, the vocabulary, the IDF weights and the NMF components
(one topic per line); `top_words` is a copy for readers and is recomputed on load.
Anything that is not such a file is refused with a one-line `BadInput`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from fincorpus.corpus.errors import BadInput

FORMAT = "fincorpus-topic-model"
FORMAT_VERSION = 1
PARAMS = ("k", "random_state", "top_n", "min_chars", "min_df", "max_df", "max_iter")
KEYS = ("format", "format_version", "model", "params", "sklearn_version", "n_documents",
        "reconstruction_err", "top_words", "stopwords", "vocabulary", "idf", "components")
_ROWS = ("top_words", "components")
_REMEDY = "a topic model file is the JSON that TopicModel.save writes"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def dump(model: Any) -> str:
    """The model as JSON text: keys in a fixed order, one topic per line, same bytes every time."""
    params = {name: getattr(model, name) for name in PARAMS}
    for name, value in params.items():
        if value is not None and not isinstance(value, (int, float)):
            raise ValueError(f"{name}={value!r} cannot be saved; use a number (or None)")
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model": f"{model.name}/{model.version}",
        "params": params,
        "sklearn_version": sklearn.__version__,
        "n_documents": model.n_documents_,
        "reconstruction_err": model.reconstruction_err_,
        "top_words": [[[w.text, w.weight] for w in topic.words] for topic in model.topics],
        "stopwords": list(model.stopwords_),
        "vocabulary": list(model.vocabulary_),
        "idf": model.idf_.tolist(),
        "components": model.components_.tolist(),
    }
    lines = []
    for key, value in data.items():
        if key in _ROWS and value:
            body = "[\n" + ",\n".join(f"  {_json(row)}" for row in value) + "\n ]"
        else:
            body = _json(value)
        lines.append(f" {_json(key)}: {body}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed")


def _parse(path: str | Path) -> Any:
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise BadInput(f"{path}: cannot read it ({' '.join(str(error).split())})") from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text (pickles are never loaded); {_REMEDY}") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except ValueError as error:
        raise BadInput(f"{path}: not JSON ({' '.join(str(error).split())}); {_REMEDY}") from None


def _need(ok: bool, path: str | Path, reason: str) -> None:
    if not ok:
        raise BadInput(f"{path}: {reason}; {_REMEDY}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_int(value: Any, low: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def _check_header(data: Any, path: str | Path) -> None:
    _need(isinstance(data, dict), path, "the top level is not an object")
    _need(data.get("format") == FORMAT, path, f"format is {data.get('format')!r}, not {FORMAT!r}")
    version = data.get("format_version")
    _need(version == FORMAT_VERSION, path,
          f"format_version {version!r} is not {FORMAT_VERSION} (a newer fincorpus may read it)")
    missing = [key for key in KEYS if key not in data]
    _need(not missing, path, f"missing key {missing[0]!r}" if missing else "")
    extra = sorted(set(data) - set(KEYS))
    _need(not extra, path, f"unknown key {extra[0]!r}" if extra else "")


def _check_params(params: Any, path: str | Path) -> None:
    _need(isinstance(params, dict) and set(params) == set(PARAMS), path,
          f"params must hold exactly {', '.join(PARAMS)}")
    _need(_is_int(params["k"], 1), path, "params.k must be a whole number >= 1")
    rs = params["random_state"]
    _need(rs is None or _is_int(rs, 0), path, "params.random_state must be a whole number or null")
    for name in ("top_n", "max_iter"):
        _need(_is_int(params[name], 1), path, f"params.{name} must be a whole number >= 1")
    _need(_is_int(params["min_chars"], 0), path, "params.min_chars must be a whole number >= 0")
    for name in ("min_df", "max_df"):
        _need(_is_number(params[name]), path, f"params.{name} must be a number")


def _check_arrays(data: dict[str, Any], path: str | Path) -> None:
    vocab, idf, rows = data["vocabulary"], data["idf"], data["components"]
    _need(isinstance(vocab, list) and vocab and all(isinstance(w, str) and w for w in vocab),
          path, "vocabulary must be a non-empty list of non-empty strings")
    _need(len(set(vocab)) == len(vocab), path, "vocabulary lists a word twice")
    _need(isinstance(idf, list) and len(idf) == len(vocab) and all(map(_is_number, idf)), path,
          "idf must be one number per vocabulary word")
    _need(isinstance(rows, list) and len(rows) == data["params"]["k"], path,
          "components must be one row per topic (params.k rows)")
    for row in rows:
        _need(isinstance(row, list) and len(row) == len(vocab), path,
              "each components row must hold one number per vocabulary word")
        _need(all(_is_number(v) and v >= 0 for v in row), path,
              "components must be numbers >= 0")
    stop = data["stopwords"]
    _need(isinstance(stop, list) and all(isinstance(w, str) for w in stop), path,
          "stopwords must be a list of strings")
    _need(_is_int(data["n_documents"], 0), path, "n_documents must be a whole number")
    _need(_is_number(data["reconstruction_err"]), path, "reconstruction_err must be a number")


def read(cls: type, path: str | Path) -> Any:
    """A fitted model of class `cls` from a file `dump` wrote, checked before anything is built."""
    data = _parse(path)
    _check_header(data, path)
    _check_params(data["params"], path)
    _check_arrays(data, path)
    model = cls(**data["params"], stopwords=tuple(data["stopwords"]))
    model.stopwords_ = tuple(data["stopwords"])
    model.vocabulary_ = tuple(data["vocabulary"])
    model.idf_ = np.array(data["idf"], dtype=np.float64)
    shape = (len(data["components"]), len(model.vocabulary_))
    model.components_ = np.array(data["components"], dtype=np.float64).reshape(shape)
    model.n_documents_ = data["n_documents"]
    model.reconstruction_err_ = float(data["reconstruction_err"])
    return model
