"""`fincorpus annotate agreement`: a thin layer over fincorpus.annotations.

Registered on the one `app` of corpus/cli.py; each body reads the labels, calls one library
function and prints its result.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from fincorpus.corpus.cli import app, friendly_errors

annotate_app = typer.Typer(help="Human labels: read them from Label Studio, doccano or a "
                           "spreadsheet, and measure inter-coder agreement.", no_args_is_help=True)
app.add_typer(annotate_app, name="annotate")

SchemeOption = Annotated[Optional[Path], typer.Option(
    "--scheme", help="Your labeling scheme (TOML, the bundled scheme.toml's layout).")]


@annotate_app.command("agreement")
@friendly_errors
def agreement_command(
        files: Annotated[list[Path], typer.Argument(
            help="Label Studio JSON, doccano JSONL or CSV files (long or wide), mixed freely.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
        field: Annotated[Optional[str], typer.Option(
            "--field", help="Only this field (`stance` covers every stance:<target>).")] = None,
        coder: Annotated[Optional[str], typer.Option(
            "--coder", help="Coder of a doccano file whose lines name none (default: file name).")]
        = None,
        scheme: SchemeOption = None,
        offsets: Annotated[str, typer.Option(
            help="How span offsets count: auto (each tool's own way), codepoints or utf16.")]
        = "auto") -> None:
    """Inter-coder agreement per field: % agreement, Cohen's κ, Fleiss' κ, Krippendorff's α,
    span F1.

    Example: fincorpus annotate agreement project.json alice.jsonl sheet.csv --field stance
    """
    from fincorpus.annotations.agreement import agreement
    from fincorpus.annotations.readers import read_many
    from fincorpus.annotations.scheme import Scheme

    chosen = Scheme.load(scheme)
    labels = read_many(files, coder, chosen, offsets)
    chosen.check(labels)  # a typo such as FAVOUR would silently become a category of its own
    report = agreement(labels, field, chosen)
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(report.to_text())
