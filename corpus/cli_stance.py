"""`fincorpus stance train / predict / evaluate`: a thin layer over fincorpus.nlp.stance*.

Registered on the one `app` of corpus/cli.py; each body calls the library and prints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from fincorpus.corpus.cli import DbOption, app, friendly_errors, out
from fincorpus.corpus.cli_nlp import Lexicons, TargetsOption, TrustModel
from fincorpus.corpus.errors import BadInput

stance_app = typer.Typer(help="Stance toward targets: train a model, predict, evaluate.",
                         no_args_is_help=True)
app.add_typer(stance_app, name="stance")

DataFile = Annotated[Optional[Path], typer.Option(
    "--data", help="Labelled CSV with columns target,text,label (NLPCC TSV also read).")]
ModelOption = Annotated[Optional[Path], typer.Option(
    "--model", help="A model folder from `stance train` (default: the lexicon baseline).")]


@stance_app.command("train")
@friendly_errors
def train(data: DataFile = None,
          output: Annotated[Path, typer.Option("-o", "--output", help="Model folder to write.")]
          = Path("stance-model"),
          seed: Annotated[int, typer.Option(help="Random seed of the cross-validation.")] = 0,
          folds: Annotated[int, typer.Option("--cv", min=2, help="Cross-validation folds.")] = 5
          ) -> None:
    """Train a stance model on labelled sentences; save it with its model card.

    The model and its settings are chosen by cross-validation.

    Example: fincorpus stance train --data labelled.csv -o stance-model
    """
    from fincorpus.nlp.stance_model import fit_stance_model, read_labeled

    if data is None:
        raise BadInput("stance train needs --data FILE.csv (columns target,text,label)")
    frame = read_labeled(data)
    model, report = fit_stance_model(frame, frame["label"], seed=seed, cv=folds, data_path=data)
    model.save(output)
    out.print(report.to_text(), markup=False, soft_wrap=True)
    out.print(f"saved the model and its card to {output}/", markup=False)


@stance_app.command("predict")
@friendly_errors
def predict(db: DbOption,
            text: Annotated[Optional[str], typer.Argument(help="A sentence or text to score.")]
            = None,
            target: Annotated[Optional[list[str]], typer.Option(
                "--target", help="Target of TEXT (repeatable; default: every target it names).")]
            = None,
            data: Annotated[Optional[Path], typer.Option(
                "--data", help="CSV with columns target,text (other columns kept).")] = None,
            articles: Annotated[bool, typer.Option(
                "--articles", help="Every analysed article in the store, toward each target.")]
            = False,
            model: ModelOption = None, targets: TargetsOption = None,
            lexicon: Lexicons = None, trust_model: TrustModel = False,
            output: Annotated[Optional[Path], typer.Option(
                "-o", "--output", help="Write the rows as CSV (UTF-8 with BOM) here.")] = None
            ) -> None:
    """Stance of a text, of the rows of a CSV, or of the stored articles, toward targets.

    Rows out: the input's columns plus label, p_favor, p_against, p_none, in input order.

    Example: fincorpus stance predict "美国债台高筑，美债信用岌岌可危" --target 美债
    """
    from fincorpus.corpus.cells import write_csv
    from fincorpus.nlp.stance import load_model, predict_frame
    from fincorpus.nlp.stance_targets import Targets

    chosen = [x for x in (text is not None, data is not None, articles) if x]
    if len(chosen) != 1:
        raise BadInput("give exactly one of TEXT, --data FILE.csv or --articles")
    stance_targets = Targets.load(str(targets) if targets else None)
    stance_model = load_model(str(model) if model else None, tuple(map(str, lexicon or ())),
                              stance_targets, trust_model)
    if articles:
        from fincorpus.corpus.stances import article_stances
        from fincorpus.corpus.store import Store

        with Store(db) as store:
            frame = article_stances(store, stance_model, stance_targets)
    else:
        frame = _input_rows(text, target, data, stance_targets)
        frame = predict_frame(stance_model, frame)
    if output:
        write_csv(frame, output)
        out.print(f"wrote {len(frame)} rows to {output}", markup=False)
    else:
        out.print(frame.to_string(index=False), markup=False, soft_wrap=True)


def _input_rows(text, target, data, stance_targets):
    """The (target, text) rows to score: a CSV's, or TEXT toward each target given or named."""
    import pandas as pd

    if data is not None:
        from fincorpus.nlp.stance_model import read_table
        return read_table(data)
    names = list(target or [t.name for t in stance_targets.mentioned(text)])
    if not names:
        raise BadInput("the text names none of the targets; say which with --target NAME")
    return pd.DataFrame({"target": names, "text": [text] * len(names)})


@stance_app.command("evaluate")
@friendly_errors
def evaluate(data: DataFile = None, model: ModelOption = None, lexicon: Lexicons = None,
             trust_model: TrustModel = False,
             as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Score a model on labelled data with the NLPCC metric, per target.

    The NLPCC metric (mean F1 of FAVOR and AGAINST), macro-F1, per-target scores and the
    confusion matrix.

    Example: fincorpus stance evaluate --data test.csv --model stance-model
    """
    from fincorpus.nlp.stance import load_model, predict_frame
    from fincorpus.nlp.stance_eval import evaluate as score
    from fincorpus.nlp.stance_model import read_labeled

    if data is None:
        raise BadInput("stance evaluate needs --data FILE.csv (columns target,text,label)")
    frame = read_labeled(data)
    stance_model = load_model(str(model) if model else None, tuple(map(str, lexicon or ())),
                              trusted=trust_model)
    predicted = predict_frame(stance_model, frame[["target", "text"]])
    report = score(frame["label"], predicted["label"], frame["target"])
    if as_json:
        out.print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1), markup=False)
    else:
        out.print(report.to_text(), markup=False, soft_wrap=True)
