"""Bootstrap answers for the top fits: goodness-of-fit p-values that stay valid when the
parameters were fitted, and confidence intervals for each parameter.

The p-values come from a parametric bootstrap: draw a sample of the data's size from the fitted
distribution, fit the family to it again exactly as to the data, and count how often its
statistic is at least the data's (Stute, Gonzalez Manteiga and Presedo Quindimil, 1993). The
intervals are percentile intervals of the parameters refitted on resamples of the data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from distkit.distributions.candidates import Candidate, Fit, score
from distkit.distributions.goodness import Statistics

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

STATISTICS = ("ks", "cvm", "ad")


def gof_pvalues(
    fit: Fit,
    observed: Statistics,
    n: int,
    options: Mapping[str, float],
    resamples: int,
    seed: int = 0,
) -> dict[str, float | int]:
    """p-values of KS, CvM and AD for `fit` (whose statistics on the n data are `observed`),
    from `resamples` parametric bootstrap samples; `resamples` in the answer counts those whose
    refit worked."""
    import warnings

    import numpy as np

    seen = observed.as_dict()
    above = dict.fromkeys(STATISTICS, 0)
    used = 0
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for index in range(resamples):
            sample = fit.sample(n, seed=seed + index)
            try:
                again = score(fit.candidate.fit(sample, options, seed=seed + index), sample)
            except (ValueError, ArithmeticError, RuntimeError):
                continue  # a sample the family cannot be refitted to says nothing either way
            used += 1
            for key, value in again.statistics.as_dict().items():
                above[key] += value >= seen[key]
    if used == 0:
        raise ValueError("no bootstrap sample could be refitted")
    answer: dict[str, float | int] = {k: (1 + above[k]) / (used + 1) for k in STATISTICS}
    answer["resamples"] = used
    return answer


def parameter_intervals(
    candidate: Candidate,
    data: FloatArray,
    options: Mapping[str, float],
    resamples: int,
    *,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, list[float]]:
    """A percentile bootstrap interval `[low, high]` for each parameter of the family."""
    import warnings

    import numpy as np

    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for index in range(resamples):
            resample = rng.choice(data, data.size, replace=True)
            try:
                refit = candidate.fit(resample, options, seed=seed + index)
            except (ValueError, ArithmeticError, RuntimeError):
                continue
            for key, value in refit.params.items():
                draws.setdefault(key, []).append(float(value))
    if not draws:
        raise ValueError("no resample could be refitted")
    tail = (1 - level) / 2 * 100
    return {
        key: [float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))]
        for key, values in draws.items()
    }
