"""The `fincorpus compare` command: framing side by side, as an HTML report and CSV tables.

Registered on the one `app` of corpus/cli.py; the body calls the library (corpus/compare.py,
corpus/report.py) and prints where the files are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from fincorpus.corpus.cli import DbOption, app, friendly_errors, out
from fincorpus.corpus.store import Store

GroupSpecs = Annotated[Optional[list[str]], typer.Option(
    "--group", "-g", help="NAME=key:value,… with keys ids, author, site, since, until (YYYY-MM-DD) "
    "and topic (the article's top topic); repeatable, e.g. 'A=author:君君文谈'.")]
QueryFile = Annotated[Optional[Path], typer.Option(
    "--query-file", help="A TOML file of saved groups: [groups.NAME] tables with the same keys.")]


@app.command("compare")
@friendly_errors
def compare_command(
        db: DbOption,
        ids: Annotated[Optional[list[str]], typer.Argument(
            help="Article ids (or id prefixes, DOCIDs, URLs): one group each.")] = None,
        group: GroupSpecs = None, query_file: QueryFile = None,
        output: Annotated[Path, typer.Option("-o", "--output", help="The HTML report to write; "
                                             "its tables go to <stem>_tables/ beside it.")
                          ] = Path("report.html"),
        top_words: Annotated[int, typer.Option(min=1, help="Distinctive words per group.")] = 30,
        threshold: Annotated[float, typer.Option(
            help="Near-duplicate passages: least Jaccard similarity of character 5-grams.")] = 0.6,
) -> None:
    """Compare the framing of articles or groups side by side: one HTML file and CSV tables.

    Stance toward each target, frames, topics, entity salience, distinctive words,
    conflicting numeric claims and near-duplicate passages.

    Example: fincorpus compare -g 'A=author:君君文谈' -g 'B=site:www.163.com,since:2025-10-01,until:2025-12-31' -o report.html
    """
    from fincorpus.corpus.compare import compare
    from fincorpus.corpus.groups import select_groups
    from fincorpus.corpus.report import write_report

    with Store(db) as store:
        result = compare(store, select_groups(store, ids or [], group or [], query_file),
                         top_words, threshold)
    written = write_report(result, output)
    sizes = result.groups.groupby("group", sort=False).size()
    out.print(", ".join(f"{name}: {n} articles" for name, n in sizes.items()), markup=False,
              soft_wrap=True)
    out.print(f"{len(result.conflicts)} conflicting claims, {len(result.duplicates)} "
              f"near-duplicate passages", markup=False)
    out.print(f"wrote {written[0]} and {len(written) - 1} tables in {written[1].parent}/",
              markup=False, soft_wrap=True)
