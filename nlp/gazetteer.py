"""Link PER, LOC and ORG mentions to canonical ids, so that 美国, 美方 and 中美's 美 count as one.

Matching: one left-to-right scan of a character trie, taking at each position the longest
alias that fits (no overlaps). Latin aliases (Fed, NVIDIA) match whole words only and case-
sensitively. Single-character short forms (美, 中, 日, 华) never match alone, only inside the
file's compounds (中美, 美日韩: each character tagged) and contexts (对华, 访日: the short form
tagged); such a pattern is dropped when a longer alias or stop phrase starts inside it (其中美国
is 其中 + 美国; 对美元 is 对 + 美元), and stop phrases (其中, 全球央行) tag nothing.

Ambiguous aliases (央行, 财政部, 总统, or one alias on several entries) are resolved in
order: holders out of office at the reference date are dropped (no reference date: current
holders; a composite alias such as 美国总统 is then settled); a country written right before
the alias decides (德国财长: Germany, even if that
leaves it unresolved); else the nearest mention in the same sentence tied to a country that
has a holder (a country, a place, or a person or body of one country: 特朗普…总统 is Trump);
else the country with most such mentions in the text; else the id is None
and value {"candidates": [...]}. A resolved ambiguous mention has value {"resolved_by":
"date" | "prefix" | "sentence" | "text"}.
"""

from __future__ import annotations

import functools
import re
import string
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from fincorpus.corpus.model import Entity
from fincorpus.nlp.gazetteer_file import (
    GazetteerData,
    GazetteerEntry,
    GazetteerError,
    Holder,
    read_gazetteer,
)
from fincorpus.nlp.numerals import fold
from fincorpus.nlp.trie import AliasTrie

__all__ = ["Gazetteer", "GazetteerEntry", "GazetteerError", "default_gazetteer"]

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


class _Match(NamedTuple):
    """One trie match: an alias (payload: its key), a pattern (payload: tags) or a stop."""

    start: int
    end: int
    kind: str
    payload: Any


class _Mention(NamedTuple):
    """A mention tied to one country, the context for resolving ambiguous aliases."""

    start: int
    end: int
    country: str


class Gazetteer:
    """Aliases to canonical entries, and the scanner that finds them in text."""

    name = "fincorpus.gazetteer"
    version = "1"

    def __init__(self, data: GazetteerData) -> None:
        self.source = data.source
        self._entries = {entry.id: entry for entry in data.entries}
        self._aliases, self._types, self._composites = _alias_index(data, self._entries)
        # The id of each alias only one entry holds: most aliases, resolved without context.
        self._sole = {key: holders[0].id for key, holders in self._aliases.items()
                      if len({h.id for h in holders}) == 1}
        self._short = {ch: entry.id for entry in data.entries for ch in entry.short}
        self._trie = self._build_trie(data)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Gazetteer:
        """The bundled gazetteer, or the user's TOML file at `path` (same layout)."""
        return cls(read_gazetteer(path))

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, id_: str) -> GazetteerEntry | None:
        """The entry with this canonical id, if any."""
        return self._entries.get(id_)

    def lookup(self, alias: str) -> list[GazetteerEntry]:
        """Every entry an alias (or short form) may name; several when it is ambiguous."""
        key = fold(alias)
        ids = [holder.id for holder in self._aliases.get(key, ())]
        if key in self._short:
            ids.append(self._short[key])
        return [self._entries[id_] for id_ in dict.fromkeys(ids)]

    def find(self, text: str, reference_date: date | None = None) -> list[Entity]:
        """PER, LOC and ORG mentions in `text`, sorted, non-overlapping, linked to ids."""
        folded = fold(text)
        matches = self._scan(folded)
        return self._found(text, matches, self._context(folded, matches), reference_date)

    def link(self, spans: list[Entity], text: str,
             reference_date: date | None = None) -> list[Entity]:
        """Give spans found by another tagger the id of the alias they spell, else id None."""
        folded = fold(text)
        return self._linked(spans, self._context(folded, self._scan(folded)), reference_date)

    def find_and_link(self, text: str, spans: list[Entity], reference_date: date | None = None,
                      *, names_win: bool = False) -> tuple[list[Entity], list[Entity]]:
        """`find(text)` and `link(spans, text)` from one scan of the text, which both need.

        `names_win` leaves out the spans that overlap a name found, for a caller that would
        drop them for it: most spans are names the gazetteer knows, and linking is not free.
        """
        folded = fold(text)
        matches = self._scan(folded)
        context = self._context(folded, matches)
        found = self._found(text, matches, context, reference_date)
        if names_win:
            spans = _outside(spans, found)
        return found, self._linked(spans, context, reference_date)

    def _found(self, text: str, matches: list[_Match], context: _Context,
               reference_date: date | None) -> list[Entity]:
        """The entities the scan's patterns and aliases make."""
        found = []
        for match in matches:
            if match.kind == "pattern":
                found += [Entity(text[match.start + offset], "LOC", match.start + offset,
                                 match.start + offset + 1, id_) for offset, id_ in match.payload]
            elif match.kind == "alias":
                id_, value = self._resolve(match.payload, match.start, match.end, context,
                                           reference_date)
                found.append(Entity(text[match.start:match.end], self._types[match.payload],
                                    match.start, match.end, id_, value))
        return found

    def _linked(self, spans: list[Entity], context: _Context,
                reference_date: date | None) -> list[Entity]:
        """The spans, with the id of the alias each spells in this context (else None)."""
        linked = []
        for span in spans:
            key = fold(span.text)
            if self._types.get(key) != span.type:
                linked.append(replace(span, id=None))
                continue
            id_, value = self._resolve(key, span.start, span.end, context, reference_date)
            linked.append(replace(span, id=id_, value=value or span.value))
        return linked

    def _build_trie(self, data: GazetteerData) -> AliasTrie:
        """Aliases first, so that a pattern or stop phrase never hides an alias."""
        trie = AliasTrie()
        phrases = [fold(phrase) for phrase in (*data.compounds, *data.contexts, *data.stop)]
        firsts = {key[:1] for key in (*self._aliases, *phrases)}

        def add(key: str, kind: str, payload: Any) -> None:
            # Only a key that begins or ends with a Latin character can split a word, and a
            # longer match can cut a pattern or stop phrase only where a key begins (美元:
            # nowhere, 其中: at 中).
            latin = key[:1] in _LATIN or key[-1:] in _LATIN
            inner = tuple(i for i in range(1, len(key)) if key[i] in firsts)
            trie.add(key, (kind, payload, latin, inner))

        for key in self._aliases:
            add(key, "alias", key)
        for pattern in (*data.compounds, *data.contexts):
            tags = tuple((i, self._short[ch]) for i, ch in enumerate(pattern) if ch in self._short)
            add(fold(pattern), "pattern", tags)
        for phrase in data.stop:
            add(fold(phrase), "stop", None)
        return trie

    def _scan(self, folded: str) -> list[_Match]:
        """Leftmost-longest acceptable matches, left to right, never overlapping."""
        def acceptable(start: int, end: int, entry: tuple[str, Any, bool, tuple[int, ...]]
                       ) -> bool:
            """Latin aliases whole-word only; patterns and stop phrases not cut by a longer
            match."""
            kind, _, latin, inner = entry
            if latin and _splits_word(folded, start, end):
                return False
            if kind == "alias" or not inner:
                return True
            # A pattern yields to any longer match starting inside it (其中美国: 美国 beats
            # 中美); a stop phrase only to a longer alias (看中国 is 看 + 中国, 其中美日 is
            # 其中 + 美日).
            kinds = ("alias",) if kind == "stop" else ("alias", "pattern", "stop")
            return all(self._longest(folded, start + i, kinds) <= end for i in inner)

        return [_Match(start, end, kind, payload)
                for start, end, (kind, payload, *_) in self._trie.scan(folded, acceptable)]

    def _longest(self, folded: str, start: int, kinds: tuple[str, ...]) -> int:
        """The end of the longest match of one of `kinds` beginning at `start` (else start)."""
        ends = (end for end, (kind, *_) in self._trie.matches_at(folded, start) if kind in kinds)
        return next(ends, start)

    def _context(self, folded: str, matches: list[_Match]) -> _Context:
        """The context of the text, its mentions gathered only if an ambiguous alias asks."""
        return _Context(folded, functools.partial(self._mentions, matches))

    def _mentions(self, matches: list[_Match]) -> list[_Mention]:
        """Unambiguous mentions tied to one country (places, polities, their bodies, people)."""
        mentions = []
        for match in matches:
            if match.kind == "pattern":
                mentions += [_Mention(match.start + offset, match.start + offset + 1,
                                      self._entries[id_].country) for offset, id_ in match.payload]
            elif match.kind == "alias" and len(self._aliases[match.payload]) == 1:
                country = self._aliases[match.payload][0].country
                if country:
                    mentions.append(_Mention(match.start, match.end, country))
        return mentions

    def _resolve(self, key: str, start: int, end: int, context: _Context,
                 reference_date: date | None) -> tuple[str | None, dict[str, Any] | None]:
        """The id an alias names here, and the value saying how (None when unambiguous)."""
        if key in self._sole:
            return self._sole[key], None
        holders = self._aliases[key]
        current = [h for h in holders if _in_office(h, reference_date)] or list(holders)
        country, how = context.country_for(start, end, {h.country for h in current})
        chosen = list(dict.fromkeys(h.id for h in current if country and h.country == country))
        if not country and how != "prefix" and key in self._composites:
            chosen = list(dict.fromkeys(h.id for h in current))  # 美国总统: the date decides
            how = "date"
        if len(chosen) == 1:
            return chosen[0], {"resolved_by": how}
        return None, {"candidates": sorted(dict.fromkeys(h.id for h in current))}


class _Context:
    """Where the places and polities of one text are, sentence by sentence."""

    def __init__(self, folded: str, find_mentions: Callable[[], list[_Mention]]) -> None:
        self._find_mentions = find_mentions
        self.folded = folded
        self.length = len(folded)

    @functools.cached_property
    def mentions(self) -> list[_Mention]:
        """The text's mentions: needed only for an ambiguous alias, which most texts lack."""
        return self._find_mentions()

    @functools.cached_property
    def ends(self) -> list[int]:
        """Where sentences end: needed only for an alias no prefix resolves."""
        return [m.start() for m in _SENTENCE_END.finditer(self.folded)]

    def country_for(self, start: int, end: int, countries: set[str | None]) -> tuple[str | None, str]:
        """The country deciding a mention at [start, end), and how it was found."""
        for mention in self.mentions:
            if mention.end == start:
                return (mention.country if mention.country in countries else None), "prefix"
        index = bisect_left(self.ends, start)
        low = self.ends[index - 1] + 1 if index else 0
        high = self.ends[index] if index < len(self.ends) else self.length
        near = [(start - m.end if m.end <= start else m.start - end, m.start, m.country)
                for m in self.mentions if low <= m.start and m.end <= high and m.country in countries]
        if near:
            return min(near)[2], "sentence"
        counts = Counter(m.country for m in self.mentions if m.country in countries)
        if counts:
            first = {}
            for m in self.mentions:
                first.setdefault(m.country, m.start)
            return max(counts, key=lambda c: (counts[c], -first[c])), "text"
        return None, ""


@functools.lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The bundled gazetteer, loaded on first use and once per process."""
    return Gazetteer.load()


def _alias_index(data: GazetteerData, entries: dict[str, GazetteerEntry]
                 ) -> tuple[dict[str, list[Holder]], dict[str, str], set[str]]:
    """alias -> its holders, alias -> its type, and the "<country name><role alias>" aliases
    (美国总统, 日本央行) that roles add."""
    aliases: dict[str, list[Holder]] = {}
    types: dict[str, str] = {}
    composites: set[str] = set()

    def add(alias: str, holder: Holder, type_: str) -> None:
        key = fold(alias)
        if types.setdefault(key, type_) != type_:
            raise GazetteerError(f"{data.source}: alias {alias} names both a {types[key]} and a "
                                 f"{type_} ({holder.id}); give one of them another alias")
        if holder not in aliases.setdefault(key, []):
            aliases[key].append(holder)

    for entry in data.entries:
        for alias in (entry.name, *entry.aliases):
            add(alias, Holder(entry.id, entry.country), entry.type)
    explicit = set(aliases)
    for role in data.roles:
        for alias in role.aliases:
            for holder in role.holders:
                add(alias, holder, role.type)
                composite = fold(entries[holder.country].name + alias)
                if composite not in explicit:
                    add(composite, holder, role.type)
                    composites.add(composite)
    return aliases, types, composites


def _outside(spans: list[Entity], names: list[Entity]) -> list[Entity]:
    """The spans that overlap none of `names` (which are sorted by start and disjoint)."""
    starts = [name.start for name in names]
    outside = []
    for span in spans:
        at = bisect_left(starts, span.end)  # the names starting before the span ends
        if not at or names[at - 1].end <= span.start:
            outside.append(span)
    return outside


def _in_office(holder: Holder, when: date | None) -> bool:
    """Whether a holder holds the role at `when` (no date: whether it still does)."""
    if when is None:
        return holder.until is None
    return (holder.start is None or holder.start <= when) and (holder.until is None
                                                               or when < holder.until)


#: The characters of Latin words: ASCII letters and digits (what isascii() and isalnum() take).
_LATIN = frozenset(string.ascii_letters + string.digits)


def _splits_word(folded: str, start: int, end: int) -> bool:
    """True when a Latin alias would match inside a longer Latin word (US in USD)."""
    before = start > 0 and folded[start] in _LATIN and folded[start - 1] in _LATIN
    after = end < len(folded) and folded[end - 1] in _LATIN and folded[end] in _LATIN
    return before or after

