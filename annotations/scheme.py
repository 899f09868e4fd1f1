"""The labeling scheme: which fields coders label, of which kind, with which values.

The bundled scheme (data/scheme.toml) names `stance` (FAVOR/AGAINST/NONE per target),
`frames` (the five Semetko–Valkenburg generic frames, several per unit) and `entities`
(span tags). A user's TOML in the same layout replaces it; `Scheme.load` checks it and
refuses a bad file with one line naming the file, the field and the fix.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.datafiles import read_data
from fincorpus.corpus.model import Label

BUNDLED = "data/scheme.toml"
KINDS = ("choice", "multi", "span")
UNITS = ("article", "sentence")
_KEYS = {"name", "kind", "choices", "unit", "per_target", "description"}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One labelled field: `kind` is choice (one value), multi (several values) or span."""

    name: str
    kind: str
    choices: tuple[str, ...]
    unit: str = "article"
    per_target: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class Scheme:
    """The fields of a labeling study; look fields up by their name or `<name>:<target>`."""

    fields: tuple[FieldSpec, ...]
    source: str = "<memory>"

    @classmethod
    def load(cls, path: str | Path | None = None) -> Scheme:
        """The bundled scheme, or the user's TOML file at `path` (same layout), checked."""
        if path is None:
            return _bundled()
        text, source = read_data("fincorpus.annotations", BUNDLED, path, "scheme file")
        return cls(parse_fields(text, source), source)

    def require(self, field: str) -> FieldSpec:
        """The spec of a field, or BadInput naming the scheme's fields."""
        spec = self.get(field)
        if spec is None:
            names = ", ".join(s.name for s in self.fields)
            raise BadInput(f"no field {field!r} in the scheme {self.source}; use one of {names}")
        return spec

    def get(self, field: str) -> FieldSpec | None:
        """The spec of a label field: `stance:美联储` finds the per-target field `stance`."""
        for spec in self.fields:
            if spec.name == field:
                return spec
        base, sep, _ = field.partition(":")
        for spec in self.fields:
            if sep and spec.per_target and spec.name == base:
                return spec
        return None

    def field_for(self, value: str, span: bool = False) -> str | None:
        """The one field whose choices hold `value` (for files that name no field), else None."""
        owners = [s.name for s in self.fields
                  if (s.kind == "span") == span and value in s.choices]
        if len(owners) == 1:
            return owners[0]
        spans = [s.name for s in self.fields if s.kind == "span"]
        return spans[0] if span and len(spans) == 1 else None

    def qualify(self, field: str, target: str | None) -> str:
        """`stance` becomes `stance:<target>` when the field is per target and a target is known."""
        spec = self.get(field)
        if target and spec is not None and spec.per_target and ":" not in field:
            return f"{field}:{target}"
        return field

    def check(self, labels: Iterable[Label]) -> None:
        """Refuse the first label whose value is not among its field's choices."""
        for label in labels:
            spec = self.get(label.field)
            if spec is not None and label.value not in spec.choices:
                raise BadInput(
                    f"{label.source or '<labels>'}: unit {label.unit_id}: {label.field} value "
                    f"{label.value!r} (coder {label.coder}) is not one of "
                    f"{', '.join(spec.choices)}; "
                    f"fix the label, or add the value to '{spec.name}' in your scheme (--scheme)")


@lru_cache(maxsize=1)
def _bundled() -> Scheme:
    """The bundled scheme, read and checked once (a Scheme is immutable, so it is shared)."""
    text, source = read_data("fincorpus.annotations", BUNDLED, None, "scheme file")
    return Scheme(parse_fields(text, source), source)


def parse_fields(text: str, source: str) -> tuple[FieldSpec, ...]:
    """The checked fields of a scheme file, or BadInput naming the first problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(f"{source}: not valid TOML ({exc}); see the layout at the top of the "
                       "bundled scheme.toml") from exc
    items = raw.get("field")
    if set(raw) - {"field"} or not isinstance(items, list) or not items \
            or not all(isinstance(i, dict) for i in items):
        raise BadInput(f"{source}: expected a non-empty list of [[field]] tables and nothing else; "
                       "see the bundled scheme.toml")
    fields: list[FieldSpec] = []
    for index, item in enumerate(items, 1):
        spec = _field(item, f"{source}: field {index} ({item.get('name', 'unnamed')})")
        if any(spec.name == f.name for f in fields):
            raise BadInput(f"{source}: field name '{spec.name}' is given twice; "
                           "rename or remove one")
        fields.append(spec)
    return tuple(fields)


def _field(item: dict[str, Any], where: str) -> FieldSpec:
    """One checked [[field]] table."""
    unknown = sorted(set(item) - _KEYS)
    if unknown:
        raise BadInput(f"{where}: unknown key '{unknown[0]}'; use {', '.join(sorted(_KEYS))}")
    name, kind, choices = item.get("name"), item.get("kind"), item.get("choices")
    if not isinstance(name, str) or not name.strip() or ":" in name:
        raise BadInput(f"{where}: needs name = \"...\" (text without ':')")
    if kind not in KINDS:
        raise BadInput(f"{where}: unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    if not isinstance(choices, list) or not choices \
            or not all(isinstance(c, str) and c.strip() for c in choices):
        raise BadInput(f"{where}: choices must be a non-empty list of names, "
                       "e.g. choices = [\"FAVOR\", \"AGAINST\", \"NONE\"]")
    repeated = sorted({c for c in choices if choices.count(c) > 1})
    if repeated:
        raise BadInput(f"{where}: choice '{repeated[0]}' is listed twice; list each once")
    unit = item.get("unit", "article")
    if unit not in UNITS:
        raise BadInput(f"{where}: unknown unit {unit!r}; use one of {', '.join(UNITS)}")
    per_target = item.get("per_target", False)
    if not isinstance(per_target, bool):
        raise BadInput(f"{where}: per_target must be true or false")
    return FieldSpec(name.strip(), kind, tuple(choices), unit, per_target,
                     str(item.get("description", "")))
