"""Label Studio JSON export -> Labels.

A task is `{"id", "data": {"text", ..., "unit_id"?, "target"?}, "annotations": [...]}`
(`completions` in exports before 1.0). Each annotation's `completed_by` (an id, or a dict
with an email) is the coder; cancelled annotations are skipped, and so are predictions:
model output is kept apart from human labels. A result's `from_name` is the field:
- `choices`: one Label per chosen value (a multi-choice answer gives several Labels of one
  field; agreement treats such fields as sets, see agreement.py);
- `labels`: one span Label per tag, its offsets checked against the span's `text`.
Other result types (relations, text areas, ratings) carry no label to agree on, and are skipped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fincorpus.annotations.readers import parse_time, resolve_span
from fincorpus.annotations.scheme import Scheme
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Label


def from_labelstudio(tasks: list[dict[str, Any]], source: str, scheme: Scheme,
                     offsets: str = "auto") -> list[Label]:
    """The labels of a list of Label Studio tasks (the JSON export, parsed)."""
    labels: list[Label] = []
    for number, task in enumerate(tasks, 1):
        data = task.get("data") if isinstance(task.get("data"), dict) else {}
        unit_id = str(data.get("unit_id", task.get("id", number)))
        where = f"{source}: unit {unit_id}"
        for annotation in task.get("annotations", task.get("completions")) or ():
            if annotation.get("was_cancelled"):
                continue
            coder = _coder(annotation.get("completed_by"), where)
            created = parse_time(annotation.get("created_at"))
            for result in annotation.get("result") or ():
                labels.extend(_labels(result, data, unit_id, coder, created, where, scheme,
                                      offsets, source))
    return labels


def _labels(result: dict[str, Any], data: dict[str, Any], unit_id: str, coder: str,
            created: datetime | None, where: str, scheme: Scheme, offsets: str,
            source: str) -> list[Label]:
    """The Labels of one result of an annotation (none for result types that hold no label)."""
    value, field = result.get("value") or {}, str(result.get("from_name", "label"))
    if result.get("type") == "choices":
        field = scheme.qualify(field, data.get("target"))
        return [Label(unit_id, field, str(choice), coder, created_at=created, source=source)
                for choice in value.get("choices") or ()]
    if result.get("type") != "labels":
        return []
    unit_text = _unit_text(data, result.get("to_name"))
    start, end, text = resolve_span(unit_text, value.get("start"), value.get("end"),
                                    value.get("text"), f"{where} ({field})", "codepoints", offsets)
    return [Label(unit_id, field, str(tag), coder, start, end, text, created, source)
            for tag in value.get("labels") or ()]


def _unit_text(data: dict[str, Any], to_name: Any) -> str | None:
    """The text a span points into: the data key the control is named after, else `text`,
    else the task's one other text value (`<Text name="text" value="$content"/>`)."""
    for key in (to_name, "text"):
        if isinstance(key, str) and isinstance(data.get(key), str):
            return data[key]
    others = [v for k, v in data.items() if isinstance(v, str) and k not in ("unit_id", "target")]
    return others[0] if len(others) == 1 else None


def _coder(completed_by: Any, where: str) -> str:
    """A coder's name: the email of `completed_by`, else its id."""
    if isinstance(completed_by, dict):
        completed_by = completed_by.get("email") or completed_by.get("id")
    if completed_by is None or completed_by == "":
        raise BadInput(f"{where}: an annotation without completed_by; export the project "
                       "with annotator details (JSON export of Label Studio)")
    return str(completed_by)

