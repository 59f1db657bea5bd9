"""`distkit fit --best DATAFILE --scipy`: scipy.stats families ranked beside the registered
ones, each row carrying a scipy form that rebuilds its fit, masses and densities apart, and a
family that hangs skipped at its time limit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner, Result
from scipy import stats

from distkit.cli import cli
from distkit.distributions import Gaussian
from tests.core.conftest import PluginSite

SLEEPY = '''
import os
import time
from pathlib import Path

import numpy as np
import pluggy

hookimpl = pluggy.HookimplMarker("distkit")


class Sleepy:
    """A family whose fit never ends; it notes its process id first."""

    name = "sleepy"
    discrete = False
    params = {{}}
    mean = stdev = 0.0

    @classmethod
    def fit(cls, data):
        Path({pidfile!r}).write_text(str(os.getpid()))
        time.sleep(600)
        return cls()

    def pdf(self, x):
        return np.ones_like(x)

    cdf = pdf

    def sample(self, size, seed=None):
        return np.zeros(size)

    def read_data_file(self, path):
        pass


@hookimpl
def register_distributions(register):
    register(Sleepy)
'''


def best(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["fit", "--best", *map(str, args)])


def write(tmp_path: Path, values: np.ndarray, name: str = "data.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(repr(float(v)) for v in values) + "\n")
    return path


def report(*args: str | Path) -> dict[str, Any]:
    result = best(*args, "--json")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no progress bar, nothing extra with --json
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def rebuilt(row: dict[str, Any]) -> Any:
    form = row["scipy"]
    return getattr(stats, form["name"])(*form["args"], **form["kwds"])


def test_every_scipy_form_rebuilds_the_fit_that_was_scored(tmp_path: Path) -> None:
    values = np.random.default_rng(0).gamma(2.0, 3.0, 400)
    ranked = report(write(tmp_path, values), "--families", "norm,gamma,lognorm,expon,weibull_min")
    rows = ranked["ranking"]
    assert {row["distribution"] for row in rows} >= {"gaussian", "gamma", "lognorm", "norm"}
    for row in rows:
        frozen = rebuilt(row)
        loglik = frozen.logpdf(values).sum()
        if any("unbounded density" in note for note in row["notes"]):  # scored by its mean
            assert row["loglik"] < loglik
        else:
            assert loglik == pytest.approx(row["loglik"], rel=1e-9)
        assert stats.kstest(values, frozen.cdf).statistic == pytest.approx(row["ks"], rel=1e-9)


def test_a_spike_at_the_end_of_the_support_buys_no_likelihood(tmp_path: Path) -> None:
    values = stats.expon(scale=2).rvs(500, random_state=8)
    rows = report(write(tmp_path, values), "--families", "expon,exponpow,gamma")["ranking"]
    exponpow = next(row for row in rows if row["distribution"] == "exponpow")
    assert exponpow["notes"] == [
        "unbounded density at the smallest value: scored by its mean up to the next"
    ]
    assert rows[0]["distribution"] == "expon"


def test_a_fit_the_ks_test_rejects_ranks_after_those_it_accepts_though_its_aic_is_lower(
    tmp_path: Path,
) -> None:
    values = stats.beta(0.6, 0.8).rvs(300, random_state=3)
    path = write(tmp_path, values)
    rows = report(path, "--families", "gengamma,beta,powerlaw")["ranking"]
    assert [row["distribution"] for row in rows] == ["beta", "powerlaw", "gaussian", "gengamma"]
    gengamma = rows[-1]
    assert gengamma["ks"] > 0.5  # a spike at one value: nothing like the data
    assert gengamma["aic"] < rows[0]["aic"]
    assert gengamma["weight"] == 0
    assert sum(row["weight"] for row in rows[:3]) == pytest.approx(1)
    assert gengamma["notes"][-1].startswith("KS 0.693 rejects it at 1e-6 (above 0.155)")
    shown = best(path, "--families", "gengamma,beta,powerlaw")
    assert "Ranked last: gengamma: a lower AIC than every fit the KS test accepts" in shown.output
    by_ks = report(path, "--families", "gengamma,beta,powerlaw", "--by", "ks")["ranking"]
    assert all(not row["notes"] or "rejects" not in row["notes"][-1] for row in by_ks)


def test_where_the_ks_test_rejects_every_fit_the_ranking_is_by_aic_alone(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    values = np.concatenate([rng.normal(0, 1, 1000), rng.normal(12, 1, 1000)])
    rows = report(write(tmp_path, values), "--families", "gengamma,norm,cauchy")["ranking"]
    assert all(row["ks"] > 2.69 / np.sqrt(values.size) for row in rows)
    assert [row["aic"] for row in rows] == sorted(row["aic"] for row in rows)
    assert not any("rejects it" in note for row in rows for note in row["notes"])


def test_the_gaussian_row_is_scipys_norm_with_the_same_cdf(tmp_path: Path) -> None:
    values = np.random.default_rng(1).normal(5, 2, 300)
    (row,) = report(write(tmp_path, values))["ranking"]
    fitted = Gaussian(**row["params"])
    grid = np.linspace(-5, 15, 101)
    assert row["scipy"]["name"] == "norm"
    np.testing.assert_allclose(rebuilt(row).cdf(grid), fitted.cdf(grid), rtol=1e-12)


def test_gamma_data_rank_gamma_like_families_first_with_weights_that_sum_to_one(
    tmp_path: Path,
) -> None:
    values = np.random.default_rng(2).gamma(2.0, 3.0, 600)
    rows = report(write(tmp_path, values), "--families", "norm,gamma,expon,uniform")["ranking"]
    assert rows[0]["distribution"] == "gamma"
    assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))
    assert sum(row["weight"] for row in rows) == pytest.approx(1.0)
    assert [row["aic"] for row in rows] == sorted(row["aic"] for row in rows)


def test_whole_numbers_rank_masses_and_densities_apart(tmp_path: Path) -> None:
    values = np.random.default_rng(3).poisson(4.0, 800)
    families = "poisson,nbinom,geom,binom,betabinom,zipf,norm,gamma"
    ranked = report(write(tmp_path, values), "--families", families)
    masses = [r for r in ranked["ranking"] if r["kind"] == "mass"]
    densities = [r for r in ranked["ranking"] if r["kind"] == "density"]
    assert ranked["ranking"] == masses + densities  # masses first, each kind ranked on its own
    assert [r["rank"] for r in masses] == list(range(1, len(masses) + 1))
    assert [r["rank"] for r in densities] == list(range(1, len(densities) + 1))
    assert sum(r["weight"] for r in masses) == pytest.approx(1.0)
    assert masses[0]["distribution"] in {"poisson", "binom", "nbinom"}
    for row in masses:
        assert rebuilt(row).logpmf(values).sum() == pytest.approx(row["loglik"], rel=1e-9)


def test_binomial_counts_with_a_known_n_fit_p_only(tmp_path: Path) -> None:
    values = np.random.default_rng(4).binomial(20, 0.3, 500)
    rows = report(write(tmp_path, values), "--families", "binom", "--param", "n=20")["ranking"]
    scipy_binom = next(r for r in rows if r["distribution"] == "binom")
    assert scipy_binom["scipy"]["args"][0] == 20
    assert scipy_binom["k"] == 1
    course_binomial = next(r for r in rows if r["distribution"] == "binomial")
    assert course_binomial["params"]["size"] == 20
    assert any(r["distribution"] == "gaussian" for r in rows)  # n goes only where it is taken


def test_real_data_get_no_discrete_family(tmp_path: Path) -> None:
    ranked = report(write(tmp_path, np.array([0.5, 1.5, 2.25, 3.0])), "--families", "poisson")
    (skipped,) = [s for s in ranked["skipped"] if s["distribution"] == "poisson"]
    assert "not all whole numbers" in skipped["reason"]


def test_an_unknown_family_is_listed_as_skipped(tmp_path: Path) -> None:
    ranked = report(write(tmp_path, np.array([0.5, 1.5, 2.25])), "--families", "norm,nosuch")
    (skipped,) = [s for s in ranked["skipped"] if s["distribution"] == "nosuch"]
    assert skipped["reason"] == "not a scipy.stats family"


def test_gof_and_ci_answer_for_the_top_fits(tmp_path: Path) -> None:
    values = np.random.default_rng(5).normal(3, 1, 200)
    args = ["--families", "norm,expon", "--gof", "19", "--ci", "--resamples", "30", "--top", "1"]
    rows = report(write(tmp_path, values), *args)["ranking"]
    top = rows[0]
    assert top["gof"]["resamples"] == 19
    assert all(0 < top["gof"][key] <= 1 for key in ("ks", "cvm", "ad"))
    for key, (low, high) in top["ci"].items():
        assert low <= top["params"][key] <= high
    assert all(row["gof"] is None and row["ci"] is None for row in rows[1:])


def test_without_scipy_a_short_ranking_says_that_scipy_ranks_more(tmp_path: Path) -> None:
    result = best(write(tmp_path, np.random.default_rng(6).normal(0, 1, 50)))
    assert result.exit_code == 0, result.output
    assert "--scipy ranks every scipy.stats family" in result.stdout


def test_a_family_that_hangs_is_skipped_at_its_time_limit_and_its_worker_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISTKIT_LOAD_PLUGINS", "")
    site = PluginSite(tmp_path)
    pidfile = tmp_path / "worker.pid"
    site.add("sleepyplugin", SLEEPY.format(pidfile=str(pidfile)))
    data = write(tmp_path, np.random.default_rng(7).normal(0, 1, 100))
    result = site.run("fit", "--best", str(data), "--time-limit", "1", "--json")
    assert result.returncode == 0, result.stderr
    ranked = json.loads(result.stdout)
    assert [row["distribution"] for row in ranked["ranking"]] == ["gaussian"]
    (skipped,) = [s for s in ranked["skipped"] if s["distribution"] == "sleepy"]
    assert skipped["reason"] == "timed out after 1 s (its worker was stopped)"
    assert not _alive(int(pidfile.read_text()))


def test_ctrl_c_during_a_ranking_stops_it_and_its_workers_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISTKIT_LOAD_PLUGINS", "")
    site = PluginSite(tmp_path)
    pidfile = tmp_path / "worker.pid"
    site.add("sleepyplugin", SLEEPY.format(pidfile=str(pidfile)))
    data = write(tmp_path, np.random.default_rng(8).normal(0, 1, 100))
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "DISTKIT_LOAD_PLUGINS": "sleepyplugin"}
    process = subprocess.Popen(
        [sys.executable, "-m", "distkit", "fit", "--best", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    for _ in range(600):  # until the worker has started the endless fit
        if pidfile.exists() and pidfile.read_text():
            break
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert "Traceback" not in stderr
    assert stderr.strip() == "Aborted!"
    assert not _alive(int(pidfile.read_text()))


def test_sigterm_during_a_ranking_ends_it_and_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISTKIT_LOAD_PLUGINS", "")
    site = PluginSite(tmp_path)
    pidfile = tmp_path / "worker.pid"
    site.add("sleepyplugin", SLEEPY.format(pidfile=str(pidfile)))
    data = write(tmp_path, np.random.default_rng(9).normal(0, 1, 100))
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "DISTKIT_LOAD_PLUGINS": "sleepyplugin"}
    process = subprocess.Popen(
        [sys.executable, "-m", "distkit", "fit", "--best", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    for _ in range(600):  # until the worker has started the endless fit
        if pidfile.exists() and pidfile.read_text():
            break
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGTERM
    assert "Traceback" not in stderr
    assert not _alive(int(pidfile.read_text()))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
