"""Fitting a registered distribution to a data file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distkit.errors import DataFileError, UsageError
from distkit.plugins import DISTRIBUTION, Registry


@dataclass(frozen=True)
class FitResult:
    """A fitted distribution and what it was fitted to."""

    name: str
    plugin: str
    distribution: Any
    data: Any
    path: Path

    @property
    def params(self) -> dict[str, float]:
        return {key: _plain(value) for key, value in dict(self.distribution.params).items()}

    @property
    def mean(self) -> float:
        return float(self.distribution.mean)

    @property
    def stdev(self) -> float:
        return float(self.distribution.stdev)

    def as_dict(self) -> dict[str, Any]:
        return {
            "distribution": self.name,
            "plugin": self.plugin,
            "data_file": str(self.path),
            "n": len(self.data),
            "params": self.params,
            "mean": self.mean,
            "stdev": self.stdev,
        }


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def fit_file(registry: Registry, name: str, path: Path) -> FitResult:
    """Read one number per line from `path` and fit the distribution registered as `name`."""
    from distkit.distributions.datafile import read_numbers

    registration = registry.lookup(DISTRIBUTION, name)
    data = read_numbers(path)
    try:
        fitted = registration.cls.fit(data)
    except ValueError as error:
        raise DataFileError(
            f"{path}: cannot fit {registration.name} to this data: {error}"
        ) from None
    return FitResult(registration.name, registration.plugin, fitted, data, Path(path))


def save_plot(result: FitResult, png: Path, *, force: bool = False) -> None:
    """Draw the data's histogram with the fitted density into `png`."""
    from distkit.distributions.plotting import save_fit_plot

    if png.suffix.lower() != ".png":
        raise UsageError(f"{png}: the plot is a PNG, so its name must end in .png")
    if png.is_dir():
        raise UsageError(f"{png} is a folder; give a file name ending in .png")
    if png.exists() and not force:
        raise UsageError(f"{png} already exists; use --force to overwrite it")
    save_fit_plot(result.distribution, result.data, png, overwrite=True)
