"""Bodies of NetEase photo sets (gallery JSON in a textarea) and video pages (their description)."""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from fincorpus.scrapers.html import HtmlDocument, clean_text
from fincorpus.scrapers.netease_body import Body, extract_body
from fincorpus.scrapers.netease_meta import meta
from fincorpus.scrapers.netease_rules import Rules
from fincorpus.scrapers.netease_select import Index


def _items(data: Any) -> Iterator[dict]:
    """Every dict in the JSON that looks like one photo (has an image or a text key)."""
    if isinstance(data, dict):
        yield data
        for value in data.values():
            yield from _items(value)
    elif isinstance(data, list):
        for value in data:
            yield from _items(value)


def _first_str(item: dict, keys: list[str]) -> str:
    for key in keys:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _gallery(ix: Index, rules: Rules) -> Any:
    """The parsed gallery JSON of a photo set; None without one (or when it does not parse)."""
    area = ix.first(rules["media"]["gallery"])
    if area is None:
        return None
    try:
        return json.loads(area.text or "")
    except ValueError:
        return None


def gallery_source(ix: Index, rules: Rules) -> str | None:
    """The 来源 of a photo set as its gallery JSON states it (info.source):
    for photo pages that print no 来源 line."""
    spec = rules["media"]
    data = _gallery(ix, rules)
    info = data.get(spec["gallery_info_key"]) if isinstance(data, dict) else None
    found = _first_str(info, spec["gallery_source_keys"]) if isinstance(info, dict) else ""
    return clean_text(found) or None


def gallery_body(ix: Index, rules: Rules) -> Body | None:
    """A photo set's descriptions as paragraphs and its photos as images; None if no gallery."""
    spec = rules["media"]
    data = _gallery(ix, rules)
    if data is None:
        return None
    body = Body()
    for item in _items(data):
        photos = [v for v in (item.get(k) for k in spec["gallery_image_keys"]) if isinstance(v, str)]
        if not photos:
            continue
        body.images.extend(p for p in photos[:1] if p not in body.images)
        text = clean_text(_first_str(item, spec["gallery_text_keys"]))
        if text and text not in body.paragraphs:
            body.paragraphs.append(text)
    return body


def is_video_page(ix: Index, doc: HtmlDocument, url: str | None, rules: Rules) -> bool:
    """True for a video page: a video URL, og:type video, or a player with no article body."""
    spec = rules["media"]
    if any(u and re.search(spec["video_url"], u) for u in (url, doc.url)):
        return True
    if (meta(ix, "og:type") or "").startswith("video"):
        return True
    return ix.first(spec["video_markers"]) is not None


def video_body(ix: Index, rules: Rules) -> Body:
    """The video's own description as the body (empty when the page prints none).

    The first description element that yields text wins; it is walked like an article body,
    so a description written as several <p> keeps one paragraph per block. The player's
    poster is a cover frame, not a picture of the description: it is not an image of the body.
    """
    body = Body()
    for el in ix.select(rules["media"]["video_description"]):
        body = extract_body(el, rules)
        if body.paragraphs:
            break
    return body
