"""Words that set two groups of texts apart: weighted log-odds with an informative Dirichlet prior.

Monroe, Colaresi & Quinn (2008), "Fightin' Words", Political Analysis 16(4), section 3.5.
For word w with counts y_a, y_b in groups of n_a, n_b words, and prior pseudo-counts α_w
summing to α_0:

    delta_w = log((y_a + α_w) / (n_a + α_0 − y_a − α_w))
            − log((y_b + α_w) / (n_b + α_0 − y_b − α_w))
    var_w  ≈ 1 / (y_a + α_w) + 1 / (y_b + α_w)
    z_w    = delta_w / sqrt(var_w)

z > 0 marks words of group a, z < 0 words of group b; |z| > 1.96 is the usual cut-off. The
prior shrinks the log-odds of rare words toward the background rate, so a word said twice by
one side does not outrank one said two hundred times.

The prior (α_0 is `prior_scale`): by default the background is the pooled counts of both
groups as they stand, α_w = y_a + y_b and α_0 = n_a + n_b, the usual choice when no
reference corpus is at hand; it scales with the data, so the shrinkage is the same for two
articles or two sites' years of output. Give `prior_scale` to set α_0 yourself (the pooled
shares times α_0: smaller for less shrinkage). Pass a `prior` (counts of a large reference
corpus) to use another background, rescaled to sum to α_0 (its own total when
`prior_scale` is None); a word it lacks gets the pseudo-count `MIN_ALPHA`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Analysis

#: Pseudo-count of a word the given prior does not hold (log(0) otherwise).
MIN_ALPHA = 0.01
COLUMNS = ["word", "count_a", "count_b", "alpha", "delta", "variance", "z"]


def log_odds(counts_a: Mapping[str, int], counts_b: Mapping[str, int],
             prior: Mapping[str, float] | None = None,
             prior_scale: float | None = None) -> pd.DataFrame:
    """Each word's weighted log-odds of group a against b, most distinctive of a first.

    Returns a DataFrame with columns word, count_a, count_b, alpha, delta, variance, z,
    sorted by z descending (ties by word), so the head is group a's words and the tail b's.
    """
    words = sorted(set(counts_a) | set(counts_b))
    y_a = _counts(counts_a, words, "counts_a")
    y_b = _counts(counts_b, words, "counts_b")
    if not words or y_a.sum() == 0 or y_b.sum() == 0:
        raise BadInput("log_odds: each group needs at least one counted word; "
                       "check that the texts were segmented and not all filtered out")
    alpha, alpha_0 = _alpha(words, y_a + y_b, prior, prior_scale)
    n_a, n_b = y_a.sum(), y_b.sum()
    delta = (np.log(y_a + alpha) - np.log(n_a + alpha_0 - y_a - alpha)
             - np.log(y_b + alpha) + np.log(n_b + alpha_0 - y_b - alpha))
    variance = 1 / (y_a + alpha) + 1 / (y_b + alpha)
    table = pd.DataFrame({"word": words, "count_a": y_a.astype(int), "count_b": y_b.astype(int),
                          "alpha": alpha, "delta": delta, "variance": variance,
                          "z": delta / np.sqrt(variance)}, columns=COLUMNS)
    return table.sort_values(["z", "word"], ascending=[False, True],
                             kind="stable").reset_index(drop=True)


def _counts(counts: Mapping[str, int], words: list[str], name: str) -> np.ndarray:
    """Counts in `words` order, checked: non-negative numbers."""
    values = np.array([counts.get(w, 0) for w in words], dtype=float)
    if (values < 0).any() or not np.isfinite(values).all():
        raise BadInput(f"log_odds: {name} holds a negative or non-finite count; "
                       "give word frequencies")
    return values


def _alpha(words: list[str], pooled: np.ndarray, prior: Mapping[str, float] | None,
           prior_scale: float | None) -> tuple[np.ndarray, float]:
    """Each word's pseudo-count α_w (the background's share of it times α_0), and α_0."""
    if prior is None:
        background, total = pooled, float(pooled.sum())
    else:
        values = np.array(list(prior.values()), dtype=float)
        if (values < 0).any() or not np.isfinite(values).all() or values.sum() <= 0:
            raise BadInput("log_odds: the prior needs non-negative pseudo-counts with a "
                           "positive sum; give word counts of a reference corpus")
        background = np.array([float(prior.get(w, 0)) for w in words])
        total = float(values.sum())
    if prior_scale is not None and not prior_scale > 0:
        raise BadInput(f"log_odds: prior_scale={prior_scale}; give a positive α_0 (or None)")
    alpha_0 = total if prior_scale is None else float(prior_scale)
    return np.maximum(background / total * alpha_0, MIN_ALPHA), alpha_0


def word_counts(documents: Iterable[Analysis | Iterable[Any]],
                stopwords: bool | Iterable[str] = True, min_chars: int = 2) -> Counter[str]:
    """Word frequencies over analyses (their tokens) or token lists, as log_odds counts them.

    Tokens are normalised (NFKC, lower case); punctuation and numbers are always skipped,
    words shorter than `min_chars` (1 keeps single characters), and stopwords: True for
    the bundled list, False for none, or your own words.
    """
    from fincorpus.nlp.stopwords import TokenFilter, bundled_stopwords

    words = bundled_stopwords() if stopwords is True else (() if stopwords is False else stopwords)
    keep = TokenFilter(words, min_chars=min_chars)
    counts: Counter[str] = Counter()
    for document in documents:
        if isinstance(document, str):
            raise TypeError("word_counts: give analyses or token lists, not a bare string")
        if isinstance(document, Analysis):
            document = [t for sentence in document.tokens for t in sentence]
        counts.update(keep(document))
    return counts
