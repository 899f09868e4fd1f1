"""A character trie for scanning many aliases at once, longest match first."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

_END = ""  # never a character of the text, so it can mark the end of a key


class AliasTrie:
    """Keys (aliases) with one payload each; `scan` finds them in a text, `matches_at` at one
    position of it."""

    def __init__(self) -> None:
        self._root: dict[str, Any] = {}
        self._size = 0
        self._starts: re.Pattern[str] | None = None
        self._longest = 0

    def __len__(self) -> int:
        return self._size

    def add(self, key: str, payload: Any, replace: bool = False) -> None:
        """Store `payload` under `key`; an existing payload is kept unless `replace`."""
        self._starts = None
        self._longest = max(self._longest, len(key))
        node = self._root
        for ch in key:
            node = node.setdefault(ch, {})
        if _END not in node:
            self._size += 1
        elif not replace:
            return
        node[_END] = payload

    def matches_at(self, text: str, start: int) -> list[tuple[int, Any]]:
        """(end, payload) of every key that begins at `start`, longest first."""
        found = []
        node = self._root
        for index in range(start, len(text)):
            node = node.get(text[index])
            if node is None:
                break
            if _END in node:
                found.append((index + 1, node[_END]))
        found.reverse()
        return found

    def scan(self, text: str, accept: Callable[[int, int, Any], bool]
             ) -> list[tuple[int, int, Any]]:
        """(start, end, payload) of the leftmost, then longest, keys that `accept` takes,
        left to right, never overlapping: where none is taken, the next position is tried.

        Only the positions `starts` gives are tried: the same matches, with far fewer walks.
        """
        root, longest = self._root, self._longest
        taken = []
        pos = 0
        for hit in self._start_pattern().finditer(text):
            start = hit.start()
            if start < pos:
                continue
            found = []  # (end, payload), shortest first
            node, end = root, start
            for ch in text[start:start + longest]:
                node = node.get(ch)
                if node is None:
                    break
                end += 1
                if _END in node:
                    found.append((end, node[_END]))
            while found:
                end, payload = found.pop()
                if accept(start, end, payload):
                    taken.append((start, end, payload))
                    pos = end
                    break
        return taken

    def starts(self, text: str, pos: int = 0) -> Iterator[int]:
        """Every position from `pos` on where a key may begin, in order (a few where none does).

        Most characters of a text begin no key; one regex over the first two characters of
        the keys finds the rest far faster than walking the trie at every position.
        """
        return (match.start() for match in self._start_pattern().finditer(text, pos))

    def _start_pattern(self) -> re.Pattern[str]:
        """A first character of a key, then a second one or nothing if it is a key alone."""
        if self._starts is None:
            self._starts = self._compile_starts()
        return self._starts

    def _compile_starts(self) -> re.Pattern[str]:
        firsts = {ch: node for ch, node in self._root.items() if ch != _END}
        seconds = {ch for node in firsts.values() for ch in node if ch != _END}
        singles = [ch for ch, node in firsts.items() if _END in node]
        if not firsts:
            return re.compile(r"(?!)")
        tails = [f"(?=[{_char_class(seconds)}])"] if seconds else []
        if singles:
            tails.append(f"(?<=[{_char_class(singles)}])")
        return re.compile(f"[{_char_class(firsts)}](?:{'|'.join(tails)})")


def _char_class(chars) -> str:
    """The inside of a regex character class of exactly these characters."""
    return "".join(re.escape(ch) for ch in sorted(chars))
