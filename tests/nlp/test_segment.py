"""Segmenter: domain words and numbers whole, offsets real, jieba's global state untouched."""

from __future__ import annotations

import io
import itertools
import pickle
from pathlib import Path

import jieba
import jieba.finalseg
import pytest
from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.segment import (
    HMM_DEFAULT,
    Segmenter,
    domain_dict_path,
    get_segmenter,
    load_user_dict,
    read_lines,
    segment_lines,
)
from hypothesis import given, settings
from hypothesis import strategies as st


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return get_segmenter()


@pytest.fixture(scope="module")
def parts() -> Segmenter:
    return get_segmenter(numbers="parts")


@pytest.fixture
def small_dict(tmp_path: Path) -> Path:
    """A tiny main dictionary, so that a test's own Segmenter loads in milliseconds."""
    path = tmp_path / "small_dict.txt"
    path.write_text("上线 3000 v\n的 50000 uj\n美 800 ns\n下跌 2000 v\n债 300 n\n", "utf-8")
    return path


DOMAIN_WORDS = [entry.word for entry in load_user_dict(domain_dict_path())]


@pytest.mark.parametrize("word", DOMAIN_WORDS)
def test_every_domain_word_is_one_word_in_context(segmenter: Segmenter, word: str) -> None:
    assert segmenter.split_entries([word], "据报道，{}的情况引发关注。") == []


@pytest.mark.parametrize("context", ["{}", "市场关注{}与美元走势", "他说{}正在变化"])
def test_domain_words_whole_in_other_contexts(segmenter: Segmenter, context: str) -> None:
    assert segmenter.split_entries(DOMAIN_WORDS, context) == []


@pytest.mark.parametrize(("text", "words"), [
    ("中国外汇储备规模为6826亿美元", ["中国", "外汇储备", "规模", "为", "6826亿美元"]),
    ("美国国债规模达1.3万亿美元", ["美国国债", "规模", "达", "1.3万亿美元"]),
    ("央行持有7412万盎司黄金", ["央行", "持有", "7412万盎司", "黄金"]),
    ("本月增持26.75吨", ["本月", "增持", "26.75吨"]),
    ("2025年11月，特朗普宣布关税", ["2025年11月", "，", "特朗普", "宣布", "关税"]),
    ("关税提高20%", ["关税", "提高", "20%"]),
    ("税率为20%—30%。", ["税率", "为", "20%—30%", "。"]),
    ("２０２５年１１月３０日美联储降息２５个基点", ["２０２５年１１月３０日", "美联储", "降息",
                                               "２５个基点"]),
    ("涨幅+2.3%，报3,450.5美元/盎司", ["涨幅", "+2.3%", "，", "报", "3,450.5美元/盎司"]),
    ("英伟达H200芯片出口管制", ["英伟达", "H200", "芯片", "出口管制"]),
    ("标普500指数下跌3.5%", ["标普500指数", "下跌", "3.5%"]),
    ("COVID-19疫情", ["COVID", "-", "19", "疫情"]),
    ("5G网络", ["5G", "网络"]),
])
def test_numbers_and_domain_words_whole(segmenter: Segmenter, text: str, words: list[str]) -> None:
    assert segmenter.cut(text) == words


@pytest.mark.parametrize(("text", "words"), [
    ("2025年11月30日", ["2025年", "11月", "30日"]),
    ("1.3万亿美元", ["1.3万亿", "美元"]),
    ("增长20%", ["增长", "20%"]),
])
def test_parts_style_splits_numeral_unit_and_date(parts: Segmenter, text: str,
                                                  words: list[str]) -> None:
    assert parts.cut(text) == words


def test_tokens_have_offsets_and_pos(segmenter: Segmenter) -> None:
    text = "美联储加息，规模达6826亿美元（2025年）。"
    tokens = segmenter.tokens(text, start=100)
    for token in tokens:
        assert text[token.start - 100:token.end - 100] == token.text
    tags = {t.text: t.pos for t in tokens}
    assert tags == {"美联储": "nt", "加息": "v", "，": "x", "规模": "n", "达": "v",
                    "6826亿美元": "mq", "（": "x", "2025年": "t", "）": "x", "。": "x"}


def test_words_are_written_as_in_the_text_and_invisible_characters_kept(
        segmenter: Segmenter) -> None:
    assert segmenter.cut("美\u200b债ＡＢＣ\u3000２０％") == ["美\u200b债", "ＡＢＣ", "２０％"]


def test_user_dictionary_takes_effect_without_touching_jieba_globals(
        tmp_path: Path, small_dict: Path) -> None:
    path = tmp_path / "mine.txt"
    path.write_text("鑫债通 5000 nz\n", "utf-8")
    assert Segmenter(dictionary=small_dict).cut("鑫债通上线") != ["鑫债通", "上线"]
    mine = Segmenter(user_dicts=[path], dictionary=small_dict)
    assert mine.cut("鑫债通上线") == ["鑫债通", "上线"]
    assert mine.tokens("鑫债通")[0].pos == "nz"
    assert "鑫债通" not in jieba.dt.FREQ and not jieba.dt.user_word_tag_tab
    assert not jieba.finalseg.Force_Split_Words


def test_bad_user_dictionary_is_reported_on_load(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes("鑫债通 5000 nz\r\n".encode())
    with pytest.raises(BadInput, match=r"line 1.*CRLF"):
        Segmenter(user_dicts=[path]).load()


def test_low_frequency_entries_are_found(tmp_path: Path, small_dict: Path) -> None:
    path = tmp_path / "low.txt"
    path.write_text("的美 1 n\n", "utf-8")
    mine = Segmenter(user_dicts=[path], dictionary=small_dict)
    assert mine.split_entries(["的美"]) == [("的美", ["的", "美"])]


def test_segmenter_pickles_and_is_an_analyzer(small_dict: Path) -> None:
    segmenter = Segmenter(dictionary=small_dict, numbers="parts")
    assert segmenter("美债下跌") == ["美债", "下跌"]
    copy = pickle.loads(pickle.dumps(segmenter))
    assert repr(copy) == repr(segmenter) and copy("美债下跌") == ["美债", "下跌"]


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="numbers"):
        Segmenter(numbers="roman")
    with pytest.raises(BadInput, match="no such file"):
        Segmenter(dictionary="/no/such/dict.txt").load()


def test_hmm_default_is_the_measured_one() -> None:
    assert HMM_DEFAULT is False and Segmenter().hmm is False


def test_segment_lines_one_line_out_per_line_in(segmenter: Segmenter) -> None:
    lines = ["美债下跌，黄金上涨。\n", "\n", "   \n", "关税 20%\r\n", "H200"]
    assert list(segment_lines(lines, segmenter)) == [
        "美债 下跌 ， 黄金 上涨 。", "", "", "关税 20%", "H200"]


def test_read_lines_from_stdin_and_files(tmp_path: Path) -> None:
    data = "\ufeff美债\r\n黄金\n".encode()
    assert list(read_lines(stdin=io.BytesIO(data))) == ["美债", "黄金"]
    path = tmp_path / "in.txt"
    path.write_bytes(data + "外汇".encode("gbk") + b"\n")
    with pytest.raises(BadInput, match=r"in\.txt, line 3: not UTF-8.*iconv"):
        list(read_lines(path))
    with pytest.raises(BadInput, match="no such file"):
        list(read_lines(tmp_path / "none.txt"))


CHARS = st.one_of(
    st.sampled_from(list("美债黄金稀土关税的是中国外汇储备特朗普亿万元年月日盎司吨"
                         "AaHZz0123456789１２ＡＢ％．.,%—-~/+$，。！？、：“”（）() \u3000\t"
                         "\u200b\ufeff\u00ad\xa0")),
    st.characters(exclude_categories=("Cs",)),
)
# Lines built from characters, domain words and numbers, so that protected spans, words
# with digits and dropped invisible characters meet each other.
MIXED_LINE = st.lists(
    st.one_of(CHARS, st.sampled_from(DOMAIN_WORDS),
              st.sampled_from(["6826亿美元", "20%—30%", "2025年11月", "1.3万亿", "１２％", "10"])),
    max_size=25,
).map("".join)


@settings(derandomize=True, max_examples=400, deadline=None)
@given(MIXED_LINE)
def test_words_cover_every_non_space_character(line: str) -> None:
    segmenter = get_segmenter()
    words = segmenter.cut(line)
    assert "".join(words) == "".join(ch for ch in line if not ch.isspace())
    assert all(word and not any(ch.isspace() for ch in word) for word in words)
    tokens = segmenter.tokens(line)
    assert all(line[t.start:t.end] == t.text for t in tokens)
    assert all(a.end <= b.start for a, b in itertools.pairwise(tokens))
    assert list(segment_lines([line], segmenter)) == [" ".join(words)]


def _benchmark():
    """benchmarks/segmentation.py as a module."""
    from tests.support.benchmarks import load_benchmark

    return load_benchmark("segmentation")


def _gold_prefix(gold: tuple[str, ...], chars: int) -> tuple[str, ...]:
    """The gold words that make up the first `chars` characters of the stream."""
    taken, count = [], 0
    for word in gold:
        if count >= chars:
            break
        taken.append(word)
        count += len(word)
    assert count == chars
    return tuple(taken)


# Floors pinned just under the F1 reached on the first 600 lines (84.83 and 86.99).
@pytest.mark.parametrize(("name", "numbers", "floor"), [("pku", "parts", 84.5),
                                                        ("msr", "whole", 86.5)])
def test_sighan_sample_scores(shared: Path, name: str, numbers: str, floor: float) -> None:
    bench = _benchmark()
    corpus = bench.read_corpus(shared / "data" / "segmentation", name)
    assert bench.score(list(corpus.gold), corpus.gold)[2] == 100
    lines = corpus.lines[:600]  # a third of each set; the benchmark scores all of it
    gold = _gold_prefix(corpus.gold, sum(len("".join(line.split())) for line in lines))
    words = bench.segment_all(bench.batched(get_segmenter(numbers=numbers)), lines)
    assert bench.score(words, gold)[2] >= floor


def test_version_follows_options_and_dictionaries(tmp_path: Path) -> None:
    path = tmp_path / "mine.txt"
    path.write_text("鑫债通 5000 nz\n", "utf-8")
    plain, mine = Segmenter(), Segmenter(user_dicts=[path])
    assert plain.version == Segmenter().version != Segmenter(numbers="parts").version
    before = mine.version
    path.write_text("鑫债通 6000 nz\n", "utf-8")
    assert Segmenter(user_dicts=[path]).version not in (before, plain.version)
