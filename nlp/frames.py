"""The five generic news frames of Semetko & Valkenburg (2000), scored from Chinese cue lexicons.

Each frame is one text file of cues in data/frames/ (README.md there says which of the
paper's twenty yes/no items each group of cues stands for). A user's own folder of
`<frame>.txt` files replaces the bundled one, and may add frames of its own. Scoring is
`CategoryScorer`'s, shared with topics: weighted cue hits per 100 characters, keeping
the cues found and, for an article, the sentences that carry each frame.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.term_scores import LexiconScorer, lexicon_digest
from fincorpus.nlp.terms import Term, fold

#: The generic frames, in the order Semetko & Valkenburg present them.
FRAMES = ("responsibility", "human_interest", "conflict", "morality", "economic_consequences")
BUNDLED = "data/frames"
_NAME = re.compile(r"[a-z][a-z0-9_]*\Z")


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame: its name (the file's stem) and its weighted cues."""

    name: str
    cues: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class FrameLexicon:
    """The frames to score, and the folder they were read from (for messages)."""

    frames: tuple[Frame, ...]
    source: str = "<memory>"

    @classmethod
    def load(cls, folder: str | Path | None = None) -> FrameLexicon:
        """Every `<frame>.txt` in a folder (the bundled data/frames when none is given)."""
        if folder is None:
            root: Traversable | Path = resources.files("fincorpus.nlp").joinpath(BUNDLED)
            source = f"fincorpus.nlp/{BUNDLED}"
        else:
            root, source = Path(folder), str(folder)
            if not root.is_dir():
                raise BadInput(f"{source}: not a folder; give a folder of <frame>.txt cue files")
        files = sorted((f for f in root.iterdir() if f.name.endswith(".txt")), key=lambda f: f.name)
        if not files:
            raise BadInput(f"{source}: no frame lexicons (*.txt) found; add one file per frame")
        return cls(tuple(_read_frame(f, f"{source}/{f.name}") for f in files), source)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(frame.name for frame in self.frames)

    def digest(self) -> str:
        """A short hash of the frames and cues: which lexicon a stored score came from."""
        return lexicon_digest({frame.name: frame.cues for frame in self.frames})


def _read_frame(file: Traversable | Path, source: str) -> Frame:
    name = file.name[: -len(".txt")]
    if not _NAME.match(name):
        raise BadInput(f"{source}: frame name {name!r} must be lower-case letters, digits and _")
    try:
        text = file.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = " ".join(str(error).split())
        raise BadInput(f"{source}: cannot read it as UTF-8 ({reason})") from error
    return Frame(name, parse_cues(text, source))


def parse_cues(text: str, source: str = "<string>") -> tuple[Term, ...]:
    """The cues of one lexicon file: `cue [weight]` per line, '#' comments, blank lines skipped."""
    cues: list[Term] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        cue = _cue(content, f"{source} line {number}")
        key = fold(cue.text)
        if key in first_line:
            raise BadInput(f"{source} line {number}: {cue.text!r} already listed "
                           f"at line {first_line[key]}")
        first_line[key] = number
        cues.append(cue)
    if not cues:
        raise BadInput(f"{source}: no cues; write one cue per line, "
                       "optionally followed by a weight")
    return tuple(cues)


def _cue(content: str, where: str) -> Term:
    fields = content.split()
    if len(fields) > 2:
        raise BadInput(f"{where}: expected 'cue [weight]', got {content!r} (cues hold no spaces)")
    if len(fields) == 1:
        return Term(fields[0])
    try:
        weight = float(fields[1])
    except ValueError:
        raise BadInput(f"{where}: weight {fields[1]!r} is not a number") from None
    if not (math.isfinite(weight) and weight >= 0):
        raise BadInput(f"{where}: weight {fields[1]!r} must be a finite number >= 0")
    return Term(fields[0], weight)


class FrameScorer(LexiconScorer):
    """Frame scores for sentences and articles, with the cues and sentences behind them."""

    name = "frame-lexicon"

    def __init__(self, lexicon: FrameLexicon | None = None) -> None:
        self.lexicon = lexicon if lexicon is not None else FrameLexicon.load()
        super().__init__({frame.name: frame.cues for frame in self.lexicon.frames}, self.lexicon.digest())
