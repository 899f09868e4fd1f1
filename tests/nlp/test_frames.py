"""The five generic news frames: bundled lexicons, users' folders, sentence and article scores."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest
from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.frames import FRAMES, FrameLexicon, FrameScorer, parse_cues

from tests.nlp.samples import sample_sentences, stems_with_body

ITEMS = {"responsibility": 5, "human_interest": 5, "conflict": 4, "morality": 3,
         "economic_consequences": 3}
CODES = {"responsibility": "R", "human_interest": "H", "conflict": "C", "morality": "M",
         "economic_consequences": "E"}


@pytest.fixture(scope="module")
def scorer() -> FrameScorer:
    return FrameScorer()


def test_bundled_lexicon_has_the_five_frames():
    lexicon = FrameLexicon.load()
    assert set(lexicon.names) == set(FRAMES) == set(ITEMS)
    for frame in lexicon.frames:
        assert len(frame.cues) >= 40, frame.name


@pytest.mark.parametrize("frame", FRAMES)
def test_each_item_of_the_scale_has_a_group_of_cues(frame):
    text = (files("fincorpus.nlp") / "data" / "frames" / f"{frame}.txt").read_text("utf-8")
    codes = re.findall(rf"^# ({CODES[frame]}\d)\. ", text, flags=re.MULTILINE)
    assert codes == [f"{CODES[frame]}{i}" for i in range(1, ITEMS[frame] + 1)]


@pytest.mark.parametrize(
    ("sentence", "frame", "cues"),
    [
        ("中美双方在关税问题上针锋相对，互相指责。", "conflict", {"双方", "针锋相对", "指责"}),
        ("贸易战没有赢家，只会两败俱伤。", "conflict", {"贸易战", "没有赢家"}),
        ("加征关税推高了进口成本，最终由美国消费者买单。", "economic_consequences",
         {"推高", "成本", "买单"}),
        ("减持带来的账面损失高达数百亿美元。", "economic_consequences", {"损失"}),
        ("问题的根源在于决策失误，有关部门必须尽快出台应对措施。", "responsibility",
         {"根源", "决策失误", "有关部门", "尽快"}),
        ("这种出尔反尔、搞双重标准的做法毫无道义可言。", "morality",
         {"出尔反尔", "双重标准", "道义"}),
        ("投资者切忌借钱追高，应当理性看待金价波动。", "morality", {"切忌", "应当"}),
        ("一位退休老人说，她的积蓄越来越不值钱，日子过得心酸。", "human_interest",
         {"退休", "老人", "积蓄", "日子", "心酸"}),
    ],
)
def test_sentence_top_frame_and_cues(scorer, sentence, frame, cues):
    scores = scorer.score_sentence(sentence)
    assert scores and scores[0].name == frame, scores
    assert cues <= set(scores[0].evidence)


def test_blocker_cue_is_matched_but_not_counted(scorer):
    assert scorer.score_sentence("采购负责人表示") == []
    assert scorer.score_sentence("美债收益率回落") == []  # 收益率 blocks 收益


def test_article_scores_keep_evidence_sentences(scorer):
    sentences = ["美方再次对华施压。", "今天天气很好。", "关税成本最终由消费者买单。"]
    scores = {s.name: s for s in scorer.score_article(sentences)}
    assert scores["conflict"].sentences == (0,)
    assert scores["economic_consequences"].sentences == (2,)
    assert set(scores["economic_consequences"].evidence) == {"成本", "买单"}


def test_version_and_provenance(scorer):
    assert scorer.provenance.name == "frame-lexicon"
    assert scorer.version.startswith("1+")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("冲突 1 2\n", "line 1: expected 'cue [weight]'"),
        ("# c\n冲突 重\n", "line 2: weight '重' is not a number"),
        ("冲突 -1\n", "finite number >= 0"),
        ("冲突 inf\n", "finite number >= 0"),
        ("冲突\n对抗\n衝突\n", "line 3: '衝突' already listed at line 1"),
        ("# only comments\n\n", "no cues"),
    ],
)
def test_bad_cue_files_give_one_line_errors(text, message):
    with pytest.raises(BadInput) as caught:
        parse_cues(text, "frames/conflict.txt")
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith("frames/conflict.txt")
    assert message in str(caught.value)


def test_parse_cues_reads_weights_comments_bom_and_crlf():
    cues = parse_cues("\ufeff# header\r\n冲突\t1.5 # strong\r\n\r\n对抗\r\n负责人 0\r\n")
    assert [(c.text, c.weight) for c in cues] == [("冲突", 1.5), ("对抗", 1.0), ("负责人", 0.0)]


def test_user_folder_replaces_the_bundled_one_and_may_add_frames(tmp_path: Path):
    (tmp_path / "conflict.txt").write_text("对抗\n", encoding="utf-8")
    (tmp_path / "nationalism.txt").write_text("民族复兴\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("not a lexicon", encoding="utf-8")
    lexicon = FrameLexicon.load(tmp_path)
    assert lexicon.names == ("conflict", "nationalism")
    scores = FrameScorer(lexicon).score_sentence("民族复兴与大国对抗")
    assert {s.name for s in scores} == {"conflict", "nationalism"}


@pytest.mark.parametrize(
    ("files_", "message"),
    [
        ({}, "no frame lexicons"),
        ({"Conflict.txt": "对抗\n"}, "frame name 'Conflict'"),
        ({"conflict.txt": "对抗 x\n"}, "conflict.txt line 1"),
    ],
)
def test_bad_user_folders_give_one_line_errors(tmp_path: Path, files_, message):
    for name, text in files_.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        FrameLexicon.load(tmp_path)
    assert "\n" not in str(caught.value) and message in str(caught.value)


def test_missing_folder_and_non_utf8_file(tmp_path: Path):
    with pytest.raises(BadInput, match="not a folder"):
        FrameLexicon.load(tmp_path / "absent")
    (tmp_path / "conflict.txt").write_bytes("冲突\n".encode("gb18030"))
    with pytest.raises(BadInput, match="cannot read it as UTF-8"):
        FrameLexicon.load(tmp_path)


@pytest.mark.parametrize(
    ("stem", "frame"),
    [
        ("legacy_2019_tariff_hike_gbk", "conflict"),
        ("photoset_shuibei_gold_market", "human_interest"),
        ("dy_no_time_us_debt", "economic_consequences"),
    ],
)
def test_sample_articles_with_an_evident_frame(scorer, stem, frame):
    assert scorer.score_article(sample_sentences(stem))[0].name == frame


def test_every_sample_article_shows_some_frame(scorer):
    for stem in sorted(stems_with_body()):
        scores = scorer.score_article(sample_sentences(stem))
        assert scores and all(s.evidence and s.sentences for s in scores), stem
