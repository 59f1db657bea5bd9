"""The numpy special functions against scipy.special."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from {{ cookiecutter.import_name }} import _special

positive = st.floats(0.05, 200.0)
unit = st.floats(0.0, 1.0)


def test_erf_and_erfc():
    x = np.linspace(-6, 6, 241)
    np.testing.assert_allclose(_special.erf(x), special.erf(x), rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(_special.erfc(x), special.erfc(x), rtol=1e-13)


@settings(max_examples=50, deadline=None)
@given(positive, st.floats(0.0, 400.0))
def test_incomplete_gamma(a, x):
    assert _special.gammainc(a, x) == pytest.approx(special.gammainc(a, x), rel=1e-9, abs=1e-15)
    assert _special.gammaincc(a, x) == pytest.approx(special.gammaincc(a, x), rel=1e-8, abs=1e-15)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.05, 100.0), st.floats(0.05, 100.0), unit)
def test_incomplete_beta(a, b, x):
    assert _special.betainc(a, b, x) == pytest.approx(special.betainc(a, b, x), rel=1e-8, abs=1e-13)


@pytest.mark.parametrize("x", [0.1, 0.5, 1.0, 3.7, 25.0])
def test_digamma_and_trigamma(x):
    assert _special.digamma(x) == pytest.approx(special.digamma(x), rel=1e-9)
    assert _special.trigamma(x) == pytest.approx(special.polygamma(1, x), rel=1e-9)
