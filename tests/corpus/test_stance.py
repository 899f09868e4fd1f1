"""Stance in the store and on the command line: analyze stores it, export and predict show it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from fincorpus.corpus.analyses import LEVEL_COLUMNS, Analyses
from fincorpus.corpus.cli import app
from fincorpus.corpus.export import tables
from fincorpus.corpus.pipeline import add_paths, analyze_articles
from fincorpus.corpus.sample import sample_dir
from tests.corpus.conftest import ANALYSED_PAGES as PAGES

LABELLED = Path(__file__).parent.parent / "data" / "stance_labeled.csv"


def test_analyze_stores_article_and_sentence_stances(analysed):
    frame = tables(analysed, "stance")
    assert list(frame.columns) == list(LEVEL_COLUMNS["stance"])
    assert set(frame["label"]) <= {"FAVOR", "AGAINST", "NONE"}
    articles, sentences = frame[frame["sentence"].isna()], frame[frame["sentence"].notna()]
    assert len(articles) and len(sentences) > len(articles)
    # Each article row rolls up exactly its sentence rows of that target.
    for row in articles.itertuples():
        mine = sentences[(sentences.article_id == row.article_id) & (sentences.target == row.target)]
        assert row.n_sentences == len(mine)
        assert row.share_favor + row.share_against + row.share_none == pytest.approx(1, abs=1e-3)
        assert row.share_favor == pytest.approx((mine.label == "FAVOR").mean(), abs=1e-3)
        assert row.p_favor == pytest.approx(mine.p_favor.mean(), abs=1e-3)
    # Sentence rows carry offsets that give back their text.
    texts = {s.article.id: s.article.text for s in analysed.articles()}
    for row in sentences.itertuples():
        assert texts[row.article_id][int(row.start):int(row.end)] == row.text
        assert row.p_favor + row.p_against + row.p_none == pytest.approx(1, abs=1e-3)
    stages = json.loads(analysed.rows("SELECT stages FROM analyses LIMIT 1")[0][0])
    assert stages["stance"].startswith("fincorpus.stance/fincorpus-stance-lexicon")


def test_redo_replaces_stances_without_duplicates(analysed):
    before = len(tables(analysed, "stance"))
    analyze_articles(analysed, redo=True)
    assert len(tables(analysed, "stance")) == before


def test_export_stance_csv(analysed, db_path, tmp_path, runner):
    out = tmp_path / "stance.csv"
    result = runner.invoke(app, ["export", "--level", "stance", "-o", str(out), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert list(rows[0]) == list(LEVEL_COLUMNS["stance"])
    assert any(r["target"] == "美国" for r in rows) or any(r["target"] == "中国" for r in rows)


def test_predict_text_toward_named_targets(runner):
    result = runner.invoke(app, ["stance", "predict", "美方霸凌行径只会自食其果，中国保持战略定力。"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any("美国" in line and "AGAINST" in line for line in lines), result.output
    assert any("中国" in line and "FAVOR" in line for line in lines), result.output


def test_predict_text_needs_a_target_it_names(runner):
    result = runner.invoke(app, ["stance", "predict", "今天天气很好。"])
    assert result.exit_code == 1
    assert "--target" in result.output


def test_predict_csv_keeps_rows_and_order(runner, tmp_path):
    source = tmp_path / "in.csv"
    pd.DataFrame({"id": [3, 1, 2], "target": ["美债", "黄金", "美国"],
                  "text": ["美债信用岌岌可危。", "黄金是定海神针。", "美国劳工部周五发布数据。"]}
                 ).to_csv(source, index=False, encoding="utf-8-sig")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["stance", "predict", "--data", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert list(frame.columns) == ["id", "target", "text", "label", "p_favor", "p_against", "p_none"]
    assert list(frame["id"]) == [3, 1, 2]
    assert (frame[["p_favor", "p_against", "p_none"]].sum(axis=1) - 1).abs().max() < 1e-3


def test_predict_stored_articles(analysed, db_path, runner):
    result = runner.invoke(app, ["stance", "predict", "--articles", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "share_favor" in result.output and "target" in result.output


def test_train_evaluate_predict_round_trip(runner, tmp_path):
    model = tmp_path / "model"
    result = runner.invoke(app, ["stance", "train", "--data", str(LABELLED), "-o", str(model),
                                 "--cv", "3"])
    assert result.exit_code == 0, result.output
    card = json.loads((model / "model_card.json").read_text(encoding="utf-8"))
    assert card  # written beside the model
    result = runner.invoke(app, ["stance", "evaluate", "--data", str(LABELLED), "--model",
                                 str(model), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert 0 <= report["f_avg"] <= 1
    result = runner.invoke(app, ["stance", "predict", "美债信用岌岌可危", "--target", "美债",
                                 "--model", str(model)])
    assert result.exit_code == 0, result.output


def test_evaluate_lexicon_baseline_prints_the_metric(runner):
    result = runner.invoke(app, ["stance", "evaluate", "--data", str(LABELLED)])
    assert result.exit_code == 0, result.output
    assert "F_avg" in result.output or "f_avg" in result.output


def test_bad_inputs_are_one_line_errors(runner, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    for args in (["stance", "train"], ["stance", "train", "--data", str(empty)],
                 ["stance", "predict"], ["stance", "evaluate", "--data", str(LABELLED),
                                         "--model", str(tmp_path / "nope")]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert "error:" in result.output and "Traceback" not in result.output


def test_stance_export_needs_analysis(store, db_path, runner, tmp_path):
    (tmp_path / PAGES[0]).write_bytes(sample_dir().joinpath(PAGES[0]).read_bytes())
    add_paths([tmp_path / PAGES[0]], store)
    assert Analyses(store).count() == 0
    result = runner.invoke(app, ["export", "--level", "stance", "-o", str(tmp_path / "s.csv"),
                                 "--db", str(db_path)])
    assert result.exit_code == 1 and "analyze" in result.output


def test_where_filters_keep_matching_articles(analysed):
    from fincorpus.corpus import tables as lazy_tables

    everything = lazy_tables(analysed, "stance")
    us = tables(analysed, "stance", ["target=美国"])
    by_id = tables(analysed, "stance", ["target=Q30"])
    kept = set(everything[(everything.target == "美国") & everything.sentence.isna()].article_id)
    assert set(us.article_id) == kept == set(by_id.article_id)
    assert len(tables(analysed, "article", ["since=2100-01-01"])) == 0
    one = everything.article_id.iloc[0]
    assert set(tables(analysed, "entity", [f"id={one}"]).article_id) == {one}


@pytest.mark.parametrize("bad", ["site", "colour=red", "since=yesterday", "until="])
def test_bad_where_is_a_one_line_error(analysed, db_path, runner, tmp_path, bad):
    result = runner.invoke(app, ["export", "--where", bad, "-o", str(tmp_path / "x.csv"),
                                 "--db", str(db_path)])
    assert result.exit_code == 1 and "--where" in result.output


def test_seed_articles_read_as_a_reader_reads_them(shared, store, runner, db_path):
    """Both real seeds, through add and analyze: against the United States, for China."""
    for name in ("000_75a0683d00f6a402.txt", "004_06064889ae2eb9f6.txt"):
        assert runner.invoke(app, ["add", str(shared / "seeds" / name), "--db", str(db_path)]
                             ).exit_code == 0
    analyze_articles(store)
    frame = tables(store, "stance")
    articles = frame[frame["sentence"].isna()].set_index(["article_id", "target"])["label"]
    for article_id in frame["article_id"].unique():
        assert articles[(article_id, "美国")] == "AGAINST"
        assert articles[(article_id, "中国")] == "FAVOR"
    assert frame["article_id"].nunique() == 2
