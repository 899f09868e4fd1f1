"""One entry point from bytes to a clean Article: decode, pick an extractor, check the result.

Extractors are chosen by host and page markers (never by dates in the URL):
the NetEase rules when the page is a 163.com page or carries NetEase's markers,
the generic density extractor for other HTML, the text-copy parser for text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from fincorpus.corpus.errors import NotAnArticle
from fincorpus.corpus.model import Article, RawPage
from fincorpus.scrapers.encoding import decode
from fincorpus.scrapers.generic import GenericExtractor
from fincorpus.scrapers.html import parse_html
from fincorpus.scrapers.netease import NetEaseExtractor
from fincorpus.scrapers.script import looks_traditional
from fincorpus.scrapers.textcopy import TextCopyExtractor

#: Pages larger than this are refused: no real article page comes near it.
MAX_PAGE_BYTES = 16 * 1024 * 1024

#: A body shorter than this (without whitespace) is not an article: a stray note, a label.
MIN_BODY_CHARS = 20

#: Extractors by name, in the order they are tried on HTML (the generic one last).
HTML_EXTRACTORS = {"netease": NetEaseExtractor, "generic": GenericExtractor}
TEXT_EXTRACTORS = {"textcopy": TextCopyExtractor}

#: Share of control / unassigned / undecodable characters above which decoded text is binary.
GARBAGE_RATIO = 0.05
_GARBAGE_CATEGORIES = frozenset({"Cc", "Cn", "Cs"})
# Runs of characters that are never garbage (whitespace, ASCII, Latin, punctuation, CJK,
# full-width forms): removed first, so only the rare rest is looked up one by one.
_NEVER_GARBAGE = re.compile("[\t\n\r\f\v\x20-\x7e\u00a0-\u024f\u2000-\u2064\u3000-\u303f"
                            "\u4e00-\u9fff\uff01-\uffbe\uffe0-\uffe6]+")

_HTML_MARK = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|div|p|article|meta|title)\b", re.I)
_MAGIC = {b"%PDF": "PDF", b"PK\x03\x04": "ZIP/Office", b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG",
          b"GIF8": "GIF", b"\x1f\x8b": "gzip", b"\x7fELF": "ELF"}


def _refuse_unreadable(data: bytes, name: str) -> None:
    if not data.strip():
        raise NotAnArticle(f"{name}: the file is empty; give a saved HTML page or a text copy", "empty-file")
    if len(data) > MAX_PAGE_BYTES:
        size = len(data) / 1024 / 1024
        raise NotAnArticle(f"{name}: {size:.1f} MB is over the {MAX_PAGE_BYTES // 2**20} MB page limit; "
                           "is this really one article page?", "too-large")
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            raise NotAnArticle(f"{name}: this is a {kind} file, not HTML or text", "binary")
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotAnArticle(f"{name}: binary content (NUL bytes), not HTML or text", "binary")


def _refuse_decoded(text: str, name: str) -> None:
    """Refuse text that decodes to blanks, or to binary (a few % control/undecodable chars)."""
    if not text.replace("\ufeff", "").strip():
        raise NotAnArticle(f"{name}: the file holds only whitespace; give a saved HTML page or a "
                           "text copy", "empty-file")
    sample = text[:10_000]  # enough to tell binary from text, and cheap
    rare = _NEVER_GARBAGE.sub("", sample)
    bad = sum(1 for ch in rare if ch == "\ufffd" or unicodedata.category(ch) in _GARBAGE_CATEGORIES)
    if bad > GARBAGE_RATIO * len(sample):
        raise NotAnArticle(f"{name}: {bad} of {len(sample)} characters are control or undecodable "
                           "bytes; this is binary data, not HTML or text", "binary")


def _flags(text: str, is_html: bool, article: Article) -> tuple[str, ...]:
    flags = list(article.flags)
    if is_html and "</html" not in text[-4096:].lower() and "</body" not in text[-8192:].lower():
        flags.append("truncated-html")
    if article.published_at is None:
        flags.append("no-publish-time")
    if looks_traditional(article.text):
        flags.append("traditional-chinese")
    return tuple(dict.fromkeys(flags))


def extract(data: bytes, url: str | None = None, content_type: str | None = None) -> Article:
    """A clean Article from page bytes (HTML or a copied-text page).

    Raises NotAnArticle, with a one-line reason, for pages that hold no article
    (empty, binary, deleted, anti-bot, empty body); never returns an empty article.
    """
    name = url or "page"
    _refuse_unreadable(data, name)
    decoded = decode(data, content_type)
    text = decoded.text
    _refuse_decoded(text, name)
    is_html = bool(_HTML_MARK.search(text[:20000]))
    if is_html:
        doc = parse_html(text, url, decoded.encoding)
        extractors = (cls() for cls in HTML_EXTRACTORS.values())
        article = next(x for x in extractors if x.matches(doc)).extract(doc)
    else:
        article = TextCopyExtractor().extract(text, url)
    if not article.paragraphs:
        raise NotAnArticle(f"{name}: no article body found (deleted page, anti-bot page or not an "
                           "article)", "empty-body")
    if len("".join(article.text.split())) < MIN_BODY_CHARS:
        raise NotAnArticle(f"{name}: only {len(article.text.strip())} characters of text; "
                           "too short to be an article", "too-short")
    return replace(article, encoding=decoded.encoding, flags=_flags(text, is_html, article))


def extract_page(page: RawPage) -> Article:
    """Extract a stored or fetched RawPage (its final URL names the article)."""
    return extract(page.body, page.final_url or page.url, page.content_type)
