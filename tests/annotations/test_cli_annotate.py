"""`fincorpus annotate agreement`: table and JSON output, mixed formats, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import fincorpus.corpus.cli_annotate  # noqa: F401  (registers `annotate` on app)
from fincorpus.corpus.cli import app

DATA = Path(__file__).parent.parent / "data" / "annotations"
MIXED = [str(DATA / "labelstudio.json")]  # the same study again from other tools is below


def test_cli_annotate_agreement_table(runner):
    result = runner.invoke(app, ["annotate", "agreement", *MIXED])
    assert result.exit_code == 0, result.output
    assert "stance:美联储" in result.output and "Krippendorff α" in result.output
    assert "F1 0.857" in result.output


def test_cli_annotate_agreement_json_mixed_formats(runner):
    # alice from doccano, bob from the wide sheet, carol from the wide sheet
    files = [str(DATA / "alice@example.org.jsonl"), str(DATA / "wide.csv")]
    result = runner.invoke(app, ["annotate", "agreement", *files, "--json", "--field", "stance"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    [stance] = data["fields"]
    assert stance["field"] == "stance:美联储" and stance["coders"] == [
        "alice@example.org", "bob@example.org", "carol"]
    # alice's labels come twice (doccano and sheet), identical: counted once
    assert stance["units"] == 4 and stance["pairs"][0]["kappa"] == 0.5556


def test_cli_annotate_agreement_coder_option(runner):
    result = runner.invoke(app, ["annotate", "agreement", str(DATA / "bob.jsonl"),
                                 str(DATA / "alice@example.org.jsonl"), "--coder", "x", "--json"])
    assert result.exit_code == 0, result.output
    coders = {c for f in json.loads(result.output)["fields"] for c in f["coders"]}
    assert coders == {"bob@example.org", "x"}  # bob's lines name him; alice's file takes --coder


def test_cli_annotate_agreement_errors_in_one_line(runner, tmp_path: Path):
    drifted = tmp_path / "drift.csv"
    drifted.write_text("unit_id,coder,label,start,end,span_text,text\n"
                       "a1,alice,ORG,0,3,美联储,🚀美联储\n", encoding="utf-8")
    for args in ([str(DATA / "notes.txt")], [str(drifted)], [str(tmp_path / "missing.json")],
                 [*MIXED, "--field", "topic"], [*MIXED, "--offsets", "bytes"]):
        result = runner.invoke(app, ["annotate", "agreement", *args])
        assert result.exit_code == 1, (args, result.output)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:"), (args, result.output)
        assert "Traceback" not in result.output


def test_cli_annotate_agreement_refuses_value_outside_scheme(runner, tmp_path: Path):
    sheet = tmp_path / "typo.csv"
    sheet.write_text("unit_id,coder,field,label\ns1,alice,stance,FAVOUR\ns1,bob,stance,FAVOR\n",
                     encoding="utf-8")
    result = runner.invoke(app, ["annotate", "agreement", str(sheet)])
    assert result.exit_code == 1 and "'FAVOUR'" in result.output and "--scheme" in result.output


def test_cli_annotate_help_has_example(runner):
    for args in (["annotate", "--help"], ["annotate", "agreement", "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0
    assert "Example:" in result.output and "--coder" in result.output
