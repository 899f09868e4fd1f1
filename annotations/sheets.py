"""Spreadsheet labels (CSV or TSV, UTF-8) -> Labels, in two layouts told apart by the header.

Long, one label a row: `unit_id, coder, label` (`annotator` and `value` are read too), with
optional `field`, `target`, `text` (the unit text), `start`, `end` and `span_text` for spans
(code-point offsets into `text`; a span needs `span_text` or `text`, and is checked against
both when both are there), and `created_at`.

Wide, one unit a row: `unit_id` and optional `text`, `field`, `target`, then one column per
coder holding that coder's label (empty: not labelled). Spans need the long layout.

A row without `field` takes the scheme field whose choices hold its value (else `label`).
A cell of a multi-label field (frames) may hold several values split by `;`, `；` or `|`.
"""

from __future__ import annotations

import re
from typing import Iterator

from fincorpus.annotations.readers import parse_time, resolve_span
from fincorpus.annotations.scheme import Scheme
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Label

ALIASES = {"annotator": "coder", "value": "label"}
RESERVED = {"unit_id", "coder", "label", "field", "target", "text", "start", "end",
            "span_text", "created_at", "prediction", "article_id", "title"}
SPLIT = re.compile(r"\s*[;；|]\s*")


def from_rows(rows: list[list[str]], source: str, scheme: Scheme,
              offsets: str = "auto") -> list[Label]:
    """The labels of a sheet's rows (the first is the header), long or wide layout."""
    header = [cell.strip() for cell in rows[0]]
    names = [ALIASES.get(h.lower(), h.lower()) for h in header]
    dicts = _records(rows[1:], header, names)
    if "coder" in names and "label" in names:
        return [label for number, row in dicts for label in _long(row, number, source, scheme,
                                                                   offsets)]
    coders = [h for h, n in zip(header, names) if n not in RESERVED and h]
    if not coders:
        raise BadInput(f"{source}: a sheet with unit_id but neither coder and label columns "
                       "(long layout) nor one column per coder (wide layout); see "
                       "`fincorpus annotate agreement --help`")
    return [label for number, row in dicts for label in _wide(row, coders, number, source, scheme)]


def _records(rows: list[list[str]], header: list[str],
             names: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {column: cell}) per data row; reserved columns under their canonical name."""
    keys = [n if n in RESERVED else h for h, n in zip(header, names)]
    for number, row in enumerate(rows, 2):
        yield number, {key: (row[i] if i < len(row) else "") for i, key in enumerate(keys)}


def _long(row: dict[str, str], number: int, source: str, scheme: Scheme,
          offsets: str) -> list[Label]:
    """The labels of one long-layout row (several for a multi-label cell, none for an empty one)."""
    unit_id, coder, value = _unit(row, number, source), row["coder"].strip(), row["label"].strip()
    if not value:
        return []
    if not coder:
        raise BadInput(f"{source}: row {number}: empty coder; name the coder of every label")
    created = parse_time(row.get("created_at"))
    if row.get("start", "").strip() or row.get("end", "").strip():
        where = f"{source}: row {number} (unit {unit_id})"
        start, end, text = resolve_span(row.get("text") or None, _int(row, "start", where),
                                        _int(row, "end", where), row.get("span_text") or None,
                                        where, "codepoints", offsets)
        field = row.get("field", "").strip() or scheme.field_for(value, span=True) or "entities"
        return [Label(unit_id, field, value, coder, start, end, text, created, source)]
    return [Label(unit_id, field, v, coder, created_at=created, source=source)
            for field, v in _values(row, value, scheme)]


def _wide(row: dict[str, str], coders: list[str], number: int, source: str,
          scheme: Scheme) -> list[Label]:
    """The labels of one wide-layout row: one coder per column."""
    unit_id = _unit(row, number, source)
    return [Label(unit_id, field, v, coder, source=source)
            for coder in coders if row.get(coder, "").strip()
            for field, v in _values(row, row[coder].strip(), scheme)]


def _values(row: dict[str, str], cell: str, scheme: Scheme) -> list[tuple[str, str]]:
    """(field, value) pairs of one cell: split when its field is multi-label."""
    parts = [p for p in SPLIT.split(cell) if p]
    field = row.get("field", "").strip() or scheme.field_for(parts[0]) or "label"
    spec = scheme.get(field)
    values = parts if spec is not None and spec.kind == "multi" else [cell]
    field = scheme.qualify(field, row.get("target", "").strip())
    return [(field, v) for v in values]


def _unit(row: dict[str, str], number: int, source: str) -> str:
    """The row's unit id, required."""
    unit_id = row.get("unit_id", "").strip()
    if not unit_id:
        raise BadInput(f"{source}: row {number}: empty unit_id; give every row its unit's id")
    return unit_id


def _int(row: dict[str, str], key: str, where: str) -> int:
    """A whole-number offset cell."""
    try:
        return int(row.get(key, "").strip())
    except ValueError:
        raise BadInput(f"{where}: {key} {row.get(key)!r} is not a whole number; "
                       "give spans character offsets") from None

