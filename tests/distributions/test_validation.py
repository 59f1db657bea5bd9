"""Invalid parameters and data raise ValueError naming the parameter and the value."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from distkit.distributions import Binomial, Distribution, Gaussian
from distkit.distributions.validation import shown_number


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Gaussian(0, 0), "sigma must be greater than 0, got 0"),
        (lambda: Gaussian(0, -1.5), "sigma must be greater than 0, got -1.5"),
        (lambda: Gaussian(0, math.inf), "sigma must be finite, got inf"),
        (lambda: Gaussian(math.nan, 1), "mu must be finite, got nan"),
        (lambda: Gaussian("1", 1), "mu must be a real number, got '1'"),
        (lambda: Gaussian(True, 1), "mu must be a real number, got True"),
        (lambda: Binomial(1.5, 10), "prob must be between 0 and 1, got 1.5"),
        (lambda: Binomial(-0.1, 10), "prob must be between 0 and 1, got -0.1"),
        (lambda: Binomial(0.5, 2.5), "size must be a whole number, got 2.5"),
        (lambda: Binomial(0.5, -3), "size must be 0 or more, got -3"),
        (lambda: Binomial(None, 3), "prob must be a real number, got None"),
    ],
)
def test_invalid_parameters_name_the_parameter_and_value(make, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        make()


@settings(max_examples=50, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True).filter(lambda s: not s > 0 or math.isinf(s)))
def test_gaussian_refuses_every_sigma_that_is_not_finite_and_positive(sigma: float) -> None:
    with pytest.raises(ValueError, match=r"^sigma must"):
        Gaussian(0, sigma)


@settings(max_examples=50, deadline=None)
@given(st.floats().filter(lambda p: not 0 <= p <= 1))
def test_binomial_refuses_every_p_outside_zero_to_one(p: float) -> None:
    with pytest.raises(ValueError, match=r"^prob must"):
        Binomial(p, 10)


def test_numpy_scalars_are_accepted_as_python_numbers() -> None:
    binomial = Binomial(np.float64(0.25), np.int64(8))
    assert binomial.params == {"prob": 0.25, "size": 8}
    assert type(binomial.n) is int
    assert Binomial(0.5, 20.0).n == 20


def test_params_rebuild_the_distribution() -> None:
    for dist in (Gaussian(2.5, 0.5), Binomial(0.3, 7)):
        assert repr(type(dist)(**dist.params)) == repr(dist)


def test_fit_refuses_data_it_cannot_use() -> None:
    with pytest.raises(ValueError, match="at least 2 value"):
        Gaussian.fit([1.0])
    with pytest.raises(ValueError, match="data must vary to fit sigma, got 3 copies of one"):
        Gaussian.fit([3.0, 3.0, 3.0])
    with pytest.raises(ValueError, match="got 2 values too close together"):
        Gaussian.fit([0.0, 1e-300])
    with pytest.raises(ValueError, match="data must be finite, got nan at index 1"):
        Gaussian.fit([1.0, math.nan, 2.0])
    with pytest.raises(ValueError, match="data must be finite, got -inf at index 2"):
        Gaussian.fit([1.0, 2.0, -math.inf])
    with pytest.raises(ValueError, match="the variance overflows"):
        Gaussian.fit([1e308, -1e308, 1e308])
    with pytest.raises(ValueError, match=r"trials must be 0 or 1 .*, got 2 at index 2"):
        Binomial.fit([0, 1, 2])
    with pytest.raises(ValueError, match=r"trials must be 0 or 1 .*, got 1\.0000000001 at index 1"):
        Binomial.fit([0, 1.0000000001])
    with pytest.raises(ValueError, match=r"whole numbers from 0 to 5, got 1\.5 at index 0"):
        Binomial.fit([1.5, 2], size=5)
    with pytest.raises(ValueError, match=r"whole numbers from 0 to 5, got 6 at index 1"):
        Binomial.fit([1, 6], size=5)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(5.0, "5"), (-3.0, "-3"), (12345678.0, "12345678"), (5.000000000001, "5.000000000001"),
     (0.9999999999, "0.9999999999"), (1e20, "1e+20"), (np.float64(2.5), "2.5")],
)  # fmt: skip
def test_a_refusal_shows_a_number_exactly_never_rounded(value: float, shown: str) -> None:
    assert shown_number(value) == shown
    assert float(shown) == value


def test_a_discrete_fit_names_the_value_that_is_not_whole_as_it_is(tmp_path: Path) -> None:
    from distkit.distributions.fitting import fit_data
    from distkit.errors import FitRefused
    from distkit.plugins import get_registry

    binomial = next(r for r in get_registry().distributions if r.name == "binomial")
    data = np.array([3.0, 5.000000000001, 2.0])
    with pytest.raises(FitRefused, match=r"line 2 holds 5\.000000000001, not a whole number"):
        fit_data(binomial, data, tmp_path / "d.txt", {})


def test_calculating_stats_without_data_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="at least 1 value"):
        Gaussian().calculate_mean()
    with pytest.raises(ValueError, match="at least 2 value"):
        Gaussian().calculate_stdev()
    with pytest.raises(ValueError, match="at least 1 value"):
        Binomial().replace_stats_with_data()


def test_replace_stats_refuses_data_that_are_not_trials(tmp_path: Path) -> None:
    path = tmp_path / "counts.txt"
    path.write_text("3\n1\n")
    binomial = Binomial(0.4, 20)
    binomial.read_data_file(path)
    with pytest.raises(ValueError, match=r"trials must be 0 or 1 .*, got 3 at index 0"):
        binomial.replace_stats_with_data()


def test_data_is_an_empty_float_array_before_reading() -> None:
    for dist in (Gaussian(), Binomial(), Distribution()):
        assert dist.data.dtype == np.float64
        assert dist.data.size == 0


def test_adding_across_families_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Gaussian() + Binomial()
    with pytest.raises(TypeError):
        Binomial() + 1


def test_the_base_class_says_what_a_subclass_must_define() -> None:
    with pytest.raises(NotImplementedError, match="Distribution does not define pdf"):
        Distribution().pdf(1.0)
    with pytest.raises(NotImplementedError, match="Distribution does not define fit"):
        Distribution.fit([1.0])
