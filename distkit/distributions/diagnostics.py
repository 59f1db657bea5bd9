"""The four-panel picture of a fit (see `panels.py`), for one fitted family or for the best
fits of a ranking, written to a PNG that is checked first."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from distkit.distributions.candidates import SCIPY, Candidate, Fit
from distkit.distributions.fitting import FitResult, check_png
from distkit.distributions.ranking import Ranking, options_for
from distkit.distributions.scipy_families import ScipyForm
from distkit.errors import FitRefused


def save_fit_panels(result: FitResult, png: Path, *, force: bool = False) -> None:
    """Histogram and density, CDFs, QQ and PP for one fitted registered family."""
    from distkit.distributions.panels import save_panels

    check_png(png, force=force)
    discrete = getattr(result.distribution, "discrete", False) is True
    candidate = Candidate(result.name, result.plugin, discrete, result.registration)
    k, n = len(result.params), len(result.data)
    fit = Fit(candidate, result.params, None, result.distribution, k, n)
    trial = _one_trial(result)
    with _quiet():
        save_panels(
            result.data,
            [trial] if trial else [fit],
            png,
            first=fit if trial else None,
            replace=force,
        )


def _quiet() -> Any:
    """scipy's warnings about a fitted family's values (erlang's shape that is not whole, an
    overflow in a far tail) kept off the user's screen while the panels are drawn."""
    import warnings

    import numpy as np

    stack = ExitStack()
    stack.enter_context(warnings.catch_warnings())
    stack.enter_context(np.errstate(all="ignore"))
    warnings.simplefilter("ignore", RuntimeWarning)
    return stack


def _one_trial(result: FitResult) -> Fit | None:
    """For a binomial fitted to the course's 0/1 trials (n = their count), what each value
    follows: one Bernoulli(p) trial; the data are compared with it, not with the count."""
    import numpy as np

    params, data = result.params, result.data
    if set(params) != {"prob", "size"} or params["size"] != data.size:
        return None
    if not np.isin(data, (0.0, 1.0)).all():
        return None
    form = ScipyForm("bernoulli", (params["prob"],))
    candidate = Candidate("bernoulli", SCIPY, discrete=True)
    return Fit(candidate, {"p": params["prob"]}, form, form.frozen(), 1, data.size)


def save_best_panels(ranking: Ranking, png: Path, *, top: int = 3, force: bool = False) -> None:
    """The same four panels for the `top` best fits of the ranking's leading kind."""
    from distkit.distributions.panels import save_panels

    check_png(png, force=force)
    best = ranking.top(max(top, 1))
    if not best:
        raise FitRefused(ranking.path, "any distribution", "no family could be fitted to plot")
    fits = []
    for entry in best:
        fit = entry.fit
        if fit.model is None:  # a plugin's object that could not travel from its worker
            fit = fit.candidate.fit(ranking.data, options_for(fit.candidate, ranking.options))
        fits.append(fit)
    with _quiet():
        save_panels(ranking.data, fits, png, replace=force)
