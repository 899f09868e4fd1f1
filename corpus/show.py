"""One stored article and what analysis found in it, as plain text for a terminal or a README.

`fincorpus show` prints it; notebook users call `article_view(store, ref)` and get the same
text. Columns are aligned by display width (a Chinese character takes two cells).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from fincorpus.corpus.analyses import Analyses
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.store import Store
from fincorpus.nlp.text import display_width as width


def article_view(store: Store, ref: str, sentences: int = 1, entities: int = 25,
                 scores: int = 5, stances: int = 10) -> str:
    """Title line, the first `sentences` sentences as words, up to `entities` entities, the
    top `scores` topics and frames with their evidence, the stance toward each target and up
    to `stances` sentence stances; 0 shows all."""
    tables = Analyses(store)
    article_id = tables.find_article(ref)
    stored = store.get_article(article_id).article
    found = {level: list(tables.records(level, article_id))
             for level in ("sentence", "entity", "topic", "frame", "stance")}
    if not found["sentence"]:
        raise BadInput(f"article {article_id} is not analysed yet; run `fincorpus analyze` first")
    when = stored.published_at.isoformat(sep=" ", timespec="minutes") if stored.published_at else "-"
    words = sum(len(row["words"].split()) for row in found["sentence"])
    lines = [stored.title or "(no title)",
             f"{stored.author or '-'} · {when} · id {article_id} · "
             f"{len(found['sentence'])} sentences, {words} words, {len(found['entity'])} entities", ""]
    for row in _first(found["sentence"], sentences):
        lines += [f"sentence {row['sentence']} (words):", row["words"], ""]
    lines.append(f"entities ({len(found['entity'])}):")
    lines += table(("text", "type", "start", "end", "id", "value"),
                   [(e["text"], e["type"], e["start"], e["end"], e["entity_id"] or "",
                     _value(e["value"])) for e in _first(found["entity"], entities)])
    for level in ("topic", "frame"):
        whole = [row for row in found[level] if row["sentence"] is None]
        lines += ["", f"{level}s (score = weighted hits per 100 characters):"]
        lines += table((level, "score", "sentences", "evidence"),
                       [(r[level], f"{r['score']:.2f}", len(r["evidence_sentences"].split()),
                         r["evidence"]) for r in _first(whole, scores)])
    return "\n".join(lines + stance_lines(found["stance"], stances)) + "\n"


def stance_lines(rows: list[dict], n: int) -> list[str]:
    """The article's stance toward each target, then its sentences' stances (the first `n`)."""
    whole = [r for r in rows if r["sentence"] is None]
    per_sentence = [r for r in rows if r["sentence"] is not None]
    lines = ["", "stance toward targets (from the sentences that name them):"]
    lines += table(("target", "label", "sentences", "favor", "against", "none", "p_favor",
                    "p_against"),
                   [(r["target"], r["label"], r["n_sentences"], f"{r['share_favor']:.2f}",
                     f"{r['share_against']:.2f}", f"{r['share_none']:.2f}",
                     f"{r['p_favor']:.2f}", f"{r['p_against']:.2f}") for r in whole])
    lines += ["", f"stance per sentence ({len(per_sentence)}):"]
    lines += table(("sentence", "target", "label", "p_favor", "p_against", "text"),
                   [(r["sentence"], r["target"], r["label"], f"{r['p_favor']:.2f}",
                     f"{r['p_against']:.2f}", _clip(r["text"], 40))
                    for r in _first(per_sentence, n)])
    return lines


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _first(rows: list, n: int) -> list:
    return rows if n <= 0 else rows[:n]


def _value(value: str | None) -> str:
    """A stored JSON value, compact."""
    if not value:
        return ""
    return json.dumps(json.loads(value), ensure_ascii=False, separators=(",", ":"))


def table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """Rows as lines of columns padded to the widest cell (the last column is not padded)."""
    cells = [[str(c) for c in head]] + [[str(c) for c in row] for row in rows]
    widths = [max(width(row[i]) for row in cells) for i in range(len(head))]
    lines = []
    for row in cells:
        padded = [c + " " * (w - width(c)) for c, w in zip(row[:-1], widths)]
        lines.append("  ".join(padded + [row[-1]]).rstrip())
    return lines if rows else lines + ["(none)"]
