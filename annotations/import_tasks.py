"""Labels in from the files our own export made, whatever tool filled them in.

The readers read any Label Studio, doccano or CSV file; the `prediction` column of a sheet we
exported holds the model's output and is one of the sheet reader's reserved columns, so it is
never read as a coder's labels. `coder` names the one coder of a file: doccano lines that name
none take it, and a file labelled by one person (a Label Studio account, a sheet column) is
credited to it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fincorpus.annotations.readers import read_labels
from fincorpus.annotations.scheme import Scheme
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Label


def read_exported(path: str | Path, coder: str | None = None, scheme: Scheme | None = None,
                  offsets: str = "auto") -> list[Label]:
    """The human labels of one file (never the model's predictions it carries)."""
    labels = read_labels(path, coder, scheme, offsets)
    if coder is None:
        return labels
    coders = sorted({label.coder for label in labels})
    if len(coders) > 1:
        raise BadInput(f"{path}: labels by {len(coders)} coders ({', '.join(coders[:3])}); "
                       "--coder names the one coder of a file: drop it for this file")
    return [replace(label, coder=coder) for label in labels]

