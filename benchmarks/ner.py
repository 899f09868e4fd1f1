"""NER benchmark: fincorpus's NerTagger vs jieba.posseg on MSRA test and CLUENER2020 dev.

Usage: python benchmarks/ner.py [--data ../shared/data/ner] [--model nlp/data/ner_model]
       [--floor msra=80 --floor cluener=70] [--json OUT]

Entity-level exact-span, exact-type P/R/F1 per type and micro over PER/LOC/ORG
(fincorpus.nlp.ner_data.score). jieba.posseg runs as its own POSTokenizer over a fresh
jieba.Tokenizer (not the global one), its tags mapped nr->PER, ns->LOC, nt->ORG. CLUENER dev
uses the coarse mapping name->PER, address->LOC, organization/company/government->ORG.
Both systems see the same sentences in the same run; sentences/s is over the whole set, after
one warm-up sentence (dictionaries and the model are loaded before timing). fincorpus tags the
set in one batch, as `analyze` does, its segmentation included. Floors apply to
fincorpus's micro F1 (in %); the exit status is 1 when one is missed.
Neither set is used for training or tuning (the model is trained on CLUENER train only).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from fincorpus.corpus.model import Entity
from fincorpus.nlp.ner import NerTagger
from fincorpus.nlp.ner_data import (
    TYPES,
    Example,
    Scores,
    coarse,
    from_tags,
    read_bio,
    read_cluener,
    score,
)
from floors import parse_floors

JIEBA_TYPES = {"nr": "PER", "ns": "LOC", "nt": "ORG"}
SETS = {"msra": "msra_test_bio.txt", "cluener": "cluener_dev.json"}


def load_sets(folder: Path) -> dict[str, list[Example]]:
    """MSRA test (BIO) and CLUENER dev mapped to PER/LOC/ORG."""
    return {"msra": read_bio(folder / SETS["msra"]),
            "cluener": [coarse(e) for e in read_cluener(folder / SETS["cluener"])]}


def jieba_runner() -> Callable[[list[str]], list[Example]]:
    """jieba.posseg words tagged nr/ns/nt, as entities."""
    import jieba
    import jieba.posseg

    tagger = jieba.posseg.POSTokenizer(jieba.Tokenizer())

    def run_one(text: str) -> Example:
        found, at = [], 0
        for pair in tagger.cut(text):
            kind = JIEBA_TYPES.get(pair.flag)
            if kind:
                found.append(Entity(pair.word, kind, at, at + len(pair.word)))
            at += len(pair.word)
        return Example(text, tuple(found))

    return lambda texts: [run_one(text) for text in texts]


def fincorpus_runner(model: Path) -> Callable[[list[str]], list[Example]]:
    """fincorpus's NerTagger loaded from a model folder, all sentences in one batch (as analyze
    runs it: segmentation included)."""
    tagger = NerTagger.load(model)

    def run(texts: list[str]) -> list[Example]:
        return [from_tags(text, tags) for text, tags in zip(texts, tagger.predict(texts))]

    return run


def measure(run: Callable[[list[str]], list[Example]], examples: list[Example]) -> tuple[dict, float]:
    """Scores of one system on one set, and its speed in sentences per second."""
    run([examples[0].text])
    began = time.perf_counter()
    predicted = run([e.text for e in examples])
    seconds = time.perf_counter() - began
    return score(examples, predicted), len(examples) / seconds


def _cell(s: Scores) -> str:
    return f"{s.precision * 100:5.1f} {s.recall * 100:5.1f} {s.f1 * 100:5.1f}"


def table(results: list[dict]) -> str:
    """A fixed-width table: P R F1 per type and micro, with speed."""
    head = "set      system     " + "".join(f"| {t:^17} " for t in (*TYPES, "ALL (micro)"))
    lines = [head + "| sent/s",
             " " * 20 + "| P     R     F1    " * (len(TYPES) + 1) + "|",
             "-" * (len(head) + 8)]
    for r in results:
        cells = "".join(f"| {_cell(r['scores'][t])} " for t in (*TYPES, "ALL"))
        lines.append(f"{r['set']:8} {r['system']:10} {cells}| {r['speed']:7.0f}")
    return "\n".join(lines)


def as_json(results: list[dict]) -> list[dict]:
    """Results with counts and rates, ready for json.dumps."""
    return [{"set": r["set"], "system": r["system"], "sentences_per_s": round(r["speed"], 1),
             "scores": {t: {"gold": s.gold, "predicted": s.predicted, "correct": s.correct,
                            "precision": round(s.precision, 4), "recall": round(s.recall, 4),
                            "f1": round(s.f1, 4)} for t, s in r["scores"].items()}}
            for r in results]


def missed_floors(results: list[dict], floors: dict[str, float]) -> list[str]:
    """One line per floor that fincorpus's micro F1 does not reach."""
    misses = []
    for r in results:
        floor = floors.get(r["set"])
        f1 = r["scores"]["ALL"].f1 * 100
        if r["system"] == "fincorpus" and floor is not None and f1 < floor:
            misses.append(f"FLOOR MISSED: {r['set']} F1 {f1:.1f} < {floor:g}")
    return misses


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ner"))
    parser.add_argument("--model", type=Path, default=Path("nlp/data/ner_model"))
    parser.add_argument("--floor", action="append", default=[], metavar="SET=F1",
                        help="minimum micro F1 in %% for fincorpus on msra or cluener")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    args.floors = parse_floors(parser, args.floor, tuple(SETS), "cluener=70")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run both systems on both sets, print the table, check the floors."""
    args = parse(argv)
    sets = load_sets(args.data)
    runners = {"jieba": jieba_runner(), "fincorpus": fincorpus_runner(args.model)}
    results = []
    for set_name, examples in sets.items():
        for system, run in runners.items():
            scores, speed = measure(run, examples)
            results.append({"set": set_name, "system": system, "scores": scores, "speed": speed})
    print(f"NER, entity-level exact match; MSRA test {len(sets['msra'])} sentences, "
          f"CLUENER dev {len(sets['cluener'])} sentences (coarse mapping); model {args.model}")
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(as_json(results), indent=1) + "\n", encoding="utf-8")
    misses = missed_floors(results, args.floors)
    for line in misses:
        print(line)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
