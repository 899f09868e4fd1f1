"""`--where` filters: which stored articles a table or a comparison keeps.

A filter is `KEY=VALUE`; filters of different keys all have to hold, several values of one
key mean any of them. Keys: `site` (case and a leading www. ignored), `author`, `source`,
`since` and `until` (dates, inclusive, Asia/Shanghai: `until=2025-10-16` keeps that whole
day), `topic` (the article's top-scoring topic), `target` (the article takes a stance toward
that target: its name, such as 美国, or its id, such as Q30), `id` (an article id).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.store import Store

KEYS = ("site", "author", "source", "since", "until", "topic", "target", "id")
_SHANGHAI = ZoneInfo("Asia/Shanghai")


def parse_where(filters: Iterable[str], what: str = "--where") -> dict[str, list[str]]:
    """`KEY=VALUE` strings as {key: [values]}; a key given twice keeps articles matching either.

    `what` names the option or group in error messages."""
    parsed: dict[str, list[str]] = {}
    for item in filters:
        key, sep, value = item.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not value:
            raise BadInput(f"{what} {item!r}: write KEY=VALUE, e.g. --where site=www.163.com")
        if key not in KEYS:
            raise BadInput(f"{what} {item!r}: unknown key {key!r}; use one of {', '.join(KEYS)}")
        if key in ("since", "until"):
            _day(value, f"{what} {item!r}")
        parsed.setdefault(key, []).append(value)
    return parsed


def matching_ids(store: Store, where: dict[str, list[str]]) -> set[str]:
    """Ids of the stored articles that every filter of `where` keeps."""
    rows = store.rows("SELECT id, site, author, source, published_at FROM articles")
    kept = {r[0] for r in rows if _fields_match(dict(zip(("id", "site", "author", "source"), r)),
                                                r[4], where)}
    if "topic" in where:
        kept &= {a for a, topic in top_topics(store).items() if topic in where["topic"]}
    if "target" in where:
        names = set(where["target"])
        kept &= {a for a, target, target_id in store.rows(
            "SELECT article_id, target, target_id FROM stances WHERE sentence IS NULL")
            if target in names or target_id in names}
    return kept


def top_topics(store: Store) -> dict[str, str]:
    """Each analysed article's highest-scoring topic (ties: the first name)."""
    rows = store.rows("SELECT article_id, name FROM scores WHERE kind = 'topic' AND "
                      "sentence IS NULL ORDER BY article_id, score DESC, name")
    tops: dict[str, str] = {}
    for article_id, name in rows:
        tops.setdefault(article_id, name)
    return tops


def _fields_match(fields: dict, published: str | None, where: dict[str, list[str]]) -> bool:
    for key in ("id", "site", "author", "source"):
        fold = _host if key == "site" else str.strip
        if key in where and fold(fields[key] or "") not in {fold(v) for v in where[key]}:
            return False
    if "since" in where or "until" in where:
        if not published:
            return False
        when = datetime.fromisoformat(published)
        since = [_start(v) for v in where.get("since", [])]
        until = [_start(v) + timedelta(days=1) for v in where.get("until", [])]
        if (since and when < min(since)) or (until and when >= max(until)):
            return False
    return True


def _host(site: str) -> str:
    """A site as compared: lower case, without a leading www."""
    site = site.strip().lower()
    return site[4:] if site.startswith("www.") else site


def _day(value: str, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{where}: {value!r} is not a date; write YYYY-MM-DD") from None


def _start(value: str) -> datetime:
    """Midnight at the start of a day, Asia/Shanghai."""
    return datetime.combine(date.fromisoformat(value), time(), _SHANGHAI)
