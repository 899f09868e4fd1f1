"""The bundled sample corpus: every page extracts to its hand-written expected result.

The pages live in the installed package (`fincorpus.corpus` / data / sample), listed in
`manifest.toml`; each names the URL path the demo server serves it at, its Content-Type,
its expected JSON and its kind. Only the keys present in an expected file are compared.
"""

from __future__ import annotations

import json
import tomllib
from importlib.resources import files

import pytest

from fincorpus.corpus.errors import NotAnArticle
from fincorpus.scrapers.extract import extract

SAMPLE = files("fincorpus.corpus") / "data" / "sample"
MANIFEST = tomllib.loads((SAMPLE / "manifest.toml").read_text(encoding="utf-8"))
PAGES = MANIFEST["page"]
BASE = "http://127.0.0.1"

KINDS = {"dy", "channel", "mobile", "legacy", "old_dy", "no_time", "deleted", "photoset", "video",
         "quoted_disclaimer", "traditional", "antibot", "generic", "textcopy"}

#: Keys compared as plain values (tuples on the Article become lists).
VALUE_KEYS = ("title", "author", "source", "editor", "channel", "docid", "url",
              "paragraphs", "captions", "images")


def _expected(page: dict) -> dict:
    return json.loads((SAMPLE / page["expected"]).read_text(encoding="utf-8"))


def _extract(page: dict):
    data = (SAMPLE / page["file"]).read_bytes()
    return extract(data, url=BASE + page["path"], content_type=page["content_type"])


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def test_manifest_is_complete():
    assert len(PAGES) >= 24
    assert {page["kind"] for page in PAGES} >= KINDS
    assert {page["kind"] for page in PAGES} <= KINDS
    for page in PAGES:
        assert set(page) >= {"file", "path", "content_type", "expected", "kind", "about"}, page
        assert page["path"].startswith("/"), page
        assert (SAMPLE / page["file"]).is_file(), page["file"]
        assert (SAMPLE / page["expected"]).is_file(), page["expected"]
    files_ = [page["file"] for page in PAGES]
    paths = [page["path"] for page in PAGES]
    assert len(set(files_)) == len(files_)
    assert len(set(paths)) == len(paths)


@pytest.mark.parametrize("page", PAGES, ids=[page["file"] for page in PAGES])
def test_sample_page(page):
    expected = _expected(page)
    if "not_an_article" in expected:
        with pytest.raises(NotAnArticle) as caught:
            _extract(page)
        assert caught.value.kind == expected["not_an_article"]
        return
    article = _extract(page)
    for key in VALUE_KEYS:
        if key in expected:
            assert _plain(getattr(article, key)) == expected[key], f"{page['file']}: {key}"
    if "published_at" in expected:
        got = article.published_at.isoformat() if article.published_at else None
        assert got == expected["published_at"], f"{page['file']}: published_at"
    if "flags" in expected:
        missing = set(expected["flags"]) - set(article.flags)
        assert not missing, f"{page['file']}: flags {sorted(missing)} missing from {article.flags}"
    for needle in expected.get("must_not_contain", ()):
        haystack = [article.title or "", article.author or "", *article.paragraphs]
        hits = [text for text in haystack if needle in text]
        assert not hits, f"{page['file']}: {needle!r} found in {hits[0][:60]!r}"
