"""The parsimony rule of the ranking's top fit: among fits within 2 of the lowest AIC (AICc,
BIC), the one with the fewest free parameters (Burnham and Anderson)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from distkit.distributions.goodness import Criteria
from distkit.distributions.ranking import PARSIMONY_DELTA, RankSettings, parsimonious, rank_data

fits = st.lists(
    st.tuples(st.floats(-1e4, 1e4, allow_nan=False), st.integers(1, 5)), min_size=1, max_size=10
)


def _fake(loglik: float, k: int) -> Any:
    return SimpleNamespace(fit=SimpleNamespace(k=k), criteria=Criteria(loglik, k, 100))


@settings(max_examples=200, deadline=None)
@given(fits, st.sampled_from(["aic", "aicc", "bic"]))
def test_the_choice_is_the_simplest_fit_within_two_of_the_lowest(
    values: list[tuple[float, int]], by: str
) -> None:
    group = [_fake(loglik, k) for loglik, k in values]
    chosen = parsimonious(group, by)
    lowest = min(getattr(s.criteria, by) for s in group)
    near = [s for s in group if getattr(s.criteria, by) - lowest < PARSIMONY_DELTA]
    assert chosen in near
    assert chosen.fit.k == min(s.fit.k for s in near)
    same_k = [s for s in near if s.fit.k == chosen.fit.k]
    assert getattr(chosen.criteria, by) == min(getattr(s.criteria, by) for s in same_k)


def test_a_normal_sample_where_t_wins_aic_by_less_than_two_ranks_the_normal_first() -> None:
    data = np.random.default_rng(80).normal(10, 2, 200)
    plain = rank_data(None, data, Path("d"), RankSettings(families=("norm", "t"), parsimony=False))
    aic = {entry.name: entry.value("aic") for entry in plain.ranked}
    assert 0 < aic["norm"] - aic["t"] < PARSIMONY_DELTA  # the case the rule is about
    assert [entry.name for entry in plain.ranked] == ["t", "norm"]

    ranked = rank_data(None, data, Path("d"), RankSettings(families=("norm", "t"))).ranked
    assert [entry.name for entry in ranked] == ["norm", "t"]
    assert ranked[0].notes == ("within 2 of the lowest AIC, fewest parameters",)
    assert ranked[1].notes == ()
    assert ranked[0].weight < ranked[1].weight  # the Akaike weights are still AIC's


def test_no_rule_for_the_distance_statistics() -> None:
    data = np.random.default_rng(80).normal(10, 2, 200)
    ranked = rank_data(None, data, Path("d"), RankSettings(families=("norm", "t"), by="ks"))
    statistics = [entry.value("ks") for entry in ranked.ranked]
    assert statistics == sorted(statistics)
    assert all(entry.notes == () for entry in ranked.ranked)


def test_the_table_says_when_its_first_row_is_there_by_the_rule(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from distkit.cli import cli

    data = tmp_path / "normal.txt"
    np.savetxt(data, np.random.default_rng(80).normal(10, 2, 200))
    runner = CliRunner()
    promoted = runner.invoke(cli, ["fit", "--best", str(data), "--families", "norm,t"])
    plain = runner.invoke(cli, ["fit", "--best", str(data), "--families", "norm"])
    assert promoted.exit_code == 0, promoted.output
    assert plain.exit_code == 0, plain.output
    rule = "best first by AIC (first: the fewest parameters within 2 of the lowest):"
    assert rule in promoted.output
    assert "best first by AIC:" in plain.output
