"""doccano JSONL export -> Labels.

One JSON object a line with `text` and the labels under `label` (doccano ≥ 1.0), `labels`,
`entities` and `cats` (intent detection and slot filling) or `annotations` (doccano 0.x):
- a string is a category; a `{"label": ...}` dict is the older form of one;
- `[start, end, TAG]` is a span, and so is `{"start_offset", "end_offset", "label"}`.
Span offsets are UTF-16 code units, as doccano's browser counts them (readers.py).

doccano names no field, so a category takes the scheme field whose choices hold it (else
`label`), a span the scheme's span field (else `entities`); a line's `target` makes a
per-target field (`stance:<target>`). The coder is the line's (or the old dict's) `user` or
`annotator`, else the `coder` given, else the file's stem (doccano exports one file per user,
named after them). The unit is the line's `unit_id`, else its `id`, else its line number.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fincorpus.annotations.readers import resolve_span
from fincorpus.annotations.scheme import Scheme
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Label

KEYS = ("label", "labels", "entities", "cats", "annotations")


def from_doccano(records: list[tuple[int, dict[str, Any]]], source: str, scheme: Scheme,
                 coder: str | None = None, offsets: str = "auto") -> list[Label]:
    """The labels of doccano records, given as (line number, parsed line) pairs."""
    default_coder = coder or Path(source).stem
    labels: list[Label] = []
    for number, record in records:
        unit_id = str(record.get("unit_id", record.get("id", number)))
        line_coder = _name(record.get("user", record.get("annotator"))) or default_coder
        where = f"{source}: line {number} (unit {unit_id})"
        text = record.get("text") if isinstance(record.get("text"), str) else None
        for key in KEYS:
            for item in record.get(key) or ():
                labels.append(_label(item, text, unit_id, line_coder, record.get("target"),
                                     where, scheme, offsets, source))
    return labels


def _label(item: Any, text: str | None, unit_id: str, coder: str, target: Any, where: str,
           scheme: Scheme, offsets: str, source: str) -> Label:
    """One Label from one item of a doccano line's label list."""
    if isinstance(item, dict):
        coder = _name(item.get("user", item.get("annotator"))) or coder
        if "start_offset" in item:
            item = [item.get("start_offset"), item.get("end_offset"), item.get("label"),
                    item.get("text")]
        else:
            item = item.get("label")
    if isinstance(item, (str, int)) and not isinstance(item, bool):
        value = str(item)
        field = scheme.qualify(scheme.field_for(value) or "label", target)
        return Label(unit_id, field, value, coder, source=source)
    if isinstance(item, list) and len(item) in (3, 4) and item[2] is not None:
        tag = str(item[2])
        stated = item[3] if len(item) == 4 and isinstance(item[3], str) else None
        start, end, span = resolve_span(text, item[0], item[1], stated, where, "utf16", offsets)
        field = scheme.field_for(tag, span=True) or "entities"
        return Label(unit_id, field, tag, coder, start, end, span, source=source)
    raise BadInput(f"{where}: cannot read the label {item!r}; doccano labels are names, "
                   "[start, end, TAG] lists or {start_offset, end_offset, label} objects")


def _name(value: Any) -> str | None:
    """A coder's name from a `user`/`annotator` value (an id or a name), or None."""
    if value is None or value == "" or isinstance(value, (dict, list)):
        return None
    return str(value)
