"""The NetEase (163.com) extractor: every known layout, picked by marker elements, never by URL date.

Layouts: the current www.163.com template (网易号 /dy/article/ and /{channel}/article/),
the 2019-2020 `.post_text#endText` pages, the pre-2021 `#endText` pages (GBK, 亦观察
column pages with `div.entext`), old dy.163.com/v2 pages, mobile `.article-body`
pages, photo sets (gallery JSON) and video pages. Selectors and text rules are data:
scrapers/data/netease.toml.
"""

from __future__ import annotations

import re

from functools import lru_cache

from fincorpus.corpus.errors import NotAnArticle
from fincorpus.corpus.model import Article, Provenance
from fincorpus.scrapers import netease_meta as meta
from fincorpus.scrapers.html import HtmlDocument, clean_text
from fincorpus.scrapers.netease_body import Body, extract_body, find_container
from fincorpus.scrapers.netease_media import gallery_body, gallery_source, is_video_page, video_body
from fincorpus.scrapers.netease_rules import Rules, rules
from fincorpus.scrapers.netease_select import Index


@lru_cache(maxsize=2)
def page_index(doc: HtmlDocument) -> Index:
    """The selector index of a page, shared by matches() and extract() on the same document."""
    return Index(doc.tree)


class NetEaseExtractor:
    """Extracts articles from NetEase pages (www/news/money/tech/dy/m/3g.163.com and archives)."""

    name = "netease"
    version = "1"

    def matches(self, doc: HtmlDocument) -> bool:
        """True for 163.com/126.net hosts and for pages carrying NetEase's own markers."""
        spec = rules()["match"]
        host = doc.host.lower()
        if any(host == h or host.endswith("." + h) for h in spec["hosts"]):
            return True
        ix = page_index(doc)
        if ix.first(spec["strong"]) is not None:
            return True
        if ix.first(spec["weak"]) is None:
            return False
        titles = ix.by_tag.get("title", [])
        return any(h in doc.text for h in spec["hints"]) or bool(titles and "网易" in titles[0].text_content())

    def extract(self, doc: HtmlDocument) -> Article:
        """The article of a NetEase page; NotAnArticle for deleted, empty or non-article pages."""
        r, ix = rules(), page_index(doc)
        url = meta.canonical_url(ix, doc, r)
        _refuse_deleted_title(ix, doc, url, r)
        body = _body(ix, doc, url, r)
        src = meta.source(ix, r) or gallery_source(ix, r)
        extras = meta.extras(ix, r)
        if body.original_title:
            extras["original_title"] = body.original_title
        return Article(
            title=meta.title(ix, r), paragraphs=tuple(body.paragraphs),
            extractor=Provenance(self.name, self.version), url=url,
            docid=meta.docid(ix, doc, url, r), site="163.com", channel=meta.channel(ix, r),
            author=meta.author(ix, doc, url, src, r), source=src, editor=meta.editor(ix, r),
            published_at=meta.published_at(ix, r), captions=tuple(body.captions),
            images=tuple(body.images), source_kind="html", extras=extras,
            reading_order=tuple(body.reading_order),
        )


def _name(doc: HtmlDocument, url: str | None) -> str:
    return url or doc.url or "NetEase page"


def _title_says(title: str, marker: str) -> bool:
    """Whether `marker` stands in the title: "404" alone, not inside 第404篇 or 404亿美元."""
    if not marker.isascii():
        return marker in title
    return re.search(rf"(?<![\w.]){re.escape(marker)}(?![\w.%])", title) is not None


def _refuse_deleted_title(ix: Index, doc: HtmlDocument, url: str | None, r: Rules) -> None:
    """A 404 / 页面不存在 <title> means the article is gone, whatever else the page holds."""
    titles = ix.by_tag.get("title", [])
    page_title = clean_text(titles[0].text_content()) if titles else ""
    if page_title and any(_title_says(page_title, m) for m in r["deleted"]["title_markers"]):
        raise NotAnArticle(f"{_name(doc, url)}: deleted article (page title {page_title[:40]!r})", "deleted")


def _refuse_empty(doc: HtmlDocument, url: str | None, r: Rules, had_container: bool) -> None:
    """Raise the right NotAnArticle for a page whose body yielded no paragraph."""
    text = clean_text(" ".join(doc.tree.xpath("//body//text()[not(parent::script)][not(parent::style)]")))
    marker = next((m for m in r["deleted"]["markers"] if m in text), None)
    if marker:
        raise NotAnArticle(f"{_name(doc, url)}: deleted article (page says {marker!r})", "deleted")
    if had_container:
        raise NotAnArticle(f"{_name(doc, url)}: the article body is empty (anti-bot or title-only page; "
                           "retry later)", "empty-body")
    raise NotAnArticle(f"{_name(doc, url)}: no NetEase article body found (not an article page?)",
                       "not-article")


def _body(ix: Index, doc: HtmlDocument, url: str | None, r: Rules) -> Body:
    """The body by layout: article container, else photo-set gallery, else video description."""
    container = find_container(ix, r)
    body = extract_body(container, r) if container is not None else Body()
    if not body.paragraphs:
        body = gallery_body(ix, r) or body
    if not body.paragraphs and is_video_page(ix, doc, url, r):
        body = video_body(ix, r)
        if not body.paragraphs:
            raise NotAnArticle(f"{_name(doc, url)}: video page without a description", "empty-body")
    if not body.paragraphs:
        _refuse_empty(doc, url, r, ix.first(r["body"]["containers"]) is not None)
    return body
