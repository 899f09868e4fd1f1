"""The stance stage: every sentence that names a target, scored by one model, rolled up per article.

The model is the lexicon baseline unless the user trained one (`fincorpus stance train`); both
take (target, text) pairs and give FAVOR / AGAINST / NONE probabilities, so the stage asks for
all the pairs of a batch of articles at once. Targets are found through the entity gazetteer
(the 美 of 中美 is the United States) and the targets' own aliases.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

import numpy as np
import pandas as pd

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Entity, Sentence, Stance
from fincorpus.nlp.stance_article import aggregate
from fincorpus.nlp.stance_targets import Offer, Target, Targets

#: Columns a prediction adds to its input rows, in order.
PREDICTION_COLUMNS = ("label", "p_favor", "p_against", "p_none")
#: The order labels are shown and probability columns given in (LABELS is sorted, as
#: scikit-learn orders classes_).
LABEL_ORDER = ("FAVOR", "AGAINST", "NONE")


def load_model(path: str | None = None, lexicons: Sequence[str] = (),
               targets: Targets | None = None, trusted: bool = False):
    """The stance model at `path` (saved by `stance train`), or the lexicon baseline."""
    if path is None:
        from fincorpus.nlp.stance_lexicon import LexiconStance
        return LexiconStance(lexicons=tuple(lexicons), targets=targets)
    if lexicons:
        raise BadInput("--lexicon applies to the lexicon baseline only; a trained model "
                       "keeps the lexicons it was trained with (drop --lexicon or --model)")
    from fincorpus.nlp.stance_model import StanceClassifier
    return StanceClassifier.load(path, trusted=trusted)


def predictions(model, pairs: Sequence[tuple[str, str]],
                entities: Sequence[Sequence[Entity]] | None = None,
                offers: Sequence[list[Offer]] | None = None) -> tuple[list[str], np.ndarray]:
    """Labels and (n, 3) probabilities of FAVOR, AGAINST, NONE (in that order) for (target,
    text) pairs. The label is the model's own decision when it has a rule (a trained model
    may discount NONE), else the likeliest. `entities` and `offers`: each text's linked
    entities and target-alias matches, for a model that reads them (the lexicon baseline;
    else it finds them itself)."""
    if not pairs:
        return [], np.zeros((0, 3))
    extra = {"entities": entities, "offers": offers} if entities is not None and getattr(
        model, "uses_entities", False) else {}
    proba = np.asarray(model.predict_proba(list(pairs), **extra), dtype=float)
    order = [list(model.classes_).index(label) for label in LABEL_ORDER]
    decide = getattr(model, "decide", None)
    labels = ([str(x) for x in decide(proba)] if decide else
              [str(model.classes_[k]) for k in proba.argmax(axis=1)])
    return labels, proba[:, order]


def predict_frame(model, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (columns target, text, anything else) plus label, p_favor, p_against, p_none,
    one row out per row in, in the same order."""
    missing = {"target", "text"} - set(frame.columns)
    if missing:
        raise BadInput(f"the input has no {' or '.join(sorted(missing))} column; give a CSV "
                       "with columns target,text (other columns are kept)")
    pairs = list(zip(frame["target"].astype(str), frame["text"].fillna("").astype(str)))
    labels, proba = predictions(model, pairs)
    out = frame.copy()
    out["label"] = labels
    for k, column in enumerate(PREDICTION_COLUMNS[1:]):
        out[column] = proba[:, k].round(4)
    return out


class StanceStage:
    """Stance of each sentence toward each target it names, and of each article toward each
    target any of its sentences names."""

    name = "fincorpus.stance"

    def __init__(self, model, targets: Targets) -> None:
        self.model, self.targets = model, targets

    @classmethod
    def build(cls, model_path: str | None = None, targets_path: str | None = None,
              lexicons: Sequence[str] = (), trusted: bool = False) -> StanceStage:
        """The stage for analyze's settings: a model file or the baseline, a targets file or
        the bundled targets."""
        targets = Targets.load(targets_path)
        return cls(load_model(model_path, lexicons, targets, trusted), targets)

    @property
    def version(self) -> str:
        """The model's name and version: what a stored stance was made by."""
        return f"{self.model.name}-{self.model.version}"

    def warm(self) -> StanceStage:
        """Load everything the model needs now (a pool worker does it before its first batch)."""
        predictions(self.model, [(next(iter(self.targets)).name, "预热")])
        return self

    def mentions(self, sentence: Sentence, entities: Sequence[Entity]) -> list[Target]:
        """The targets a sentence names; `entities` are the sentence's, offsets into it."""
        return self.targets.mentioned(sentence.text, entities)

    def stances_many(self, sentences: Sequence[Sequence[Sentence]],
                     entities: Sequence[Sequence[Entity]]) -> list[tuple[Stance, ...]]:
        """Each article's stances (article level first, then per sentence) from its sentences
        and its entities (offsets into the article text, sorted by start)."""
        places, texts, owns = [], [], []
        for article, (found, named) in enumerate(zip(sentences, entities)):
            linked = [e for e in named if e.id]
            for index, sentence in enumerate(found):
                places.append((article, index))
                texts.append(sentence.text)
                owns.append(_within(sentence, linked))
        owners, pairs, inside, matched = [], [], [], []
        # Every sentence's targets from one scan of the batch; the model reuses the scan.
        for place, text, own, offers in zip(places, texts, owns,
                                            self.targets.alias_offers_each(texts)):
            mentions = self.targets.mentions_among(offers, own)
            for target in dict.fromkeys(t for t, _, _ in mentions):
                owners.append((*place, target))
                pairs.append((target.name, text))
                inside.append(own)
                matched.append(offers)
        labels, proba = predictions(self.model, pairs, inside, matched)
        per_article: list[list[Stance]] = [[] for _ in sentences]
        for (article, index, target), label, row in zip(owners, labels, proba.tolist()):
            per_article[article].append(_sentence_stance(target, index, label, row))
        return [tuple(roll_up(found)) + tuple(found) for found in per_article]


def _within(sentence: Sentence, entities: Sequence[Entity]) -> list[Entity]:
    """The entities inside a sentence (sorted by start), offsets moved into the sentence."""
    at = bisect_left(entities, sentence.start, key=lambda e: e.start)
    inside, base = [], sentence.start
    while at < len(entities) and entities[at].start < sentence.end:
        e = entities[at]
        if e.end <= sentence.end:
            inside.append(Entity(e.text, e.type, e.start - base, e.end - base, e.id, e.value))
        at += 1
    return inside


def _sentence_stance(target: Target, index: int, label: str, row: Sequence[float]) -> Stance:
    favor, against, none = row
    return Stance(target.name, target.id, label, round(float(favor), 4),
                  round(float(against), 4), round(float(none), 4), index, _COUNTS[label])


#: A sentence's counts: one for its own label.
_COUNTS = {label: tuple(int(label == k) for k in LABEL_ORDER) for label in LABEL_ORDER}


def roll_up(sentence_stances: Sequence[Stance]) -> list[Stance]:
    """One article-level Stance per target, from the stances of its sentences."""
    by_target: dict[tuple[str, str], list[Stance]] = {}
    for stance in sentence_stances:
        by_target.setdefault((stance.target, stance.target_id), []).append(stance)
    rolled = []
    for (name, target_id), found in by_target.items():
        article = aggregate([s.label for s in found],  # probabilities in LABELS order
                            [(s.p_against, s.p_favor, s.p_none) for s in found], target=name)
        rolled.append(Stance(name, target_id, article.label, round(article.p_favor, 4),
                             round(article.p_against, 4), round(article.p_none, 4),
                             counts=tuple(sum(s.counts[k] for s in found) for k in range(3))))
    return rolled
