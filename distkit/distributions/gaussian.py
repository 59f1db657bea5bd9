"""The Gaussian (normal) distribution, keeping the Udacity course's methods and numbers."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from distkit.distributions.base import Distribution
from distkit.distributions.validation import as_data, check_positive, check_real

if TYPE_CHECKING:
    from typing import Self

    import numpy as np
    import numpy.typing as npt
    from matplotlib.axes import Axes

    FloatArray = npt.NDArray[np.float64]

_SQRT_2PI = math.sqrt(2 * math.pi)


class Gaussian(Distribution):
    """Gaussian with mean `mu` and standard deviation `sigma` (> 0)."""

    name = "gaussian"
    discrete = False

    def __init__(self, mu: float = 0, sigma: float = 1) -> None:
        super().__init__(check_real("mu", mu), check_positive("sigma", sigma))

    @property
    def params(self) -> dict[str, float]:
        return {"mu": self.mean, "sigma": self.stdev}

    def calculate_mean(self) -> float:
        """Set `mean` to the mean of `data` and return it."""
        import numpy as np

        self.mean = float(np.mean(as_data(self.data)))
        return self.mean

    def calculate_stdev(self, sample: bool = True) -> float:
        """Set `mean` and `stdev` from `data`; divide by n-1, or by n when `sample` is falsy."""
        data = as_data(self.data, min_size=2 if sample else 1)
        divisor = data.size - 1 if sample else data.size
        self.stdev = math.sqrt(_sum_of_squares(data, self.calculate_mean()) / divisor)
        return self.stdev

    def _pdf(self, x: FloatArray) -> FloatArray:
        import numpy as np

        z = (x - self.mean) / self.stdev
        result: FloatArray = np.exp(-0.5 * z * z) / (self.stdev * _SQRT_2PI)
        return result

    def _cdf(self, x: FloatArray) -> FloatArray:
        from scipy.special import ndtr

        result: FloatArray = ndtr((x - self.mean) / self.stdev)
        return result

    def sample(self, size: int | tuple[int, ...], seed: int | None = None) -> FloatArray:
        import numpy as np

        return np.random.default_rng(seed).normal(self.mean, self.stdev, size)

    @classmethod
    def fit(cls, data: npt.ArrayLike) -> Self:
        """mu is the maximum-likelihood mean; sigma the sample stdev (n-1), as the course does."""
        import numpy as np

        values = as_data(data, min_size=2, check_finite=False)
        mu = float(np.mean(values))
        sigma = math.sqrt(_sum_of_squares(values, mu) / (values.size - 1))
        if not math.isfinite(sigma):
            as_data(values)  # names the first NaN or infinity, if there is one
            raise ValueError("data too large to fit: the variance overflows")
        if sigma == 0:
            spread = "copies of one value" if np.ptp(values) == 0 else "values too close together"
            raise ValueError(f"data must vary to fit sigma, got {values.size} {spread}")
        fitted = cls(mu, sigma)
        fitted.data = values
        return fitted

    def plot_histogram(self, ax: Axes | None = None) -> Axes:
        """Draw a histogram of `data` (into `ax`, or a new headless figure) and return the Axes."""
        from distkit.distributions.plotting import new_axes

        ax = ax if ax is not None else new_axes()
        ax.hist(as_data(self.data))
        ax.set_title("Histogram of Data")
        ax.set_xlabel("data")
        ax.set_ylabel("count")
        return ax

    def plot_histogram_pdf(
        self, n_spaces: int = 50, ax: Axes | None = None
    ) -> tuple[FloatArray, FloatArray]:
        """Draw the normalised histogram and the pdf over the data's range; return (x, y)."""
        import numpy as np

        from distkit.distributions.plotting import new_axes

        data = as_data(self.data)
        low, high = float(data.min()), float(data.max())
        x = np.linspace(low, high, n_spaces, endpoint=False, dtype=np.float64)
        y = self._pdf(x)
        ax = ax if ax is not None else new_axes()
        ax.hist(data, density=True)
        ax.plot(x, y)
        ax.set_title("Normed Histogram of Data and Probability Density Function")
        ax.set_ylabel("Density")
        return x, y

    def __add__(self, other: Any) -> Gaussian:
        """The sum of two independent Gaussians: means add, variances add."""
        if not isinstance(other, Gaussian):
            return NotImplemented
        return Gaussian(self.mean + other.mean, math.sqrt(self.stdev**2 + other.stdev**2))


def _sum_of_squares(values: FloatArray, mean: float) -> float:
    import numpy as np

    with np.errstate(over="ignore", invalid="ignore"):
        deviations = values - mean
        deviations *= deviations
        return float(deviations.sum())
