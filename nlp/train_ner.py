"""Train the shipped NER model on CLUENER2020 train, and only on it, with one command.

    python -m fincorpus.nlp.train_ner --data ../shared/data/ner --out nlp/data/ner_model/

A seeded 10 % of CLUENER *train* is held out for scoring and any model selection; the test
sets (MSRA test, CLUENER dev) are never read here. The model fit on the other 90 % is the one
saved, so the held-out score is the shipped model's (`--refit` refits on all of it instead).
A model card (model_card.json) records the data, mapping, settings, versions and scores.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import platform
import random
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fincorpus.corpus.model import Entity
from fincorpus.nlp.ner import NerTagger
from fincorpus.nlp.ner_data import (
    CLUENER_COARSE,
    TYPES,
    Example,
    coarse,
    from_tags,
    read_cluener,
    score,
    to_tags,
)

TRAIN_FILE = "cluener_train.json"
PLACE_MIN_LABELLED = 2


@dataclass(frozen=True, slots=True)
class Split:
    """Indexes of the sentences to fit on and of those held out for scoring."""

    fit: list[int]
    held_out: list[int]


def split(n: int, fraction: float, seed: int) -> Split:
    """A seeded shuffle of range(n), the first `fraction` of it held out."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    cut = int(n * fraction)
    return Split(sorted(order[cut:]), sorted(order[:cut]))


def complete_places(examples: list[Example], is_place) -> tuple[list[Example], int]:
    """Label LOC the bare place names CLUENER leaves unlabelled (中国 in 中国经济).

    A string counts as a place when CLUENER labels it `address` at least PLACE_MIN_LABELLED
    times, never as anything else, and `is_place(string)` agrees (our dictionaries say ns).
    An occurrence is added only where no labelled span (of any CLUENER type) touches it and
    `is_place` accepts it as a whole word there. Returns the new examples and how many spans.
    """
    kinds: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for example in examples:
        for entity in example.entities:
            kinds[entity.text][entity.type] += 1
    places = sorted((s for s, c in kinds.items() if set(c) == {"address"}
                     and c["address"] >= PLACE_MIN_LABELLED and is_place(s)), key=len, reverse=True)
    completed, added = [], 0
    for example in examples:
        taken = [False] * len(example.text)
        for entity in example.entities:
            taken[entity.start:entity.end] = [True] * (entity.end - entity.start)
        extra = []
        for place in places:
            start = example.text.find(place)
            while start >= 0:
                end = start + len(place)
                if not any(taken[start:end]) and is_place.whole_word(example.text, start, end):
                    extra.append(Entity(place, "address", start, end))
                    taken[start:end] = [True] * len(place)
                start = example.text.find(place, start + 1)
        added += len(extra)
        entities = tuple(sorted(example.entities + tuple(extra), key=lambda e: (e.start, e.end)))
        completed.append(Example(example.text, entities))
    return completed, added


class DictionaryPlaces:
    """Is a string a place name (ns) in our dictionaries, and a whole word where it stands?"""

    def __init__(self, segmenter) -> None:
        self.segmenter = segmenter

    def __call__(self, text: str) -> bool:
        return self.segmenter.pos_table().get(text, "") == "ns"

    def whole_word(self, text: str, start: int, end: int) -> bool:
        """True when the segmentation of the sentence has a word edge at start and end."""
        edges = {0}
        for begin, finish, _ in self.segmenter.spans(text):
            edges.update((begin, finish))
        return start in edges and end in edges


def prepare(examples: list[Example], places: DictionaryPlaces | None) -> tuple[list[Example], int]:
    """Coarse PER/LOC/ORG examples, with bare place names completed unless `places` is None."""
    added = 0
    if places is not None:
        examples, added = complete_places(examples, places)
    return [coarse(e) for e in examples], added


def fit_on(tagger: NerTagger, examples: list[Example]) -> NerTagger:
    """Fit the tagger on examples."""
    return tagger.fit([e.text for e in examples], [to_tags(e) for e in examples])


def held_out_scores(tagger: NerTagger, examples: list[Example]) -> dict:
    """Entity-level scores of the tagger on held-out examples (gold as CLUENER gives it)."""
    tags = tagger.predict([e.text for e in examples])
    predicted = [from_tags(e.text, t) for e, t in zip(examples, tags)]
    return {kind: {"precision": round(s.precision, 4), "recall": round(s.recall, 4),
                   "f1": round(s.f1, 4), "gold": s.gold}
            for kind, s in score(examples, predicted).items()}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _versions() -> dict[str, str]:
    """Versions of everything that shapes the model, for the card."""
    import jieba
    import numpy
    import scipy
    import sklearn

    return {"python": platform.python_version(), "numpy": numpy.__version__,
            "scipy": scipy.__version__, "scikit-learn": sklearn.__version__,
            "jieba": jieba.__version__, "fincorpus-ner": NerTagger.version}


def label_counts(examples: list[Example]) -> dict[str, int]:
    """How many entities of each type the examples hold."""
    counts = collections.Counter(e.type for example in examples for e in example.entities)
    return {kind: counts[kind] for kind in TYPES}


def model_card(source: Path, tagger: NerTagger, args, report: dict) -> dict:
    """What the shipped model is, what it was trained on, and how well it did held out."""
    return {
        "model": {"name": tagger.name, "version": tagger.version, "params": tagger.get_params()},
        "data": {"file": source.name, "sha256": _sha256(source), "sentences": report["n"],
                 "source": "CLUENER2020 train (Xu et al. 2020, arXiv:2001.04351), copy from "
                           "hemingkx/CLUENER2020; no licence stated: research data, not shipped",
                 "label_counts": report["counts"]},
        "mapping": {**CLUENER_COARSE, "book/game/movie/position/scene": "O"},
        "place_completion": {"on": not args.no_complete, "spans_added": report["added"],
                             "rule": complete_places.__doc__.split("\n")[0]},
        "held_out": {"fraction": args.held_out, "seed": args.seed, "of": TRAIN_FILE,
                     "scores": report["scores"]},
        "refit_on_all": args.refit,
        "train_seconds": report["seconds"], "date": date.today().isoformat(),
        "versions": _versions(),
        "never_used": "MSRA test and CLUENER dev (benchmarks/ner.py only)",
    }


def train(args) -> dict:
    """Hold out, fit, score, refit on everything, save; returns what the card reports."""
    source = Path(args.data) / TRAIN_FILE
    fine = read_cluener(source)
    tagger = NerTagger(hash_bits=args.hash_bits, c2=args.c2, max_iter=args.max_iter,
                       random_state=args.seed)
    places = None if args.no_complete else DictionaryPlaces(tagger.segmenter())
    began = time.perf_counter()
    parts = split(len(fine), args.held_out, args.seed)
    train_part, _ = prepare([fine[i] for i in parts.fit], places)
    fit_on(tagger, train_part)
    held = [coarse(fine[i]) for i in parts.held_out]
    scores = held_out_scores(tagger, held)
    everything, added = prepare(fine, places)
    if args.refit:
        fit_on(tagger, everything)
    seconds = round(time.perf_counter() - began, 1)
    tagger.save(args.out)
    report = {"n": len(fine), "counts": label_counts(everything), "added": added,
              "scores": scores, "seconds": seconds}
    card = model_card(source, tagger, args, report)
    (Path(args.out) / "model_card.json").write_text(
        json.dumps(card, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return card


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; the defaults are the settings of the shipped model."""
    parser = argparse.ArgumentParser(prog="python -m fincorpus.nlp.train_ner",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="../shared/data/ner", help="folder with " + TRAIN_FILE)
    parser.add_argument("--out", default="nlp/data/ner_model", help="model folder to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--held-out", type=float, default=0.1)
    parser.add_argument("--c2", type=float, default=3.0)
    parser.add_argument("--max-iter", type=int, default=200)
    parser.add_argument("--hash-bits", type=int, default=18)
    parser.add_argument("--no-complete", action="store_true", help="no place completion")
    parser.add_argument("--refit", action="store_true",
                        help="refit on all of CLUENER train after scoring (twice the time)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Train, then print the time, the held-out scores and where the model went."""
    args = parse(argv)
    card = train(args)
    print(f"trained on {card['data']['sentences']} CLUENER train sentences "
          f"in {card['train_seconds']} s; {card['place_completion']['spans_added']} bare "
          f"place names completed")
    print(f"held out ({args.held_out:.0%} of CLUENER train, seed {args.seed}):")
    for kind, s in card["held_out"]["scores"].items():
        print(f"  {kind:4} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}"
              f"  (gold {s['gold']})")
    print(f"model written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
