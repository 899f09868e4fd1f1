"""The shared vocabulary: small frozen types that every package speaks in.

This module imports nothing of ours, so any package may import it without
pulling in the store or the pipeline.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from dataclasses import asdict, dataclass, field
from functools import cache
from datetime import datetime, timezone
from typing import Any, Mapping, NamedTuple

#: Where every NetEase timestamp lives; stored values are always tz-aware.
SHANGHAI_TZ_NAME = "Asia/Shanghai"
#: Kinds of the lines in Article.reading_order: body text, a picture caption, a 来源/责任编辑
# credit, the 原标题 (original headline) line.
LINE_KINDS = ("paragraph", "caption", "credit", "original-title")


@cache
def package_version() -> str:
    """fincorpus's installed version, stored with what it makes ("0+unknown" in a bare checkout).

    Read once per process: the metadata lookup costs a millisecond, and analysis asks per article.
    """
    try:
        return metadata.version("fincorpus")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def utcnow() -> datetime:
    """The current time, tz-aware UTC (stored fetch and add times)."""
    return datetime.now(timezone.utc)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Which component made a result, and which version of it."""

    name: str
    version: str

    def __str__(self) -> str:
        return f"{self.name}/{self.version}"


@dataclass(frozen=True, slots=True)
class RawPage:
    """The bytes of a page exactly as fetched or read, stored before parsing.

    `source_kind` is "http" for fetched pages and "file" for pages read from disk.
    `error` is set when the fetch itself failed (then `body` may be empty).
    """

    url: str | None
    body: bytes
    final_url: str | None = None
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    fetched_at: datetime = field(default_factory=utcnow)
    source_kind: str = "http"
    error: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def content_type(self) -> str:
        for name, value in self.headers.items():
            if name.lower() == "content-type":
                return value
        return ""


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article: metadata and body paragraphs, no boilerplate.

    `author` is the 网易号 account on self-media pages; news pages keep their
    `source` (the originating outlet) and `editor` (责任编辑) apart from it.
    `captions` and `images` are kept out of `paragraphs` so that text analysis
    never sees them. `reading_order` keeps every line of the article column the
    extractor read, in order, each with its kind (LINE_KINDS): what a reader
    saw, for those who study captions or compare with labels that keep them.
    `flags` records anything odd about the page (for example "no-publish-time",
    "traditional-chinese", "truncated-html").
    """

    title: str | None
    paragraphs: tuple[str, ...]
    extractor: Provenance
    url: str | None = None
    docid: str | None = None
    site: str | None = None
    channel: str | None = None
    author: str | None = None
    source: str | None = None
    editor: str | None = None
    published_at: datetime | None = None
    captions: tuple[str, ...] = ()
    images: tuple[str, ...] = ()
    source_kind: str = "html"
    encoding: str | None = None
    flags: tuple[str, ...] = ()
    extras: Mapping[str, str] = field(default_factory=dict)
    reading_order: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        """The one canonical text every span points into."""
        return "\n".join(self.paragraphs)

    @property
    def reader_text(self) -> str:
        """The column as a reader sees it: body with captions, credit and 原标题 lines in
        place (the body alone when the extractor kept no reading order)."""
        if not self.reading_order:
            return self.text
        return "\n".join(text for _, text in self.reading_order)

    @property
    def key(self) -> str:
        """Identity across hosts and copies: DOCID, else web URL, else content hash."""
        if self.docid:
            return f"docid:{self.docid}"
        if self.url and not self.url.startswith("file:"):
            return f"url:{self.url}"
        digest = hashlib.sha256(f"{self.title or ''}\n{self.text}".encode()).hexdigest()
        return f"sha256:{digest[:32]}"

    @property
    def id(self) -> str:
        """A short stable id derived from `key` (safe in file names and URLs)."""
        return hashlib.sha1(self.key.encode()).hexdigest()[:16]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields (datetimes as ISO 8601, provenance as "name/version")."""
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        data["extractor"] = str(self.extractor)
        data["paragraphs"] = list(self.paragraphs)
        data["captions"] = list(self.captions)
        data["images"] = list(self.images)
        data["flags"] = list(self.flags)
        data["extras"] = dict(self.extras)
        data["reading_order"] = [list(line) for line in self.reading_order]
        data["id"] = self.id
        return data


@dataclass(frozen=True, slots=True)
class Lead:
    """A URL found by discovery, with what the feed or list said about it.

    `kind` says what fetching it gives: "article" (a page to extract) or a feed
    kind ("author-feed", "channel-feed", "listing", "sitemap") that yields more
    leads. `published_at` is the feed's publish time (tz-aware) when it gives one,
    so scope filters can skip an article before fetching it.
    """

    url: str
    kind: str = "article"
    title: str | None = None
    published_at: datetime | None = None
    source: str | None = None


# Analysis: what the nlp stages say about an article. Offsets are character offsets into
# the text they were computed on (an article's `text`, or one input line), end exclusive,
# and every span carries its own text so a mismatch is caught.


class Token(NamedTuple):
    """One word of a segmentation, with its part of speech when the tagger gives one.

    A named tuple, not a dataclass: analysis makes one per word, and a tuple is made in a
    fraction of a frozen dataclass's time.
    """

    text: str
    start: int
    end: int
    pos: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a text; `paragraph` is its paragraph's index (0-based)."""

    text: str
    start: int
    end: int
    paragraph: int = 0


@dataclass(frozen=True, slots=True)
class Entity:
    """A named or numeric entity: PER, LOC, ORG, MONEY, PERCENT, DATE or QUANTITY.

    `id` links PER/LOC/ORG to the gazetteer (None when unknown); `value` holds the
    normalised value of numeric kinds, e.g. {"amount": 682600000000, "unit": "USD"},
    {"low": 20, "high": 30, "unit": "%"}, {"date": "2025-11-30"}, with "qualifier"
    ("more than", "about", …) when the text hedges.
    """

    text: str
    type: str
    start: int
    end: int
    id: str | None = None
    value: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Score:
    """A topic or frame score for a sentence or an article, with the evidence behind it.

    `evidence` lists the indicator terms found; for an article, `sentences` lists the
    indexes of the sentences that carry it.
    """

    name: str
    score: float
    evidence: tuple[str, ...] = ()
    sentences: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Stance:
    """The stance of a sentence (`sentence` its index) or of a whole article (`sentence`
    None) toward one target: FAVOR, AGAINST or NONE, with the probability of each.

    For an article, the probabilities are the means over the sentences that name the target,
    and `counts` gives how many of them were (FAVOR, AGAINST, NONE); a sentence counts itself.
    """

    target: str
    target_id: str
    label: str
    p_favor: float
    p_against: float
    p_none: float
    sentence: int | None = None
    counts: tuple[int, int, int] = (0, 0, 0)


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the nlp stages found in one article; every offset points into `Article.text`.

    `tokens`, `sentence_topics` and `sentence_frames` run parallel to `sentences`;
    `stances` holds each article-level stance, then each sentence's; `stages` maps each stage's name to its version, stored with the results.
    """

    article_id: str
    sentences: tuple[Sentence, ...]
    tokens: tuple[tuple[Token, ...], ...]
    entities: tuple[Entity, ...]
    topics: tuple[Score, ...]
    frames: tuple[Score, ...]
    sentence_topics: tuple[tuple[Score, ...], ...] = ()
    sentence_frames: tuple[tuple[Score, ...], ...] = ()
    stages: Mapping[str, str] = field(default_factory=dict)
    stances: tuple[Stance, ...] = ()


@dataclass(frozen=True, slots=True)
class Label:
    """One human label: a coder's value for one field of one unit. Kept apart from model output.

    `unit_id` names the unit: an article id, `<article id>/<sentence index>` for a sentence,
    or any id a spreadsheet or labeling tool gave it. `field` is what was labelled (`stance:美国`,
    `frames`, `entities`). A span label gives `start`/`end` (character offsets into the unit's
    text, end exclusive) and the `text` they cover, so that offsets that drifted on the way
    through a labeling tool are caught, never silently used. `source` is the file it came from.
    """

    unit_id: str
    field: str
    value: str
    coder: str
    start: int | None = None
    end: int | None = None
    text: str | None = None
    created_at: datetime | None = None
    source: str | None = None
