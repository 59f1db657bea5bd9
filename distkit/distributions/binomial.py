"""The binomial distribution, keeping the Udacity course's methods and numbers."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from distkit.distributions.base import Distribution
from distkit.distributions.validation import (
    as_data,
    check_count,
    check_probability,
    shown_number,
)
from distkit.errors import ParameterNeeded

if TYPE_CHECKING:
    from typing import Self

    import numpy as np
    import numpy.typing as npt
    from matplotlib.axes import Axes

    FloatArray = npt.NDArray[np.float64]


class Binomial(Distribution):
    """Binomial with success probability `prob` (p, first, as in the course) and `size` trials n."""

    name = "binomial"
    discrete = True

    def __init__(self, prob: float = 0.5, size: int = 20) -> None:
        self.p = check_probability("prob", prob)
        self.n = check_count("size", size)
        super().__init__(self.calculate_mean(), self.calculate_stdev())

    @property
    def params(self) -> dict[str, float]:
        return {"prob": self.p, "size": self.n}

    def calculate_mean(self) -> float:
        """Set `mean` to n * p and return it."""
        self.mean = self.p * self.n
        return self.mean

    def calculate_stdev(self) -> float:
        """Set `stdev` to sqrt(n * p * (1 - p)) and return it."""
        self.stdev = math.sqrt(self.n * self.p * (1 - self.p))
        return self.stdev

    def replace_stats_with_data(self) -> tuple[float, int]:
        """Read `data` as 0/1 trials: n is their count, p the share of 1s; return (p, n)."""
        self.p, self.n = _bernoulli_estimate(as_data(self.data))
        self.calculate_mean()
        self.calculate_stdev()
        return self.p, self.n

    def _pdf(self, x: FloatArray) -> FloatArray:
        import numpy as np

        inside = (x >= 0) & (x <= self.n) & (x == np.floor(x))
        mass = self._on_outcomes(np.where(inside, x, 0.0), self._mass)
        result: FloatArray = np.where(inside, mass, 0.0)
        result[np.isnan(x)] = np.nan
        return result

    def _cdf(self, x: FloatArray) -> FloatArray:
        import numpy as np
        from scipy.special import bdtr

        k = np.clip(np.floor(x), 0, self.n)
        below = self._on_outcomes(np.nan_to_num(k), lambda j: bdtr(j, self.n, self.p))
        result: FloatArray = np.where(x < 0, 0.0, np.where(x >= self.n, 1.0, below))
        result[np.isnan(x)] = np.nan
        return result

    def _mass(self, k: FloatArray) -> FloatArray:
        import numpy as np
        from scipy.special import gammaln, xlog1py, xlogy

        n, p = self.n, self.p
        log_mass = (
            gammaln(n + 1.0)
            - gammaln(k + 1.0)
            - gammaln(n - k + 1.0)
            + xlogy(k, p)
            + xlog1py(n - k, -p)
        )
        result: FloatArray = np.exp(log_mass)
        return result

    def _on_outcomes(
        self, k: FloatArray, function: Callable[[FloatArray], FloatArray]
    ) -> FloatArray:
        """`function(k)` for whole k in [0, n]; with more points than outcomes, via a table."""
        import numpy as np

        if k.size <= self.n + 1:
            return function(k)
        table = function(np.arange(self.n + 1, dtype=np.float64))
        result: FloatArray = table[k.astype(np.intp)]
        return result

    def sample(self, size: int | tuple[int, ...], seed: int | None = None) -> FloatArray:
        """Draw counts of successes, as float64 like `data`."""
        import numpy as np

        draws = np.random.default_rng(seed).binomial(self.n, self.p, size)
        return np.asarray(draws, dtype=np.float64)

    @classmethod
    def fit(cls, data: npt.ArrayLike, size: int | None = None, *, n: int | None = None) -> Self:
        """Fit p by maximum likelihood with n known.

        With `size` None, `data` are 0/1 trials as in the course: n = len(data), p = mean(data).
        With `size` given (or `n`, the same), each value counts successes out of `size` trials:
        p = mean(data) / size.
        """
        import numpy as np

        if n is not None:
            if size is not None and size != n:
                raise ValueError(f"size and n are the same parameter, got {size} and {n}")
            size = n
        values = as_data(data)
        if size is None:
            p, n = _bernoulli_estimate(values)
        else:
            n = check_count("size", size)
            if n == 0:
                raise ValueError("size must be at least 1 to fit p, got 0")
            bad = (values < 0) | (values > n) | (values != np.floor(values))
            if bad.any():
                index = int(np.flatnonzero(bad)[0])
                raise ValueError(
                    f"data must be whole numbers from 0 to {n}, "
                    f"got {shown_number(values[index])} at index {index}"
                )
            p = float(np.mean(values)) / n
        fitted = cls(p, n)
        fitted.data = values
        return fitted

    def plot_bar(self, ax: Axes | None = None) -> Axes:
        """Draw the expected counts of 0s and 1s over n trials and return the Axes."""
        from distkit.distributions.plotting import new_axes

        ax = ax if ax is not None else new_axes()
        ax.bar(x=["0", "1"], height=[(1 - self.p) * self.n, self.p * self.n])
        ax.set_title("Bar Chart of Data")
        ax.set_xlabel("outcome")
        ax.set_ylabel("count")
        return ax

    def plot_bar_pdf(self, ax: Axes | None = None) -> tuple[FloatArray, FloatArray]:
        """Draw the mass at 0..n as bars; return (x, y)."""
        import numpy as np

        from distkit.distributions.plotting import new_axes

        x = np.arange(self.n + 1, dtype=np.float64)
        y = self._pdf(x)
        ax = ax if ax is not None else new_axes()
        ax.bar(x, y)
        ax.set_title("Distribution of Outcomes")
        ax.set_ylabel("Probability")
        ax.set_xlabel("Outcome")
        return x, y

    def plot_fit(self, data: npt.ArrayLike, ax: Axes | None = None) -> Axes:
        """Draw the fit to `data`; for the course's 0/1 trials, the mass of each count of
        successes around n * p and the count the data show. Return the Axes."""
        import numpy as np

        from distkit.distributions.plotting import new_axes, plot_fit

        values = as_data(data)
        if values.size != self.n or not np.isin(values, (0.0, 1.0)).all():
            return plot_fit(self, values, ax)
        ax = ax if ax is not None else new_axes()
        low = max(0, math.floor(self.mean - 4 * self.stdev))
        high = min(self.n, math.ceil(self.mean + 4 * self.stdev))
        k = np.arange(low, high + 1, dtype=np.float64)
        ax.bar(k, self._pdf(k), width=0.8, alpha=0.5, label="fitted mass")
        ax.axvline(float(values.sum()), color="C1", label="successes in the data")
        ax.set_title(f"binomial: prob={self.p:.4g}, size={self.n}")
        ax.set_xlabel(f"successes in {self.n} trials")
        ax.set_ylabel("probability")
        ax.legend()
        return ax

    def __add__(self, other: Any) -> Binomial:
        """The sum of two independent Binomials with equal p: the n add. Different p is refused."""
        if not isinstance(other, Binomial):
            return NotImplemented
        if self.p != other.p:
            raise ValueError(f"cannot add Binomials with different p: {self.p} and {other.p}")
        return Binomial(self.p, self.n + other.n)

    def __repr__(self) -> str:
        return f"{super().__repr__()}, p {self.p}, n {self.n}"


def _bernoulli_estimate(values: FloatArray) -> tuple[float, int]:
    import numpy as np

    bad = (values != 0) & (values != 1)
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        value = shown_number(values[index])
        raise ParameterNeeded(
            f"trials must be 0 or 1 (or counts out of a known n), got {value} at index {index}",
            "n",
        )
    return float(np.mean(values)), int(values.size)
