"""Stance targets: the bundled list, aliases shared with the gazetteer, mentions, bad files."""

from __future__ import annotations

import pytest

from fincorpus.corpus.errors import BadInput
from fincorpus.nlp.gazetteer import default_gazetteer
from fincorpus.nlp.stance_targets import LABELS, Target, Targets, default_targets


def test_stance_targets_labels_sorted() -> None:
    assert LABELS == ("AGAINST", "FAVOR", "NONE") == tuple(sorted(LABELS))


def test_stance_targets_bundled() -> None:
    targets = default_targets()
    assert default_targets() is targets  # loaded once per process
    names = {t.name for t in targets}
    assert {"美国", "中国", "特朗普", "美债", "美元", "黄金", "稀土", "日本", "欧盟", "美联储",
            "俄罗斯"} <= names
    assert targets.get("美国").id == "Q30" and targets.get("Q148").name == "中国"
    assert targets.get("特朗普").id == "Q22686"
    assert targets.get("美债").id == "term:us-treasuries" and not targets.get("美债").is_actor
    # gazetteer aliases are shared, not copied into targets.toml
    assert {"美方", "美利坚"} <= set(targets.get("美国").aliases)
    assert targets.get("nothing") is None


@pytest.mark.parametrize(("text", "expected"), [
    ("美方再次施压", [("美国", "美方")]),
    ("中国减持美国国债", [("中国", "中国"), ("美债", "美国国债")]),  # longest alias wins
    ("美元霸权与黄金储备", [("美元", "美元"), ("黄金", "黄金储备")]),
    ("懂王又签了行政令", [("特朗普", "懂王")]),
    ("美国债务总额逼近40万亿美元", [("美国", "美国")]),
    ("稀土价格上涨", [("稀土", "稀土")]),
    ("没有任何目标", []),
])
def test_stance_targets_mentions_by_alias(text: str, expected: list[tuple[str, str]]) -> None:
    found = default_targets().mentions(text)
    assert [(t.name, text[a:b]) for t, a, b in found] == expected


def test_stance_targets_mentions_with_entities() -> None:
    """The gazetteer's entities catch 中美's 美 and 对华's 华, which no alias can."""
    targets = default_targets()
    text = "中美博弈中，美国对华加征关税"
    entities = default_gazetteer().find(text)
    found = [(t.name, text[a:b]) for t, a, b in targets.mentions(text, entities)]
    assert found == [("中国", "中"), ("美国", "美"), ("美国", "美国"), ("中国", "华"),
                     ("关税", "加征关税")]
    assert [t.name for t in targets.mentioned(text, entities)] == ["中国", "美国", "关税"]
    assert [t.name for t in targets.mentioned(text)] == ["美国", "关税"]
    spans = [(a, b) for _, a, b in targets.mentions(text, entities)]
    assert all(b <= c for (_, b), (c, _) in zip(spans, spans[1:]))  # no overlaps


def test_stance_targets_resolve() -> None:
    targets = default_targets()
    assert targets.resolve("美方") is targets.get("美国")
    assert targets.resolve("Q30") is targets.get("美国")
    known = targets.get("黄金")
    assert targets.resolve(known) is known
    adhoc = targets.resolve("开放二胎")
    assert adhoc == Target("开放二胎", "adhoc:开放二胎", ("开放二胎", "开放", "二胎"))
    assert adhoc.is_adhoc and not adhoc.is_actor
    assert targets.mentions_of(adhoc, "支持开放二胎，二胎家庭") == [(2, 6), (7, 9)]
    with pytest.raises(ValueError):
        targets.resolve("  ")


def test_stance_targets_user_file(tmp_path) -> None:
    path = tmp_path / "targets.toml"
    path.write_text('target = [\n  { name = "美国", gazetteer = "Q30" },\n'
                    '  { name = "比特币", id = "term:bitcoin", aliases = ["BTC"] },\n]\n',
                    encoding="utf-8")
    targets = Targets.load(path)
    assert [t.name for t in targets] == ["美国", "比特币"] and len(targets) == 2
    assert [t.name for t in targets.mentioned("美方打压BTC")] == ["美国", "比特币"]


@pytest.mark.parametrize(("content", "message"), [
    ("target = [ { name = ", "not valid TOML"),
    ("targets = []", "expected one non-empty array 'target"),
    ('target = [\n  { name = "黄金", id = "term:gold", colour = "gold" },\n]', "line 2, target 1 (黄金): unknown key 'colour'"),
    ('target = [\n  { name = "黄金" },\n]', "line 2, target 1 (黄金): give exactly one of"),
    ('target = [\n  { name = "黄金", id = "gold" },\n]', "id 'gold' must be a slug"),
    ('target = [\n  { name = "火星", gazetteer = "Q111" },\n]', "gazetteer id 'Q111' is not an entry"),
    ('target = [\n  { name = "黄金", id = "term:gold", aliases = "金" },\n]', "'aliases' must be a list"),
    ('target = [\n  { name = "黄金", id = "term:gold" },\n  { name = "金子", id = "term:gold" },\n]', "line 3, target 2 (金子): name or id repeats"),
    ('target = [\n  { name = "黄金", id = "term:gold" },\n  { name = "金子", id = "term:au", aliases = ["黄金"] },\n]', "alias 黄金 already belongs to 黄金"),
])
def test_stance_targets_bad_file(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "bad_targets.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        Targets.load(path)
    text = str(caught.value)
    assert message in text and text.startswith(str(path)) and "\n" not in text


def test_stance_targets_missing_file(tmp_path) -> None:
    with pytest.raises(BadInput, match="cannot read the targets file"):
        Targets.load(tmp_path / "absent.toml")
