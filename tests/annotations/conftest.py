"""A small analysed store whose texts hold emoji (astral characters), full-width punctuation
and line breaks, built once per session and copied for each test that writes to it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fincorpus.corpus.model import Article, Provenance, RawPage
from fincorpus.corpus.pipeline import analyze_articles
from fincorpus.corpus.store import Store

#: Invented articles: emoji before and inside likely spans, full-width punctuation, 。！？ ends.
ARTICLES = (
    ("https://www.163.com/dy/article/TEST0001.html", "🚀美联储又加息了😡",
     ("🚀美联储宣布加息：利率升至5.5%！美国经济恐怕撑不住了。",
      "美元指数大涨💰，人民币承压；央行表示将保持汇率稳定。",
      "特朗普批评美联储“太迟了”，黄金价格再创新高🥇。")),
    ("https://www.163.com/dy/article/TEST0002.html", "稀土（REE）管制升级",
     ("中国商务部：对稀土实施出口管制，坚决维护国家利益👍。",
      "美国军工企业（如洛克希德·马丁）最先坐不住？",
      "分析人士指出，美债收益率走高😱，美国财政压力与日俱增。")),
    ("https://www.163.com/dy/article/TEST0003.html", "黄金：避险还是泡沫？",
     ("📈国际金价年内上涨超过30%，央行连续增持黄金。",
      "中国减持美债，增加黄金储备，是稳健之举。",
      "关税战拖累全球贸易🌍，美国通胀压力再起。")),
)


def add_articles(store: Store) -> list[str]:
    """Store the invented articles (raw page and article each); their ids."""
    ids = []
    for url, title, paragraphs in ARTICLES:
        raw_id, _ = store.put_raw(RawPage(url=url, body="\n".join(paragraphs).encode()))
        article = Article(title=title, paragraphs=paragraphs, extractor=Provenance("test", "1"),
                          url=url)
        store.put_article(article, raw_id)
        ids.append(article.id)
    return ids


@pytest.fixture(scope="session")
def analysed_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("labels") / "hard.db"
    with Store(path) as store:
        add_articles(store)
        report = analyze_articles(store)
        assert report.analyzed == len(ARTICLES) and not report.failures
    return path


@pytest.fixture
def hard_db(analysed_db, tmp_path) -> Path:
    """A fresh copy of the analysed store, for a test to write labels into."""
    path = tmp_path / "hard.db"
    shutil.copy(analysed_db, path)
    return path


@pytest.fixture
def hard_store(hard_db):
    with Store(hard_db) as opened:
        yield opened
