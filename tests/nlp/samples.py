"""The bundled sample corpus as sentences, for scoring tests (no extraction, no segmentation)."""

from __future__ import annotations

import json
import re
from importlib.resources import files

SAMPLE = files("fincorpus.corpus") / "data" / "sample"


def sample_sentences(stem: str) -> list[str]:
    """The paragraphs of a sample article's expected extraction, cut after 。！？."""
    data = json.loads((SAMPLE / f"{stem}.expected.json").read_text(encoding="utf-8"))
    paragraphs = data.get("paragraphs") or []
    return [s for p in paragraphs for s in re.split(r"(?<=[。！？])", p) if s.strip()]


def stems_with_body() -> set[str]:
    """Every sample article whose expected extraction has paragraphs."""
    stems = {entry.name[: -len(".expected.json")] for entry in SAMPLE.iterdir()
             if entry.name.endswith(".expected.json")}
    return {stem for stem in stems if sample_sentences(stem)}
