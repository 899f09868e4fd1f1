"""The README's analysis of a seed article is what `fincorpus show` prints today."""

from __future__ import annotations

import re
from pathlib import Path

from fincorpus.corpus.cli import app

README = Path(__file__).resolve().parents[2] / "README.md"
SEED = "000_75a0683d00f6a402.txt"


def test_readme_seed_analysis_matches_the_commands(shared, runner, db_path):
    text = README.read_text("utf-8")
    block = re.search(r"\$ fincorpus show (\S+) --sentences (\d+) --entities (\d+) --db seed\.db\n"
                      r"(.*?)```", text, re.S)
    assert block, "README lost its `fincorpus show` example"
    ref, sentences, entities, shown = block.groups()
    added = runner.invoke(app, ["add", str(shared / "seeds" / SEED), "--db", str(db_path)])
    assert f"(article {ref}" in added.stdout
    assert runner.invoke(app, ["analyze", "--db", str(db_path)]).exit_code == 0
    result = runner.invoke(app, ["show", ref, "--sentences", sentences, "--entities", entities,
                                 "--db", str(db_path)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == shown
