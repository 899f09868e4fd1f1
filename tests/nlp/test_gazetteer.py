"""The gazetteer: aliases to canonical ids, short forms, context resolution, user files."""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from fincorpus.corpus.model import Entity
from fincorpus.nlp.gazetteer import Gazetteer, GazetteerError, default_gazetteer
from fincorpus.nlp.trie import AliasTrie

from tests.nlp.samples import sample_sentences, stems_with_body


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return default_gazetteer()


@pytest.mark.parametrize(("alias", "id_"), [
    ("美国", "Q30"), ("美方", "Q30"), ("美", "Q30"), ("美利坚", "Q30"), ("US", "Q30"),
    ("特朗普", "Q22686"), ("川普", "Q22686"), ("特朗普总统", "Q22686"),
    ("美联储", "Q53536"), ("联储", "Q53536"), ("Fed", "Q53536"),
    ("中国人民银行", "org:pboc"), ("人民银行", "org:pboc"), ("中国央行", "org:pboc"),
    ("欧盟", "Q458"), ("北约", "Q7184"), ("金砖国家", "org:brics"), ("日本", "Q17"),
    ("日方", "Q17"), ("英伟达", "Q182477"), ("NVIDIA", "Q182477"), ("台积电", "Q713418"),
    ("国际货币基金组织", "Q7804"), ("IMF", "Q7804"), ("世界银行", "Q7164"), ("WTO", "Q7825"),
    ("欧佩克", "Q7795"), ("习近平", "Q15031"), ("鲍威尔", "per:jerome-powell"),
    ("贝森特", "per:scott-bessent"), ("美国财政部", "org:us-treasury"), ("华", "Q148"),
    ("我国", "Q148"), ("美國", "Q30"),
])
def test_gazetteer_lookup_alias(gaz: Gazetteer, alias: str, id_: str) -> None:
    assert [e.id for e in gaz.lookup(alias)] == [id_]


@pytest.mark.parametrize(("alias", "some"), [
    ("央行", {"org:pboc", "Q53536", "Q8901", "org:boj"}),
    ("财政部", {"org:mof-china", "org:us-treasury", "org:mof-japan"}),
    ("外交部", {"org:mfa-china", "org:us-state"}),
    ("总统", {"Q22686", "Q6279", "Q7747"}),
])
def test_gazetteer_lookup_ambiguous(gaz: Gazetteer, alias: str, some: set[str]) -> None:
    assert some <= {e.id for e in gaz.lookup(alias)}


def test_gazetteer_size_and_ids(gaz: Gazetteer) -> None:
    assert len(gaz) >= 300
    for entry in gaz._entries.values():
        assert re.fullmatch(r"Q[1-9]\d*|[a-z]+:[a-z0-9][a-z0-9.-]*", entry.id)
        assert entry.type in ("PER", "LOC", "ORG") and entry.label and entry.name


def _found(gaz: Gazetteer, text: str, when: date | None = None) -> list[tuple[str, str | None]]:
    return [(e.text, e.id) for e in gaz.find(text, when)]


@pytest.mark.parametrize(("text", "expected"), [
    ("中美关系趋稳", [("中", "Q148"), ("美", "Q30")]),
    ("美日韩三方会谈", [("美", "Q30"), ("日", "Q17"), ("韩", "Q884")]),
    ("对华加征关税", [("华", "Q148")]),
    ("访美期间", [("美", "Q30")]),
    ("其中美国减持", [("美国", "Q30")]),
    ("其中美日两国", [("美", "Q30"), ("日", "Q17")]),
    ("集中国力", [("中国", "Q148")]),
    ("从中国台湾迁出", [("中国台湾", "Q865")]),
    ("从中美关系看", [("中", "Q148"), ("美", "Q30")]),
    ("金砖国家财长和央行行长会议", [("金砖国家", "org:brics")]),
    ("对美元资产的信心", []),
    ("集中美元资产", []),
    ("美中不足的是", []),
    ("中美洲国家", [("中美洲", "loc:central-america")]),
    ("中美元首会晤", [("中", "Q148"), ("美", "Q30")]),
    ("在日内瓦举行", [("日内瓦", "Q71")]),
    ("在日前举行的会议", []),
    ("对华为的制裁", [("华为", "Q160120")]),
    ("美丽的风景", []),
    ("日益严峻", []),
    ("高通胀压力", []),
    ("美元指数", []),
    ("USD and US", [("US", "Q30")]),
    ("the Fed and fed", [("Fed", "Q53536")]),
    ("美国财政部公布", [("美国财政部", "org:us-treasury")]),
    ("中国人民银行宣布", [("中国人民银行", "org:pboc")]),
    ("全球央行持续购金", []),
    ("白俄罗斯", [("白俄罗斯", "Q184")]),
])
def test_gazetteer_find(gaz: Gazetteer, text: str, expected: list) -> None:
    assert _found(gaz, text) == expected


@pytest.mark.parametrize(("text", "span", "id_", "how"), [
    ("中国外储稳定，央行连续增持黄金。", "央行", "org:pboc", "sentence"),
    ("日本通胀走高，央行考虑加息。", "央行", "org:boj", "sentence"),
    ("美国债务高企。财政部表示将继续发债。", "财政部", "org:us-treasury", "text"),
    ("特朗普签署总统公告。", "总统", "Q22686", "sentence"),
    ("德国财长直接警告。", "财长", None, None),
    ("商务部发布公告。", "商务部", None, None),
])
def test_gazetteer_context_resolution(gaz: Gazetteer, text: str, span: str, id_, how) -> None:
    entity = next(e for e in gaz.find(text) if e.text == span)
    assert entity.id == id_
    if id_ is None:
        assert len(entity.value["candidates"]) >= 1
    else:
        assert entity.value == {"resolved_by": how}


def test_gazetteer_dominant_country(gaz: Gazetteer) -> None:
    text = "美国经济放缓。美国通胀回落。中国出口增长。央行宣布降息。"
    assert next(e for e in gaz.find(text) if e.text == "央行").id == "Q53536"


def test_gazetteer_office_holder_by_date(gaz: Gazetteer) -> None:
    assert _found(gaz, "美国总统表示", date(2022, 6, 1)) == [("美国总统", "Q6279")]
    assert _found(gaz, "美国总统表示", date(2026, 1, 1)) == [("美国总统", "Q22686")]
    assert _found(gaz, "美国总统表示") == [("美国总统", "Q22686")]


def test_gazetteer_spans_round_trip(gaz: Gazetteer) -> None:
    text = "英伟达、AMD对华AI芯片须经美国清关，台积电代工；欧盟与北约、金砖国家表态。"
    found = gaz.find(text)
    assert [e.text for e in found] == ["英伟达", "AMD", "华", "美国", "台积电", "欧盟", "北约",
                                       "金砖国家"]
    assert all(text[e.start:e.end] == e.text for e in found)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_gazetteer_link_model_spans(gaz: Gazetteer) -> None:
    text = "美方与欧方会谈，张三出席。"
    spans = [Entity("美方", "LOC", 0, 2), Entity("欧方", "LOC", 3, 5),
             Entity("张三", "PER", 8, 10)]
    linked = gaz.link(spans, text)
    assert [(e.text, e.id) for e in linked] == [("美方", "Q30"), ("欧方", None), ("张三", None)]


# --- the fast scan finds what trying every position finds ---

def _plain_scan(trie: AliasTrie, text: str, accept) -> list:
    taken, start = [], 0
    while start < len(text):
        for end, payload in trie.matches_at(text, start):
            if accept(start, end, payload):
                taken.append((start, end, payload))
                start = end
                break
        else:
            start += 1
    return taken


def test_gazetteer_trie_scan_tries_every_position_a_key_begins() -> None:
    trie = AliasTrie()
    for key in ["a", "ab", "]x", "-^", "\\d", "中美", "中国人民银行", "国", "美国", "人民"]:
        trie.add(key, key.upper())
    rnd = random.Random(7)
    for _ in range(500):
        text = "".join(rnd.choice("ab]x-^\\d中美国人民银行 .") for _ in range(rnd.randint(0, 20)))
        begins = {p for p in range(len(text)) if trie.matches_at(text, p)}
        assert begins <= set(trie.starts(text))
        for accept in (lambda s, e, p: True, lambda s, e, p: (s + e) % 3 != 0):
            assert trie.scan(text, accept) == _plain_scan(trie, text, accept)


def test_gazetteer_find_and_link_same_as_trying_every_position() -> None:
    fast, plain = Gazetteer.load(), Gazetteer.load()
    plain._trie._starts = re.compile(r"(?s).")  # every position a candidate
    rnd = random.Random(11)
    aliases = list(fast._aliases)[::7]
    tricky = ["美", "中美", "对华", "其中", "USD", "US", "Fed", "fed", "A", "1", " ", "。"]
    texts = ["".join(sample_sentences(stem)) for stem in sorted(stems_with_body())]
    texts += ["".join(rnd.choice(aliases) if rnd.random() < 0.5 else rnd.choice(tricky)
                      for _ in range(rnd.randint(1, 12))) for _ in range(300)]
    for text in texts:
        for when in (None, date(2022, 6, 1)):
            found = fast.find(text, when)
            assert found == plain.find(text, when), text
            spans = [replace(e, id=None, value=None) for e in found[::2]]
            spans += [Entity(text[i:i + 2], "ORG", i, i + 2) for i in range(0, len(text) - 1, 5)]
            assert fast.find_and_link(text, spans, when) == (found, plain.link(spans, text, when))


# --- user files ---

GOOD = """
LOC = [
  { id = "Q30", kind = "country", label = "United States", name = "美国", short = ["美"], aliases = ["美方"] },
  { id = "Q148", kind = "country", label = "China", name = "中国", short = ["中"] },
]
ORG = [
  { id = "org:pboc", label = "People's Bank of China", name = "中国人民银行", country = "Q148" },
  { id = "Q53536", label = "Federal Reserve", name = "美联储", country = "Q30" },
]
[[role]]
aliases = ["央行"]
type = "ORG"
label = "central bank"
holders = [{ country = "Q148", id = "org:pboc" }, { country = "Q30", id = "Q53536" }]
[short_forms]
compounds = ["中美"]
"""


def test_gazetteer_load_user_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(GOOD, "utf-8")
    gaz = Gazetteer.load(path)
    assert len(gaz) == 4 and gaz.source == str(path)
    assert _found(gaz, "中美两国央行；美国央行") == [("中", "Q148"), ("美", "Q30"),
                                              ("央行", "Q53536"), ("美国央行", "Q53536")]
    assert _found(gaz, "央行开会") == [("央行", None)]


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t + "\n[[[", "not valid TOML"),
    (lambda t: t.replace('name = "美联储", ', ""), "ORG entry 2 (Q53536): 'name' must be"),
    (lambda t: t.replace('"org:pboc", label', '"PBOC!", label'), "id must be a Wikidata QID"),
    (lambda t: t.replace('kind = "country", label = "China"', 'knd = "x", label = "China"'),
     "unknown key 'knd'"),
    (lambda t: t.replace('id = "Q148"', 'id = "Q30"'), "id Q30 is used twice"),
    (lambda t: t.replace('country = "Q148" }', 'country = "Q999" }'), "country Q999 is not an entry"),
    (lambda t: t.replace('id = "org:pboc" }', 'id = "org:nobody" }'), "org:nobody is not an entry"),
    (lambda t: t.replace('type = "ORG"', 'type = "PER"'), "holder org:pboc is ORG"),
    (lambda t: t.replace('aliases = ["美方"]', 'aliases = ["美方", "中国人民银行"]'),
     "alias 中国人民银行 names both"),
    (lambda t: t.replace('compounds = ["中美"]', 'compounds = ["其他"]'), "holds no short form"),
    (lambda t: t.replace('short = ["中"]', 'short = ["美"]'), "short form 美 is given to both"),
])
def test_gazetteer_bad_file_one_line_error(tmp_path: Path, change, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(change(GOOD), "utf-8")
    with pytest.raises(GazetteerError) as caught:
        Gazetteer.load(path)
    text = str(caught.value)
    assert message in text and str(path) in text and "\n" not in text


def test_gazetteer_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="cannot read"):
        Gazetteer.load(tmp_path / "absent.toml")
