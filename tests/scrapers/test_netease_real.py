"""The NetEase extractor on the real saved pages of ../shared/data/pages, scored against their gold.

The pages are third-party: they are read from the shared folder, never copied into the repo.
Floors are pinned just under what the extractor reaches, so any regression fails here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fincorpus.scrapers import evaluate
from tests.support.shared import shared_dir
from fincorpus.scrapers.encoding import decode
from fincorpus.scrapers.extract import extract
from fincorpus.scrapers.html import parse_html
from fincorpus.scrapers.netease import NetEaseExtractor

SHARED = shared_dir()
PAGES = SHARED / "data" / "pages"

#: Body F1 floor per page (every page reaches 1.000 with extractor netease/1).
FLOORS = {
    "netease_gne_163_1": 0.995,
    "netease_gne_163_3": 0.995,
    "netease_gne_163_5": 0.995,
    "netease_gne_163_7": 0.995,
    "netease_gne_visiable_dy_G33O1QTA05372UZS": 0.995,
    "netease_magichtml_dy_J22CN60P0514R9KQ": 0.995,
    "netease_money_cx_10": 0.995,
    "netease_money_cx_2": 0.995,
    "netease_money_cx_20": 0.995,
    "netease_money_cx_30": 0.995,
    "netease_nanmi_news_KC12OUHK000189FH": 0.995,
}


def _page(name: str) -> Path:
    path = PAGES / f"{name}.html"
    if not path.exists() or not path.with_suffix(".gold.json").exists():
        pytest.skip(f"real page {path} or its gold is not there (set FINCORPUS_SHARED to the shared/ folder)")
    return path


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_real_page_against_gold(name: str) -> None:
    path = _page(name)
    gold = json.loads(path.with_suffix(".gold.json").read_text(encoding="utf-8"))
    article = extract(path.read_bytes(), url=None)
    body, truth = article.text, "\n".join(gold["paragraphs"])
    assert article.extractor.name == "netease"
    assert evaluate.body_score(body, truth).f1 >= FLOORS[name]
    assert evaluate.leaks(body, truth) == []
    assert evaluate.normalize(article.title or "") == evaluate.normalize(gold["title"])
    assert evaluate.same_time(article.published_at.isoformat() if article.published_at else None,
                              gold["published_at"])
    assert (article.author, article.source, article.editor) == (gold["author"], gold["source"], gold["editor"])
    assert article.docid == gold["docid"]


def test_real_pages_mean_f1() -> None:
    scores = []
    for name in sorted(FLOORS):
        path = _page(name)
        truth = evaluate.load_truth(path)
        scores.append(evaluate.body_score(extract(path.read_bytes()).text, truth.body).f1)
    assert sum(scores) / len(scores) >= 0.999


def test_other_sites_are_not_taken_for_netease() -> None:
    if not PAGES.is_dir():
        pytest.skip(f"real pages not found at {PAGES} (set FINCORPUS_SHARED to the shared/ folder)")
    for path in sorted(PAGES.glob("*.html")):
        if path.name.startswith("netease_"):
            continue
        decoded = decode(path.read_bytes())
        doc = parse_html(decoded.text, None, decoded.encoding)
        assert not NetEaseExtractor().matches(doc), path.name
