"""Topic discovery over the store: the stored articles, segmented, into an NMF topic model."""

from __future__ import annotations

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.store import Store


def discover_from_store(store: Store, k: int, seed: int = 0):
    """Fit `k` NMF topics on every stored article (words from our segmenter)."""
    from fincorpus.nlp.discover import discover_topics
    from fincorpus.nlp.segment import get_segmenter

    segmenter = get_segmenter()
    documents = [segmenter.cut(stored.article.text) for stored in store.articles()]
    if len(documents) < k:
        raise BadInput(f"{len(documents)} articles stored, fewer than --k {k}; "
                       "add articles or ask for fewer topics")
    return discover_topics(documents, k, random_state=seed)
