"""Labels in: one entry point that tells the formats apart by content, and the span checks.

`read_labels(path)` reads a Label Studio JSON export, a doccano JSONL export or a CSV
sheet (long or wide) into `Label`s; each format lives in its own module
(labelstudio.py, doccano.py, sheets.py) as a pure function of the parsed file, so an
exporter can sit beside each reader. Every span comes back as code-point offsets into the
unit text (Python `str` indexes, like every span in fincorpus) together with the text it
covers; a span whose offsets and text disagree is refused, never silently used.

Offsets, per tool:
- Label Studio stores code points since the frontend fix for emoji (label-studio PR 1559 /
  label-studio-frontend PR 308); older versions wrote UTF-16 units (issue 1347). Its spans
  carry their text, so "auto" tries code points, then UTF-16, and keeps the one that reads
  the stated text.
- doccano counts UTF-16 code units, as JavaScript does (doccano issue 2290; only the project
  option "Count grapheme clusters as one character" changes that, and is not supported).
  Its export carries no span text, so "auto" converts from UTF-16; pass offsets="codepoints"
  for a file a Python script wrote.
- CSV sheets are written by people and scripts: code points first.
Both counts agree on text without astral characters (emoji and rare CJK beyond U+FFFF).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from fincorpus.annotations.scheme import Scheme
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Label

OFFSETS = ("auto", "codepoints", "utf16")


def read_labels(path: str | Path, coder: str | None = None, scheme: Scheme | None = None,
                offsets: str = "auto") -> list[Label]:
    """The labels of one file of any supported format, told apart by its content.

    Args:
        coder: the coder of a doccano file whose lines name none (default: the file's stem).
        scheme: names the fields of files that name none, and says which are per target.
        offsets: "auto" (each tool's own count; see the module docstring), "codepoints", "utf16".
    """
    if offsets not in OFFSETS:
        raise BadInput(f"unknown offsets {offsets!r}; use one of {', '.join(OFFSETS)}")
    source = str(path)
    kind, parsed = sniff(load_text(path), source)
    scheme = scheme or Scheme.load()
    if kind == "labelstudio":
        from fincorpus.annotations.labelstudio import from_labelstudio
        return from_labelstudio(parsed, source, scheme, offsets)
    if kind == "doccano":
        from fincorpus.annotations.doccano import from_doccano
        return from_doccano(parsed, source, scheme, coder, offsets)
    from fincorpus.annotations.sheets import from_rows
    return from_rows(parsed, source, scheme, offsets)


def read_many(paths: Iterable[str | Path], coder: str | None = None, scheme: Scheme | None = None,
              offsets: str = "auto") -> list[Label]:
    """The labels of several files, of any formats, in file order."""
    scheme = scheme or Scheme.load()
    return [label for path in paths for label in read_labels(path, coder, scheme, offsets)]


def detect_format(path: str | Path) -> str:
    """Which format (labelstudio, doccano or csv) a file is, from its content; BadInput for
    none of them."""
    return sniff(load_text(path), str(path))[0]


def load_text(path: str | Path) -> str:
    """A label file's text (UTF-8, with or without BOM), or one line saying what is wrong."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BadInput(f"{path}: cannot read the label file ({exc.strerror or exc}); "
                       "check the path") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: not UTF-8 (byte {exc.start}); save it as UTF-8 "
                       "(Excel: CSV UTF-8) and try again") from exc


def sniff(text: str, source: str) -> tuple[str, Any]:
    """(format, parsed content) of a label file's text: JSON tasks, JSON lines or CSV rows."""
    head = text.lstrip()
    if head.startswith("["):
        return _sniff_json_list(text, source)
    if head.startswith("{"):
        return _sniff_json_lines(text, source)
    rows = csv_rows(text)
    if rows and "unit_id" in {cell.strip().lower() for cell in rows[0]}:
        return "csv", rows
    raise BadInput(f"{source}: neither a Label Studio JSON export, a doccano JSONL export nor a "
                   "CSV with a unit_id column; export the labels again, or give the sheet a "
                   "header row such as unit_id,coder,label")


def _sniff_json_list(text: str, source: str) -> tuple[str, Any]:
    """A JSON array: Label Studio tasks, or doccano records exported as one JSON array."""
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{source}: starts like JSON but is not (line {exc.lineno}: {exc.msg}); "
                       "export it from the labeling tool again") from exc
    if not items or not all(isinstance(item, dict) for item in items):
        raise BadInput(f"{source}: a JSON array, but not of labeling tasks; export "
                       "Label Studio tasks as JSON or doccano data as JSONL")
    if all("data" in item for item in items):
        return "labelstudio", items
    if all("text" in item for item in items):
        return "doccano", list(enumerate(items, 1))
    raise BadInput(f"{source}: a JSON array whose items have neither 'data' (Label Studio) nor "
                   "'text' (doccano); export it from the labeling tool again")


def _sniff_json_lines(text: str, source: str) -> tuple[str, Any]:
    """JSON lines (doccano, or Label Studio tasks one a line), or one pretty-printed task."""
    records: list[tuple[int, dict]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            return _single_task(text, source, number)
        if not isinstance(record, dict):
            raise BadInput(f"{source}: line {number} is not a JSON object; one record a line")
        records.append((number, record))
    if all("data" in r and ("annotations" in r or "completions" in r) for _, r in records):
        return "labelstudio", [r for _, r in records]
    missing = next((n for n, r in records if "text" not in r), None)
    if missing is not None:
        raise BadInput(f"{source}: line {missing} has no 'text'; a doccano export has "
                       "text and label on each line")
    return "doccano", records


def _single_task(text: str, source: str, number: int) -> tuple[str, Any]:
    """A file holding one JSON object over several lines: one Label Studio task, or not JSON."""
    try:
        task = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadInput(f"{source}: line {number} is not valid JSON ({exc.msg}); a doccano "
                       "export has one JSON object a line") from exc
    if isinstance(task, dict) and "data" in task:
        return "labelstudio", [task]
    raise BadInput(f"{source}: one JSON object that is not a Label Studio task; export the "
                   "project's tasks as JSON, or doccano data as JSONL")


def csv_rows(text: str) -> list[list[str]]:
    """The rows of a CSV or TSV text (delimiter from the header line)."""
    header = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=header.count)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
                if any(cell.strip() for cell in row)]
    except csv.Error:
        return []


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 time (`...Z` too) from a label file, or None when absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def utf16_to_codepoints(text: str, offset: int) -> int | None:
    """The code-point index of a UTF-16 offset into `text`; None if it splits a pair or overruns."""
    units = 0
    for index, char in enumerate(text):
        if units == offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
        if units > offset:
            return None
    return len(text) if units == offset else None


def resolve_span(unit_text: str | None, start: Any, end: Any, stated: str | None, where: str,
                 prefer: str = "codepoints", offsets: str = "auto") -> tuple[int, int, str]:
    """(start, end, text) of a span in code points, checked against the text it states.

    Tries the tool's own count (`prefer`) and, when the span states its text, the other count;
    refuses with one line naming the unit, the offsets and both strings when neither reads it.
    """
    if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) \
            or not isinstance(end, int) or not 0 <= start < end:
        raise BadInput(f"{where}: span offsets {start!r}–{end!r} are not two whole numbers "
                       "with start < end; fix the span in the labeling tool")
    if unit_text is None:
        if stated is None:
            raise BadInput(f"{where}: span {start}–{end} comes with neither its text nor the "
                           "unit text; export the labels with the text")
        return start, end, stated
    order = [prefer, "utf16" if prefer == "codepoints" else "codepoints"]
    units = order if offsets == "auto" else [offsets]
    if stated is None:
        units = units[:1]  # nothing to check a second guess against
    read = None
    for unit in units:
        s, e = (start, end) if unit == "codepoints" else (
            utf16_to_codepoints(unit_text, start), utf16_to_codepoints(unit_text, end))
        if s is None or e is None or e > len(unit_text):
            continue
        if stated is None or unit_text[s:e] == stated:
            return s, e, unit_text[s:e]
        read = read or unit_text[s:e]
    if read is None:
        raise BadInput(f"{where}: span {start}–{end} lies outside the unit text "
                       f"({len(unit_text)} characters); fix the offsets in the labeling tool")
    raise BadInput(f"{where}: span {start}–{end} covers {read!r} in the unit text but states "
                   f"{stated!r}; the offsets drifted: fix the span in the labeling tool and "
                   "export again")
