"""Stance benchmark: NLPCC 2016 Task A (Weibo, 5 targets), trained on train, scored on test once.

Usage: python benchmarks/stance_nlpcc.py [--data ../shared/data/stance/nlpcc2016]
       [--floor favg=0.72] [--json OUT] [--model-out DIR]

Three systems, measured in the same run on the same split:
- lexicon: the rule baseline (LexiconStance), no training;
- reference: one TF-IDF char 1-3 + LinearSVC (C=1) per target, the plain baseline the
  project measured before (our_baseline_grid_results.csv);
- fincorpus: StanceClassifier, its configuration and its decision rule's none_bias chosen by
  5-fold CV on train only (`fit_stance_model`), refit on all of train.
The test split is read once, after training, and is never used for a choice. Train's two
target spellings are normalised to test's (IphoneSE -> iPhone SE, 俄罗斯在叙利亚的反恐行动 ->
俄罗斯叙利亚反恐行动), and its 14 empty labels read as NONE (see the data's SOURCES.md).
The floor applies to fincorpus's F_avg on test; the exit status is 1 when it is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from floors import parse_floors
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from fincorpus.corpus.show import table as show_table
from fincorpus.nlp.stance_eval import StanceReport, evaluate
from fincorpus.nlp.stance_model import describe, fit_stance_model

TRAIN, TEST = "taskA_train_3000.tsv", "taskA_test_gold_1000.tsv"
SAME_TARGET = {"IphoneSE": "iPhone SE", "俄罗斯在叙利亚的反恐行动": "俄罗斯叙利亚反恐行动"}
PUBLISHED = "official_results_taskA.csv"


def read_split(path: Path) -> pd.DataFrame:
    """An NLPCC Task A file as columns target, text, label (targets normalised)."""
    raw = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    return pd.DataFrame({"target": raw["TARGET"].str.strip().replace(SAME_TARGET),
                         "text": raw["TEXT"],
                         "label": raw["STANCE"].str.strip().str.upper().replace("", "NONE")})


def reference(train: pd.DataFrame):
    """Per target: TF-IDF char 1-3 (sublinear) + LinearSVC(C=1), fitted on train; a predictor."""
    models = {name: make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 3),
                                                  sublinear_tf=True),
                                  LinearSVC(C=1.0, random_state=0)).fit(rows["text"], rows["label"])
              for name, rows in train.groupby("target")}

    def predict(frame: pd.DataFrame) -> np.ndarray:
        out = np.empty(len(frame), dtype=object)
        for name, rows in frame.groupby("target"):
            out[frame.index.get_indexer(rows.index)] = models[name].predict(rows["text"])
        return out

    return predict


def lexicon_baseline():
    """The lexicon baseline's predictor (nothing to fit)."""
    from fincorpus.nlp.stance_lexicon import LexiconStance

    model = LexiconStance()
    return lambda frame: model.predict(frame[["target", "text"]])


def run(train: pd.DataFrame, test: pd.DataFrame, model_out: Path | None,
        data_path: Path | None) -> tuple[list[dict], dict]:
    """Fit the three systems on train, score them on test: one result dict each, and the
    model selection report of fincorpus's model."""
    results = []
    systems = {"lexicon": lexicon_baseline, "reference": lambda: reference(train)}
    for name, make in systems.items():
        began = time.perf_counter()
        predict = make()
        fitted = time.perf_counter()
        predicted = predict(test)
        results.append(_result(name, test, predicted, fitted - began,
                               time.perf_counter() - fitted))
    began = time.perf_counter()
    model, selection = fit_stance_model(train[["target", "text"]], train["label"], seed=0, cv=5,
                                        data_path=data_path)
    fitted = time.perf_counter()
    predicted = model.predict(test[["target", "text"]])
    results.append(_result("fincorpus", test, predicted, fitted - began,
                           time.perf_counter() - fitted))
    if model_out is not None:
        model.save(model_out)
    return results, selection


def _result(name: str, test: pd.DataFrame, predicted, fit_s: float, predict_s: float) -> dict:
    return {"system": name, "report": evaluate(test["label"], list(predicted), test["target"]),
            "fit_s": fit_s, "predict_s": predict_s}


def published(folder: Path) -> list[tuple[str, float, float, float, list[float]]]:
    """(team, F_favor, F_against, F_avg, per-target F_avg) of the best team and the median."""
    table = pd.read_csv(folder / PUBLISHED)
    best = table.sort_values("F_avg", ascending=False).iloc[0]
    per_target = [c for c in table.columns if c.startswith("Favg_")]
    return [(str(best["team"]) + " (best)", best["F_favor"], best["F_against"], best["F_avg"],
             [best[c] for c in per_target]),
            ("median of 16", np.nan, np.nan, float(table["F_avg"].median()),
             [float(table[c].median()) for c in per_target])]


# Published per-target columns, in the order of official_results_taskA.csv.
PUBLISHED_TARGETS = ("春节放鞭炮", "iPhone SE", "俄罗斯叙利亚反恐行动", "开放二胎", "深圳禁摩限电")
SHORT = {"春节放鞭炮": "鞭炮", "iPhone SE": "iPhoneSE", "俄罗斯叙利亚反恐行动": "俄叙",
         "开放二胎": "二胎", "深圳禁摩限电": "禁摩"}


def table(results: list[dict], reference_rows: list) -> str:
    """Columns aligned by display width: F_favor, F_against, F_avg, macro-F1, per-target
    F_avg, seconds; published rows leave blank what the organisers did not publish."""
    head = ("system", "F_favor", "F_again", "F_avg", "macroF1",
            *(SHORT[t] for t in PUBLISHED_TARGETS), "fit s", "pred s")
    rows = []
    for r in results:
        rep: StanceReport = r["report"]
        by_target = {t.target: t.f_avg for t in rep.per_target}
        rows.append((r["system"], *_cells(rep.f_favor, rep.f_against, rep.f_avg, rep.macro_f1),
                     *_cells(*(by_target.get(t, np.nan) for t in PUBLISHED_TARGETS)),
                     f"{r['fit_s']:.1f}", f"{r['predict_s']:.2f}"))
    for team, favor, against, favg, per_target in reference_rows:
        rows.append((team, *_cells(favor, against, favg, np.nan, *per_target), "", ""))
    return "\n".join(show_table(head, rows))


def _cells(*values: float) -> list[str]:
    """Scores to 4 places; NaN (not published, or no such target) blank."""
    return ["" if np.isnan(v) else f"{v:.4f}" for v in values]


def as_json(results: list[dict], selection, published_rows: list) -> dict:
    """Everything printed, for --json."""
    return {"systems": [{"system": r["system"], "fit_s": round(r["fit_s"], 2),
                         "predict_s": round(r["predict_s"], 3), **r["report"].as_dict()}
                        for r in results],
            "model_selection": selection.as_dict(),
            "published": [{"team": t, "F_avg": round(float(f), 4)} for t, _, _, f, _
                          in published_rows]}


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/stance/nlpcc2016"))
    parser.add_argument("--floor", action="append", default=[], metavar="favg=VALUE",
                        help="minimum F_avg (0-1) of fincorpus's model on test")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--model-out", type=Path, help="save the trained model and card here")
    args = parser.parse_args(argv)
    args.floors = parse_floors(parser, args.floor, ("favg",), "favg=0.72")
    return args


def main(argv: list[str] | None = None) -> int:
    """Train on train, score on test, print the table, check the floor."""
    args = parse(argv)
    began = time.perf_counter()
    train = read_split(args.data / TRAIN)
    results, selection = run(train, read_split(args.data / TEST), args.model_out,
                             args.data / TRAIN)
    rows = published(args.data)
    print(f"NLPCC 2016 Task A stance: train {len(train)} rows, test 1000 rows; "
          "F_avg = mean F1 of FAVOR and AGAINST, pooled over test")
    print(table(results, rows))
    print(selection.to_text())
    print(f"fincorpus model chosen by {selection.folds}-fold CV on train: "
          f"{describe(selection.chosen)} none_bias={selection.none_bias:g} (CV F_avg "
          f"{max(r['f_avg'] for r in selection.results):.4f}, with none_bias "
          f"{selection.biased_f_avg or 0:.4f}); "
          f"whole run {time.perf_counter() - began:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(as_json(results, selection, rows), ensure_ascii=False,
                                        indent=1) + "\n", encoding="utf-8")
    favg = results[-1]["report"].f_avg
    floor = args.floors.get("favg")
    if floor is not None and favg < floor:
        print(f"FLOOR MISSED: fincorpus F_avg {favg:.4f} < {floor:g}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
