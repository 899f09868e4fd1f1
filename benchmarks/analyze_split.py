"""Where analyze's time goes: CPU seconds per stage and per store step, against bare jieba.

Usage: python benchmarks/analyze_split.py [--mb 1] [--repeats 2]

The pipeline benchmark (pipeline.py) gives one ratio; this one splits it, so speed work
starts from figures. The sample corpus is replicated to --mb megabytes of text as there;
then, in this one process and taking turns --repeats times (the best of each counts):
- jieba: a bare `jieba.Tokenizer()`'s `lcut` over every article's text;
- analyze: `analyze_articles(store, workers=1)` on a fresh copy of the store, with the
  process time of each stage (sentences, segmentation, NER, entities, topics, frames,
  stance) and store step (read, rows, write) counted by wrapping the function that does it.
Process time, not wall time: other load on the machine changes the figures less. Each line
prints seconds, microseconds per character and the multiple of jieba's time; the stages do
not add up to the whole, which also holds what no wrapper counts (batching, the analyses'
objects).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from fincorpus.corpus import analyses
from fincorpus.corpus import pipeline as corpus_pipeline
from fincorpus.corpus.store import Store
from fincorpus.nlp import analyze
from pipeline import build_store, texts_of, time_jieba


def _counted(analyzer: analyze.Analyzer) -> list[tuple[object, str, str]]:
    """(object, method, label): the function each stage and store step is counted by."""
    return [
        (analyze, "sentences_of", "sentences"),
        (analyzer.segmenter, "tokens_many", "segmentation"),
        (analyzer, "_named", "NER"),
        (analyzer.tagger, "entities", "entities"),
        (analyzer.topics, "score_sentences", "topics"),
        (analyzer.frames, "score_sentences", "frames"),
        (analyzer.stance, "stances_many", "stance"),
        (Store, "get_article", "store: read"),
        (corpus_pipeline, "analysis_rows", "store: rows"),
        (analyses.Analyses, "put_rows", "store: write"),
    ]


def count_time(spent: dict[str, float], owner: object, name: str, label: str) -> None:
    """Wrap owner.name so that its process time adds up in spent[label]."""
    inner = getattr(owner, name)

    def timed(*args, **kwargs):
        began = time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - began

    setattr(owner, name, timed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=1.0, help="megabytes of article text")
    parser.add_argument("--repeats", type=int, default=2, help="turns; the best of each counts")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "corpus.db"
        articles, chars, _ = build_store(source, args.mb)
        texts = texts_of(source)
        with Store(source) as store:  # load every stage before the clock starts
            analyze.analyze_batch([next(iter(store.articles())).article])
        spent: dict[str, float] = defaultdict(float)
        for owner, name, label in _counted(analyze.shared_analyzer(analyze.AnalyzerSettings())):
            count_time(spent, owner, name, label)
        best: dict[str, float] = {}
        for turn in range(args.repeats):
            spent.clear()
            spent["jieba (bare lcut)"] = time_jieba(texts, time.process_time)
            copy = Path(tmp) / f"turn-{turn}.db"
            shutil.copy(source, copy)
            with Store(copy) as store:
                began = time.process_time()
                corpus_pipeline.analyze_articles(store, workers=1)
                spent["analyze (whole)"] = time.process_time() - began
            best = {k: min(v, best.get(k, v)) for k, v in spent.items()}
    jieba_seconds = best["jieba (bare lcut)"]
    print(f"corpus: {articles} articles, {chars:,} characters; process time, best of "
          f"{args.repeats}")
    print(f"{'part':20} {'seconds':>8} {'us/char':>8} {'x jieba':>8}")
    for label, seconds in sorted(best.items(), key=lambda item: -item[1]):
        print(f"{label:20} {seconds:8.2f} {seconds / chars * 1e6:8.2f} "
              f"{seconds / jieba_seconds:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
