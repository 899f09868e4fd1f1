"""Word segmentation: jieba behind our dictionaries, with numbers kept whole and real offsets.

Each `Segmenter` owns its `jieba.Tokenizer`, built from explicit dictionary files on first
use (never jieba's global `jieba.dt`, never `jieba.enable_parallel`): jieba's dictionary,
then the domain dictionary shipped in `data/domain_dict.txt`, then the user's own, each
checked line by line (`userdict.load_user_dict`). Text is width-folded and stripped of
invisible characters before jieba sees it (`text.normalize`), numbers, amounts and dates
are protected by a regex pre-pass (`number_spans`), and every word is reported as a span
of the text it came from.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import chain, pairwise, repeat
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Token
from fincorpus.nlp.number_spans import STYLES, DigitWords, digit_words, protected_spans
from fincorpus.nlp.text import Normalized, fold_width, has_invisible, normalize
from fincorpus.nlp.userdict import DictEntry, load_user_dict

__all__ = [
    "HMM_DEFAULT",
    "DictEntry",
    "Segmenter",
    "domain_dict_path",
    "get_segmenter",
    "load_user_dict",
    "read_lines",
    "segment_lines",
]

#: jieba's HMM for unknown words, off: measured by benchmarks/segmentation.py, turning it
#: off raises word F1 on both SIGHAN 2005 sets (with and without training words) and makes
#: segmentation faster; the benchmark prints both settings.
HMM_DEFAULT = False

Span = tuple[int, int, "str | None"]
_new_tuple = tuple.__new__
#: Lines `segment_lines` cuts together.
SEGMENT_BATCH = 256
#: Batches with at least this many characters to cut go through `DagCutter`.
DAG_MIN_CHARS = 2000


def domain_dict_path() -> Path:
    """The bundled finance, trade and geopolitics dictionary (jieba format)."""
    return Path(str(resources.files("fincorpus.nlp") / "data" / "domain_dict.txt"))


@dataclass(slots=True)
class _Loaded:
    """What a Segmenter builds on first use."""

    tokenizer: Any
    digit_words: DigitWords
    entries: list[DictEntry]
    base: Path
    tags: dict[str, str] | None = field(default=None)
    dag: Any = field(default=None)


@contextmanager
def _quiet_jieba() -> Iterator[None]:
    """Silence jieba's "Building prefix dict…" debug lines while it loads, then restore."""
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


class Segmenter:
    """Chinese words with offsets; picklable and callable, so usable as a sklearn analyzer.

    Args:
        user_dicts: the user's own jieba-format dictionaries, loaded after ours (later wins).
        hmm: let jieba's HMM join characters no dictionary knows (`HMM_DEFAULT`: off).
        numbers: "whole" keeps 6826亿美元 and 2025年11月30日 as one word; "parts" splits
            numeral, unit and date parts, the PKU standard's convention.
        dictionary: the main dictionary instead of jieba's own dict.txt.
        domain: load the bundled domain dictionary.
    """

    name = "fincorpus-jieba"

    def __init__(self, user_dicts: Iterable[str | Path] = (), hmm: bool = HMM_DEFAULT,
                 numbers: str = "whole", dictionary: str | Path | None = None,
                 domain: bool = True) -> None:
        if numbers not in STYLES:
            raise ValueError(f"numbers must be one of {STYLES}, not {numbers!r}")
        self.user_dicts = tuple(str(p) for p in user_dicts)
        self.hmm, self.numbers, self.domain = hmm, numbers, domain
        self.dictionary = None if dictionary is None else str(dictionary)
        self._lock = threading.Lock()
        self._loaded: _Loaded | None = None
        self._version: str | None = None

    def __repr__(self) -> str:
        return (f"Segmenter(user_dicts={self.user_dicts!r}, hmm={self.hmm}, "
                f"numbers={self.numbers!r}, dictionary={self.dictionary!r}, domain={self.domain})")

    def __getstate__(self) -> dict[str, Any]:
        """Only the configuration travels; the jieba tokenizer is rebuilt where it lands."""
        return {"user_dicts": self.user_dicts, "hmm": self.hmm, "numbers": self.numbers,
                "dictionary": self.dictionary, "domain": self.domain}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)

    @property
    def version(self) -> str:
        """"1+" and a digest of the options and dictionary files, stored with the words."""
        if self._version is None:
            digest = hashlib.sha256(repr(self.__getstate__()).encode())
            paths = ([str(domain_dict_path())] if self.domain else []) + list(self.user_dicts)
            for path in paths + ([self.dictionary] if self.dictionary else []):
                digest.update(Path(path).read_bytes() if Path(path).is_file() else b"missing")
            self._version = f"1+{digest.hexdigest()[:12]}"
        return self._version

    def load(self) -> Segmenter:
        """Load the dictionaries now (they load on first use anyway); returns self."""
        self._state()
        return self

    def _state(self) -> _Loaded:
        """The loaded tokenizer, built once under a lock."""
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = self._build()
        return self._loaded

    def _build(self) -> _Loaded:
        """Validate every dictionary first, then build the jieba tokenizer from them."""
        import jieba

        base = Path(self.dictionary) if self.dictionary else Path(jieba.__file__).with_name(
            "dict.txt")
        if not base.is_file():
            raise BadInput(f"main dictionary {base}: no such file; check the path given")
        entries = load_user_dict(domain_dict_path()) if self.domain else []
        for path in self.user_dicts:
            entries += load_user_dict(path)
        tokenizer = jieba.Tokenizer(dictionary=str(base))
        with _quiet_jieba():
            tokenizer.initialize()
        for entry in entries:
            tokenizer.add_word(entry.word, entry.freq)
        dag = None
        if not self.hmm:
            from fincorpus.nlp.dag_cut import DagCutter
            dag = DagCutter(tokenizer)  # a snapshot: built after every word is added
        return _Loaded(tokenizer, digit_words([e.word for e in entries]), entries, base, dag=dag)

    def spans(self, text: str) -> list[Span]:
        """(start, end, pos) of each word in `text`; pos is set for protected numbers only."""
        return self._spans_many([text])[0][1]

    def spans_many(self, texts: Sequence[str]) -> list[list[Span]]:
        """`spans` of each text, cut as one batch (much faster than one text at a time)."""
        return [found for _, found in self._spans_many(texts)]

    def _spans_many(self, texts: Sequence[str]) -> list[tuple[str | None, list[Span]]]:
        """For each text: its width-folded form (None when offsets differ) and its word spans.

        Numbers and dictionary words with digits are protected first; jieba cuts the
        stretches between them, all stretches of all texts in one call.
        """
        state = self._state()
        plans, gaps = self._plans(state, texts)
        ends = self._cut_many(state, gaps)
        return [self._assemble(norm, plan, gaps, ends) for norm, plan in plans]

    def _plans(self, state: _Loaded, texts: Sequence[str]) -> tuple[list, list[str]]:
        """Each text's normalised form and plan (its protected spans, and the stretches
        between them as indexes into the returned list of stretches for jieba to cut)."""
        plans: list = []
        gaps: list[str] = []
        for norm, protected in self._protected(state, texts):
            folded, done, plan = norm.text, 0, []
            for start, end, pos in protected:
                if start > done:
                    plan.append((done, len(gaps)))
                    gaps.append(folded[done:start])
                plan.append((start, end, pos or None))
                done = end
            if done < len(folded):
                plan.append((done, len(gaps)))
                gaps.append(folded[done:])
            plans.append((norm, plan))
        return plans, gaps

    def _protected(self, state: _Loaded, texts: Sequence[str]
                   ) -> Iterator[tuple[Normalized, list[tuple[int, int, str]]]]:
        """Each text normalised, with its protected spans.

        The texts are folded and searched as one, a newline between them (a number, a
        date or a dictionary word never holds one, and the patterns see it as they see a
        text's edge), unless a text holds a newline or an invisible character (then one by
        one).
        """
        joined = "\n".join(texts)
        folded = fold_width(joined)  # one for one, so the texts' offsets agree
        if joined.count("\n") != len(texts) - 1 or has_invisible(folded):
            for text in texts:
                norm = normalize(text)
                yield norm, protected_spans(norm.text, self.numbers, state.digit_words)
            return
        found = iter(protected_spans(folded, self.numbers, state.digit_words))
        span = next(found, None)
        base = 0
        for text in texts:
            end = base + len(text)
            own = []
            while span is not None and span[0] < end:
                own.append((span[0] - base, span[1] - base, span[2]))
                span = next(found, None)
            yield Normalized(folded[base:end], text), own
            base = end + 1

    def _cut_many(self, state: _Loaded, texts: list[str]) -> list[list[int]]:
        """Word end offsets of each text, as jieba's `cut` gives them.

        Without HMM, a batch of some size goes through `DagCutter` (jieba's algorithm on
        arrays, word for word the same, several times faster); small batches and HMM mode
        go through jieba itself.
        """
        if state.dag is not None and sum(map(len, texts)) >= DAG_MIN_CHARS:
            return state.dag.cut_many(texts)
        found = []
        for text in texts:
            ends, at = [], 0
            for word in state.tokenizer.cut(text, HMM=self.hmm):
                at += len(word)
                ends.append(at)
            found.append(ends)
        return found

    def _cut_flat(self, state: _Loaded, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """`_cut_many` as two arrays: the word ends of every text, one text after another,
        and how many words each text has."""
        if state.dag is not None and sum(map(len, texts)) >= DAG_MIN_CHARS:
            return state.dag.cut_flat(texts)
        found = self._cut_many(state, texts)
        counts = np.fromiter(map(len, found), np.int64, len(found))
        return np.fromiter(chain.from_iterable(found), np.int64, int(counts.sum())), counts

    @staticmethod
    def _assemble(norm: Normalized, plan: list, gaps: list[str],
                  ends: list[list[int]]) -> tuple[str | None, list[Span]]:
        """One text's spans from its plan (protected spans and cut stretches, in order)."""
        folded, keep_space = norm.text, bool(norm.dropped_at)
        found: list[Span] = []
        for step in plan:
            if len(step) == 3:
                found.append(step)
                continue
            start, gap = step
            bounds = [start, *(start + end for end in ends[gap])]
            pairs = zip(bounds, bounds[1:])
            if keep_space:
                found += [(a, b, None) for a, b in pairs]
            else:  # jieba's whitespace words are whitespace through and through
                found += [(a, b, None) for a, b in pairs if not folded[a].isspace()]
        if not keep_space:
            return folded, found
        # Only invisible characters dropped: they still are characters of the text.
        return None, _to_original(norm, found or [(0, 0, None)])

    def cut(self, text: str) -> list[str]:
        """The words of `text`, as they are written there (not width-folded)."""
        return [text[start:end] for start, end, _ in self.spans(text)]

    __call__ = cut

    def tokens(self, text: str, start: int = 0) -> list[Token]:
        """Words with offsets (plus `start`) and a dictionary POS tag (None when unknown)."""
        return self.tokens_many([text], [start])[0]

    def tokens_many(self, texts: Sequence[str], starts: Sequence[int] | None = None) -> list[list[Token]]:
        """`tokens` of each text (offsets plus its entry in `starts`), cut as one batch."""
        tags = self.pos_table()
        starts = list(starts) if starts else [0] * len(texts)
        state = self._state()
        plans, gaps = self._plans(state, texts)
        ends, counts = self._cut_flat(state, gaps)
        result = _batch_tokens(texts, starts, plans, ends, counts, tags)
        per_gap = None
        for i, (norm, plan) in enumerate(plans):
            if not norm.dropped_at:
                continue
            # Invisible characters dropped: the spans map back to the text one by one (rare).
            if per_gap is None:
                per_gap = [part.tolist() for part in np.split(ends, np.cumsum(counts)[:-1])]
            _, spans = self._assemble(norm, plan, gaps, per_gap)
            text, start = texts[i], starts[i]
            words = [text[b:e] for b, e, _ in spans]
            tagged = [pos or tag for (_, _, pos), tag in zip(spans, _tagged(words, tags))]
            result[i] = [_new_tuple(Token, (word, b + start, e + start, pos))
                         for word, (b, e, _), pos in zip(words, spans, tagged)]
        return result

    def pos_table(self) -> dict[str, str]:
        """word -> POS from the main dictionary and ours, read on the first `tokens` call."""
        state = self._state()
        if state.tags is None:
            with self._lock:
                if state.tags is None:
                    tags = _read_tags(state.base)
                    tags.update((e.word, e.pos) for e in state.entries if e.pos)
                    state.tags = tags
        return state.tags

    def split_entries(self, words: Iterable[str],
                      context: str = "{}") -> list[tuple[str, list[str]]]:
        """Dictionary words that do not come out whole in `context`, with what came out.

        A word that comes out split usually has too low a frequency for its neighbours:
        raise it in the dictionary. `context` holds "{}" where the word goes.
        """
        at = context.index("{}")
        missed = []
        for word in words:
            sentence = context.replace("{}", word, 1)
            spans = self.spans(sentence)
            if (at, at + len(word)) not in {(s, e) for s, e, _ in spans}:
                inside = [sentence[s:e] for s, e, _ in spans if s < at + len(word) and e > at]
                missed.append((word, inside))
        return missed


def _batch_tokens(texts: Sequence[str], starts: Sequence[int], plans: list, ends: np.ndarray,
                  counts: np.ndarray, tags: dict[str, str]) -> list[list[Token]]:
    """The tokens of each text, as `_assemble` and a Token per span would make them, for all
    texts at once (a Python loop per word costs several times the work it does). Texts that
    lost invisible characters are left empty, for the caller."""
    if not texts:
        return []
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    base = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))  # texts laid end to end
    joined = "\n".join(texts)
    span_start, span_end, own_pos = _laid_out(plans, base, ends, counts, joined)
    words = [joined[a:b] for a, b in zip(span_start.tolist(), span_end.tolist())]
    pos = _tagged(words, tags)
    for at, tag in own_pos:
        pos[at] = tag
    owner = np.searchsorted(base, span_start, "right") - 1
    shift = (np.asarray(starts, np.int64) - base)[owner]  # joined offsets -> the caller's
    # tuple.__new__ skips Token's Python-level __new__: a word costs a third less.
    tokens = list(map(_new_tuple, repeat(Token), zip(
        words, (span_start + shift).tolist(), (span_end + shift).tolist(), pos)))
    bounds = np.searchsorted(owner, np.arange(len(texts) + 1)).tolist()
    return [tokens[a:b] for a, b in pairwise(bounds)]


def _laid_out(plans: list, base: np.ndarray, ends: np.ndarray, counts: np.ndarray,
              joined: str) -> tuple[np.ndarray, np.ndarray, list[tuple[int, str]]]:
    """(starts, ends) of every text's spans, offsets into the texts laid end to end
    (`base`: where each starts in `joined`), in order, and (index, POS) of the spans that
    bring their own POS (protected numbers).

    jieba's words are each stretch's word ends plus the stretch's offset; sorted with the
    protected spans, they are each text's spans in order. jieba's whitespace words (all
    whitespace: the first character tells) are dropped, as are texts with a `dropped_at`.
    """
    gap_at, kept_at, kept_end, kept_pos = [], [], [], []  # gap_at -1: a text left out
    for t, (norm, plan) in enumerate(plans):
        at = -1 if norm.dropped_at else int(base[t])
        for step in plan:
            if len(step) == 2:
                gap_at.append(at if at < 0 else at + step[0])
            elif at >= 0:
                kept_at.append(at + step[0])
                kept_end.append(at + step[1])
                kept_pos.append(step[2])
    offset = np.asarray(gap_at, np.int64)[np.repeat(np.arange(len(counts)), counts)]
    word_end = ends + offset
    word_start = np.concatenate((offset[:1], word_end[:-1]))
    first = (np.cumsum(counts) - counts)[counts > 0]
    word_start[first] = offset[first]
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
    valid = offset >= 0
    space = _space_table()  # fold_width never changes whether a character is a space
    valid[valid] = ~space[np.minimum(codes[word_start[valid]], len(space) - 1)]
    span_start = np.concatenate((word_start[valid], np.asarray(kept_at, np.int64)))
    span_end = np.concatenate((word_end[valid], np.asarray(kept_end, np.int64)))
    order = np.argsort(span_start, kind="stable")
    placed = np.empty(len(order), np.int64)
    placed[order] = np.arange(len(order))
    own_pos = [(at, tag) for at, tag in zip(placed[len(order) - len(kept_at):].tolist(), kept_pos)
               if tag]
    return span_start[order], span_end[order], own_pos


def _tagged(words: list[str], tags: dict[str, str]) -> list[str | None]:
    """Each word's POS in the table, else `_guess_pos` (the caller puts in a protected
    span's own POS).

    Each distinct word of the batch is looked up once (the table is large, words repeat),
    width-folded as the text jieba cut was (one character for one, so the same word).
    """
    known = dict.fromkeys(words)
    get = tags.get
    for word in known:
        key = fold_width(word)
        known[word] = get(key) or _guess_pos(key)
    return list(map(known.__getitem__, words))


@lru_cache(maxsize=1)
def _space_table() -> np.ndarray:
    """str.isspace of every code point below U+10000 (none above is whitespace)."""
    return np.array([chr(c).isspace() for c in range(0x10000)] + [False])


def _to_original(norm: Normalized, found: list[Span]) -> list[Span]:
    """Spans of the normalised text as spans of the original, whitespace trimmed away."""
    mapped = []
    for start, end, pos in found:
        first, last = norm.to_original(start, end)
        piece = norm.original[first:last]
        first += len(piece) - len(piece.lstrip())
        last -= len(piece) - len(piece.rstrip())
        if last > first:
            mapped.append((first, last, pos))
    return mapped


def _read_tags(path: Path) -> dict[str, str]:
    """word -> tag from a jieba-format main dictionary (lines `word freq [tag]`)."""
    tags = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            fields = line.split()
            if len(fields) >= 3:
                tags[fields[0]] = fields[2]
    return tags


@lru_cache(maxsize=65536)
def _guess_pos(folded: str) -> str | None:
    """jieba's tags for what no dictionary lists: m for numbers, eng for Latin, x for symbols.

    `folded` is width-folded already; cached, since the same few strings recur.
    """
    if folded.isascii() and folded.replace(".", "").isdigit():
        return "m"
    if folded.isascii() and any(ch.isalpha() for ch in folded):
        return "eng"
    if not any(ch.isalnum() for ch in folded):
        return "x"
    return None


def get_segmenter(user_dicts: Sequence[str | Path] = (), hmm: bool = HMM_DEFAULT,
                  numbers: str = "whole") -> Segmenter:
    """One shared Segmenter per configuration in this process (built on first call)."""
    return _cached(tuple(str(p) for p in user_dicts), hmm, numbers)


@lru_cache(maxsize=8)
def _cached(user_dicts: tuple[str, ...], hmm: bool, numbers: str) -> Segmenter:
    return Segmenter(user_dicts, hmm=hmm, numbers=numbers)


def segment_lines(lines: Iterable[str], segmenter: Segmenter | None = None) -> Iterator[str]:
    """One line of space-separated words per input line (the `fincorpus segment` command).

    Line ends are dropped (add your own when writing); an empty or blank line gives an
    empty line; the words hold every non-space character of the line, in order.
    """
    segmenter = segmenter or get_segmenter()
    batch: list[str] = []
    for line in lines:
        batch.append(line.rstrip("\r\n"))
        if len(batch) == SEGMENT_BATCH:
            yield from _joined(segmenter, batch)
            batch = []
    yield from _joined(segmenter, batch)


def _joined(segmenter: Segmenter, lines: list[str]) -> Iterator[str]:
    for line, spans in zip(lines, segmenter.spans_many(lines)):
        yield " ".join(line[start:end] for start, end, _ in spans)


def read_lines(path: str | Path | None = None, stdin: BinaryIO | None = None) -> Iterator[str]:
    """Lines of a UTF-8 file, or of standard input when `path` is None, without line ends.

    A UTF-8 BOM is skipped; a line that is not UTF-8 stops with `BadInput` naming it.
    """
    if path is None:
        yield from _decoded(stdin or sys.stdin.buffer, "standard input")
        return
    if not Path(path).is_file():
        raise BadInput(f"{path}: no such file; give a UTF-8 text file, or none to read "
                       "standard input")
    with Path(path).open("rb") as source:
        yield from _decoded(source, str(path))


def _decoded(source: Iterable[bytes], name: str) -> Iterator[str]:
    """Each byte line as text, or `BadInput` naming the line that is not UTF-8."""
    for number, raw in enumerate(source, 1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as error:
            raise BadInput(f"{name}, line {number}: not UTF-8 (byte 0x{raw[error.start]:02X}); "
                           "convert it first, e.g. iconv -f GB18030 -t UTF-8") from None
