"""`fincorpus annotate export / import / agreement / adjudicate / next`: a thin layer over
fincorpus.annotations and the store's label tables (corpus/labels.py).

Registered on the one `app` of corpus/cli.py; each body reads the labels, calls one library
function and prints its result.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from fincorpus.corpus.cli import DbOption, app, friendly_errors, out
from fincorpus.corpus.errors import BadInput

annotate_app = typer.Typer(help="Human labels: hand units out to Label Studio, doccano or a "
                           "spreadsheet, take the labels back, measure agreement, decide gold "
                           "labels, pick what to label next.", no_args_is_help=True)
app.add_typer(annotate_app, name="annotate")

SchemeOption = Annotated[Optional[Path], typer.Option(
    "--scheme", help="Your labeling scheme (TOML, the bundled scheme.toml's layout).")]


@annotate_app.command("agreement")
@friendly_errors
def agreement_command(
        files: Annotated[Optional[list[Path]], typer.Argument(
            help="Label Studio JSON, doccano JSONL or CSV files (long or wide), mixed freely.")]
        = None,
        db: Annotated[Optional[Path], typer.Option(
            "--db", help="Read the labels imported into this store instead of files.")] = None,
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
    """Inter-coder agreement per field: % agreement, Cohen's κ, Fleiss' κ, α, span F1.

    Krippendorff's α for every field; span F1 between coders for span fields.

    Example: fincorpus annotate agreement project.json alice.jsonl sheet.csv --field stance

    Example: fincorpus annotate agreement --db study.db
    """
    from fincorpus.annotations.agreement import agreement
    from fincorpus.annotations.readers import read_many
    from fincorpus.annotations.scheme import Scheme

    chosen = Scheme.load(scheme)
    if bool(files) == bool(db):
        raise BadInput("give label FILES or --db STORE (labels imported there), not both")
    labels = read_many(files, coder, chosen, offsets) if files else _stored_labels(db)
    chosen.check(labels)  # a typo such as FAVOUR would silently become a category of its own
    report = agreement(labels, field, chosen)
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(report.to_text())


def _stored_labels(db: Path):
    """The labels imported into a store."""
    from fincorpus.corpus.labels import LabelStore
    from fincorpus.corpus.store import Store

    with Store(db) as store:
        return LabelStore(store).labels()


FormatOption = Annotated[Optional[str], typer.Option(
    "--format", help="labelstudio, doccano or csv (default: from the suffix: .json, .jsonl, "
                     ".csv).")]
CodersOption = Annotated[str, typer.Option(
    "--coders", help="CSV only: one empty label column per coder, e.g. alice,bob.")]
OutputFile = Annotated[Path, typer.Option("-o", "--output", help="Task file to write.")]


@annotate_app.command("export")
@friendly_errors
def export_command(
        db: DbOption, output: OutputFile,
        unit: Annotated[str, typer.Option(help="sentence or article.")] = "sentence",
        field: Annotated[str, typer.Option(help="The scheme field to label.")] = "stance",
        n: Annotated[Optional[int], typer.Option(help="A seeded sample of N units (default: all).")]
        = None,
        seed: Annotated[int, typer.Option(help="Seed of the sample.")] = 0,
        target: Annotated[Optional[list[str]], typer.Option(
            "--target", help="Only units toward this target (repeatable).")] = None,
        ids: Annotated[Optional[list[str]], typer.Option(
            "--id", help="Only these article or unit ids (repeatable).")] = None,
        coders: CodersOption = "coder_1", fmt: FormatOption = None,
        scheme: SchemeOption = None) -> None:
    """Write units to label, with the model's output as pre-annotation (never as a label).

    Label Studio also gets its labeling config, written beside the tasks as <name>.config.xml.

    Example: fincorpus annotate export --n 40 --coders alice,bob --format csv -o tasks.csv
    """
    from fincorpus.annotations.export_tasks import write_tasks
    from fincorpus.annotations.scheme import Scheme
    from fincorpus.annotations.tasks import make_tasks
    from fincorpus.corpus.labels import task_candidates
    from fincorpus.corpus.store import Store

    chosen = Scheme.load(scheme)
    with Store(db) as store:
        found = task_candidates(store, unit, field, chosen)
    tasks = make_tasks(found, field, tuple(target or ()), n, seed, tuple(ids or ()), chosen)
    written = write_tasks(tasks, output, _format(fmt, output), chosen, _coders(coders))
    out.print(f"wrote {len(tasks)} {unit} tasks ({field}) to {written[0]}", markup=False,
              soft_wrap=True)
    for extra in written[1:]:
        out.print(f"labeling config for the project: {extra}", markup=False, soft_wrap=True)


@annotate_app.command("import")
@friendly_errors
def import_command(
        files: Annotated[list[Path], typer.Argument(
            help="Labelled files: Label Studio JSON export, doccano JSONL, or the CSV sheet.")],
        db: DbOption,
        coder: Annotated[Optional[str], typer.Option(
            "--coder", help="The one coder of these files (doccano lines naming none, or to "
                            "rename a Label Studio account).")] = None,
        scheme: SchemeOption = None,
        offsets: Annotated[str, typer.Option(
            help="How span offsets count: auto, codepoints or utf16.")] = "auto") -> None:
    """Store coders' labels (coder, time, source file) apart from model output.

    Spans are checked against the stored text; importing a file again replaces what it
    brought.

    Example: fincorpus annotate import alice.json bob.csv --db study.db
    """
    from fincorpus.annotations.scheme import Scheme
    from fincorpus.corpus.labels import import_files
    from fincorpus.corpus.store import Store

    with Store(db) as store:
        results = import_files(store, files, coder, Scheme.load(scheme), offsets)
    for r in results:
        out.print(f"{r.source}: {r.labels} labels by {', '.join(r.coders) or 'nobody'} "
                  f"({r.added} new)", markup=False, soft_wrap=True)


@annotate_app.command("adjudicate")
@friendly_errors
def adjudicate_command(
        db: DbOption,
        decisions: Annotated[Optional[Path], typer.Option(
            "--decisions", help="The ties file with its decision column filled in.")] = None,
        output: Annotated[Optional[Path], typer.Option(
            "-o", "--output", help="Write the ties left as CSV here (default: print them).")]
        = None,
        scheme: SchemeOption = None) -> None:
    """Gold labels by majority vote; ties go to a CSV for a person to decide.

    Stance: the value most coders chose. Frames: each value present or absent by a strict
    majority of the unit's coders. Entities: each span a strict majority marked exactly.
    The ties file has one row per decision: the tied stance (write one of the candidates), a
    frame in dispute (present or absent), a span in dispute with its text and the spans it
    overlaps (keep or drop). Each gold label records how it was decided: unanimous, majority,
    adjudicated, single-coder.

    Example: fincorpus annotate adjudicate --db study.db -o ties.csv

    Example: fincorpus annotate adjudicate --db study.db --decisions ties.csv
    """
    from fincorpus.annotations.adjudicate import tie_rows
    from fincorpus.annotations.export_tasks import sheet_text, write_sheet
    from fincorpus.annotations.scheme import Scheme
    from fincorpus.corpus.labels import adjudicate_store
    from fincorpus.corpus.store import Store

    with Store(db) as store:
        outcome, texts = adjudicate_store(store, decisions, Scheme.load(scheme))
    counts = outcome.counts()
    out.print(f"gold labels: {len(outcome.gold)} (" + ", ".join(
        f"{how} {counts[how]}" for how in counts if how != "ties") + f"); ties left: "
        f"{counts['ties']}", markup=False, soft_wrap=True)
    if outcome.ties:
        rows = tie_rows(outcome.ties, texts)
        if output:
            write_sheet(rows, output)
            out.print(f"wrote the ties to {output}: fill in the decision column (one of the "
                      f"candidates), then run again with --decisions {output}", markup=False,
                      soft_wrap=True)
        else:
            sys.stdout.write(sheet_text(rows))


@annotate_app.command("next")
@friendly_errors
def next_command(
        db: DbOption, output: OutputFile,
        n: Annotated[int, typer.Option(help="How many units.")] = 50,
        model: Annotated[Optional[Path], typer.Option(
            "--model", help="A model folder from `stance train` (default: the lexicon baseline).")]
        = None,
        trust_model: Annotated[bool, typer.Option(
            "--trust-model", help="Load a model file you made yourself.")] = False,
        per_article: Annotated[int, typer.Option(help="At most this many units of one article.")]
        = 2,
        strategy: Annotated[str, typer.Option(help="margin or entropy.")] = "margin",
        coders: CodersOption = "coder_1", fmt: FormatOption = None,
        scheme: SchemeOption = None) -> None:
    """The units the stance model is least sure of, as a task file to label next.

    Sentence/target units no coder labelled yet, spread over articles and targets.

    Example: fincorpus annotate next --n 50 --model stance-model -o next.json
    """
    from fincorpus.annotations.active import next_tasks
    from fincorpus.annotations.export_tasks import write_tasks
    from fincorpus.annotations.scheme import Scheme
    from fincorpus.corpus.labels import stance_pool
    from fincorpus.corpus.store import Store
    from fincorpus.nlp.stance import load_model

    chosen = Scheme.load(scheme)
    with Store(db) as store:
        pool = stance_pool(store, chosen)
    tasks = next_tasks(pool, load_model(str(model) if model else None, trusted=trust_model), n,
                       per_article, strategy)
    written = write_tasks(tasks, output, _format(fmt, output), chosen, _coders(coders))
    out.print(f"wrote the {len(tasks)} least certain of {len(pool)} unlabelled units to "
              f"{written[0]}", markup=False, soft_wrap=True)


def _format(fmt: str | None, path: Path) -> str:
    """The task format asked for, else the one the file suffix names."""
    if fmt:
        return fmt
    by_suffix = {".json": "labelstudio", ".jsonl": "doccano", ".csv": "csv"}
    if path.suffix.lower() not in by_suffix:
        raise BadInput(f"{path}: cannot tell the format from the suffix; add --format "
                       "labelstudio, doccano or csv")
    return by_suffix[path.suffix.lower()]


def _coders(text: str) -> tuple[str, ...]:
    """Coder names from a comma-separated list."""
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    if not names:
        raise BadInput("--coders needs at least one name, e.g. --coders alice,bob")
    return names
