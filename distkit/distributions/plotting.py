"""Headless plots of a distribution against data, for any object with the distribution API."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distkit.distributions.validation import as_data
from distkit.errors import UsageError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    FloatArray = npt.NDArray[np.float64]

MAX_POINTS = 1000


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
    values = as_data(data)
    ax = ax if ax is not None else new_axes()
    discrete = bool(getattr(dist, "discrete", False))
    x = plot_grid(values, discrete=discrete)
    draw_data(ax, values, discrete=discrete)
    y = checked_pdf(dist, x)
    if discrete:
        ax.plot(x, y, "o", color="C1", label="fitted mass")
    else:
        ax.plot(x, y, color="C1", label="fitted density")
    name = getattr(dist, "name", type(dist).__name__)
    ax.set_title(f"{name}: {_describe(dist)}")
    ax.set_xlabel("value")
    ax.legend()
    return ax


def plot_grid(values: FloatArray, *, discrete: bool) -> FloatArray:
    """Where to draw a fitted curve over `values`: at most MAX_POINTS points, whole numbers for
    a discrete family (every one over a narrow range, evenly spread ones over a wide one)."""
    import numpy as np

    low, high = float(values.min()), float(values.max())
    if discrete:
        low, high = float(math.floor(low)), float(math.ceil(high))
        if high - low < MAX_POINTS:
            return np.arange(low, high + 1, dtype=np.float64)
        return np.unique(np.round(np.linspace(low, high, MAX_POINTS)))
    with np.errstate(over="ignore", invalid="ignore"):
        pad = 0.05 * (high - low) or 1.0
        grid = np.linspace(low - pad, high + pad, 400)
    return grid if np.isfinite(grid).all() else np.linspace(low, high, 400)


def draw_data(ax: Axes, values: FloatArray, *, discrete: bool) -> None:
    """The data as a density histogram, or as bars of each value's share when few and whole."""
    import numpy as np

    if discrete:
        observed, counts = np.unique(values, return_counts=True)
        if observed.size <= MAX_POINTS:
            ax.bar(observed, counts / values.size, width=0.8, alpha=0.5, label="data")
            ax.set_ylabel("probability")
            return
    ax.hist(values, bins=_bins(values), density=True, alpha=0.5, label="data")
    ax.set_ylabel("density")


def save_curves_plot(
    values: FloatArray,
    x: FloatArray,
    curves: list[tuple[str, FloatArray]],
    path: str | os.PathLike[str],
    *,
    discrete: bool,
) -> Path:
    """Write the data with several fitted curves `(label, y at x)` over it as a PNG."""
    figure = _new_figure()
    ax = figure.add_subplot()
    draw_data(ax, values, discrete=discrete)
    for index, (label, y) in enumerate(curves):
        style = "o-" if discrete else "-"
        ax.plot(x, y, style, color=f"C{index + 1}", label=label, markersize=3)
    ax.set_xlabel("value")
    ax.set_title("best fits")
    ax.legend()
    figure.savefig(Path(path), format="png", dpi=100)
    return Path(path)


def checked_pdf(dist: Any, x: FloatArray) -> FloatArray:
    """`dist.pdf(x)` as floats of x's shape; ValueError if it gives anything else."""
    import numpy as np

    y = np.asarray(dist.pdf(x), dtype=np.float64)
    if y.shape != x.shape:
        raise ValueError(f"pdf gave an array of shape {y.shape} for {x.size} points")
    return y


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
