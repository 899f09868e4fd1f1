"""The command line: every command documented, thin over the library, one-line errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import typer

from fincorpus.corpus.cli import app
from tests.corpus.test_pipeline import COPY

REPO = Path(__file__).resolve().parents[1]
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(runner, command) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output
    assert f"fincorpus {command}" in (REPO / "README.md").read_text("utf-8")


def test_add_then_export_csv(runner, tmp_path) -> None:
    page, db, out = tmp_path / "copy.txt", tmp_path / "c.db", tmp_path / "a.csv"
    page.write_text(COPY, encoding="utf-8")
    result = runner.invoke(app, ["add", str(page), "--db", str(db)])
    assert result.exit_code == 0 and "1 added" in result.output
    result = runner.invoke(app, ["add", str(page), "--db", str(db)])
    assert "0 added, 1 already present" in result.output
    result = runner.invoke(app, ["export", "--level", "article", "--format", "csv", "-o", str(out),
                                 "--db", str(db)])
    assert result.exit_code == 0
    (row,) = csv.DictReader(out.open(encoding="utf-8-sig"))
    assert row["title"] == "黄金储备连续增长的背后" and "特别声明" not in row["text"]


def test_db_from_environment(runner, tmp_path, monkeypatch) -> None:
    page, db = tmp_path / "copy.txt", tmp_path / "env.db"
    page.write_text(COPY, encoding="utf-8")
    monkeypatch.setenv("FINCORPUS_DB", str(db))
    assert runner.invoke(app, ["add", str(page)]).exit_code == 0
    assert db.exists()


def test_extract_json_has_the_documented_keys(runner, tmp_path) -> None:
    page = tmp_path / "copy.txt"
    page.write_text(COPY, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(page), "--json"])
    record = json.loads(result.stdout)
    for key in ("url", "docid", "site", "title", "author", "published_at", "paragraphs", "extractor"):
        assert key in record
    assert record["extractor"] == "textcopy/1" and len(record["paragraphs"]) == 2


@pytest.mark.parametrize("content, message", [(b"", "empty"), (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "PNG")])
def test_bad_input_is_one_line_and_exit_1(runner, tmp_path, content, message) -> None:
    page = tmp_path / "bad.html"
    page.write_bytes(content)
    result = runner.invoke(app, ["extract", str(page)])
    assert result.exit_code == 1 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_missing_file_and_bad_url_scheme(runner) -> None:
    for source in ("/no/such/page.html", "ftp://example.com/a.html"):
        result = runner.invoke(app, ["extract", source])
        assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1


def test_demo_fetches_analyses_and_compares_the_sample_corpus(runner, tmp_path) -> None:
    result = runner.invoke(app, ["demo", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "articles.csv").open(encoding="utf-8-sig")))
    assert len(rows) >= 20 and all(r["text"] for r in rows)
    assert "fetched over HTTP" in result.output
    stances = list(csv.DictReader((tmp_path / "stance.csv").open(encoding="utf-8-sig")))
    assert {r["article_id"] for r in stances} <= {r["article_id"] for r in rows}
    assert {r["label"] for r in stances} <= {"FAVOR", "AGAINST", "NONE"} and len(stances) > len(rows)
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "2025Q4" in report and "2026" in report and "<svg" in report
    assert (tmp_path / "report_tables").is_dir()


def test_typer_app_is_the_entry_point() -> None:
    assert isinstance(app, typer.Typer)
