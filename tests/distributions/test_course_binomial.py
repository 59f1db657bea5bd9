"""The Udacity course's Binomial unit tests, with its numbers_binomial.txt, kept to the number."""

from __future__ import annotations

from pathlib import Path

import pytest

from distkit.distributions import Binomial


@pytest.fixture
def binomial(numbers_binomial_txt: Path) -> Binomial:
    binomial = Binomial(0.4, 20)
    binomial.read_data_file(numbers_binomial_txt)
    return binomial


def test_p_comes_first_then_n(binomial: Binomial) -> None:
    assert binomial.p == 0.4
    assert binomial.n == 20


def test_read_data_file_reads_every_trial_in_order(binomial: Binomial) -> None:
    assert binomial.data.tolist() == [0, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0]


def test_calculate_mean_is_n_times_p(binomial: Binomial) -> None:
    assert binomial.calculate_mean() == 8


def test_calculate_stdev_is_the_square_root_of_npq(binomial: Binomial) -> None:
    assert round(binomial.calculate_stdev(), 2) == 2.19


def test_replace_stats_with_data_returns_p_then_n(binomial: Binomial) -> None:
    p, n = binomial.replace_stats_with_data()
    assert round(p, 3) == 0.615
    assert n == 13
    assert binomial.mean == pytest.approx(8.0)


def test_pdf_before_and_after_replacing_stats(binomial: Binomial) -> None:
    assert round(binomial.pdf(5), 5) == 0.07465
    assert round(binomial.pdf(3), 5) == 0.01235
    binomial.replace_stats_with_data()
    assert round(binomial.pdf(5), 5) == 0.05439
    assert round(binomial.pdf(3), 5) == 0.00472


def test_adding_binomials_with_equal_p_adds_n() -> None:
    total = Binomial(0.4, 20) + Binomial(0.4, 60)
    assert total.p == 0.4
    assert total.n == 80


def test_adding_binomials_with_different_p_is_refused() -> None:
    with pytest.raises(ValueError, match=r"different p: 0\.4 and 0\.5"):
        Binomial(0.4, 20) + Binomial(0.5, 20)


def test_repr_is_the_courses() -> None:
    assert repr(Binomial(0.4, 20)) == "mean 8.0, standard deviation 2.1908902300206643, p 0.4, n 20"


def test_plot_bar_pdf_returns_every_outcome_and_its_mass(binomial: Binomial) -> None:
    x, y = binomial.plot_bar_pdf()
    assert x.tolist() == list(range(21))
    assert y.sum() == pytest.approx(1.0)
    assert y[5] == pytest.approx(0.0746470195288711, rel=1e-12)
