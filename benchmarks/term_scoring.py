"""Topic and frame scoring speed on the bundled sample corpus, repeated.

Usage: python benchmarks/term_scoring.py [--copies 10] [--runs 5]

The texts are the sample articles' expected paragraphs (corpus/data/sample/*.expected.json),
cut into sentences by `split_sentences` as `Analyzer.analyze` does, the whole set repeated
`--copies` times. Each run scores every article with `score_sentences` (what analyze
calls) for topics, then for frames; the best of `--runs` runs is printed, because other
work on the machine only ever makes a run slower. Scorers are built (and warmed on one
article) before timing, so the times are scanning and scoring only.
"""

from __future__ import annotations

import argparse
import json
import time
from importlib.resources import files

from fincorpus.nlp.frames import FrameScorer
from fincorpus.nlp.text import split_sentences
from fincorpus.nlp.topics import TopicScorer


def sample_articles() -> list[list[str]]:
    """Each sample article with a body, as its list of sentence texts."""
    folder = files("fincorpus.corpus") / "data" / "sample"
    articles = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".expected.json"):
            paragraphs = json.loads(entry.read_text(encoding="utf-8")).get("paragraphs") or []
            sentences = [s.text for p in paragraphs for s in split_sentences(p)]
            if sentences:
                articles.append(sentences)
    return articles


def best_time(score, articles: list[list[str]], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        for sentences in articles:
            score(sentences)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    articles = sample_articles() * args.copies
    chars = sum(len(s) for sentences in articles for s in sentences)
    print(f"{len(articles)} articles, {sum(map(len, articles))} sentences, {chars} characters; "
          f"best of {args.runs} runs")
    for name, scorer in (("topics", TopicScorer()), ("frames", FrameScorer())):
        scorer.score_sentences(articles[0])
        seconds = best_time(scorer.score_sentences, articles, args.runs)
        print(f"{name:8} {seconds:.4f} s  {chars / seconds / 1e6:.2f} M chars/s")


if __name__ == "__main__":
    main()
