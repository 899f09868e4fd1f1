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
# The first digit comes before the check on the character preceding it, so that the engine
# can skip ahead to digits.
_BARE_YI = re.compile(r"(?P<num>\d(?<![0-9.A-Za-z]\d)\d*(?:\.\d+)?)(?P<mult>[十百千]?万?亿)"
                      r"(?=[、，,。；;）)和与及或]|$)")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


def numeric_entities(text: str, reference_date: date | None = None) -> list[Entity]:
    """MONEY, PERCENT, DATE and QUANTITY mentions, sorted by start, never overlapping.

    `reference_date` (the article's publish date) gives yearless dates their year and
    resolves 今年/去年; without it they keep "date": None (see `dates.py`).
    """
    folded = fold(text)
    candidates = (date_entities(text, reference_date, folded=folded)
                  + amount_entities(text, folded=folded))
    chosen = leftmost_longest(candidates)
    return sorted(chosen + _bare_amounts(text, folded, chosen), key=lambda e: e.start)


def leftmost_longest(entities: list[Entity]) -> list[Entity]:
    """Keep the earliest-starting, then longest, of any overlapping entities."""
    chosen: list[Entity] = []
    for entity in sorted(entities, key=lambda e: (e.start, -(e.end - e.start))):
        if not chosen or entity.start >= chosen[-1].end:
            chosen.append(entity)
    return chosen


def _bare_amounts(text: str, folded: str, found: list[Entity]) -> list[Entity]:
    """Bare 亿 amounts after a MONEY in the same sentence, in that MONEY's currency.

    Marked "currency_inferred": True, since the text leaves the currency to the reader.
    """
    money = [e for e in found if e.type == "MONEY"]
    if not money or "亿" not in folded:
        return []
    money_ends = [e.end for e in money]
    starts = [e.start for e in found]
    extra = []
    for match in _BARE_YI.finditer(folded):
        start, end = match.span()
        at = bisect_right(starts, start)
        if (at and found[at - 1].end > start) or (at < len(found) and found[at].start < end):
            continue
        last = bisect_right(money_ends, start) - 1
        if last < 0 or _SENTENCE_END.search(folded, money[last].start, start):
            continue  # no MONEY before it in its sentence
        amount = parse_arabic(match["num"]) * multiplier(match["mult"])
        value = {"amount": json_number(amount), "currency": money[last].value["currency"],
                 "currency_inferred": True}
        extra.append(Entity(text[start:end], "MONEY", start, end, None, value))
    return extra
