"""benchmarks/extraction.py's floors: the gate CI runs on the real pages must be able to fail."""

from __future__ import annotations

import pytest

from tests.support.benchmarks import load_benchmark


@pytest.fixture(scope="module")
def bench():
    return load_benchmark("extraction")


def _table(ours: float, rival: float) -> list[dict]:
    return [{"group": "other", "tool": "fincorpus", "f1": ours, "pages_with_leaks": 0},
            {"group": "other", "tool": "readability", "f1": rival, "pages_with_leaks": 0}]


def test_margin_floor_fails_when_a_rival_is_ahead(bench) -> None:
    [line] = bench.check_floors(_table(0.990, 0.993), {"margin": 0.0})
    assert "readability" in line and "0.9900" in line
    assert bench.check_floors(_table(0.993, 0.993), {"margin": 0.0}) == []
    assert bench.check_floors(_table(0.990, 0.993), {"margin": 0.005}) == []


def test_group_floor_and_unknown_floor_names(bench) -> None:
    assert bench.check_floors(_table(0.99, 0.9), {"other": 0.993})
    with pytest.raises(Exception, match="margin="):
        bench.parse_floor("speed=2")


def test_third_party_labels_are_scored_on_the_reader_view(bench, tmp_path) -> None:
    from fincorpus.scrapers.evaluate import Truth

    label = Truth(tmp_path / "p.html", "body", "第一段。\n图为码头\n第二段。", keeps_captions=True)
    page = bench.Page(tmp_path / "p.html", b"", "", label)
    output = bench.Output("第一段。\n第二段。", reader="第一段。\n图为码头\n第二段。")
    assert bench.score(page, "fincorpus", output, 1.0).f1 == 1.0
    body_only = bench.score(page, "fincorpus body", bench.Output("第一段。\n第二段。"), 1.0)
    assert body_only.recall < 1.0
