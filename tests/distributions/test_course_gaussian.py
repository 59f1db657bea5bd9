"""The Udacity course's Gaussian unit tests, with its numbers.txt, kept to the number."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from distkit.distributions import Gaussian


@pytest.fixture
def gaussian(numbers_txt: Path) -> Gaussian:
    gaussian = Gaussian(25, 2)
    gaussian.read_data_file(numbers_txt)
    return gaussian


def test_reading_data_keeps_the_given_mean_and_stdev(gaussian: Gaussian) -> None:
    assert gaussian.mean == 25
    assert gaussian.stdev == 2


def test_read_data_file_reads_every_number_in_order(gaussian: Gaussian) -> None:
    assert gaussian.data.tolist() == [1, 3, 99, 100, 120, 32, 330, 23, 76, 44, 31]


def test_calculate_mean_is_the_plain_average(gaussian: Gaussian) -> None:
    assert gaussian.calculate_mean() == sum(gaussian.data) / float(len(gaussian.data))
    assert gaussian.mean == pytest.approx(859 / 11)


def test_calculate_stdev_is_the_sample_stdev_by_default(gaussian: Gaussian) -> None:
    assert round(gaussian.calculate_stdev(), 2) == 92.87


def test_calculate_stdev_with_a_falsy_sample_is_the_population_stdev(gaussian: Gaussian) -> None:
    assert round(gaussian.calculate_stdev(0), 2) == 88.55


def test_pdf_uses_the_given_parameters_then_the_calculated_ones(gaussian: Gaussian) -> None:
    assert round(gaussian.pdf(25), 5) == 0.19947
    gaussian.calculate_mean()
    gaussian.calculate_stdev()
    assert round(gaussian.pdf(75), 5) == 0.00429


def test_adding_gaussians_adds_means_and_variances() -> None:
    total = Gaussian(25, 3) + Gaussian(30, 4)
    assert total.mean == 55
    assert total.stdev == 5


def test_repr_is_the_courses() -> None:
    assert repr(Gaussian(25, 2)) == "mean 25, standard deviation 2"
    assert str(Gaussian(25, 3) + Gaussian(30, 4)) == "mean 55, standard deviation 5.0"


def test_plot_histogram_pdf_returns_the_courses_grid(gaussian: Gaussian) -> None:
    x, y = gaussian.plot_histogram_pdf(n_spaces=50)
    interval = (330 - 1) / 50
    assert x.tolist() == pytest.approx([1 + interval * i for i in range(50)], rel=1e-15)
    mu, sigma = gaussian.mean, gaussian.stdev
    course_pdf = [
        math.exp(-0.5 * ((value - mu) / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
        for value in x
    ]
    assert y.tolist() == pytest.approx(course_pdf, rel=1e-12)
