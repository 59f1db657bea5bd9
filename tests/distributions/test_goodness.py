"""The statistics and criteria behind the ranking, checked against scipy and as properties,
and the bootstrap p-values that stay valid when the parameters were fitted."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from distkit.distributions.bootstrap import gof_pvalues
from distkit.distributions.candidates import Candidate, score
from distkit.distributions.goodness import akaike_weights, continuous_statistics

finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=80, deadline=None)
@given(st.lists(finite, min_size=1, max_size=12))
def test_akaike_weights_sum_to_one_and_keep_the_order(values: list[float]) -> None:
    weights = akaike_weights(values)
    assert math.fsum(weights) == pytest.approx(1.0)
    best = min(range(len(values)), key=values.__getitem__)
    assert weights[best] == max(weights)
    for i, j in itertools.combinations(range(len(values)), 2):
        if values[i] < values[j]:
            assert weights[i] >= weights[j]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.001, 0.999), min_size=2, max_size=50, unique=True))
def test_continuous_statistics_match_scipys(u: list[float]) -> None:
    values = np.sort(np.array(u))
    mine = continuous_statistics(values)  # the uniform CDF at the sorted data is the data
    assert mine.ks == pytest.approx(stats.kstest(values, "uniform").statistic, rel=1e-9)
    cvm = stats.cramervonmises(values, "uniform").statistic
    assert mine.cvm == pytest.approx(cvm, rel=1e-9)
    n, i = values.size, np.arange(1, values.size + 1)
    ad = -n - np.mean((2 * i - 1) * (np.log(values) + np.log1p(-values[::-1])))
    assert mine.ad == pytest.approx(ad, rel=1e-9)


@pytest.mark.slow
def test_gof_pvalues_are_uniform_under_the_null() -> None:
    """A few hundred normal samples, each tested against the normal fitted to it: the
    bootstrap p-values spread evenly (the classical KS table would pile them near 1)."""
    rng = np.random.default_rng(2024)
    norm = Candidate.scipy("norm")
    pvalues: dict[str, list[float]] = {"ks": [], "cvm": [], "ad": []}
    for index in range(200):
        data = rng.normal(3.0, 2.0, 40)
        scored = score(norm.fit(data, {}), data)
        answer = gof_pvalues(scored.fit, scored.statistics, data.size, {}, 49, seed=index * 1000)
        for key in pvalues:
            pvalues[key].append(float(answer[key]))
    for values in pvalues.values():
        assert stats.kstest(values, "uniform").pvalue > 0.01
        assert 0.04 <= np.mean(np.array(values) <= 0.1) <= 0.17
