"""Pages users saved themselves: HTML files and text copies read from disk."""

from __future__ import annotations

from pathlib import Path

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import RawPage


def read_file(path: Path, url: str | None = None) -> RawPage:
    """A RawPage with the file's exact bytes; `url` is the page's web address if known."""
    try:
        body = path.read_bytes()
    except IsADirectoryError as error:
        raise BadInput(f"{path}: is a folder; give a file, or the folder to `fincorpus add`") from error
    except OSError as error:
        raise BadInput(f"{path}: cannot be read ({error.strerror}); check the path and "
                       "permissions") from error
    return RawPage(url=url or path.resolve().as_uri(), body=body, source_kind="file")
