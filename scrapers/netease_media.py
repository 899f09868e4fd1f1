"""Bodies of NetEase photo sets (gallery JSON in a textarea) and video pages (their description)."""

from __future__ import annotations

import json
import re
from typing import Any, Iterator


from fincorpus.scrapers import boilerplate
from fincorpus.scrapers.html import HtmlDocument, clean_text, element_text
from fincorpus.scrapers.netease_body import Body
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


def gallery_body(ix: Index, rules: Rules) -> Body | None:
    """A photo set's descriptions as paragraphs and its photos as images; None if no gallery."""
    spec = rules["media"]
    area = ix.first(spec["gallery"])
    if area is None:
        return None
    try:
        data = json.loads(area.text or "")
    except ValueError:
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
    """The video's own description as the body (empty when the page prints none)."""
    bp = boilerplate.load()
    body = Body()
    for el in ix.select(rules["media"]["video_description"]):
        text = clean_text(bp.strip_disclaimers(element_text(el)))
        if text and text not in body.paragraphs:
            body.paragraphs.append(text)
        if body.paragraphs:
            break
    body.images.extend(ix.select("video@poster"))
    return body
