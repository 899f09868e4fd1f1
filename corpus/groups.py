"""Groups of stored articles to compare: by article, or by the filters of `export --where`.

A `--group` spec is `NAME=key:value,key:value`; keys are `ids` (article ids, id prefixes,
DOCIDs or URLs) and the filter keys of corpus/filters.py (site, author, source, since, until,
topic, target). Different keys must all hold; a key's several values (`author:甲,乙`) mean
any of them. A TOML query file holds named groups the same way: `[groups.A]` tables.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from fincorpus.corpus.analyses import Analyses
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.filters import KEYS as FILTER_KEYS
from fincorpus.corpus.filters import matching_ids, parse_where
from fincorpus.corpus.store import Store

KEYS = ("ids", *(k for k in FILTER_KEYS if k != "id"))


@dataclass(frozen=True, slots=True)
class Group:
    """A named set of stored articles; `spec` says how it was chosen (shown in the report)."""

    name: str
    ids: tuple[str, ...]
    spec: str = ""


def groups_from_ids(store: Store, refs: list[str]) -> list[Group]:
    """One group per article reference (id, id prefix, DOCID or URL), named as given."""
    return [make_group(store, ref, {"ids": [ref]}, f"ids:{ref}") for ref in refs]


def groups_from_specs(store: Store, specs: list[str]) -> list[Group]:
    """Groups from `NAME=key:value,key:value` specs (a bare `,value` adds another value to
    the key before it)."""
    return [make_group(store, *parse_spec(spec), spec) for spec in specs]


def groups_from_file(store: Store, path: Path) -> list[Group]:
    """Named groups saved in TOML: `[groups.A]` tables with the spec keys (strings or lists)."""
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise BadInput(f"{path}: cannot read the query file ({error}); fix it or give another")
    tables = data.get("groups")
    if not isinstance(tables, dict) or not tables:
        raise BadInput(f"{path}: no [groups.NAME] tables; add one per group, e.g. [groups.A] "
                       'author = "君君文谈"')
    found = []
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise BadInput(f"{path}: groups.{name} is not a table; write [groups.{name}]")
        criteria = {key: [str(v) for v in (value if isinstance(value, list) else [value])]
                    for key, value in table.items()}
        found.append(make_group(store, name, criteria, f"{Path(path).name}:{name}"))
    return found


def select_groups(store: Store, ids: list[str] = (), specs: list[str] = (),
                  query_file: Path | None = None) -> list[Group]:
    """The groups of the command line: one per article id, then `--group` specs, then a file's."""
    return [*groups_from_ids(store, list(ids)), *groups_from_specs(store, list(specs)),
            *(groups_from_file(store, query_file) if query_file else [])]


def parse_spec(spec: str) -> tuple[str, dict[str, list[str]]]:
    """NAME and {key: values} of one `--group` spec."""
    name, sep, body = spec.partition("=")
    if not sep or not name.strip() or not body.strip():
        raise BadInput(f"--group {spec!r}: write NAME=key:value, e.g. 'A=author:君君文谈'")
    criteria: dict[str, list[str]] = {}
    key = None
    for piece in (p.strip() for p in body.split(",")):
        head, colon, value = piece.partition(":")
        if colon and head.strip() in KEYS:
            key = head.strip()
            criteria.setdefault(key, []).append(value.strip())
        elif key is None or (colon and head.isascii() and head.isalpha()
                             and not value.startswith("//")):  # a URL may follow ids:
            raise BadInput(f"--group {spec!r}: unknown key {head.strip()!r}; use "
                           f"{', '.join(KEYS)}")
        else:
            criteria[key].append(piece)
    return name.strip(), criteria


def make_group(store: Store, name: str, criteria: dict[str, list[str]], spec: str) -> Group:
    """The group of the articles that meet every criterion (any of a criterion's values)."""
    unknown = sorted(set(criteria) - set(KEYS))
    if unknown:
        raise BadInput(f"group {name} ({spec}): unknown key {unknown[0]!r}; use {', '.join(KEYS)}")
    values = {k: [v for v in vs if v] for k, vs in criteria.items()}
    where = [f"{k}={v}" for k, vs in values.items() if k != "ids" for v in vs]
    kept = matching_ids(store, parse_where(where, what=f"group {name}"))
    if "ids" in values:
        kept &= {Analyses(store).find_article(ref) for ref in values["ids"]}
    chosen = [row[0] for row in store.rows("SELECT id FROM articles ORDER BY rowid")
              if row[0] in kept]
    if not chosen:
        raise BadInput(f"group {name} ({spec}) matches no stored article; check the values "
                       "with `fincorpus export --level article`")
    return Group(name, tuple(chosen), spec)
