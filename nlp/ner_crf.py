"""A linear-chain CRF in NumPy/SciPy: likelihood, gradient, L-BFGS training, Viterbi.

The tagger's emissions are a linear function of hashed character features; the CRF adds
label-to-label transition scores and is trained on whole sentences, which a per-character
classifier is not (it learns where long names end). Forbidden BIO moves (I-X after anything
but B-X/I-X, or at the start) get a fixed score of BLOCKED in training and decoding alike, so
the model never puts probability on them and Viterbi never returns them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

BLOCKED = -1e4  # exp(BLOCKED) is exactly 0.0 in float64
_BATCH = 4096


def bio_masks(classes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Fixed scores (0 or BLOCKED) for starting with each label and for each label pair."""
    def ok(prev: str | None, tag: str) -> bool:
        if not tag.startswith("I-"):
            return True
        return prev is not None and prev[2:] == tag[2:] and prev[:2] in ("B-", "I-")

    start = np.array([0.0 if ok(None, t) else BLOCKED for t in classes])
    pairs = np.array([[0.0 if ok(p, t) else BLOCKED for t in classes] for p in classes])
    return start, pairs


@dataclass(frozen=True, slots=True)
class Chain:
    """Learned scores besides the emissions: transitions[prev, next], start and end."""

    transitions: np.ndarray
    start: np.ndarray
    end: np.ndarray


def viterbi(emissions: np.ndarray, chain: Chain) -> list[int]:
    """The best label path of one sentence (emissions: characters x labels)."""
    return viterbi_many(emissions, [len(emissions)], chain).tolist()


def viterbi_many(emissions: np.ndarray, lengths: Sequence[int], chain: Chain) -> np.ndarray:
    """The best label path of each of many sentences laid end to end in `emissions`.

    All sentences advance together, one character position per step, so the Python loop runs
    as many times as the longest sentence has characters, whatever their number. Sentences
    are sorted longest first, so those still running at a step are always the first rows.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    labels = np.zeros(len(emissions), dtype=np.intp)
    order = np.argsort(-lengths, kind="stable")
    order = order[lengths[order] > 0]
    if not len(order):
        return labels
    size = lengths[order]
    running = np.searchsorted(-size, -np.arange(size[0]), side="left")  # rows with size > t
    at = np.concatenate([[0], np.cumsum(running)])  # where each step's cells begin
    chars = _step_major(lengths, order, running, at)
    scores = _best_scores(emissions[chars].T, running, at, chain)
    last = at[size - 1] + np.arange(len(order))  # each row's last cell
    labels[chars] = _best_paths(scores, last, running, at, chain)
    return labels


def _step_major(lengths: np.ndarray, order: np.ndarray, running: np.ndarray,
                at: np.ndarray) -> np.ndarray:
    """Character indexes step by step: each step's running rows (in `order`) side by side."""
    steps = np.repeat(np.arange(len(running)), running)
    rows = np.arange(len(steps)) - at[steps]
    return (np.cumsum(lengths) - lengths)[order][rows] + steps


def _best_scores(emissions: np.ndarray, running: np.ndarray, at: np.ndarray,
                 chain: Chain) -> np.ndarray:
    """scores[label, cell]: the best score of a path that ends in that label at that cell.

    Label-major (labels x cells, a step's cells side by side), so that every operation runs
    along the sentences, not along the few labels.
    """
    dtype = np.result_type(emissions, chain.start, chain.transitions)
    scores = np.ascontiguousarray(emissions, dtype=dtype)
    scores[:, :running[0]] += chain.start[:, None]
    into = chain.transitions.T[:, :, None]  # [next, prev, 1]: the max runs over prev
    for t in range(1, len(running)):
        before = scores[:, at[t - 1]:at[t - 1] + running[t]]
        scores[:, at[t]:at[t + 1]] += (before[None, :, :] + into).max(axis=1)
    return scores


def _best_paths(scores: np.ndarray, last: np.ndarray, running: np.ndarray, at: np.ndarray,
                chain: Chain) -> np.ndarray:
    """The label of every cell on its row's best path, walked back from each row's last cell.

    No back pointers were kept: a step back takes the argmax of the very sums that the
    forward pass took the max of, for the one label on the path only.
    """
    current = (scores[:, last].T + chain.end).argmax(axis=1)
    path = np.empty(scores.shape[1], dtype=np.intp)
    path[last] = current
    for t in range(len(running) - 1, 0, -1):
        rows, cells = running[t], slice(at[t - 1], at[t - 1] + running[t])
        current[:rows] = (scores[:, cells] + chain.transitions[:, current[:rows]]).argmax(axis=0)
        path[cells] = current[:rows]
    return path


@dataclass(frozen=True, slots=True)
class _Batch:
    """Sentences of similar length, padded: row index per character, mask and gold labels."""

    rows: np.ndarray
    mask: np.ndarray
    gold: np.ndarray
    last: np.ndarray


def _batches(lengths: Sequence[int], labels: np.ndarray) -> list[_Batch]:
    """Group sentences by length so that padding stays small."""
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    order = [i for i in np.argsort(lengths, kind="stable") if lengths[i] > 0]
    batches = []
    for b in range(0, len(order), _BATCH):
        group = order[b:b + _BATCH]
        width = max(lengths[i] for i in group)
        steps = np.arange(width)
        mask = steps[None, :] < np.array([lengths[i] for i in group])[:, None]
        rows = np.where(mask, offsets[group][:, None] + steps[None, :], 0)
        batches.append(_Batch(rows, mask, np.where(mask, labels[rows], 0), mask.sum(1) - 1))
    return batches


def _batch_loss(emit: np.ndarray, batch: _Batch, chain: Chain, grads: list[np.ndarray]) -> float:
    """-log p(gold) of one batch; adds d/d(emissions, transitions, start, end) to `grads`."""
    n, width = batch.mask.shape
    scores = emit[batch.rows]                                   # n x width x k
    shift = scores.max(axis=2, keepdims=True)
    psi = np.exp(scores - shift) * batch.mask[:, :, None]
    trans = np.exp(chain.transitions)
    alpha, scale = np.zeros_like(psi), np.ones((n, width))
    alpha[:, 0] = np.exp(chain.start) * psi[:, 0]
    for t in range(width):
        if t:
            step = (alpha[:, t - 1] @ trans) * psi[:, t]
            alpha[:, t] = np.where(batch.mask[:, t, None], step, alpha[:, t - 1])
        scale[:, t] = np.where(batch.mask[:, t], alpha[:, t].sum(1), 1.0)
        alpha[:, t] /= scale[:, t, None]
    final = alpha[np.arange(n), batch.last] @ np.exp(chain.end)
    log_z = np.log(scale).sum(1) + (shift[:, :, 0] * batch.mask).sum(1) + np.log(final)
    beta = np.empty_like(psi)
    beta[:, -1] = np.exp(chain.end) / final[:, None]
    for t in range(width - 2, -1, -1):
        step = ((psi[:, t + 1] * beta[:, t + 1]) @ trans.T) / scale[:, t + 1, None]
        beta[:, t] = np.where(batch.mask[:, t + 1, None], step, beta[:, t + 1])
    marg = alpha * beta * batch.mask[:, :, None]
    pair = np.einsum("nti,ntj->ij", alpha[:, :-1], (psi * beta)[:, 1:] / scale[:, 1:, None]) * trans
    gold_score = _gold_score(scores, batch, chain, grads, marg, pair)
    return float(log_z.sum() - gold_score)


def _gold_score(scores, batch: _Batch, chain: Chain, grads, marg, pair) -> float:
    """The gold paths' score; subtracts their counts from the expected counts in `grads`."""
    g_emit, g_trans, g_start, g_end = grads
    n, k = len(batch.gold), scores.shape[2]
    onehot = np.eye(k)[batch.gold] * batch.mask[:, :, None]
    np.add.at(g_emit, batch.rows[batch.mask], (marg - onehot)[batch.mask])
    prev, nxt = batch.gold[:, :-1], batch.gold[:, 1:]
    both = batch.mask[:, 1:]
    gold_pairs = np.zeros((k, k))
    np.add.at(gold_pairs, (prev[both], nxt[both]), 1.0)
    g_trans += pair - gold_pairs
    first, last = batch.gold[:, 0], batch.gold[np.arange(n), batch.last]
    g_start += marg[:, 0].sum(0) - np.bincount(first, minlength=k)
    g_end += marg[np.arange(n), batch.last].sum(0) - np.bincount(last, minlength=k)
    return float((scores * onehot).sum() + (chain.transitions[prev, nxt] * both).sum()
                 + chain.start[first].sum() + chain.end[last].sum())


def fit_crf(x, lengths: Sequence[int], labels: np.ndarray, classes: Sequence[str],
            c2: float = 1.0, max_iter: int = 150) -> tuple[np.ndarray, np.ndarray, Chain]:
    """L-BFGS on the L2-penalised likelihood; returns (coef k x F, intercept k, chain)."""
    k, features = len(classes), x.shape[1]
    fixed_start, fixed_pairs = bio_masks(classes)
    batches = _batches(lengths, labels)
    xt = x.T.tocsr()
    sizes = [features * k, k, k * k, k, k]
    cuts = np.cumsum(sizes)[:-1]

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b, tr, st, en = np.split(theta, cuts)
        w = w.reshape(features, k)
        chain = Chain(tr.reshape(k, k) + fixed_pairs, st + fixed_start, en)
        emit = x @ w + b
        grads = [np.zeros_like(emit), np.zeros((k, k)), np.zeros(k), np.zeros(k)]
        loss = sum(_batch_loss(emit, batch, chain, grads) for batch in batches)
        g_emit, g_trans, g_start, g_end = grads
        loss += 0.5 * c2 * (w.ravel() @ w.ravel() + tr @ tr)
        grad = [(xt @ g_emit + c2 * w).ravel(), g_emit.sum(0), g_trans.ravel() + c2 * tr,
                g_start, g_end]
        return loss, np.concatenate(grad)

    result = minimize(objective, np.zeros(sum(sizes)), jac=True, method="L-BFGS-B",
                      options={"maxiter": max_iter})
    w, b, tr, st, en = np.split(result.x, cuts)
    chain = Chain(tr.reshape(k, k) + fixed_pairs, st + fixed_start, en)
    return w.reshape(features, k).T, b, chain
