"""Fixtures of the corpus tests: a store holding three sample articles, analysed."""

from __future__ import annotations

import pytest
from fincorpus.corpus.pipeline import add_paths, analyze_articles
from fincorpus.corpus.sample import sample_dir

#: The sample pages `analysed` adds: commentary on gold, rare earths and Treasuries.
ANALYSED_PAGES = ("dy_gold_buying.html", "dy_rare_earth_controls.html", "dy_treasury_cut.html")


@pytest.fixture
def analysed(store, tmp_path):
    """Three sample articles, added from files and analysed in this process."""
    for name in ANALYSED_PAGES:
        (tmp_path / name).write_bytes(sample_dir().joinpath(name).read_bytes())
    add_paths([tmp_path / name for name in ANALYSED_PAGES], store)
    report = analyze_articles(store)
    assert report.analyzed == len(ANALYSED_PAGES) and not report.failures
    return store
