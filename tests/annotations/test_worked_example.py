"""The README's worked example, end to end through the command line: the sample corpus, 40
sentences exported for two coders, their label files (shipped in corpus/data/sample_labels),
agreement, adjudication with the shipped decisions, the dataset, a model trained and tested."""

from __future__ import annotations

import json
from pathlib import Path

import fincorpus.corpus.cli_annotate  # noqa: F401  (registers `annotate` on app)
import fincorpus.corpus.cli_dataset  # noqa: F401  (registers `dataset` on app)
import fincorpus.corpus.cli_stance  # noqa: F401
from fincorpus.corpus.cli import app
from fincorpus.corpus.sample import sample_dir

LABELS = Path(str(sample_dir())).parent / "sample_labels"


def run(runner, *args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def test_worked_example(runner, tmp_path):
    db, sample = tmp_path / "study.db", Path(str(sample_dir()))
    run(runner, "add", sample, "--db", db)
    run(runner, "analyze", "--db", db)
    # the tasks handed out are exactly the units the shipped label files answer
    out = run(runner, "annotate", "export", "--n", 40, "--format", "labelstudio",
              "-o", tmp_path / "alice_tasks.json", "--db", db)
    assert "wrote 40 sentence tasks" in out and (tmp_path / "alice_tasks.config.xml").exists()
    run(runner, "annotate", "export", "--n", 40, "--coders", "bob", "--format", "csv",
        "-o", tmp_path / "bob_tasks.csv", "--db", db)
    shipped = json.loads((LABELS / "alice.json").read_text("utf-8"))
    exported = json.loads((tmp_path / "alice_tasks.json").read_text("utf-8"))
    assert [t["data"] for t in shipped] == [t["data"] for t in exported]
    bob_sheet = (LABELS / "bob.csv").read_text("utf-8-sig").splitlines()
    tasks_sheet = (tmp_path / "bob_tasks.csv").read_text("utf-8-sig").splitlines()
    assert [r.rsplit(",", 1)[0] for r in bob_sheet] == [r.rsplit(",", 1)[0] for r in tasks_sheet]

    out = run(runner, "annotate", "import", LABELS / "alice.json", "--coder", "alice", "--db", db)
    assert "40 labels by alice (40 new)" in out
    out = run(runner, "annotate", "import", LABELS / "bob.csv", "--db", db)
    assert "40 labels by bob (40 new)" in out
    report = json.loads(run(runner, "annotate", "agreement", "--db", db, "--json"))
    us = next(f for f in report["fields"] if f["field"] == "stance:美国")
    assert us["units"] == 11 and us["pairs"][0]["kappa"] == 0.6071

    out = run(runner, "annotate", "adjudicate", "--db", db, "-o", tmp_path / "ties.csv")
    assert "unanimous 32" in out and "ties left: 8" in out
    out = run(runner, "annotate", "adjudicate", "--db", db, "--decisions", LABELS / "decisions.csv")
    assert "gold labels: 40" in out and "adjudicated 8" in out and "ties left: 0" in out

    out = run(runner, "dataset", "build", "--db", db, "-o", tmp_path / "dataset")
    assert "train   28 units" in out and "test     8 units" in out
    run(runner, "stance", "train", "--data", tmp_path / "dataset" / "train.csv", "--cv", 3,
        "-o", tmp_path / "model")
    out = run(runner, "stance", "evaluate", "--data", tmp_path / "dataset" / "test.csv",
              "--model", tmp_path / "model")
    assert "rows 8" in out

    out = run(runner, "annotate", "next", "--n", 10, "--db", db, "--model", tmp_path / "model",
              "--format", "csv", "--coders", "alice,bob", "-o", tmp_path / "next.csv")
    assert "wrote the 10 least certain of 330 unlabelled units" in out
