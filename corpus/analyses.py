"""The analysis tables of a store: sentences, entities, topic and frame scores, and stances.

An article's analysis is replaced whole, in one transaction, so a table never mixes the
output of two stage versions for one article.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator
from json.encoder import c_make_encoder, encode_basestring
from operator import itemgetter
from typing import Any, NamedTuple

from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Analysis, Entity, Score, Sentence, Stance, Token, utcnow
from fincorpus.corpus.store import Store

#: Columns of each export level, in order (the article id first, then offsets).
LEVEL_COLUMNS = {
    "sentence": ("article_id", "sentence", "paragraph", "start", "end", "text", "words", "pos"),
    "entity": ("article_id", "entity", "start", "end", "text", "type", "entity_id", "value"),
    "topic": ("article_id", "sentence", "topic", "score", "evidence", "evidence_sentences"),
    "frame": ("article_id", "sentence", "frame", "score", "evidence", "evidence_sentences"),
    "stance": ("article_id", "sentence", "target", "target_id", "label", "p_favor", "p_against",
               "p_none", "n_sentences", "share_favor", "share_against", "share_none", "start",
               "end", "text"),
}

#: The table each level's rows are stored in (topics and frames share one, told apart by kind).
LEVEL_TABLES = {"sentence": "sentences", "entity": "entities", "topic": "scores",
                "frame": "scores", "stance": "stances"}


class Analyses:
    """Reads and writes the analysis tables of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def pending(self, redo: bool = False) -> list[str]:
        """Ids of articles to analyse: those without an analysis, or all of them with `redo`."""
        return [row[0] for row in self.store.rows(f"SELECT id FROM articles{_pending(redo)}")]

    def pending_sizes(self, redo: bool = False) -> list[tuple[str, int]]:
        """`pending` ids, each with its article's length in characters (of its paragraphs'
        JSON: the text plus a few characters a paragraph). It reads every pending article's
        text, so only the batching that needs the sizes asks for them."""
        return self.store.rows(f"SELECT id, length(paragraphs) FROM articles{_pending(redo)}")

    def put(self, analysis: Analysis) -> None:
        """Replace the article's analysis with this one."""
        self.put_rows([analysis_rows(analysis)])

    def put_rows(self, batch: list[AnalysisRows]) -> None:
        """Replace the analyses of a batch of articles, in one transaction."""
        ids = [(rows.article_id,) for rows in batch]
        with self.store.transaction() as conn:
            for table in ("sentences", "entities", "scores", "stances", "analyses"):
                conn.executemany(f"DELETE FROM {table} WHERE article_id = ?", ids)
            for rows in batch:
                conn.execute("INSERT INTO analyses VALUES (?,?,?)", rows.analysis)
                conn.executemany("INSERT INTO sentences VALUES (?,?,?,?,?,?,?)", rows.sentences)
                conn.executemany("INSERT INTO entities VALUES (?,?,?,?,?,?,?,?)", rows.entities)
                conn.executemany("INSERT INTO scores VALUES (?,?,?,?,?,?,?)", rows.scores)
                conn.executemany("INSERT INTO stances VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows.stances)

    def count(self) -> int:
        return self.store.rows("SELECT count(*) FROM analyses")[0][0]

    def size(self, level: str) -> int:
        """How many rows `level` has, over every article."""
        table = LEVEL_TABLES[level]
        kind = (" WHERE kind = ?", (level,)) if table == "scores" else ("", ())
        return self.store.rows(f"SELECT count(*) FROM {table}{kind[0]}", kind[1])[0][0]

    def analysed(self) -> list[str]:
        """Ids of the analysed articles, in the order they were stored."""
        return [row[0] for row in self.store.rows("SELECT article_id FROM analyses ORDER BY rowid")]

    def records(self, level: str, articles: str | Collection[str] | None = None
                ) -> Iterator[dict]:
        """One dict per unit of `level` (sentence, entity, topic, frame, stance), columns as
        LEVEL_COLUMNS, in the order the articles were stored.

        `articles`: keep the units of this article id only, or of these ids.
        """
        columns = LEVEL_COLUMNS[level]
        return (dict(zip(columns, row)) for row in self.rows(level, articles))

    def rows(self, level: str, articles: str | Collection[str] | None = None
             ) -> Iterator[tuple]:
        """`records` as tuples in LEVEL_COLUMNS order (article_id first), read as they are
        needed: the exports' way through tables of any size. The `articles` kept are chosen
        by the query (through the article_id index), not by reading every row."""
        if articles is None:
            where, params = "", ()
        elif isinstance(articles, str):
            where, params = " WHERE article_id = ?", (articles,)
        else:
            where = " WHERE article_id IN (SELECT value FROM json_each(?))"
            params = (json.dumps(sorted(articles)),)
        order = _in_article_order()
        if level == "sentence":
            for row in self.store.stream("SELECT article_id, idx, paragraph, start, end, text,"
                                         f" tokens FROM sentences{where}{order}", params):
                tokens = json.loads(row[6])
                yield (*row[:6], " ".join(w for w, _ in tokens),
                       " ".join(p or "x" for _, p in tokens))
        elif level == "entity":
            yield from self.store.stream("SELECT article_id, idx, start, end, text, type,"
                                         f" entity_id, value FROM entities{where}{order}", params)
        elif level == "stance":
            yield from self._stance_rows(where.replace("article_id", "t.article_id"), params)
        else:
            clause = where.replace("WHERE", "AND")
            for row in self.store.stream("SELECT article_id, sentence, name, score, evidence,"
                                         f" sentences FROM scores WHERE kind = ?{clause}{order}",
                                         (level, *params)):
                yield (*row[:4], "; ".join(json.loads(row[4])),
                       " ".join(map(str, json.loads(row[5]))))

    def _stance_rows(self, where: str, params: tuple) -> Iterator[tuple]:
        """Article rows (sentence empty) with the shares of their sentences, then sentence rows
        with the sentence's offsets and text."""
        query = ("SELECT t.article_id, t.sentence, t.target, t.target_id, t.label, t.p_favor,"
                 " t.p_against, t.p_none, t.n_favor, t.n_against, t.n_none, s.start, s.end, s.text"
                 " FROM stances t LEFT JOIN sentences s"
                 " ON s.article_id = t.article_id AND s.idx = t.sentence"
                 f"{where}{_in_article_order('t.')}")
        known: dict[tuple, tuple] = {}  # the same few counts recur: a sentence is one label
        for row in self.store.stream(query, params):
            counts = row[8:11]
            share = known.get(counts) or known.setdefault(counts, shares(counts))
            yield (*row[:8], sum(counts), *share, *row[11:])

    def find_article(self, ref: str) -> str:
        """The id of the one stored article that `ref` names: its id, DOCID or URL, or an id prefix."""
        rows = self.store.rows("SELECT id FROM articles WHERE id = ? OR docid = ? OR url = ?",
                               (ref, ref, ref))
        if not rows and len(ref) >= 4:
            rows = self.store.rows("SELECT id FROM articles WHERE id LIKE ? LIMIT 2",
                                   (ref.replace("%", "") + "%",))
        if len(rows) != 1:
            what = "no article" if not rows else "more than one article"
            raise BadInput(f"{what} matches {ref!r}; give an id from `fincorpus export "
                           "--level article` (or a DOCID or URL)")
        return rows[0][0]


def _pending(redo: bool) -> str:
    """The WHERE and ORDER BY of the articles to analyse, in the order they were stored."""
    where = "" if redo else " WHERE id NOT IN (SELECT article_id FROM analyses)"
    return f"{where} ORDER BY rowid"


def _in_article_order(table: str = "") -> str:
    """ORDER BY the articles' order in the store, then each article's rows as written: the
    same order however many workers wrote them, and in whatever order they finished."""
    return (f" ORDER BY (SELECT rowid FROM articles WHERE articles.id = {table}article_id),"
            f" {table}rowid")


def shares(counts: tuple[int, ...]) -> tuple[float, ...]:
    """Each count's share of their sum (0 when all are 0), to 4 places: stance shares."""
    total = sum(counts) or 1
    return tuple(round(c / total, 4) for c in counts)


class AnalysisRows(NamedTuple):
    """One article's analysis as the rows of each table: plain tuples, cheap to send between
    processes (a pool worker makes them, the one writer stores them)."""

    article_id: str
    analysis: tuple
    sentences: list[tuple]
    entities: list[tuple]
    scores: list[tuple]
    stances: list[tuple]


def _encoder(sort_keys: bool = False) -> Callable[[Any], str]:
    """`JSONEncoder(ensure_ascii=False, sort_keys=...).encode`, the same text, without its
    cost per call: `encode` builds a new C encoder (and a dict for its cycle check) every
    time, which costs more than encoding a sentence's words. Here the C encoder is built
    once, with no cycle check (analyses hold no cycles)."""
    plain = json.JSONEncoder(ensure_ascii=False, sort_keys=sort_keys)
    if c_make_encoder is None:  # no C accelerator in this Python
        return plain.encode
    encode = c_make_encoder(None, plain.default, encode_basestring, None, plain.key_separator,
                            plain.item_separator, sort_keys, plain.skipkeys, plain.allow_nan)
    return lambda value: "".join(encode(value, 0))


#: One encoder for every JSON column.
_json = _encoder()
_json_sorted = _encoder(sort_keys=True)
#: A token's [word, pos], as the sentences table keeps it (a tuple is written as a list).
_word_pos = itemgetter(0, 3)


def _strings_json(items: tuple[str, ...]) -> str:
    """A JSON list of strings, byte for byte as _json writes it, without its per-call cost."""
    return "[" + ", ".join(map(encode_basestring, items)) + "]"


def analysis_rows(analysis: Analysis) -> AnalysisRows:
    """The rows that store an analysis, JSON columns already encoded."""
    a = analysis.article_id
    return AnalysisRows(
        a,
        (a, _json_sorted(dict(analysis.stages)), utcnow().isoformat()),
        [(a, i, s.paragraph, s.start, s.end, s.text, _json(list(map(_word_pos, tokens))))
         for i, (s, tokens) in enumerate(zip(analysis.sentences, analysis.tokens))],
        [(a, i, e.start, e.end, e.text, e.type, e.id,
          _json_sorted(dict(e.value)) if e.value else None)
         for i, e in enumerate(analysis.entities)],
        list(_score_rows(a, analysis)),
        [(a, t.sentence, t.target, t.target_id, t.label, t.p_favor, t.p_against, t.p_none,
          *t.counts) for t in analysis.stances])


def _score_rows(article_id: str, analysis: Analysis) -> Iterator[tuple]:
    """Article-level scores (sentence NULL), then each sentence's."""
    def row(kind: str, sentence: int | None, score: Score) -> tuple:
        return (article_id, kind, sentence, score.name, score.score,
                _strings_json(score.evidence), _json(list(score.sentences)) if score.sentences else "[]")

    for kind, article_scores, per_sentence in (("topic", analysis.topics, analysis.sentence_topics),
                                               ("frame", analysis.frames, analysis.sentence_frames)):
        yield from (row(kind, None, s) for s in article_scores)
        for i, scores in enumerate(per_sentence):
            yield from (row(kind, i, s) for s in scores)


def stored_analysis(store: Store, article_id: str) -> Analysis:
    """An article's stored analysis rebuilt as an Analysis (token offsets found again in the
    sentence text, since the store keeps only words); sentence scores and stances left out."""
    q = lambda sql: store.rows(sql, (article_id,))  # noqa: E731
    sentence_rows = q("SELECT paragraph, start, end, text, tokens FROM sentences "
                      "WHERE article_id = ? ORDER BY idx")
    if not sentence_rows:
        raise BadInput(f"article {article_id} is not analysed yet; run `fincorpus analyze` first")
    sentences = tuple(Sentence(text, start, end, par) for par, start, end, text, _ in sentence_rows)
    tokens = tuple(_tokens(s, json.loads(row[4])) for s, row in zip(sentences, sentence_rows))
    entities = tuple(Entity(text, kind, start, end, eid, json.loads(value) if value else None)
                     for start, end, text, kind, eid, value in q(
                         "SELECT start, end, text, type, entity_id, value FROM entities "
                         "WHERE article_id = ? ORDER BY idx"))
    scores = {"topic": [], "frame": []}
    for kind, name, score in q("SELECT kind, name, score FROM scores WHERE article_id = ? "
                               "AND sentence IS NULL ORDER BY rowid"):
        scores[kind].append(Score(name, score))
    stances = tuple(Stance(*row[:6], None, tuple(row[6:])) for row in q(
        "SELECT target, target_id, label, p_favor, p_against, p_none, n_favor, n_against, "
        "n_none FROM stances WHERE article_id = ? AND sentence IS NULL ORDER BY rowid"))
    return Analysis(article_id, sentences, tokens, entities, tuple(scores["topic"]),
                    tuple(scores["frame"]), stances=stances)


def _tokens(sentence: Sentence, words: list) -> tuple[Token, ...]:
    """Tokens with article offsets, each word looked up after the one before it."""
    found, at = [], 0
    for word, pos in words:
        i = sentence.text.find(word, at)
        i = at if i < 0 else i
        found.append(Token(word, sentence.start + i, sentence.start + i + len(word), pos))
        at = i + len(word)
    return tuple(found)
