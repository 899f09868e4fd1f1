"""The labeling commands' one-line errors, and export's formats told from the suffix."""

from __future__ import annotations

import fincorpus.corpus.cli_annotate  # noqa: F401  (registers `annotate` on app)
from fincorpus.corpus.cli import app


def test_export_before_analyze_is_one_line(runner, tmp_path):
    result = runner.invoke(app, ["annotate", "export", "-o", str(tmp_path / "t.json"),
                                 "--db", str(tmp_path / "empty.db")])
    assert result.exit_code == 1 and "run fincorpus analyze first" in result.output
    assert "Traceback" not in result.output


def test_agreement_needs_files_or_db(runner, tmp_path):
    result = runner.invoke(app, ["annotate", "agreement"])
    assert result.exit_code == 1 and "give label FILES or --db" in result.output


def test_export_format_from_suffix_and_import_of_the_blank_file(runner, hard_db, tmp_path):
    out = tmp_path / "t.jsonl"
    result = runner.invoke(app, ["annotate", "export", "--n", "3", "-o", str(out),
                                 "--db", str(hard_db)])
    assert result.exit_code == 0 and len(out.read_text("utf-8").splitlines()) == 3
    result = runner.invoke(app, ["annotate", "import", str(out), "--db", str(hard_db)])
    assert result.exit_code == 0 and "0 labels by nobody (0 new)" in result.output
    result = runner.invoke(app, ["annotate", "export", "-o", str(tmp_path / "t.txt"),
                                 "--db", str(hard_db)])
    assert result.exit_code == 1 and "add --format" in result.output
