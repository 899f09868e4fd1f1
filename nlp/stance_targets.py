"""Stance targets: what a text can be FAVOR, AGAINST or NONE toward, and where it names them.

A target is either a gazetteer entry (美国, 特朗普, 美联储: an actor, whose names are the
gazetteer's, shared and never copied) or a term with its own aliases (美债, 黄金, 稀土).
The bundled list is `data/stance/targets.toml`; its header documents the layout, and a
user file with the same layout is read by `Targets.load(path)`.

Where a text names a target (`Targets.mentions`): the caller's gazetteer-linked entities
first offer their ids (so 中美's 美 counts as 美国, which no alias can catch), then one
leftmost-longest scan of every target alias offers the rest; of the offers overlapping
each other the leftmost, then the longest, wins (美国国债 is 美债, not 美国). An alias
right after a number is a unit, not a mention (6826亿美元 names no 美元).

A name that is no known target (NLPCC's 开放二胎) still works: `resolve` makes an ad-hoc
target whose aliases are the name and its content words from our segmenter.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Entity
from fincorpus.nlp.datafiles import read_data
from fincorpus.nlp.terms import TermMatcher, fold

__all__ = ["LABELS", "Mention", "Offer", "Target", "Targets", "default_targets"]

#: Stance labels, sorted: the order of scikit-learn's classes_ and of every probability row.
LABELS = ("AGAINST", "FAVOR", "NONE")

BUNDLED = "data/stance/targets.toml"
_SLUG = re.compile(r"term:[a-z0-9][a-z0-9.-]*")
_KEYS = {"name", "id", "gazetteer", "aliases"}
_ADHOC = "adhoc:"

Mention = tuple["Target", int, int]
#: (start, end, target) of an alias match, before the leftmost-longest choice.
Offer = tuple[int, int, "Target"]


@dataclass(frozen=True, slots=True)
class Target:
    """A stance target: display `name`, `id` (gazetteer id or "term:…" slug), its aliases."""

    name: str
    id: str
    aliases: tuple[str, ...] = ()

    def __hash__(self) -> int:
        """By id alone (equal targets have equal ids): analyze looks targets up in dicts by
        the thousand, and the fields' hash would hash every alias each time."""
        return hash(self.id)

    @property
    def is_actor(self) -> bool:
        """True for a gazetteer entry (a country, person or body that can act)."""
        return not self.id.startswith(("term:", _ADHOC))

    @property
    def is_adhoc(self) -> bool:
        """True for a target made up by `Targets.resolve` from a free-text name."""
        return self.id.startswith(_ADHOC)


class Targets:
    """A set of stance targets and the scanner that finds their mentions in text."""

    def __init__(self, targets: Iterable[Target], source: str = "<memory>") -> None:
        self.source = source
        self._targets = tuple(targets)
        self._by_key: dict[str, Target] = {}
        for target in self._targets:
            self._by_key.setdefault(target.id, target)
            self._by_key.setdefault(target.name, target)
        self._by_alias = {fold(alias): t for t in self._targets for alias in t.aliases}
        self._by_id = {t.id: t for t in self._targets}
        self._known = frozenset(self._targets)
        self._matcher = TermMatcher(self._by_alias)

    @classmethod
    def load(cls, path: str | Path | None = None, gazetteer: Any = None) -> Targets:
        """The bundled targets, or the user's TOML file at `path` (same layout).

        `gazetteer` gives the aliases of gazetteer targets (default: the bundled gazetteer).
        """
        text, source = read_data("fincorpus.nlp", BUNDLED, path, "targets file")
        if gazetteer is None:
            from fincorpus.nlp.gazetteer import default_gazetteer
            gazetteer = default_gazetteer()
        return cls(_parse(text, source, gazetteer), source)

    def __iter__(self) -> Iterator[Target]:
        return iter(self._targets)

    def __len__(self) -> int:
        return len(self._targets)

    def __contains__(self, item: object) -> bool:
        return item in self._known or (isinstance(item, str) and item in self._by_key)

    def __repr__(self) -> str:
        return f"Targets({len(self)} from {self.source})"

    def get(self, name_or_id: str) -> Target | None:
        """The target with this name or id (else None)."""
        return self._by_key.get(name_or_id)

    def resolve(self, name: str | Target) -> Target:
        """A known target by name, id or alias; else an ad-hoc target made from the name."""
        if isinstance(name, Target):
            return name
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"a target must be a non-empty string or a Target, not {name!r}")
        name = name.strip()
        return self.get(name) or self._by_alias.get(fold(name)) or adhoc_target(name)

    def mentions(self, text: str, entities: Sequence[Entity] = ()) -> list[Mention]:
        """(target, start, end) of every target named in `text`, in order, never overlapping.

        `entities` are the text's gazetteer-linked entities, if the caller has them: an
        entity whose id is a target's counts as a mention of it (中美's 美 as 美国).
        """
        return self.mentions_among(self.alias_offers_each([text])[0], entities)

    def alias_offers_each(self, texts: Sequence[str]) -> list[list[Offer]]:
        """(start, end, target) of every alias match of each text (one scan of them all),
        before the entities' offers and the leftmost-longest choice (`mentions_among`):
        analyze asks for every sentence of a batch at once."""
        by_alias = self._by_alias
        return [[(start, end, by_alias[key]) for key, start, end in spans
                 if not _after_number(text, start)]
                for text, spans in zip(texts, self._matcher.spans_each(texts))]

    def mentions_among(self, offers: list[Offer],
                       entities: Sequence[Entity] = ()) -> list[Mention]:
        """`mentions` of a text from its alias offers and its entities."""
        by_id = self._by_id
        offers = [(e.start, e.end, by_id[e.id]) for e in entities if e.id in by_id] + offers
        return _leftmost_longest(offers) if offers else []

    def mentions_of(self, target: Target, text: str,
                    entities: Sequence[Entity] = ()) -> list[tuple[int, int]]:
        """(start, end) of the mentions of one target, ad-hoc ones included."""
        if target in self._known:
            return spans_by_target(self.mentions(text, entities)).get(target, [])
        offers = [(e.start, e.end, target) for e in entities if e.id == target.id]
        offers += [(m.start, m.end, target) for m in _matcher(target.aliases).find(text)
                   if not _after_number(text, m.start)]
        return [(start, end) for _, start, end in _leftmost_longest(offers)]

    def mentioned(self, text: str, entities: Sequence[Entity] = ()) -> list[Target]:
        """The targets named in `text`, each once, in order of first mention."""
        return list(dict.fromkeys(t for t, _, _ in self.mentions(text, entities)))


def spans_by_target(mentions: Iterable[Mention]) -> dict[Target, list[tuple[int, int]]]:
    """Each target's (start, end) spans among `mentions`, in their order."""
    grouped: dict[Target, list[tuple[int, int]]] = {}
    for target, start, end in mentions:
        grouped.setdefault(target, []).append((start, end))
    return grouped


@functools.lru_cache(maxsize=1)
def default_targets() -> Targets:
    """The bundled targets, loaded on first use and once per process."""
    return Targets.load()


@functools.lru_cache(maxsize=256)
def adhoc_target(name: str) -> Target:
    """A target for a free-text name: the name itself plus its content words as aliases."""
    from fincorpus.nlp.segment import get_segmenter
    from fincorpus.nlp.stopwords import bundled_stopwords

    stop = bundled_stopwords()
    words = [w for w in get_segmenter().cut(name)
             if len(w) > 1 and w.lower() not in stop and not w.isdigit()]
    return Target(name, _ADHOC + name, tuple(dict.fromkeys([name, *words])))


@functools.lru_cache(maxsize=256)
def _matcher(aliases: tuple[str, ...]) -> TermMatcher:
    return TermMatcher(aliases)


#: A number right before an alias makes it a unit (6826亿美元), not a mention of the target.
_NUMBER_END = re.compile(r"[0-9０-９万亿千百]$")


def _after_number(text: str, start: int) -> bool:
    # Only the last two characters can match (`$` also matches before a final "\n"), so the
    # search starts there rather than rescanning the text from 0 for every alias.
    return bool(_NUMBER_END.search(text, max(0, start - 2), start))


def _leftmost_longest(offers: list[Offer]) -> list[Mention]:
    """Of overlapping offers the leftmost, then the longest, wins."""
    taken: list[Mention] = []
    pos = 0
    for start, end, target in sorted(offers, key=lambda o: (o[0], o[0] - o[1])):
        if start >= pos:
            taken.append((target, start, end))
            pos = end
    return taken


def _parse(text: str, source: str, gazetteer: Any) -> list[Target]:
    """The checked targets of a targets file, or BadInput naming the first problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{source}: not valid TOML ({exc}); see the layout at the top of "
                       "the bundled targets.toml") from exc
    unknown = sorted(set(raw) - {"target"})
    items = raw.get("target")
    if unknown or not isinstance(items, list) or not items \
            or not all(isinstance(i, dict) for i in items):
        raise BadInput(f"{source}: expected one non-empty array 'target = [ {{ name = ..., "
                       f"id = ... }}, ... ]'" + (f", not '{unknown[0]}'" if unknown else ""))
    targets: list[Target] = []
    owner: dict[str, str] = {}
    for index, item in enumerate(items):
        where = _where(text, source, index, item)
        target = _target(item, where, gazetteer)
        for other in targets:
            if target.id == other.id or target.name == other.name:
                raise BadInput(f"{where}: name or id repeats target {other.name} ({other.id}); "
                               "give each target once")
        for alias in target.aliases:
            key = fold(alias)
            if owner.setdefault(key, target.name) != target.name:
                raise BadInput(f"{where}: alias {alias} already belongs to {owner[key]}; "
                               "an alias may name one target only, remove one")
        targets.append(target)
    return targets


def _target(item: dict[str, Any], where: str, gazetteer: Any) -> Target:
    """One entry of the `target` array."""
    unknown = sorted(set(item) - _KEYS)
    if unknown:
        raise BadInput(f"{where}: unknown key '{unknown[0]}' (allowed: {', '.join(sorted(_KEYS))})")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BadInput(f"{where}: 'name' must be a non-empty string")
    aliases = item.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise BadInput(f"{where}: 'aliases' must be a list of non-empty strings")
    if ("id" in item) == ("gazetteer" in item):
        raise BadInput(f"{where}: give exactly one of 'gazetteer' (an entry id such as Q30) "
                       "and 'id' (a slug such as term:us-treasuries)")
    if "id" in item:
        id_ = item["id"]
        if not isinstance(id_, str) or not _SLUG.fullmatch(id_):
            raise BadInput(f"{where}: id {id_!r} must be a slug term:<a-z0-9.-> "
                           "(term:us-treasuries); gazetteer entries go under 'gazetteer'")
        return Target(name, id_, tuple(dict.fromkeys([name, *aliases])))
    id_ = item["gazetteer"]
    entry = gazetteer.entry(id_) if isinstance(id_, str) else None
    if entry is None:
        raise BadInput(f"{where}: gazetteer id {id_!r} is not an entry of {gazetteer.source}; "
                       "use an id from the gazetteer, or a term:… id with your own aliases")
    return Target(name, id_, tuple(dict.fromkeys([name, entry.name, *entry.aliases, *aliases])))


def _where(text: str, source: str, index: int, item: Any) -> str:
    """"file: line N, target K (name)": the line is the first that holds the entry's name."""
    name = item.get("name") if isinstance(item, dict) else None
    line = next((number for number, content in enumerate(text.splitlines(), 1)
                 if isinstance(name, str) and f'"{name}"' in content
                 and not content.lstrip().startswith("#")), None)
    at = f"line {line}, " if line else ""
    return f"{source}: {at}target {index + 1} ({name or 'no name'})"
