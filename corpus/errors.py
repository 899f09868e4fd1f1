"""Errors whose message names the input and the remedy, in one line."""

from __future__ import annotations


class FincorpusError(Exception):
    """Base of every error the command line turns into one line and exit status 1."""


class BadInput(FincorpusError):
    """An input file, URL or option that cannot be used as given."""


class NotAnArticle(FincorpusError):
    """A page that holds no article: deleted, anti-bot, empty body, not HTML or text.

    `kind` is a short machine-readable reason ("deleted", "empty-body", "binary",
    "empty-file", "not-article"), `str(error)` the one-line human message.
    """

    def __init__(self, message: str, kind: str = "not-article") -> None:
        super().__init__(message)
        self.kind = kind


class FetchFailed(FincorpusError):
    """A URL that could not be fetched (network error, HTTP error, refused)."""


class StoreError(FincorpusError):
    """A store file that cannot be opened or is newer than this version."""
