"""Bundled data files (gazetteer, targets, schemes) or the user's own in their place."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fincorpus.corpus.errors import BadInput


def read_data(package: str, bundled: str, path: str | Path | None, what: str,
              error: type[BadInput] = BadInput) -> tuple[str, str]:
    """(text, source name) of the user's file at `path`, or of `bundled` inside `package`.

    A user's file may carry a BOM; one that cannot be read is a one-line `error` naming it.
    """
    if path is None:
        return (resources.files(package).joinpath(bundled).read_text("utf-8"),
                f"{package.replace('.', '/')}/{bundled}")
    try:
        return Path(path).read_text("utf-8-sig"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read the {what} ({exc}); pass a UTF-8 TOML file") from exc
