"""analyze over a real store: every stage's output lands in the tables, with offsets that hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fincorpus.corpus.analyses import Analyses
from fincorpus.corpus.cli import app
from fincorpus.corpus.export import tables
from fincorpus.corpus.pipeline import add_paths, analyze_articles
from fincorpus.corpus.sample import sample_dir, sample_pages
from fincorpus.corpus.store import Store
from fincorpus.nlp.analyze import AnalyzerSettings
from tests.corpus.conftest import ANALYSED_PAGES as PAGES


def test_offsets_point_into_the_article_text(analysed):
    texts = {s.article.id: s.article.text for s in analysed.articles()}
    for level in ("sentence", "entity"):
        frame = tables(analysed, level)
        assert len(frame)
        for row in frame.itertuples():
            assert texts[row.article_id][row.start:row.end] == row.text


def test_each_article_gets_its_topic_and_money_entities(analysed):
    topics = tables(analysed, "topic")
    top = topics[topics.sentence.isna()].sort_values("score").groupby("article_id").tail(1)
    assert {"gold", "rare_earths", "us_treasuries"} <= set(top.topic)
    money = tables(analysed, "entity").query("type == 'MONEY'")
    assert all(json.loads(v)["currency"] for v in money.value if "currency" in v)
    assert len(tables(analysed, "frame"))


def test_analyze_skips_what_is_done_and_redoes_with_all(analysed):
    assert analyze_articles(analysed).analyzed == 0
    assert analyze_articles(analysed, redo=True).analyzed == len(PAGES)
    assert Analyses(analysed).count() == len(PAGES)


def test_two_workers_give_the_same_tables(analysed):
    before = tables(analysed, "entity")
    assert analyze_articles(analysed, workers=2, redo=True).analyzed == len(PAGES)
    assert tables(analysed, "entity").equals(before)


def test_segment_and_entities_commands_one_line_out_per_line_in(runner):
    text = "中国持有美债6826亿美元\n\n特朗普宣布加征关税20%\n"
    words = runner.invoke(app, ["segment"], input=text)
    assert words.exit_code == 0 and words.stdout.splitlines() == [
        "中国 持有 美债 6826亿美元", "", "特朗普 宣布 加征关税 20%"]
    tagged = runner.invoke(app, ["entities"], input=text)
    lines = [json.loads(line) for line in tagged.stdout.splitlines()]
    assert tagged.exit_code == 0 and len(lines) == 3 and lines[1] == []
    assert {"text": "6826亿美元", "type": "MONEY"}.items() <= lines[0][-1].items()


def test_analyze_and_topics_discover_commands(runner, db_path, tmp_path):
    runner.invoke(app, ["add", str(Path(str(sample_dir()))), "--db", str(db_path)])
    result = runner.invoke(app, ["analyze", "--db", str(db_path)])
    assert result.exit_code == 0 and "analysed" in result.stdout
    model = tmp_path / "topics.json"
    found = runner.invoke(app, ["topics", "discover", "--k", "3", "-o", str(model), "--db", str(db_path)])
    assert found.exit_code == 0 and "topic_00" in found.stdout and json.loads(model.read_text())
    bad = runner.invoke(app, ["topics", "discover", "--k", "500", "-o", str(model), "--db", str(db_path)])
    assert bad.exit_code == 1 and "fewer than --k 500" in bad.stderr
    with Store(db_path) as store:
        gold = next(s.article for s in store.articles() if s.article.docid == "KJ2A7Q3M0556F1TX")
    shown = runner.invoke(app, ["show", gold.id[:6], "--sentences", "2", "--db", str(db_path)])
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == gold.title and f"id {gold.id}" in lines[1]
    assert "entities (" in shown.stdout and "topics (" in shown.stdout and "frames (" in shown.stdout
    assert lines[3] == "sentence 0 (words):" and "".join(lines[4].split()) in gold.text
    missing = runner.invoke(app, ["show", "nothing-like-this", "--db", str(db_path)])
    assert missing.exit_code == 1 and "no article matches" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1


def test_article_view_aligns_wide_characters():
    from fincorpus.corpus.show import table, width

    assert width("美债A") == 5
    lines = table(("text", "type"), [("美债", "LOC"), ("G7", "ORG")])
    starts = [width(line[:line.index(kind)]) for line, kind in zip(lines, ("type", "LOC", "ORG"))]
    assert starts == [6, 6, 6]


def test_sample_pages_are_all_listed():  # guards the fixture's file names
    assert set(PAGES) <= {p.file for p in sample_pages()}


def test_one_failing_article_is_reported_and_the_rest_stored(store, tmp_path, monkeypatch):
    """A batch that fails is retried article by article, so only the bad one is lost."""
    import fincorpus.corpus.pipeline as pipeline

    for name in PAGES:
        (tmp_path / name).write_bytes(sample_dir().joinpath(name).read_bytes())
    add_paths([tmp_path / name for name in PAGES], store)
    bad = next(iter(store.articles())).article.id
    real = pipeline.analyze_batch

    def flaky(articles, settings=AnalyzerSettings()):
        if any(a.id == bad for a in articles):
            raise ValueError("no good")
        return real(articles, settings)

    monkeypatch.setattr(pipeline, "analyze_batch", flaky)
    seen = []
    report = analyze_articles(store, progress=seen.append)
    assert report.analyzed == len(PAGES) - 1 and sum(seen) == len(PAGES)
    assert report.failures == ((bad, "analysis failed: ValueError: no good"),)
    assert bad in Analyses(store).pending()


def test_json_columns_are_written_as_json_dumps_writes_them():
    from fincorpus.corpus.analyses import _strings_json

    for items in [(), ("美债",), ('引号"', "反斜杠\\", "换行\n", "tab\t", "\u2028", "😀")]:
        assert _strings_json(items) == json.dumps(list(items), ensure_ascii=False)


def test_sentences_of_paragraphs_with_and_without_inner_newlines():
    from fincorpus.corpus.model import Article, Provenance
    from fincorpus.nlp.analyze import sentences_of

    plain = Article("t", ("第一句。第二句！", "第三句"), Provenance("x", "1"))
    inner = Article("t", ("第一句。\n第二句！", "第三句"), Provenance("x", "1"))
    for article in (plain, inner):
        found = sentences_of(article)
        assert [s.text for s in found] == ["第一句。", "第二句！", "第三句"]
        assert [s.paragraph for s in found] == [0, 0, 1]
        assert all(article.text[s.start:s.end] == s.text for s in found)


@pytest.mark.parametrize(("sizes", "batch_chars", "workers", "expected"), [
    ([], 100, 1, []),
    ([("a", 40), ("b", 40), ("c", 40), ("d", 40)], 100, 1, [["a", "b", "c"], ["d"]]),
    ([("a", 250), ("b", 10), ("c", 0)], 100, 1, [["a"], ["b", "c"]]),
    ([("a", 0), ("b", 0)], 100, 1, [["a", "b"]]),
    # 2 workers: 160 characters make 2 batches of 80, not 100 + 60 (one worker waiting)
    ([(str(i), 10) for i in range(16)], 100, 2, [[str(i) for i in range(8)],
                                                 [str(i) for i in range(8, 16)]]),
    # 300 characters: 4 batches of about 75, not 3 (one worker would do two)
    ([(str(i), 10) for i in range(30)], 100, 2, [[str(i) for i in range(b, min(b + 8, 30))]
                                                 for b in range(0, 30, 8)]),
])
def test_sized_batches(sizes, batch_chars, workers, expected) -> None:
    from fincorpus.corpus.pipeline import sized_batches

    assert sized_batches(sizes, batch_chars, workers) == expected
