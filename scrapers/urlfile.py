"""Seed URLs read from a user's file (a list or a CSV/TSV column), kept apart from feed parsing."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from fincorpus.corpus.errors import BadInput
from fincorpus.scrapers.encoding import decode
from fincorpus.scrapers.urls import canonical_url, starts_like_http_url, url_key

#: Header names read_url_file takes as the URL column (compared case-insensitively).
URL_COLUMNS = ("url", "link", "链接", "网址")



@dataclass(frozen=True, slots=True)
class UrlFile:
    """URLs read from a file (canonical, one per key) and the lines that held no http(s) URL."""

    urls: tuple[str, ...]
    skipped: tuple[tuple[int, str], ...] = ()


def _is_url(text: str) -> bool:
    """An absolute http(s) URL with a host."""
    return starts_like_http_url(text) and not any(ch.isspace() for ch in text)


def _text_lines(text: str) -> list[tuple[int, str]]:
    """(line number, text) of a plain list: blank lines and # comments left out."""
    lines = ((number, line.strip()) for number, line in enumerate(text.splitlines(), 1))
    return [(number, line) for number, line in lines if line and not line.startswith("#")]


def _looks_like_csv(path: Path, lines: list[tuple[int, str]]) -> bool:
    """CSV by suffix, or a first line that is a header (separators but no URL in any cell)."""
    if path.suffix.lower() in (".csv", ".tsv"):
        return True
    first = lines[0][1] if lines else ""
    return ("," in first or "\t" in first) and not any(
        _is_url(cell.strip().strip('"')) for cell in re.split(r"[,\t]", first))


def _url_column(path: Path, header: list[str], first_row: list[str], column: str | None) -> int:
    """Index of the URL column: named, else a url/link/链接/网址 header, else the first URL cell."""
    folded = [name.strip().lower() for name in header]
    found = ", ".join(header) if any(header) else "(no header row)"
    if column is not None:
        for index, name in enumerate(header):
            if name.strip() == column.strip() or folded[index] == column.strip().lower():
                return index
        raise BadInput(f"{path}: no column {column!r}; columns found: {found}")
    for wanted in URL_COLUMNS:
        if wanted in folded:
            return folded.index(wanted)
    for index, cell in enumerate(first_row):
        if _is_url(cell.strip()):
            return index
    raise BadInput(f"{path}: no URL column (name one); columns found: {found}")


def _csv_cells(path: Path, text: str, column: str | None) -> list[tuple[int, str]]:
    """(line number, URL cell) of every data row of a CSV/TSV file."""
    first = text.split("\n", 1)[0]
    tabbed = path.suffix.lower() == ".tsv" or ("\t" in first and "," not in first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t" if tabbed else ",")
    try:
        rows = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise BadInput(f"{path}: not a readable CSV file ({error})") from None
    if not rows:
        return []
    has_header = not any(_is_url(cell.strip()) for cell in rows[0][1])
    header = [cell.strip() for cell in rows[0][1]] if has_header else []
    data = rows[1:] if has_header else rows
    index = _url_column(path, header, data[0][1] if data else [], column)
    return [(line, row[index].strip() if index < len(row) else "") for line, row in data]


def read_url_file(path: Path, column: str | None = None) -> UrlFile:
    """URLs from a list (one a line) or a CSV/TSV column; duplicates by url_key kept once."""
    try:
        body = path.read_bytes()
    except OSError as error:
        raise BadInput(f"{path}: cannot read the URL file ({error.strerror or error})") from None
    text = decode(body, "text/plain").text.lstrip("\ufeff")
    lines = _text_lines(text)
    cells = _csv_cells(path, text, column) if _looks_like_csv(path, lines) else lines
    urls: dict[str, str] = {}
    skipped: list[tuple[int, str]] = []
    for number, cell in cells:
        if _is_url(cell):
            urls.setdefault(url_key(cell), canonical_url(cell))
        else:
            skipped.append((number, cell))
    return UrlFile(tuple(urls.values()), tuple(skipped))
