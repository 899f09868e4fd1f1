"""The body of a NetEase article: walk the body container into blocks, then sort every block
into text, caption, 原标题 or boilerplate by the rules of data/netease.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from fincorpus.scrapers import boilerplate
from fincorpus.scrapers.column import Column
from fincorpus.scrapers.html import clean_text
from fincorpus.scrapers.netease_rules import Rules
from fincorpus.scrapers.netease_select import Index

_SKIP_TEXT = ("script", "style", "noscript", "textarea", "template")
_SPACE = re.compile(r"\s+")


@dataclass(slots=True)
class Block:
    """One visual block of the body: its text and images, with the layout hints captions need."""

    text: str
    images: list[str] = field(default_factory=list)
    bold: bool = False
    centered: bool = False
    otitle: bool = False
    last_link: str = ""
    link_only: bool = False


@dataclass(slots=True)
class Body(Column):
    """What the body yields: the column's lines, image URLs and the 原标题 line."""

    images: list[str] = field(default_factory=list)
    original_title: str | None = None


def image_url(img: etree._Element) -> str | None:
    """The original URL of an image: lazy data-src first, NetEase's nimg proxy unwrapped."""
    src = img.get("data-src") or img.get("data-original") or img.get("src") or ""
    src = src.strip()
    if not src or src.startswith("data:"):
        return None
    if src.startswith("//"):
        src = "https:" + src
    parts = urlsplit(src)
    if parts.hostname and parts.hostname.startswith("nimg.") and parts.hostname.endswith("126.net"):
        inner = parse_qs(parts.query).get("url")
        if inner and inner[0].startswith(("http://", "https://", "//")):
            return "https:" + inner[0] if inner[0].startswith("//") else inner[0]
    return src


class _Walker:
    """Turns a container element into Blocks, skipping hidden and boilerplate elements."""

    def __init__(self, rules: Rules) -> None:
        body = rules["body"]
        self.rules = rules
        self.dropped = rules.dropped
        self.wrappers = frozenset(body["wrappers"])
        self.blocks = frozenset(body["block_tags"])

    def has_blocks(self, el: etree._Element) -> bool:
        """True when the element holds block children (so it is a wrapper, not a paragraph)."""
        return any(isinstance(c.tag, str) and c.tag in self.blocks for c in el)

    def walk(self, node: etree._Element) -> Iterator[Block]:
        """Blocks of a container in reading order; loose text between blocks becomes a block."""
        run: list[str] = []
        images: list[str] = []
        if node.text:
            run.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and not self.dropped(child):
                yield from self._child(child, run, images)
            if child.tail:
                run.append(child.tail)
        yield from self._flush(run, images)

    def _child(self, child: etree._Element, run: list[str], images: list[str]) -> Iterator[Block]:
        if child.tag == "br" or child.tag in self.blocks or self.has_blocks(child):
            yield from self._flush(run, images)
            if child.tag in self.wrappers and self.has_blocks(child):
                yield from self.walk(child)
            elif child.tag != "br":
                yield self.block(child)
        else:
            run.append(self.raw_text(child, images))

    def _flush(self, run: list[str], images: list[str]) -> Iterator[Block]:
        text = clean_text("".join(run))
        if text or images:
            yield Block(text, list(images))
        run.clear()
        images.clear()

    def raw_text(self, el: etree._Element, images: list[str] | None = None) -> str:
        """Rendered text of an element (br as a space), without scripts and dropped descendants;
        the URLs of the images it shows are appended to `images` when given."""
        if el.tag == "img" and images is not None:
            images.extend([u] if (u := image_url(el)) else [])
        parts = [el.text or ""] if el.tag not in _SKIP_TEXT else []
        for child in el:
            if isinstance(child.tag, str) and child.tag == "br":
                parts.append(" ")
            elif isinstance(child.tag, str) and not self.dropped(child):
                parts.append(self.raw_text(child, images))
            parts.append(child.tail or "")
        return "".join(parts)

    def block(self, el: etree._Element) -> Block:
        """One block element as a Block, with its images and layout hints."""
        images: list[str] = []
        text = clean_text(self.raw_text(el, images))
        links = list(el.iter("a"))
        last = el[-1] if len(el) and el[-1].tag == "a" and not (el[-1].tail or "").strip() else None
        return Block(
            text=text, images=images,
            bold=bool(text) and _all_bold(el),
            centered=_centered(el),
            otitle="otitle" in (el.get("class") or "").split(),
            last_link=clean_text(self.raw_text(last)) if last is not None else "",
            link_only=len(links) == 1 and _squash(self.raw_text(links[0])) == _squash(text),
        )


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def _inside_bold(node: etree._Element | None, top: etree._Element) -> bool:
    while node is not None:
        if node.tag in ("b", "strong"):
            return True
        if node is top:
            return False
        node = node.getparent()
    return False


def _all_bold(el: etree._Element) -> bool:
    """True when every visible piece of text in the element sits inside <b>/<strong> (a heading)."""
    for node in el.iter(etree.Element):
        if node.text and node.text.strip() and not _inside_bold(node, el):
            return False
        if node is not el and node.tail and node.tail.strip() and not _inside_bold(node.getparent(), el):
            return False
    return True


def _centered(el: etree._Element) -> bool:
    classes = (el.get("class") or "").split()
    style = (el.get("style") or "").replace(" ", "").lower()
    return ("f_center" in classes or el.tag == "center" or (el.get("align") or "").lower() == "center"
            or "text-align:center" in style)


class _Sorter:
    """Sorts blocks into a Body, keeping the little state captions and link lists need."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.cap = rules["caption"]
        self.bp = boilerplate.load()
        self.body = Body()
        self.after_image = False
        self.in_related = False

    def add(self, block: Block) -> None:
        """File one block under paragraphs, captions, images or nothing."""
        self.body.images.extend(u for u in block.images if u not in self.body.images)
        text = self._text(block)
        if block.images:
            if text:
                self.body.keep("caption", text)
            self.after_image = True
            return
        if not text:
            return
        kind = self._kind(block, text)
        if kind == "caption":
            self.body.keep("caption", text)
        elif kind == "text":
            self.body.keep("paragraph", self._cut_prompt(block, text))
        elif kind == "otitle":
            self.body.keep("original-title", text)
        self.after_image = False

    def _text(self, block: Block) -> str:
        if not block.text or self.bp.is_disclaimer(block.text):
            return ""
        return clean_text(self.bp.strip_disclaimers(block.text))

    def _kind(self, block: Block, text: str) -> str:
        if block.otitle or self.rules.otitle.match(text):
            match = self.rules.otitle.match(text)
            self.body.original_title = self.body.original_title or (match.group("title") if match else text)
            return "otitle"
        if any(p.search(text) for p in self.rules.paragraph_drop):
            self.in_related = text.startswith(("延伸", "相关", "推荐"))
            return "drop"
        if self.in_related and block.link_only:
            return "drop"
        self.in_related = False
        if self._is_caption(block, text):
            return "caption"
        if block.link_only and self.rules.trailing_prompt.search(text):
            return "drop"
        return "text"

    def _is_caption(self, block: Block, text: str) -> bool:
        near = self.after_image or block.centered
        if self.after_image and len(text) <= self.cap["max_len"] and not block.bold \
                and not self.rules.sentence_end.search(text):
            return True
        if near and len(text) <= self.cap["max_pattern_len"]:
            if self.after_image and block.centered:
                return True
            if any(p.search(text) for p in self.rules.caption_patterns):
                return True
        return len(text) <= self.cap["standalone_max_len"] and any(
            p.search(text) for p in self.rules.standalone_captions)

    def _cut_prompt(self, block: Block, text: str) -> str:
        link = block.last_link
        if link and len(text) > len(link) and text.endswith(link) and self.rules.trailing_prompt.search(link):
            return clean_text(text[: -len(link)])
        return text


def find_container(index: Index, rules: Rules) -> etree._Element | None:
    """The first body container (by the rules' order) that holds any text."""
    for el in index.select(rules["body"]["containers"]):
        if clean_text("".join(el.itertext())):
            return el
    return None


def extract_body(container: etree._Element, rules: Rules) -> Body:
    """The sorted body of a container element."""
    walker, sorter = _Walker(rules), _Sorter(rules)
    for block in walker.walk(container):
        sorter.add(block)
    return sorter.body
