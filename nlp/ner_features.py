"""Feature strings for each character, for the NER tagger's linear model.

Cues that carry over from one kind of text to another: the characters around, the jieba word
each character sits in (with its part of speech and place in the word), what jieba's own
dictionary says about the strings through each character, and name-like suffixes and titles.
Bump FEATURES_VERSION whenever a feature changes: a model saved with another one is refused.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

FEATURES_VERSION = "1"

LOC_SUFFIXES = tuple("省市县区州国岛洲村镇乡街路山河江湖港湾") + ("地区", "半岛", "自治区")
ORG_SUFFIXES = ("公司", "银行", "集团", "委员会", "大学", "学院", "学校", "医院", "协会",
                "联合会", "俱乐部", "基金会", "研究所", "研究院", "中心", "组织", "联盟", "政府",
                "法院", "检察院", "电视台", "日报", "报社", "通讯社", "交易所", "党", "军", "队",
                "部", "局", "厅", "署", "委", "办", "会", "院", "所", "社", "行", "台")
TITLES = ("先生", "女士", "总统", "主席", "总理", "首相", "部长", "教授", "博士", "记者", "经理",
          "董事长", "行长", "总裁", "主任", "书记", "市长", "省长", "委员", "院长", "校长", "教练",
          "球员", "导演", "大使", "发言人", "司令", "将军", "同志", "表示", "说", "指出", "认为")
SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁"
                     "潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦"
                     "邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤温施洪康牛樊葛")
# jieba's dictionary tags, folded to the few that say "this string can be a name".
_LEXICON_TAGS = {"nr": "nr", "nrt": "nr", "nrfg": "nr", "ns": "ns", "nt": "nt", "nz": "nz"}
_MAX_LEXICON = 6


def char_class(char: str) -> str:
    """A coarse class: h(an), d(igit), l(atin), p(unctuation), s(pace), o(ther)."""
    if "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf":
        return "h"
    if char.isdigit():
        return "d"
    if char.isascii() and char.isalpha():
        return "l"
    if char.isspace():
        return "s"
    return "p" if unicodedata.category(char).startswith(("P", "S")) else "o"


def normal(char: str) -> str:
    """One character folded for matching: full-width to ASCII, lower case, digits as 0."""
    folded = unicodedata.normalize("NFKC", char)
    folded = folded.lower() if len(folded) == 1 else char
    return "0" if folded.isdigit() else folded


def _place(k: int, n: int) -> str:
    """B, M, E or S: where the k-th of n characters sits in its word."""
    return "S" if n == 1 else "B" if k == 0 else "E" if k == n - 1 else "M"


def _cue(word: str) -> str:
    """Which name-like ending a word has, if any: LOC, ORG, T(itle) or ''."""
    if word in TITLES:
        return "T"
    if len(word) > 1 and word.endswith(ORG_SUFFIXES):
        return "ORG"
    if len(word) > 1 and word.endswith(LOC_SUFFIXES):
        return "LOC"
    return ""


def word_features(words: Sequence[tuple[str, str]]) -> list[list[str]]:
    """Per character: its jieba word's POS, place, text and neighbours, and suffix cues."""
    feats: list[list[str]] = []
    padded = [("^", "^"), *words, ("$", "$")]
    for w in range(1, len(padded) - 1):
        word, pos = padded[w]
        prev, nxt = padded[w - 1], padded[w + 1]
        shared = [f"pp={prev[1]}", f"np={nxt[1]}", f"pw={prev[0]}", f"nw={nxt[0]}",
                  f"pnp={prev[1]}|{pos}|{nxt[1]}", f"nc={_cue(nxt[0])}", f"pc={_cue(prev[0])}"]
        cue = _cue(word)
        for k in range(len(word)):
            place = _place(k, len(word))
            feats.append([f"wp={pos}|{place}", f"w={word}", f"wl={min(len(word), 6)}|{place}",
                          f"wc={cue}|{place}", *shared])
    return feats


def lexicon_features(text: str, tags: Mapping[str, str]) -> list[list[str]]:
    """Per character: every jieba dictionary name (nr/ns/nt/nz) of 2-6 chars covering it."""
    feats: list[list[str]] = [[] for _ in text]
    for start in range(len(text)):
        for end in range(start + 2, min(len(text), start + _MAX_LEXICON) + 1):
            tag = _LEXICON_TAGS.get(tags.get(text[start:end], ""))
            if tag:
                n = end - start
                for k in range(n):
                    feats[start + k].append(f"lx={tag}|{_place(k, n)}")
                feats[start].append(f"lxs={tag}|{n}")
    return feats


def char_features(text: str) -> list[list[str]]:
    """Per character: the characters within two places, their bigrams, classes and cues."""
    chars = ["^2", "^1", *(normal(c) for c in text), "$1", "$2"]
    classes = ["^", "^", *(char_class(c) for c in text), "$", "$"]
    feats = []
    for i in range(2, len(chars) - 2):
        c = chars
        feats.append([
            f"u-2={c[i - 2]}", f"u-1={c[i - 1]}", f"u0={c[i]}", f"u1={c[i + 1]}", f"u2={c[i + 2]}",
            f"b-2={c[i - 2]}{c[i - 1]}", f"b-1={c[i - 1]}{c[i]}", f"b0={c[i]}{c[i + 1]}",
            f"b1={c[i + 1]}{c[i + 2]}", f"t={c[i - 1]}{c[i]}{c[i + 1]}",
            f"cl={classes[i - 1]}{classes[i]}{classes[i + 1]}",
            f"sn={c[i] in SURNAMES}|{c[i - 1] in SURNAMES}",
        ])
    return feats


def sentence_features(text: str, words: Sequence[tuple[str, str]],
                      lexicon: Mapping[str, str]) -> list[list[str]]:
    """All feature strings of each character of one sentence (words must spell the text)."""
    if "".join(w for w, _ in words) != text:
        raise ValueError("the words do not spell the sentence")
    by_char = char_features(text)
    for i, extra in enumerate(word_features(words)):
        by_char[i] += extra
    for i, extra in enumerate(lexicon_features(text, lexicon)):
        by_char[i] += extra
    return by_char
