"""Speed of DagCutter.cut_many against jieba's own `lcut(line, HMM=False)`, same words.

Usage: python benchmarks/dag_cut_speed.py [--data ../shared/data/segmentation] [--set pku]
       [--batch 500] [--repeats 3]

Each batch of lines is timed --repeats times by both, taking turns so that background load
hits them alike, and each keeps its best time per batch; chars/s is the set's characters
over the summed best times. The one-time build of the cutter's tables is timed apart (best
of --repeats), after jieba's own dictionary is loaded.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import jieba
from fincorpus.nlp.dag_cut import DagCutter

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared/data/segmentation")
    parser.add_argument("--set", default="pku")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    lines = (args.data / f"{args.set}_test.utf8").read_text(encoding="utf-8").splitlines()
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    builds = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        cutter = DagCutter(tok)
        builds.append(time.perf_counter() - start)

    batches = [lines[i:i + args.batch] for i in range(0, len(lines), args.batch)]
    best = {"jieba": 0.0, "dag_cut": 0.0}
    for batch in batches:
        times: dict[str, list[float]] = {"jieba": [], "dag_cut": []}
        for _ in range(args.repeats):
            start = time.perf_counter()
            expected = [tok.lcut(line, HMM=False) for line in batch]
            times["jieba"].append(time.perf_counter() - start)
            start = time.perf_counter()
            ends = cutter.cut_many(batch)
            times["dag_cut"].append(time.perf_counter() - start)
        got = [[line[a:b] for a, b in zip([0, *e], e)] for line, e in zip(batch, ends)]
        assert got == expected, "DagCutter differs from jieba"
        for name, spent in times.items():
            best[name] += min(spent)

    chars = sum(map(len, lines))
    print(f"{args.set}: {len(lines)} lines, {chars} chars, batches of {args.batch}, "
          f"best of {args.repeats}")
    for name, spent in best.items():
        print(f"  {name:8} {chars / spent:>12,.0f} chars/s")
    print(f"  speed-up {best['jieba'] / best['dag_cut']:.1f}x")
    print(f"  build    {min(builds):.3f} s (best of {args.repeats}; "
          f"{len(tok.FREQ)} FREQ keys)")


if __name__ == "__main__":
    main()
