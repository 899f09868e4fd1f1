"""Parsed HTML pages and the small helpers every HTML extractor shares."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import lxml.html
from lxml import etree

SHANGHAI = ZoneInfo("Asia/Shanghai")

_ASCII_SPACE = re.compile(r"[ \t\r\n\f]+")
_EDGE_SPACE = " \t\r\n\f\u3000\u00a0\u200b\ufeff"
_DATETIME = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[\sT]*(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2}))?)?"
    r"(?P<tz>\s*(?:Z|[+-]\d{2}:?\d{2}))?"
)


@dataclass(frozen=True, slots=True)
class HtmlDocument:
    """A decoded, parsed page: what every HTML extractor receives."""

    url: str | None
    text: str
    encoding: str
    tree: lxml.html.HtmlElement

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or "" if self.url else ""


def parse_html(text: str, url: str | None, encoding: str) -> HtmlDocument:
    """Parse decoded text with lxml (tolerant of truncated and malformed markup)."""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True)
    # lxml refuses str input that carries an XML encoding declaration.
    cleaned = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    root = lxml.html.document_fromstring(cleaned or "<html></html>", parser=parser)
    return HtmlDocument(url=url, text=text, encoding=encoding, tree=root)


def clean_text(value: str | None) -> str:
    """Collapse ASCII whitespace runs to one space, as a browser renders, and strip the edges."""
    if not value:
        return ""
    return _ASCII_SPACE.sub(" ", value).strip(_EDGE_SPACE)


def element_text(element: etree._Element) -> str:
    """The rendered text of an element, ignoring <script> and <style> inside it."""
    parts = []
    for node in element.iter():
        if node.tag in ("script", "style", "noscript", "textarea") or not isinstance(node.tag, str):
            if node is not element and node.tail:
                parts.append(node.tail)
            continue
        if node.tag == "br":
            parts.append(" ")
        if node.text:
            parts.append(node.text)
        if node is not element and node.tail:
            parts.append(node.tail)
    return clean_text("".join(parts))


def fold(text: str | None) -> str:
    """Text as comparisons (and the extraction metric) see it: NFKC, no whitespace at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def meta_index(tree: etree._Element) -> dict[str, str]:
    """Every <meta name|property|itemprop content> by lower-cased key, first one wins (one pass)."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = (meta.get("content") or "").strip()
        for attr in ("property", "name", "itemprop"):
            key = (meta.get(attr) or "").strip().lower()
            if key and content:
                found.setdefault(key, content)
    return found


def first_meta(metas: dict[str, str], *keys: str) -> str | None:
    """The value of the first key present."""
    return next((metas[k.lower()] for k in keys if k.lower() in metas), None)


def parse_datetime(value: str | None) -> datetime | None:
    """The first date-time in a string, tz-aware (Beijing time when the string gives no zone)."""
    if not value:
        return None
    match = _DATETIME.search(value)
    if not match:
        return None
    parts = {k: int(v) for k, v in match.groupdict().items() if v and k != "tz"}
    try:
        stamp = datetime(parts["y"], parts["m"], parts["d"], parts.get("H", 0),
                         parts.get("M", 0), parts.get("S", 0))
    except ValueError:
        return None
    zone = (match.group("tz") or "").strip()
    if zone:
        offset = zone if zone == "Z" else zone[:3] + ":" + zone[-2:].lstrip(":")
        aware = datetime.fromisoformat(stamp.isoformat() + ("+00:00" if offset == "Z" else offset))
        return aware.astimezone(SHANGHAI)
    return stamp.replace(tzinfo=SHANGHAI)
