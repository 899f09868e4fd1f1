"""Find the main text container of a page by text, link and punctuation density.

One pass over the DOM scores every element by the prose paragraphs directly
below it (readability's parent/grandparent propagation, counted in Chinese
punctuation rather than commas), weighted by link density and class/id hints;
a second pass over the winning container flattens it into text blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from fincorpus.scrapers.html import clean_text

#: Never visible text (or never article text): skipped with their whole subtree.
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "textarea", "iframe", "svg", "select", "button", "input",
    "option", "template", "canvas", "object", "embed", "audio", "video", "map", "head",
    "nav", "footer", "aside",
})
#: Elements that start a new line of text (everything else is inline).
BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "table", "tbody", "tr",
    "td", "th", "section", "article", "blockquote", "pre", "header", "dl", "dt", "dd", "figure",
    "figcaption", "center", "hr", "main", "body", "html", "caption", "address",
})
TEXT_CONTAINERS = frozenset({
    "div", "td", "section", "article", "main", "blockquote", "center", "body"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

_POSITIVE = re.compile(
    r"article|content|main|text|body|post|entry|story|detail|artic|zhengwen|conent|cont\b|txt",
    re.I)
#: Never article text, whatever positive word sits beside it.
_STRONG_NEGATIVE = re.compile(
    r"comment|footer|share|recommend|related|relate|sidebar|copyright|breadcrumb|crumb|"
    r"advert|banner|qrcode|erweima|subscribe|login|popup|modal|disclaimer|statement|"
    r"tuijian|xgyd|paihang|rank|guess|byline|(?:^|[-_\s])(?:nav|menu|ad|ads|gg|tags?|keywords?|"
    r"pager|pagination|jump|feed|hot|hotnews|side|tool|tools|toolbar|report|apps?|"
    r"download|social|print|reply)(?:$|[-_\s\d])", re.I)
#: Not article text unless the element also calls itself content.
_WEAK_NEGATIVE = re.compile(
    r"header|head\b|top|bottom|foot|logo|search|more|list|link|info|author|source|time|date|"
    r"title|meta|weixin|wechat|weibo|widget|fixed|float|dialog|mask|video|player|audio|"
    r"hidden|hide|slide|swiper|scroll|extra|attach|interest|bar\b|copy\b", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_PUNCT = re.compile(r"[，。！？；、：,!?;]")
_SENTENCE = re.compile(r"[。！？]")


def hints(element: etree._Element) -> str:
    """The class and id of an element, where pages say what a block is for."""
    return f"{element.get('class', '')} {element.get('id', '')}".strip()


def hint_weight(element: etree._Element) -> int:
    """+1 for content-like class/id names, -1 for weak, -2 for strong nav/feed/comment-like ones."""
    names = hints(element)
    return _weight_of(names) if names else 0


@lru_cache(maxsize=4096)
def _weight_of(names: str) -> int:
    """hint_weight of a class/id string (pages repeat the same few names thousands of times)."""
    if _STRONG_NEGATIVE.search(names):
        return -2
    if _POSITIVE.search(names):
        return 1
    return -1 if _WEAK_NEGATIVE.search(names) else 0


def is_skipped(element: etree._Element, use_hints: bool = True) -> bool:
    """True for subtrees that never hold article text: scripts, hidden and boilerplate blocks."""
    tag = element.tag
    if not isinstance(tag, str) or tag in SKIP_TAGS:
        return True
    if _HIDDEN_STYLE.search(element.get("style", "")) or element.get("hidden") is not None:
        return True
    return use_hints and tag not in ("body", "html") and hint_weight(element) < -1


def is_aside(element: etree._Element) -> bool:
    """A weakly boilerplate-named block inside the article (info bar, tool bar) holding no prose."""
    if hint_weight(element) != -1:
        return False
    return len(_SENTENCE.findall(element.text_content())) < 2


def count_chars(text: str) -> int:
    """Visible characters: everything but whitespace."""
    return len("".join(text.split())) if text else 0


@dataclass(slots=True)
class _Frame:
    """An element being walked: its own text (for blocks) and running totals."""

    element: etree._Element
    block: bool
    in_link: bool
    parts: list[str] = field(default_factory=list)
    own_links: int = 0
    chars: int = 0
    links: int = 0
    score: float = 0.0


def _owner(stack: list[_Frame]) -> _Frame:
    """The nearest block element on the stack: the one whose line a text node belongs to."""
    for frame in reversed(stack):
        if frame.block:
            return frame
    return stack[0]


def _add_text(stack: list[_Frame], text: str | None, in_link: bool) -> None:
    """Give a text node to the line it renders on, counting it as link text when inside <a>."""
    if not text or not stack:
        return
    owner = _owner(stack)
    owner.parts.append(text)
    if in_link:
        owner.own_links += count_chars(text)


def paragraph_score(text: str, link_chars: int) -> float:
    """How much a line looks like prose: punctuation and length, nothing if mostly links."""
    chars = count_chars(text)
    if chars < 10 or link_chars > chars * 0.5:
        return 0.0
    return 1.0 + len(_PUNCT.findall(text)) + min(chars / 100, 3.0)


def _close_block(stack: list[_Frame], frame: _Frame) -> None:
    """Credit a finished block's own prose to its parent and (half) to its grandparent.

    A container that holds prose directly (lines split by <br>) is credited too, so that it can
    win over a parent that only adds the headline, the info bar and the share buttons.
    """
    text = "".join(frame.parts)
    frame.chars += count_chars(text)
    frame.links += frame.own_links
    score = paragraph_score(text, frame.own_links)
    if score and frame.element.tag in TEXT_CONTAINERS:
        frame.score += score
    if score and stack:
        stack[-1].score += score
        if len(stack) > 1:
            stack[-2].score += score / 2


@dataclass(frozen=True, slots=True)
class Candidate:
    """A scored container: its score, visible characters and characters inside links."""

    element: etree._Element
    score: float
    chars: int
    links: int


def score_tree(root: etree._Element, use_hints: bool = True) -> list[Candidate]:
    """Every element that holds prose paragraphs, scored in one pass over the DOM."""
    stack: list[_Frame] = []
    found: list[Candidate] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        if event == "start":
            if element is not root and is_skipped(element, use_hints):
                walker.skip_subtree()
                stack.append(_Frame(element, False, False))
                continue
            in_link = element.tag == "a" or bool(stack and stack[-1].in_link)
            stack.append(_Frame(element, element.tag in BLOCK_TAGS, in_link))
            if element.tag in SKIP_TAGS or not isinstance(element.tag, str):
                continue
            _add_text(stack, element.text, in_link)
            continue
        frame = stack.pop()
        if frame.block:
            _close_block(stack, frame)
        if frame.score:
            found.append(Candidate(element, frame.score, frame.chars, frame.links))
        if stack:
            stack[-1].chars += frame.chars
            stack[-1].links += frame.links
            _add_text(stack, element.tail, stack[-1].in_link)
    return found


def candidate_value(candidate: Candidate, use_hints: bool = True) -> float:
    """The final score: prose score scaled down by link density, nudged by class/id hints."""
    density = candidate.links / candidate.chars if candidate.chars else 1.0
    bonus = 25 * max(hint_weight(candidate.element), -1) if use_hints else 0
    tag_bonus = 5 if candidate.element.tag in ("div", "article", "section", "main") else 0
    return (candidate.score + bonus + tag_bonus) * (1.0 - density)


@dataclass(frozen=True, slots=True)
class Choice:
    """The main text container, sibling containers continuing it, and whether hints were used."""

    top: etree._Element
    siblings: tuple[etree._Element, ...]
    use_hints: bool

    def blocks(self) -> list[Block]:
        """The lines of the chosen containers, in page order."""
        parent = self.top.getparent()
        chosen = {self.top, *self.siblings}
        parts = [self.top] if parent is None else [child for child in parent if child in chosen]
        return [block for part in parts for block in flatten(part, self.use_hints)]


def best_container(root: etree._Element) -> Choice | None:
    """The main text container and any sibling containers that continue it; None if no prose."""
    for use_hints, least in ((True, 0.0), (False, 10.0)):  # some pages give a wrapper of
        values = {c.element: candidate_value(c, use_hints)  # everything a boilerplate-ish class
                  for c in score_tree(root, use_hints)}
        top = max(values, key=values.get) if values else None
        if top is not None and values[top] > least:
            break
    else:
        return None
    threshold = max(10.0, values[top] * 0.2)
    parent = top.getparent()
    siblings = () if parent is None else tuple(
        s for s in parent if s is not top and values.get(s, 0.0) >= threshold)
    return Choice(top, siblings, use_hints)


@dataclass(slots=True)
class Block:
    """One line of the container: its text, link characters, tag and the images in it."""

    text: str
    links: int
    tag: str
    element: etree._Element
    images: list[etree._Element] = field(default_factory=list)
    after_image: bool = False


@dataclass(slots=True)
class _Line:
    """The line being collected: its block element, text parts, link characters and images."""

    element: etree._Element
    tag: str
    parts: list[str] = field(default_factory=list)
    links: int = 0
    images: list[etree._Element] = field(default_factory=list)


class _Flattener:
    """Cuts a container into lines at block elements and <br>, skipping boilerplate subtrees."""

    def __init__(self) -> None:
        """Start with no lines."""
        self.blocks: list[Block] = []
        self.line: _Line | None = None
        self.pending_image = False

    def open(self, element: etree._Element, tag: str) -> None:
        """End the current line and start one owned by this block element."""
        self.flush()
        self.line = _Line(element, tag)

    def text(self, value: str | None, in_link: bool) -> None:
        """Add a text node to the current line."""
        if value and self.line is not None:
            self.line.parts.append(value)
            if in_link:
                self.line.links += count_chars(value)

    def image(self, element: etree._Element) -> None:
        """Note a picture on the current line (captions sit beside pictures)."""
        if self.line is not None:
            self.line.images.append(element)

    def flush(self) -> None:
        """Keep the current line if it holds text or a picture; remember picture-only lines."""
        line = self.line
        if line is None:
            return
        text = clean_text("".join(line.parts))
        if text or line.images:
            self.blocks.append(Block(text, line.links, line.tag, line.element, line.images,
                                     self.pending_image))
            self.pending_image = bool(line.images) and not text
        self.line = _Line(line.element, line.tag)


def _links_to_image(image: etree._Element) -> bool:
    """True when an image's link opens the picture itself (not a logo or an ad linking away)."""
    link = next(image.iterancestors("a"), None)
    href = (link.get("href") or "").lower().split("?")[0] if link is not None else ""
    return href.endswith((".jpg", ".jpeg", ".png", ".gif", ".webp"))


def flatten(container: etree._Element, use_hints: bool = True) -> list[Block]:
    """The container's lines in document order (one per block element or <br>-separated run)."""
    flat = _Flattener()
    flat.open(container, container.tag)
    owners: list[tuple[etree._Element, str]] = [(container, container.tag)]
    stack: list[tuple[bool, bool]] = []  # (inside a link, opened a line) per open element
    walker = etree.iterwalk(container, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "end":
            _, opened = stack.pop()
            if opened:
                owners.pop()
                flat.open(*owners[-1])
            if element is not container:
                flat.text(element.tail, bool(stack and stack[-1][0]))
            continue
        in_link = tag == "a" or bool(stack and stack[-1][0])
        if element is not container and (is_skipped(element, use_hints)
                                          or (use_hints and is_aside(element))):
            stack.append((in_link, False))
            walker.skip_subtree()
            continue
        opened = tag in BLOCK_TAGS and element is not container
        stack.append((in_link, opened))
        if opened:
            owners.append((element, tag))
            flat.open(element, tag)
        elif tag == "br":
            flat.open(*owners[-1])
        elif tag == "img" and (not in_link or _links_to_image(element)):
            flat.image(element)
        flat.text(element.text, in_link)
    flat.flush()
    return flat.blocks
