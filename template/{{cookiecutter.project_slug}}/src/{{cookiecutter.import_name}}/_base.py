"""The small Distribution base class this package needs (no dependency on distkit)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, ClassVar

import numpy as np


class Distribution:
    """Shared behaviour: data file reading, sampling, validation and the course-style repr."""

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

    def pdf(self, x: Any) -> Any:
        raise NotImplementedError

    def cdf(self, x: Any) -> Any:
        raise NotImplementedError

    def _draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        raise NotImplementedError

    @classmethod
    def fit(cls, data: Any) -> Distribution:
        raise NotImplementedError

    def sample(self, size: int, seed: int | None = None) -> np.ndarray:
        """Draw `size` independent values; the same seed gives the same values."""
        return self._draw(np.random.default_rng(seed), size)

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


def as_data(data: Any, *, minimum: int = 2) -> np.ndarray:
    """Return `data` as a 1-D float array, or raise ValueError if it is too short to fit."""
    values = np.asarray(data, dtype=float).ravel()
    if values.size < minimum:
        raise ValueError(f"fit needs at least {minimum} values, got {values.size}")
    if not np.all(np.isfinite(values)):
        raise ValueError("fit needs finite values")
    return values
