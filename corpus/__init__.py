"""fincorpus.corpus: the shared types, the store, the pipeline, exports and the command line.

Only the types and the Store are imported here, so that importing the model from another
package never pulls in the pipeline; `tables` (every export table as a pandas DataFrame) is
loaded on first use: `from fincorpus.corpus import Store, tables`.
"""

from fincorpus.corpus.model import Article, Provenance, RawPage
from fincorpus.corpus.store import Store

__all__ = ["Article", "Provenance", "RawPage", "Store", "tables"]


def __getattr__(name: str):
    if name == "tables":
        from fincorpus.corpus.export import tables
        return tables
    raise AttributeError(f"module 'fincorpus.corpus' has no attribute {name!r}")
