"""The analysis commands of `fincorpus`: segment, entities, analyze, topics discover.

Registered on the one `app` of corpus/cli.py; each body calls one library function.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from fincorpus.corpus.cli import DbOption, app, err, friendly_errors, out
from fincorpus.corpus.store import Store

UserDicts = Annotated[Optional[list[Path]], typer.Option(
    "--user-dict", help="Your own jieba dictionary (word [freq] [pos] per line); repeatable.")]
TextFile = Annotated[Optional[Path], typer.Argument(help="UTF-8 text, one document a line (default: stdin).")]

StanceModel = Annotated[Optional[Path], typer.Option(
    "--stance-model", help="A stance model folder from `fincorpus stance train` "
    "(default: the lexicon baseline, no training needed).")]
TargetsOption = Annotated[Optional[Path], typer.Option(
    "--targets", help="Your own stance targets (TOML, the bundled targets file's layout).")]
Lexicons = Annotated[Optional[list[Path]], typer.Option(
    "--lexicon", help="An extra evaluative lexicon for the lexicon baseline; repeatable.")]
TrustModel = Annotated[bool, typer.Option(
    "--trust-model", help="Load a stance model file holding unexpected types (only one you made).")]


def analyzer_settings(user_dict, stance_model, targets, lexicon, trust_model):
    """The AnalyzerSettings of the analysis options, paths as strings."""
    from fincorpus.nlp.analyze import AnalyzerSettings

    return AnalyzerSettings(
        user_dicts=tuple(map(str, user_dict or ())),
        stance_model=str(stance_model) if stance_model else None,
        targets=str(targets) if targets else None,
        lexicons=tuple(map(str, lexicon or ())), trust_model=trust_model)


topics_app = typer.Typer(help="Topic models over the stored articles.", no_args_is_help=True)
app.add_typer(topics_app, name="topics")


@app.command()
@friendly_errors
def segment(file: TextFile = None, user_dict: UserDicts = None) -> None:
    """Cut Chinese text into words: one line in, one line of space-separated words out.

    Example: echo 中国减持美债至6826亿美元 | fincorpus segment --user-dict my_terms.txt
    """
    from fincorpus.nlp.segment import get_segmenter, read_lines, segment_lines

    for line in segment_lines(read_lines(file), get_segmenter(tuple(map(str, user_dict or ())))):
        sys.stdout.write(line + "\n")


@app.command()
@friendly_errors
def entities(file: TextFile = None) -> None:
    """Tag people, places, organisations, amounts, percentages and dates: one JSON line per line.

    Each line out is a list of {text, type, start, end, id, value}, offsets into that line.

    Example: echo 中国持有美债逾6826亿美元 | fincorpus entities
    """
    from fincorpus.nlp.entities import EntityTagger, entities_jsonl
    from fincorpus.nlp.ner import default_tagger
    from fincorpus.nlp.segment import read_lines

    for line in entities_jsonl(read_lines(file), EntityTagger(ner=default_tagger())):
        sys.stdout.write(line + "\n")


@app.command()
@friendly_errors
def analyze(db: DbOption,
            workers: Annotated[int, typer.Option(min=1, help="Processes (each loads the models once).")] = 1,
            redo: Annotated[bool, typer.Option("--all", help="Analyse every article again.")] = False,
            user_dict: UserDicts = None, stance_model: StanceModel = None,
            targets: TargetsOption = None, lexicon: Lexicons = None,
            trust_model: TrustModel = False,
            dask: Annotated[Optional[str], typer.Option(
                "--dask", help="Run on a Dask cluster: its scheduler's address "
                "(tcp://HOST:8786), in place of --workers. The workers need fincorpus[dask]; "
                "the store stays here.")] = None) -> None:
    """Words, entities, topics, frames and stance of every article not analysed yet.

    Segments, tags entities, scores topics and frames, and finds the stance toward each
    target; --all analyses every article again.

    Example: fincorpus analyze --workers 2 --stance-model stance-model --db study.db
    """
    from contextlib import nullcontext

    from rich.progress import Progress

    from fincorpus.corpus.analyses import Analyses
    from fincorpus.corpus.pipeline import analyze_articles
    from fincorpus.corpus.workers import dask_executor

    settings = analyzer_settings(user_dict, stance_model, targets, lexicon, trust_model)

    with Store(db) as store, \
            (dask_executor(dask) if dask else nullcontext((None, workers))) as (pool, workers):
        total = len(Analyses(store).pending(redo))
        with Progress(console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("analysing", total=total)
            report = analyze_articles(store, workers, redo, settings,
                                      progress=lambda n: bar.advance(task, n),
                                      pool=pool, remote=pool is not None)
    out.print(f"analysed {report.analyzed} articles in {report.seconds:.1f} s; "
              f"{len(report.failures)} failed")
    for article_id, reason in report.failures:
        out.print(f"  {article_id}: {reason}", style="dim", soft_wrap=True, markup=False)


@topics_app.command("discover")
@friendly_errors
def topics_discover(db: DbOption,
                    k: Annotated[int, typer.Option("--k", min=2, help="Number of topics.")] = 10,
                    output: Annotated[Path, typer.Option("-o", "--output", help="Where to save the model "
                                                         "(JSON).")] = Path("topics.json"),
                    seed: Annotated[int, typer.Option(help="Random seed.")] = 0) -> None:
    """Fit NMF topics on the stored articles' TF-IDF over our segmentation; print and save them.

    Example: fincorpus topics discover --k 8 -o topics.json --db study.db
    """
    from fincorpus.corpus.topics import discover_from_store

    with Store(db) as store:
        model = discover_from_store(store, k, seed)
    model.save(output)
    out.print(model.describe(), end="", markup=False, soft_wrap=True)
    out.print(f"saved to {output} (edit it, or turn it into a taxonomy for tagging)")


@app.command()
@friendly_errors
def show(ref: Annotated[str, typer.Argument(help="Article id (or an id prefix), DOCID or URL.")],
         db: DbOption,
         sentences: Annotated[int, typer.Option(help="Sentences to show as words (0: all).")] = 1,
         entities: Annotated[int, typer.Option(help="Entities to list (0: all).")] = 25,
         scores: Annotated[int, typer.Option(help="Topics and frames to list (0: all).")] = 5,
         stances: Annotated[int, typer.Option(help="Sentence stances to list (0: all).")] = 10
         ) -> None:
    """Show one analysed article: words, entities, topics, frames and stance.

    Its words, entity table, topics and frames with evidence, and its stance toward each
    target it names, sentence by sentence.

    Example: fincorpus show KJ2A7Q3M0556F1TX --sentences 2 --db study.db
    """
    from fincorpus.corpus.show import article_view

    with Store(db) as store:
        text = article_view(store, ref, sentences, entities, scores, stances)
    out.print(text, end="", markup=False, soft_wrap=True)
