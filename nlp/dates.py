"""DATE mentions with ISO values, so that 截至2025年11月底 and 11月末 compare as the same day.

Value conventions (every "date" is a full ISO date, "YYYY-MM-DD"; "precision" says how much
of it the text fixes, like Wikidata's time precision):

- 2025年11月14日, 2025-11-14, 2025/11/14 -> {"date": "2025-11-14", "precision": "day"};
  a time of day adds "time": "HH:MM" (5月10日0时01分).
- 2025年11月 -> {"date": "2025-11-01", "precision": "month"}; 上旬/月初 add qualifier
  "early", 中旬 "mid", 下旬 "late".
- 11月底 / 11月末 -> the last day of that month, precision "day", qualifier "end of month":
  Chinese financial reporting uses 月末 for the month-end snapshot date (截至11月末 is the
  TIC or reserves figure as of 30 November). 年底/年末 likewise -> YYYY-12-31 with qualifier
  "end of year"; 年初 -> the year with qualifier "early".
- 2025年第三季度 -> {"date": "2025-07-01", "precision": "quarter"}; 上半年/下半年 ->
  precision "half"; 2025年 -> precision "year" (2025财年 adds qualifier "fiscal year").
- 2025年前三季度, 2025年前10个月, 2010年至2021年 -> {"low": ISO, "high": ISO, "precision"}:
  the first and last period the span covers, each as its first day.
- 前后/左右 after a date add qualifier "about".

A date without a year takes the year of the nearest earlier date in the same sentence; failing
that, the year that puts it nearest the reference date (the article's publish date), a day
ahead counting as two behind (commentary looks back more than ahead): 12月 in a January article
is last December, 4月 is this coming April, but 4月 in a November article is last April. Failing
that, "date" is None and
the known parts are given ("month", "day", "quarter"). 今年/去年/明年/本月/上月 need the
reference date; without it "date" is None with "relative_years" or "relative_months".
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any, NamedTuple

from fincorpus.corpus.model import Entity
from fincorpus.nlp.numerals import fold, parse_chinese, stretches

_CN_DAY = r"三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]"
_DAY = rf"(?:[12]\d|3[01]|0?[1-9]|{_CN_DAY})"
_PART = r"底|末|初(?![步期始次衷心])|上旬|中旬|下旬"
_TIME = r"(?:(?P<hour>[01]?\d|2[0-3])[时点:](?P<minute>[0-5]\d)分?)?"

DATE_RE = re.compile(rf"""
    (?<![0-9.A-Za-z])(?=[\d〇零一二三四五六七八九十今去明前上下本第])
    (?:
        (?P<iso_y>(?:19|20)\d{{2}})(?P<sep>[-/.])(?P<iso_m>1[0-2]|0?[1-9])(?P=sep)
        (?P<iso_d>3[01]|[12]\d|0?[1-9])(?![0-9])
        (?:[ T](?P<iso_hour>[01]?\d|2[0-3]):(?P<iso_minute>[0-5]\d))?
    |
        (?:(?P<year>(?:19|20)\d{{2}}|二[〇零][〇零一二三四五六七八九]{{2}})(?P<fiscal>财)?年
           |(?P<rel>今年|去年|明年|(?<![之以此年])前年|上年))?
        (?:
            (?P<month>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月份?
            (?:(?P<day>{_DAY})[日号]{_TIME}|(?P<mpart>{_PART}))?
          | (?P<rel_month>本月|上个?月|下个?月)(?:(?P<rel_day>{_DAY})[日号]|(?P<rel_part>{_PART}))?
          | (?<=时间)(?P<day_only>[12]\d|3[01]|0?[1-9])[日号]
          | 第?(?P<quarter>[一二三四1-4])季度
          | 前(?P<upto_q>[一二三])季度
          | 前(?P<upto_m>1[01]|[1-9]|十一?|[一二三四五六七八九])个月
          | (?P<half>[上下])半年
          | (?P<ypart>{_PART})
        )?
    )
    (?P<hedge>前后|左右)?
""", re.VERBOSE)

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
# What DATE_RE can consume or look ahead at (a test holds this to the pattern): a date lies
# between two other characters.
_DATE_CHARS = r"\d〇零一二三四五六七八九十今去明前上下本第年财月份日号时点:分底末初中旬个季度半后左右步期始次衷心 T/.\-"
_STOP = re.compile(f"[^{_DATE_CHARS}]")
# Every date DATE_RE and _mention accept has one of these (the character class first, so
# that the engine can skip ahead to it): a year (2025年, 二〇二五财年, 去年), a month (11月, 十二月,
# 上个月), a day after 时间, a quarter (三季度) or an ISO date (2025-11-14). The stretches
# without one hold matches (上旬, 一, 5年) but never a date.
_ANCHOR = re.compile(rf"""[年月日号季\-/.](?:
    (?<=(?:19|20)\d\d年) | (?<=(?:19|20)\d\d财年) | (?<=[〇零][〇零一二三四五六七八九]{{2}}年)
    | (?<=[〇零][〇零一二三四五六七八九]{{2}}财年) | (?<=[今去明前上]年)
    | (?<=[\d十一二三四五六七八九]月) | (?<=[本上下]月) | (?<=[上下]个月)
    | (?<=时间\d[日号]) | (?<=时间\d\d[日号]) | (?<=[一二三四1-4]季) | (?<=(?:19|20)\d\d[-/.])
)[{_DATE_CHARS}]*+""", re.VERBOSE)
# 后年 is left out: "实施后年增收" is far more common than "the year after next".
_REL_YEARS = {"今年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}
_PART_QUALIFIERS = {"初": "early", "上旬": "early", "中旬": "mid", "下旬": "late"}


class _Mention(NamedTuple):
    """One date mention before its year is known."""

    start: int
    end: int
    fields: dict[str, str]
    explicit_year: int | None
    relative_years: int | None


def date_entities(text: str, reference_date: date | None = None, *,
                  folded: str | None = None) -> list[Entity]:
    """Every DATE mention in `text`, with ISO values resolved against `reference_date`.

    `folded` is `fold(text)` when the caller has it already.
    """
    folded = fold(text) if folded is None else folded
    matches = (match for start, end in stretches(folded, _ANCHOR, _STOP)
               for match in DATE_RE.finditer(folded, start, end) if match.end() > match.start())
    mentions = [m for m in map(_mention, matches) if m is not None]
    if not mentions:
        return []
    entities: list[Entity] = []
    context_year: int | None = None
    context_day: date | None = None
    previous = 0
    for mention in mentions:
        if _SENTENCE_END.search(folded, previous, mention.start):  # a new sentence
            context_year, context_day = None, None
        previous = mention.start
        year = _year_for(mention, context_year, reference_date)
        context_year = year if year is not None else context_year
        if "day_only" in mention.fields:  # 当地时间18日: the month of the sentence's last date
            value = _day_only_value(int(mention.fields["day_only"]), context_day or reference_date)
        else:
            value = _value(mention.fields, year, reference_date, mention.relative_years)
        if value is not None and value.get("date"):
            context_day = date.fromisoformat(value["date"])
        if value is not None:
            entities.append(Entity(text[mention.start:mention.end], "DATE", mention.start,
                                   mention.end, None, value))
    return merge_ranges(text, folded, entities)


def _mention(match: re.Match[str]) -> _Mention | None:
    """The parts of a match, or None when they make no date (a lone 一月, 5到8年)."""
    fields = {k: v for k, v in match.groupdict().items() if v}
    year = fields.get("year") or fields.get("iso_y")
    explicit = int(year) if year and year.isdigit() else None
    if year and explicit is None:
        explicit = int("".join(str(parse_chinese(ch)) for ch in year))
    relative = _REL_YEARS.get(fields.get("rel", ""))
    has_year = explicit is not None or relative is not None
    month = fields.get("month", "")
    if not has_year and not (fields.keys() & {"month", "rel_month", "day_only", "quarter"}):
        return None
    if month and not month.isdigit() and not has_year and "day" not in fields:
        return None  # 三月 alone is too often not a month name (三月内, 一月余)
    if not has_year and fields.keys() & {"upto_q", "upto_m", "half", "ypart"}:
        return None
    return _Mention(match.start(), match.end(), fields, explicit, relative)


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in(year: int, month: int) -> int:
    """calendar.monthrange(year, month)[1], without the weekday it also works out."""
    if not 1 <= month <= 12:
        raise calendar.IllegalMonthError(month)
    return 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month]


def _number(text: str) -> int:
    return int(text) if text.isdigit() else int(parse_chinese(text))


def _year_for(mention: _Mention, context: int | None, reference: date | None) -> int | None:
    """The year a mention speaks of: its own, the sentence's, or the one nearest the reference."""
    if mention.explicit_year is not None:
        return mention.explicit_year
    if mention.relative_years is not None:
        return reference.year + mention.relative_years if reference else None
    if context is not None:
        return context
    if reference is None:
        return None
    fields = mention.fields
    month, day = _month_day(fields, reference)
    if month is None:
        return None

    def distance(year: int) -> int:
        last = _days_in(year, month)
        days = (date(year, month, min(day or 1, last)) - reference).days
        return 2 * days if days > 0 else -days  # commentary looks back more than ahead

    return min((reference.year - 1, reference.year, reference.year + 1), key=distance)


def _month_day(fields: dict[str, str], reference: date) -> tuple[int | None, int | None]:
    """The month and day a yearless mention names, for finding its nearest year."""
    if "month" in fields:
        return _number(fields["month"]), _number(fields["day"]) if "day" in fields else None
    if "quarter" in fields:
        return 3 * _number(fields["quarter"]) - 2, None
    return None, None


def _value(fields: dict[str, str], year: int | None, reference: date | None,
           relative: int | None) -> dict[str, Any] | None:
    """The normalised value of one mention (see the module docstring)."""
    if "iso_y" in fields:
        value = _day_value(year, int(fields["iso_m"]), int(fields["iso_d"]))
        if value and "iso_hour" in fields:
            value["time"] = f"{int(fields['iso_hour']):02d}:{fields['iso_minute']}"
    elif "rel_month" in fields:
        value = _relative_month_value(fields, reference)
    elif "month" in fields:
        value = _month_value(fields, year)
    else:
        value = _period_value(fields, year, relative)
    if value is not None and "hedge" in fields:
        value.setdefault("qualifier", "about")
    return value


def _day_value(year: int | None, month: int, day: int) -> dict[str, Any] | None:
    """A day, or None when it does not exist (2月30日)."""
    if day > _days_in(year or 2000, month):
        return None
    if year is None:
        return {"date": None, "precision": "day", "month": month, "day": day}
    return {"date": date(year, month, day).isoformat(), "precision": "day"}


def _month_value(fields: dict[str, str], year: int | None) -> dict[str, Any] | None:
    """A month, a day of a month, or a part of a month (底, 上旬)."""
    month = _number(fields["month"])
    if "day" in fields:
        value = _day_value(year, month, _number(fields["day"]))
        if value and "hour" in fields:
            value["time"] = f"{int(fields['hour']):02d}:{fields['minute']}"
        return value
    return _month_part_value(year, month, fields.get("mpart"))


def _day_only_value(day: int, reference: date | None) -> dict[str, Any] | None:
    """当地时间18日: that day in the reference's month or the month before or after it,
    whichever is nearest the reference (a date earlier in the sentence, else the article's)."""
    if reference is None:
        return None
    candidates = []
    for offset in (-1, 0, 1):
        year, month = divmod(reference.year * 12 + reference.month - 1 + offset, 12)
        if day <= _days_in(year, month + 1):
            candidates.append(date(year, month + 1, day))
    best = min(candidates, key=lambda d: abs((d - reference).days))
    return {"date": best.isoformat(), "precision": "day"}


def _month_part_value(year: int | None, month: int, part: str | None) -> dict[str, Any]:
    """A whole month, or its end (a day) or its early/mid/late part (the month, qualified)."""
    if part in ("底", "末"):
        value = _day_value(year, month, _days_in(year or 2001, month))
        value["qualifier"] = "end of month"
        return value
    if year is None:
        value = {"date": None, "precision": "month", "month": month}
    else:
        value = {"date": date(year, month, 1).isoformat(), "precision": "month"}
    if part:
        value["qualifier"] = _PART_QUALIFIERS[part]
    return value


def _relative_month_value(fields: dict[str, str],
                          reference: date | None) -> dict[str, Any] | None:
    """本月, 上月, 下个月 (with an optional day or part) against the reference date."""
    offset = {"本": 0, "上": -1, "下": 1}[fields["rel_month"][0]]
    if reference is None:
        return {"date": None, "precision": "month", "relative_months": offset}
    index = reference.year * 12 + reference.month - 1 + offset
    year, month = divmod(index, 12)
    if "rel_day" in fields:
        return _day_value(year, month + 1, _number(fields["rel_day"]))
    return _month_part_value(year, month + 1, fields.get("rel_part"))


def _period_value(fields: dict[str, str], year: int | None,
                  relative: int | None) -> dict[str, Any] | None:
    """A year, a quarter, a half, or the first quarters/months of a year."""
    if year is None:
        return _unknown_period(fields, relative)
    if "quarter" in fields:
        month = 3 * _number(fields["quarter"]) - 2
        return {"date": date(year, month, 1).isoformat(), "precision": "quarter"}
    if "upto_q" in fields:
        last = 3 * _number(fields["upto_q"]) - 2
        return {"low": f"{year}-01-01", "high": date(year, last, 1).isoformat(),
                "precision": "quarter"}
    if "upto_m" in fields:
        last = _number(fields["upto_m"])
        return {"low": f"{year}-01-01", "high": date(year, last, 1).isoformat(),
                "precision": "month"}
    if "half" in fields:
        month = 1 if fields["half"] == "上" else 7
        return {"date": date(year, month, 1).isoformat(), "precision": "half"}
    return _year_value(year, fields)


def _year_value(year: int, fields: dict[str, str]) -> dict[str, Any]:
    """A year, its end (a day) or its beginning; 财年 marks a fiscal year."""
    part = fields.get("ypart")
    if part in ("底", "末"):
        return {"date": f"{year}-12-31", "precision": "day", "qualifier": "end of year"}
    value: dict[str, Any] = {"date": f"{year}-01-01", "precision": "year"}
    if part:
        value["qualifier"] = _PART_QUALIFIERS[part]
    elif "fiscal" in fields:
        value["qualifier"] = "fiscal year"
    return value


def _unknown_period(fields: dict[str, str], relative: int | None) -> dict[str, Any] | None:
    """A period whose year is unknown: what the text does say."""
    if "quarter" in fields:
        return {"date": None, "precision": "quarter", "quarter": _number(fields["quarter"])}
    if relative is not None and not fields.keys() & {"upto_q", "upto_m", "half", "ypart"}:
        return {"date": None, "precision": "year", "relative_years": relative}
    return None


_RANGE_GAP = re.compile(r"[—–\-~〜至到]")
_DAY_TAIL = re.compile(r"[—–\-~〜至到](?P<day>[12]\d|3[01]|0?[1-9])[日号]")


def merge_ranges(text: str, folded: str, entities: list[Entity]) -> list[Entity]:
    """Join 2010年至2021年 and 1月14日至20日 into one DATE with "low" and "high"."""
    merged: list[Entity] = []
    for entity in entities:
        previous = merged[-1] if merged else None
        if previous and _joinable(folded, previous, entity):
            merged[-1] = _joined(text, previous, entity.end, entity.value["date"])
        else:
            merged.append(entity)
    return [_with_day_tail(text, folded, e) for e in merged]


def _joinable(folded: str, left: Entity, right: Entity) -> bool:
    gap = folded[left.end:right.start]
    return (len(gap) == 1 and _RANGE_GAP.fullmatch(gap) is not None
            and bool(left.value.get("date")) and bool(right.value.get("date"))
            and left.value["precision"] == right.value["precision"]
            and left.value["date"] < right.value["date"])


def _joined(text: str, left: Entity, end: int, high: str) -> Entity:
    value = {"low": left.value["date"], "high": high, "precision": left.value["precision"]}
    return Entity(text[left.start:end], "DATE", left.start, end, None, value)


def _with_day_tail(text: str, folded: str, entity: Entity) -> Entity:
    """1月14日至20日: the second day borrows the first one's month."""
    tail = _DAY_TAIL.match(folded, entity.end)
    day = entity.value.get("date")
    if not tail or not day or entity.value.get("precision") != "day" or "time" in entity.value:
        return entity
    year, month, first = map(int, day.split("-"))
    last = int(tail["day"])
    if last <= first or last > _days_in(year, month):
        return entity
    return _joined(text, entity, tail.end(), date(year, month, last).isoformat())
