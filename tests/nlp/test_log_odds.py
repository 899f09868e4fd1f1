"""Weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from fincorpus.corpus.errors import BadInput
from fincorpus.corpus.model import Analysis, Sentence, Token
from fincorpus.nlp.log_odds import COLUMNS, log_odds, word_counts

A = {"减持": 8, "美债": 10, "黄金": 10}
B = {"芯片": 8, "美债": 10, "黄金": 10}


def test_log_odds_matches_the_hand_worked_example() -> None:
    # y_a(x)=3, y_b(x)=1, n_a=n_b=4, α_x=α_y=1, α_0=2:
    # delta_x = log((3+1)/(4+2-3-1)) - log((1+1)/(4+2-1-1)) = log(4/2) - log(2/4) = 2 log 2
    # var_x = 1/(3+1) + 1/(1+1) = 0.75;  z_x = 2 log 2 / sqrt(0.75) = 1.6008
    table = log_odds({"x": 3, "y": 1}, {"x": 1, "y": 3}, prior={"x": 1, "y": 1}, prior_scale=2)
    assert list(table.columns) == COLUMNS
    x = table.set_index("word").loc["x"]
    assert x["delta"] == pytest.approx(2 * math.log(2))
    assert x["variance"] == pytest.approx(0.75)
    assert x["z"] == pytest.approx(2 * math.log(2) / math.sqrt(0.75))
    assert table["word"].tolist() == ["x", "y"]
    assert table.set_index("word").loc["y", "z"] == pytest.approx(-x["z"])


def test_log_odds_default_prior_is_the_pooled_counts() -> None:
    # α_w = y_a + y_b = 8 for 减持, α_0 = n_a + n_b = 56:
    # delta = log(16/(28+56-8-8)) - log(8/(28+56-0-8)) ; var = 1/16 + 1/8
    row = log_odds(A, B).set_index("word").loc["减持"]
    delta = math.log(16 / 68) - math.log(8 / 76)
    assert row["alpha"] == pytest.approx(8)
    assert row["delta"] == pytest.approx(delta)
    assert row["z"] == pytest.approx(delta / math.sqrt(1 / 16 + 1 / 8))


def test_log_odds_swapping_groups_negates_z() -> None:
    forward = log_odds(A, B).set_index("word")
    backward = log_odds(B, A).set_index("word")
    pd.testing.assert_series_equal(forward["z"], -backward["z"].loc[forward.index],
                                   check_names=False)


def test_log_odds_a_word_of_one_group_ranks_top_for_it() -> None:
    table = log_odds(A, B)
    assert table["word"].iloc[0] == "减持"
    assert table["word"].iloc[-1] == "芯片"
    shared = table.set_index("word").loc[["美债", "黄金"], "z"]
    assert shared.abs().max() < 1e-9


def test_log_odds_a_word_missing_from_the_prior_gets_a_small_pseudo_count() -> None:
    table = log_odds(A, B, prior={"美债": 100, "黄金": 100}, prior_scale=50).set_index("word")
    assert table.loc["减持", "alpha"] == pytest.approx(0.01)
    assert table.loc["美债", "alpha"] == pytest.approx(25)
    assert (table["z"].loc[["减持"]] > 0).all()


@pytest.mark.parametrize("a, b, kwargs", [
    ({}, B, {}),
    ({"x": -1, "y": 2}, B, {}),
    (A, B, {"prior_scale": 0}),
    (A, B, {"prior": {"x": -5}}),
])
def test_log_odds_bad_input_is_one_line(a, b, kwargs) -> None:
    with pytest.raises(BadInput) as error:
        log_odds(a, b, **kwargs)
    assert "\n" not in str(error.value)


def _analysis(words: list[str]) -> Analysis:
    text = "".join(words)
    tokens, at = [], 0
    for word in words:
        tokens.append(Token(word, at, at + len(word)))
        at += len(word)
    return Analysis("a1", (Sentence(text, 0, len(text)),), (tuple(tokens),), (), (), ())


def test_word_counts_skips_punctuation_numbers_single_characters_and_stopwords() -> None:
    words = ["中国", "的", "减持", "，", "2025", "美债", "ＡＩ", "我们", "减持"]
    assert word_counts([words]) == {"减持": 2, "中国": 1, "美债": 1, "ai": 1}
    assert word_counts([_analysis(words)]) == word_counts([words])
    assert word_counts([words], stopwords=False)["我们"] == 1
    assert word_counts([words], stopwords=["减持"], min_chars=1)["的"] == 1
    assert "减持" not in word_counts([words], stopwords=["减持"])


def test_word_counts_refuses_a_bare_string() -> None:
    with pytest.raises(TypeError):
        word_counts(["中国减持美债"])
