"""Canonical URLs and dedup keys, so the same NetEase article is fetched once.

Pure string work: no network, no store. The same DOCID appears under the www,
m and 3g hosts, in the app's share links and with tracking query strings
(NETEASE.md §1), so identity is the DOCID whenever a URL carries one.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from urllib.parse import unquote_plus, urlsplit

#: Query parameters that only say where a click came from (exact names; plus every utm_*).
TRACKING_PARAMS = ("spm", "from", "share_token", "fbclid", "gclid", "msclkid", "yclid",
                   "mc_cid", "mc_eid", "_ga")

# A NetEase click tracker in `f=`: post2020_dy_recommends, post1603_tab_news, wangning...
_NETEASE_TRACKER = re.compile(r"^(?:post\d*_|wangning|www_|pc_|wap_|m_)[\w-]*$", re.IGNORECASE)
_DOCID = r"(?P<docid>[A-Z0-9]{16})(?:_[0-9A-Za-z_]+)?\.html"
_PREFIX = r"(?P<prefix>(?:/[^/]+)*?)"
# Article shapes by path alone, so a local mirror (127.0.0.1) keys pages the way 163.com does.
_CHANNEL_ARTICLE = re.compile(rf"^{_PREFIX}/article/{_DOCID}$")  # /{channel}/article/ID.html
_APP_ARTICLE = re.compile(rf"^{_PREFIX}/news/a/{_DOCID}$")  # c.m.163.com share links
_OLD_DY_ARTICLE = re.compile(rf"^{_PREFIX}/v2/article/detail/{_DOCID}$")  # dy.163.com, 2020
_DATED_ARTICLE = re.compile(rf"^(?P<prefix>(?:/[^/]+)*?/\d{{2}}/\d{{4}}/\d{{2}})/{_DOCID}$")
_DOCID_SHAPES = (_CHANNEL_ARTICLE, _APP_ARTICLE, _OLD_DY_ARTICLE, _DATED_ARTICLE)
_MEDIA_PAGE = re.compile(r"^(?:/[^/]+)*?(?:/photoview/[^/]+/\d+\.html|/v/video/V[0-9A-Za-z]+\.html)$")
_HTTP_URL = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)
_NETLOC = re.compile(r"^(?P<host>\[[^\]]*\]|[^:]*)(?::(?P<port>\d*))?$")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_MOBILE_HOSTS = ("m.163.com", "3g.163.com")


def _split(url: str):
    """urlsplit that answers None instead of raising on malformed input (bad IPv6, ports)."""
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None


def _path(url: str) -> str:
    """The path of a URL, or '' when it cannot be parsed."""
    parts = _split(url)
    return parts.path.strip() if parts else ""


def _is_netease_host(host: str) -> bool:
    """163.com and its subdomains (not look-alikes such as x163.com)."""
    return host == "163.com" or host.endswith(".163.com")


def docid_of(url: str) -> str | None:
    """The 16-char DOCID of an article URL on any host (the dedup key), None otherwise."""
    path = _path(url)
    for shape in _DOCID_SHAPES:
        match = shape.match(path)
        if match:
            return match.group("docid")
    return None


def is_article_url(url: str) -> bool:
    """A page our extractor handles: DOCID article shapes, photo sets (/photoview/…) and
    videos (/v/video/V….html), recognised by path on any host."""
    return docid_of(url) is not None or bool(_MEDIA_PAGE.match(_path(url)))


def url_key(url: str) -> str:
    """Frontier and store identity: 'docid:…' when the URL has one, else 'url:' + canonical URL
    (the convention of Article.key, so a lead and its stored article share a key)."""
    docid = docid_of(url)
    return f"docid:{docid}" if docid else f"url:{canonical_url(url)}"


def host_of(url: str) -> str:
    """The lowercased hostname of a URL ('' when it has none)."""
    parts = _split(url)
    try:
        return (parts.hostname or "") if parts else ""
    except ValueError:
        return ""


def host_allowed(url: str, allow: Collection[str]) -> bool:
    """Scope check by hostname (entries carry no port): an empty allow-list allows everything,
    and "163.com" also allows its subdomains."""
    wanted = [entry.strip().lower().strip(".") for entry in allow if entry.strip(" .")]
    if not wanted:
        return True
    host = host_of(url)
    return any(host == entry or host.endswith("." + entry) for entry in wanted)


def _netease_article(host: str, path: str) -> str | None:
    """The one https URL of a NetEase article, or None when the path is not an article shape."""
    match = _CHANNEL_ARTICLE.match(path)
    if match:
        target = "www.163.com" if host in _MOBILE_HOSTS else host
        return f"https://{target}{match.group('prefix')}/article/{match.group('docid')}.html"
    for shape in (_APP_ARTICLE, _OLD_DY_ARTICLE):
        match = shape.match(path)
        if match:
            # dy.163.com/v2 was the 网易号 site until 2021. c.m.163.com/news/a/ is the news app's
            # share link: mostly 网易号 docs, but not only (NETEASE.md §1 lists it without a
            # channel, and NetEaseMobileFE/3g-new:analysis.md shows an editorial DOCID,
            # …00014SEH, there). Both go to /dy/article/; dedup rests on the DOCID key, so a
            # wrong channel segment can cost a failed fetch but never a duplicate article.
            return f"https://www.163.com/dy/article/{match.group('docid')}.html"
    match = _DATED_ARTICLE.match(path)
    if match:  # the pre-2021 layout lives only at its dated URL: keep host and path
        return f"https://{host}{match.group('prefix')}/{match.group('docid')}.html"
    if _MEDIA_PAGE.match(path):
        return f"https://{host}{path}"
    return None


def _clean_netloc(scheme: str, netloc: str) -> tuple[str, str]:
    """(host, netloc) with the host lowercased and a default or empty port dropped."""
    userinfo, at, hostport = netloc.strip().rpartition("@")
    match = _NETLOC.match(hostport.lower())
    if not match:
        return hostport.lower(), f"{userinfo}{at}{hostport.lower()}"
    host, port = match.group("host").strip(), match.group("port")
    keep_port = port and port != _DEFAULT_PORTS.get(scheme)
    return host, f"{userinfo}{at}{host}" + (f":{port}" if keep_port else "")


def _is_tracking(part: str) -> bool:
    """Whether one raw name=value query item only tracks the click."""
    raw_name, _, raw_value = part.partition("=")
    name, value = unquote_plus(raw_name).strip().lower(), unquote_plus(raw_value).strip()
    return (name.startswith("utm_") or name in TRACKING_PARAMS
            or (name == "f" and bool(_NETEASE_TRACKER.match(value))))


def _clean_query(query: str) -> str:
    """The query without tracking items or empty items, others kept verbatim and in order."""
    kept = [part.strip() for part in query.split("&")]
    return "&".join(part for part in kept if part and not _is_tracking(part))


def canonical_url(url: str) -> str:
    """One spelling per page: lowercase scheme and host, no fragment, no default port; NetEase
    articles on https without any query, on www; elsewhere only tracking parameters go."""
    text = url.strip().partition("#")[0].strip()
    parts = _split(text)
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc.strip():
        return text
    host, netloc = _clean_netloc(parts.scheme, parts.netloc)
    path = parts.path.strip() or "/"
    if _is_netease_host(host):
        article = _netease_article(host, path)
        if article:
            return article
    query = _clean_query(parts.query)
    return f"{parts.scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def starts_like_http_url(text: str) -> bool:
    """Whether `text` begins with an http(s) scheme and a host (seeds, sitemap locs, URL files)."""
    return bool(_HTTP_URL.match(text))
