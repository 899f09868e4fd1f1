"""The labeling scheme: the bundled file, lookups, and one-line refusals of bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from fincorpus.annotations.scheme import Scheme
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Label


def test_scheme_bundled_names_the_three_fields():
    scheme = Scheme.load()
    assert [(f.name, f.kind) for f in scheme.fields] == [
        ("stance", "choice"), ("frames", "multi"), ("entities", "span")]
    assert scheme.get("stance").choices == ("FAVOR", "AGAINST", "NONE")
    assert "MONEY" in scheme.get("entities").choices


def test_scheme_frames_are_the_frame_scorers_names():
    from fincorpus.nlp.frames import FRAMES

    assert set(Scheme.load().get("frames").choices) == set(FRAMES)


def test_scheme_lookups_per_target_and_by_value():
    scheme = Scheme.load()
    assert scheme.get("stance:美联储").name == "stance"
    assert scheme.get("frames:美联储") is None  # frames is not per target
    assert scheme.qualify("stance", "美联储") == "stance:美联储"
    assert scheme.qualify("frames", "美联储") == "frames"
    assert scheme.field_for("AGAINST") == "stance"
    assert scheme.field_for("morality") == "frames"
    assert scheme.field_for("ORG", span=True) == "entities"
    assert scheme.field_for("whatever") is None


GOOD = '[[field]]\nname = "stance"\nkind = "choice"\nchoices = ["FAVOR", "AGAINST"]\n'


@pytest.mark.parametrize("text, words", [
    (GOOD.replace('"choice"', '"ranking"'), ["unknown kind 'ranking'", "choice, multi, span"]),
    (GOOD.replace('["FAVOR", "AGAINST"]', "[]"), ["choices must be a non-empty list"]),
    (GOOD + GOOD, ["'stance' is given twice"]),
    (GOOD.replace('"AGAINST"', '"FAVOR"'), ["choice 'FAVOR' is listed twice"]),
    (GOOD + 'colour = "red"\n', ["unknown key 'colour'"]),
    (GOOD.replace('kind', 'kind = ', 1), ["not valid TOML"]),
    ("title = 'x'\n", ["[[field]]"]),
    (GOOD + 'unit = "paragraph"\n', ["unknown unit 'paragraph'"]),
])
def test_scheme_refuses_bad_file_in_one_line(tmp_path: Path, text: str, words: list[str]):
    path = tmp_path / "my_scheme.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput) as caught:
        Scheme.load(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message
    for word in words:
        assert word in message


def test_scheme_user_file_replaces_bundled(tmp_path: Path):
    path = tmp_path / "mine.toml"
    path.write_text(GOOD, encoding="utf-8-sig")
    scheme = Scheme.load(path)
    assert [f.name for f in scheme.fields] == ["stance"] and scheme.source == str(path)


def test_scheme_check_refuses_value_outside_choices():
    scheme = Scheme.load()
    scheme.check([Label("s1", "stance:美联储", "FAVOR", "alice"), Label("x", "topic", "any", "a")])
    with pytest.raises(BadInput, match=r"s1: stance:美联储 value 'FAVOUR' .*--scheme"):
        scheme.check([Label("s1", "stance:美联储", "FAVOUR", "alice", source="a.csv")])
