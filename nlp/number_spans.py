"""The regex pre-pass that keeps numbers, amounts, percentages and dates in one piece.

jieba cuts 1.3万亿美元 into 1 . 3 万亿 美元 and 20%—30% into six pieces; the segmenter
protects the spans found here and hands only the text between them to jieba. Patterns run
on width-folded text (see `text.fold_width`), so full-width digits are ASCII by then.

Two styles:
- "whole" (the default, for analysis): an amount with its multiplier and unit, a percentage
  or a range of them, and a date or time is one token: 6826亿美元, 7412万盎司, 20%—30%,
  2025年11月30日, 10时30分, 3个百分点.
- "parts": numeral and unit apart and each date part its own word (2025年 11月 30日,
  1.3万亿 美元); the convention of the PKU standard (Peking University corpus guidelines).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

STYLES = ("whole", "parts")

# Units an amount takes in the "whole" style; longer first where one begins another.
_UNITS = [
    "美元", "美金", "人民币", "元", "日元", "欧元", "英镑", "港元", "港币", "澳元", "加元",
    "卢布", "韩元", "卢比", "瑞郎", "台币", "新台币", "美分", "盎司", "吨", "千克", "公斤", "克",
    "斤", "桶", "立方米", "平方米", "平方公里", "公里", "千米", "米", "厘米", "毫米", "纳米",
    "英里", "亩", "公顷", "千瓦时", "千瓦", "兆瓦", "吉瓦", "摄氏度", "℃", "个百分点", "百分点",
    "个基点", "基点", "倍", "成", "手", "股", "笔", "单", "份", "项", "枚", "块", "张", "颗",
    "套", "个", "家", "名", "位", "人", "次", "艘", "架", "辆", "台", "部", "款", "条", "座",
    "所", "批", "轮", "场", "届", "期", "处", "种", "类", "起", "年代", "年", "个月", "周年",
    "周", "天", "小时", "分钟", "秒", "岁", "季度", "世纪", "多年",
]
_UNIT = "(?:" + "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True)) + ")"
_CN_DIGIT = "[〇○零一二三四五六七八九]"
_CN_MONTH_DAY = "(?:[一二三四五六七八九十]{1,2}月(?:[一二三四五六七八九十]{1,3}[日号])?)?"
_CN_NUMBER = "[〇○零一二两三四五六七八九十百千万亿点]"
# Where a span may start: a cheap first-character test (it lets the regex engine skip
# most positions fast), and not the tail of H200, v1.5 or COVID-19.
_BEFORE = r"(?=[\d+\-−±$¥€£〇○零一二三四五六七八九百])(?<![A-Za-z0-9_.·\-])"
# A numeral: 6826, 1,234, 1.3, 14·9 (the middle dot is the decimal mark in some sources).
_NUM = r"\d+(?:,\d{3})*(?:[.·]\d+)?(?![A-Za-z0-9_])"

_WHOLE = re.compile(
    _BEFORE
    + r"(?:(?P<t>"
    + r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?!\d)"
    + r"|\d{4}年(?:\d{1,2}月(?:\d{1,2}[日号])?)?"
    + rf"|{_CN_DIGIT}{{4}}年{_CN_MONTH_DAY}"
    + r"|\d{1,2}月(?:\d{1,2}[日号])?|\d{1,2}[日号](?![A-Za-z0-9])"
    + r"|\d{1,2}[时点]\d{1,2}分(?:\d{1,2}秒)?|\d{1,2}:\d{2}(?::\d{2})?(?!\d)"
    + r")|(?P<m>"
    + rf"{_NUM}[/∶]{_NUM}|"
    + rf"[+\-−±]?[$¥€£]?{_NUM}[多余百千万亿]*[%‰]?"
    + rf"(?:[-—–~〜][$¥€£]?{_NUM}[多余百千万亿]*[%‰]?)?"
    + rf"(?P<unit>{_UNIT}(?:/{_UNIT})?)?"
    + rf"|百分之{_CN_NUMBER}+"
    + r"))"
)
_PARTS = re.compile(
    _BEFORE
    + r"(?:(?P<t>"
    + rf"\d{{4}}年|{_CN_DIGIT}{{4}}年|\d{{1,2}}(?:月|日|号|时|分|秒)"
    + r")|(?P<m>"
    + rf"{_NUM}[/∶]{_NUM}|[+\-−±]?{_NUM}[百千万亿]*[%‰]?|百分之{_CN_NUMBER}+"
    + r"))"
)
_DIGITS = re.compile(r"\d+")

#: Index of dictionary words that contain digits, by their first run of digits: for each
#: place the run starts in the words (offset), the words' lengths (longest first) and the
#: words. A word such as 标普500 or 500强 is so kept whole instead of losing its digits to a
#: number span, at the cost of a few set lookups per number found.
DigitWords = Mapping[str, Sequence[tuple[int, tuple[int, ...], frozenset[str]]]]


def pattern(style: str) -> re.Pattern[str]:
    """The compiled pre-pass for a style ("whole" or "parts")."""
    if style not in STYLES:
        raise ValueError(f"numbers style must be one of {STYLES}, not {style!r}")
    return _WHOLE if style == "whole" else _PARTS


def digit_words(words: Iterable[str]) -> DigitWords:
    """Build the `DigitWords` index from dictionary words (those without digits are skipped)."""
    groups: dict[str, dict[int, set[str]]] = {}
    for word in words:
        run = _DIGITS.search(word)
        if run:
            groups.setdefault(run.group(), {}).setdefault(run.start(), set()).add(word)
    return {run: [(offset, tuple(sorted({len(w) for w in found}, reverse=True)),
                   frozenset(found)) for offset, found in by_offset.items()]
            for run, by_offset in groups.items()}


def _word_around(text: str, match: re.Match[str], words: DigitWords) -> tuple[int, int] | None:
    """A dictionary word that holds this match's digits and reaches outside the match."""
    run = _DIGITS.search(text, match.start(), match.end())
    if run is None:
        return None
    for offset, lengths, found in words.get(run.group(), ()):
        start = run.start() - offset
        for length in lengths if start >= 0 else ():
            end = start + length
            outside = start < match.start() or end > match.end()
            if outside and end <= len(text) and text[start:end] in found:
                return start, end
    return None


def protected_spans(
    text: str, style: str = "whole", words: DigitWords | None = None
) -> list[tuple[int, int, str]]:
    """Spans (start, end, POS) to keep whole: numbers by `style`, and dictionary `words`.

    POS follows jieba's tags: "t" for dates and times, "mq" for an amount with a unit,
    "m" for a bare number, a percentage or a range; dictionary words get "" (the caller
    looks their tag up).
    """
    spans: list[tuple[int, int, str]] = []
    done = 0
    for match in pattern(style).finditer(text):
        around = _word_around(text, match, words) if words else None
        if around and around[0] >= done:
            spans.append((around[0], around[1], ""))
            done = around[1]
        elif match.start() >= done:
            spans.append((match.start(), match.end(), _pos(match)))
            done = match.end()
    return spans


def _pos(match: re.Match[str]) -> str:
    """jieba's tag for a protected number span."""
    if match.group("t"):
        return "t"
    return "mq" if match.re is _WHOLE and match.group("unit") else "m"
