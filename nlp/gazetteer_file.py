"""Reading a gazetteer TOML file into checked entries, with one-line errors naming file and entry.

The layout is described at the top of the bundled `data/gazetteer.toml`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.datafiles import read_data

TYPES = ("LOC", "ORG", "PER")
_ID = re.compile(r"Q[1-9]\d*|[a-z]+:[a-z0-9][a-z0-9.-]*")
_ENTRY_KEYS = {"id", "kind", "label", "name", "aliases", "short", "country"}
_ROLE_KEYS = {"aliases", "type", "label", "holders"}
_HOLDER_KEYS = {"id", "country", "from", "until"}
_SHORT_KEYS = {"compounds", "contexts", "stop"}


class GazetteerError(BadInput, ValueError):
    """A gazetteer file that cannot be used; the message names the file, entry and fix."""


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One person, place or organisation. `country` is the polity it belongs to (its own id
    for countries and other LOC entries without one)."""

    id: str
    type: str
    label: str
    name: str
    aliases: tuple[str, ...] = ()
    short: tuple[str, ...] = ()
    country: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Holder:
    """Who an ambiguous alias names in one country, and when (`start` inclusive, `until` not)."""

    id: str
    country: str | None
    start: date | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class Role:
    """An alias such as 央行 or 总统 that names a different holder per country."""

    aliases: tuple[str, ...]
    type: str
    label: str
    holders: tuple[Holder, ...]


@dataclass(frozen=True, slots=True)
class GazetteerData:
    """Everything a gazetteer file holds, checked."""

    source: str
    entries: tuple[GazetteerEntry, ...]
    roles: tuple[Role, ...] = ()
    compounds: tuple[str, ...] = ()
    contexts: tuple[str, ...] = ()
    stop: tuple[str, ...] = ()


def read_gazetteer(path: str | Path | None = None) -> GazetteerData:
    """Read and check a gazetteer file; the bundled one when `path` is None."""
    text, source = read_data("fincorpus.nlp", "data/gazetteer.toml", path, "gazetteer",
                             GazetteerError)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GazetteerError(f"{source}: not valid TOML ({exc})") from exc
    return _check(raw, source)


def _check(raw: dict[str, Any], source: str) -> GazetteerData:
    """Turn the parsed TOML into GazetteerData, or raise naming the first problem."""
    _keys(raw, {*TYPES, "role", "short_forms"}, source, "top level")
    entries = [_entry(item, type_, index, source)
               for type_ in TYPES for index, item in enumerate(_list(raw, type_, source, type_))]
    _check_ids(entries, source)
    roles = [_role(item, index, source) for index, item in enumerate(_list(raw, "role", source, ""))]
    by_id = {e.id: e for e in entries}
    for index, role in enumerate(roles):
        _check_role(role, by_id, f"{source}: role {index + 1} ({role.aliases[0]})")
    shorts = _short_forms(raw.get("short_forms", {}), source)
    data = GazetteerData(source, tuple(entries), tuple(roles), *shorts)
    _check_patterns(data)
    return data


def _list(raw: dict[str, Any], key: str, source: str, where: str) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise GazetteerError(f"{source}: '{key}' must be a list of tables ({where or key})")
    return value


def _keys(item: dict[str, Any], allowed: set[str], source: str, where: str) -> None:
    unknown = sorted(set(item) - allowed)
    if unknown:
        raise GazetteerError(f"{source}: {where}: unknown key '{unknown[0]}' "
                             f"(allowed: {', '.join(sorted(allowed))})")


def _text(item: dict[str, Any], key: str, where: str, required: bool = True) -> str | None:
    value = item.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise GazetteerError(f"{where}: '{key}' must be a non-empty string")
    return value


def _strings(item: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise GazetteerError(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(value)


def _entry(item: dict[str, Any], type_: str, index: int, source: str) -> GazetteerEntry:
    """One entry of the LOC, ORG or PER list."""
    where = f"{source}: {type_} entry {index + 1} ({item.get('id', 'no id')})"
    _keys(item, _ENTRY_KEYS, source, where.split(": ", 1)[1])
    id_ = _text(item, "id", where)
    if not _ID.fullmatch(id_):
        raise GazetteerError(f"{where}: id must be a Wikidata QID (Q30) or a slug (org:pboc)")
    short = _strings(item, "short", where)
    if any(len(s) != 1 for s in short):
        raise GazetteerError(f"{where}: each 'short' form must be one character")
    country = _text(item, "country", where, required=False)
    return GazetteerEntry(id_, type_, _text(item, "label", where), _text(item, "name", where),
                          _strings(item, "aliases", where), short,
                          country or (id_ if type_ == "LOC" else None),
                          _text(item, "kind", where, required=False))


def _check_ids(entries: list[GazetteerEntry], source: str) -> None:
    """Ids unique, countries known, each short form used once."""
    seen: dict[str, GazetteerEntry] = {}
    shorts: dict[str, str] = {}
    for entry in entries:
        if entry.id in seen:
            raise GazetteerError(f"{source}: id {entry.id} is used twice "
                                 f"({seen[entry.id].name} and {entry.name})")
        seen[entry.id] = entry
        for ch in entry.short:
            if ch in shorts:
                raise GazetteerError(f"{source}: short form {ch} is given to both "
                                     f"{shorts[ch]} and {entry.id}")
            shorts[ch] = entry.id
    for entry in entries:
        if entry.country and entry.country not in seen:
            raise GazetteerError(f"{source}: {entry.type} entry {entry.id}: country "
                                 f"{entry.country} is not an entry of this gazetteer")


def _role(item: dict[str, Any], index: int, source: str) -> Role:
    """One [[role]] table."""
    where = f"{source}: role {index + 1}"
    _keys(item, _ROLE_KEYS, source, f"role {index + 1}")
    aliases = _strings(item, "aliases", where)
    type_ = _text(item, "type", where)
    if not aliases or type_ not in TYPES:
        raise GazetteerError(f"{where}: needs 'aliases' and a 'type' of {', '.join(TYPES)}")
    holders = []
    for number, holder in enumerate(item.get("holders", [])):
        spot = f"{where} ({aliases[0]}), holder {number + 1}"
        if not isinstance(holder, dict):
            raise GazetteerError(f"{spot}: must be a table {{ country = ..., id = ... }}")
        _keys(holder, _HOLDER_KEYS, source, spot.split(": ", 1)[1])
        start, until = holder.get("from"), holder.get("until")
        if any(d is not None and not isinstance(d, date) for d in (start, until)):
            raise GazetteerError(f"{spot}: 'from' and 'until' must be dates (2025-01-20)")
        holders.append(Holder(_text(holder, "id", spot), _text(holder, "country", spot),
                              start, until))
    return Role(aliases, type_, _text(item, "label", where), tuple(holders))


def _check_role(role: Role, by_id: dict[str, GazetteerEntry], where: str) -> None:
    if not role.holders:
        raise GazetteerError(f"{where}: lists no holders")
    for holder in role.holders:
        entry = by_id.get(holder.id)
        if entry is None or holder.country not in by_id:
            missing = holder.id if entry is None else holder.country
            raise GazetteerError(f"{where}: {missing} is not an entry of this gazetteer")
        if entry.type != role.type:
            raise GazetteerError(f"{where}: holder {holder.id} is {entry.type}, "
                                 f"the role is {role.type}")


def _short_forms(raw: Any, source: str) -> tuple[tuple[str, ...], ...]:
    where = f"{source}: [short_forms]"
    if not isinstance(raw, dict):
        raise GazetteerError(f"{where} must be a table")
    _keys(raw, _SHORT_KEYS, source, "[short_forms]")
    return tuple(_strings(raw, key, where) for key in ("compounds", "contexts", "stop"))


def _check_patterns(data: GazetteerData) -> None:
    """Every compound and context must hold at least one short form."""
    shorts = {ch for entry in data.entries for ch in entry.short}
    for pattern in (*data.compounds, *data.contexts):
        if not shorts & set(pattern):
            raise GazetteerError(f"{data.source}: [short_forms] pattern {pattern} holds no "
                                 "short form; give the entry a 'short' or drop the pattern")
