"""export --level claim: the numeric claims of the analysed articles, one row each."""

from __future__ import annotations

import pandas as pd

from fincorpus.corpus.cli import app
from fincorpus.corpus.export import CLAIM_COLUMNS


def test_claims_of_the_seeds(shared, runner, db_path, tmp_path):
    for name in ("000_75a0683d00f6a402.txt", "004_06064889ae2eb9f6.txt"):
        assert runner.invoke(app, ["add", str(shared / "seeds" / name), "--db", str(db_path)]
                             ).exit_code == 0
    out = tmp_path / "claims.csv"
    assert runner.invoke(app, ["export", "--level", "claim", "-o", str(out), "--db", str(db_path)]
                         ).exit_code == 1  # nothing analysed yet: a one-line error
    assert runner.invoke(app, ["analyze", "--db", str(db_path)]).exit_code == 0
    result = runner.invoke(app, ["export", "--level", "claim", "-o", str(out), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    claims = pd.read_csv(out, encoding="utf-8-sig")
    assert list(claims.columns) == list(CLAIM_COLUMNS)
    holdings = claims[(claims.measure == "us_treasury_holdings") & (claims.subject_id == "Q148")
                      & (claims.period == "2025-11")]
    assert sorted(holdings.amount) == [682600000000, 683000000000]
    months = claims[claims.measure == "consecutive_months_gold_buying"]
    assert sorted(months.amount) == [13, 14]
    assert (claims.apply(lambda r: r.text in r.sentence_text, axis=1)).all()
