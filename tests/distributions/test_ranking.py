"""`distkit fit --best DATAFILE`: every registered family that accepts the data, ranked by AIC,
with the skipped ones and their reasons."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from scipy import stats

from distkit.cli import cli
from distkit.distributions import Gaussian
from distkit.distributions.goodness import discrete_statistics
from distkit.distributions.ranking import rank_data
from distkit.plugins import get_registry
from tests.core.conftest import PluginSite
from tests.distributions.test_fitting import odd_plugin


def best(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["fit", "--best", *map(str, args)])


def write(tmp_path: Path, values: np.ndarray, name: str = "data.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(repr(float(v)) for v in values) + "\n")
    return path


def test_normal_data_rank_gaussian_first_and_binomial_is_skipped_with_its_reason(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, np.random.default_rng(0).normal(5, 2, 2_000))
    result = best(path, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [r["distribution"] for r in report["ranking"]] == ["gaussian"]
    (skipped,) = report["skipped"]
    assert skipped["distribution"] == "binomial"
    assert "discrete" in skipped["reason"]
    assert "line 1" in skipped["reason"]


def test_scores_are_aic_bic_and_the_log_likelihood_of_the_fit(tmp_path: Path) -> None:
    values = np.random.default_rng(1).normal(0, 1, 500)
    ranking = rank_data(get_registry(), values, tmp_path / "d.txt")
    (entry,) = ranking.ranked
    fitted = Gaussian.fit(values)
    loglik = stats.norm(fitted.mean, fitted.stdev).logpdf(values).sum()
    assert entry.value("loglik") == pytest.approx(loglik, rel=1e-9)
    assert entry.value("aic") == pytest.approx(2 * 2 - 2 * loglik, rel=1e-9)
    assert entry.value("aicc") == pytest.approx(2 * 2 - 2 * loglik + 12 / 497, rel=1e-9)
    assert entry.value("bic") == pytest.approx(2 * math.log(500) - 2 * loglik, rel=1e-9)
    frozen = stats.norm(fitted.mean, fitted.stdev)
    assert entry.value("ks") == pytest.approx(stats.kstest(values, frozen.cdf).statistic, rel=1e-9)
    cvm = stats.cramervonmises(values, frozen.cdf).statistic
    assert entry.value("cvm") == pytest.approx(cvm, rel=1e-9)
    assert entry.weight == 1.0


def test_discrete_ks_compares_the_ecdf_after_ties() -> None:
    data = np.array([0.0, 1.0, 1.0, 2.0])
    grid = np.array([0.0, 1.0, 2.0])
    cdf = np.array([0.25, 0.5, 1.0])  # the fitted cdf at each whole number
    mass = np.array([0.25, 0.25, 0.5])
    statistics = discrete_statistics(data, grid, cdf, mass)
    assert statistics.ks == pytest.approx(0.25)  # ECDF(1) = 0.75 vs 0.5
    assert statistics.cvm == pytest.approx(4 * 0.25**2 * 0.25)


def test_trials_rank_binomial_and_a_plugin_together(site: PluginSite, tmp_path: Path) -> None:
    odd_plugin(site, fit="return cls(float(np.mean(data)))")
    path = write(tmp_path, np.array([0, 1, 1, 0, 1, 1, 1, 0]))
    result = best(path, "--json")
    assert result.exit_code == 0, result.output
    names = {r["distribution"] for r in json.loads(result.stdout)["ranking"]}
    assert names == {"gaussian", "binomial", "odd"}


def test_a_misbehaving_plugin_is_skipped_naming_it_and_the_ranking_stands(
    site: PluginSite, tmp_path: Path
) -> None:
    odd_plugin(site, fit="raise SystemExit(4)")
    path = write(tmp_path, np.random.default_rng(2).normal(0, 1, 100))
    result = best(path)
    assert result.exit_code == 0, result.output
    assert "gaussian" in result.stdout
    assert "odd (oddplugin): plugin 'oddplugin' failed fitting odd: SystemExit: 4" in result.stdout


def test_a_plugin_without_logpdf_is_scored_with_log_of_pdf(
    site: PluginSite, tmp_path: Path
) -> None:
    odd_plugin(site)  # pdf only: a normal density with sigma 1 around the mean
    values = np.random.default_rng(3).normal(0.5, 1, 300)
    ranking = rank_data(get_registry(), values, tmp_path / "d.txt")
    (odd,) = [r for r in ranking.ranked if r.name == "odd"]
    expected = np.log(np.exp(-((values - values.mean()) ** 2) / 2) / 2.5066).sum()
    assert odd.value("loglik") == pytest.approx(expected)


def test_a_fit_that_gives_some_value_zero_probability_is_skipped(
    site: PluginSite, tmp_path: Path
) -> None:
    odd_plugin(site, pdf="x = np.asarray(x, dtype=float)\nreturn np.where(x > 0, 1.0, 0.0)")
    ranking = rank_data(get_registry(), np.array([1.0, -2.0, 3.0]), tmp_path / "d.txt")
    (skipped,) = [s for s in ranking.skipped if s.name == "odd"]
    assert "value 2 (-2) zero probability" in skipped.reason


def test_plot_draws_the_best_fits(tmp_path: Path) -> None:
    path = write(tmp_path, np.random.default_rng(4).normal(0, 1, 300))
    png = tmp_path / "best.png"
    result = best(path, "--plot", png)
    assert result.exit_code == 0, result.output
    assert png.read_bytes().startswith(b"\x89PNG")
    assert best(path, "--plot", png).exit_code == 2  # exists, no --force


def test_best_takes_only_the_data_file(tmp_path: Path) -> None:
    path = write(tmp_path, np.array([1.0, 2.0]))
    result = CliRunner().invoke(cli, ["fit", "--best", "gaussian", str(path)])
    assert result.exit_code == 2
    assert "give only DATAFILE" in result.stderr


def test_nothing_fits_is_still_a_ranking_with_every_family_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, np.array([1.5, 1.5]))
    result = best(path, "--json")
    report = json.loads(result.stdout)
    assert report["ranking"] == []
    assert {s["distribution"] for s in report["skipped"]} == {"gaussian", "binomial"}


def test_best_with_nothing_fitted_lists_why_and_exits_non_zero(tmp_path: Path) -> None:
    data = tmp_path / "const.txt"
    data.write_text("3\n3\n3\n3\n")
    shown = CliRunner().invoke(cli, ["fit", "--best", str(data)])
    assert shown.exit_code == 2
    assert "gaussian (distkit.distributions): data must vary" in shown.stdout
    assert shown.stderr.splitlines() == [
        f"Error: {data}: cannot fit any distribution to this data: no family could be fitted; "
        "each one's reason is under skipped"
    ]
    as_json = CliRunner().invoke(cli, ["fit", "--best", str(data), "--json"])
    assert as_json.exit_code == 2
    assert json.loads(as_json.stdout)["ranking"] == []
