"""Framing side by side: groups of stored articles and the tables that compare them.

A group (corpus/groups.py) is a name and the ids of its articles, picked by id or by the
filters of `export --where`. `compare(store, groups)` returns a `Comparison`: one DataFrame
per view (stance toward each target, frames, topics, entity salience, distinctive words,
aligned numeric claims and their conflicts, near-duplicate passages), read from the stored
analyses, for a notebook, the CSV files (`write_tables`) or the HTML report
(corpus/report.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, fields
from pathlib import Path

import pandas as pd

from fincorpus.corpus.analyses import shares, stored_analysis
from fincorpus.corpus.cells import write_csv
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.groups import Group
from fincorpus.corpus.model import Article
from fincorpus.corpus.store import Store
from fincorpus.nlp.stance import LABEL_ORDER

LABELS = LABEL_ORDER  # FAVOR, AGAINST, NONE: the order tables and charts show them in


# the comparison ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """The side-by-side tables, one row per group and unit (see each builder's docstring)."""

    groups: pd.DataFrame
    stances: pd.DataFrame
    frames: pd.DataFrame
    topics: pd.DataFrame
    entities: pd.DataFrame
    words: pd.DataFrame
    claims: pd.DataFrame
    conflicts: pd.DataFrame
    duplicates: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name, in report order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def compare(store: Store, groups: list[Group], top_words: int = 30,
            duplicate_threshold: float = 0.6) -> Comparison:
    """The side-by-side tables of two or more groups of analysed articles."""
    names = [g.name for g in groups]
    if len(groups) < 2 or len(set(names)) != len(names):
        raise BadInput("compare needs two or more groups with distinct names; give more "
                       "article ids or --group NAME=… options")
    ids = list(dict.fromkeys(i for g in groups for i in g.ids))
    found = {i: (store.get_article(i).article, stored_analysis(store, i)) for i in ids}
    member = _group_of(groups)
    return Comparison(
        _group_table(groups, found), _stance_table(groups, found), _frame_table(groups, found),
        _topic_table(groups, found), _entity_table(groups, found),
        _word_table(groups, found, top_words), *_claim_tables(found, member),
        _duplicate_table(found, member, duplicate_threshold))


def write_tables(comparison: Comparison, folder: Path) -> list[Path]:
    """Each table as `<folder>/<table>.csv` (BOM, formula-safe cells); the paths written."""
    if not folder.parent.exists():
        raise BadInput(f"{folder}: folder {folder.parent} does not exist; create it first")
    folder.mkdir(exist_ok=True)
    paths = []
    for name, frame in comparison.tables().items():
        write_csv(frame, folder / f"{name}.csv")
        paths.append(folder / f"{name}.csv")
    return paths


# the tables ----------------------------------------------------------------------------------

def _members(groups, found):
    """(group name, article, analysis) for every article of every group."""
    for group in groups:
        for article_id in group.ids:
            yield (group.name, *found[article_id])


def _chars(article: Article) -> int:
    """Characters of the body, as the article table's n_chars counts them."""
    return sum(len(p) for p in article.paragraphs)


def _group_table(groups, found) -> pd.DataFrame:
    """One row per group and article: which articles each group holds."""
    spec = {g.name: g.spec for g in groups}
    rows = [{"group": g, "spec": spec[g], "article_id": a.id, "title": a.title,
             "author": a.author, "site": a.site,
             "published_at": a.published_at.isoformat() if a.published_at else None,
             "n_chars": _chars(a)} for g, a, _ in _members(groups, found)]
    return pd.DataFrame(rows, columns=["group", "spec", "article_id", "title", "author", "site",
                                       "published_at", "n_chars"])


def _stance_table(groups, found) -> pd.DataFrame:
    """Per group and target: how many articles take each article-level stance, and shares."""
    rows = [(g, s.target, s.target_id, s.label) for g, _, an in _members(groups, found)
            for s in an.stances]
    frame = pd.DataFrame(rows, columns=["group", "target", "target_id", "label"])
    out = []
    for (group, target_id), part in frame.groupby(["group", "target_id"], sort=False):
        n = len(part)
        counts = [int((part["label"] == label).sum()) for label in LABELS]
        out.append({"group": group, "target": part["target"].mode().iloc[0],
                    "target_id": target_id, "n_articles": n,
                    **{f"n_{l.lower()}": c for l, c in zip(LABELS, counts)},
                    **{f"share_{l.lower()}": x for l, x in zip(LABELS, shares(counts))}})
    columns = ["group", "target", "target_id", "n_articles", "n_favor", "n_against", "n_none",
               "share_favor", "share_against", "share_none"]
    return _ordered(pd.DataFrame(out, columns=columns), groups, ["n_articles", "target"])


def _ordered(frame: pd.DataFrame, groups, by: list[str], ascending=False) -> pd.DataFrame:
    """Rows in group order, then by `by` (first descending unless told), ties by the rest."""
    order = {g.name: i for i, g in enumerate(groups)}
    keyed = frame.assign(_g=frame["group"].map(order))
    asc = [True] + [ascending] + [True] * (len(by) - 1)
    return (keyed.sort_values(["_g", *by], ascending=asc, kind="stable")
            .drop(columns="_g").reset_index(drop=True))


def _frame_table(groups, found) -> pd.DataFrame:
    """Per group and frame: mean article score over all the group's articles (0 when absent)."""
    return _score_means(groups, found, "frame")


def _topic_table(groups, found) -> pd.DataFrame:
    """Per group and topic: the share of articles whose top topic it is, and its mean score."""
    means = _score_means(groups, found, "topic")
    top = Counter((g, an.topics[0].name if an.topics else "(none)")
                  for g, _, an in _members(groups, found))
    sizes = {g.name: len(g.ids) for g in groups}
    keys = set(top) | set(zip(means["group"], means["topic"]))
    frame = pd.DataFrame([{"group": g, "topic": t, "n_top": top.get((g, t), 0),
                           "share_top": round(top.get((g, t), 0) / sizes[g], 4)}
                          for g, t in sorted(keys)], columns=["group", "topic", "n_top", "share_top"])
    frame = frame.merge(means, on=["group", "topic"], how="left").fillna(
        {"mean_score": 0.0, "n_articles": 0})
    frame["n_articles"] = frame["n_articles"].astype(int)
    return _ordered(frame, groups, ["share_top", "mean_score", "topic"])


def _score_means(groups, found, kind: str) -> pd.DataFrame:
    """Mean article-level score of each topic or frame per group, and how many articles have it."""
    rows = []
    for group in groups:
        totals, present = Counter(), Counter()
        for article_id in group.ids:
            analysis = found[article_id][1]
            for score in (analysis.topics if kind == "topic" else analysis.frames):
                totals[score.name] += score.score
                present[score.name] += 1
        rows += [{"group": group.name, kind: name, "mean_score": round(total / len(group.ids), 4),
                  "n_articles": present[name]} for name, total in totals.items()]
    frame = pd.DataFrame(rows, columns=["group", kind, "mean_score", "n_articles"])
    return _ordered(frame, groups, ["mean_score", kind])


def _entity_table(groups, found) -> pd.DataFrame:
    """Per group and named entity (canonical id): mentions, and mentions per 1,000 characters."""
    from fincorpus.nlp.gazetteer import default_gazetteer

    gazetteer, rows = default_gazetteer(), []
    for group in groups:
        chars = sum(_chars(found[i][0]) for i in group.ids)
        by_id: dict[str, list] = {}
        for i in group.ids:
            for e in found[i][1].entities:
                if e.id:
                    by_id.setdefault(e.id, []).append((e, i))
        for entity_id, same in sorted(by_id.items()):
            entry = gazetteer.entry(entity_id)
            name = entry.name if entry else Counter(e.text for e, _ in same).most_common(1)[0][0]
            rows.append({"group": group.name, "entity_id": entity_id, "name": name,
                         "type": same[0][0].type, "mentions": len(same),
                         "n_articles": len({i for _, i in same}), "n_chars": chars,
                         "per_1000_chars": round(len(same) / chars * 1000, 4) if chars else 0.0})
    frame = pd.DataFrame(rows, columns=["group", "entity_id", "name", "type", "mentions",
                                        "n_articles", "n_chars", "per_1000_chars"])
    return _ordered(frame, groups, ["per_1000_chars", "entity_id"])


def _word_table(groups, found, top: int) -> pd.DataFrame:
    """Each group's most distinctive words against all the other groups' (weighted log-odds,
    informative Dirichlet prior from the pooled counts), z > 0 only, `top` per group."""
    from fincorpus.nlp.log_odds import word_counts

    counts = {g.name: word_counts(found[i][1] for i in g.ids) for g in groups}
    parts = []
    for group in groups:
        rest = sum((c for name, c in counts.items() if name != group.name), Counter())
        table = _log_odds(group.name, counts[group.name], rest)
        parts.append(table[table["z"] > 0].head(top).assign(group=group.name))
    frame = pd.concat(parts, ignore_index=True).rename(
        columns={"count_a": "count", "count_b": "count_others"})
    frame.insert(1, "rank", frame.groupby("group", sort=False).cumcount() + 1)
    return frame[["group", "rank", "word", "count", "count_others", "delta", "z"]]


def _log_odds(name: str, own: Counter, rest: Counter) -> pd.DataFrame:
    from fincorpus.nlp.log_odds import log_odds

    if not own or not rest:
        raise BadInput(f"group {name}: no words to compare (its articles, or all the others, "
                       "have none after stopwords); add longer articles to the groups")
    return log_odds(own, rest)


def _group_of(groups) -> dict[str, str]:
    """Each article's group names, joined (an article may sit in several groups)."""
    names: dict[str, list[str]] = {}
    for group in groups:
        for article_id in group.ids:
            names.setdefault(article_id, []).append(group.name)
    return {i: "; ".join(n) for i, n in names.items()}


def _claim_tables(found, member: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Numeric claims aligned across two or more articles (one row per claim), and the pairs of
    claims from different articles whose values conflict, with both sentences."""
    from fincorpus.nlp.claim_align import align, conflicts
    from fincorpus.nlp.claims import extract_claims

    sets = [extract_claims(an, article.published_at) for article, an in found.values()]
    aligned = [g for g in align(*sets) if len({c.article_id for c in g.claims}) > 1]
    clashes = [c for c in conflicts(aligned) if c.a.article_id != c.b.article_id]
    number = {id(g): n for n, g in enumerate(aligned, 1)}
    flagged = {(c.article_id, c.start) for x in clashes for c in (x.a, x.b)}
    claim_rows = [{"claim_group": number[id(g)], "measure": g.measure, "subject": g.subject,
                   "period": g.period, "unit": g.unit, **_claim(c, member, "")}
                  | {"conflict": (c.article_id, c.start) in flagged}
                  for g in aligned for c in g.claims]
    conflict_rows = [{"claim_group": number[id(x.group)], "measure": x.group.measure,
                      "subject": x.group.subject, "period": x.group.period, "unit": x.group.unit,
                      "kind": x.kind, "difference": round(x.difference, 6),
                      **_claim(x.a, member, "a_"), **_claim(x.b, member, "b_")}
                     for x in clashes]
    claims = pd.DataFrame(claim_rows, columns=[*_CLAIM_HEAD, *_claim_columns(""), "conflict"])
    return claims, pd.DataFrame(conflict_rows, columns=[*_CLAIM_HEAD, "kind", "difference",
                                                        *_claim_columns("a_"),
                                                        *_claim_columns("b_")])


_CLAIM_HEAD = ("claim_group", "measure", "subject", "period", "unit")
#: A claim's own columns here, each with the `Claim.record` field it comes from (the head's
#: `subject` is the claim group's, so the claim's own is `subject_text`).
_CLAIM_FIELDS = {"article_id": "article_id", "subject_text": "subject", "text": "text",
                 "low": "low", "high": "high", "qualifier": "qualifier", "sentence": "sentence",
                 "sentence_text": "sentence_text"}


def _claim_columns(prefix: str) -> list[str]:
    return [prefix + name for name in ("group", *_CLAIM_FIELDS)]


def _claim(claim, member: dict[str, str], prefix: str) -> dict:
    """One claim's columns (its article's group, the number as written, its value range,
    its sentence)."""
    record = claim.record()
    values = (member[claim.article_id], *(record[field] for field in _CLAIM_FIELDS.values()))
    return dict(zip(_claim_columns(prefix), values))


def _duplicate_table(found, member: dict[str, str], threshold: float) -> pd.DataFrame:
    """Paragraphs of different articles that share most of their character 5-grams (MinHash
    candidates, exact Jaccard), with both passages; flagged here, never dropped anywhere.
    Built column by column, each passage's text cut once: a paragraph reposted many times
    is in many pairs."""
    from fincorpus.nlp.near_duplicates import near_duplicates

    texts = {i: article.text for i, (article, _) in found.items()}
    pairs = near_duplicates(texts, threshold)
    cut: dict[tuple[str, int, int], str] = {}

    def passage(span: tuple[str, int, int]) -> str:
        if span not in cut:
            article_id, start, end = span
            cut[span] = texts[article_id][start:end]
        return cut[span]

    columns: dict[str, list] = {"similarity": [round(p.similarity, 4) for p in pairs],
                                "same_group": [member[p.a_id] == member[p.b_id] for p in pairs]}
    for side in "ab":
        spans = [(getattr(p, f"{side}_id"), getattr(p, f"{side}_start"), getattr(p, f"{side}_end"))
                 for p in pairs]
        columns[f"{side}_group"] = [member[i] for i, _, _ in spans]
        columns[f"{side}_article_id"] = [i for i, _, _ in spans]
        columns[f"{side}_start"] = [lo for _, lo, _ in spans]
        columns[f"{side}_end"] = [hi for _, _, hi in spans]
        columns[f"{side}_text"] = [passage(span) for span in spans]
    return pd.DataFrame(columns)
