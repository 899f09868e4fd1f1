"""A small CSS-subset selector engine over a one-pass index of the page.

NetEase pages run to 300-500 KB and 15k elements; evaluating dozens of
`//*[contains(@class, …)]` XPaths costs ~8 ms each. Instead the tree is walked
once into tag/class/id/attribute tables and every rule selector is answered from
them. Supported: `tag`, `.class`, `#id`, `[attr]`, `[attr=value]`, compounds of
these, descendant combinators (space), alternatives (comma), and an `@attr`
suffix that selects the attribute value instead of the element.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

_SIMPLE = re.compile(r"(?P<tag>[a-zA-Z][\w-]*|\*)?(?P<rest>(?:[.#][\w-]+|\[[^\]]+\])*)")
_PART = re.compile(r"([.#])([\w-]+)|\[([\w-]+)(?:=([^\]]*))?\]")


@dataclass(frozen=True, slots=True)
class Compound:
    """One compound selector: tag, classes, id and attribute tests that one element must pass."""

    tag: str | None
    classes: tuple[str, ...]
    ident: str | None
    attrs: tuple[tuple[str, str | None], ...]

    def matches(self, el: etree._Element) -> bool:
        """True when the element passes every test of the compound."""
        if self.tag and el.tag != self.tag:
            return False
        if self.ident and el.get("id") != self.ident:
            return False
        if self.classes:
            tokens = (el.get("class") or "").split()
            if any(c not in tokens for c in self.classes):
                return False
        return all(el.get(k) is not None if v is None else el.get(k) == v for k, v in self.attrs)


@lru_cache(maxsize=512)
def compound(text: str) -> Compound:
    """Parse `tag.class#id[attr=value]` (cached)."""
    match = _SIMPLE.fullmatch(text.strip())
    if not match or not text.strip():
        raise ValueError(f"netease.toml: unsupported selector {text!r}")
    classes, ident, attrs = [], None, []
    for dot, name, attr, value in _PART.findall(match.group("rest")):
        if dot == ".":
            classes.append(name)
        elif dot == "#":
            ident = name
        else:
            attrs.append((attr, value.strip("\"'") if value else None))
    tag = match.group("tag")
    return Compound(None if tag in (None, "*") else tag, tuple(classes), ident, tuple(attrs))


@lru_cache(maxsize=512)
def parse(selector: str) -> tuple[tuple[tuple[Compound, ...], str | None], ...]:
    """Alternatives of a selector, each a chain of compounds and an optional @attribute."""
    result = []
    for alternative in selector.split(","):
        path, _, attribute = alternative.strip().partition("@")
        chain = tuple(compound(part) for part in path.split())
        result.append((chain, attribute or None))
    return tuple(result)


class Index:
    """Tag, class, id and attribute-name tables of one parsed page, built in one pass.

    `memo` holds page-level facts derived from the tables (such as the blocks about other
    articles), so that every field reading them pays for them once per page.
    """

    def __init__(self, tree: etree._Element) -> None:
        self.tree = tree
        self.memo: dict[str, object] = {}
        self.order: dict[etree._Element, int] = {}
        self.by_tag: dict[str, list] = defaultdict(list)
        self.by_class: dict[str, list] = defaultdict(list)
        self.by_id: dict[str, list] = defaultdict(list)
        self._by_attr: dict[str, list] = {}  # filled per attribute name on first use (rare)
        for position, el in enumerate(tree.iter(etree.Element)):
            self._add(el, position)

    def _add(self, el: etree._Element, position: int) -> None:
        self.order[el] = position
        self.by_tag[el.tag].append(el)
        classes, ident = el.get("class"), el.get("id")
        if classes:
            for token in set(classes.split()):
                self.by_class[token].append(el)
        if ident is not None:
            self.by_id[ident].append(el)

    def by_attr(self, name: str) -> list:
        """Elements that carry attribute `name`, in document order."""
        if name not in self._by_attr:
            self._by_attr[name] = [el for el in self.order if el.get(name) is not None]
        return self._by_attr[name]

    def _candidates(self, part: Compound) -> list:
        if part.ident:
            return self.by_id.get(part.ident, [])
        if part.classes:
            return min((self.by_class.get(c, []) for c in part.classes), key=len)
        if part.tag:
            return self.by_tag.get(part.tag, [])
        if part.attrs:
            return self.by_attr(part.attrs[0][0])
        return list(self.order)

    def _chain(self, chain: tuple[Compound, ...]) -> list:
        *ancestors, last = chain
        if not ancestors:
            return [el for el in self._candidates(last) if last.matches(el)]
        outer = [el for el in self._candidates(ancestors[0]) if ancestors[0].matches(el)]
        if len(outer) <= _FEW:
            # A rare outer element (".post_wemedia_name a"): look inside it rather than
            # walking up from every <a> of the page.
            inside = {el for top in outer for el in top.iterdescendants(etree.Element)}
            found = sorted(inside, key=self.order.__getitem__)
            found = [el for el in found if last.matches(el)]
        else:
            found = [el for el in self._candidates(last) if last.matches(el)]
        return [el for el in found if _has_ancestor(el, ancestors)]

    def select(self, selectors: str | list[str] | tuple[str, ...]) -> list:
        """Matches of the selectors: per selector in document order, selectors in the given order."""
        found: list = []
        for selector in [selectors] if isinstance(selectors, str) else selectors:
            hits: list = []
            for chain, attribute in parse(selector):
                hits.extend(self._chain(chain) if not attribute else
                            [el.get(attribute) for el in self._chain(chain) if el.get(attribute) is not None])
            found.extend(hits if len(parse(selector)) == 1 else self._in_order(hits))
        return found

    def first(self, selectors: str | list[str] | tuple[str, ...]):
        """The first match of the first selector that matches, else None."""
        for selector in [selectors] if isinstance(selectors, str) else selectors:
            hits = self.select(selector)
            if hits:
                return hits[0]
        return None

    def _in_order(self, hits: list) -> list:
        elements = [h for h in hits if not isinstance(h, str)]
        return sorted(elements, key=self.order.__getitem__) + [h for h in hits if isinstance(h, str)]


#: Up to this many outer matches, a descendant chain is searched downwards from them.
_FEW = 4


def _has_ancestor(el: etree._Element, chain: list[Compound]) -> bool:
    """True when the element's ancestors contain the chain (innermost last) in order."""
    pending = list(chain)
    for ancestor in el.iterancestors():
        if pending and pending[-1].matches(ancestor):
            pending.pop()
        if not pending:
            return True
    return not pending


def matches_any(el: etree._Element, parts: tuple[Compound, ...]) -> bool:
    """True when the element itself matches any of the compounds (no descendant chains)."""
    return any(part.matches(el) for part in parts)
