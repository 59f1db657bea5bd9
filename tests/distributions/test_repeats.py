"""One distribution under several names (chi2, erlang and pearson3 beside gamma; the built-in
Gaussian beside scipy's norm) is ranked once: the repeats are marked, share no Akaike weight,
and are passed over for the top fits that get plots, p-values and intervals."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import stats

from distkit.cli import cli
from distkit.distributions.ranking import RankSettings, rank_data

FAMILIES = ("gamma", "chi2", "pearson3", "lognorm", "norm")


@pytest.fixture(scope="module")
def values() -> np.ndarray:
    return np.asarray(stats.gamma(2.5, scale=3).rvs(400, random_state=7), dtype=np.float64)


def test_the_same_fit_under_other_names_is_marked_and_weighs_nothing(values: np.ndarray) -> None:
    ranking = rank_data(None, values, Path("d"), RankSettings(families=FAMILIES))
    names = [entry.name for entry in ranking.ranked]
    repeats = {entry.name: entry.same_as for entry in ranking.ranked if entry.same_as}
    first_gamma_like = next(n for n in names if n in {"gamma", "chi2", "pearson3"})
    assert repeats == {
        name: first_gamma_like for name in {"gamma", "chi2", "pearson3"} - {first_gamma_like}
    }
    distinct = [entry for entry in ranking.ranked if entry.same_as is None]
    assert math.fsum(entry.weight for entry in distinct) == pytest.approx(1.0)
    assert all(entry.weight == 0.0 for entry in ranking.ranked if entry.same_as)
    assert [entry.name for entry in ranking.top(3)] == [e.name for e in distinct[:3]]
    for entry in ranking.ranked:
        if entry.same_as is not None:
            original = next(e for e in ranking.ranked if e.name == entry.same_as)
            grid = np.quantile(values, np.linspace(0, 1, 50))
            gap = np.abs(entry.fit.scipy.frozen().cdf(grid) - original.fit.scipy.frozen().cdf(grid))
            assert gap.max() <= 1e-3


def test_different_fits_with_close_likelihoods_are_not_repeats() -> None:
    values = np.random.default_rng(80).normal(10, 2, 200)  # t wins AIC by 0.55 over norm
    ranking = rank_data(None, values, Path("d"), RankSettings(families=("norm", "t", "logistic")))
    assert all(entry.same_as is None for entry in ranking.ranked)


def test_the_table_and_the_json_say_which_fit_a_row_repeats(
    tmp_path: Path, values: np.ndarray
) -> None:
    data = tmp_path / "gamma.txt"
    np.savetxt(data, values)
    runner = CliRunner()
    table = runner.invoke(cli, ["fit", "--best", str(data), "--families", "gamma,chi2,norm"])
    assert table.exit_code == 0, table.output
    assert "=gamma" in table.output or "=chi2" in table.output
    assert "=norm" in table.output  # the built-in gaussian is scipy's norm fitted again
    as_json = runner.invoke(cli, ["fit", "--best", str(data), "--families", "gamma,chi2", "--json"])
    rows = json.loads(as_json.stdout)["ranking"]
    assert sorted(str(row["same_as"]) for row in rows if row["distribution"] != "gaussian") in (
        ["None", "gamma"],
        ["None", "chi2"],
    )


def test_erlang_keeps_a_whole_shape(values: np.ndarray) -> None:
    ranking = rank_data(None, values, Path("d"), RankSettings(families=("erlang",)))
    (erlang,) = [entry for entry in ranking.ranked if entry.name == "erlang"]
    (shape,) = erlang.fit.scipy.args
    assert shape == int(shape)
    assert shape in (2, 3)
    large = np.asarray(stats.gamma(3, scale=2).rvs(3000, random_state=4), dtype=np.float64)
    ranking = rank_data(None, large, Path("d"), RankSettings(families=("erlang",)))
    (erlang,) = [entry for entry in ranking.ranked if entry.name == "erlang"]
    assert erlang.fit.scipy.args == (3,)
    assert erlang.fit.fitted_on == 3000
