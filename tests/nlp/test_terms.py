"""The term matcher and the shared scoring: leftmost-longest, no double counts, folded text.

The matcher is a generated regular expression and skips folding where the fold cannot
matter, so beside the examples every result is compared with a plain reference written
the obvious way (fold each character, try the longest key at each position) on the sample
corpus and on random texts built to hit the edge cases.
"""

from __future__ import annotations

import json
import random
import unicodedata

import pytest
from fincorpus.nlp import terms
from fincorpus.nlp.frames import FrameLexicon
from fincorpus.nlp.term_scores import MIN_CHARS, PER_CHARS, CategoryScorer, char_count
from fincorpus.nlp.terms import Match, Term, TermMatcher, fold, trad_simp_map
from fincorpus.nlp.topics import Taxonomy

from tests.nlp.samples import SAMPLE, sample_sentences, stems_with_body

# --- the reference: what matching and scoring mean, written for clarity -----------------


def ref_fold_char(ch: str) -> str:
    wide = unicodedata.normalize("NFKC", ch)
    ch = wide if len(wide) == 1 else ch
    low = ch.lower()
    ch = low if len(low) == 1 else ch
    return trad_simp_map().get(ch, ch)


def ref_fold(text: str) -> str:
    return "".join(map(ref_fold_char, text))


def _word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def ref_find(keys: set[str], text: str) -> list[Match]:
    """At each position the longest key that keeps ASCII words whole, then on past it."""
    folded, found, i = ref_fold(text), [], 0
    lengths = sorted({len(key) for key in keys}, reverse=True)
    while i < len(folded):
        for length in lengths:
            end = i + length
            if end > len(folded) or folded[i:end] not in keys:
                continue
            if _word(folded[i]) and i > 0 and _word(folded[i - 1]):
                continue
            if _word(folded[end - 1]) and end < len(folded) and _word(folded[end]):
                continue
            found.append(Match(folded[i:end], i, end))
            i = end
            break
        else:
            i += 1
    return found


def ref_score_sentences(categories, sentences):
    """Article and sentence scores as term_scores defines them, one hit at a time."""
    entries: dict[str, list] = {}
    for name, category_terms in categories.items():
        for term in category_terms:
            entries.setdefault(ref_fold(term.text), []).append((name, term.text, term.weight))

    def scores(tallies, chars, with_sentences):
        scale = PER_CHARS / max(chars, MIN_CHARS)
        out = [(name, round(total * scale, 4),
                tuple(sorted(counts, key=lambda t, counts=counts: -counts[t])),
                tuple(where) if with_sentences else ())
               for name, (total, counts, where) in tallies.items()]
        return sorted(out, key=lambda s: (-s[1], s[0]))

    article, per_sentence, chars = {}, [], 0
    for index, text in enumerate(sentences):
        own = {}
        for match in ref_find(set(entries), text):
            for name, term, weight in entries[match.key]:
                if weight > 0:
                    for tallies in (article, own):
                        total, counts, where = tallies.setdefault(name, [0.0, {}, []])
                        tallies[name][0] = total + weight
                        counts[term] = counts.get(term, 0.0) + weight
                        if not where or where[-1] != index:
                            where.append(index)
        length = sum(1 for ch in text if not ch.isspace())
        per_sentence.append(scores(own, length, False))
        chars += length
    return scores(article, chars, True), per_sentence


def plain(scores):
    return [(s.name, s.score, s.evidence, s.sentences) for s in scores]


# --- examples ---------------------------------------------------------------------------


def _found(keys: list[str], text: str) -> list[str]:
    return [text[m.start:m.end] for m in TermMatcher(keys).find(text)]


@pytest.mark.parametrize(
    ("terms_", "text", "expected"),
    [
        (["出口管制", "稀土出口管制"], "稀土出口管制再升级", ["稀土出口管制"]),
        (["美国国债", "国债收益率"], "美国国债收益率走高", ["美国国债"]),
        (["美债", "美债收益率"], "美债收益率和美债", ["美债收益率", "美债"]),
        (["黄金", "金价"], "黄金价格", ["黄金"]),
        (["减持"], "减持减持", ["减持", "减持"]),
        (["CIPS"], "接入CIPS的机构", ["CIPS"]),
        (["AI"], "MAIN 与 AI芯片", ["AI"]),
        (["AI芯片"], "MAI芯片与AI芯片", ["AI芯片"]),
        (["QE"], "QED 不是 QE", ["QE"]),
        (["QE", "无限QE"], "无限QE，无限QED", ["无限QE"]),
        (["F-35"], "一架F-35战斗机", ["F-35"]),
        (["美债"], "美債持倉", ["美債"]),
        (["ＣＩＰＳ"], "cips 系统", ["cips"]),
        (["cips"], "ＣＩＰＳ系统", ["ＣＩＰＳ"]),
        (["ai"], "ＭＡＩ与ＡＩ", ["ＡＩ"]),  # full-width letters are ASCII words once folded
        (["美债a", "美债"], "美债ab", ["美债"]),  # the longest fails the boundary: next shorter
        (["a", "ab"], "ab abc a", ["ab", "a"]),
        (["铜", "铜价"], "铜、铜价、铜", ["铜", "铜价", "铜"]),
        (["黄金"], "", []),
        ([], "黄金", []),
    ],
)
def test_find_is_leftmost_longest(terms_, text, expected):
    assert _found(terms_, text) == expected


def test_fold_keeps_length_and_folds_width_case_and_script():
    text = "美國國債ＡＢＣ，黃金"
    assert fold(text) == "美国国债abc,黄金"
    assert len(fold(text)) == len(text)


def test_spans_point_into_the_original_text():
    matcher = TermMatcher(["黃金"])
    text = "香港資金流向黃金"
    (match,) = matcher.find(text)
    assert text[match.start:match.end] == "黃金"
    assert match.key == "黄金"


def test_matcher_knows_its_terms():
    matcher = TermMatcher(["黄金", "黃金", "AI", ""])
    assert len(matcher) == 2 and "黃金" in matcher and "ai" in matcher and "金" not in matcher


def test_keys_of_each_text_come_from_one_scan_and_stay_apart():
    matcher = TermMatcher(["美债", "AI", "黄金"])
    texts = ["美债", "", "AI", "芯片AI", "美", "债黄金", "美债\n黄金"]  # the last holds "\n"
    assert matcher.find_keys_each(texts) == [["美债"], [], ["ai"], ["ai"], [], ["黄金"], ["美债", "黄金"]]
    assert matcher.find_keys_each(texts[:-1]) == [["美债"], [], ["ai"], ["ai"], [], ["黄金"]]
    assert matcher.find_keys_each([]) == []
    assert matcher.find_keys("美债AI") == ["美债", "ai"]
    assert TermMatcher([]).find_keys_each(["美债", ""]) == [[], []]


def test_keys_holding_the_separators_still_match():
    one, every = TermMatcher(["a\nb", "美债"]), TermMatcher(["a\nb", "c\x00d", "e\x1ff", "美债"])
    assert (one._sep, every._sep) == ("\x00", None)  # the next separator, or one scan a text
    for matcher, texts in ((one, ["a\nb美债", "美债", "a", "b"]), (one, ["a\nb", "c\x00d"]),
                           (every, ["a\nb美债", "c\x00d e\x1ff", "美债"])):
        assert matcher.find_keys_each(texts) == [[m.key for m in ref_find(matcher._keys, t)]
                                                 for t in texts]
        assert [matcher.find(t) for t in texts] == [ref_find(matcher._keys, t) for t in texts]


# --- the fold -------------------------------------------------------------------------


def test_fold_equals_the_reference_on_every_bmp_character_and_some_beyond():
    codes = [*range(0x10000), *range(0x1D400, 0x1D800), *range(0x1F100, 0x1F300),
             *range(0x20000, 0x20100), *range(0x2F800, 0x2FA20), *range(0xE0000, 0xE0080)]
    text = "".join(map(chr, codes))
    folded = fold(text)
    if folded != ref_fold(text):
        wrong = [(hex(ord(a)), b, ref_fold_char(a)) for a, b in zip(text, folded, strict=True)
                 if b != ref_fold_char(a)]
        pytest.fail(f"fold differs on {len(wrong)} characters: {wrong[:10]}")


def test_changed_characters_of_the_common_blocks_are_all_known():
    # The scan leaves unfolded only what this table says the fold keeps, or cannot matter.
    expected = {}
    for low, high in terms._COMMON:
        for code in range(low, high):
            ch = chr(code)
            if ref_fold_char(ch) != ch:
                expected[ch] = ref_fold_char(ch)
    assert terms._common_folds() == expected


def test_char_count_counts_what_isspace_does_not():
    text = "".join(map(chr, range(0x110000)))
    assert set(text) - set("".join(text.split())) == {ch for ch in text if ch.isspace()}
    assert char_count(text) == sum(1 for ch in text if not ch.isspace())
    assert char_count(" 黄 金 \n\u3000\u2028x") == 3


# --- the matcher against the reference --------------------------------------------------


def _lexicons() -> dict[str, dict[str, list[Term]]]:
    taxonomy, frames = Taxonomy.load(), FrameLexicon.load()
    return {"topics": {t.id: list(t.terms) for t in taxonomy.topics},
            "frames": {f.name: list(f.cues) for f in frames.frames}}


LEXICONS = _lexicons()


def _paragraphs() -> list[str]:
    found = []
    for entry in sorted(SAMPLE.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".expected.json"):
            found += json.loads(entry.read_text(encoding="utf-8")).get("paragraphs") or []
    return found


@pytest.mark.parametrize("lexicon", sorted(LEXICONS))
def test_matcher_equals_the_reference_on_the_sample_corpus(lexicon):
    keys = {fold(t.text) for category in LEXICONS[lexicon].values() for t in category}
    matcher = TermMatcher(keys)
    paragraphs = _paragraphs()
    assert paragraphs
    for paragraph in paragraphs:
        assert matcher.find(paragraph) == ref_find(keys, paragraph), paragraph
    expected = [[m.key for m in ref_find(keys, p)] for p in paragraphs]
    assert matcher.find_keys_each(paragraphs) == expected


def _random_texts(keys: list[str], count: int, seed: int) -> list[str]:
    """Texts of keys, pieces of keys and neighbours that test the folding and the boundaries."""
    rnd = random.Random(seed)
    inverse: dict[str, list[str]] = {}
    for trad, simp in trad_simp_map().items():
        inverse.setdefault(simp, []).append(trad)
    glue = list("AaIiQqEeDdMmNn0123456789 -+.，。、\n\x00\x1f\u3000ＡＩＱＥ１２")

    def variant(ch: str) -> str:
        options = [ch, ch.upper(), *inverse.get(ch, ())]
        if "!" <= ch <= "~":
            options.append(chr(ord(ch) + 0xFEE0))  # its full-width form
        return rnd.choice(options)

    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rnd.randint(0, 6)):
            key = rnd.choice(keys)
            pick = rnd.random()
            if pick < 0.5:
                parts.append("".join(map(variant, key)))
            elif pick < 0.7:
                start = rnd.randrange(len(key))
                parts.append(key[start:rnd.randint(start + 1, len(key))])
            else:
                parts.append("".join(rnd.choice(glue) for _ in range(rnd.randint(1, 3))))
        texts.append("".join(parts))
    return texts


EDGE_KEYS = ["ai", "ai芯片", "qe", "无限qe", "f-35", "a", "ab", "b2", "美债", "美债收益率", "收益",
             "收益率", "债", "国债", "美国国债", "国债收益率", "h200", "h20", "黄金t+d", "a股",
             "铜", "铜价", "出口管制", "稀土出口管制", "2"]


@pytest.mark.parametrize("lexicon", [*sorted(LEXICONS), "edge"])
def test_matcher_equals_the_reference_on_random_texts(lexicon):
    if lexicon == "edge":
        keys = set(EDGE_KEYS)
    else:
        keys = {fold(t.text) for category in LEXICONS[lexicon].values() for t in category}
    matcher = TermMatcher(keys)
    texts = _random_texts(sorted(keys), 3000, seed=len(keys))
    for text in texts:
        assert matcher.find(text) == ref_find(keys, text), repr(text)
    for start in range(0, len(texts), 50):
        batch = texts[start:start + 50]
        assert matcher.find_keys_each(batch) == [[m.key for m in ref_find(keys, t)] for t in batch]


@pytest.mark.parametrize("lexicon", sorted(LEXICONS))
def test_scores_equal_the_reference_on_the_sample_corpus(lexicon):
    scorer = CategoryScorer(LEXICONS[lexicon])
    for stem in sorted(stems_with_body()):
        sentences = sample_sentences(stem)
        article, per_sentence = scorer.score_sentences(sentences)
        ref_article, ref_per_sentence = ref_score_sentences(LEXICONS[lexicon], sentences)
        assert plain(article) == ref_article, stem
        assert [plain(s) for s in per_sentence] == ref_per_sentence, stem


def test_scores_with_awkward_weights_equal_the_reference():
    # Weights whose sums depend on the order of addition: hits must be added in text order.
    categories = {"a": [Term("美债", 0.1), Term("减持", 0.7), Term("收益率", 0.0), Term("收益", 0.3)],
                  "b": [Term("减持", 1 / 3), Term("美债收益率", 2.2)]}
    scorer = CategoryScorer(categories)
    sentences = _random_texts(["美债", "减持", "收益率", "收益", "美债收益率"], 40, seed=7)
    article, per_sentence = scorer.score_sentences(sentences)
    ref_article, ref_per_sentence = ref_score_sentences(categories, sentences)
    assert plain(article) == ref_article
    assert [plain(s) for s in per_sentence] == ref_per_sentence


# --- scoring examples -------------------------------------------------------------------


def test_term_in_two_categories_counts_for_each_but_once():
    scorer = CategoryScorer({"a": [Term("制裁")], "b": [Term("制裁", 2.0)]})
    scores = {s.name: s for s in scorer.score_sentence("金融制裁")}
    assert scores["a"].score == pytest.approx(100 * 1 / 20)
    assert scores["b"].score == pytest.approx(100 * 2 / 20)


def test_zero_weight_blocks_a_shorter_term_without_counting():
    scorer = CategoryScorer({"econ": [Term("收益"), Term("收益率", 0.0)]})
    assert scorer.score_sentence("十年期美债收益率下行") == []
    assert scorer.score_sentence("投资收益增加")[0].evidence == ("收益",)
    assert [h.term for h in scorer.hits("收益率与收益")] == ["收益"]


def test_score_is_weighted_hits_per_100_characters_with_a_floor():
    scorer = CategoryScorer({"gold": [Term("黄金", 2.0), Term("金价")]})
    text = "黄金" + "的" * 38  # 40 characters, one hit of weight 2
    assert scorer.score_sentence(text)[0].score == pytest.approx(5.0)
    assert scorer.score_sentence("黄金")[0].score == pytest.approx(10.0)  # 2 chars count as 20
    assert char_count(" 黄 金 \n") == 2


def test_article_scores_keep_evidence_order_and_sentence_indexes():
    scorer = CategoryScorer({"gold": [Term("黄金"), Term("金价", 2.0)], "fx": [Term("外储")]})
    sentences = ["黄金储备增加。", "外储稳定。", "金价上涨，黄金走强，黄金ETF流入。"]
    gold, fx = scorer.score_article(sentences)
    assert gold.name == "gold" and gold.sentences == (0, 2)
    assert gold.evidence == ("黄金", "金价")  # 3 × 1.0 before 1 × 2.0
    assert fx.sentences == (1,)
    total = sum(char_count(s) for s in sentences)
    assert gold.score == pytest.approx(round(100 * 5 / total, 4))


def test_no_hits_gives_no_scores():
    scorer = CategoryScorer({"gold": [Term("黄金")]})
    assert scorer.score_sentence("今天天气不错") == []
    assert scorer.score_article([]) == []
    assert scorer.score_sentences([]) == ([], [])
