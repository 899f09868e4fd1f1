"""Read jieba-format dictionaries strictly, so that a bad line is reported and never ignored.

jieba's own loader accepts almost anything and then the entry "doesn't take effect": a BOM
glued to the first word, a tab or a trailing space that makes the whole line the word, a
missing frequency, a character jieba always cuts apart. Here each of those is an error in
one line that names the file, the line, its content and what to do.

Format: UTF-8 without BOM, LF line ends, one entry a line, `word frequency [pos]`
separated by single spaces; blank lines are allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.text import fold_width

# The characters jieba keeps together in one block (jieba.re_han_default, 0.42.1): a word
# with any other character is always cut apart there, so it can never come out whole.
WORD_CHARS = re.compile("[\u4e00-\u9fd5a-zA-Z0-9+#&._%\\-]+")
_POS = re.compile("[a-z]+")
_BOMS = {b"\xef\xbb\xbf": "a UTF-8 byte-order mark (BOM)", b"\xff\xfe": "a UTF-16 BOM",
         b"\xfe\xff": "a UTF-16 BOM"}


@dataclass(frozen=True, slots=True)
class DictEntry:
    """One dictionary line: the word (width-folded), its frequency and optional POS tag."""

    word: str
    freq: int
    pos: str | None = None


def load_user_dict(path: str | Path) -> list[DictEntry]:
    """The entries of a jieba-format dictionary file; `BadInput` on the first bad line."""
    path = Path(path)
    data = _read_bytes(path)
    for bom, what in _BOMS.items():
        if data.startswith(bom):
            raise BadInput(f"user dictionary {path}, line 1: starts with {what}, which jieba "
                           "reads as part of the first word; save the file as UTF-8 without BOM")
    entries = []
    for number, raw in enumerate(data.split(b"\n"), 1):
        line = _decode(path, number, raw)
        if line.strip():
            entries.append(_parse(path, number, line))
    return entries


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, or a one-line error saying why there are none."""
    if path.is_dir():
        raise BadInput(f"user dictionary {path} is a folder; give the dictionary file itself")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInput(f"user dictionary {path}: no such file; check the path given "
                       "to --user-dict") from None
    except OSError as error:
        raise BadInput(f"user dictionary {path} cannot be read ({error.strerror}); "
                       "check its permissions") from None


def _decode(path: Path, number: int, raw: bytes) -> str:
    """One line as text, refusing other encodings and Windows line ends."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadInput(
            f"user dictionary {path}, line {number}: not UTF-8 (byte 0x{raw[error.start]:02X} "
            f"at column {error.start + 1}); save the file as UTF-8, e.g. "
            f"iconv -f GB18030 -t UTF-8 {path.name} > fixed.txt") from None
    if "\r" in line:
        raise BadInput(f"user dictionary {path}, line {number}: ends in CR (Windows CRLF line "
                       f"ends) {_shown(line)}; save the file with LF (Unix) line ends")
    return line


def _parse(path: Path, number: int, line: str) -> DictEntry:
    """One non-blank line as an entry, or the reason it would not take effect."""
    where = f"user dictionary {path}, line {number}: {_shown(line)}"
    fields = line.split(" ")
    if "\t" in line:
        raise BadInput(f"{where} uses a tab; separate word, frequency and POS by single spaces")
    if "" in fields:
        raise BadInput(f"{where} has extra spaces; separate word, frequency and POS by single "
                       "spaces, with none at either end")
    if len(fields) == 1:
        raise BadInput(f"{where} has no frequency; write '{_clip(fields[0])} 1000 n' "
                       "(word, frequency, optional POS)")
    if len(fields) > 3:
        raise BadInput(f"{where} has {len(fields)} columns, expected 2 or 3: "
                       "'word frequency [pos]' (a word cannot contain spaces)")
    word, freq = fold_width(fields[0]), fields[1]
    pos = fields[2] if len(fields) == 3 else None
    if not freq.isascii() or not freq.isdigit():
        raise BadInput(f"{where}: frequency {_clip(freq)!r} is not a whole number; write "
                       f"'{_clip(word)} 1000{' ' + _clip(pos) if pos else ''}'")
    if int(freq) == 0:
        raise BadInput(f"{where}: frequency 0 makes jieba split the word and changes its "
                       "process-wide state; give a positive frequency or delete the line")
    if pos is not None and not _POS.fullmatch(pos):
        raise BadInput(f"{where}: POS tag {_clip(pos)!r} must be lower-case letters, as jieba's "
                       "tags are (n, nr, ns, nt, nz, v, eng)")
    bad = WORD_CHARS.sub("", word)
    if bad:
        raise BadInput(f"{where}: the word contains {bad[0]!r}, which jieba always cuts "
                       "apart, so the entry can never take effect; remove it or the line")
    return DictEntry(word, int(freq), pos)


def _shown(line: str) -> str:
    """A line as it is quoted in an error: repr (so CR, tabs and spaces show), shortened."""
    return repr(_clip(line, 60))


def _clip(text: str, limit: int = 20) -> str:
    """At most `limit` characters of a piece of input, so that an error stays one short line."""
    return text if len(text) <= limit else text[:limit] + "…"
