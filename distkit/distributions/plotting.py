"""Headless plots of a distribution against data, for any object with the distribution API."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distkit.distributions.validation import as_data
from distkit.errors import UsageError

if TYPE_CHECKING:
    import numpy.typing as npt
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def new_axes() -> Axes:
    """A fresh Axes on its own Agg figure: no display needed, pyplot's global state untouched."""
    return _new_figure().add_subplot()


def _new_figure() -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 4.8), layout="tight")
    FigureCanvasAgg(figure)
    return figure


def plot_fit(dist: Any, data: npt.ArrayLike, ax: Axes | None = None) -> Axes:
    """Draw `data` with the fitted `dist` over it and return the Axes.

    Continuous: a density histogram and the pdf curve. Discrete (`dist.discrete` true): the
    observed frequency of each value as bars and the mass at each whole number as markers.
    """
    import numpy as np

    values = as_data(data)
    ax = ax if ax is not None else new_axes()
    low, high = float(values.min()), float(values.max())
    if getattr(dist, "discrete", False):
        observed, counts = np.unique(values, return_counts=True)
        ax.bar(observed, counts / values.size, width=0.8, alpha=0.5, label="data")
        x = np.arange(np.floor(low), np.ceil(high) + 1)
        ax.plot(x, np.asarray(dist.pdf(x)), "o", color="C1", label="fitted mass")
        ax.set_ylabel("probability")
    else:
        ax.hist(values, bins=_bins(values), density=True, alpha=0.5, label="data")
        pad = 0.05 * (high - low) or 1.0
        x = np.linspace(low - pad, high + pad, 400)
        ax.plot(x, np.asarray(dist.pdf(x)), color="C1", label="fitted density")
        ax.set_ylabel("density")
    name = getattr(dist, "name", type(dist).__name__)
    ax.set_title(f"{name}: {_describe(dist)}")
    ax.set_xlabel("value")
    ax.legend()
    return ax


def _bins(values: Any) -> Any:
    """numpy's automatic bin edges, or a single bin for data with (almost) no spread."""
    import numpy as np

    try:
        return np.histogram_bin_edges(values, bins="auto")
    except ValueError:
        return 1


def save_fit_plot(
    dist: Any, data: npt.ArrayLike, path: str | os.PathLike[str], *, overwrite: bool = False
) -> Path:
    """Write `plot_fit` as a PNG to `path` and return it; an existing file needs `overwrite`."""
    target = Path(path)
    if target.exists() and not overwrite:
        raise UsageError(f"{target} already exists; choose another path or allow overwriting")
    if not target.parent.is_dir():
        raise UsageError(f"{target.parent} is not a folder; create it first")
    figure = _new_figure()
    draw = getattr(dist, "plot_fit", None)  # a distribution may know a better picture of its fit
    if callable(draw):
        draw(data, figure.add_subplot())
    else:
        plot_fit(dist, data, figure.add_subplot())
    figure.savefig(target, format="png", dpi=100)
    return target


def _describe(dist: Any) -> str:
    params = getattr(dist, "params", None)
    if isinstance(params, dict) and params:
        return ", ".join(f"{key}={_short(value)}" for key, value in params.items())
    return f"mean={_short(dist.mean)}, stdev={_short(dist.stdev)}"


def _short(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)
