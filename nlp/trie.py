"""A character trie for scanning many aliases at once, longest match first."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

_END = ""  # never a character of the text, so it can mark the end of a key


class AliasTrie:
    """Keys (aliases) with one payload each; `matches_at` walks the text from one position."""

    def __init__(self) -> None:
        self._root: dict[str, Any] = {}
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def add(self, key: str, payload: Any, replace: bool = False) -> None:
        """Store `payload` under `key`; an existing payload is kept unless `replace`."""
        node = self._root
        for ch in key:
            node = node.setdefault(ch, {})
        if _END not in node:
            self._size += 1
        elif not replace:
            return
        node[_END] = payload

    def matches_at(self, text: str, start: int) -> Iterator[tuple[int, Any]]:
        """(end, payload) of every key that begins at `start`, longest first."""
        found = []
        node = self._root
        for index in range(start, len(text)):
            node = node.get(text[index])
            if node is None:
                break
            if _END in node:
                found.append((index + 1, node[_END]))
        return reversed(found)
