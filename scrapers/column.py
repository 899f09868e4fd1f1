"""The lines an extractor keeps from an article column, filed by kind and in reading order."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Column:
    """Body paragraphs and picture captions apart (analysis reads only the paragraphs), and
    every kept line in reading order with its kind (`corpus.model.LINE_KINDS`)."""

    paragraphs: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    reading_order: list[tuple[str, str]] = field(default_factory=list)

    def keep(self, kind: str, text: str) -> None:
        """File a line of `kind` (paragraph and caption lines also apart) and note it in order."""
        if kind == "paragraph":
            self.paragraphs.append(text)
        elif kind == "caption":
            self.captions.append(text)
        self.reading_order.append((kind, text))
