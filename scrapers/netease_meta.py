"""Metadata of a NetEase page: title, time, source, editor, 网易号 account, channel, URL, DOCID.

Every field is read through an ordered list of selectors from data/netease.toml,
so one function serves all layouts (current, 2019, 2015, 亦观察, old dy, mobile).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from itertools import chain
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

from lxml import etree

from fincorpus.scrapers.html import HtmlDocument, clean_text, element_text, parse_datetime
from fincorpus.scrapers.netease_rules import Rules
from fincorpus.scrapers.netease_select import Index

_WORD_END = re.compile(r"[\s\u3000\u00a0]")


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def _texts(ix: Index, selectors: list[str]) -> Iterator[str]:
    """Non-empty rendered texts of the selectors' elements, computed lazily in rule order."""
    for selector in selectors:
        for el in ix.select(selector):
            text = element_text(el) if isinstance(el, etree._Element) else ""
            if text:
                yield text


def meta(ix: Index, *keys: str) -> str | None:
    """The first non-empty <meta property|name|itemprop=key content> among keys."""
    tags = ix.by_tag.get("meta", [])
    for key in keys:
        for el in tags:
            if key in (el.get("property"), el.get("name"), el.get("itemprop")):
                value = (el.get("content") or "").strip()
                if value:
                    return value
    return None


def _keywords(ix: Index) -> set[str]:
    words = set()
    for key in ("keywords", "og:description", "description"):
        for word in re.split(r"[,，]", meta(ix, key) or ""):
            words.add(word.strip())
    return words - {""}


def page_title(ix: Index, rules: Rules) -> str | None:
    """<title> without the site suffix (_网易财经 …) and the trailing |keyword list."""
    titles = ix.by_tag.get("title", [])
    raw = clean_text(titles[0].text_content()) if titles else ""
    suffix = re.compile(rules["title"]["site_suffix"])
    while raw and suffix.search(raw):
        raw = suffix.sub("", raw)
    words = _keywords(ix)
    parts = raw.split("|")
    while len(parts) > 1 and parts[-1].strip() in words:
        parts.pop()
    return "|".join(parts).strip() or None


def title(ix: Index, rules: Rules) -> str | None:
    """The headline: a known title element, else the h1/h2 equal to <title>, else og:title/<title>."""
    found = next(_texts(ix, rules["title"]["selectors"]), None)
    if found:
        return found
    cleaned, og = page_title(ix, rules), clean_text(meta(ix, "og:title"))
    wanted = {_norm(cleaned), _norm(og)} - {""}
    for el in ix.select(rules["title"]["headline_tags"]):
        text = element_text(el)
        if text and _norm(text) in wanted:
            return text
    if og and not (cleaned and cleaned.startswith(og) and len(cleaned) > len(og)):
        return og
    return cleaned


def published_at(ix: Index, rules: Rules) -> datetime | None:
    """Publish time: page attributes, then meta tags, then the time printed in the info line."""
    spec = rules["time"]
    values = chain((str(v) for v in ix.select(spec["attributes"])), [meta(ix, *spec["metas"]) or ""],
                   _texts(ix, spec["text"]))
    for value in values:
        stamp = parse_datetime(value)
        if stamp:
            return stamp
    return None


def _strip_location(name: str, rules: Rules) -> str:
    name = re.sub(r"^(本文)?来源\s*[:：]\s*", "", name.strip())
    return re.sub(rules["source"]["location_suffix"], "", name).strip()


def _labelled_source(el: etree._Element, rules: Rules) -> str | None:
    text = element_text(el)
    if "来源" not in text:
        return None
    after = re.split(r"来源\s*[:：]?", text, maxsplit=1)[1].strip()
    skip = rules["source"]["not_source"]
    for link in el.iter("a"):
        name = element_text(link)
        if name and name not in skip and after.startswith(name):
            return name
    token = _WORD_END.split(after, maxsplit=1)[0] if after else ""
    return token if token and token not in skip else None


def source(ix: Index, rules: Rules) -> str | None:
    """The outlet after 来源 (location suffix dropped); on 网易号 pages the account name."""
    spec = rules["source"]
    labelled = (_labelled_source(e, rules) for e in ix.select(spec["labelled"]))
    credits = (_credit_source(text) for text in _texts(ix, spec["credit"]))
    for name in chain(_texts(ix, spec["direct"]), labelled, credits):
        name = _strip_location(name or "", rules)
        if name:
            return name
    return None


def _credit_source(text: str) -> str | None:
    match = re.search(r"本文来源\s*[:：]\s*([^\s\u3000]+)", text)
    return match.group(1) if match else None


def editor(ix: Index, rules: Rules) -> str | None:
    """The 责任编辑 value as printed (e.g. 李曦_NN2587)."""
    pattern = re.compile(rules["editor"]["pattern"])
    for text in _texts(ix, rules["editor"]["regions"]):
        match = pattern.search(text)
        if match:
            return match.group("name")
    return None


def is_dy(ix: Index, doc: HtmlDocument, url: str | None, rules: Rules) -> bool:
    """True for 网易号 (self-media) pages: by their URL or the account card / statement."""
    spec = rules["author"]
    if any(u and re.search(spec["dy_url"], u) for u in (url, doc.url)):
        return True
    return ix.first(spec["dy_markers"]) is not None


def author(ix: Index, doc: HtmlDocument, url: str | None, src: str | None, rules: Rules) -> str | None:
    """The 网易号 account on dy pages (card name, else the 来源 name); None elsewhere."""
    if not is_dy(ix, doc, url, rules):
        return None
    return next(_texts(ix, rules["author"]["wemedia"]), None) or src


def channel(ix: Index, rules: Rules) -> str | None:
    """html@data-category, else the last meaningful breadcrumb link."""
    category = ix.tree.get("data-category")
    if category and category.strip():
        return category.strip()
    skip = set(rules["channel"]["skip"])
    for crumb in ix.select(rules["channel"]["crumbs"]):
        names = [element_text(a) for a in crumb.iter("a")]
        names = [n for n in names if n and n not in skip]
        if names:
            return names[-1]
    return None


def canonical_url(ix: Index, doc: HtmlDocument, rules: Rules) -> str | None:
    """The article URL the page states (canonical, og:url, share link), else the fetched URL."""
    candidates = [el.get("href") or "" for el in ix.by_tag.get("link", []) if el.get("rel") == "canonical"]
    candidates.append(meta(ix, "og:url") or "")
    candidates += [str(v) for v in ix.select(rules["url"]["share"])]
    candidates.append(doc.url or "")
    for value in candidates:
        value = value.strip()
        if value.startswith("//"):
            value = "https:" + value
        if value.startswith(("http://", "https://")):
            return _clean_url(value)
    return None


def _clean_url(url: str) -> str:
    parts = urlsplit(url)
    query = "" if parts.path.endswith((".html", ".htm", ".shtml")) else parts.query
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def docid(ix: Index, doc: HtmlDocument, url: str | None, rules: Rules) -> str | None:
    """The 16-char DOCID: from the article URL, else data-docid, else the comment config."""
    spec = rules["url"]
    for value in (url, doc.url):
        match = re.search(spec["docid"], urlsplit(value).path) if value else None
        if match:
            return match.group(1)
    for value in ix.select("[data-docid]@data-docid"):
        if re.fullmatch(r"[A-Z0-9]{16}", value.strip()):
            return value.strip()
    match = re.search(spec["docid_config"], doc.text)
    return match.group(1) if match else None


def extras(ix: Index, rules: Rules) -> dict[str, str]:
    """wemedia_id (the W… id of the 网易号) and ip_location (the IP label in the info line)."""
    found: dict[str, str] = {}
    wemedia = [v.strip() for v in ix.select("[data-wemediaid]@data-wemediaid") if v.strip()]
    if wemedia:
        found["wemedia_id"] = wemedia[0]
    for img in (i for i in ix.by_tag.get("img", []) if "ipLocation" in (i.get("src") or "")):
        label = clean_text(img.tail)
        if label:
            found["ip_location"] = label.split()[0]
            break
    return found
