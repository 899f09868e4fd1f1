"""Stance of stored articles with a model of the user's choice, from their stored analyses."""

from __future__ import annotations

import pandas as pd

from fincorpus.corpus.analyses import Analyses, shares, stored_analysis
from fincorpus.corpus.errors import BadInput
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

    ids = Analyses(store).analysed()
    if not ids:
        raise BadInput("no article is analysed yet; run fincorpus analyze first")
    analyses = [stored_analysis(store, article_id) for article_id in ids]
    found = StanceStage(model, targets).stances_many([a.sentences for a in analyses],
                                                     [a.entities for a in analyses])
    rows = []
    for article_id, stances in zip(ids, found):  # the model scores all articles in one call
        title = store.get_article(article_id).article.title
        rows += [(article_id, title, s.target, s.target_id, s.label, s.p_favor, s.p_against,
                  s.p_none, sum(s.counts), *shares(s.counts))
                 for s in stances if s.sentence is None]
    return pd.DataFrame(rows, columns=list(ARTICLE_STANCE_COLUMNS))
