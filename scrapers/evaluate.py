"""The extraction metric of ../shared/data/pages/README.md, and its ground-truth loader.

Kept in the package (not only in the benchmark) so that users can score an
extractor on pages they labelled themselves, and so tests and benchmark agree.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fincorpus.scrapers.html import fold

if TYPE_CHECKING:
    from fincorpus.corpus.model import Article

LEAK_MARKERS = ("热点推荐", "相关推荐", "特别声明", "Notice:", "责任编辑", "本文来源", "网易首页",
                "申请入驻", "举报", "跟贴", "跟帖", "分享至", "原标题", "打开网易新闻", "用微信扫码")


def normalize(text: str) -> str:
    """NFKC, then all whitespace removed."""
    return fold(text)


def _bigrams(text: str) -> Counter:
    return Counter(text[i:i + 2] for i in range(len(text) - 1))


@dataclass(frozen=True, slots=True)
class BodyScore:
    precision: float
    recall: float
    f1: float


def body_score(extracted: str, gold: str) -> BodyScore:
    """Precision, recall and F1 over the multiset of character bigrams of the normalised texts."""
    got, want = _bigrams(normalize(extracted)), _bigrams(normalize(gold))
    overlap = sum((got & want).values())
    p = overlap / sum(got.values()) if got else 0.0
    r = overlap / sum(want.values()) if want else 0.0
    return BodyScore(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def segment_score(extracted: str, with_: list[str], without: list[str]) -> float:
    """Share of `with` segments found plus `without` segments absent, over their total."""
    body = normalize(extracted)
    hits = sum(normalize(s) in body for s in with_) + sum(normalize(s) not in body for s in without)
    total = len(with_) + len(without)
    return hits / total if total else 0.0


def leaks(extracted: str, gold: str) -> list[str]:
    """Boilerplate markers present in the extracted body but not in the gold body."""
    body, truth = normalize(extracted), normalize(gold)
    return [m for m in LEAK_MARKERS if normalize(m) in body and normalize(m) not in truth]


def same_time(got: str | None, want: str | None) -> bool:
    """Same year, month, day, hour, minute, and second where both give it."""
    if not got or not want:
        return not got and not want
    pattern = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
    a, b = pattern.search(got), pattern.search(want)
    if not a or not b:
        return False
    fields_a, fields_b = a.groups(), b.groups()
    for x, y in zip(fields_a[:5], fields_b[:5]):
        if x is not None and y is not None and int(x) != int(y):
            return False
        if (x is None) != (y is None) and fields_b[3] is not None and fields_a[3] is not None:
            return False
    if fields_a[5] and fields_b[5]:
        return int(fields_a[5]) == int(fields_b[5])
    return True


@dataclass(frozen=True, slots=True)
class Truth:
    """Ground truth of one page: body text (kind "body") or with/without segments (kind "segments").

    `keeps_captions` marks another project's body label: those keep picture captions, 原标题 and
    责任编辑 lines in place, which our own gold (GOLD.md) and our `paragraphs` leave out. Such a
    label is compared with what the reader saw (`Article.reader_text`), so each label is scored
    under its own convention.
    """

    page: Path
    kind: str
    body: str = ""
    with_: tuple[str, ...] = ()
    without: tuple[str, ...] = ()
    title: str | None = None
    published_at: str | None = None
    author: str | None = None
    keeps_captions: bool = False

    def text_of(self, article: Article) -> str:
        """The text of an article this truth's convention compares with."""
        return article.reader_text if self.keeps_captions else article.text


def load_truth(html_path: Path) -> Truth | None:
    """The ground truth beside NAME.html, by the README's order of preference; None if there is none."""
    gold = html_path.with_suffix(".gold.json")
    if gold.exists():
        data = json.loads(gold.read_text(encoding="utf-8"))
        return Truth(html_path, "body", "\n".join(data["paragraphs"]), title=data.get("title"),
                     published_at=data.get("published_at"), author=data.get("author"))
    other = html_path.with_suffix(".json")
    if not other.exists():
        return None
    data = json.loads(other.read_text(encoding="utf-8"))
    if not data.get("is_gold"):
        return None
    title = data.get("title") or None
    when = data.get("publish_time") or data.get("date") or data.get("publish_date") or None
    if data.get("content"):
        return Truth(html_path, "body", data["content"], title=title, published_at=when,
                     keeps_captions=True)
    if data.get("with") or data.get("without"):
        return Truth(html_path, "segments", with_=tuple(data.get("with", ())),
                     without=tuple(data.get("without", ())), title=title, published_at=when)
    return None
