"""`fincorpus dataset build`: a thin layer over corpus.labels.build_dataset.

Registered on the one `app` of corpus/cli.py (imported at its end).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fincorpus.corpus.cli import DbOption, app, friendly_errors, out

dataset_app = typer.Typer(help="Labelled datasets from the store's gold labels.",
                          no_args_is_help=True)
app.add_typer(dataset_app, name="dataset")


@dataset_app.command("build")
@friendly_errors
def build(db: DbOption,
          output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write.")]
          = Path("dataset"),
          seed: Annotated[int, typer.Option(help="Seed of the split.")] = 0,
          test: Annotated[float, typer.Option(help="Share of units in the test split.")] = 0.2,
          dev: Annotated[float, typer.Option(help="Share of units in the dev split.")] = 0.1
          ) -> None:
    """Train / dev / test splits of the gold stance labels, with a datasheet.

    Grouped by article and stratified by label, as CSV and Parquet, with datasheet.md and
    datasheet.json.

    Example: fincorpus dataset build --db study.db -o dataset

    Then: fincorpus stance train --data dataset/train.csv
    """
    from fincorpus.corpus.labels import build_dataset
    from fincorpus.corpus.store import Store

    with Store(db) as store:
        written, sheet = build_dataset(store, output, seed, test, dev)
    for name, counts in sheet["splits"].items():
        labels = ", ".join(f"{k} {v}" for k, v in counts["labels"].items())
        out.print(f"{name:5} {counts['units']:4} units from {counts['articles']:3} articles "
                  f"({labels})", markup=False, soft_wrap=True)
    out.print(f"wrote {len(written)} files to {output}/ (datasheet.md describes them)",
              markup=False, soft_wrap=True)
