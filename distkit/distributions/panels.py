"""The four panels a statistician reads to judge fits: the histogram with the densities (bars
and masses for a discrete family), the empirical against the fitted CDF, a QQ plot and a PP
plot, in one headless figure."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from distkit.distributions.plotting import draw_data, plot_grid

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from distkit.distributions.candidates import Fit

    FloatArray = npt.NDArray[np.float64]

MAX_MARKERS = 500  # QQ and PP points drawn at most, at evenly spread plotting positions


def panels_figure(data: FloatArray, fits: Sequence[Fit], *, first: Fit | None = None) -> Figure:
    """A 2 x 2 figure of `fits` (best first) against `data`; `first`, when given, is the fit
    whose own picture fills the first panel (the others compare the data with `fits`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(11, 8.5), layout="constrained")
    FigureCanvasAgg(figure)
    density, cdf, qq, pp = figure.subplots(2, 2).ravel()
    discrete = all(fit.candidate.discrete for fit in fits)
    _densities(density, data, [first] if first is not None else fits, discrete=discrete)
    _cdfs(cdf, data, fits, discrete=discrete)
    _qq(qq, data, fits)
    _pp(pp, data, fits)
    n = f"{data.size:,}"
    names = [fit.candidate.name for fit in ([first] if first is not None else fits)]
    figure.suptitle(f"{', '.join(names)} against {n} values")
    return figure


def save_panels(
    data: FloatArray,
    fits: Sequence[Fit],
    path: str | os.PathLike[str],
    *,
    first: Fit | None = None,
    replace: bool = False,
) -> Path:
    """Write `panels_figure` as a PNG (the caller has checked the path), whole or not at all:
    drawn into a file beside it that is then moved onto it, so an interrupt leaves the old
    picture as it was; without `replace` an existing file is refused."""
    from distkit.files.writing import staged

    figure = panels_figure(data, fits, first=first)
    with staged([Path(path)], replace=replace) as (temporary,):
        figure.savefig(temporary, format="png", dpi=100)
    return Path(path)


def _label(fit: Fit) -> str:
    params = ", ".join(f"{key}={value:.4g}" for key, value in fit.params.items())
    return f"{fit.candidate.name} ({params})"


def _densities(ax: Axes, data: FloatArray, fits: Sequence[Fit], *, discrete: bool) -> None:
    own = getattr(fits[0].model, "plot_fit", None) if len(fits) == 1 else None
    if callable(own) and fits[0].candidate.registration is not None:
        with fits[0].calling("plotting"):
            own(data, ax)  # a family that knows a better picture of its fit draws it
        return
    x = plot_grid(data, discrete=discrete)
    draw_data(ax, data, discrete=discrete)
    for index, fit in enumerate(fits):
        style = "o-" if discrete else "-"
        ax.plot(x, fit.density(x), style, color=f"C{index + 1}", label=_label(fit), markersize=3)
    ax.set_title("histogram and fitted " + ("masses" if discrete else "densities"))
    ax.set_xlabel("value")
    ax.legend(fontsize="small")


def _cdfs(ax: Axes, data: FloatArray, fits: Sequence[Fit], *, discrete: bool) -> None:
    import numpy as np

    ordered = np.sort(data)
    steps = np.arange(1, ordered.size + 1) / ordered.size
    ax.step(ordered, steps, where="post", color="C0", label="data (ECDF)")
    x = plot_grid(data, discrete=discrete)
    for index, fit in enumerate(fits):
        where = "post" if discrete else None
        if where:
            ax.step(x, fit.cdf(x), where="post", color=f"C{index + 1}", label=fit.candidate.name)
        else:
            ax.plot(x, fit.cdf(x), color=f"C{index + 1}", label=fit.candidate.name)
    ax.set_title("empirical and fitted CDF")
    ax.set_xlabel("value")
    ax.set_ylabel("P(X <= x)")
    ax.legend(fontsize="small")


def _positions(n: int) -> FloatArray:
    """Plotting positions (i - 0.5) / n, thinned to at most MAX_MARKERS."""
    import numpy as np

    count = min(n, MAX_MARKERS)
    return (np.arange(1, count + 1) - 0.5) / count


def _quantiles(fit: Fit, probabilities: FloatArray, data: FloatArray) -> FloatArray:
    """The fitted quantiles: scipy's ppf, else the CDF inverted on a fine grid."""
    import numpy as np

    ppf = getattr(fit.model, "ppf", None)
    if fit.candidate.registration is None and callable(ppf):
        return np.asarray(ppf(probabilities), dtype=np.float64)
    low, high = float(data.min()), float(data.max())
    spread = (high - low) or 1.0
    grid = np.linspace(low - spread, high + spread, 20_001)
    if fit.candidate.discrete:
        grid = np.unique(np.round(grid))
    cdf = np.maximum.accumulate(fit.cdf(grid))
    index = np.searchsorted(cdf, probabilities, side="left").clip(0, grid.size - 1)
    return np.asarray(grid[index], dtype=np.float64)


def _qq(ax: Axes, data: FloatArray, fits: Sequence[Fit]) -> None:
    import numpy as np

    p = _positions(data.size)
    discrete = all(fit.candidate.discrete for fit in fits)
    observed = np.quantile(data, p, method="inverted_cdf" if discrete else "linear")
    for index, fit in enumerate(fits):
        theirs = _quantiles(fit, p, data)
        ax.plot(
            theirs, observed, "o", color=f"C{index + 1}", markersize=3, label=fit.candidate.name
        )
    low, high = float(observed.min()), float(observed.max())
    ax.plot([low, high], [low, high], color="0.4", linewidth=1, label="y = x")
    ax.set_title("QQ plot")
    ax.set_xlabel("fitted quantile")
    ax.set_ylabel("data quantile")
    ax.legend(fontsize="small")


def _pp(ax: Axes, data: FloatArray, fits: Sequence[Fit]) -> None:
    import numpy as np

    p = _positions(data.size)
    observed = np.quantile(data, p, method="inverted_cdf")
    for index, fit in enumerate(fits):
        ax.plot(
            p, fit.cdf(observed), "o", color=f"C{index + 1}", markersize=3, label=fit.candidate.name
        )
    ax.plot([0, 1], [0, 1], color="0.4", linewidth=1, label="y = x")
    ax.set_title("PP plot")
    ax.set_xlabel("empirical probability")
    ax.set_ylabel("fitted probability")
    ax.legend(fontsize="small")
