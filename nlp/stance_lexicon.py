"""The lexicon stance baseline: FAVOR / AGAINST / NONE toward a target, from cue words alone.

No training. One scan of a text finds every cue (`stance_cues.CueLexicon`); each
evaluative word then becomes evidence for or against the target:

- **scope**: a word counts most in a clause (split at ，；。！？：) that names the target,
  less the farther it is from the mention (1 / (1 + gap / 12)); 0.4 times as much when a
  mention of another actor stands between them. A clause without a mention inherits the
  topic of the sentence's last clause that has one (0.6 when that is the target, 0.15
  when another actor); a clause naming only other actors counts 0.15; any other clause of
  a sentence naming the target 0.5; a sentence without mentions 0.3. A text that never names the target is scored as a whole (0.8 per word).
- **negation** (不, 没有, 并非, 缺乏 …) up to 2 characters before (4 for two-character
  negators) in the clause flips the word; an even number cancels out.
- **intensifiers** (非常 1.5, 严重 1.5, 略 0.7 …) up to 3 characters before scale it.
- **contrast** (但, 却, 然而, 不过 …): words after it in its sentence count 1.5 times,
  words before it 0.5 times.
- **rhetorical questions**: in a sentence ending in ？ (or 吗/呢) a marker such as 难道 or
  岂 flips the words after it (难道美债还安全吗); a reproach (怎么能, 凭什么) flips positive
  words only (怎么能相信美国), and any other question makes negative words count 1.3 times
  (凭什么霸凌别国？ condemns the more).
- **role**: an `act` word (制裁, 霸凌, 收割) condemns its agent: an actor target named before
  it (美国制裁…, or the clause's inherited topic) gets its weight, an actor target that is
  its patient (制裁中国, 中国遭到制裁: named after it, or with 被/遭 between) gets nothing.
  An `obj` word (减持, 增持) evaluates the asset acted on: it counts for term targets
  (美债, 黄金) and never for actors (中国减持美债 says nothing for or against 中国).
- **probabilities**: a softmax over (AGAINST, FAVOR, NONE) with logits (A, F, 0.5): A and F
  are the summed evidence against and for, 0.5 the NONE prior, so a text without evidence
  gives NONE 0.45 (0.27 for each side), and one clear genre word (weight 2) about 0.74
  for its side.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from fincorpus.nlp.stance_article import ArticleStance, aggregate
from fincorpus.nlp.stance_cues import Cue, CueLexicon, Layout, Modifiers
from fincorpus.nlp.stance_targets import (LABELS, Mention, Offer, Target, Targets, default_targets,
                                          spans_by_target)

__all__ = ["FEATURES", "LABELS", "ArticleStance", "Evidence", "LexiconStance", "aggregate"]

#: The NONE logit: the evidence one side needs to beat "no stance" (a stance must exceed
#: it; a tie is NONE). Checked on the NLPCC 2016 *training* file only: 1.0 called 61 % of
#: its tweets NONE (the true share is 20 %), 0.5 calls 32 %, 0 never says NONE; 0.5 keeps
#: plain factual sentences of commentary NONE while one genre word decides.
NONE_PRIOR = 0.5
#: Scale of the evidence in the logits.
ALPHA = 1.0
NO_MENTION, TOPIC, SENTENCE_WIDE, FAR, OTHER = 0.8, 0.6, 0.5, 0.3, 0.15
CONTRAST_AFTER, CONTRAST_BEFORE, QUESTION_NEG = 1.5, 0.5, 1.3
GAP_SCALE = 12.0
#: Scale of a near word when another actor's mention stands between it and the target's.
BETWEEN = 0.4
#: Scale of a word by where it stands to the sentence's contrast marker (Modifiers.contrast).
_CONTRAST_SCALE = {"after": CONTRAST_AFTER, "before": CONTRAST_BEFORE}

#: Just before a mention, marks it as the recipient of what follows (对华加征关税).
_RECIPIENT = re.compile(r"(?:对|向|给|朝|冲着|针对)$")
#: Where a mention stands: (clause, sentence, marked as a recipient).
_Place = tuple[int, int, bool]

FEATURES = (
    "favor", "against", "favor_near", "against_near", "favor_text", "against_text",
    "genre_favor", "genre_against", "ntusd_favor", "ntusd_against", "act_agent",
    "act_patient", "n_negated", "n_intensified", "n_contrast", "n_rhetorical",
    "n_question", "n_exclaim", "mentioned", "n_mentions", "p_against", "p_favor", "p_none",
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One evaluative word and what it says about the target.

    `polarity` is the final direction (+1 FAVOR, -1 AGAINST) after negation and
    rhetorical flips; `weight` the evidence it adds (0 when its role gives it none);
    `role`: near, agent, patient, object, topic, sentence, far, other or text.
    """

    word: str
    start: int
    end: int
    polarity: int
    weight: float
    base: float
    source: str
    negated: bool = False
    intensity: float = 1.0
    contrast: str = ""
    rhetorical: bool = False
    role: str = "text"


class _Word(NamedTuple):
    """An evaluative word and what does not depend on the target: where it stands, its
    polarity after negation and rhetorical flips, and its weight before proximity."""

    start: int
    end: int
    cue: Cue
    clause: int
    sentence: int
    polarity: int
    scaled: float  # cue weight x intensity x contrast (x question)
    negated: bool
    intensity: float
    contrast: str
    rhetorical: bool


def _word(start: int, end: int, cue: Cue, layout: Layout, mods: Modifiers) -> _Word:
    """Negation, intensity, contrast and questions: the same for every target."""
    clause, sentence = layout.clause(start), layout.sentence(start)
    negations = mods.negations(start, clause)
    intensity = mods.intensity(start, clause)
    contrast = mods.contrast(start, end, sentence)
    polarity = cue.polarity * (-1) ** negations
    question = layout.questions[sentence]
    rhetorical = question and (mods.rhetorical(start, sentence) or (
        polarity > 0 and mods.rhetorical(start, sentence, "reproach")))
    polarity = -polarity if rhetorical else polarity
    scale = intensity * _CONTRAST_SCALE.get(contrast, 1.0)
    if question and not rhetorical and polarity < 0:
        scale *= QUESTION_NEG
    return _Word(start, end, cue, clause, sentence, polarity, cue.weight * scale,
                 negations % 2 == 1, intensity, contrast, rhetorical)


class _Mentions:
    """The target's mentions in one text (span, factor), other actors' spans, the target's
    mentions inside act words (反华, 去中国化: the act's patient, no anchor for other words),
    and the starts of mentions marked as recipients (对华, 向美方: no subject). `own_at` and
    `others_at` add each span's clause and sentence, which every word's role compares;
    `subjects` are the mentions that can be a clause's subject, for `_topic`."""

    def __init__(self, own: list[tuple[int, int, float]], others: list[tuple[int, int]],
                 embedded: list[tuple[int, int]], place: Callable[[int], _Place]) -> None:
        self.own, self.others, self.embedded = own, others, embedded
        self.named = bool(own or embedded)
        own_places, other_places = [place(a) for a, _, _ in own], [place(a) for a, _ in others]
        self.recipients = {a for (a, *_), (_, _, recipient) in
                           zip([*own, *others], [*own_places, *other_places]) if recipient}
        self.own_at = [(a, b, f, c, s) for (a, b, f), (c, s, _) in zip(own, own_places)]
        self.others_at = [(a, b, c, s) for (a, b), (c, s, _) in zip(others, other_places)]
        self.subjects = [(c, -a, s, "own") for a, _, _, c, s in self.own_at
                         if a not in self.recipients] + \
                        [(c, -a, s, "other") for a, _, c, s in self.others_at
                         if a not in self.recipients]


class _Text:
    """One text as every target sees it: its cues, layout and evaluative words (scanned
    once, however many targets it is scored for), and its mentions of targets."""

    def __init__(self, text: str, found: list[tuple[int, int, Cue]],
                 entities: Sequence[Any] | None, targets: Targets) -> None:
        self.text, self.targets = text, targets
        self._entities = entities  # None: the gazetteer's, found when first needed
        self.offers: list[Offer] | None = None  # alias matches, if known
        self._countries: list[tuple[int, int, str, str | None]] | None = None
        self._mentions: dict[bool, tuple[list[Mention], dict[Target, list[tuple[int, int]]]]] = {}
        self.words: list[_Word] = []
        self._places: dict[int, _Place] = {}
        if any(cue.kind == "eval" for _, _, cue in found):
            self.layout = layout = Layout(text)
            self.mods = mods = Modifiers(found, layout)
            self.words = [_word(start, end, cue, layout, mods)
                          for start, end, cue in found if cue.kind == "eval"]
            self.acts = [(a, b) for a, b, cue in found if "act" in cue.flags]

    @property
    def entities(self) -> Sequence[Any]:
        if self._entities is None:
            from fincorpus.nlp.gazetteer import default_gazetteer
            self._entities = default_gazetteer().find(self.text)
        return self._entities

    def totals(self, target: Target) -> tuple[float, float]:
        """(against, favor) evidence for the target, as `_totals` of `evidence` gives."""
        if not self.words:
            return _totals([])
        judged = self._judged(target)
        return (sum([_weight(w, proximity) for w, _, proximity in judged if w.polarity == -1]),
                sum([_weight(w, proximity) for w, _, proximity in judged if w.polarity == 1]))

    def evidence(self, target: Target) -> list[Evidence]:
        """Every evaluative word of the text, weighted for the target, in text order."""
        text = self.text
        return [Evidence(text[w.start:w.end], w.start, w.end, w.polarity, _weight(w, proximity),
                         w.cue.weight, w.cue.source, w.negated, w.intensity, w.contrast,
                         w.rhetorical, role)
                for w, role, proximity in (self._judged(target) if self.words else ())]

    def _judged(self, target: Target) -> list[tuple[_Word, str, float]]:
        actor = target.is_actor
        mentions, mods = self._mentions_of(target, actor), self.mods
        return [(w, *_role(w, actor, mentions, mods)) for w in self.words]

    def _mentions_of(self, target: Target, actor: bool) -> _Mentions:
        """The target's spans and other actors' spans (gazetteer entities for actors)."""
        entities: Sequence[Any] = self.entities if actor else ()
        own = [(a, b, 1.0) for a, b in self._spans(target, entities)]
        if actor:  # other entities: the target's own (its country's) or others'
            affiliated, others = [], []
            for a, b, id_, country in self._linked():
                if id_ != target.id:
                    if country == target.id:
                        affiliated.append((a, b, 0.8))
                    else:
                        others.append((a, b))
            if affiliated:  # own is in text order, as _merge sorts it
                own = _merge(own, affiliated)
        else:
            others = [(a, b) for t, a, b in self._listed(False, ())
                      if not t.is_actor and t != target]
        if others and own:
            taken = [(a, b) for a, b, _ in own]
            others = [o for o in others if not any(a < o[1] and o[0] < b for a, b in taken)]
        acts = self.acts
        embedded = [(a, b) for a, b, _ in own if any(s <= a and b <= e for s, e in acts)] \
            if acts else []
        if embedded:
            own = [m for m in own if (m[0], m[1]) not in embedded]
        return _Mentions(own, others, embedded, self._place)

    def _place(self, start: int) -> _Place:
        """(clause, sentence, marked as a recipient) of a mention starting at `start`, worked
        out once per text however many targets ask."""
        found = self._places.get(start)
        if found is None:
            # 对|向|给|朝|冲着|针对 ends at most 3 characters before it ($ also before a "\n").
            recipient = _RECIPIENT.search(self.text, max(0, start - 3), start) is not None
            layout = self.layout
            found = self._places[start] = (layout.clause(start), layout.sentence(start), recipient)
        return found

    def _linked(self) -> list[tuple[int, int, str, str | None]]:
        """(start, end, id, the entry's country) of each entity with an id."""
        if self._countries is None:
            self._countries = [(e.start, e.end, e.id, _gazetteer_entry_country(e.id))
                               for e in self.entities if e.id]
        return self._countries

    def _spans(self, target: Target, entities: Sequence[Any]) -> list[tuple[int, int]]:
        """`Targets.mentions_of(target, text, entities)`, the text's mentions found once."""
        if target not in self.targets:
            return self.targets.mentions_of(target, self.text, entities)
        self._listed(target.is_actor, entities)
        return self._mentions[target.is_actor][1].get(target, [])

    def _listed(self, actor: bool, entities: Sequence[Any]) -> list[Mention]:
        """`Targets.mentions` of the text (with the entities for actors), found once, and
        each target's spans apart."""
        if actor not in self._mentions:
            if self.offers is None:
                self.offers = self.targets.alias_offers_each([self.text])[0]
            found = self.targets.mentions_among(self.offers, entities)
            self._mentions[actor] = (found, spans_by_target(found))
        return self._mentions[actor][0]


class LexiconStance:
    """Rule-based stance toward a target: no training, the same answer every run."""

    name = "fincorpus-stance-lexicon"
    version = "1"
    classes_ = np.array(LABELS)
    #: predict_proba takes the texts' entities: analyze passes those it found already.
    uses_entities = True

    def __init__(self, lexicons: Sequence[str | Path] = (), targets: Targets | None = None) -> None:
        self.lexicons = tuple(str(p) for p in lexicons)
        self.targets = targets
        self._lock = threading.Lock()
        self._cues: CueLexicon | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"lexicons": self.lexicons, "targets": self.targets}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)

    def __repr__(self) -> str:
        return f"LexiconStance(lexicons={self.lexicons!r})"

    @property
    def cues(self) -> CueLexicon:
        """The cue lexicon, built on first use (user files checked then)."""
        if self._cues is None:
            with self._lock:
                if self._cues is None:
                    self._cues = _bundled_cues(self.lexicons)
        return self._cues

    def _targets(self) -> Targets:
        return self.targets if self.targets is not None else default_targets()

    def fit(self, X: Any = None, y: Any = None) -> LexiconStance:
        """Nothing to learn: checks the lexicons load and returns self."""
        _ = self.cues
        return self

    def feature_names(self) -> list[str]:
        """Names of the columns of `features`."""
        return list(FEATURES)

    def features(self, X: Any) -> np.ndarray:
        """float32 (n × len(FEATURES)): evidence totals, cue counts and probabilities."""
        rows = [self._row(target, text.text, text.evidence(target))
                for target, text in self._texts(X)]
        return np.array(rows, dtype=np.float32).reshape(len(rows), len(FEATURES))

    def predict_proba(self, X: Any, entities: Sequence[Sequence[Any]] | None = None,
                      offers: Sequence[list[Offer]] | None = None) -> np.ndarray:
        """(n × 3) probabilities, columns in LABELS order (AGAINST, FAVOR, NONE).

        `entities`: each row's gazetteer-linked entities (offsets into its text), when the
        caller has them (analyze does); else the gazetteer is run on each text. `offers`:
        each row's target-alias matches (`Targets.alias_offers_each`), when the caller has
        them; else the texts are scanned for them.
        """
        rows = [_proba(*text.totals(target))
                for target, text in self._texts(X, entities, offers)]
        return np.array(rows, dtype=np.float64).reshape(len(rows), 3)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable label of each row; NONE unless a side beats it."""
        proba = self.predict_proba(X)
        best = np.where(proba[:, 1] > proba[:, 0], 1, 0)
        side = proba[np.arange(len(proba)), best]
        return self.classes_[np.where(side > proba[:, 2], best, 2)]

    def explain(self, target: str | Target, text: str) -> list[Evidence]:
        """The evidence behind one prediction, in text order."""
        targets = self._targets()
        return _Text(text, self.cues.find(text), None, targets).evidence(targets.resolve(target))

    def _texts(self, X: Any, entities: Sequence[Sequence[Any]] | None = None,
               offers: Sequence[list[Offer]] | None = None) -> list[tuple[Target, _Text]]:
        """Each row's target and text; rows of one text share its `_Text`, so the text is
        scanned once for all its targets (all texts in one scan).

        With `entities`, rows share a text when they are next to each other and hold the
        same entity list (analyze gives a sentence's targets in a row); without, when they
        hold the same text.
        """
        targets = self._targets()
        pairs = _pairs(X)
        keys: list[Any] = []
        firsts: dict[Any, int] = {}  # key -> the row that stands for it
        for row, (_, text) in enumerate(pairs):
            if entities is None:
                key = text
            elif row and text == pairs[row - 1][1] and entities[row] is entities[row - 1]:
                key = keys[-1]
            else:
                key = row
            firsts.setdefault(key, row)
            keys.append(key)
        rows = list(firsts.values())
        scanned = self.cues.find_each([pairs[row][1] for row in rows])
        shared = {key: _Text(pairs[row][1], found, None if entities is None else entities[row],
                             targets)
                  for (key, row), found in zip(firsts.items(), scanned)}
        if offers is not None:
            for key, row in firsts.items():
                shared[key].offers = offers[row]
        else:
            weighed = [text for text in shared.values() if text.words]  # those need mentions
            for text, found in zip(weighed, targets.alias_offers_each([t.text for t in weighed])):
                text.offers = found
        return [(targets.resolve(raw), shared[key]) for (raw, _), key in zip(pairs, keys)]

    def _row(self, target: Target, text: str, evidence: list[Evidence]) -> list[float]:
        """One row of `features`."""
        against, favor = _totals(evidence)
        near = [e for e in evidence if e.role in ("near", "agent")]
        row = {"favor": favor, "against": against,
               "favor_near": _sum(near, 1), "against_near": _sum(near, -1),
               "favor_text": sum(e.base * e.intensity for e in evidence if e.polarity > 0),
               "against_text": sum(e.base * e.intensity for e in evidence if e.polarity < 0),
               "genre_favor": _sum(evidence, 1, "genre"), "genre_against": _sum(evidence, -1, "genre"),
               "ntusd_favor": _sum(evidence, 1, "ntusd"), "ntusd_against": _sum(evidence, -1, "ntusd"),
               "act_agent": sum(e.role == "agent" for e in evidence),
               "act_patient": sum(e.role == "patient" for e in evidence),
               "n_negated": sum(e.negated for e in evidence),
               "n_intensified": sum(e.intensity != 1.0 for e in evidence),
               "n_contrast": sum(bool(e.contrast) for e in evidence),
               "n_rhetorical": sum(e.rhetorical for e in evidence),
               "n_question": text.count("？") + text.count("?"),
               "n_exclaim": text.count("！") + text.count("!")}
        mentions = self._targets().mentions_of(target, text)
        row.update(mentioned=float(bool(mentions)), n_mentions=len(mentions))
        row.update(zip(("p_against", "p_favor", "p_none"), _proba(against, favor), strict=True))
        return [float(row[name]) for name in FEATURES]


def _weight(word: _Word, proximity: float) -> float:
    """The evidence a word adds: its scaled weight times its proximity share, to 6 places."""
    return round(word.scaled * proximity, 6)


def _role(word: _Word, actor: bool, mentions: _Mentions, mods: Modifiers) -> tuple[str, float]:
    """How the word relates to the target (`actor`: a gazetteer entry), and the share of
    its weight that gives."""
    start, end, cue, clause, sentence = word.start, word.end, word.cue, word.clause, word.sentence
    if actor and "obj" in cue.flags:
        return "object", 0.0
    if not mentions.named:
        return "text", NO_MENTION
    if mentions.embedded and any(start <= a and b <= end for a, b in mentions.embedded):
        return "patient", 0.0
    here = [m for m in mentions.own_at if m[3] == clause]
    if here:
        a, b, factor, _, _ = here[0] if len(here) == 1 else \
            min(here, key=lambda m: _gap(m[0], m[1], start, end))
        proximity = factor / (1 + _gap(a, b, start, end) / GAP_SCALE)
        low, high = (b, start) if b <= start else (end, a)
        if mentions.others and any(low <= o[0] and o[1] <= high for o in mentions.others):
            proximity *= BETWEEN
        if actor and "act" in cue.flags:
            if a >= start or a in mentions.recipients or mods.passive_between(b, start):
                return "patient", 0.0
            return "agent", proximity
        return "near", proximity
    if mentions.others_at and any(o[2] == clause for o in mentions.others_at):
        return "other", OTHER
    topic = _topic(clause, sentence, mentions)
    if topic == "own":
        return ("agent" if "act" in cue.flags else "topic"), TOPIC
    if topic == "other":
        return "other", OTHER
    if any(m[4] == sentence for m in mentions.own_at):
        return "sentence", SENTENCE_WIDE
    return "far", FAR


def _topic(clause: int, sentence: int, mentions: _Mentions) -> str:
    """Whose is the subject (first mention not marked a recipient) of the last clause
    before `clause` in its sentence that has one: "own", "other" or ""."""
    best, who = (-1, 0), ""
    for c, after, s, name in mentions.subjects:
        if c < clause and s == sentence and (c, after) > best:
            best, who = (c, after), name
    return who


def _gap(a: int, b: int, start: int, end: int) -> int:
    return max(0, start - b, a - end)


def _merge(own: list[tuple[int, int, float]], extra: list[tuple[int, int, float]]
           ) -> list[tuple[int, int, float]]:
    """Own mentions plus the extra ones that overlap none of them."""
    return sorted(own + [x for x in extra if not any(a < x[1] and x[0] < b for a, b, _ in own)])


def _sum(evidence: Iterable[Evidence], sign: int, source: str | None = None) -> float:
    return sum(e.weight for e in evidence
               if e.polarity == sign and (source is None or e.source == source))


def _totals(evidence: list[Evidence]) -> tuple[float, float]:
    """(against, favor) evidence."""
    return _sum(evidence, -1), _sum(evidence, 1)


def _proba(against: float, favor: float) -> tuple[float, float, float]:
    """softmax(ALPHA·against, ALPHA·favor, NONE_PRIOR): (p_against, p_favor, p_none)."""
    logits = (ALPHA * against, ALPHA * favor, NONE_PRIOR)
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    total = sum(exps)
    return exps[0] / total, exps[1] / total, exps[2] / total


def _pairs(X: Any) -> list[tuple[Any, str]]:
    """(target, text) rows of a sequence of pairs or a DataFrame with target and text."""
    if hasattr(X, "columns"):
        missing = {"target", "text"} - set(X.columns)
        if missing:
            raise ValueError(f"the DataFrame needs columns 'target' and 'text' (missing: "
                             f"{', '.join(sorted(missing))})")
        X = zip(X["target"].tolist(), X["text"].tolist(), strict=True)
    pairs = []
    for row in X:
        if isinstance(row, str) or len(row) != 2:
            raise ValueError(f"each row must be a (target, text) pair, not {row!r}")
        target, text = row
        pairs.append((target, "" if text is None or text != text else str(text)))
    return pairs


@lru_cache(maxsize=8)
def _bundled_cues(lexicons: tuple[str, ...]) -> CueLexicon:
    """The cue lexicon for these user files, built once per process."""
    return CueLexicon.load(lexicons)


def _gazetteer_entry_country(id_: str) -> str | None:
    from fincorpus.nlp.gazetteer import default_gazetteer
    entry = default_gazetteer().entry(id_)
    return entry.country if entry else None
