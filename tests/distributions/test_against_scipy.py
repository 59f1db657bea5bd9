"""Gaussian and Binomial checked against scipy.stats with hypothesis."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from distkit.distributions import Binomial, Gaussian

mus = st.floats(-1e3, 1e3)
sigmas = st.floats(1e-2, 1e3)
# scipy.stats.binom itself overflows for p near the smallest double, so stay clear of it.
probs = st.sampled_from([0.0, 1.0]) | st.floats(1e-12, 1 - 1e-12)
sizes = st.integers(0, 500)
points = st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=20)
seeds = st.integers(0, 2**32 - 1)

# scipy.stats.binom.cdf loses about 1e-9 of relative accuracy in tails below ~1e-280.
TINY = 1e-250

fast = settings(max_examples=60, deadline=None)
slow = settings(max_examples=8, deadline=None)


@fast
@given(mus, sigmas, points)
def test_gaussian_pdf_and_cdf_match_scipy(mu: float, sigma: float, xs: list[float]) -> None:
    gaussian, x = Gaussian(mu, sigma), np.array(xs)
    np.testing.assert_allclose(gaussian.pdf(x), stats.norm.pdf(x, mu, sigma), rtol=1e-12, atol=0)
    np.testing.assert_allclose(gaussian.cdf(x), stats.norm.cdf(x, mu, sigma), rtol=1e-12, atol=0)


@fast
@given(mus, sigmas, st.floats(-1e4, 1e4))
def test_gaussian_pdf_and_cdf_of_a_scalar_are_floats(mu: float, sigma: float, x: float) -> None:
    gaussian = Gaussian(mu, sigma)
    assert type(gaussian.pdf(x)) is float
    assert type(gaussian.cdf(x)) is float
    assert gaussian.pdf(x) == pytest.approx(stats.norm.pdf(x, mu, sigma), rel=1e-12, abs=0)


@fast
@given(mus, sigmas)
def test_gaussian_mean_and_stdev_are_scipys_moments(mu: float, sigma: float) -> None:
    gaussian = Gaussian(mu, sigma)
    assert gaussian.mean == stats.norm.mean(mu, sigma)
    assert gaussian.stdev == pytest.approx(stats.norm.std(mu, sigma), rel=1e-15)


@fast
@given(probs, sizes, st.lists(st.integers(-5, 505), min_size=1, max_size=20))
def test_binomial_pmf_and_cdf_match_scipy(p: float, n: int, ks: list[int]) -> None:
    binomial, k = Binomial(p, n), np.array(ks, dtype=float)
    np.testing.assert_allclose(binomial.pdf(k), stats.binom.pmf(k, n, p), rtol=1e-9, atol=TINY)
    np.testing.assert_allclose(binomial.cdf(k), stats.binom.cdf(k, n, p), rtol=1e-9, atol=TINY)


@fast
@given(probs, st.integers(0, 30), seeds)
def test_binomial_pdf_and_cdf_of_many_points_match_scipy(p: float, n: int, seed: int) -> None:
    x = np.random.default_rng(seed).uniform(-3, n + 3, 500).round(decimals=1)
    binomial = Binomial(p, n)
    np.testing.assert_allclose(binomial.pdf(x), stats.binom.pmf(x, n, p), rtol=1e-9, atol=TINY)
    np.testing.assert_allclose(binomial.cdf(x), stats.binom.cdf(x, n, p), rtol=1e-9, atol=TINY)


def test_nan_in_gives_nan_out() -> None:
    x = np.array([np.nan, 1.0] * 40)
    for dist in (Gaussian(0, 1), Binomial(0.5, 4)):
        assert np.isnan(dist.pdf(x)[::2]).all()
        assert np.isnan(dist.cdf(x)[::2]).all()
        assert not np.isnan(dist.pdf(x)[1::2]).any()
        assert math.isnan(dist.pdf(math.nan))


def test_binomial_cdf_stays_accurate_deep_in_the_tail() -> None:
    # Reference: the exact sum of the mass in mpmath at 50 digits; scipy.stats.binom.cdf
    # gives 1.6544314201e-291 here, 2e-9 off.
    assert Binomial(0.875, 360).cdf(13) == pytest.approx(1.65443141641910597e-291, rel=1e-13)


@fast
@given(probs, sizes, st.floats(-10, 510))
def test_binomial_mass_is_zero_off_whole_numbers_and_cdf_steps(p: float, n: int, x: float) -> None:
    binomial = Binomial(p, n)
    if x != int(x):
        assert binomial.pdf(x) == 0.0
    assert binomial.cdf(x) == pytest.approx(stats.binom.cdf(x, n, p), rel=1e-9, abs=TINY)


@fast
@given(probs, sizes)
def test_binomial_mass_sums_to_one_and_has_scipys_moments(p: float, n: int) -> None:
    binomial = Binomial(p, n)
    assert binomial.pdf(np.arange(n + 1)).sum() == pytest.approx(1.0, rel=1e-9)
    assert binomial.mean == pytest.approx(stats.binom.mean(n, p), rel=1e-12, abs=1e-12)
    assert binomial.stdev**2 == pytest.approx(stats.binom.var(n, p), rel=1e-12, abs=1e-12)


@slow
@given(mus, sigmas, seeds)
def test_gaussian_samples_have_the_right_moments(mu: float, sigma: float, seed: int) -> None:
    draws = Gaussian(mu, sigma).sample(200_000, seed=seed)
    assert draws.shape == (200_000,)
    assert abs(draws.mean() - mu) < 5 * sigma / np.sqrt(draws.size)
    assert draws.std() == pytest.approx(sigma, rel=0.02)


@slow
@given(st.floats(0.05, 0.95), st.integers(1, 500), seeds)
def test_binomial_samples_have_the_right_moments(p: float, n: int, seed: int) -> None:
    binomial = Binomial(p, n)
    draws = binomial.sample(200_000, seed=seed)
    assert set(np.unique(draws)) <= set(range(n + 1))
    assert abs(draws.mean() - binomial.mean) < 5 * binomial.stdev / np.sqrt(draws.size)
    assert draws.std() == pytest.approx(binomial.stdev, rel=0.02)


@fast
@given(seeds)
def test_the_same_seed_gives_the_same_sample(seed: int) -> None:
    np.testing.assert_array_equal(Gaussian().sample(5, seed=seed), Gaussian().sample(5, seed=seed))
    np.testing.assert_array_equal(Binomial().sample(5, seed=seed), Binomial().sample(5, seed=seed))


@slow
@given(mus, sigmas, seeds)
def test_gaussian_fit_recovers_known_parameters(mu: float, sigma: float, seed: int) -> None:
    data = stats.norm.rvs(mu, sigma, size=200_000, random_state=seed)
    fitted = Gaussian.fit(data)
    scipy_mu, scipy_sigma = stats.norm.fit(data)
    assert fitted.mean == pytest.approx(scipy_mu, rel=1e-12, abs=1e-9)
    assert fitted.stdev == pytest.approx(scipy_sigma * np.sqrt(data.size / (data.size - 1)))
    assert abs(fitted.mean - mu) < 5 * sigma / np.sqrt(data.size)
    assert fitted.stdev == pytest.approx(sigma, rel=0.02)
    np.testing.assert_array_equal(fitted.data, data)


@slow
@given(st.floats(0.05, 0.95), st.integers(1, 500), seeds)
def test_binomial_fit_with_known_size_recovers_p(p: float, n: int, seed: int) -> None:
    data = stats.binom.rvs(n, p, size=200_000, random_state=seed)
    fitted = Binomial.fit(data, size=n)
    assert fitted.n == n
    assert fitted.p == pytest.approx(data.mean() / n, rel=1e-12)
    assert abs(fitted.p - p) < 5 * np.sqrt(p * (1 - p) / (n * data.size))


@slow
@given(st.floats(0.05, 0.95), seeds)
def test_binomial_fit_of_trials_reads_them_as_the_course_does(p: float, seed: int) -> None:
    trials = stats.bernoulli.rvs(p, size=100_000, random_state=seed)
    fitted = Binomial.fit(trials)
    assert (fitted.p, fitted.n) == (trials.mean(), trials.size)
    assert abs(fitted.p - p) < 5 * np.sqrt(p * (1 - p) / trials.size)


def test_gaussian_sum_is_the_distribution_of_the_sum_of_samples() -> None:
    one, two = Gaussian(3, 4), Gaussian(-1, 3)
    total = one.sample(400_000, seed=1) + two.sample(400_000, seed=2)
    fitted = Gaussian.fit(total)
    assert (one + two).mean == 2
    assert fitted.mean == pytest.approx(2, abs=0.05)
    assert fitted.stdev == pytest.approx((one + two).stdev, rel=0.01)
