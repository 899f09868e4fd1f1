"""Bytes in, text out once: decode a page from its raw bytes by our own rules.

Order: byte-order mark, then the HTTP header, then the page's own declaration
(`<meta charset>`), each accepted only when the bytes really decode with it,
then detection. Many real Chinese pages declare the wrong charset (a UTF-8 page
that says gb2312, a GBK page inside an archive wrapper that says utf-8), so a
declaration that the bytes contradict is skipped rather than trusted.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from bs4.dammit import EncodingDetector
from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# GB2312 and GBK are subsets of GB18030: reading them as GB18030 loses nothing
# and keeps the characters that pages labelled "gb2312" use anyway.
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
          "ascii": "utf-8", "us-ascii": "utf-8", "iso-8859-1": "cp1252", "latin-1": "cp1252"}
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the codec used, and how it was chosen (bom/header/meta/detected/fallback)."""

    text: str
    encoding: str
    method: str


def normalize_codec(name: str | None) -> str | None:
    """A Python codec name for a declared charset, widened where that is safe; None if unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    label = _WIDER.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _strict(body: bytes, codec: str | None) -> str | None:
    """The body decoded strictly, forgiving only a character cut off at the very end."""
    if codec is None:
        return None
    try:
        return codecs.getincrementaldecoder(codec)().decode(body, final=False)
    except (UnicodeDecodeError, LookupError):
        return None


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def decode(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode page bytes; never raises, falls back to GB18030/UTF-8 with replacement."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return Decoded(body.decode(codec, errors="replace"), codec, "bom")
    candidates = [("header", header_charset(content_type))]
    head = body[:16384]
    candidates.append(("meta", EncodingDetector.find_declared_encoding(head, is_html=True)))
    # Non-ASCII bytes that are valid UTF-8 are UTF-8, whatever a legacy label says:
    # GB18030 would decode most of them too, as mojibake.
    is_utf8 = not body.isascii() and _strict(body, "utf-8") is not None
    for method, declared in candidates:
        codec = normalize_codec(declared)
        if is_utf8 and codec not in (None, "utf-8"):
            continue
        text = _strict(body, codec)
        if text is not None:
            return Decoded(text, codec, method)
    for codec in ("utf-8", "gb18030"):
        text = _strict(body, codec)
        if text is not None:
            return Decoded(text, codec, "detected")
    best = from_bytes(body[:200_000]).best()
    codec = normalize_codec(best.encoding if best else None) or "gb18030"
    return Decoded(body.decode(codec, errors="replace"), codec, "fallback")
