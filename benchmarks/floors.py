"""--floor NAME=VALUE options of the benchmarks, read one way."""

from __future__ import annotations

import argparse
from collections.abc import Iterable


def parse_floors(parser: argparse.ArgumentParser, given: list[str], names: Iterable[str],
                 example: str) -> dict[str, float]:
    """{name: value} from NAME=VALUE strings; a malformed or unknown one is a usage error."""
    try:
        floors = {k: float(v) for k, v in (f.split("=", 1) for f in given)}
    except ValueError:
        parser.error(f"--floor takes NAME=VALUE, e.g. {example}; got {given}")
    unknown = set(floors) - set(names)
    if unknown:
        parser.error(f"--floor names are {', '.join(names)}; got {', '.join(sorted(unknown))}")
    return floors
