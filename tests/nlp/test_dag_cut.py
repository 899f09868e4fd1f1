"""DagCutter gives exactly jieba's `cut(text, HMM=False)` words, text after text."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

import jieba
import pytest
from fincorpus.nlp import dag_cut
from fincorpus.nlp.dag_cut import DagCutter
from fincorpus.nlp.text import fold_width

SAMPLE = files("fincorpus.corpus") / "data" / "sample"


@pytest.fixture(autouse=True)
def _jieba_globals_restored():
    """jieba's add_word(word, 0) and del_word record the word in a module-level set of
    finalseg; put it back so that no other test sees what these tests added."""
    import jieba.finalseg

    saved = set(jieba.finalseg.Force_Split_Words)
    yield
    jieba.finalseg.Force_Split_Words.clear()
    jieba.finalseg.Force_Split_Words.update(saved)


@pytest.fixture(scope="module")
def tok() -> jieba.Tokenizer:
    """The one real tokenizer of this module (jieba's dictionary, from jieba's cache)."""
    logger = logging.getLogger("jieba")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
    finally:
        logger.setLevel(level)
    return tokenizer


@pytest.fixture(scope="module")
def cutter(tok: jieba.Tokenizer) -> DagCutter:
    return DagCutter(tok)


def copy_of(tok: jieba.Tokenizer) -> jieba.Tokenizer:
    """A tokenizer with the same dictionary, to add words to without touching `tok`."""
    other = jieba.Tokenizer()
    other.FREQ, other.total, other.initialized = dict(tok.FREQ), tok.total, True
    return other


def assert_same(cutter: DagCutter, tok: jieba.Tokenizer, texts: Sequence[str]) -> None:
    """cut_many's words are jieba's, for every text; the first mismatch is shown."""
    ends = cutter.cut_many(texts)
    assert len(ends) == len(texts)
    for text, text_ends in zip(texts, ends):
        got = [text[a:b] for a, b in zip([0, *text_ends], text_ends)]
        assert got == list(tok.cut(text, HMM=False)), text


@pytest.mark.parametrize("name", ["pku", "msr"])
def test_sighan_test_sets(shared: Path, tok: jieba.Tokenizer, cutter: DagCutter,
                          name: str) -> None:
    path = shared / "data" / "segmentation" / f"{name}_test.utf8"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 1900
    assert_same(cutter, tok, lines)
    folded = [fold_width(line) for line in lines]
    assert folded != lines  # full-width digits and letters become han-block characters
    assert_same(cutter, tok, folded)


def test_sample_paragraphs(tok: jieba.Tokenizer, cutter: DagCutter) -> None:
    paragraphs = [paragraph for entry in SAMPLE.iterdir() if entry.name.endswith(".expected.json")
                  for paragraph in json.loads(entry.read_text("utf-8")).get("paragraphs") or []]
    assert len(paragraphs) > 100
    assert_same(cutter, tok, paragraphs)


def random_texts(tok: jieba.Tokenizer, count: int, seed: int) -> list[str]:
    """Dictionary words, Latin, the symbols jieba keeps in blocks, whitespace, emoji, …"""
    rng = random.Random(seed)
    words = [w for w, f in tok.FREQ.items() if f and len(w) > 1][::97]
    pieces = [
        lambda: rng.choice(words),
        lambda: rng.choice(words) + rng.choice(words),
        lambda: chr(rng.randint(0x4E00, 0x9FD5)),
        lambda: chr(rng.choice([0x4DFF, 0x4E00, 0x9FD5, 0x9FD6, 0x9FFF, 0x3007])),
        lambda: "".join(rng.choices("abcXYZ0129", k=rng.randint(1, 6))),
        lambda: rng.choice("+#&._%-"),
        lambda: rng.choice(["，", "。", "、", "“", "”", "（", "）", "！", "?", ",", "/", "@"]),
        lambda: rng.choice([" ", "  ", "\t", "\n", "\r", "\r\n", "\r\r\n", "\n\r", "\u3000",
                            "\xa0", "\x85", "\x1c", "\x0b", "\0"]),
        lambda: rng.choice(["😀", "🇨🇳", "👍🏽", "\U00020000", "\U0002A6D6", "\U0010FFFF",
                            "\ud800", "\udfff", "é", "Ｑ", "１"]),
    ]
    texts = ["", " ", "\r\n", "a", "中"]
    for _ in range(count):
        texts.append("".join(rng.choice(pieces)() for _ in range(rng.randint(0, 25))))
    return texts


def test_random_strings(tok: jieba.Tokenizer, cutter: DagCutter) -> None:
    texts = random_texts(tok, 3000, seed=7)
    assert_same(cutter, tok, texts)
    assert_same(cutter, tok, ["".join(texts)])  # one long text


def test_batches_split_anywhere(tok: jieba.Tokenizer, cutter: DagCutter,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts longer than a chunk, and chunks of few texts, give the same words."""
    monkeypatch.setattr(dag_cut, "_CHUNK", 40)
    assert_same(cutter, tok, random_texts(tok, 300, seed=8))


def test_cut_is_jieba_cut(tok: jieba.Tokenizer, cutter: DagCutter) -> None:
    text = "美联储加息25个基点，A股和港股\r\n周一收跌 1.5%；USD/CNY报7.12。"
    assert cutter.cut(text) == list(tok.cut(text, HMM=False))
    assert cutter.cut("") == []
    assert cutter.cut_many([]) == []


def test_added_words_are_honoured(tok: jieba.Tokenizer) -> None:
    user = copy_of(tok)
    user.add_word("稀土出口管制", 50000)
    user.add_word("AI芯片")  # jieba's suggested frequency, ASCII inside
    user.add_word("C++编程")
    user.add_word("了不起的盖茨比", 3)
    user.del_word("出口")  # frequency 0: still a prefix, no longer a word
    text = "中方宣布稀土出口管制，AI芯片和C++编程受影响；出口数据了不起的盖茨比"
    words = DagCutter(user).cut(text)
    assert words == list(user.cut(text, HMM=False))
    assert {"稀土出口管制", "AI芯片", "C++编程"} <= set(words)
    assert "出口" not in words
    assert "稀土出口管制" not in DagCutter(tok).cut(text)  # the base dictionary lacks it
    assert_same(DagCutter(user), user, random_texts(user, 300, seed=9) + [text])


def tiny_tokenizer(rng: random.Random) -> jieba.Tokenizer:
    """Words over four characters with frequencies 1, 2, 3, 4, 6, …: routes often tie, or
    differ in the last bit only, so the weights' float arithmetic must be jieba's to the bit."""
    tiny = jieba.Tokenizer()
    tiny.FREQ, tiny.total, tiny.initialized = {}, 0, True
    tiny.add_word("戊", 1)
    for _ in range(rng.randint(1, 12)):
        word = "".join(rng.choices("甲乙丙丁a1", k=rng.randint(1, 4)))
        tiny.add_word(word, rng.choice([0, 1, 1, 2, 3, 4, 6, 8, 9, 12, 16, 24, 10**9]))
    return tiny


def test_tiny_dictionaries_with_ties() -> None:
    rng = random.Random(11)
    for _ in range(150):
        tiny = tiny_tokenizer(rng)
        texts = ["".join(rng.choices("甲乙丙丁戊a1 ", k=rng.randint(0, 30))) for _ in range(20)]
        assert_same(DagCutter(tiny), tiny, texts)


def test_empty_dictionary_is_refused() -> None:
    empty = jieba.Tokenizer()
    empty.FREQ, empty.total, empty.initialized = {}, 0, True
    with pytest.raises(ValueError, match="total frequency"):
        DagCutter(empty)
