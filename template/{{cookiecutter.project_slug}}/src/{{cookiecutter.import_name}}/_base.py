"""The small Distribution base class this package needs (no dependency on distkit)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


class Distribution:
    """Shared behaviour: pdf from logpdf, sampling, data files and the course-style repr.

    A family sets `name` and `discrete` and defines `params`, `mean`, `stdev`, `_logpdf`,
    `_cdf`, `_draw` and `fit`; `pdf`, `logpdf` and `cdf` take a scalar or an array.
    """

    name: ClassVar[str] = ""
    discrete: ClassVar[bool] = False
    labels: ClassVar[dict[str, str]] = {}

    def __init__(self) -> None:
        self.data: list[float] = []

    @property
    def params(self) -> dict[str, float]:
        raise NotImplementedError

    @property
    def mean(self) -> float:
        raise NotImplementedError

    @property
    def stdev(self) -> float:
        raise NotImplementedError

    def logpdf(self, x: npt.ArrayLike) -> Any:
        """Log of the density (or mass) at x; -inf off the support."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return _unwrap(self._logpdf(np.asarray(x, dtype=np.float64)))

    def pdf(self, x: npt.ArrayLike) -> Any:
        """Density (or mass, for a discrete family) at x."""
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return _unwrap(np.exp(self._logpdf(np.asarray(x, dtype=np.float64))))

    def cdf(self, x: npt.ArrayLike) -> Any:
        """P(X <= x)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return _unwrap(self._cdf(np.asarray(x, dtype=np.float64)))

    def _logpdf(self, x: FloatArray) -> FloatArray:
        raise NotImplementedError

    def _cdf(self, x: FloatArray) -> FloatArray:
        raise NotImplementedError

    def _draw(self, rng: np.random.Generator, size: int) -> FloatArray:
        raise NotImplementedError

    @classmethod
    def fit(cls, data: npt.ArrayLike) -> Distribution:
        raise NotImplementedError

    def sample(self, size: int, seed: int | None = None) -> FloatArray:
        """Draw `size` independent values; the same seed gives the same values."""
        return np.asarray(self._draw(np.random.default_rng(seed), size), dtype=np.float64)

    def read_data_file(self, path: str | Path) -> list[float]:
        """Read one number per line into `data`; blank lines are skipped."""
        text = Path(path).read_text(encoding="utf-8-sig")
        data = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    data.append(float(line))
                except ValueError:
                    raise ValueError(f"{path}:{number}: not a number: {line.strip()!r}") from None
        self.data = data
        return data

    def __add__(self, other: object) -> Distribution:
        raise TypeError(f"the sum of two {self.name} variables is not a {self.name} variable")

    def __repr__(self) -> str:
        parts = [f"mean {self.mean}", f"standard deviation {self.stdev}"]
        parts += [f"{self.labels.get(k, k)} {v}" for k, v in self.params.items()]
        return ", ".join(parts)


def _unwrap(values: FloatArray) -> Any:
    """A 0-d result as a numpy scalar, anything else as it is."""
    return values[()] if values.ndim == 0 else values


def check_positive(name: str, value: float) -> float:
    """Return `value` as a float, or raise ValueError if it is not a finite number > 0."""
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive number, got {value}")
    return value


def check_probability(name: str, value: float, *, low_open: bool, high_open: bool) -> float:
    """Return `value` as a float, or raise ValueError if it lies outside its interval."""
    value = float(value)
    too_low = value <= 0 if low_open else value < 0
    too_high = value >= 1 if high_open else value > 1
    if math.isnan(value) or too_low or too_high:
        interval = f"{'(' if low_open else '['}0, 1{')' if high_open else ']'}"
        raise ValueError(f"{name} must lie in {interval}, got {value}")
    return value


def check_finite(name: str, value: float) -> float:
    """Return `value` as a float, or raise ValueError if it is infinite or NaN."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    return value


def as_data(data: npt.ArrayLike, *, minimum: int = 2) -> FloatArray:
    """Return `data` as a 1-D float array, or raise ValueError if it is too short to fit.

    Finiteness is checked where the fit first reduces the data (`finite_mean`, `finite_range`),
    so that no extra pass over the data is made for it.
    """
    values = np.asarray(data, dtype=np.float64).ravel()
    if values.size < minimum:
        raise ValueError(f"fit needs at least {minimum} values, got {values.size}")
    return values


def as_counts(data: npt.ArrayLike, family: str, *, low: int, minimum: int = 1) -> FloatArray:
    """`as_data` for a discrete family: whole numbers of at least `low`, or ValueError."""
    values = as_data(data, minimum=minimum)
    if values.min() < low or (np.floor(values) != values).any():
        bad = (values < low) | (np.floor(values) != values)
        index = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{family} data must be whole numbers of at least {low}, "
            f"got {values[index]} at index {index}"
        )
    return values


def finite_mean(values: FloatArray, family: str) -> float:
    """The mean, or ValueError if a value is not finite or the sum overflows."""
    with np.errstate(over="ignore", invalid="ignore"):
        mean = float(values.mean())
    if not math.isfinite(mean):
        _refuse_non_finite(values)
        raise ValueError(f"{family} fit: the data are too large (their mean overflows)")
    return mean


def finite_range(values: FloatArray, family: str) -> tuple[float, float]:
    """The smallest and largest value, or ValueError if a value is not finite."""
    low, high = float(values.min()), float(values.max())
    if not (math.isfinite(low) and math.isfinite(high)):
        _refuse_non_finite(values)
    return low, high


def moments(values: FloatArray, family: str) -> tuple[float, float]:
    """The mean and the sample variance, or ValueError if a value is not finite or they
    overflow."""
    mean = finite_mean(values, family)
    with np.errstate(over="ignore", invalid="ignore"):
        variance = float(values.var(ddof=1)) if values.size > 1 else 0.0
    if not math.isfinite(variance):
        raise ValueError(f"{family} fit: the data are too large (their variance overflows)")
    return mean, variance


def _refuse_non_finite(values: FloatArray) -> None:
    finite = np.isfinite(values)
    if not finite.all():
        index = int(np.flatnonzero(~finite)[0])
        raise ValueError(f"fit needs finite values, got {values[index]} at index {index}")
