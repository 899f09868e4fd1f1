"""Stance of stored articles with a model of the user's choice, from their stored analyses."""

from __future__ import annotations

import pandas as pd

from fincorpus.corpus.analyses import Analyses
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Entity, Sentence
from fincorpus.corpus.store import Store

#: Columns of `article_stances`, in order.
ARTICLE_STANCE_COLUMNS = ("article_id", "title", "target", "target_id", "label", "p_favor",
                          "p_against", "p_none", "n_sentences", "share_favor", "share_against",
                          "share_none")


def article_stances(store: Store, model, targets) -> pd.DataFrame:
    """One row per analysed article and target it names: the stance `model` gives it.

    Sentences and entities come from the store (analyze made them), so only the stance
    model runs; nothing is written.
    """
    from fincorpus.nlp.stance import StanceStage

    analyses = Analyses(store)
    ids = [row[0] for row in store.rows("SELECT article_id FROM analyses ORDER BY rowid")]
    if not ids:
        raise BadInput("no article is analysed yet; run fincorpus analyze first")
    stage = StanceStage(model, targets)
    rows = []
    for article_id in ids:
        sentences = [Sentence(r["text"], r["start"], r["end"], r["paragraph"])
                     for r in analyses.records("sentence", article_id)]
        entities = [Entity(r["text"], r["type"], r["start"], r["end"], r["entity_id"])
                    for r in analyses.records("entity", article_id)]
        title = store.get_article(article_id).article.title
        for stance in stage.stances_many([sentences], [entities])[0]:
            if stance.sentence is not None:
                continue
            n = sum(stance.counts) or 1
            rows.append((article_id, title, stance.target, stance.target_id, stance.label,
                         stance.p_favor, stance.p_against, stance.p_none, sum(stance.counts),
                         *(round(c / n, 4) for c in stance.counts)))
    return pd.DataFrame(rows, columns=list(ARTICLE_STANCE_COLUMNS))
