"""All nlp stages over one article: sentences, words, entities, topics, frames and stance.

An `Analyzer` builds each stage on first use and keeps it (dictionaries and models load
once per process); `analyze_batch` is then a pure function of the articles, so each
process of a pool can run it over its own batches. A batch goes through each stage at
once: segmentation and the NER model are far cheaper per article on many articles.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from fincorpus.corpus.model import Analysis, Article, Entity, Sentence, Token, package_version


@dataclass(frozen=True)
class AnalyzerSettings:
    """What a user configures about analysis. Hashable: a process builds one Analyzer per
    settings, and a pool worker receives them with every batch.

    Args:
        user_dicts: the user's own jieba dictionaries.
        stance_model: a model folder saved by `fincorpus stance train`; None: the lexicon
            baseline, which needs no training.
        targets: a stance targets file (TOML, the bundled file's layout); None: the bundled one.
        lexicons: extra evaluative lexicons for the lexicon baseline.
        trust_model: load a stance model whose file holds types we do not expect.
    """

    user_dicts: tuple[str, ...] = ()
    stance_model: str | None = None
    targets: str | None = None
    lexicons: tuple[str, ...] = ()
    trust_model: bool = False


class Analyzer:
    """The configured stages; each is built lazily, once."""

    def __init__(self, settings: AnalyzerSettings = AnalyzerSettings(),
                 use_ner_model: bool = True) -> None:
        self.settings, self.use_ner_model = settings, use_ner_model

    @cached_property
    def segmenter(self):
        from fincorpus.nlp.segment import get_segmenter
        return get_segmenter(self.settings.user_dicts)

    @cached_property
    def tagger(self):
        from fincorpus.nlp.entities import EntityTagger
        return EntityTagger(ner=self.ner)

    @cached_property
    def topics(self):
        from fincorpus.nlp.topics import Taxonomy, TopicScorer
        return TopicScorer(Taxonomy.load())

    @cached_property
    def frames(self):
        from fincorpus.nlp.frames import FrameLexicon, FrameScorer
        return FrameScorer(FrameLexicon.load())

    @cached_property
    def stance(self):
        from fincorpus.nlp.stance import StanceStage
        settings = self.settings
        return StanceStage.build(settings.stance_model, settings.targets, settings.lexicons,
                                settings.trust_model)

    @cached_property
    def ner(self):
        """The statistical PER/LOC/ORG model, or None when switched off."""
        if not self.use_ner_model:
            return None
        from fincorpus.nlp.ner import default_tagger
        return default_tagger()

    @cached_property
    def stage_versions(self) -> dict[str, str]:
        """Each stage's name and version, stored with its output."""
        built = {"segment": self.segmenter, "entities": self.tagger, "topics": self.topics,
                 "frames": self.frames, "stance": self.stance}
        versions = {"sentences": f"split_sentences/{package_version()}",
                    **{name: _version_of(stage) for name, stage in built.items()}}
        if self.ner is not None:
            versions["ner"] = _version_of(self.ner)
        return versions

    def load(self) -> Analyzer:
        """Build every stage now (each is otherwise built on first use); returns self."""
        self.segmenter.pos_table()  # loads the tokenizer too
        if self.ner is not None:
            self.ner.featurizer()
        _ = (self.tagger.gazetteer, self.topics, self.frames, self.stage_versions)  # built now
        self.stance.warm()
        return self

    def stages(self) -> dict[str, str]:
        """Each stage's name and version, stored with its output."""
        return dict(self.stage_versions)

    def analyze(self, article: Article) -> Analysis:
        """The analysis of one article; offsets point into `article.text`."""
        return self.analyze_batch([article])[0]

    def analyze_batch(self, articles: list[Article]) -> list[Analysis]:
        """The analyses of several articles; the NER model tags all their sentences in one go."""
        with collection_paused():
            return self._analyze_batch(articles)

    def _analyze_batch(self, articles: list[Article]) -> list[Analysis]:
        sentences = [sentences_of(article) for article in articles]
        flat = [s for found in sentences for s in found]
        words = iter(self.segmenter.tokens_many([s.text for s in flat], [s.start for s in flat]))
        tokens = [tuple(tuple(next(words)) for _ in found) for found in sentences]
        named = self._named(sentences, tokens)
        found = [self._analysis(*parts) for parts in zip(articles, sentences, tokens, named)]
        stances = self.stance.stances_many([a.sentences for a in found],
                                           [a.entities for a in found])
        return [replace(a, stances=s) for a, s in zip(found, stances)]

    def _named(self, sentences, tokens) -> list[list[Entity] | None]:
        """The NER model's spans in each article (None for all when there is no model)."""
        if self.ner is None:
            return [None] * len(sentences)
        pieces, owners = [], []
        for index, (found, words) in enumerate(zip(sentences, tokens)):
            for sentence, sentence_tokens in zip(found, words):
                for offset, piece in ner_pieces(sentence, sentence_tokens):
                    pieces.append(piece)
                    owners.append((index, offset))
        named: list[list[Entity]] = [[] for _ in sentences]
        for (index, offset), (text, _, _), spans in zip(owners, pieces, self.ner.spans(pieces)):
            named[index] += [Entity(text[a:b], kind, offset + a, offset + b) for kind, a, b in spans]
        return named

    def _analysis(self, article: Article, sentences: tuple[Sentence, ...],
                  tokens: tuple[tuple[Token, ...], ...], named: list[Entity] | None) -> Analysis:
        reference = article.published_at.date() if article.published_at else None
        entities = tuple(self.tagger.entities(article.text, reference_date=reference, named=named))
        texts = [s.text for s in sentences]
        topics, sentence_topics = self.topics.score_sentences(texts)
        frames, sentence_frames = self.frames.score_sentences(texts)
        return Analysis(
            article_id=article.id, sentences=sentences, tokens=tokens, entities=entities,
            topics=tuple(topics), frames=tuple(frames),
            sentence_topics=tuple(map(tuple, sentence_topics)),
            sentence_frames=tuple(map(tuple, sentence_frames)), stages=self.stages())


def ner_pieces(sentence: Sentence, tokens: tuple[Token, ...]) -> list:
    """(start in the article, NER piece) of a sentence, pieces at most MAX_CHUNK long.

    A sentence that fits is one piece whose words are its tokens as they are. A longer one
    (rare) is cut every MAX_CHUNK characters, a word crossing a cut cut with it.
    """
    from fincorpus.nlp.ner import MAX_CHUNK

    text, base = sentence.text, sentence.start
    if len(text) <= MAX_CHUNK:
        return [(base, (text, tokens, base))]
    pieces = []
    for at in range(base, base + len(text), MAX_CHUNK):
        end = min(at + MAX_CHUNK, base + len(text))
        words = [Token(text[max(t.start, at) - base:min(t.end, end) - base],
                       max(t.start, at), min(t.end, end), t.pos)
                 for t in tokens if t.end > at and t.start < end]
        pieces.append((at, (text[at - base:end - base], words, at)))
    return pieces


@lru_cache(maxsize=4)
def shared_analyzer(settings: AnalyzerSettings = AnalyzerSettings()) -> Analyzer:
    """One Analyzer per process and configuration, loaded on first use (never at import).

    Its dictionaries and models live as long as the process, so they are moved out of the
    garbage collector's sight (`gc.freeze`): otherwise every full collection walks their
    hundreds of thousands of objects again, which costs analysis about a sixth of its time.
    """
    analyzer = Analyzer(settings).load()
    gc.freeze()
    return analyzer


@contextmanager
def collection_paused() -> Iterator[None]:
    """No garbage collection inside the block (nested blocks are fine).

    A batch makes hundreds of thousands of tokens, entities and scores that all live until
    it ends: collections in between find no garbage, yet walk every one of them again and
    again (a tenth of analysis time). One collection after the block does.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def analyze_batch(articles: list[Article],
                  settings: AnalyzerSettings = AnalyzerSettings()) -> list[Analysis]:
    """Analyse a batch with this process's Analyzer: the function a process pool runs."""
    return shared_analyzer(settings).analyze_batch(articles)


def sentences_of(article: Article) -> tuple[Sentence, ...]:
    """Sentences of every paragraph, with offsets into the article text and paragraph indexes."""
    from fincorpus.nlp.text import split_sentences

    text = article.text
    if text.count("\n") == len(article.paragraphs) - 1:
        # No newline inside a paragraph: line numbers are paragraph indexes already.
        return tuple(split_sentences(text))
    found, offset = [], 0
    for index, paragraph in enumerate(article.paragraphs):
        found += [replace(s, start=s.start + offset, end=s.end + offset, paragraph=index)
                  for s in split_sentences(paragraph)]
        offset += len(paragraph) + 1  # the "\n" that joins paragraphs in Article.text
    return tuple(found)


def _version_of(stage: object) -> str:
    """"name/version" of a stage: its own attributes, else its class and our package version."""
    name = getattr(stage, "name", type(stage).__name__)
    return f"{name}/{getattr(stage, 'version', package_version())}"
