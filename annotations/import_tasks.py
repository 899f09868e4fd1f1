"""Labels in from the files our own export made, whatever tool filled them in.

The readers read any Label Studio, doccano or CSV file; a sheet we exported also carries the
model's `prediction` column, which is not a coder, so it is dropped before the sheet is read.
`coder` names the one coder of a file: doccano lines that name none take it, and a file
labelled by one person (a Label Studio account, a sheet column) is credited to it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fincorpus.annotations.export_tasks import SHEET_COLUMNS
from fincorpus.annotations.readers import load_text, read_labels, sniff
from fincorpus.annotations.scheme import Scheme
from fincorpus.annotations.sheets import RESERVED, from_rows
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Label

#: Columns of our sheet export that hold no coder's labels.
NOT_CODERS = frozenset(set(SHEET_COLUMNS) - RESERVED)


def read_exported(path: str | Path, coder: str | None = None, scheme: Scheme | None = None,
                  offsets: str = "auto") -> list[Label]:
    """The human labels of one file (never the model's predictions it carries)."""
    scheme = scheme or Scheme.load()
    kind, parsed = sniff(load_text(path), str(path))
    if kind == "csv":
        labels = from_rows(_without(parsed, NOT_CODERS), str(path), scheme, offsets)
    else:
        labels = read_labels(path, coder, scheme, offsets)
    if coder is None:
        return labels
    coders = sorted({label.coder for label in labels})
    if len(coders) > 1:
        raise BadInput(f"{path}: labels by {len(coders)} coders ({', '.join(coders[:3])}); "
                       "--coder names the one coder of a file: drop it for this file")
    return [replace(label, coder=coder) for label in labels]


def _without(rows: list[list[str]], columns: frozenset[str]) -> list[list[str]]:
    """A sheet's rows without the named columns (matched case-insensitively)."""
    keep = [i for i, name in enumerate(rows[0]) if name.strip().lower() not in columns]
    return [[row[i] if i < len(row) else "" for i in keep] for row in rows]
