"""Copied-text pages: what a reader gets by selecting a 网易号 page and pasting it as text.

A copy keeps the page's chrome as plain lines: the breadcrumb (网易首页 > 网易号 > 正文),
the share counter (0 / 分享至), image stand-ins (blank blocks, `![]()`, 编辑 captions),
the disclaimers, and the feed (相关推荐 / 热点推荐) with the author card mined from it.
The rules below are about those shapes, never about any one page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from fincorpus.corpus.errors import NotAnArticle
from fincorpus.corpus.model import Article, Provenance
from fincorpus.scrapers import boilerplate
from fincorpus.scrapers.column import Column
from fincorpus.scrapers.html import parse_datetime

_NETEASE_MARKS = ("网易首页", "网易号", "NetEase Hao", "netease hao")
_EDGES = re.compile(r"^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$")
_TIMESTAMP = r"(?:19|20)\d{2}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?"
_TIMESTAMP_LINE = re.compile(rf"^{_TIMESTAMP}$")
_META_LINE = re.compile(rf"^{_TIMESTAMP}(?:\s.{{0,60}})?$")
_STATS = re.compile(r"\d+(?:\.\d+)?[万wW]?\s*(?:文章数|关注度|粉丝)")
_BREADCRUMB = re.compile(r"^.{0,60}?[>›＞»]\s*.{0,60}?(?:正文|申请入驻)$")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_SHARE_COUNT = re.compile(r"^\d+(?:\.\d+)?[万wW]?$")
_SENTENCE_END = tuple("。！？!?…；;.")
_CAPTION_PREFIXES = ("图片来源", "图源", "图片:", "图片：", "图:", "图：", "图/", "图为", "资料图",
                     "来源:", "来源：", "摄影", "视频截图")
_CARD_ICON = "incentive-icons"
_HEADER_WINDOW = 10


@dataclass(frozen=True, slots=True)
class _Card:
    """The author card mined from a copy: account, time, and the lines it spans."""

    author: str | None
    published_at: datetime | None
    span: range


@dataclass(slots=True)
class _Body(Column):
    """What the body pass collects: the column's lines and a fallback publish time."""

    published_at: datetime | None = None


#: A Han character: a copied page without one is not Chinese commentary.
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class TextCopyExtractor:
    """Turns a reader's copy-paste of an article page into an Article."""

    name = "textcopy"
    version = "1"

    def extract(self, text: str, url: str | None = None) -> Article:
        """A clean Article from copied text; NotAnArticle("empty-body") when nothing is left."""
        lines = split_lines(text)
        card = find_author_card(lines)
        body = [None if card and i in card.span else line
                for i, line in enumerate(lines[:feed_start(lines)])]
        title, body = take_header(body)
        result = clean_body(body)
        if not result.paragraphs:
            raise NotAnArticle(f"{url or 'text'}: no article paragraphs left after removing the "
                               "page chrome; is this a copy of an article page?", "empty-body")
        if not any(_HAN.search(p) for p in result.paragraphs):
            raise NotAnArticle(f"{url or 'text'}: no Chinese text in it (a robots.txt, notes or "
                               "code?); add copies of Chinese article pages", "not-chinese")
        return Article(
            title=title, paragraphs=tuple(result.paragraphs), captions=tuple(result.captions),
            reading_order=tuple(result.reading_order),
            extractor=Provenance(self.name, self.version), url=url, site=_site(text),
            author=card.author if card else None,
            published_at=(card.published_at if card else None) or result.published_at,
            source_kind="text",
        )


def split_lines(text: str) -> list[str]:
    """Lines with their edges stripped (CRLF, CR and Unicode breaks all end a line)."""
    return [_EDGES.sub("", line) for line in text.splitlines()]


def _site(text: str) -> str | None:
    """163.com when the copy carries NetEase's own chrome, else unknown."""
    return "163.com" if any(mark in text for mark in _NETEASE_MARKS) else None


def _next_filled(lines: list[str | None], start: int, count: int) -> list[int]:
    """Indices of the next `count` non-empty lines from `start` on."""
    found = []
    for i in range(start, len(lines)):
        if lines[i]:
            found.append(i)
            if len(found) == count:
                break
    return found


def feed_start(lines: list[str]) -> int:
    """Index of the first feed/menu marker line (相关推荐, 热点推荐 ...), or len(lines)."""
    markers = boilerplate.load().markers
    for i, line in enumerate(lines):
        for marker in markers:
            if line.startswith(marker) and len(line) <= len(marker) + 8:
                return i
    return len(lines)


def find_author_card(lines: list[str]) -> _Card | None:
    """The author card (timestamp, account name, slogan, N文章数): first one found, if any."""
    for i, line in enumerate(lines):
        if _TIMESTAMP_LINE.match(line):
            card = _card_at(lines, i)
            if card:
                return card
    for i, line in enumerate(lines):
        if _CARD_ICON in line and _card_name(line):
            return _Card(_card_name(line), None, range(i, _card_end(lines, i) + 1))
    return None


def _card_name(line: str) -> str | None:
    """The account name on a card line (the icon token removed), if the line can be one."""
    name = line.replace(_CARD_ICON, "").strip()
    if not name or len(name) > 30 or _TIMESTAMP_LINE.match(name):
        return None
    return name


def _card_at(lines: list[str], stamp: int) -> _Card | None:
    """The card whose timestamp sits at `stamp`, unless the lines after it are a feed item."""
    nxt = _next_filled(lines, stamp + 1, 5)
    if not nxt:
        return None
    name = _card_name(lines[nxt[0]])
    if name is None:
        return None
    rest = [lines[i] for i in nxt[1:]]
    iconed = _CARD_ICON in lines[nxt[0]]
    stats = any(_STATS.search(line) for line in rest[:4])
    repeated = nxt[0] + 1 < len(lines) and lines[nxt[0] + 1] == name and not _feed_item(rest)
    if not (iconed or stats or repeated):
        return None
    return _Card(name, parse_datetime(lines[stamp]), range(stamp, _card_end(lines, nxt[0]) + 1))


def _feed_item(rest: list[str]) -> bool:
    """True when lines after a would-be name look like (headline again, source, timestamp)."""
    return len(rest) >= 3 and bool(_TIMESTAMP_LINE.match(rest[2]))


def _card_end(lines: list[str], name_at: int) -> int:
    """Last line of a card: its stats line when close by, else the name (or its repeat)."""
    nxt = _next_filled(lines, name_at + 1, 4)
    for i in nxt:
        if _STATS.search(lines[i]):
            return i
    name = _card_name(lines[name_at])
    if nxt and lines[nxt[0]] == name:
        return nxt[0]
    return name_at


def _share_lines(lines: list[str | None]) -> set[int]:
    """The share widget: each 分享至 line and the counter line just before it."""
    found = set()
    for i, line in enumerate(lines):
        if line in ("分享至", "分享到"):
            found.add(i)
            before = [j for j in range(i - 1, -1, -1) if lines[j]][:1]
            if before and _SHARE_COUNT.match(lines[before[0]]):
                found.add(before[0])
    return found


def is_breadcrumb(line: str) -> bool:
    """A navigation trail such as 网易首页 > 网易号 > 正文 申请入驻."""
    if line == "申请入驻":
        return True
    return len(line) <= 120 and (bool(_BREADCRUMB.match(line)) or
                                 (line.startswith("网易首页") and ">" in line))


def take_header(lines: list[str | None]) -> tuple[str | None, list[str | None]]:
    """The title (first line after a breadcrumb) and the lines with breadcrumb/share removed."""
    share = _share_lines(lines)
    filled = _next_filled(lines, 0, _HEADER_WINDOW)
    crumbs = [i for i in filled if is_breadcrumb(lines[i])]
    drop = share | set(crumbs)
    title = None
    if crumbs:
        after = [i for i in _next_filled(lines, crumbs[-1] + 1, 2) if i not in drop][:1]
        if after and _looks_like_title(lines, after[0], share):
            title = lines[after[0]]
            drop.add(after[0])
    return title, [None if i in drop else line for i, line in enumerate(lines)]


def _looks_like_title(lines: list[str | None], at: int, share: set[int]) -> bool:
    """A short line followed by the share widget, or short and not ending like a sentence."""
    line = lines[at] or ""
    if len(line) > 100 or _IMAGE.search(line):
        return False
    nxt = _next_filled(lines, at + 1, 1)
    if nxt and nxt[0] in share:
        return True
    return len(line) <= 60 and not line.endswith(_SENTENCE_END)


def _break_threshold(lines: list[str | None]) -> int:
    """Blank-run length standing for a removed image: over twice the usual (commonest) gap."""
    runs, run, seen = Counter(), 0, False
    for line in lines:
        if line is None:
            continue
        if line:
            if seen:
                runs[run] += 1
            run, seen = 0, True
        else:
            run += 1
    usual = min(runs, key=lambda length: (-runs[length], length)) if runs else 0
    return 2 * usual + 1


def _is_caption(line: str) -> bool:
    """A caption: a known caption prefix, or short and not a sentence."""
    if line.startswith(_CAPTION_PREFIXES) and len(line) <= 80:
        return True
    return len(line) <= 30 and not line.endswith(_SENTENCE_END)


def clean_body(lines: list[str | None]) -> _Body:
    """Paragraphs in order, with image stand-ins, captions, disclaimers and meta lines removed."""
    result = _Body()
    threshold, blanks, after_break = _break_threshold(lines), 0, False
    for line in lines:
        if line is None:
            continue
        if not line:
            blanks += 1
            after_break = after_break or blanks >= threshold
            continue
        blanks = 0
        text = _EDGES.sub("", _IMAGE.sub("", line))
        if not text:
            after_break = True
            continue
        _place(text, after_break, result)
        after_break = False
    return result


def _place(text: str, after_break: bool, result: _Body) -> None:
    """Put one non-empty body line where it belongs (dropped, caption, time, paragraph)."""
    if text == "编辑":
        return
    bp = boilerplate.load()
    text = _EDGES.sub("", bp.strip_disclaimers(text))
    if not text or bp.is_disclaimer(text):
        return
    if after_break and _is_caption(text):
        result.keep("caption", text)
    elif _META_LINE.match(text):
        result.published_at = result.published_at or parse_datetime(text)
    else:
        result.keep("paragraph", text)
