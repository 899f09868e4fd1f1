"""Discovery: article leads from NetEase feeds, listing pages and sitemaps (URL files: urlfile.py).

Pure parsing (bytes in, leads out): the crawl loop fetches, keeps the frontier and
applies scope. Endpoints and payload shapes follow NETEASE.md §4.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from fincorpus.corpus.model import Lead
from fincorpus.scrapers.encoding import decode
from fincorpus.scrapers.html import clean_text, element_text, parse_datetime, parse_html
from fincorpus.scrapers.urls import canonical_url, host_allowed, is_article_url, starts_like_http_url, url_key
from lxml import etree

#: Channel names accepted bare by channel_seed (temp.163.com/special/00804KVA/cm_{name}.js).
KNOWN_CHANNELS = ("yaowen", "guonei", "guoji", "shehui", "money", "tech", "war", "dujia")
#: A gzip sitemap may not inflate beyond this (a zip bomb guard; sitemaps.org allows 50 MB).
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
FEED_KINDS = ("author-feed", "channel-feed", "listing", "sitemap")

_DOCID = re.compile(r"^[A-Z0-9]{16}$")
_WEMEDIA_ID = re.compile(r"^W\d{5,}$")
_MEDIA_ID = re.compile(r"^T\d{5,}$")
_CHANNEL_FEED_PATH = re.compile(r"/special/.*\.js$|/touch/reconstruct/article/list/")
_JSONP = re.compile(r"^\s*[A-Za-z_$][\w$.]*\s*\((?P<payload>.*)\)\s*;?\s*$", re.DOTALL)
_US_DATE = re.compile(r"^\s*(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})")
_JS_PAGE = re.compile(r"^(?P<stem>.+?)(?:_(?P<n>\d{2,}))?\.js$")
_OFFSET_PAGE = re.compile(r"/(?P<offset>\d+)-(?P<size>\d+)\.html$")
_TIME_NODES = etree.XPath(
    ".//*[self::time or contains(concat(' ', normalize-space(@class), ' '), ' time ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' post_time ')]")


@dataclass(frozen=True, slots=True)
class Found:
    """What one feed gave: article leads (canonical, one per key) and further feeds to follow."""

    leads: tuple[Lead, ...] = ()
    feeds: tuple[Lead, ...] = ()


def classify(url: str) -> str:
    """The Lead kind a URL gives by its shape alone (works on a local mirror too)."""
    try:
        path = urlsplit(url.strip()).path.lower()
    except ValueError:
        return "listing"
    if path.endswith("/list.do"):
        return "author-feed"
    if _CHANNEL_FEED_PATH.search(path):
        return "channel-feed"
    if path.endswith((".xml", ".xml.gz")) or "sitemap" in path:
        return "sitemap"
    return "article" if is_article_url(url) else "listing"


def parse(kind: str, body: bytes, url: str, content_type: str = "") -> Found:
    """Leads from one fetched feed; ValueError with a one-line reason when it is malformed."""
    parsers = {"author-feed": _author_feed, "channel-feed": _channel_feed,
               "listing": _listing, "sitemap": _sitemap}
    if kind not in parsers:
        raise ValueError(f"{url}: cannot parse kind {kind!r} (feed kinds: {', '.join(FEED_KINDS)})")
    if not body.strip():
        raise ValueError(f"{kind.replace('-', ' ')} {url}: empty body")
    return parsers[kind](body, url, content_type)


def _one_line(text: object) -> str:
    """The first line of an error message (the crawl stores one-line failure reasons)."""
    return (str(text).strip().splitlines() or [""])[0]


def _found(leads: Sequence[Lead], feeds: Sequence[Lead] = ()) -> Found:
    """Leads de-duplicated by url_key in first-seen order; a later copy only fills gaps."""
    unique: dict[str, Lead] = {}
    for lead in leads:
        key = url_key(lead.url)
        first = unique.setdefault(key, lead)
        if first is not lead:
            unique[key] = replace(first, title=first.title or lead.title,
                                  published_at=first.published_at or lead.published_at,
                                  source=first.source or lead.source)
    return Found(tuple(unique.values()), tuple(dict.fromkeys(feeds)))


def _text(value: object) -> str | None:
    """A feed field as clean text, None when absent or empty."""
    return (clean_text(value) or None) if isinstance(value, str) else None


def _feed_time(value: object) -> datetime | None:
    """A feed timestamp as parse_datetime reads it ('10/16/2025 20:02:18' → '2025-10-16 …')."""
    if not isinstance(value, str):
        return None
    match = _US_DATE.match(value)
    if match:
        value = f"{match['y']}-{match['m']}-{match['d']}{value[match.end():]}"
    return parse_datetime(value)


def _load_json(text: str, label: str) -> object:
    """JSON as real feeds write it: strict first, then with trailing commas and 'quotes' fixed."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError(f"{label}: JSON nested too deeply") from None
    except json.JSONDecodeError as strict:
        try:
            return json.loads(_relax_json(text))
        except (json.JSONDecodeError, RecursionError):
            raise ValueError(f"{label}: not JSON ({_one_line(strict)})") from None


def _relax_json(text: str) -> str:
    """Text with JS-isms made JSON: single-quoted strings, trailing commas (strings untouched)."""
    out, i, quote = [], 0, ""
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\" and i + 1 < len(text):
                nxt = text[i + 1]
                out.append(nxt if nxt == "'" else char + nxt)  # \' is JS, not JSON
                i += 2
                continue
            if char == quote:
                out.append('"')
                quote = ""
            else:
                out.append('\\"' if char == '"' else char)
        elif char in "\"'":
            quote = char
            out.append('"')
        elif char == "," and re.match(r"\s*[\]}]", text[i + 1:i + 64]):
            pass
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _origin_article(docid: str, feed_url: str) -> str:
    """The article URL of a DOCID: www.163.com, or the feed's own origin for a local mirror."""
    if host_allowed(feed_url, ("163.com",)):
        return f"https://www.163.com/dy/article/{docid}.html"
    parts = urlsplit(feed_url)
    return canonical_url(f"{parts.scheme}://{parts.netloc}/dy/article/{docid}.html")


def _with_param(url: str, name: str, value: str) -> str:
    """The URL with one query parameter set, the other items kept verbatim and in order."""
    base, _, query = url.partition("?")
    items = [item for item in query.split("&") if item]
    new = f"{name}={value}"
    replaced = [new if item.partition("=")[0] == name else item for item in items]
    return f"{base}?{'&'.join(replaced if new in replaced else [*items, new])}"


def _query_int(url: str, name: str) -> int | None:
    """An integer query parameter, None when absent or not a number."""
    for item in urlsplit(url).query.split("&"):
        key, _, value = item.partition("=")
        if key == name and value.strip().isdigit():
            return int(value)
    return None


def _author_items(data: object, label: str) -> list:
    """data.list of an author feed, once its code says the call worked."""
    payload = data if isinstance(data, dict) else {}
    if payload.get("code") not in (None, 200, "200"):
        reason = payload.get("msg") or payload.get("message") or "no message"
        raise ValueError(f"{label}: code {payload.get('code')} ({_one_line(reason)})")
    inner = payload.get("data")
    items = inner.get("list") if isinstance(inner, dict) else None
    if isinstance(items, list):
        return items
    raise ValueError(f"{label}: no data.list array (got a JSON {type(data).__name__})")


def _author_feed(body: bytes, url: str, content_type: str) -> Found:
    """网易号 author feed: {"code":200,"data":{"list":[{docid,title,ptime,source,imgsrc}]}}."""
    label = f"author feed {url}"
    items = _author_items(_load_json(decode(body, content_type).text.lstrip("\ufeff"), label), label)
    leads = [Lead(_origin_article(item["docid"], url), title=_text(item.get("title")),
                  published_at=_feed_time(item.get("ptime")), source=_text(item.get("source")))
             for item in items
             if isinstance(item, dict) and _DOCID.match(str(item.get("docid") or ""))]
    size, page = _query_int(url, "size"), _query_int(url, "pageNo") or 1
    full = bool(items) and (size is None or len(items) == size)
    return _found(leads, [Lead(_with_param(url, "pageNo", str(page + 1)), "author-feed")] if full else [])


def _channel_items(payload: object, label: str) -> list[dict]:
    """Items of data_callback([...]) or artiList({"<column id>": [...]})."""
    if isinstance(payload, list):
        return [item for item in payload if isinstance(item, dict)]
    if isinstance(payload, dict):
        lists = [value for value in payload.values() if isinstance(value, list)]
        return [item for value in lists for item in value if isinstance(item, dict)]
    raise ValueError(f"{label}: expected a list or an object of lists, got {type(payload).__name__}")


def _item_url(item: dict, feed_url: str) -> str | None:
    """The article URL of a channel item: docurl/url/skipURL when article-shaped, else its DOCID."""
    for key in ("docurl", "url", "skipURL", "skipurl", "link"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            absolute = urljoin(feed_url, value.strip())
            if is_article_url(absolute):
                return canonical_url(absolute)
    docid = str(item.get("docid") or "")
    return _origin_article(docid, feed_url) if _DOCID.match(docid) else None


def _next_channel_page(url: str) -> str | None:
    """cm_x.js → cm_x_02.js → cm_x_03.js; list/…/0-20.html → 20-20.html.

    Asked only after a non-empty page. These feeds never say which page is the last, so the
    crawl bounds the chain with --max-pages (and a 404 or an empty page ends it).
    """
    base, mark, query = url.partition("?")
    head, _, last = base.rpartition("/")
    match = _JS_PAGE.match(last)
    if match:
        number = int(match["n"]) + 1 if match["n"] else 2
        return f"{head}/{match['stem']}_{number:02d}.js{mark}{query}"
    match = _OFFSET_PAGE.search(base)
    if match:
        offset, size = int(match["offset"]), int(match["size"])
        return f"{base[:match.start()]}/{offset + size}-{size}.html{mark}{query}"
    return None


def _channel_feed(body: bytes, url: str, content_type: str) -> Found:
    """Channel JSONP: data_callback([{title, docurl, time, source, …}]) or artiList({...})."""
    label = f"channel feed {url}"
    text = decode(body, content_type).text.lstrip("\ufeff").strip()
    match = _JSONP.match(text)
    if match is None and not text.startswith(("[", "{")):
        raise ValueError(f"{label}: not JSONP (starts {text[:40]!r})")
    items = _channel_items(_load_json(match["payload"] if match else text, label), label)
    leads = [Lead(link, title=_text(item.get("title")), source=_text(item.get("source")),
                  published_at=_feed_time(item.get("time") or item.get("ptime")))
             for item in items if (link := _item_url(item, url))]
    following = _next_channel_page(url) if items else None
    return _found(leads, [Lead(following, "channel-feed")] if following else [])


def _base_href(tree: etree._Element, url: str) -> str:
    """The base for relative links: <base href> when the page sets one."""
    for base in tree.iter("base"):
        if base.get("href"):
            return urljoin(url, base.get("href").strip())
    return url


def _article_href(anchor: etree._Element, base: str) -> str | None:
    """The absolute URL of a link when it points at an article, else None."""
    href = (anchor.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:")):
        return None
    absolute = urljoin(base, href)
    return absolute if is_article_url(absolute) else None


def _nearby_time(anchor: etree._Element, keys: dict[etree._Element, str]) -> datetime | None:
    """The .time / .post_time of the nearest enclosing block that holds only this one article."""
    node = anchor
    for _ in range(4):
        node = node.getparent()
        if node is None or node.tag in ("body", "html"):
            return None
        if any(keys[a] != keys[anchor] for a in node.iter("a") if a in keys):
            return None
        for element in _TIME_NODES(node):
            stamp = parse_datetime(element.get("datetime") or element_text(element))
            if stamp:
                return stamp
    return None


def _listing(body: bytes, url: str, content_type: str) -> Found:
    """Listing HTML (channel, 网易号 media, rank pages): every link that is an article."""
    decoded = decode(body, content_type)
    tree = parse_html(decoded.text, url, decoded.encoding).tree
    base = _base_href(tree, url)
    hrefs = {anchor: href for anchor in tree.iter("a") if (href := _article_href(anchor, base))}
    keys = {anchor: url_key(href) for anchor, href in hrefs.items()}
    leads = [Lead(canonical_url(href), title=element_text(anchor) or _text(anchor.get("title")),
                  published_at=_nearby_time(anchor, keys))
             for anchor, href in hrefs.items()]
    return _found(leads)


def _gunzip(body: bytes, label: str) -> bytes:
    """A gzip body inflated, refusing more than MAX_SITEMAP_BYTES and truncated streams."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, MAX_SITEMAP_BYTES + 1)
    except zlib.error as error:
        raise ValueError(f"{label}: bad gzip data ({_one_line(error)})") from None
    if len(data) > MAX_SITEMAP_BYTES:
        raise ValueError(f"{label}: more than {MAX_SITEMAP_BYTES // 2**20} MB once decompressed")
    if not inflater.eof:
        raise ValueError(f"{label}: gzip data cut short")
    return data


def _local(element: etree._Element) -> str:
    """An element's name without its namespace ('' for comments and PIs)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _child_text(element: etree._Element, name: str) -> str | None:
    """Text of the first child with this local name (any namespace)."""
    for child in element:
        if _local(child) == name and (child.text or "").strip():
            return child.text.strip()
    return None


def _sitemap(body: bytes, url: str, content_type: str) -> Found:
    """Sitemap XML (plain or gzip): urlset → article leads, sitemapindex → child sitemaps."""
    label = f"sitemap {url}"
    data = _gunzip(body, label) if body[:2] == b"\x1f\x8b" else body
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data.lstrip(b" \t\r\n\xef\xbb\xbf"), parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"{label}: not XML ({_one_line(error)})") from None
    kind = _local(root)
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"{label}: not a sitemap (root element <{kind}>)")
    entries = [(child, _child_text(child, "loc")) for child in root
               if _local(child) == ("url" if kind == "urlset" else "sitemap")]
    entries = [(child, urljoin(url, loc)) for child, loc in entries if loc]
    entries = [(child, loc) for child, loc in entries if starts_like_http_url(loc)]
    if kind == "sitemapindex":
        return _found([], [Lead(canonical_url(loc), "sitemap") for _, loc in entries])
    return _found([_sitemap_lead(child, loc) for child, loc in entries])


def _sitemap_lead(entry: etree._Element, loc: str) -> Lead:
    """One <url>: its loc, and title and publish time from a Google News <news:news> block.

    <lastmod> is deliberately not used as published_at: it is the last change, so an article
    edited after --until would be dropped unfetched if it stood in for the publish time.
    """
    news = next((child for child in entry if _local(child) == "news"), None)
    if news is None:
        return Lead(canonical_url(loc))
    return Lead(canonical_url(loc), title=_child_text(news, "title"),
                published_at=parse_datetime(_child_text(news, "publication_date")))


def author_seed(value: str) -> Lead:
    """The first feed of a --author value: a W… wemediaId, a T… media id or a URL."""
    text = value.strip()
    if _WEMEDIA_ID.match(text):
        return Lead("https://dy.163.com/v2/article/list.do?pageNo=1"
                    f"&wemediaId={text}&size=20", "author-feed")
    if _MEDIA_ID.match(text):
        return Lead(f"https://www.163.com/dy/media/{text}.html", "listing")
    if starts_like_http_url(text):
        return Lead(canonical_url(text), classify(text))
    raise ValueError(f"author {value!r}: expected a wemediaId (W + digits, the author-feed id), "
                     "a media id (T + digits, from /dy/media/T….html) or an http(s) URL")


def channel_seed(name: str) -> Lead:
    """The first feed of a --channel value: a known channel name or a URL."""
    text = name.strip()
    if starts_like_http_url(text):
        return Lead(canonical_url(text), classify(text))
    bare = text.lower().removeprefix("cm_")
    if bare in KNOWN_CHANNELS:
        return Lead(f"https://temp.163.com/special/00804KVA/cm_{bare}.js?callback=data_callback",
                    "channel-feed")
    raise ValueError(f"channel {name!r}: expected an http(s) URL or one of {', '.join(KNOWN_CHANNELS)}")
