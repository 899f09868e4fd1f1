"""The cue lexicon of the stance baseline: evaluative words and the words that modify them.

Files (all in `data/stance/`, documented in its README.md):

- `genre_lexicon.txt`: our own evaluative words and idioms of Chinese financial and
  geopolitical commentary, `word polarity weight [flags]` per line;
- `cues.txt`: negators, intensifiers, contrast and rhetorical-question markers, passive
  markers, and neutral blockers (words that contain a cue but are none: 不仅, 未来);
- `ntusd_positive.txt` / `ntusd_negative.txt`: NTUSD (Ku & Chen 2007, MIT), general
  domain, each word at a low weight, minus `ntusd_stoplist.txt` (our list of NTUSD
  entries that are wrong or neutral in this genre, e.g. 黄金, 发展).

Precedence where one word is in several: cue words, then the genre lexicon, then user
lexicons (later files win), then NTUSD. All words go into one `TermMatcher`, so a text is
scanned once, leftmost-longest: 底气不足 is one negative idiom, never 底气 plus 不.
`Layout` (where clauses and sentences end) and `Modifiers` (which negators, intensifiers,
contrast and question markers reach a word) are the text-side helpers of the rules.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.terms import TermMatcher, fold

__all__ = ["Cue", "CueLexicon", "Layout", "Modifiers", "read_user_lexicon"]

DATA = "data/stance"
#: Weight of an NTUSD word: general-domain and noisy, so well below our own words (1–3).
NTUSD_WEIGHT = 0.5
#: Weight of a user lexicon word when its file gives none.
USER_WEIGHT = 1.0
KINDS = ("negation", "intensifier", "contrast", "rhetorical", "reproach", "passive", "neutral")
FLAGS = ("act", "obj")

_POSITIVE = {"+", "+1", "1", "pos", "positive", "favor", "正面", "积极", "褒义", "正"}
_NEGATIVE = {"-", "-1", "neg", "negative", "against", "负面", "消极", "贬义", "负"}
_CLAUSE = re.compile(r"[，,；;。！？!?：:\n]")
_SENTENCE = re.compile(r"[。！？!?；;\n]")
_QUESTION = re.compile(r"(?:[？?]|[吗呢][。！!]?)[\s”\"'」』）)]*$")
_HEADER = re.compile(r"#\s*polarity\s*[:=]\s*(\S+)", re.IGNORECASE)


class Cue(NamedTuple):
    """What a matched word does. kind: "eval" or one of KINDS; polarity +1/-1 for "eval";
    weight: evidence (eval) or scale (intensifier); flags: "act"/"obj" (see README)."""

    kind: str
    polarity: int = 0
    weight: float = 1.0
    flags: frozenset[str] = frozenset()
    source: str = "genre"


class CueLexicon:
    """Every cue word, found in a text with one leftmost-longest scan."""

    def __init__(self, cues: dict[str, Cue]) -> None:
        self._cues = {fold(word): cue for word, cue in cues.items()}
        self._matcher = TermMatcher(self._cues)

    @classmethod
    def load(cls, lexicons: Sequence[str | Path] = (), ntusd: bool = True) -> CueLexicon:
        """The bundled cues and genre lexicon, NTUSD unless `ntusd` is False, and user files."""
        cues: dict[str, Cue] = {}
        if ntusd:
            stop = set(_words(_bundled("ntusd_stoplist.txt")))
            for name, polarity in (("ntusd_positive.txt", 1), ("ntusd_negative.txt", -1)):
                for word in _words(_bundled(name)):
                    if word not in stop:
                        cues[word] = Cue("eval", polarity, NTUSD_WEIGHT, frozenset(), "ntusd")
        for path in lexicons:
            cues.update(read_user_lexicon(path))
        cues.update(parse_genre(_bundled("genre_lexicon.txt"), "genre_lexicon.txt"))
        cues.update(parse_cues(_bundled("cues.txt"), "cues.txt"))
        return cls(cues)

    def __len__(self) -> int:
        return len(self._cues)

    def __contains__(self, word: str) -> bool:
        return fold(word) in self._cues

    def get(self, word: str) -> Cue | None:
        """The cue of one word, if it is one."""
        return self._cues.get(fold(word))

    def find(self, text: str) -> list[tuple[int, int, Cue]]:
        """(start, end, cue) of every cue word in `text`, left to right, none overlapping."""
        return self.find_each([text])[0]

    def find_each(self, texts: Sequence[str]) -> list[list[tuple[int, int, Cue]]]:
        """`find` of each text, from one scan of them all."""
        cues = self._cues
        return [[(start, end, cues[key]) for key, start, end in found]
                for found in self._matcher.spans_each(texts)]


def _bundled(name: str) -> str:
    return resources.files("fincorpus.nlp").joinpath(f"{DATA}/{name}").read_text("utf-8")


def _lines(text: str):
    """(line number, content) of the lines that are neither blank nor comments."""
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        content = line.split("#", 1)[0].strip()
        if content:
            yield number, content


def _words(text: str) -> list[str]:
    return [content for _, content in _lines(text)]


def _weight(value: str, where: str) -> float:
    try:
        weight = float(value)
    except ValueError:
        weight = -1.0
    if not 0 < weight <= 10:
        raise BadInput(f"{where}: weight {value!r} must be a number above 0 and at most 10")
    return weight


def _polarity(value: str, where: str) -> int:
    value = value.strip().lower()
    if value in _POSITIVE:
        return 1
    if value in _NEGATIVE:
        return -1
    raise BadInput(f"{where}: polarity {value!r} must be positive (+, pos, positive, 正面) or "
                   "negative (-, neg, negative, 负面)")


def parse_genre(text: str, source: str) -> dict[str, Cue]:
    """The genre lexicon: `word polarity weight [flag ...]`, whitespace-separated."""
    cues: dict[str, Cue] = {}
    for number, content in _lines(text):
        where = f"{source}: line {number} ({content})"
        fields = content.split()
        if len(fields) < 3:
            raise BadInput(f"{where}: expected 'word polarity weight [flags]', e.g. '霸凌 - 2 act'")
        flags = frozenset(fields[3:])
        if not flags <= set(FLAGS):
            raise BadInput(f"{where}: unknown flag {sorted(flags - set(FLAGS))[0]!r} "
                           f"(allowed: {', '.join(FLAGS)})")
        cues[fields[0]] = Cue("eval", _polarity(fields[1], where), _weight(fields[2], where),
                              flags, "genre")
    return cues


def parse_cues(text: str, source: str) -> dict[str, Cue]:
    """The modifier cues: `[kind]` sections of `word [scale]` lines."""
    cues: dict[str, Cue] = {}
    kind = None
    for number, content in _lines(text):
        where = f"{source}: line {number} ({content})"
        if content.startswith("["):
            kind = content.strip("[]").strip()
            if kind not in KINDS:
                raise BadInput(f"{where}: unknown section (allowed: {', '.join(KINDS)})")
            continue
        if kind is None:
            raise BadInput(f"{where}: a word before any [section]; start with e.g. [negation]")
        fields = content.split()
        scale = _weight(fields[1], where) if len(fields) > 1 else 1.0
        cues[fields[0]] = Cue(kind, 0, scale, frozenset(), "cues")
    return cues


def read_user_lexicon(path: str | Path) -> dict[str, Cue]:
    """A user's evaluative lexicon, in one of two layouts (see the data README):

    - two columns `word<TAB>polarity[<TAB>weight]` (any line with a tab selects it);
    - one word per line, all of one polarity, given by a first line `# polarity: negative`
      or else by the file name (a name part positive/pos/正面 or negative/neg/负面).
    """
    source = str(path)
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{source}: cannot read the lexicon ({exc}); pass a UTF-8 text file") from exc
    lines = list(_lines(text))
    if not lines:
        raise BadInput(f"{source}: no words in the lexicon; one word per line, or word<TAB>polarity")
    if any("\t" in line for line in text.splitlines() if not line.lstrip().startswith("#")):
        return _two_columns(text, source)
    polarity = _file_polarity(text, Path(path).name, source)
    return {word: Cue("eval", polarity, USER_WEIGHT, frozenset(), "user") for _, word in lines}


def _two_columns(text: str, source: str) -> dict[str, Cue]:
    cues = {}
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        if not line.split("#", 1)[0].strip():
            continue
        where = f"{source}: line {number}"
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) not in (2, 3) or not fields[0]:
            raise BadInput(f"{where}: expected word<TAB>polarity[<TAB>weight], got {line.strip()!r}")
        weight = _weight(fields[2], where) if len(fields) == 3 else USER_WEIGHT
        cues[fields[0]] = Cue("eval", _polarity(fields[1], where), weight, frozenset(), "user")
    return cues


def _file_polarity(text: str, name: str, source: str) -> int:
    """A one-word-per-line file's polarity: its `# polarity:` header, else its name."""
    first = text.lstrip("\ufeff").splitlines()[0]
    header = _HEADER.match(first.strip())
    if header:
        return _polarity(header[1], f"{source}: line 1")
    parts = set(re.split(r"[^a-z\u4e00-\u9fff]+", Path(name).stem.lower()))
    found = {_polarity(p, source) for p in parts if p in (_POSITIVE | _NEGATIVE) - {"正", "负"}}
    if len(found) == 1:
        return found.pop()
    raise BadInput(f"{source}: cannot tell whether the words are positive or negative; "
                   "start the file with '# polarity: positive' (or negative), name it "
                   "*_positive.txt / *_negative.txt, or use word<TAB>polarity lines")


class Layout:
    """Where clauses and sentences of one text end, and which are questions."""

    def __init__(self, text: str) -> None:
        self.clause_ends = [m.end() for m in _CLAUSE.finditer(text)]
        self.sentence_ends = [m.end() for m in _SENTENCE.finditer(text)]
        starts = [0, *self.sentence_ends]
        self.questions = [bool(_QUESTION.search(text[a:b].rstrip())) for a, b in
                          zip(starts, [*self.sentence_ends, len(text)], strict=True)]

    def clause(self, pos: int) -> int:
        return bisect_right(self.clause_ends, pos)

    def sentence(self, pos: int) -> int:
        return bisect_right(self.sentence_ends, pos)


class Modifiers:
    """The modifier cues of one text, by kind, with the tests `_weigh` needs."""

    def __init__(self, found: list[tuple[int, int, Cue]], layout: Layout) -> None:
        self.layout = layout
        self.by_kind: dict[str, list[tuple[int, int, Cue]]] = {}
        for item in found:
            self.by_kind.setdefault(item[2].kind, []).append(item)

    def _of(self, kind: str) -> list[tuple[int, int, Cue]]:
        return self.by_kind.get(kind, [])

    def negations(self, start: int, clause: int) -> int:
        """Negators shortly before `start` in its clause."""
        return sum(1 for a, b, _ in self._of("negation")
                   if b <= start and start - b <= (2 if b - a == 1 else 4)
                   and self.layout.clause(a) == clause)

    def intensity(self, start: int, clause: int) -> float:
        """The scale of the nearest intensifier shortly before `start` (1.0 if none)."""
        near = [(start - b, cue.weight) for a, b, cue in self._of("intensifier")
                if b <= start and start - b <= 3 and self.layout.clause(a) == clause]
        return min(near)[1] if near else 1.0

    def contrast(self, start: int, end: int, sentence: int) -> str:
        """"after" a contrast marker of the sentence, "before" one, or ""."""
        marks = [a for a, _, _ in self._of("contrast") if self.layout.sentence(a) == sentence]
        if any(a < start for a in marks):
            return "after"
        return "before" if any(a >= end for a in marks) else ""

    def rhetorical(self, start: int, sentence: int, kind: str = "rhetorical") -> bool:
        """Whether a marker of `kind` (rhetorical or reproach) precedes `start` in the sentence."""
        return any(a < start and self.layout.sentence(a) == sentence for a, _, _ in self._of(kind))

    def passive_between(self, low: int, high: int) -> bool:
        return any(low <= a and b <= high for a, b, _ in self._of("passive"))
