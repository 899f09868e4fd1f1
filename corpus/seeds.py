"""What a crawl starts from: seeds from the command line's sources, and a preview of the queue."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.frontier import Frontier
from fincorpus.corpus.model import SHANGHAI_TZ_NAME, Lead
from fincorpus.corpus.store import Store
from fincorpus.scrapers.discover import author_seed, channel_seed, classify
from fincorpus.scrapers.urlfile import read_url_file
from fincorpus.scrapers.urls import canonical_url


def seeds_from(urls: Iterable[str] = (), url_file: Path | None = None, column: str | None = None,
               authors: Iterable[str] = (), channels: Iterable[str] = ()) -> list[Lead]:
    """Seeds from the command line's sources: URLs (articles or feeds), a URL file, authors, channels."""
    texts = list(urls)
    if url_file is not None:
        texts += read_url_file(url_file, column).urls
    seeds = [Lead(canonical_url(text), classify(text)) for text in texts]
    try:
        seeds += [author_seed(a) for a in authors] + [channel_seed(c) for c in channels]
    except ValueError as error:
        raise BadInput(str(error)) from None
    return seeds


def preview(store: Store, seeds: Iterable[Lead]) -> list[Lead]:
    """What a crawl would fetch first, without fetching: new seeds, seed feeds, then the stored queue."""
    frontier = Frontier(store)
    plan = [lead for lead in seeds if lead.kind != "article" or not frontier.contains(lead)]
    known = {lead.url for lead in plan}
    for state in ("fetched", "queued"):
        for entry in frontier.entries(state, 0, 10**9):
            if entry.url not in known:
                plan.append(Lead(entry.url, entry.kind, entry.title, entry.published_at))
    return plan


def parse_when(text: str, end_of_day: bool = False) -> datetime:
    """`2025-10-16` or an ISO time, as Beijing time when no offset is given (`--since/--until`)."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"{text!r} is not a date; write 2025-10-16 or 2025-10-16T08:00") from None
    if end_of_day and _is_date(text.strip()):  # 2025-10-16, and 20251016 too
        when = when.replace(hour=23, minute=59, second=59)
    return when if when.tzinfo else when.replace(tzinfo=ZoneInfo(SHANGHAI_TZ_NAME))


def _is_date(text: str) -> bool:
    """A day without a time, in any spelling datetime.fromisoformat reads."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
