"""scipy's generic maximum-likelihood fit, with a cheaper log-likelihood, for common families.

scipy's `rv_continuous.fit` (no parameter fixed) starts from the family's `_fitstart` and runs
Nelder-Mead (`optimize.fmin`) on a penalised negative log-likelihood. Most of each evaluation
is overhead (argument checks, support masks, broadcasting: 20-140 us on 500 values where the
arithmetic takes 5-80), and a fit takes hundreds of evaluations. Here the same search (same
start, same optimiser and tolerances, same penalty for values outside the support) runs on
each family's log density written as one numpy expression (the same formula as scipy's), so
it follows scipy's path to the same maximum, faster. The tests compare each fit's
log-likelihood with scipy's own fit.
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
    Parameters = Sequence[float] | FloatArray

LogDensity = Callable[["FloatArray", Sequence[float]], "FloatArray"]
PENALTY = 100 * math.log(1.7976931348623157e308)  # scipy's, per value outside the support


@dataclass(frozen=True)
class Family:
    """A family's standard log density `log_density(z, shapes)` (nan outside the support) and
    which of its shapes must be above 0 (the others need only be finite)."""

    log_density: LogDensity
    positive: tuple[bool, ...]


def _from_zero(z: FloatArray) -> FloatArray:
    import numpy as np

    return np.where(z >= 0, z, np.nan)  # nan outside the support: the fit is refused


def _gamma(z: FloatArray, s: Sequence[float]) -> FloatArray:
    from scipy.special import gammaln, xlogy

    (a,) = s
    return xlogy(a - 1, _from_zero(z)) - z - gammaln(a)  # xlogy: 0 at 0 when a is 1, as scipy


def _chi2(z: FloatArray, s: Sequence[float]) -> FloatArray:
    from scipy.special import gammaln, xlogy

    half = s[0] / 2
    return xlogy(half - 1, _from_zero(z)) - z / 2 - gammaln(half) - half * math.log(2)


def _exponpow(z: FloatArray, s: Sequence[float]) -> FloatArray:
    import numpy as np

    (b,) = s
    logs = np.log(np.where(z >= 0, z, np.nan))  # log 0 = -inf: the density's limit at 0
    power = np.exp(b * logs)
    scaled = (b - 1) * logs if b != 1 else np.where(np.isnan(logs), np.nan, 0.0)
    return math.log(b) + scaled + 1 + power - np.exp(power)


def _dweibull(z: FloatArray, s: Sequence[float]) -> FloatArray:
    import numpy as np

    (c,) = s
    logs = np.log(np.abs(z))
    return math.log(c / 2) + (c - 1) * logs - np.exp(c * logs)


def _loggamma(z: FloatArray, s: Sequence[float]) -> FloatArray:
    import numpy as np
    from scipy.special import gammaln

    (c,) = s
    return c * z - np.exp(z) - gammaln(c)


def _genextreme(z: FloatArray, s: Sequence[float]) -> FloatArray:
    import numpy as np

    (c,) = s
    if c == 0:
        return -z - np.exp(-z)
    cz = c * z
    logs = np.log1p(np.where(cz < 1, -cz, np.nan))  # log(1 - cz), exact for small c as scipy's
    loglog_cdf = logs / c
    return -np.exp(loglog_cdf) + loglog_cdf - logs  # scipy's arrangement: no 1 / c to overflow


def _cauchy(z: FloatArray, s: Sequence[float]) -> FloatArray:
    import numpy as np

    return -math.log(math.pi) - np.log1p(z * z)


def _beta(z: FloatArray, s: Sequence[float]) -> FloatArray:
    import numpy as np
    from scipy.special import betaln, xlog1py, xlogy

    a, b = s
    inside = np.where((z >= 0) & (z <= 1), z, np.nan)
    logs = xlogy(a - 1, inside) + xlog1py(b - 1, -inside) - betaln(a, b)
    return np.asarray(logs, dtype=np.float64)


FAMILIES: dict[str, Family] = {
    "beta": Family(_beta, (True, True)),
    "cauchy": Family(_cauchy, ()),
    "chi2": Family(_chi2, (True,)),
    "dweibull": Family(_dweibull, (True,)),
    "exponpow": Family(_exponpow, (True,)),
    "gamma": Family(_gamma, (True,)),
    "genextreme": Family(_genextreme, (False,)),
    "loggamma": Family(_loggamma, (True,)),
}


def penalised_nll(family: Family, x: FloatArray) -> Callable[[Parameters], float]:
    """scipy's `_penalized_nnlf` for `family` on `x`, of (shapes..., loc, scale); call it
    under `numpy.errstate(all="ignore")` (values outside the support give nan)."""
    import numpy as np

    n = x.size
    positive = family.positive

    def nll(theta: Parameters) -> float:
        *shapes, loc, scale = [float(t) for t in theta]
        if not scale > 0:
            return math.inf
        for shape, above_zero in zip(shapes, positive, strict=True):
            if not (shape > 0 if above_zero else math.isfinite(shape)):
                return math.inf
        logs = family.log_density((x - loc) / scale, shapes)
        total = float(logs.sum())
        bad = 0
        if not math.isfinite(total):
            finite = np.isfinite(logs)
            bad = n - int(np.count_nonzero(finite))
            total = float(logs[finite].sum())
        return -total + bad * PENALTY + n * math.log(scale)

    return nll


SCREENING_TOLERANCE = 1e-2  # scipy's is 1e-4; a screened fit's log-likelihood stays within 0.01


def fit(
    name: str, x: FloatArray, start: Sequence[float] | None = None, *, tolerance: float = 1e-4
) -> tuple[float, ...]:
    """(shapes..., loc, scale) of family `name` fitted to `x` as scipy's `fit` does, from
    `start` (e.g. a subsample's fit) or from scipy's own start for the family, to scipy's
    tolerance on the parameters and the likelihood, or a looser one for screening; ValueError
    when the search ends outside the family's parameters."""
    import numpy as np
    from scipy import optimize

    family = FAMILIES[name]
    first = tuple(start) if start is not None else fit_start(name, x)
    nll = penalised_nll(family, np.asarray(x, dtype=np.float64))
    with np.errstate(all="ignore"):
        found = optimize.fmin(nll, np.asarray(first, float), xtol=tolerance, ftol=tolerance, disp=0)
        values = tuple(float(v) for v in found)
        reached = nll(values)
    if not math.isfinite(reached):
        raise ValueError("the search ended outside the family's parameters")
    return values


def fit_start(name: str, x: FloatArray) -> tuple[float, ...]:
    """scipy's starting point for the fit: the family's own `_fitstart`, or for a family that
    keeps the default one, its moment match with every shape at 1 (the same arithmetic, with
    the family's mean and variance computed once per process: for some families scipy gets
    them by numerical integration, 35 ms each time)."""
    import numpy as np
    import scipy.stats
    from scipy.stats import rv_continuous

    dist = getattr(scipy.stats, name)
    if type(dist)._fitstart is not rv_continuous._fitstart:
        return tuple(float(v) for v in dist._fitstart(x))
    shapes = (1.0,) * dist.numargs
    mu, mu2 = standard_moments(name)
    scale = math.sqrt(float(x.var()) / mu2)
    loc = float(x.mean()) - scale * mu
    if not math.isfinite(loc):
        loc = 0.0
    if not (math.isfinite(scale) and scale > 0):
        scale = 1.0
    a, b = (float(v) for v in dist.support(*shapes))
    low, high = float(np.min(x)), float(np.max(x))
    if not (b - a > 0) or (loc + a * scale < low and high < loc + b * scale):
        return (*shapes, loc, scale)
    margin = (high - low) * 0.1
    if b - a < math.inf:
        return (*shapes, (low - a) - margin, (high - low + 2 * margin) / (b - a))
    if a > -math.inf:
        return (*shapes, (low - a) - margin, 1.0)
    return (*shapes, (high - b) + margin, 1.0)


_MOMENTS: dict[str, tuple[float, float]] = {}


def standard_moments(name: str) -> tuple[float, float]:
    """The mean and variance of family `name` with every shape at 1, loc 0, scale 1."""
    if name not in _MOMENTS:
        import scipy.stats

        dist = getattr(scipy.stats, name)
        mu, mu2 = dist.stats(*(1.0,) * dist.numargs, moments="mv")
        _MOMENTS[name] = (float(mu), float(mu2))
    return _MOMENTS[name]


def prepare(names: Sequence[str]) -> None:
    """Compute once, here, what every fit of these families would otherwise compute again
    (call before forking the workers)."""
    import scipy.stats
    from scipy.stats import rv_continuous

    for name in names:
        if name in FAMILIES and type(getattr(scipy.stats, name))._fitstart is (
            rv_continuous._fitstart
        ):
            standard_moments(name)
