"""User dictionaries: every way an entry would silently not take effect is a one-line error."""

from __future__ import annotations

import re
from pathlib import Path

import jieba
import pytest
from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.segment import domain_dict_path
from fincorpus.nlp.userdict import WORD_CHARS, DictEntry, load_user_dict


def test_reads_entries_blank_lines_and_full_width(tmp_path: Path) -> None:
    path = tmp_path / "mine.txt"
    path.write_bytes("鑫债通 500 nz\n\nＨ３００ 20\n美债 9000 n".encode())
    assert load_user_dict(path) == [DictEntry("鑫债通", 500, "nz"), DictEntry("H300", 20, None),
                                    DictEntry("美债", 9000, "n")]


# (file bytes, line named in the message, words the message must hold: problem and fix)
BAD = {
    "bom": (b"\xef\xbb\xbf\xe7\xbe\x8e\xe5\x80\xba 100 n\n", 1, ["BOM", "without BOM"]),
    "utf16": ("美债 100 n\n".encode("utf-16"), 1, ["UTF-16", "without BOM"]),
    "crlf": (b"a 1 n\r\nb 2 n\r\n", 1, ["CRLF", "LF (Unix) line ends"]),
    "no-frequency": ("美债 100 n\n外汇储备\n".encode(), 2, ["no frequency", "'外汇储备 1000 n'"]),
    "word-and-pos": ("美债 n\n".encode(), 1, ["not a whole number", "'美债 1000'"]),
    "four-columns": ("美国 国债 100 n\n".encode(), 1, ["4 columns", "word frequency [pos]"]),
    "tab": ("美债\t100\tn\n".encode(), 1, ["tab", "single spaces"]),
    "trailing-space": ("美债 100 \n".encode(), 1, ["extra spaces", "single spaces"]),
    "not-utf8": ("美债 100 n\n".encode() + "外汇储备 50 n\n".encode("gbk"), 2,
                 ["not UTF-8", "iconv -f GB18030 -t UTF-8"]),
    "zero": ("美债 0 n\n".encode(), 1, ["frequency 0", "positive frequency"]),
    "negative": ("美债 -5 n\n".encode(), 1, ["not a whole number", "1000"]),
    "upper-pos": ("美债 100 N\n".encode(), 1, ["lower-case", "nr"]),
    "cut-apart": ("杰罗姆·鲍威尔 100 nr\n".encode(), 1, ["'·'", "can never take effect"]),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_lines_are_one_line_errors_naming_file_line_and_fix(tmp_path: Path, case: str) -> None:
    data, line, words = BAD[case]
    path = tmp_path / f"{case}.txt"
    path.write_bytes(data)
    with pytest.raises(BadInput) as caught:
        load_user_dict(path)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message
    assert str(path) in message and f"line {line}" in message
    for word in words:
        assert word in message


@pytest.mark.parametrize(("make", "words"), [
    (lambda tmp: tmp / "missing.txt", ["no such file", "--user-dict"]),
    (lambda tmp: tmp, ["is a folder", "dictionary file itself"]),
])
def test_unreadable_paths(tmp_path: Path, make, words: list[str]) -> None:
    path = make(tmp_path)
    with pytest.raises(BadInput) as caught:
        load_user_dict(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    for word in words:
        assert word in message


def test_long_lines_are_shortened_in_the_message(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("词" * 300 + "\n", "utf-8")
    with pytest.raises(BadInput) as caught:
        load_user_dict(path)
    assert len(str(caught.value)) < 300


def test_word_characters_are_jiebas() -> None:
    ours = {chr(c) for c in range(0x10000) if WORD_CHARS.fullmatch(chr(c))}
    theirs = {chr(c) for c in range(0x10000) if jieba.re_han_default.fullmatch(chr(c))}
    assert ours == theirs


def test_domain_dictionary_is_valid_jieba_format() -> None:
    path = domain_dict_path()
    data = path.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data and data.endswith(b"\n")
    entries = load_user_dict(path)
    assert len(entries) >= 300
    assert len({e.word for e in entries}) == len(entries), "a word is listed twice"
    for line in data.decode("utf-8").splitlines():  # what jieba's own loader expects
        assert re.fullmatch(r"\S+ [1-9][0-9]* [a-z]+", line), line
