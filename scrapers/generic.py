"""The generic extractor: any Chinese news page, by text density, for sites without own rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree

from fincorpus.corpus.errors import NotAnArticle
from fincorpus.corpus.model import Article, Provenance
from fincorpus.scrapers import boilerplate
from fincorpus.scrapers.column import Column
from fincorpus.scrapers.density import HEADINGS, Block, best_container, count_chars, hints
from fincorpus.scrapers.html import (HtmlDocument, clean_text, element_text, first_meta, fold,
                                     meta_index, parse_datetime)

_BRACKETS = "[]【】()（）〔〕<>《》 \u3000"
_CREDIT_START = re.compile(r"^[\[【（(]?\s*(?:(?:本文|文章|稿件)?来源\s*[:：︰]|责任编辑|责编)")
_CREDIT_LABEL = re.compile(r"((?:本文|文章|稿件)?来源|责任编辑|责编|作者|编辑)\s*[:：︰]?\s*")
_ORIGINAL_TITLE = re.compile(r"^[\[【（(]?\s*原(?:标)?题(?:为)?\s*[:：︰《]")
_CAPTION = re.compile(
    r"^[\[【（(]?\s*(?:图片来源|图片来自\S{0,6}[:：]|图源|图/|图：|图:|图为|图注|资料图|视频来源|"
    r"摄影[:：/]|[上下左右]图[:：为])|^[▲△↑]|(?:截图|截屏|供图|摄|资料图片?|视频截图)\s*[)）]?$")
_CAPTION_CLASS = re.compile(r"center|caption|pic|img|image|photo|desc|note|illus|figure", re.I)
_COPYRIGHT = re.compile(r"版权所有|copyright|©|ICP[备证]", re.I)
_CAPTION_TOKEN = re.compile(r"caption|(?:^|[-_\s])(?:pic|img|photo)-?(?:title|desc|text|note|info)",
                            re.I)
_SENTENCE_PUNCT = re.compile(r"[。！？，；]")
_SENTENCE_END = re.compile(r"[。！？!?…”\"]$")
_META_LINE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|¦| - | — |--|-|—|–)\s*")
_TIME_KEYS = ("article:published_time", "og:article:published_time", "og:release_date",
              "pubdate", "publishdate", "PubDate", "publish_date", "publish-date", "datePublished",
              "weibo: article:create_at", "sailthru.date", "dc.date", "DC.date.issued", "date")
_JSON_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
# Inline spans run together in the text (来源：X分享到：…), so the name stops at the next label.
_NEAR_SOURCE = re.compile(r"来源\s*[:：︰]\s*([^\s|｜/]{2,30}?)(?=分享|责任编辑|编辑|作者|字号|评论|打印|[\s|｜/]|$)")
_NEAR_AUTHOR = re.compile(r"(?:作者|记者|文)\s*[:：︰/]\s*([^\s|｜/,，]{2,20})")
_SECOND_LEVEL = frozenset({"com", "net", "org", "gov", "edu", "co", "ac"})


@dataclass(slots=True)
class Body(Column):
    """What the container's lines sort into: the column's lines, images and credits."""

    images: list[str] = field(default_factory=list)
    editor: str | None = None
    source: str | None = None


def is_caption(block: Block) -> bool:
    """Picture captions: <figcaption>, caption classes, short 图片来源/图为/▲ lines, short
    unpunctuated lines on or under an image."""
    text = block.text
    if block.tag == "figcaption" or _CAPTION_TOKEN.search(hints(block.element)):
        return len(text) <= 200
    if len(text) > 50:
        return False
    if _CAPTION.search(text):
        return True
    if len(text) > 40 or _SENTENCE_END.search(text) or block.tag in HEADINGS:
        return False
    if block.images:
        return True
    return block.after_image and (block.tag != "p" or _looks_like_caption_line(block.element))


def _looks_like_caption_line(element: etree._Element) -> bool:
    """A centred or caption-classed paragraph that is not a bold subheading."""
    if any(child.tag in ("strong", "b") for child in element):
        return False
    style = (element.get("style") or "").replace(" ", "").lower()
    return "text-align:center" in style or element.get("align") == "center" or \
        bool(_CAPTION_CLASS.search(hints(element)))


def parse_credits(text: str) -> dict[str, str] | None:
    """{"source": …, "editor": …} of a 来源/责任编辑 line (`本文来源：X 责任编辑：Y`); None otherwise."""
    if len(text) > 80 or not _CREDIT_START.match(text):
        return None
    pieces = _CREDIT_LABEL.split(text.strip(_BRACKETS))
    credits = {}
    for label, value in zip(pieces[1::2], pieces[2::2]):
        key = "source" if "来源" in label else "editor" if "责" in label else None
        value = value.strip(_BRACKETS + "|｜")
        if key and value and key not in credits:
            credits[key] = value if key == "editor" else value.split()[0]
    return credits


def _sort_line(body: Body, block: Block, text: str) -> str:
    """A line's kind: credit (来源/责任编辑, taken into `body`), original-title, caption or
    paragraph."""
    credits = parse_credits(text)
    if credits is not None:
        body.editor = body.editor or credits.get("editor")
        body.source = body.source or credits.get("source")
        return "credit"
    if _ORIGINAL_TITLE.match(text) and len(text) <= 120:
        return "original-title"
    return "caption" if is_caption(block) else "paragraph"


def _is_noise(block: Block, title: str | None) -> bool:
    """Link lists, the repeated headline, copyright lines and the date/source line under it."""
    text = block.text
    chars = count_chars(text)
    if not chars or block.links > chars * 0.5:
        return True
    if title and fold(text) == fold(title):
        return True
    if len(text) <= 120 and _COPYRIGHT.search(text):
        return True
    return len(text) <= 60 and bool(_META_LINE.search(text)) and "。" not in text \
        and ("来源" in text or len(_META_LINE.sub("", text)) <= 30)


def sort_blocks(blocks: list[Block], title: str | None, base: str | None) -> Body:
    """Body paragraphs, captions and images from the container's lines, and every kept line
    in reading order with its kind."""
    body = Body()
    rules = boilerplate.load()
    for block in blocks:
        body.images.extend(_image_urls(block.images, base))
        if block.text in rules.markers and body.paragraphs:
            break
        if _is_noise(block, title) or (count_chars(block.text) <= 3 and not _has_prose(body)):
            continue
        text = rules.strip_disclaimers(block.text)
        if text:
            body.keep(_sort_line(body, block, text), text)
    return body


def _has_prose(body: Body) -> bool:
    """True once a sentence has been kept (tiny widget labels before it are not body text)."""
    return any(_SENTENCE_PUNCT.search(p) for p in body.paragraphs)


def _image_urls(images: list[etree._Element], base: str | None) -> list[str]:
    """Absolute picture URLs (lazy-load attributes first, inline data: images skipped)."""
    urls = []
    for image in images:
        src = image.get("data-src") or image.get("data-original") or image.get("src") or ""
        src = src.strip()
        if src and not src.startswith("data:"):
            urls.append(urljoin(base, src) if base else src)
    return urls


def strip_site_suffix(title: str) -> str:
    """A <title> without its trailing site/channel names (`_新浪新闻`, `-新华网`)."""
    title = clean_text(title)
    parts = _TITLE_SPLIT.split(title)
    while len(parts) > 1 and len(parts[-1]) <= 16 and len("".join(parts[:-1])) >= 4:
        parts.pop()
    if len(parts) == 1:
        return parts[0]
    return title[:title.find(parts[-1]) + len(parts[-1])].strip()


def find_title(tree: etree._Element,
               metas: dict[str, str]) -> tuple[str | None, etree._Element | None]:
    """The headline and its element: an h1/h2 that <title> starts with, else og:title or <title>."""
    page_title = clean_text(tree.findtext(".//title") or "")
    folded = fold(page_title)
    for tag in ("h1", "h2", "h3"):
        for heading in tree.iter(tag):
            text = element_text(heading)
            if len(fold(text)) >= 4 and folded.startswith(fold(text)):
                return text, heading
    og = first_meta(metas, "og:title", "twitter:title")
    title = strip_site_suffix(og or page_title) or None
    return title, _element_saying(tree, title)


def _element_saying(tree: etree._Element, title: str | None) -> etree._Element | None:
    """The first element in the body whose own text is the title (a headline without <h1>)."""
    body = tree.find("body")
    if not title or body is None:
        return None
    want = fold(title)
    for element in body.iter():
        if isinstance(element.tag, str) and element.text and fold(element.text) == want:
            return element
    return None


def _meta_time(tree: etree._Element, metas: dict[str, str]) -> datetime | None:
    """The publish time the page states for machines: meta tags, <time>, JSON-LD."""
    for key in _TIME_KEYS:
        value = parse_datetime(metas.get(key.lower()))
        if value:
            return value
    for node in tree.iter("time"):
        value = parse_datetime(node.get("datetime") or node.text)
        if value:
            return value
    return _json_time(tree)


def _json_time(tree: etree._Element) -> datetime | None:
    """datePublished of the page's JSON-LD block."""
    for script in tree.iter("script"):
        if script.get("type") != "application/ld+json":
            continue
        match = _JSON_DATE.search(script.text or "")
        if match and parse_datetime(match.group(1)):
            return parse_datetime(match.group(1))
    return None


def text_after(start: etree._Element, stop: etree._Element | None, limit: int = 600) -> str:
    """Visible text following an element in document order, up to `limit` characters or `stop`."""
    parts, size = [], 0
    node = start
    while node is not None and size < limit:
        following = node.getnext()
        while following is None and node is not None:
            node = node.getparent()
            following = node.getnext() if node is not None else None
        node = following
        if node is None or node is stop or not isinstance(node.tag, str):
            continue
        text = element_text(node)
        parts.append(text)
        size += len(text)
    return " ".join(parts)[:limit]


def editor_after(container: etree._Element, siblings: int = 3) -> str | None:
    """The 责任编辑 printed just after the body container (a sibling, not inside it)."""
    for element in container.itersiblings():
        if siblings == 0:
            break
        if isinstance(element.tag, str):
            siblings -= 1
            credits = parse_credits(element_text(element))
            if credits and credits.get("editor"):
                return credits["editor"]
    return None


@dataclass(frozen=True, slots=True)
class Meta:
    """Page metadata found outside the body."""

    published_at: datetime | None
    author: str | None
    source: str | None


def find_meta(tree: etree._Element, metas: dict[str, str], heading: etree._Element | None,
              container: etree._Element) -> Meta:
    """Publish time, author and source: meta tags first, then the line under the headline."""
    near = text_after(heading, container) if heading is not None else ""
    when = _best_time(_meta_time(tree, metas), parse_datetime(near)) or _classed_time(tree)
    author = first_meta(metas, "article:author", "author")
    if not author:
        match = _NEAR_AUTHOR.search(near)
        author = match.group(1) if match else None
    source = first_meta(metas, "source", "og:article:source", "mediaid")
    match = None if source else _NEAR_SOURCE.search(near)
    return Meta(when, author, source or (match.group(1).strip(_BRACKETS) if match else None))


def _best_time(stated: datetime | None, near: datetime | None) -> datetime | None:
    """The meta time, unless it is a bare date and the headline's line gives that day's time."""
    if stated is None:
        return near
    midnight = not (stated.hour or stated.minute or stated.second)
    if near and near.date() == stated.date() and midnight:
        return near
    return stated


def _classed_time(tree: etree._Element) -> datetime | None:
    """A date-time in an element whose class or id says time/date (the last resort)."""
    for element in tree.xpath("//body//*[contains(@class,'time') or contains(@class,'date') "
                              "or contains(@id,'time') or contains(@id,'date')]"):
        value = parse_datetime(element_text(element)[:80])
        if value:
            return value
    return None


def page_url(doc: HtmlDocument, metas: dict[str, str]) -> str | None:
    """The canonical URL the page states, else the URL it was fetched from."""
    for href in doc.tree.xpath("//link[@rel='canonical']/@href"):
        if href.strip().startswith("http"):
            return href.strip()
    og = metas.get("og:url")
    return og if og and og.startswith("http") else doc.url


def registrable_domain(url: str | None) -> str | None:
    """`sina.com.cn` from `https://news.sina.com.cn/...`; None without a host name."""
    host = (urlsplit(url).hostname or "") if url else ""
    labels = [x for x in host.split(".") if x]
    if len(labels) < 2 or host.replace(".", "").isdigit():
        return None
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


class GenericExtractor:
    """Any HTML article page: the main container by text density, then line-level cleaning."""

    name = "generic"
    version = "1"

    def matches(self, doc: HtmlDocument) -> bool:
        """The fallback: every HTML page."""
        return True

    def extract(self, doc: HtmlDocument) -> Article:
        """The article of a page, or NotAnArticle when no prose container is found."""
        root = doc.tree.find("body")
        choice = best_container(root if root is not None else doc.tree)
        if choice is None:
            raise NotAnArticle(f"{doc.url or 'page'}: no article text found", "empty-body")
        metas = meta_index(doc.tree)
        title, heading = find_title(doc.tree, metas)
        url = page_url(doc, metas)
        body = sort_blocks(choice.blocks(), title, url)
        if not body.paragraphs:
            raise NotAnArticle(f"{doc.url or 'page'}: no article text found", "empty-body")
        meta = find_meta(doc.tree, metas, heading, choice.top)
        return Article(
            title=title, paragraphs=tuple(body.paragraphs),
            extractor=Provenance(self.name, self.version),
            url=url, site=registrable_domain(url), author=meta.author,
            source=body.source or meta.source, editor=body.editor or editor_after(choice.top),
            published_at=meta.published_at,
            captions=tuple(body.captions), images=tuple(dict.fromkeys(body.images)),
            reading_order=tuple(body.reading_order))
