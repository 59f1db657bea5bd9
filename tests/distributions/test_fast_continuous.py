"""distkit's copy of scipy's generic fit (fast_continuous): the same densities, the same
start, and the same maximum as scipy.stats' own `fit` on random data."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from distkit.distributions import fast_continuous, scipy_families

FAMILIES = sorted(fast_continuous.FAMILIES)
SOURCES = [
    stats.norm(3, 2),
    stats.gamma(2.5, loc=1, scale=2),
    stats.lognorm(0.7, scale=3),
    stats.weibull_min(1.4, scale=2),
    stats.expon(scale=1.5),
    stats.t(4, loc=-1),
    stats.beta(2, 5, loc=0, scale=10),
    stats.uniform(-2, 5),
]


def _shapes(name: str, draw: st.DrawFn) -> tuple[float, ...]:
    if name == "genextreme":
        return (draw(st.floats(-0.9, 0.9)),)
    count = len(fast_continuous.FAMILIES[name].positive)
    return tuple(draw(st.floats(0.2, 12.0)) for _ in range(count))


@pytest.mark.parametrize("name", FAMILIES)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_each_log_density_is_scipys(name: str, data: st.DataObject) -> None:
    shapes = _shapes(name, data.draw)
    z = np.array(data.draw(st.lists(st.floats(-20, 20), min_size=1, max_size=20)))
    with np.errstate(all="ignore"):
        mine = fast_continuous.FAMILIES[name].log_density(z, shapes)
        theirs = getattr(stats, name).logpdf(z, *shapes)
    inside = np.isfinite(theirs) & (theirs > -1e4)
    assert np.allclose(mine[inside], theirs[inside], rtol=1e-9, atol=1e-9)
    assert not np.isfinite(mine[~np.isfinite(theirs)]).any()


@pytest.mark.parametrize("name", FAMILIES)
def test_the_start_is_scipys(name: str) -> None:
    for source in SOURCES[:4]:
        x = source.rvs(300, random_state=1)
        theirs = getattr(stats, name)._fitstart(x)
        assert np.allclose(fast_continuous.fit_start(name, x), theirs, rtol=1e-12)


def _loglik(name: str, x: np.ndarray, params: tuple[float, ...]) -> float:
    value = float(getattr(stats, name).logpdf(x, *params).sum())
    return value if math.isfinite(value) else -math.inf


@pytest.mark.parametrize("name", FAMILIES)
@settings(max_examples=12, deadline=None)
@given(
    source=st.sampled_from(SOURCES),
    size=st.integers(20, 400),
    seed=st.integers(0, 2**31 - 1),
)
def test_each_fit_reaches_scipys_maximum(name: str, source: object, size: int, seed: int) -> None:
    x = np.asarray(source.rvs(size, random_state=seed), dtype=np.float64)  # type: ignore[attr-defined]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            theirs = _loglik(name, x, tuple(getattr(stats, name).fit(x)))
        except (ValueError, RuntimeError):  # scipy's own fit failed: nothing to compare
            theirs = -math.inf
        try:
            mine = _loglik(name, x, fast_continuous.fit(name, x))
        except ValueError:
            mine = -math.inf
    assert mine >= theirs - 1e-6 * max(1.0, abs(theirs))


def test_a_subsample_fit_polished_on_all_the_data_is_as_good_as_scipys() -> None:
    x = stats.gamma(2, scale=3).rvs(3000, random_state=5)
    screened = scipy_families.fit_family("gamma", x, {}, seed=0)  # on 500 of the values
    polished = scipy_families.refine(screened, x)
    best = _loglik("gamma", x, tuple(stats.gamma.fit(x)))
    assert _loglik("gamma", x, scipy_families._values(polished)) >= best - 1e-6 * abs(best)


def test_prepare_computes_the_moments_that_the_start_needs_once() -> None:
    fast_continuous._MOMENTS.pop("exponpow", None)
    fast_continuous.prepare(["exponpow", "norm", "poisson"])
    assert set(fast_continuous._MOMENTS) >= {"exponpow"}
    mean, variance = stats.exponpow(1.0).stats("mv")
    assert fast_continuous._MOMENTS["exponpow"] == pytest.approx((mean, variance))


@pytest.mark.parametrize("name", ["gamma", "lognorm", "weibull_min"])
@settings(max_examples=15, deadline=None)
@given(
    source=st.sampled_from([stats.weibull_min(1.5, scale=2), stats.gamma(2, scale=3)]),
    size=st.integers(30, 500),
    seed=st.integers(0, 2**31 - 1),
)
def test_a_positive_familys_fit_is_as_good_as_its_fit_from_location_zero(
    name: str, source: object, size: int, seed: int
) -> None:
    """scipy's generic start can leave these in a poor optimum (weibull_min on Weibull data,
    seed 303 of the benchmark, was ranked below five other families); the fit from the
    location at 0 is one of the starts, so the fit is never worse than it."""
    x = np.asarray(source.rvs(size, random_state=seed), dtype=np.float64)  # type: ignore[attr-defined]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        from_zero = _loglik(name, x, tuple(getattr(stats, name).fit(x, floc=0)))
        mine = _loglik(name, x, scipy_families._values(scipy_families.fit_family(name, x, {})))
    assert mine >= from_zero - 1e-9 * max(1.0, abs(from_zero))


def test_weibull_data_that_once_hid_the_weibull_rank_it_first() -> None:
    x = stats.weibull_min(1.5, scale=2).rvs(5000, random_state=303)
    screened = scipy_families.fit_family("weibull_min", x, {}, seed=0)
    polished = scipy_families.refine(screened, x)
    best = _loglik("weibull_min", x, tuple(stats.weibull_min.fit(x, floc=0)))
    assert _loglik("weibull_min", x, scipy_families._values(polished)) >= best - 1e-6 * abs(best)


@pytest.mark.parametrize(
    ("name", "shapes", "z"),
    [
        ("gamma", (1.0,), 0.0),
        ("chi2", (2.0,), 0.0),
        ("beta", (1.0, 3.0), 0.0),
        ("beta", (2.0, 1.0), 1.0),
    ],
)
def test_a_density_at_the_end_of_its_support_is_scipys(
    name: str, shapes: tuple[float, ...], z: float
) -> None:
    mine = fast_continuous.FAMILIES[name].log_density(np.array([z]), shapes)
    assert mine[0] == pytest.approx(getattr(stats, name).logpdf(z, *shapes), rel=1e-12)
