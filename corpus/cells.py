"""Cells a spreadsheet shows as text, and the CSV every table of ours is written as.

A leaf (it imports nothing of ours): the corpus exports and the annotation sheets write
their CSV files the one way, so a cell that opens safely in one opens safely in the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

#: A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> object:
    """A text cell a spreadsheet will show, never evaluate (a leading quote defuses =, +, -, @)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def iso_times(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with timestamps as ISO 8601 text that keeps their offset (+08:00 stays +08:00)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = out[column].map(lambda t: t.isoformat() if pd.notna(t) else None)
    return out


def write_csv(frames: pd.DataFrame | Iterable[pd.DataFrame], path: Path,
              encoding: str = "utf-8-sig") -> int:
    """CSV for Excel: BOM by default, CRLF rows, formula-looking cells inert, ISO timestamps.

    `frames` is one table, or one table's consecutive chunks (written under the first's
    header). Returns the rows written."""
    rows = 0
    with open(path, "w", encoding=encoding, newline="") as handle:
        for index, frame in enumerate([frames] if isinstance(frames, pd.DataFrame) else frames):
            safe = iso_times(frame)
            for column in safe.columns:
                if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
                    safe[column] = safe[column].map(inert)
            safe.to_csv(handle, header=index == 0, index=False, lineterminator="\r\n")
            rows += len(frame)
    return rows
