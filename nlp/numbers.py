"""Numeric entities of a text (MONEY, PERCENT, DATE, QUANTITY), each once, with exact values.

The value conventions are documented where the values are made: `amounts.py` for MONEY,
PERCENT and QUANTITY, `dates.py` for DATE. This module runs both and settles overlaps.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import date

from fincorpus.corpus.model import Entity
from fincorpus.nlp.amounts import amount_entities
from fincorpus.nlp.dates import date_entities
from fincorpus.nlp.numerals import fold, json_number, multiplier, parse_arabic

# A bare 亿 amount closing a list item: 其中印度减持120亿、巴西减持50亿 (US dollars, said once).
_BARE_YI = re.compile(r"(?<![0-9.A-Za-z])(?P<num>\d+(?:\.\d+)?)(?P<mult>[十百千]?万?亿)"
                      r"(?=[、，,。；;）)和与及或]|$)")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def numeric_entities(text: str, reference_date: date | None = None) -> list[Entity]:
    """MONEY, PERCENT, DATE and QUANTITY mentions, sorted by start, never overlapping.

    `reference_date` (the article's publish date) gives yearless dates their year and
    resolves 今年/去年; without it they keep "date": None (see `dates.py`).
    """
    candidates = date_entities(text, reference_date) + amount_entities(text)
    chosen = leftmost_longest(candidates)
    return sorted(chosen + _bare_amounts(text, chosen), key=lambda e: e.start)


def leftmost_longest(entities: list[Entity]) -> list[Entity]:
    """Keep the earliest-starting, then longest, of any overlapping entities."""
    chosen: list[Entity] = []
    for entity in sorted(entities, key=lambda e: (e.start, -(e.end - e.start))):
        if not chosen or entity.start >= chosen[-1].end:
            chosen.append(entity)
    return chosen


def _bare_amounts(text: str, found: list[Entity]) -> list[Entity]:
    """Bare 亿 amounts after a MONEY in the same sentence, in that MONEY's currency.

    Marked "currency_inferred": True, since the text leaves the currency to the reader.
    """
    folded = fold(text)
    ends = [m.end() for m in _SENTENCE_END.finditer(folded)]
    money = [e for e in found if e.type == "MONEY"]
    money_ends = [e.end for e in money]
    starts = [e.start for e in found]
    extra = []
    for match in _BARE_YI.finditer(folded):
        start, end = match.span()
        at = bisect_right(starts, start)
        if (at and found[at - 1].end > start) or (at < len(found) and found[at].start < end):
            continue
        last = bisect_right(money_ends, start) - 1
        sentence_start = ends[bisect_right(ends, start) - 1] if ends and ends[0] <= start else 0
        if last < 0 or money[last].start < sentence_start:
            continue
        amount = parse_arabic(match["num"]) * multiplier(match["mult"])
        value = {"amount": json_number(amount), "currency": money[last].value["currency"],
                 "currency_inferred": True}
        extra.append(Entity(text[start:end], "MONEY", start, end, None, value))
    return extra
