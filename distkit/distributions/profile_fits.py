"""Maximum likelihood for families whose other parameters follow from the location.

With the location fixed, the lognormal's shape and scale have closed forms, and the gamma's
(chi2's) and the Weibull's come from one equation in one unknown, solved by Newton's method
in a few steps. The likelihood of all three parameters is then a function of the location
alone (the profile likelihood), searched here on a grid of gaps between the location and the
smallest value (from 1e-9 to 10,000 times the data's spread) and refined by a bounded
one-dimensional search. That finds the maximum scipy's Nelder-Mead search looks for (and
sometimes a higher one it stops short of) in a fraction of the time, without its second start
from location 0. The likelihood searched is the one the ranking scores (`spikes`): where a shape
below 1 makes the density unbounded at the location, the smallest value counts with the mean
density up to its neighbour, so the search is not pulled into that degenerate maximum.

Student's t and the log-gamma, whose supports are the whole line, are fitted by quasi-Newton
steps on their exact gradients: t from the median, the interquartile range and 5 degrees of
freedom, the log-gamma from its moments (its shape from the sample's skewness).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

Params = tuple[float, ...]  # (shapes..., loc, scale), as scipy's fit gives them
AtShape = Callable[[float, "float | None"], tuple[float, float]]  # (shape, scale) -> loglik

SMALLEST_GAP = -9.0  # log10 of the smallest gap, in units of the data's spread
LARGEST_GAP = 4.0  # beyond, the profile's closed form loses digits to cancellation
GRID = 27


def _trigamma(x: float) -> float:
    """scipy's polygamma(1, x), by the Hurwitz zeta function (polygamma's Python wrapper cost
    more than the arithmetic)."""
    from scipy.special import zeta

    return float(zeta(2.0, x))


def _tetragamma(x: float) -> float:
    """scipy's polygamma(2, x)."""
    from scipy.special import zeta

    return -2.0 * float(zeta(3.0, x))


def _gamma_cdf_and_log_density(y: float, shape: float, scale: float) -> tuple[float, float]:
    from scipy.special import gammainc, gammaln

    z = y / scale
    return float(gammainc(shape, z)), (shape - 1) * math.log(z) - z - math.log(scale) - float(
        gammaln(shape)
    )


def _weibull_cdf_and_log_density(y: float, shape: float, scale: float) -> tuple[float, float]:
    z = y / scale
    power = z**shape
    return -math.expm1(-power), math.log(shape / scale) + (shape - 1) * math.log(z) - power


def _gamma_profile(y: FloatArray) -> tuple[float, tuple[float, float]]:
    """(loglik, (shape, scale)) of the gamma with the location at 0 on positive `y`."""
    import numpy as np
    from scipy.special import gammaln, psi

    n = y.size
    mean = float(y.mean())
    sum_log = float(np.log(y).sum())
    s = math.log(mean) - sum_log / n
    if not s > 0:
        return -math.inf, (math.nan, math.nan)
    a = (3 - s + math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s)  # Minka's start
    for _ in range(30):
        step = (math.log(a) - float(psi(a)) - s) / (1 / a - _trigamma(a))
        a = a - step if a - step > 0 else a / 2
        if abs(step) < 1e-12 * a:
            break
    scale = mean / a
    loglik = (a - 1) * sum_log - n * a - n * a * math.log(scale) - n * float(gammaln(a))
    return loglik, (a, scale)


def _weibull_profile(y: FloatArray) -> tuple[float, tuple[float, float]]:
    """(loglik, (shape, scale)) of the Weibull with the location at 0 on positive `y`."""
    import numpy as np

    n = y.size
    unit = float(y.max())
    logs = np.log(y / unit)  # <= 0: no power below overflows
    mean_log = float(logs.mean())
    c = 1.2 / max(float(logs.std()), 1e-12)
    for _ in range(50):
        powers = np.exp(c * logs)
        total = float(powers.sum())
        weighted = float(powers @ logs) / total
        value = weighted - 1 / c - mean_log
        slope = float(powers @ (logs * logs)) / total - weighted * weighted + 1 / (c * c)
        step = value / slope
        c = c - step if c - step > 0 else c / 2
        if abs(step) < 1e-12 * c:
            break
    powers = np.exp(c * logs)
    log_scale = math.log(float(powers.mean())) / c  # relative to `unit`
    loglik = n * math.log(c) - n * c * log_scale + (c - 1) * float(logs.sum()) - n
    loglik -= n * math.log(unit)
    return loglik, (c, unit * math.exp(log_scale))


def _lognorm_profile(y: FloatArray) -> tuple[float, tuple[float, float]]:
    """(loglik, (shape, scale)) of the lognormal with the location at 0 on positive `y`."""
    import numpy as np

    logs = np.log(y)
    mu = float(logs.mean())
    sigma = float(logs.std())
    if not sigma > 0:
        return -math.inf, (math.nan, math.nan)
    n = y.size
    loglik = -float(logs.sum()) - n * math.log(sigma) - n / 2 * math.log(2 * math.pi) - n / 2
    return loglik, (sigma, math.exp(mu))


_PROFILES: dict[str, Callable[[FloatArray], tuple[float, tuple[float, float]]]] = {
    "gamma": _gamma_profile,
    "lognorm": _lognorm_profile,
    "weibull_min": _weibull_profile,
}


def _lognorm_cdf_and_log_density(y: float, shape: float, scale: float) -> tuple[float, float]:
    from scipy.special import ndtr

    z = (math.log(y) - math.log(scale)) / shape
    return float(ndtr(z)), -math.log(y * shape * math.sqrt(2 * math.pi)) - z * z / 2


_CDFS: dict[str, Callable[[float, float, float], tuple[float, float]]] = {
    "lognorm": _lognorm_cdf_and_log_density,
    "gamma": _gamma_cdf_and_log_density,
    "weibull_min": _weibull_cdf_and_log_density,
}
FAMILIES = frozenset(_PROFILES) | {"chi2", "t", "loggamma"}
QUICK = frozenset({"loggamma"})  # families with a second search that screening may skip
# A log-gamma shape above which the fit is all but the normal: on a sample with a normal's
# tails, scipy's search then only creeps along the flat ridge towards c = infinity (in 400
# random samples it gained at most 0.03); on a heavy-tailed one it can find another maximum.
NEAR_NORMAL = 50.0


def fit(
    name: str, x: FloatArray, near: Sequence[float] | None = None, *, thorough: bool = True
) -> Params:
    """(shapes..., loc, scale) of family `name` fitted to `x` by maximum likelihood; `near`, a
    fit of a subsample, narrows the search to its neighbourhood. Without `thorough`, a family
    in QUICK skips its second, slower search (for screening). ValueError when no parameters
    give every value a positive density."""
    import numpy as np

    x = np.asarray(x, dtype=np.float64)
    if x.size < 3:
        raise ValueError("the data do not vary")
    spread_of(x)
    if name == "t":
        return _fit_t(x, near)
    if name == "loggamma":
        return _fit_loggamma(x, near, thorough=thorough)
    if name in ("gamma", "chi2"):
        shape, loc, scale = _gamma_fit(x, near)
        return (2 * shape, loc, scale / 2) if name == "chi2" else (shape, loc, scale)
    return _fit_positive(name, x, near)


def spread_of(x: FloatArray) -> float:
    """The standard deviation of `x`; ValueError, in words, when it is 0 or not a number."""
    import numpy as np

    if not float(x.max()) > float(x.min()):
        raise ValueError("the data do not vary")
    with np.errstate(all="ignore"):
        spread = float(x.std())
    if not math.isfinite(spread):
        raise ValueError("data too large to fit: their spread overflows")
    if not spread > 0:
        raise ValueError("data too small to fit: their spread underflows")
    return spread


_GAMMA_FITS: dict[tuple[bytes, float | None], Params] = {}


def _gamma_fit(x: FloatArray, near: Sequence[float] | None) -> Params:
    """The gamma's fit, kept for the sample's chi2 (the same family in other parameters)."""
    import hashlib

    key = (hashlib.blake2b(x.tobytes(), digest_size=16).digest(), near[-2] if near else None)
    if key not in _GAMMA_FITS:
        _GAMMA_FITS.clear()
        _GAMMA_FITS[key] = _fit_positive("gamma", x, near)
    return _GAMMA_FITS[key]


def _fit_positive(name: str, x: FloatArray, near: Sequence[float] | None) -> Params:
    import numpy as np
    from scipy import optimize

    profile = _PROFILES[name]
    ordered = np.sort(x)
    low, next_up = float(ordered[0]), float(ordered[1])
    spread = float(x.std())

    def at(log_gap: float) -> tuple[float, tuple[float, float], float]:
        loc = low - spread * 10.0**log_gap
        if not loc < low:
            return -math.inf, (math.nan, math.nan), loc
        with np.errstate(all="ignore"):
            loglik, (shape, scale) = profile(x - loc)
            if name in _CDFS and (shape < 1 or name == "lognorm") and low - loc < next_up - low:
                loglik += _spike_correction(name, shape, scale, low - loc, next_up - loc)
        return (loglik if math.isfinite(loglik) else -math.inf), (shape, scale), loc

    if near is not None and near[-2] < low:
        centre = math.log10((low - near[-2]) / spread)
        grid = np.linspace(centre - 1, centre + 1, 9)
    else:
        grid = np.linspace(SMALLEST_GAP, LARGEST_GAP, GRID)
    grid = np.clip(grid, SMALLEST_GAP, LARGEST_GAP)
    values = [at(float(g))[0] for g in grid]
    best = int(np.argmax(values))
    if not math.isfinite(values[best]):
        raise ValueError("no parameters give every value a positive density")
    left, right = float(grid[max(best - 1, 0)]), float(grid[min(best + 1, grid.size - 1)])
    found = optimize.minimize_scalar(
        lambda g: -at(g)[0], bounds=(left, right), method="bounded", options={"xatol": 1e-6}
    )
    log_gap = float(found.x) if -found.fun >= values[best] else float(grid[best])
    loglik, (shape, scale), loc = at(log_gap)
    if name in _AT_SHAPE:
        at_end = _at_the_smallest_value(name, ordered, spread)
        if at_end is not None and at_end[0] > loglik:
            loglik, (shape, scale), loc = at_end
        if shape < 1 and low - loc < next_up - low:
            shape, scale, loc = _polish_near_the_end(name, x, ordered, (shape, scale, loc), loglik)
    return (shape, loc, scale)


def _at_the_smallest_value(
    name: str, ordered: FloatArray, spread: float
) -> tuple[float, tuple[float, float], float] | None:
    """The best fit with the location on the smallest value (a few rounding steps below it)
    and the shape below 1, by the likelihood the ranking scores: the other values' densities,
    and the smallest value's mean density up to its neighbour. None when none is finite."""
    import numpy as np
    from scipy import optimize

    low, next_up = float(ordered[0]), float(ordered[1])
    loc = low - max(spread * 1e-15, 4 * float(np.spacing(abs(low))))
    if not (loc < low < next_up):
        return None
    rest, reach = ordered[1:] - loc, next_up - loc
    at_shape = _AT_SHAPE[name](rest)

    def scored(shape: float, scale: float | None = None) -> tuple[float, float]:
        if not 0 < shape < 1:
            return -math.inf, math.nan
        loglik, scale = at_shape(shape, scale)
        mass = _CDFS[name](reach, shape, scale)[0]
        if not (mass > 0 and math.isfinite(loglik)):
            return -math.inf, scale
        return loglik + math.log(mass / reach), scale

    with np.errstate(all="ignore"):
        found = optimize.minimize_scalar(
            lambda shape: -scored(shape)[0], bounds=(1e-3, 1 - 1e-9), method="bounded"
        )
        loglik, scale = scored(float(found.x))
    if not math.isfinite(loglik):
        return None
    return loglik, (float(found.x), scale), loc


def _polish_near_the_end(
    name: str,
    x: FloatArray,
    ordered: FloatArray,
    found: tuple[float, float, float],
    loglik: float,
) -> tuple[float, float, float]:
    """(shape, scale, loc) of a fit whose shape is below 1 and whose location lies closer to
    the smallest value than that to the next, polished by Nelder-Mead on the likelihood the
    ranking scores (there the profile's shape and scale are no longer that likelihood's best).
    """
    import numpy as np
    from scipy import optimize

    low, next_up = float(ordered[0]), float(ordered[1])
    floor = max(float(x.std()) * 1e-15, 4 * float(np.spacing(abs(low))))
    log_density = _LOG_DENSITIES[name]
    smallest = int(np.argmin(x))

    def negative(p: FloatArray) -> float:
        gap, shape, scale = max(math.exp(p[0]), floor), math.exp(p[1]), math.exp(p[2])
        loc = low - gap
        if not (shape < 1 and loc < low and gap < next_up - low):
            return math.inf
        logs = log_density(x - loc, shape, scale)
        mass = _CDFS[name](next_up - loc, shape, scale)[0]
        total = float(logs.sum())
        if mass > 0:
            total -= max(float(logs[smallest]) - math.log(mass / (next_up - loc)), 0.0)
        return -total if math.isfinite(total) else math.inf

    shape, scale, loc = found
    start = np.array([math.log(max(low - loc, floor)), math.log(shape), math.log(scale)])
    with np.errstate(all="ignore"):
        polished = optimize.minimize(negative, start, method="Nelder-Mead")
    if not -polished.fun > loglik:
        return found
    gap, shape, scale = max(math.exp(polished.x[0]), floor), *np.exp(polished.x[1:])
    return float(shape), float(scale), low - gap


def _gamma_log_density(y: FloatArray, shape: float, scale: float) -> FloatArray:
    import numpy as np
    from scipy.special import gammaln

    z = y / scale
    return (shape - 1) * np.log(z) - z - math.log(scale) - float(gammaln(shape))


def _weibull_log_density(y: FloatArray, shape: float, scale: float) -> FloatArray:
    import numpy as np

    z = y / scale
    return math.log(shape / scale) + (shape - 1) * np.log(z) - z**shape


_LOG_DENSITIES: dict[str, Callable[[FloatArray, float, float], FloatArray]] = {
    "gamma": _gamma_log_density,
    "weibull_min": _weibull_log_density,
}


def _gamma_at_shape(y: FloatArray) -> AtShape:
    """(loglik, scale) of the gamma with location 0 and shape `a` on `y`, at `scale` (else
    the scale fitted)."""
    import numpy as np
    from scipy.special import gammaln

    n, mean, sum_log = y.size, float(y.mean()), float(np.log(y).sum())

    def at(a: float, scale: float | None = None) -> tuple[float, float]:
        scale = mean / a if scale is None else scale
        loglik = (a - 1) * sum_log - n * mean / scale - n * a * math.log(scale) - n * gammaln(a)
        return float(loglik), scale

    return at


def _weibull_at_shape(y: FloatArray) -> AtShape:
    """(loglik, scale) of the Weibull with location 0 and shape `c` on `y`, at `scale` (else
    the scale fitted)."""
    import numpy as np

    n, unit = y.size, float(y.max())
    logs = np.log(y / unit)
    sum_log = float(logs.sum())

    def at(c: float, scale: float | None = None) -> tuple[float, float]:
        mean_power = float(np.exp(c * logs).mean())
        log_scale = math.log(mean_power) / c if scale is None else math.log(scale / unit)
        loglik = n * math.log(c) - n * c * log_scale + (c - 1) * sum_log - n * math.log(unit)
        loglik -= n * mean_power / math.exp(c * log_scale)
        return loglik, unit * math.exp(log_scale)

    return at


_AT_SHAPE: dict[str, Callable[[FloatArray], AtShape]] = {
    "gamma": _gamma_at_shape,
    "weibull_min": _weibull_at_shape,
}


def _spike_correction(name: str, shape: float, scale: float, gap: float, reach: float) -> float:
    """What scoring the smallest value (`gap` above the location) by the mean density up to
    its neighbour (`reach` above it) changes in the log-likelihood: never a gain."""
    mass = _CDFS[name](reach, shape, scale)[0]
    raw = _CDFS[name](gap, shape, scale)[1]
    if not (mass > 0 and math.isfinite(raw)):
        return 0.0
    return min(math.log(mass / reach) - raw, 0.0)


Objective = Callable[["FloatArray"], tuple[float, "FloatArray"]]


def _backing_away(objective: Objective) -> Objective:
    """`objective`, giving a huge value and no slope where its arithmetic overflows, so that
    the search backs away from there."""

    def guarded(theta: FloatArray) -> tuple[float, FloatArray]:
        import numpy as np

        try:
            return objective(theta)
        except (OverflowError, ZeroDivisionError):
            return 1e300, np.zeros(len(theta))

    return guarded


def _t_loglik_and_gradient(x: FloatArray) -> Objective:
    """The negative log-likelihood of t on `x` and its gradient, in (log df, loc, log scale)."""
    import numpy as np
    from scipy.special import gammaln, psi

    n = x.size

    @_backing_away
    def negative(theta: FloatArray) -> tuple[float, FloatArray]:
        df, loc, scale = math.exp(theta[0]), float(theta[1]), math.exp(theta[2])
        z = (x - loc) / scale
        z2 = z * z
        inner = np.log1p(z2 / df)
        constant = float(gammaln((df + 1) / 2) - gammaln(df / 2)) - 0.5 * math.log(df * math.pi)
        loglik = n * (constant - math.log(scale)) - (df + 1) / 2 * float(inner.sum())
        weight = (df + 1) / (df + z2)
        d_loc = float((weight * z).sum()) / scale
        d_log_scale = float((weight * z2).sum()) - n
        d_df = n * (0.5 * float(psi((df + 1) / 2) - psi(df / 2)) - 0.5 / df)
        d_df += float((-0.5 * inner + 0.5 * weight * z2 / df).sum())
        gradient = np.array([d_df * df, d_loc, d_log_scale])
        return -loglik, -gradient

    return negative


def _fit_t(x: FloatArray, near: Sequence[float] | None) -> Params:
    import numpy as np
    from scipy import optimize

    negative = _t_loglik_and_gradient(x)
    quartiles = np.percentile(x, [25, 50, 75])
    spread = max(float(quartiles[2] - quartiles[0]) / 1.349, float(x.std()) * 1e-3)
    if near is not None:
        starts = [(math.log(near[0]), near[1], math.log(near[2]))]
    else:
        starts = [(math.log(5.0), float(quartiles[1]), math.log(spread))]
    best: tuple[float, FloatArray] | None = None
    bounds = [(math.log(0.05), math.log(1e7)), (None, None), (None, None)]
    for start in starts:
        with np.errstate(all="ignore"):
            found = optimize.minimize(
                negative, np.array(start), jac=True, method="L-BFGS-B", bounds=bounds
            )
        if found.fun < 1e300 and (best is None or found.fun < best[0]):
            best = (float(found.fun), found.x)
    if best is None:
        raise ValueError("no parameters give every value a positive density")
    theta = best[1]
    return (math.exp(theta[0]), float(theta[1]), math.exp(theta[2]))


def _loggamma_loglik_and_gradient(x: FloatArray) -> Objective:
    """The negative log-likelihood of loggamma on `x` and its gradient, in (log c, mean,
    log standard deviation): the mean and spread stay put as the shape moves, where in scipy's
    (c, loc, scale) a near-normal sample's maximum lies far along a narrow ridge. A huge value
    where exp overflows, so the search backs away."""
    import numpy as np
    from scipy.special import gammaln, psi

    n = x.size

    @_backing_away
    def negative(theta: FloatArray) -> tuple[float, FloatArray]:
        c, mean = math.exp(theta[0]), float(theta[1])
        digamma, trigamma, tetragamma = float(psi(c)), _trigamma(c), _tetragamma(c)
        scale = math.exp(theta[2]) / math.sqrt(trigamma)
        loc = mean - scale * digamma
        z = (x - loc) / scale
        powers = np.exp(z)
        sum_z, sum_powers = float(z.sum()), float(powers.sum())
        loglik = c * sum_z - sum_powers - n * float(gammaln(c)) - n * math.log(scale)
        if not math.isfinite(loglik):
            return 1e300, np.zeros(3)
        d_c = sum_z - n * digamma
        d_loc = (sum_powers - n * c) / scale
        d_scale = (float(((powers - c) * z).sum()) - n) / scale
        scale_by_c = -0.5 * scale * tetragamma / trigamma
        loc_by_c = -(scale_by_c * digamma + scale * trigamma)
        d_log_c = c * (d_c + d_loc * loc_by_c + d_scale * scale_by_c)
        d_log_sd = scale * (d_scale - d_loc * digamma)
        return -loglik, -np.array([d_log_c, d_loc, d_log_sd])

    return negative


def _loggamma_start(x: FloatArray) -> tuple[float, float, float]:
    """(log c, mean, log standard deviation) of the sample, c matching its skewness."""
    from scipy import optimize, stats

    skew = float(stats.skew(x))

    def skew_at(log_c: float) -> float:
        c = math.exp(log_c)
        ratio: float = _tetragamma(c) / _trigamma(c) ** 1.5
        return ratio - skew

    if -1.99 < skew < -0.01:
        log_c = float(optimize.brentq(skew_at, math.log(1e-3), math.log(1e4)))
    else:
        log_c = 0.0 if skew <= -1.99 else math.log(100.0)
    return log_c, float(x.mean()), math.log(float(x.std()))


def _fit_loggamma(x: FloatArray, near: Sequence[float] | None, *, thorough: bool) -> Params:
    import numpy as np
    from scipy import optimize
    from scipy.special import psi

    negative = _loggamma_loglik_and_gradient(x)
    if near is not None:
        c, loc, scale = near
        start = (
            math.log(c),
            loc + scale * float(psi(c)),
            math.log(scale * math.sqrt(_trigamma(c))),
        )
        starts = [start]
    else:
        start = _loggamma_start(x)
        quartiles = np.percentile(x, [25, 50, 75])
        robust = math.log(max(float(quartiles[2] - quartiles[0]) / 1.349, 1e-12))
        starts = [start, (start[0], float(quartiles[1]), robust)]  # for heavy tails
    spread = math.log(float(x.std()))
    bounds = [(math.log(1e-8), math.log(1e6)), (None, None), (spread - 30, spread + 30)]
    with np.errstate(all="ignore"):
        found = min(
            (
                optimize.minimize(
                    negative, np.array(first), jac=True, method="L-BFGS-B", bounds=bounds
                )
                for first in starts
            ),
            key=lambda result: float(result.fun),
        )
    if not (math.isfinite(found.fun) and found.fun < 1e300):
        raise ValueError("no parameters give every value a positive density")
    c = math.exp(found.x[0])
    scale = math.exp(found.x[2]) / math.sqrt(_trigamma(c))
    fitted = (c, float(found.x[1]) - scale * float(psi(c)), scale)
    if near is not None or not thorough or (c > NEAR_NORMAL and _normal_tails(x)):
        return fitted
    return _better_of_scipy_s_search(x, fitted, -float(found.fun))


def _normal_tails(x: FloatArray) -> bool:
    """Whether the sample's excess kurtosis is within 1 of a normal's 0."""
    from scipy import stats

    return abs(float(stats.kurtosis(x))) < 1.0


def _better_of_scipy_s_search(x: FloatArray, fitted: Params, loglik: float) -> Params:
    """`fitted`, or scipy's own Nelder-Mead search from scipy's start where it ends higher.

    The log-gamma's likelihood has several maxima on heavy-tailed samples (cauchy-like), and
    its maximum on a sample with a hard upper end lies as c goes to 0, where the mean and
    spread no longer steer the gradient search; scipy's search (7 ms on 500 values) makes sure
    no fit is worse than scipy's own."""
    import numpy as np

    from distkit.distributions import fast_continuous

    try:
        further = fast_continuous.fit("loggamma", x)
    except ValueError:
        return fitted
    nll = fast_continuous.penalised_nll(fast_continuous.FAMILIES["loggamma"], x)
    with np.errstate(all="ignore"):
        reached = -nll(further)
    return further if reached > loglik else fitted
