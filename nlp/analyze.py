"""All nlp stages over one article: sentences, words, entities, topics and frames.

An `Analyzer` builds each stage on first use and keeps it (dictionaries and models load
once per process); `analyze` is then a pure function of the article, so a process pool
can run it over batches and hand the results to one writer.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property, lru_cache

from fincorpus.corpus.model import Analysis, Article, Sentence, Token, package_version


class Analyzer:
    """The configured stages; each is built lazily, once."""

    def __init__(self, user_dicts: tuple[str, ...] = (), use_ner_model: bool = True) -> None:
        self.user_dicts, self.use_ner_model = tuple(user_dicts), use_ner_model

    @cached_property
    def segmenter(self):
        from fincorpus.nlp.segment import get_segmenter
        return get_segmenter(self.user_dicts)

    @cached_property
    def tagger(self):
        from fincorpus.nlp.entities import EntityTagger
        ner = None
        if self.use_ner_model:
            from fincorpus.nlp.ner import default_tagger
            ner = default_tagger()
        return EntityTagger(ner=ner)

    @cached_property
    def topics(self):
        from fincorpus.nlp.topics import Taxonomy, TopicScorer
        return TopicScorer(Taxonomy.load())

    @cached_property
    def frames(self):
        from fincorpus.nlp.frames import FrameLexicon, FrameScorer
        return FrameScorer(FrameLexicon.load())

    def stages(self) -> dict[str, str]:
        """Each stage's name and version, stored with its output."""
        built = {"segment": self.segmenter, "entities": self.tagger, "topics": self.topics,
                 "frames": self.frames}
        return {"sentences": f"split_sentences/{package_version()}",
                **{name: _version_of(stage) for name, stage in built.items()}}

    def analyze(self, article: Article) -> Analysis:
        """The analysis of one article; offsets point into `article.text`."""
        text = article.text
        sentences = sentences_of(article)
        tokens = tuple(tuple(_shift(t, s.start) for t in self.segmenter.tokens(s.text)) for s in sentences)
        reference = article.published_at.date() if article.published_at else None
        entities = tuple(self.tagger.entities(text, reference_date=reference))
        texts = [s.text for s in sentences]
        topics, sentence_topics = self.topics.score_sentences(texts)
        frames, sentence_frames = self.frames.score_sentences(texts)
        return Analysis(
            article_id=article.id, sentences=sentences, tokens=tokens, entities=entities,
            topics=tuple(topics), frames=tuple(frames),
            sentence_topics=tuple(map(tuple, sentence_topics)),
            sentence_frames=tuple(map(tuple, sentence_frames)), stages=self.stages())


@lru_cache(maxsize=4)
def shared_analyzer(user_dicts: tuple[str, ...] = ()) -> Analyzer:
    """One Analyzer per process and configuration (built on first use, never at import)."""
    return Analyzer(user_dicts)


def analyze_batch(articles: list[Article], user_dicts: tuple[str, ...] = ()) -> list[Analysis]:
    """Analyse a batch with this process's Analyzer: the function a process pool runs."""
    analyzer = shared_analyzer(tuple(user_dicts))
    return [analyzer.analyze(article) for article in articles]


def sentences_of(article: Article) -> tuple[Sentence, ...]:
    """Sentences of every paragraph, with offsets into the article text and paragraph indexes."""
    from fincorpus.nlp.text import split_sentences

    found, offset = [], 0
    for index, paragraph in enumerate(article.paragraphs):
        found += [replace(s, start=s.start + offset, end=s.end + offset, paragraph=index)
                  for s in split_sentences(paragraph)]
        offset += len(paragraph) + 1  # the "\n" that joins paragraphs in Article.text
    return tuple(found)


def _shift(token: Token, by: int) -> Token:
    return replace(token, start=token.start + by, end=token.end + by)


def _version_of(stage: object) -> str:
    """"name/version" of a stage: its own attributes, else its class and our package version."""
    name = getattr(stage, "name", type(stage).__name__)
    return f"{name}/{getattr(stage, 'version', package_version())}"
