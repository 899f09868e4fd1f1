"""fincorpus.corpus: the shared types, the store, the pipeline, exports and the command line.

Only the types and the Store are re-exported, so that importing the model from
another package never pulls in the pipeline.
"""

from fincorpus.corpus.model import Article, Provenance, RawPage
from fincorpus.corpus.store import Store

__all__ = ["Article", "Provenance", "RawPage", "Store"]
