"""Plots are headless: they draw into a given Axes or onto their own Agg figure, never pyplot's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from distkit.distributions import Binomial, Gaussian
from distkit.distributions.plotting import plot_fit, save_fit_plot
from distkit.errors import UsageError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Uniform:
    """A distribution with the API that knows nothing of distkit's base class."""

    name = "uniform"
    discrete = False
    mean = 0.5
    stdev = 12**-0.5
    params = {"low": 0.0, "high": 1.0}  # noqa: RUF012

    def pdf(self, x: np.ndarray) -> np.ndarray:
        return np.where((x >= 0) & (x <= 1), 1.0, 0.0)


def test_no_plot_imports_pyplot(tmp_path: Path) -> None:
    script = f"""
import sys
from distkit.distributions import Gaussian
from distkit.distributions.plotting import save_fit_plot
data = Gaussian(0, 1).sample(500, seed=1)
Gaussian.fit(data).plot_histogram_pdf()
save_fit_plot(Gaussian.fit(data), data, {str(tmp_path / "fit.png")!r})
assert "matplotlib.pyplot" not in sys.modules
"""
    subprocess.run([sys.executable, "-c", script], check=True, env={**os.environ, "MPLBACKEND": ""})
    assert (tmp_path / "fit.png").read_bytes().startswith(PNG_SIGNATURE)


def test_save_fit_plot_writes_a_png(tmp_path: Path) -> None:
    data = Gaussian(10, 2).sample(1000, seed=1)
    path = save_fit_plot(Gaussian.fit(data), data, tmp_path / "fit.png")
    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_plot_fit_draws_one_bar_per_observed_value_of_a_discrete_distribution() -> None:
    data = Binomial(0.3, 12).sample(1000, seed=1)
    ax = plot_fit(Binomial.fit(data, size=12), data, Figure().add_subplot())
    bars = [patch for patch in ax.patches if patch.get_width() == pytest.approx(0.8)]
    heights = {round(bar.get_x() + 0.4): bar.get_height() for bar in bars}
    observed, counts = np.unique(data, return_counts=True)
    assert heights == pytest.approx(dict(zip(observed.tolist(), counts / data.size, strict=True)))


def test_save_fit_plot_writes_a_png_for_a_discrete_distribution(tmp_path: Path) -> None:
    data = Binomial(0.3, 12).sample(1000, seed=1)
    path = save_fit_plot(Binomial.fit(data, size=12), data, tmp_path / "fit.png")
    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_save_fit_plot_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    target = tmp_path / "fit.png"
    target.write_bytes(b"keep me")
    data = [0.1, 0.5, 0.9]
    with pytest.raises(UsageError, match="already exists"):
        save_fit_plot(Uniform(), data, target)
    assert target.read_bytes() == b"keep me"
    save_fit_plot(Uniform(), data, target, overwrite=True)
    assert target.read_bytes().startswith(PNG_SIGNATURE)


def test_save_fit_plot_needs_an_existing_folder(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a folder"):
        save_fit_plot(Uniform(), [0.5], tmp_path / "nowhere" / "fit.png")


def test_plot_fit_draws_into_the_given_axes_for_any_object_with_the_api() -> None:
    ax = Figure().add_subplot()
    returned = plot_fit(Uniform(), [0.1, 0.2, 0.7], ax=ax)
    assert returned is ax
    assert ax.get_title() == "uniform: low=0, high=1"
    assert [line.get_label() for line in ax.get_lines()] == ["fitted density"]


def test_discrete_fit_plot_marks_the_mass_at_each_whole_number() -> None:
    ax = plot_fit(Binomial(0.5, 4), [0, 1, 1, 2, 4])
    (line,) = ax.get_lines()
    assert line.get_xdata().tolist() == [0, 1, 2, 3, 4]
    assert line.get_ydata() == pytest.approx([1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16])
    assert len(ax.patches) == 4


def test_course_plots_draw_into_a_given_axes(numbers_txt: Path) -> None:
    gaussian = Gaussian(25, 2)
    gaussian.read_data_file(numbers_txt)
    figure = Figure()
    top, bottom = figure.subplots(2)
    assert gaussian.plot_histogram(ax=top) is top
    assert top.get_title() == "Histogram of Data"
    x, y = gaussian.plot_histogram_pdf(ax=bottom)
    np.testing.assert_array_equal(bottom.get_lines()[0].get_xydata(), np.column_stack([x, y]))


def test_binomial_course_plots_draw_into_a_given_axes() -> None:
    binomial = Binomial(0.4, 20)
    ax = binomial.plot_bar()
    assert isinstance(ax, Axes)
    assert [bar.get_height() for bar in ax.patches] == pytest.approx([12.0, 8.0])
    figure = Figure()
    other = figure.add_subplot()
    _, y = binomial.plot_bar_pdf(ax=other)
    assert [bar.get_height() for bar in other.patches] == pytest.approx(y.tolist())


def test_plotting_without_data_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="at least 1 value"):
        Gaussian(0, 1).plot_histogram()


def test_a_binomial_fitted_to_trials_plots_the_mass_of_each_count_and_the_observed_count() -> None:
    trials = np.array([1.0] * 61 + [0.0] * 139)
    fitted = Binomial.fit(trials)
    ax = fitted.plot_fit(trials)
    counts = [bar.get_x() + bar.get_width() / 2 for bar in ax.patches]
    assert min(counts) <= 61 <= max(counts)
    assert sum(bar.get_height() for bar in ax.patches) == pytest.approx(1, abs=1e-3)
    (observed,) = ax.get_lines()
    assert observed.get_xdata()[0] == 61


def test_a_binomial_fitted_to_counts_plots_like_any_discrete_fit() -> None:
    counts = Binomial(0.3, 10).sample(500, seed=1)
    fitted = Binomial.fit(counts, size=10)
    ax = fitted.plot_fit(counts)
    assert ax.get_ylabel() == "probability"
    assert [line.get_label() for line in ax.get_lines()] == ["fitted mass"]
