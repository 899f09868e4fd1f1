"""Framing side by side: groups, the comparison tables, their CSVs and the escaped HTML report."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

from fincorpus.corpus import cli_compare  # noqa: F401 (registers `compare` on the app)
from fincorpus.corpus.cli import app
from fincorpus.corpus.compare import compare, stored_analysis
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.export import tables
from fincorpus.corpus.groups import groups_from_file, groups_from_ids, groups_from_specs
from fincorpus.corpus.model import Article, Provenance, RawPage
from fincorpus.corpus.pipeline import add_paths, analyze_articles
from fincorpus.corpus.report import render_html, write_report
from fincorpus.corpus.sample import sample_dir
from fincorpus.corpus.store import Store
from fincorpus.nlp.log_odds import word_counts

SHANGHAI = timezone(timedelta(hours=8))
SCRIPT = '<script>document.title="PWNED"</script>'
IMG = '"><img src=x onerror="document.body.setAttribute(\'data-pwned\',\'1\')">'
#: A paragraph of the sample article on Treasuries, reused with two characters changed.
REUSED_FROM = "71bd7a63ab295e04"
GROUPS = ["A=since:2025-10-01,until:2025-12-15", "B=since:2025-12-16"]


def planted_article(reused: str) -> Article:
    """An article whose title, author and paragraphs carry markup that must never run."""
    return Article(
        title=f"黄金与美债{SCRIPT}{IMG}", author=f"坏号{IMG}", site="evil.example",
        url="https://evil.example/a.html", extractor=Provenance("test", "1"),
        published_at=datetime(2026, 1, 10, 9, 0, tzinfo=SHANGHAI),
        paragraphs=(f"美国继续加征关税，中国央行连续增持黄金。{SCRIPT}",
                    f"市场担忧美国财政赤字扩大，美债收益率上行。{IMG}", reused))


def build_store(path: Path, pages: list[str] | None = None) -> Store:
    """The bundled sample corpus (or some of its pages), the planted article, all analysed."""
    folder = Path(str(sample_dir()))
    files = sorted(folder.glob("*.html")) if pages is None else [folder / p for p in pages]
    store = Store(path)
    add_paths(files, store)
    source = store.get_article(REUSED_FROM)
    longest = max(source.article.paragraphs, key=len) if source else "美债收益率与黄金价格"
    raw_id, _ = store.put_raw(RawPage(url="https://evil.example/a.html", body=b"planted"))
    store.put_article(planted_article(longest.replace("中国", "我国", 1)), raw_id)
    analyze_articles(store)
    return store


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    with build_store(tmp_path_factory.mktemp("compare") / "sample.db") as store:
        yield store


@pytest.fixture(scope="module")
def result(sample):
    return compare(sample, groups_from_specs(sample, GROUPS))


def _articles(store: Store) -> pd.DataFrame:
    return tables(store, "article").set_index("article_id")


def test_groups_by_dates_author_site_topic_and_ids(sample) -> None:
    articles = _articles(sample)
    a, b = groups_from_specs(sample, GROUPS)
    days = articles["published_at"].dt.date
    assert set(a.ids) == set(articles.index[(days >= date(2025, 10, 1)) & (days <= date(2025, 12, 15))])
    assert set(b.ids) == set(articles.index[days >= date(2025, 12, 16)])
    [by_author] = groups_from_specs(sample, ["X=author:宏观视界君,金价观察室"])
    assert set(articles.loc[list(by_author.ids), "author"]) == {"宏观视界君", "金价观察室"}
    [by_site] = groups_from_specs(sample, ["S=site:www.caijing-example.cn"])
    assert set(articles.loc[list(by_site.ids), "site"]) == {"caijing-example.cn"}
    [gold] = groups_from_specs(sample, ["G=topic:gold"])
    assert all(stored_analysis(sample, i).topics[0].name == "gold" for i in gold.ids)
    [ids] = groups_from_specs(sample, ["I=ids:71bd7a63,eb1e5092"])
    assert ids.ids == ("71bd7a63ab295e04", "eb1e5092f91501d1")
    assert [g.ids for g in groups_from_ids(sample, ["71bd7a63"])] == [("71bd7a63ab295e04",)]


def test_saved_query_file_gives_the_same_groups(sample, tmp_path) -> None:
    query = tmp_path / "q.toml"
    query.write_text('[groups.A]\nsince = 2025-10-01\nuntil = "2025-12-15"\n'
                     '[groups.B]\nsince = "2025-12-16"\n', encoding="utf-8")
    from_file = groups_from_file(sample, query)
    assert [(g.name, g.ids) for g in from_file] == [
        (g.name, g.ids) for g in groups_from_specs(sample, GROUPS)]


@pytest.mark.parametrize("specs, words", [
    (["A=autor:x"], "unknown key 'autor'"),
    (["A=since:2025-13-01"], "not a date"),
    (["A=author:nobody"], "matches no stored article"),
    (["A"], "NAME=key:value"),
    (["A=ids:zzzzzzzz"], "no article matches"),
])
def test_bad_groups_are_one_line_errors(sample, specs, words) -> None:
    with pytest.raises(BadInput) as error:
        groups_from_specs(sample, specs)
    assert words in str(error.value) and "\n" not in str(error.value)


def test_compare_needs_two_distinct_groups(sample) -> None:
    [a] = groups_from_specs(sample, GROUPS[:1])
    for groups in ([a], [a, a]):
        with pytest.raises(BadInput, match="two or more groups"):
            compare(sample, groups)


def test_stance_shares_sum_to_one_and_counts_match_the_stance_table(sample, result) -> None:
    shares = result.stances[["share_favor", "share_against", "share_none"]].sum(axis=1)
    assert (abs(shares - 1) < 1e-3).all()
    stance = tables(sample, "stance")
    whole = stance[stance["sentence"].isna()]
    for group, ids in result.groups.groupby("group")["article_id"]:
        mine = whole[whole["article_id"].isin(ids)]
        for row in result.stances[result.stances["group"] == group].itertuples():
            labels = mine.loc[mine["target_id"] == row.target_id, "label"]
            assert row.n_articles == len(labels)
            assert (row.n_favor, row.n_against, row.n_none) == tuple(
                int((labels == x).sum()) for x in ("FAVOR", "AGAINST", "NONE"))


def test_topic_shares_sum_to_one_and_frame_means(sample, result) -> None:
    assert (abs(result.topics.groupby("group")["share_top"].sum() - 1) < 1e-3).all()
    frames = tables(sample, "frame")
    ids = result.groups.loc[result.groups["group"] == "A", "article_id"]
    mine = frames[frames["sentence"].isna() & frames["article_id"].isin(ids)]
    expected = mine.groupby("frame")["score"].sum() / len(ids)
    got = result.frames[result.frames["group"] == "A"].set_index("frame")["mean_score"]
    assert (abs(got - expected.reindex(got.index)) < 1e-3).all()


def test_entity_salience_is_mentions_per_thousand_characters(sample, result) -> None:
    articles, entities = _articles(sample), tables(sample, "entity")
    ids = list(result.groups.loc[result.groups["group"] == "A", "article_id"])
    mentions = int(((entities["entity_id"] == "Q148") & entities["article_id"].isin(ids)).sum())
    chars = int(articles.loc[ids, "n_chars"].sum())
    row = result.entities.set_index(["group", "entity_id"]).loc[("A", "Q148")]
    assert (row["name"], row["mentions"], row["n_chars"]) == ("中国", mentions, chars)
    assert row["per_1000_chars"] == pytest.approx(mentions / chars * 1000, abs=1e-4)


def test_distinctive_words_are_more_frequent_in_their_group(sample, result) -> None:
    counts = {g: word_counts(stored_analysis(sample, i) for i in ids)
              for g, ids in result.groups.groupby("group")["article_id"]}
    totals = {g: sum(c.values()) for g, c in counts.items()}
    for row in result.words.itertuples():
        other = "B" if row.group == "A" else "A"
        assert row.z > 0 and row.count == counts[row.group][row.word]
        assert row.count / totals[row.group] > row.count_others / totals[other]
    assert list(result.words.groupby("group")["z"].apply(lambda z: z.is_monotonic_decreasing))


def test_reused_paragraph_is_flagged_with_both_passages(sample, result) -> None:
    pairs = result.duplicates
    planted = pairs[(pairs["a_article_id"] == REUSED_FROM) | (pairs["b_article_id"] == REUSED_FROM)]
    assert len(planted) == 1 and planted["similarity"].iloc[0] > 0.8
    assert "我国" in " ".join(planted[["a_text", "b_text"]].iloc[0])


def test_report_and_csvs_are_written_with_a_bom(result, tmp_path) -> None:
    paths = write_report(result, tmp_path / "report.html")
    assert paths[0] == tmp_path / "report.html"
    assert {p.name for p in paths[1:]} == {f"{n}.csv" for n in result.tables()}
    for path in paths[1:]:
        assert path.parent.name == "report_tables" and path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader((tmp_path / "report_tables" / "stances.csv").open(
        encoding="utf-8-sig", newline="")))
    assert len(rows) == len(result.stances) and list(rows[0]) == list(result.stances.columns)


def test_planted_markup_comes_out_escaped(result) -> None:
    page = render_html(result)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "<script" not in page and "<img" not in page and "onerror=\"" not in page
    assert "&lt;script&gt;document.title=&quot;PWNED&quot;&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page and "@import" not in page and "url(" not in page


def test_seed_report_shows_the_treasury_and_gold_conflicts(shared, tmp_path) -> None:
    with Store(tmp_path / "seeds.db") as store:
        added = add_paths(sorted((shared / "seeds").glob("*.txt")), store)
        analyze_articles(store)
        result = compare(store, groups_from_ids(store, [o.article_id for o in added]))
    found = {(row.measure, frozenset((row.a_text, row.b_text)))
             for row in result.conflicts.itertuples() if row.a_article_id != row.b_article_id}
    assert ("us_treasury_holdings", frozenset({"6830亿美元左右", "6826亿美元"})) in found
    assert ("consecutive_months_gold_buying", frozenset({"14个月", "第13个月"})) in found
    page = render_html(result)
    claims = page[page.index('<section id="claims">'):page.index('<section id="duplicates">')]
    for text in ("6830亿美元左右", "6826亿美元", "14个月", "第13个月", "us_treasury_holdings",
                 "consecutive_months_gold_buying"):
        assert text in claims


def test_compare_command_writes_the_report(sample, runner, tmp_path) -> None:
    db = str(sample.path)
    report = tmp_path / "out.html"
    result = runner.invoke(app, ["compare", "71bd7a63", "eb1e5092", "-g", GROUPS[0], "--db", db,
                                 "-o", str(report)])
    assert result.exit_code == 0, result.output
    assert report.exists() and (tmp_path / "out_tables" / "words.csv").exists()
    assert "71bd7a63: 1 articles" in result.stdout
    bad = runner.invoke(app, ["compare", "-g", "A=autor:x", "-g", GROUPS[1], "--db", db])
    assert bad.exit_code == 1 and "unknown key 'autor'" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1


def test_long_tables_are_cut_on_the_page_and_whole_in_the_csv() -> None:
    from fincorpus.corpus.report import table

    frame = pd.DataFrame({"similarity": [1.0] * 7, "a_text": [f"段落{i}" for i in range(7)]})
    page = table(frame, ["similarity", "a_text"], limit=5)
    assert page.count("<tr>") == 1 + 5 and "段落4" in page and "段落5" not in page
    assert "The first 5 of 7 rows; the CSV table has them all." in page
    assert "The first" not in table(frame, ["a_text"], limit=7)
