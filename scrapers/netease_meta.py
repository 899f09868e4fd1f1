"""Metadata of a NetEase page: title, time, source, editor, 网易号 account, channel, URL, DOCID.

Every field is read through an ordered list of selectors from data/netease.toml,
so one function serves all layouts (current, 2019, 2015, 亦观察, old dy, mobile).
"""

from __future__ import annotations

import re
from datetime import datetime
from itertools import chain
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

from lxml import etree

from fincorpus.scrapers.html import (HtmlDocument, clean_text, element_text, first_meta, fold,
                                     meta_index, parse_datetime)
from fincorpus.scrapers.netease_rules import Rules
from fincorpus.scrapers.netease_select import Index

_WORD_END = re.compile(r"[\s\u3000\u00a0]")


def _own_docids(ix: Index, rules: Rules) -> set[str]:
    """DOCIDs the page states for itself (canonical link, og:url, data-docid)."""
    pattern = re.compile(rules["url"]["docid"])
    links = ix.by_tag.get("link", [])
    values = [el.get("href") or "" for el in links if el.get("rel") == "canonical"]
    values += [meta(ix, "og:url") or "", *ix.select("[data-docid]@data-docid")]
    found = {m.group(1) for v in values if (m := pattern.search(urlsplit(v.strip()).path))}
    return found | {v.strip() for v in values if re.fullmatch(r"[A-Z0-9]{16}", v.strip())}


def _links_elsewhere(item: etree._Element, pattern: re.Pattern[str], own: set[str]) -> bool:
    """True when the element links to an article page other than this one."""
    for link in item.iter("a"):
        match = pattern.search(urlsplit((link.get("href") or "").strip()).path)
        if match and match.group(1) not in own:
            return True
    return False


def foreign_roots(ix: Index, rules: Rules) -> frozenset:
    """Roots of the blocks about other articles (feeds, recommendations, 往期回顾, comments).

    Their entries print a time, a source and a title of their own; a page without its own
    publish time or account card would otherwise take them from the first entry. Found once
    per page (kept in the index memo).
    """
    if "foreign" not in ix.memo:
        spec = rules["regions"]
        roots = set(ix.select(spec["foreign"]))
        pattern, own = re.compile(rules["url"]["docid"]), _own_docids(ix, rules)
        for tag in spec["item_tags"]:
            items = ix.by_tag.get(tag, [])
            roots.update(item for item in items if _links_elsewhere(item, pattern, own))
        ix.memo["foreign"] = frozenset(roots)
    return ix.memo["foreign"]  # type: ignore[return-value]


def is_own(el: etree._Element, ix: Index, rules: Rules) -> bool:
    """True when the element is not inside a block about another article."""
    roots = foreign_roots(ix, rules)
    return el not in roots and not any(a in roots for a in el.iterancestors())


def _own_elements(ix: Index, selector: str, rules: Rules) -> list:
    found = ix.select(selector)
    return [el for el in found if isinstance(el, etree._Element) and is_own(el, ix, rules)]


def _texts(ix: Index, selectors: list[str], rules: Rules) -> Iterator[str]:
    """Non-empty rendered texts of the selectors' own elements (never inside a feed),
    computed lazily in rule order."""
    for selector in selectors:
        for el in _own_elements(ix, selector, rules):
            text = element_text(el)
            if text:
                yield text


def _attributes(ix: Index, selectors: list[str], rules: Rules) -> Iterator[str]:
    """Values of `selector@attr` rules on the page's own elements only
    (a feed entry's data-ptime is another article's time)."""
    for selector in selectors:
        path, _, attribute = selector.partition("@")
        for el in _own_elements(ix, path, rules):
            value = el.get(attribute)
            if value is not None:
                yield value


def meta(ix: Index, *keys: str) -> str | None:
    """The first non-empty <meta property|name|itemprop=key content> among keys."""
    if "meta" not in ix.memo:
        ix.memo["meta"] = meta_index(ix.tree)
    return first_meta(ix.memo["meta"], *keys)  # type: ignore[arg-type]


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
    found = next(_texts(ix, rules["title"]["selectors"], rules), None)
    if found:
        return found
    cleaned, og = page_title(ix, rules), clean_text(meta(ix, "og:title"))
    wanted = {fold(cleaned), fold(og)} - {""}
    for el in ix.select(rules["title"]["headline_tags"]):
        text = element_text(el)
        if text and fold(text) in wanted:
            return text
    if og and not (cleaned and cleaned.startswith(og) and len(cleaned) > len(og)):
        return og
    return cleaned


def published_at(ix: Index, rules: Rules) -> datetime | None:
    """Publish time: page attributes, then meta tags, then the time printed in the info line.

    Only the page's own elements count: a list of other articles prints their times, and a
    page without a time of its own must come out without one (flagged no-publish-time).
    """
    spec = rules["time"]
    values = chain(_attributes(ix, spec["attributes"], rules), [meta(ix, *spec["metas"]) or ""],
                   _texts(ix, spec["text"], rules))
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
    """The outlet after 来源 (location suffix dropped); on 网易号 pages the account name.

    Read from the page's own info lines only: feed entries carry a .source of their own.
    """
    spec = rules["source"]
    lines = (e for s in spec["labelled"] for e in _own_elements(ix, s, rules))
    labelled = (_labelled_source(e, rules) for e in lines)
    credits = (_credit_source(text) for text in _texts(ix, spec["credit"], rules))
    for name in chain(_texts(ix, spec["direct"], rules), labelled, credits):
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
    for text in _texts(ix, rules["editor"]["regions"], rules):
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
    """The 网易号 account on dy pages (card name, else the 来源 name); None elsewhere.

    The card is the article's own author area; names in feed entries are other accounts.
    """
    if not is_dy(ix, doc, url, rules):
        return None
    return next(_texts(ix, rules["author"]["wemedia"], rules), None) or src


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
