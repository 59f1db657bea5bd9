"""How well a fitted distribution fits: information criteria, Akaike weights, and the
Kolmogorov-Smirnov, Cramer-von Mises and Anderson-Darling statistics.

For a continuous family the statistics are the classical ones on the sorted data. For a
discrete family they are their discrete forms (Choulakian, Lockhart and Stephens, 1994): the
ECDF and the fitted CDF are compared at every whole number of the data's range, each term
weighted by the fitted mass there. Their p-values, valid when the parameters were fitted, come
from a parametric bootstrap (`bootstrap.py`), not from the classical tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

MAX_GRID = 1_000_000  # whole numbers compared for a discrete fit; past that, the distinct values


@dataclass(frozen=True)
class Statistics:
    """The distance statistics of one fit (smaller is better)."""

    ks: float
    cvm: float
    ad: float

    def as_dict(self) -> dict[str, float]:
        return {"ks": self.ks, "cvm": self.cvm, "ad": self.ad}


@dataclass(frozen=True)
class Criteria:
    """Information criteria from a log-likelihood with `k` free parameters and `n` values."""

    loglik: float
    k: int
    n: int

    @property
    def aic(self) -> float:
        return 2 * self.k - 2 * self.loglik

    @property
    def aicc(self) -> float:
        """AIC corrected for small samples; infinite when n <= k + 1."""
        if self.n <= self.k + 1:
            return math.inf
        return self.aic + 2 * self.k * (self.k + 1) / (self.n - self.k - 1)

    @property
    def bic(self) -> float:
        return self.k * math.log(self.n) - 2 * self.loglik


def akaike_weights(values: Sequence[float]) -> list[float]:
    """exp(-delta/2) normalised, for criteria `values` (AIC or the like) of competing fits."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return [0.0 for _ in values]
    best = min(finite)
    raw = [math.exp(-(v - best) / 2) if math.isfinite(v) else 0.0 for v in values]
    total = sum(raw)
    return [r / total for r in raw]


def continuous_statistics(cdf: FloatArray) -> Statistics:
    """KS, CvM and AD from the fitted CDF at the data sorted ascending."""
    import numpy as np

    n = cdf.size
    u = np.clip(cdf, 1e-300, 1 - 1e-16)
    i = np.arange(1, n + 1, dtype=np.float64)
    ks = float(max((i / n - u).max(), (u - (i - 1) / n).max()))
    cvm = float(1 / (12 * n) + ((2 * i - 1) / (2 * n) - u) @ ((2 * i - 1) / (2 * n) - u))
    ad = float(-n - ((2 * i - 1) * (np.log(u) + np.log1p(-u[::-1]))).sum() / n)
    return Statistics(ks, cvm, ad)


def discrete_grid(data: FloatArray) -> FloatArray:
    """The whole numbers where a discrete fit is compared: the data's range, or its distinct
    values when the range is too wide."""
    import numpy as np

    low, high = float(data.min()), float(data.max())
    if high - low < MAX_GRID:
        return np.arange(low, high + 1, dtype=np.float64)
    return np.unique(data)


def discrete_statistics(
    data: FloatArray, grid: FloatArray, cdf: FloatArray, mass: FloatArray
) -> Statistics:
    """Discrete KS, CvM and AD: `cdf` and `mass` are the fitted CDF and mass at `grid`."""
    import numpy as np

    n = data.size
    ecdf = np.searchsorted(np.sort(data), grid, side="right") / n
    z = ecdf - cdf
    ks = float(np.abs(z).max())
    cvm = float(n * (z * z * mass).sum())
    inside = (cdf > 1e-12) & (cdf < 1 - 1e-12)
    ad = float(n * (z[inside] ** 2 * mass[inside] / (cdf[inside] * (1 - cdf[inside]))).sum())
    return Statistics(ks, cvm, ad)


def statistics_of(
    data: FloatArray,
    cdf: Callable[[FloatArray], FloatArray],
    mass: Callable[[FloatArray], FloatArray] | None,
) -> Statistics:
    """The statistics of a fit given its CDF (and its mass, for a discrete family)."""
    import numpy as np

    if mass is None:
        return continuous_statistics(np.asarray(cdf(np.sort(data)), dtype=np.float64))
    grid = discrete_grid(data)
    return discrete_statistics(
        data,
        grid,
        np.asarray(cdf(grid), dtype=np.float64),
        np.asarray(mass(grid), dtype=np.float64),
    )
