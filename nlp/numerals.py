"""Numerals to exact Decimals, so that 1.3万亿 is 1300000000000 and never a float near it.

Handles Arabic numerals with thousands separators, Chinese numerals (三千, 两万, 一千二百,
二〇二五, 三点五) and the 十/百/千/万/亿 multipliers that follow an Arabic number (6826亿,
1.3万亿, 7412万). `fold` maps full-width and traditional characters one-to-one, so that
offsets into the folded text are offsets into the original; `stretches` finds the parts of
a text worth running the costly number patterns over.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
#: Every character a Chinese numeral may use (the decimal point 点 aside).
CHINESE_NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(LARGE_UNITS)

# Full-width ASCII to ASCII (except the full-width comma, which in Chinese text separates
# clauses and must never glue two numbers into one), traditional to simplified for the
# characters numbers and units use. Every mapping is one character to one character.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if cp != 0xFF0C}
_FOLD.update({ord("　"): " ", ord("萬"): "万", ord("億"): "亿", ord("兩"): "两", ord("點"): "点",
              ord("噸"): "吨", ord("圓"): "圆", ord("歐"): "欧", ord("鎊"): "镑", ord("盧"): "卢",
              ord("韓"): "韩", ord("幣"): "币", ord("號"): "号", ord("個"): "个", ord("與"): "与",
              ord("餘"): "余", ord("約"): "约", ord("達"): "达", ord("過"): "过", ord("於"): "于",
              ord("輛"): "辆", ord("￥"): "¥"})
# str.translate looks every non-ASCII character up in _FOLD (a raised and cleared KeyError
# for each one it does not map); a regex finds the few characters to replace far faster.
_FOLD_CHARS = {chr(cp): to if isinstance(to, str) else chr(to) for cp, to in _FOLD.items()}
_FOLD_RE = re.compile("[" + "".join(map(re.escape, sorted(_FOLD_CHARS))) + "]")


def _folded_char(match: re.Match[str]) -> str:
    return _FOLD_CHARS[match[0]]


def fold(text: str) -> str:
    """Full-width and traditional forms to the ones our patterns use, length unchanged.

    The same as `text.translate(_FOLD)`, which is the definition (a test holds them equal).
    """
    return _FOLD_RE.sub(_folded_char, text)


def stretches(folded: str, anchor: re.Pattern[str], stop: re.Pattern[str]
              ) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of characters that `stop` does not match and `anchor` does.

    The number patterns are costly per character, and most of a text is prose they cannot
    match. When `stop` matches only characters a pattern can neither consume nor look ahead
    at, and every mention holds a match of `anchor`, scanning these runs alone (each with
    endpos at its end) finds every mention the whole text would. `anchor` must go on to
    the end of the run (end it with a possessive run of the other characters), which saves
    a search for it.
    """
    hit = anchor.search(folded)
    backwards = folded[::-1] if hit else ""  # the stop before a hit, by a forward search
    length = len(folded)
    while hit is not None:
        before = stop.search(backwards, length - hit.start())
        yield (length - before.start() if before else 0), hit.end()
        hit = anchor.search(folded, hit.end() + 1)


def parse_arabic(text: str) -> Decimal:
    """An Arabic numeral such as "1,234.5" as an exact Decimal."""
    return Decimal(text.replace(",", ""))


def parse_chinese(text: str) -> Decimal | None:
    """A Chinese numeral (三千, 两万, 一千二百, 十一, 万亿, 二〇二五, 三点五), or None."""
    whole, _, fraction = text.partition("点")
    value = _chinese_integer(whole)
    if value is None:
        return None
    if not fraction:
        return Decimal(value)
    if any(ch not in DIGITS for ch in fraction):
        return None
    return Decimal(f"{value}." + "".join(str(DIGITS[ch]) for ch in fraction))


def _chinese_integer(text: str) -> int | None:
    """The integer a Chinese numeral spells; None when it is not one."""
    if not text or any(ch not in CHINESE_NUMERAL_CHARS for ch in text):
        return None
    total = section = number = 0
    previous_digit = False
    for ch in text:
        if ch in DIGITS:
            # Consecutive digits are positional (二〇二五); after a unit, a fresh digit.
            number = number * 10 + DIGITS[ch] if previous_digit else DIGITS[ch]
            previous_digit = True
            continue
        previous_digit = False
        if ch in SMALL_UNITS:
            section += (number or 1) * SMALL_UNITS[ch]
        elif ch == "万":
            section = ((section + number) or 1) * LARGE_UNITS[ch]
        else:  # 亿 multiplies everything before it (一万亿, 三亿五千万)
            total = ((total + section + number) or 1) * LARGE_UNITS[ch]
            section = 0
        number = 0
    return total + section + number


@functools.lru_cache(maxsize=256)  # a handful of runs (亿, 万亿, 千万) make nearly all
def multiplier(text: str) -> Decimal:
    """The product of a run of multiplier characters: 亿 1e8, 万亿 1e12, 千亿 1e11, "" 1."""
    value = Decimal(1)
    for ch in text:
        value *= SMALL_UNITS.get(ch) or LARGE_UNITS[ch]
    return value


def parse_number(text: str) -> Decimal | None:
    """Any numeral our patterns capture, Arabic or Chinese; None when it is not one."""
    if text and (text[0].isdigit() or text[0] == "."):
        try:
            return parse_arabic(text)
        except InvalidOperation:
            return None
    return parse_chinese(text)


def json_number(value: Decimal) -> int | float:
    """An int when the value is integral (682600000000), else the nearest float (26.75)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)
