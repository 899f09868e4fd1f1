"""MONEY, PERCENT and QUANTITY mentions with exact normalised values.

Value conventions (amounts are ints when integral, else the nearest float of the exact
decimal; a range has "low" and "high" in place of "amount"/"value"):

- MONEY    {"amount": 682600000000, "currency": "USD"}; 每盎司4600美元 and 4512.6美元/盎司
  add "per": "ounce".
- PERCENT  {"value": 25, "unit": "%"}; 个百分点 is unit "pp", 个基点 unit "bp"; 三成 is 30 %.
- QUANTITY {"amount": 74120000, "unit": "ounce"}; durations count too (连续14个月 ->
  {"amount": 14, "unit": "month"}), and an ordinal adds "ordinal": True (连续第13个月).
- "qualifier": "more than" (逾, 超过, 以上, 700多亿), "about" (约, 近, 左右), "less than"
  (不到, 不足, 以下), "at least" (至少), "up to" (高达, 以内), or "several" for 数百亿/几万,
  whose "amount" is then the order of magnitude (数百亿美元 -> 10000000000).

The span covers the hedge words too (逾5000亿元, 6830亿美元左右), so the text shows what
was claimed. A number needs a unit or a currency sign to be an entity: 120亿 alone is not.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, NamedTuple

from fincorpus.corpus.model import Entity
from fincorpus.nlp.numerals import CHINESE_NUMERAL_CHARS as _CN_CHARS
from fincorpus.nlp.numerals import fold, json_number, multiplier, parse_number, stretches
from fincorpus.nlp.units import (
    CURRENCY_PREFIXES,
    CURRENCY_WORDS,
    GUARD_CHARS,
    ORDINAL_UNITS,
    PERCENT_UNITS,
    PREFIX_QUALIFIERS,
    QUANTITY_UNITS,
    RANGE_SEPARATORS,
    SUFFIX_QUALIFIERS,
    VAGUE_PREFIXES,
    alternation,
)

_AR = r"(?<![0-9.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CN = rf"(?<![{_CN_CHARS}])[{_CN_CHARS}]+(?:点[零〇一二三四五六七八九]+)?"
_MULT = r"(?:[十百千]?[万亿]+|[十百千](?![克米瓦]))"
_UNIT = alternation([*CURRENCY_WORDS, *QUANTITY_UNITS, *PERCENT_UNITS])
_PREFIX_Q = alternation(PREFIX_QUALIFIERS)
_SEP = "|".join(map(re.escape, RANGE_SEPARATORS))


def _amount(tag: str) -> str:
    """One number with its vague prefix, sign, 多/余 and multiplier; groups named with `tag`."""
    return (rf"(?P<{tag}vague>[数几上](?=[十百千万亿]))?"
            rf"(?P<{tag}sign>(?<![0-9A-Za-z.%])-|负)?"
            rf"(?P<{tag}num>{_AR}|{_CN})(?P<{tag}more>[多余])?(?P<{tag}mult>{_MULT})?"
            rf"(?P<{tag}more2>[多余])?")


_CURRENCY_SIGNS = [k for k in CURRENCY_PREFIXES if k.isascii() or len(k) == 1]
_AMOUNT = rf"""
    (?<![A-Za-z0-9.第])
    (?P<ordinal>第)?
    (?:每(?P<per0>{alternation(QUANTITY_UNITS)}))?
    (?P<q0>{_PREFIX_Q})?
    (?:(?P<cur>{alternation(_CURRENCY_SIGNS)})\s?)?
    (?P<q1>{_PREFIX_Q})?
    {_amount("a")}
    (?:\s?(?P<u1>{_UNIT}))?
    (?:(?P<sep>{_SEP})(?P<q2>{_PREFIX_Q})?{_amount("b")}\s?(?P<u2>{_UNIT}))?
    (?:/(?P<per>{alternation(QUANTITY_UNITS)}))?
    (?P<qs>{alternation(SUFFIX_QUALIFIERS)})?
"""
# Every character a match can begin with (ordinal, 每, hedge, currency sign, vague prefix,
# sign, numeral): testing it first spares the engine the alternations everywhere else.
_FIRST = "".join(sorted({"第", "每", *VAGUE_PREFIXES, "-", "负", *_CN_CHARS,
                         *(w[0] for w in PREFIX_QUALIFIERS), *(k[0] for k in _CURRENCY_SIGNS)}))
AMOUNT_RE = re.compile(rf"(?=[{re.escape(_FIRST)}\d]){_AMOUNT}", re.VERBOSE)

PERCENT_WORDS_RE = re.compile(rf"""
    (?P<q0>{_PREFIX_Q})?百分之(?P<anum>{_AR}|{_CN})
    (?:(?P<sep>{_SEP})(?:百分之)?(?P<bnum>{_AR}|{_CN}))?
    (?P<qs>{alternation(SUFFIX_QUALIFIERS)})?
""", re.VERBOSE)

# What AMOUNT_RE can consume or look ahead at (a test holds this to the pattern): an amount
# lies between two other characters.
_WORDS = (*CURRENCY_WORDS, *CURRENCY_PREFIXES, *QUANTITY_UNITS, *PERCENT_UNITS,
          *PREFIX_QUALIFIERS, *SUFFIX_QUALIFIERS, *VAGUE_PREFIXES, *RANGE_SEPARATORS)
_AMOUNT_CHARS = r"\d\s" + re.escape("".join(sorted(
    set("".join(_WORDS)) | set(_CN_CHARS + GUARD_CHARS + "第每负-多余点,./克米瓦"))))
_STOP = re.compile(f"[^{_AMOUNT_CHARS}]")
# Stretches worth scanning hold a numeral followed by the first character of a unit (only
# what a number, its multiplier and 多/余 are made of between them), or a currency sign:
# a number without either is no entity. The pattern starts with a character class, which
# the engine can skip to.
_UNIT_STARTS = re.escape("".join(sorted({w[0] for w in (*CURRENCY_WORDS, *QUANTITY_UNITS,
                                                         *PERCENT_UNITS)})))
_SIGN_STARTS = re.escape("".join(sorted({k[0] for k in _CURRENCY_SIGNS})))
_HINT = re.compile(rf"""[{_CN_CHARS}\d{_SIGN_STARTS}](?:
    (?<=[{_CN_CHARS}\d]) [{_CN_CHARS}\d,.点多余]*\s?[{_UNIT_STARTS}] | (?<=[{_SIGN_STARTS}])
)[{_AMOUNT_CHARS}]*+""", re.VERBOSE)

#: Counts that a bare 一 ("a", "one") may take: 一架F-35 is a count, 一笔账 is not.
_ONE_UNITS = {"架", "艘", "辆", "成", "吨"}


_SIDE_GROUPS = {tag: tuple(tag + name for name in ("num", "mult", "sign", "vague", "more", "more2"))
                for tag in "ab"}
_ENTITY_GROUPS = ("u1", "u2", "q0", "q1", "q2", "qs", "per0", "per", "ordinal")
_ONE, _TEN = Decimal(1), Decimal(10)


class _Side(NamedTuple):
    """One side of a mention: its exact value and any hedge its own words carry."""

    value: Decimal
    qualifier: str | None


def amount_entities(text: str, *, folded: str | None = None) -> list[Entity]:
    """Every MONEY, PERCENT and QUANTITY mention in `text`, by start offset.

    `folded` is `fold(text)` when the caller has it already.
    """
    folded = fold(text) if folded is None else folded
    found = []
    if "百分之" in folded:
        found = [e for e in (_percent_words(text, m) for m in PERCENT_WORDS_RE.finditer(folded))
                 if e]
    taken = [(e.start, e.end) for e in found]
    for start, end in stretches(folded, _HINT, _STOP):
        matches = AMOUNT_RE.finditer(folded, start, end)
        while (match := next(matches, None)) is not None:
            entity, resume = _from_match(text, match)
            if entity and not any(s < entity.end and entity.start < e for s, e in taken):
                found.append(entity)
            if resume != match.end():  # one side of a failed range: go on right after it
                matches = AMOUNT_RE.finditer(folded, resume, end)
    return sorted(found, key=lambda e: e.start)


def _side(match: re.Match[str], tag: str) -> _Side | None:
    """The value of side `tag` ("a" or "b"), or None when its numeral is not one."""
    numeral, mult, sign, vague, more, more2 = match.group(*_SIDE_GROUPS[tag])
    number = parse_number(numeral)
    if number is None:
        return None
    number *= multiplier(mult or "")
    if sign:
        number = -number
    more = more or more2
    qualifier = VAGUE_PREFIXES[vague] if vague else ("more than" if more else None)
    return _Side(number, qualifier)


def _kind(unit: str | None, sign: str | None) -> tuple[str, str] | None:
    """(entity type, unit or currency code) for a unit word or currency sign."""
    if unit in CURRENCY_WORDS:
        return "MONEY", CURRENCY_WORDS[unit]
    if unit in PERCENT_UNITS:
        return "PERCENT", PERCENT_UNITS[unit]
    if unit in QUANTITY_UNITS:
        return "QUANTITY", QUANTITY_UNITS[unit]
    if unit is None and sign:
        return "MONEY", CURRENCY_PREFIXES[sign]
    return None


def _from_match(text: str, match: re.Match[str]) -> tuple[Entity | None, int]:
    """The entity a match makes (or None) and where scanning resumes."""
    unit_a, unit_b = match["u1"], match["u2"]
    kind = _kind(unit_b or unit_a, match["cur"])
    if kind is None:  # most matches: a numeral with no unit
        return None, match.end()
    first = _side(match, "a")
    if first is None or not _plausible(match, unit_b or unit_a):
        return None, match.end()
    if match["sep"]:
        second = _side(match, "b")
        same = unit_a is None or _kind(unit_a, None) == kind
        if second is not None and same and _is_range(first.value, second.value, unit_a):
            return _entity(text, match, match.start(), match.end(), kind, first, second)
        if unit_a is None:
            return None, match.end()
        kind, end = _kind(unit_a, match["cur"]), match.end("u1")
        return _entity(text, match, match.start(), end, kind, first, None)[0], end
    return _entity(text, match, match.start(), match.end(), kind, first, None)


def _is_range(low: Decimal, high: Decimal, unit_a: str | None) -> bool:
    """20%至30% is a range; 增持31亿美元至8780亿美元 (by X to Y) is two amounts."""
    return low < high and (unit_a is None or low <= 0 or high <= 10 * low)


def _plausible(match: re.Match[str], unit: str) -> bool:
    """Reject the numerals that are words (一笔账, a lone 万, 十成 and over) and ordinals
    other than 第N个月 (第三季度 is a date, 第五轮 no entity)."""
    number = match["anum"]
    if match["ordinal"]:
        return unit in ORDINAL_UNITS and not match["sep"]
    if match["sep"] or match["avague"]:
        return unit != "成" or parse_number(number) <= 10
    if number == "一" and unit not in _ONE_UNITS:
        return False
    if len(number) == 1 and number in "十百千万亿":
        return False
    return unit != "成" or (not number[0].isdigit() and parse_number(number) <= 10)


def _entity(text: str, match: re.Match[str], start: int, end: int, kind: tuple[str, str],
            first: _Side, second: _Side | None) -> tuple[Entity, int]:
    """Build the entity for text[start:end]; trailing spaces are not part of it."""
    while end > start and text[end - 1].isspace():
        end -= 1
    type_, unit = kind
    u1, u2, q0, q1, q2, qs, per0, per, ordinal = match.group(*_ENTITY_GROUPS)
    whole = end == match.end()
    scale = _TEN if (u2 or u1) == "成" else _ONE
    value = _value(type_, unit, first, second, scale)
    hedge = q0 or q1 or q2 or (qs if whole else None)
    qualifier = (PREFIX_QUALIFIERS.get(hedge) or SUFFIX_QUALIFIERS.get(hedge)
                 or first.qualifier or (second.qualifier if second else None))
    per = per0 or (per if whole else None)
    if per and type_ == "MONEY":
        value["per"] = QUANTITY_UNITS[per]
    if ordinal:
        value["ordinal"] = True
    if qualifier:
        value["qualifier"] = qualifier
    return Entity(text[start:end], type_, start, end, None, value), end


def _value(type_: str, unit: str, first: _Side, second: _Side | None,
           scale: Decimal) -> dict[str, Any]:
    """The value dict: amount or value, or low and high, then the unit or currency."""
    key = "value" if type_ == "PERCENT" else "amount"
    unit_key = "currency" if type_ == "MONEY" else "unit"
    if second is None:
        return {key: json_number(first.value * scale), unit_key: unit}
    return {"low": json_number(first.value * scale), "high": json_number(second.value * scale),
            unit_key: unit}


def _percent_words(text: str, match: re.Match[str]) -> Entity | None:
    """百分之二十, 百分之二十到三十: percentages written out in words."""
    low = parse_number(match["anum"])
    high = parse_number(match["bnum"]) if match["bnum"] else None
    if low is None or (match["bnum"] and (high is None or high <= low)):
        return None
    value: dict[str, Any] = ({"value": json_number(low)} if high is None
                             else {"low": json_number(low), "high": json_number(high)})
    value["unit"] = "%"
    hedge = match["q0"] or match["qs"]
    if hedge:
        value["qualifier"] = PREFIX_QUALIFIERS.get(hedge) or SUFFIX_QUALIFIERS[hedge]
    return Entity(text[match.start():match.end()], "PERCENT", match.start(), match.end(),
                  None, value)
