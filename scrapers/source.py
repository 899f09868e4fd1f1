"""One page named on the command line or in a notebook: a local file or an http(s) URL."""

from __future__ import annotations

from pathlib import Path

from fincorpus.corpus.errors import BadInput, FetchFailed
from fincorpus.corpus.model import RawPage
from fincorpus.scrapers.fetch import Fetcher, FetchSettings
from fincorpus.scrapers.local import read_file


def load_source(source: str, settings: FetchSettings | None = None) -> RawPage:
    """The raw page behind a path or URL; FetchFailed or BadInput say why there is none."""
    if source.startswith(("http://", "https://")):
        with Fetcher(settings or FetchSettings()) as fetcher:
            page = fetcher.fetch(source)
        if page.error:
            raise FetchFailed(f"{source}: {page.error}; check the URL or try again later")
        return page
    if "://" in source:
        raise BadInput(f"{source}: only http and https URLs can be fetched")
    path = Path(source)
    if not path.exists():
        raise BadInput(f"{source}: no such file; give a saved page, a text copy or an http(s) URL")
    return read_file(path)
