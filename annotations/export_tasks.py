"""Tasks out, in each tool's own structure, so that its export comes back through readers.py.

- Label Studio: a JSON list of tasks, `data` {text, unit_id, target, article_id, title}, the
  model output under `predictions` (shown as pre-annotation, never read back as a label), and
  the labeling config XML for the scheme field, written beside the tasks to paste into the
  project (Settings → Labeling Interface → Code).
- doccano: JSONL, one unit a line: text, unit_id, article_id, target, an empty `label` list
  for the coder, and the model output under `prediction` (doccano keeps unknown keys as
  metadata; the reader ignores it). Span offsets there count UTF-16 units, as doccano does.
- CSV: one row per unit, `unit_id, field, target, text, prediction`, then one empty column per
  coder (the wide layout sheets.py reads); UTF-8 with BOM so Excel shows the Chinese.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Sequence
from xml.sax.saxutils import quoteattr

from fincorpus.annotations.scheme import FieldSpec, Scheme
from fincorpus.annotations.tasks import Task
from fincorpus.corpus.cells import inert
from fincorpus.corpus.errors import BadInput

FORMATS = ("labelstudio", "doccano", "csv")
#: Columns of the CSV export that are not coders (the sheet reader must skip them).
SHEET_COLUMNS = ("unit_id", "field", "target", "text", "prediction")


def to_labelstudio(tasks: Sequence[Task], scheme: Scheme) -> list[dict[str, Any]]:
    """Label Studio tasks, each with the model's output as a prediction."""
    out = []
    for task in tasks:
        item: dict[str, Any] = {"data": {
            "text": task.text, "unit_id": task.unit_id, "target": task.target,
            "article_id": task.article_id, "title": task.title or ""}}
        if task.prediction is not None:
            item["predictions"] = [_ls_prediction(task, scheme.require(task.field))]
        out.append(item)
    return out


def _ls_prediction(task: Task, spec: FieldSpec) -> dict[str, Any]:
    """One Label Studio prediction: the model's choices or spans as results."""
    p = task.prediction
    if spec.kind == "span":
        result = [{"from_name": spec.name, "to_name": "text", "type": "labels",
                   "value": {"start": s.start, "end": s.end, "text": s.text, "labels": [s.tag]}}
                  for s in p.spans]
    else:
        result = [{"from_name": spec.name, "to_name": "text", "type": "choices",
                   "value": {"choices": list(p.values)}}] if p.values else []
    found = {"model_version": p.model_version, "result": result}
    if p.score is not None:
        found["score"] = p.score
    return found


def labeling_config(scheme: Scheme, field: str) -> str:
    """The Label Studio labeling config XML for one scheme field, to paste into a project."""
    spec = scheme.require(field)
    lines = ["<View>", '  <Header value="$title"/>']
    if spec.kind == "span":
        lines += [f"  <Labels name={quoteattr(spec.name)} toName=\"text\">",
                  *(f"    <Label value={quoteattr(c)}/>" for c in spec.choices), "  </Labels>"]
    lines.append('  <Text name="text" value="$text"/>')
    if spec.kind != "span":
        if spec.per_target:
            lines.append('  <Header value="Target: $target"/>')
        single = "single" if spec.kind == "choice" else "multiple"
        lines += [f"  <Choices name={quoteattr(spec.name)} toName=\"text\" choice=\"{single}\" "
                  'showInline="true">',
                  *(f"    <Choice value={quoteattr(c)}/>" for c in spec.choices), "  </Choices>"]
    return "\n".join([*lines, "</View>", ""])


def to_doccano(tasks: Sequence[Task], scheme: Scheme) -> list[dict[str, Any]]:
    """doccano JSONL records: an empty `label` for the coder, the model output as metadata."""
    records = []
    for task in tasks:
        record: dict[str, Any] = {"text": task.text, "unit_id": task.unit_id,
                                  "article_id": task.article_id, "target": task.target,
                                  "label": []}
        p = task.prediction
        if p is not None:
            spans = [[utf16(task.text, s.start), utf16(task.text, s.end), s.tag] for s in p.spans]
            record["prediction"] = {"model_version": p.model_version,
                                    "label": list(p.values) + spans, "score": p.score}
        records.append(record)
    return records


def to_sheet(tasks: Sequence[Task], scheme: Scheme, coders: Sequence[str]) -> list[list[str]]:
    """Rows of the CSV export (header first): one unit a row, one empty column per coder."""
    fields = {task.field for task in tasks}
    if any(scheme.require(f).kind == "span" for f in fields):
        raise BadInput("a spreadsheet holds one label per cell, not spans; export span fields "
                       "with --format labelstudio or doccano")
    taken = sorted(set(coders) & set(SHEET_COLUMNS))
    if taken or len(set(coders)) != len(coders):
        raise BadInput(f"coder names must be distinct and not {', '.join(SHEET_COLUMNS)}; "
                       f"rename {taken[0] if taken else 'the repeated coder'} in --coders")
    rows = [[*SHEET_COLUMNS, *coders]]
    for task in tasks:
        predicted = "; ".join(task.prediction.values) if task.prediction else ""
        rows.append([task.unit_id, task.field, task.target or "", task.text, predicted,
                     *("" for _ in coders)])
    return rows


def write_tasks(tasks: Sequence[Task], path: str | Path, fmt: str, scheme: Scheme,
                coders: Sequence[str] = ()) -> list[Path]:
    """Write the tasks in `fmt`; the files written (Label Studio: tasks, then the config)."""
    path = Path(path)
    if fmt not in FORMATS:
        raise BadInput(f"unknown format {fmt!r}; use --format {', '.join(FORMATS)}")
    if not tasks:
        raise BadInput(f"no tasks to write to {path}; analyse the corpus first (fincorpus "
                       "analyze), or widen --target / --ids")
    if not path.parent.is_dir():
        raise BadInput(f"{path}: folder {path.parent} does not exist; create it first")
    if fmt == "labelstudio":
        config = path.with_name(path.stem + ".config.xml")
        _write(path, json.dumps(to_labelstudio(tasks, scheme), ensure_ascii=False, indent=1) + "\n")
        _write(config, labeling_config(scheme, tasks[0].field))
        return [path, config]
    if fmt == "doccano":
        lines = (json.dumps(r, ensure_ascii=False) for r in to_doccano(tasks, scheme))
        _write(path, "".join(line + "\n" for line in lines))
        return [path]
    write_sheet(to_sheet(tasks, scheme, coders or ("coder_1",)), path)
    return [path]


def write_sheet(rows: Sequence[Sequence[str]], path: str | Path) -> None:
    """Write rows as a CSV sheet for Excel: UTF-8 with BOM, CRLF, formula-looking cells inert."""
    _write(Path(path), "\ufeff" + sheet_text(rows))


def sheet_text(rows: Sequence[Sequence[str]]) -> str:
    """CSV text (CRLF rows, as Excel writes) with formula-looking cells made inert."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows([[inert(c) for c in r] for r in rows])
    return buffer.getvalue()


def utf16(text: str, offset: int) -> int:
    """The UTF-16 offset of a code-point offset (what doccano and JavaScript count)."""
    return offset + sum(1 for char in text[:offset] if ord(char) > 0xFFFF)


def _write(path: Path, text: str) -> None:
    """Write UTF-8 text with the line ends given (no platform translation)."""
    path.write_text(text, encoding="utf-8", newline="")
