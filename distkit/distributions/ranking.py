"""`fit --best`: fit every registered distribution that accepts the data and rank them.

The candidates are whatever is installed (built-ins and every plugin), ranked by AIC with BIC,
the log-likelihood and the Kolmogorov-Smirnov statistic beside it. A family that cannot take
the data, or whose plugin misbehaves, is skipped with the reason; it never stops the ranking.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distkit.distributions.fitting import FitResult, calling, check_png, fit_data, json_number
from distkit.errors import DistkitError, FitRefused, PluginError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from distkit.plugins import Registry

    FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Ranked:
    """One fitted family and how well it fits."""

    result: FitResult
    loglik: float
    aic: float
    bic: float
    ks: float

    def as_dict(self) -> dict[str, Any]:
        numbers = {"aic": self.aic, "bic": self.bic, "loglik": self.loglik, "ks": self.ks}
        return {
            "distribution": self.result.name,
            "plugin": self.result.plugin,
            "params": {k: json_number(v) for k, v in self.result.params.items()},
            **{key: json_number(value) for key, value in numbers.items()},
        }


@dataclass(frozen=True)
class Skipped:
    """A family that was not ranked, and why."""

    name: str
    plugin: str
    reason: str


@dataclass(frozen=True)
class Ranking:
    """The ranked fits (best first) and the skipped families, for one data file."""

    path: Path
    data: FloatArray
    ranked: list[Ranked]
    skipped: list[Skipped]

    def as_dict(self) -> dict[str, Any]:
        return {
            "data_file": str(self.path),
            "n": len(self.data),
            "ranking": [{"rank": i, **r.as_dict()} for i, r in enumerate(self.ranked, start=1)],
            "skipped": [
                {"distribution": s.name, "plugin": s.plugin, "reason": s.reason}
                for s in self.skipped
            ],
        }


def rank_file(registry: Registry, path: Path) -> Ranking:
    """Read `path` (one number per line) and rank every registered distribution on it."""
    from distkit.distributions.datafile import read_numbers

    data = read_numbers(path)
    return rank_data(registry, data, Path(path))


def rank_data(registry: Registry, data: FloatArray, path: Path) -> Ranking:
    """Fit and score each registered distribution on `data`; best (lowest AIC) first."""
    import numpy as np

    ordered = np.sort(data)
    ranked: list[Ranked] = []
    skipped: list[Skipped] = []
    for registration in registry.distributions:
        try:
            result = fit_data(registration, data, path, {})
            ranked.append(_score(result, ordered))
        except FitRefused as error:
            skipped.append(Skipped(registration.name, registration.plugin, error.reason))
        except DistkitError as error:
            skipped.append(Skipped(registration.name, registration.plugin, str(error)))
    ranked.sort(key=lambda r: (r.aic, r.bic))
    return Ranking(Path(path), data, ranked, skipped)


def _score(result: FitResult, ordered: FloatArray) -> Ranked:
    """Log-likelihood (the class's `logpdf` if it has one, else log of `pdf`), AIC, BIC, KS."""
    import numpy as np

    dist, data, name = result.distribution, result.data, result.name
    with calling(result.plugin, f"scoring {name}"):
        logpdf = getattr(dist, "logpdf", None)
        if callable(logpdf):
            logs = _shaped(logpdf(data), data, f"{name}.logpdf")
        else:
            logs = np.log(_shaped(dist.pdf(data), data, f"{name}.pdf"))
        cdf = _shaped(dist.cdf(ordered), ordered, f"{name}.cdf")
    if np.isnan(logs).any() or np.isposinf(logs).any():
        raise FitRefused(result.path, name, "its density is not a finite number at every value")
    if np.isneginf(logs).any():
        index = int(np.flatnonzero(np.isneginf(logs))[0])
        raise FitRefused(
            result.path,
            name,
            f"the fit gives line {index + 1} ({data[index]:g}) zero probability",
        )
    n, k = data.size, len(result.params)
    loglik = float(logs.sum())
    aic = 2 * k - 2 * loglik
    bic = k * math.log(n) - 2 * loglik
    return Ranked(result, loglik, aic, bic, _ks(ordered, cdf, discrete=_discrete(dist)))


def _shaped(values: Any, like: FloatArray, what: str) -> FloatArray:
    import numpy as np

    array = np.asarray(values, dtype=np.float64)
    if array.shape != like.shape:
        raise ValueError(f"{what} gave shape {array.shape} for {like.size} values")
    return array


def _discrete(dist: Any) -> bool:
    return getattr(dist, "discrete", False) is True


def _ks(ordered: FloatArray, cdf: FloatArray, *, discrete: bool) -> float:
    """The Kolmogorov-Smirnov distance between the data's ECDF and the fitted cdf, at the
    sorted data (for a discrete family, at each distinct value: the ECDF after its ties)."""
    import numpy as np

    n = ordered.size
    if discrete:
        last = np.r_[ordered[1:] != ordered[:-1], True]
        after = np.flatnonzero(last) + 1
        return float(np.abs(after / n - cdf[last]).max())
    steps = np.arange(1, n + 1) / n
    return float(max((steps - cdf).max(), (cdf - (steps - 1 / n)).max()))


def save_best_plot(ranking: Ranking, png: Path, *, top: int = 3, force: bool = False) -> None:
    """Draw the data with the densities of the `top` best fits into `png`."""
    from distkit.distributions.plotting import checked_pdf, plot_grid, save_curves_plot

    check_png(png, force=force)
    best = ranking.ranked[:top]
    if not best:
        raise FitRefused(ranking.path, "any distribution", "no family could be fitted to plot")
    discrete = all(_discrete(r.result.distribution) for r in best)
    x = plot_grid(ranking.data, discrete=discrete)
    curves = []
    for entry in best:
        result = entry.result
        try:
            with calling(result.plugin, f"plotting {result.name}"):
                y = checked_pdf(result.distribution, x)
        except PluginError:
            continue  # a curve that cannot be drawn is left out; the ranking stands
        curves.append((f"{result.name} (AIC {entry.aic:.6g})", y))
    save_curves_plot(ranking.data, x, curves, png, discrete=discrete)
