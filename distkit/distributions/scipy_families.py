"""The scipy.stats families that `fit --best --scipy` ranks, and how each is fitted fast.

Continuous families are screened on a seeded subsample of at most `SCREEN_SIZE` values: gamma,
chi2, lognorm, weibull_min, t and loggamma by distkit's own maximum likelihood (`profile_fits`;
the log-gamma without its second search), beta and exponpow by gradient steps (`quick_fits`),
the others by scipy's `fit` (closed forms where scipy has them; `fast_continuous` where distkit
has a cheaper copy of scipy's generic search, run to a looser tolerance), for positive data
also from a second start with the location fixed at 0 (a better starting point than scipy's
generic one for their kin). `refine` then polishes the fits the ranking puts near the top: on
the whole data from where the subsample left it, to scipy's tolerance, and with the
log-gamma's second search. Fitted models are frozen on one copy of each family
(`frozen_sharing`). Discrete
families are fitted here by maximum likelihood on the counts of the distinct values (so their
cost does not grow with the data): closed forms for Poisson, geometric, Bernoulli and uniform
integers, a one-dimensional profile for the negative and plain binomial, and Nelder-Mead on
transformed parameters for the rest.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from distkit.distributions import profile_fits, quick_fits
from distkit.distributions.validation import shown_number

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

SCREEN_SIZE = 500
NOT_TRIED = {
    "levy_stable": "not tried: its density is a numerical integral, and a fit takes minutes",
    "studentized_range": "not tried: its density is a numerical integral, a fit takes minutes",
    "vonmises": "not tried: a circular family (its density repeats every 2 pi along the line)",
    "hypergeom": "not tried: its population sizes are not estimated from a sample",
    "nhypergeom": "not tried: its population sizes are not estimated from a sample",
    "nchypergeom_fisher": "not tried: its population sizes are not estimated from a sample",
    "nchypergeom_wallenius": "not tried: its population sizes are not estimated from a sample",
    "poisson_binom": "not tried: it has one probability per trial, more than a sample can fix",
}
ZERO_START = {  # positive families that scipy's generic start often leaves in a poor optimum
    "betaprime",
    "burr",
    "burr12",
    "exponweib",
    "fisk",
    "gamma",
    "gengamma",
    "invgamma",
    "invgauss",
    "loglaplace",
    "lognorm",
    "weibull_min",
}
STARTS_AT_ONE = {"geom", "zipf", "logser", "yulesimon", "zipfian"}
WHOLE_SHAPE = {"erlang"}  # continuous families whose shape is a whole number


@dataclass(frozen=True)
class ScipyForm:
    """A fitted scipy.stats distribution: `getattr(scipy.stats, name)(*args, **kwds)`."""

    name: str
    args: tuple[float, ...]
    kwds: dict[str, float] = field(default_factory=dict)

    def frozen(self) -> Any:
        """The frozen scipy.stats distribution."""
        import scipy.stats

        return frozen_sharing(getattr(scipy.stats, self.name), self.args, self.kwds)

    def params(self) -> dict[str, float]:
        """The arguments by scipy's names (shapes, then loc and scale)."""
        return {**dict(zip(shape_names(self.name), self.args, strict=False)), **self.kwds}

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "args": list(self.args), "kwds": dict(self.kwds)}


_COPIES: dict[str, Any] = {}


def frozen_sharing(family: Any, args: Sequence[float], kwds: Mapping[str, float]) -> Any:
    """`family(*args, **kwds)`, frozen on one copy of the family per process: scipy's freeze
    copies the family each time (0.5 ms, most of it writing the copy's docstring), which
    a ranking of 17 families paid 17 times and more. scipy's own freeze where its frozen
    class does not take the copy. The copy's default random state is shared: draw with an
    explicit `random_state`, as distkit does."""
    from scipy.stats import _distn_infrastructure as infrastructure

    discrete = isinstance(family, infrastructure.rv_discrete)
    frozen_class = getattr(
        infrastructure, "rv_discrete_frozen" if discrete else "rv_continuous_frozen", None
    )
    if frozen_class is None:
        return family(*args, **kwds)
    try:
        copy = _COPIES.get(family.name)
        if copy is None:
            copy = _COPIES[family.name] = family.__class__(**family._updated_ctor_param())
        frozen = object.__new__(frozen_class)
        frozen.args, frozen.kwds, frozen.dist = tuple(args), dict(kwds), copy
        shapes, _, _ = copy._parse_args(*args, **kwds)
        frozen.a, frozen.b = copy._get_support(*shapes)
    except (AttributeError, TypeError):
        return family(*args, **kwds)
    return frozen


def shape_names(name: str) -> list[str]:
    """scipy's names for the shape parameters of family `name`."""
    import scipy.stats

    shapes = getattr(scipy.stats, name).shapes
    return [s.strip() for s in shapes.split(",")] if shapes else []


def all_families(*, discrete: bool) -> list[str]:
    """Every scipy.stats family of the kind, by name, sorted."""
    import scipy.stats

    kind = scipy.stats.rv_discrete if discrete else scipy.stats.rv_continuous
    return sorted(n for n in dir(scipy.stats) if isinstance(getattr(scipy.stats, n), kind))


SCIPY_ANALYTIC = {"pareto", "powerlaw", "rayleigh"}  # scipy's own closed-form fits


def bounded(name: str) -> bool:
    """Whether fitting continuous family `name` here does bounded work (closed forms, a profile
    search, Nelder-Mead with its cap on steps over a density written out in numpy): no search
    that can hang, so it needs no time limit."""
    from distkit.distributions import fast_continuous

    return (
        name in _CLOSED
        or name in profile_fits.FAMILIES
        or name in quick_fits.FAMILIES
        or name in fast_continuous.FAMILIES
        or name in SCIPY_ANALYTIC
    )


def is_discrete(name: str) -> bool:
    import scipy.stats

    return isinstance(getattr(scipy.stats, name, None), scipy.stats.rv_discrete)


def candidates(
    *, whole: bool, names: Sequence[str] | None = None
) -> tuple[list[str], dict[str, str]]:
    """The families to try on the data, and those not tried with the reason.

    Real data get the continuous families; whole numbers the discrete ones as well. `names`
    limits the choice (an unknown name, or a discrete family for real data, is not tried).
    """
    import scipy.stats

    known = all_families(discrete=False) + (all_families(discrete=True) if whole else [])
    chosen = list(names) if names is not None else known
    tried: list[str] = []
    skipped: dict[str, str] = {}
    for name in chosen:
        if not isinstance(
            getattr(scipy.stats, name, None), (scipy.stats.rv_continuous, scipy.stats.rv_discrete)
        ):
            skipped[name] = "not a scipy.stats family"
        elif is_discrete(name) and not whole:
            skipped[name] = "discrete, but the data are not all whole numbers"
        elif name in NOT_TRIED:
            skipped[name] = NOT_TRIED[name]
        else:
            tried.append(name)
    return tried, skipped


def fit_family(
    name: str, data: FloatArray, options: Mapping[str, float], *, seed: int = 0
) -> ScipyForm:
    """Fit scipy family `name` to `data`; ValueError when it cannot take them.

    `options` holds known parameters (binom's and betabinom's `n`). A continuous family is
    fitted on a seeded subsample of at most SCREEN_SIZE values, a family in
    `profile_fits.QUICK` without its second search (see `refine`).
    """
    if is_discrete(name):
        return _fit_discrete(name, data, options)
    return _fit_continuous(name, _subsample(data, seed), thorough=False)


def needs_refining(form: ScipyForm, size: int) -> bool:
    """Whether `refine` would do more for `form` on `size` values than return it."""
    if is_discrete(form.name):
        return False
    return size > SCREEN_SIZE or form.name in profile_fits.QUICK or _screened_loosely(form.name)


def _screened_loosely(name: str) -> bool:
    """Whether screening fits family `name` by Nelder-Mead to a looser tolerance."""
    from distkit.distributions import fast_continuous

    return name in fast_continuous.FAMILIES and not (
        name in profile_fits.FAMILIES or name in quick_fits.FAMILIES
    )


def refine(form: ScipyForm, data: FloatArray) -> ScipyForm:
    """Maximum likelihood on all of `data`, starting from `form` (a subsample's fit, which
    already had the start from 0 where it helps; or a fit screened to a looser tolerance);
    the better of the two. A family screened without its second search
    (`profile_fits.QUICK`) has it first, on the subsample."""
    if not needs_refining(form, data.size):
        return form
    if form.name in profile_fits.QUICK:
        sample = _subsample(data, 0)
        thorough = _as_form(form.name, profile_fits.fit(form.name, sample))
        form = max((form, thorough), key=lambda tried: _loglik(tried, sample))
        if data.size <= SCREEN_SIZE:
            return form
    if form.name in WHOLE_SHAPE:
        return max(
            (form, _whole_shape_fit(form.name, data, form.args[0])), key=lambda f: _loglik(f, data)
        )
    polished: Sequence[float]
    if form.name in profile_fits.FAMILIES:
        polished = profile_fits.fit(form.name, data, near=_values(form))
    elif form.name in quick_fits.FAMILIES:
        polished = quick_fits.fit(form.name, data, near=_values(form))
    else:
        polished = _generic_fit(form.name, data, _values(form))
    tries = [form, _as_form(form.name, polished)]
    return max(tries, key=lambda tried: _loglik(tried, data))


def _from_zero(name: str, x: FloatArray, found: ScipyForm | None) -> ScipyForm | None:
    """`found` (None if the generic fit failed), or for a positive family on positive data
    whose fit with the location at 0 is better, the fit started from there."""
    if name not in ZERO_START or not x.min() > 0:
        return found
    import scipy.stats

    try:
        at_zero = _as_form(name, getattr(scipy.stats, name).fit(x, floc=0))
    except (ValueError, RuntimeError, FloatingPointError):
        return found
    if found is not None and _loglik(found, x) >= _loglik(at_zero, x):
        return found
    try:
        freed = _as_form(name, _generic_fit(name, x, _values(at_zero)))
    except ValueError:
        return at_zero
    return max((at_zero, freed), key=lambda tried: _loglik(tried, x))


def _whole_shape_fit(name: str, x: FloatArray, near: float | None = None) -> ScipyForm:
    """A family whose shape is a whole number (erlang): the best of its fits with the shape
    fixed at the whole numbers either side of `near` (else of the gamma fit's shape), where
    scipy's own fit would give a shape that is not whole."""
    import scipy.stats

    if near is None:
        near = _fit_continuous("gamma", x).args[0]
    family = getattr(scipy.stats, name)
    tries = []
    for shape in sorted({max(1, math.floor(near)), max(1, math.ceil(near))}):
        try:
            fitted = family.fit(x, fa=shape)
        except (ValueError, RuntimeError, FloatingPointError):
            continue
        tries.append(
            ScipyForm(name, (shape,), {"loc": float(fitted[-2]), "scale": float(fitted[-1])})
        )
    tries = [form for form in tries if math.isfinite(_loglik(form, x))]
    if not tries:
        raise ValueError("no parameters give every value a positive density")
    return max(tries, key=lambda form: _loglik(form, x))


def _subsample(data: FloatArray, seed: int) -> FloatArray:
    import numpy as np

    if data.size <= SCREEN_SIZE:
        return data
    chosen = np.random.default_rng(seed).choice(data, SCREEN_SIZE - 2, replace=False)
    return np.concatenate([[data.min(), data.max()], chosen])  # the range of all the data


def _loglik(form: ScipyForm, data: FloatArray) -> float:
    import scipy.stats

    family = getattr(scipy.stats, form.name)  # not frozen: freezing copies the family (0.5 ms)
    if is_discrete(form.name):
        logs = family.logpmf(data, *form.args, **form.kwds)
    else:
        logs = family.logpdf(data, *form.args, **form.kwds)
    value = float(logs.sum())
    return value if math.isfinite(value) else -math.inf


def _as_form(name: str, fitted: Sequence[float]) -> ScipyForm:
    values = [float(v) for v in fitted]
    return ScipyForm(name, tuple(values[:-2]), {"loc": values[-2], "scale": values[-1]})


def _values(form: ScipyForm) -> tuple[float, ...]:
    return (*form.args, form.kwds.get("loc", 0.0), form.kwds.get("scale", 1.0))


def _generic_fit(
    name: str, x: FloatArray, start: Sequence[float] | None = None, *, screening: bool = False
) -> Sequence[float]:
    """scipy's generic fit (from `start`, else scipy's own start): distkit's copy with a
    cheaper log-likelihood for the families it has (to a looser tolerance for `screening`),
    else scipy's `fit` itself."""
    import scipy.stats

    from distkit.distributions import fast_continuous

    if name in fast_continuous.FAMILIES:
        tolerance = fast_continuous.SCREENING_TOLERANCE if screening else 1e-4
        return fast_continuous.fit(name, x, start, tolerance=tolerance)
    dist = getattr(scipy.stats, name)
    if start is None:
        fitted = dist.fit(x)  # scipy's own closed forms where it has them
    else:
        *shapes, loc, scale = start
        fitted = dist.fit(x, *shapes, loc=loc, scale=scale)
    return tuple(float(v) for v in fitted)


_CLOSED: dict[str, Callable[[FloatArray], ScipyForm]] = {
    "norm": lambda x: ScipyForm("norm", (), {"loc": float(x.mean()), "scale": float(x.std())}),
    "expon": lambda x: ScipyForm(
        "expon", (), {"loc": float(x.min()), "scale": float(x.mean() - x.min())}
    ),
    "uniform": lambda x: ScipyForm(
        "uniform", (), {"loc": float(x.min()), "scale": float(x.max() - x.min())}
    ),
}


def _fit_continuous(name: str, x: FloatArray, *, thorough: bool = True) -> ScipyForm:

    if name in WHOLE_SHAPE:
        return _whole_shape_fit(name, x)
    if name in _CLOSED:
        profile_fits.spread_of(x)
        form = _CLOSED[name](x)
        if not all(math.isfinite(v) for v in form.kwds.values()) or form.kwds["scale"] <= 0:
            raise ValueError("data too large or too small to fit")
        return form
    if name in profile_fits.FAMILIES:
        best: ScipyForm | None = _as_form(name, profile_fits.fit(name, x, thorough=thorough))
    elif name in quick_fits.FAMILIES:
        best = _as_form(name, quick_fits.fit(name, x))
    else:
        try:
            found: ScipyForm | None = _as_form(name, _generic_fit(name, x, screening=not thorough))
        except ValueError:
            found = None
        best = _from_zero(name, x, found)
    if best is None or not math.isfinite(_loglik(best, x)):
        raise ValueError("no parameters give every value a positive density")
    return best


# -- discrete families ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Counts:
    values: FloatArray
    counts: FloatArray
    n: int
    mean: float
    var: float
    low: float
    high: float


def _counts(data: FloatArray) -> _Counts:
    import numpy as np

    values, counts = np.unique(data, return_counts=True)
    weights = counts.astype(np.float64)
    mean = float(np.dot(values, weights) / data.size)
    var = float(np.dot((values - mean) ** 2, weights) / data.size)
    return _Counts(values, weights, data.size, mean, var, float(values[0]), float(values[-1]))


def _nll(name: str, c: _Counts, args: Sequence[float], loc: float = 0.0) -> float:
    import numpy as np
    import scipy.stats

    with np.errstate(all="ignore"):
        logs = getattr(scipy.stats, name).logpmf(c.values, *args, loc=loc)
        value = -float(np.dot(logs, c.counts))
    return value if math.isfinite(value) else math.inf


def _fit_discrete(name: str, data: FloatArray, options: Mapping[str, float]) -> ScipyForm:
    import scipy.stats

    c = _counts(data)
    loc = 0.0
    if name in STARTS_AT_ONE and c.low == 0:
        loc = -1.0  # counted from 0: the number of failures rather than of trials
    lowest = getattr(scipy.stats, name).a + loc
    if name != "randint" and math.isfinite(lowest) and c.low < lowest:
        low = shown_number(c.low)
        raise ValueError(f"{name} takes no value below {shown_number(lowest)}; the data hold {low}")
    fitter = _DISCRETE.get(name)
    if fitter is None:
        raise ValueError("distkit has no fit for this discrete family")
    form = fitter(c, options, loc)
    if not math.isfinite(_nll(name, c, form.args, form.kwds.get("loc", 0.0))):
        raise ValueError("the fit gives some value zero probability")
    return form


def _with_loc(name: str, args: Sequence[float], loc: float) -> ScipyForm:
    values = tuple(a if isinstance(a, int) else float(a) for a in args)
    return ScipyForm(name, values, {"loc": loc} if loc else {})


def _search(
    name: str,
    c: _Counts,
    start: Sequence[float],
    to_args: Callable[[Sequence[float]], Sequence[float]],
    loc: float = 0.0,
) -> tuple[float, ...]:
    """Nelder-Mead on unconstrained parameters mapped to scipy's by `to_args`."""
    import numpy as np
    from scipy.optimize import minimize

    def objective(theta: FloatArray) -> float:
        return _nll(name, c, to_args(list(map(float, theta))), loc)

    result = minimize(
        objective,
        np.asarray(start, dtype=np.float64),
        method="Nelder-Mead",
        options={"xatol": 1e-6, "fatol": 1e-8, "maxiter": 2000},
    )
    return tuple(float(a) for a in to_args(list(map(float, result.x))))


def _profile(objective: Callable[[float], float], low: float, high: float) -> float:
    from scipy.optimize import minimize_scalar

    result = minimize_scalar(
        objective, bounds=(low, high), method="bounded", options={"xatol": 1e-7}
    )
    return float(result.x)


def _known_n(c: _Counts, options: Mapping[str, float]) -> int | None:
    n = options.get("n", options.get("size"))
    if n is None:
        return None
    if n != int(n) or n < c.high:
        high = shown_number(c.high)
        raise ValueError(f"n={n} must be a whole number at least the largest value, {high}")
    return int(n)


def _poisson(c: _Counts, options: Mapping[str, float], loc: float) -> ScipyForm:
    return ScipyForm("poisson", (c.mean,))


def _bernoulli(c: _Counts, options: Mapping[str, float], loc: float) -> ScipyForm:
    if c.low < 0 or c.high > 1:
        raise ValueError("bernoulli takes only 0 and 1")
    return ScipyForm("bernoulli", (c.mean,))


def _geom(c: _Counts, options: Mapping[str, float], loc: float) -> ScipyForm:
    return _with_loc("geom", (1 / (c.mean - loc),), loc)


def _randint(c: _Counts, options: Mapping[str, float], loc: float) -> ScipyForm:
    return ScipyForm("randint", (int(c.low), int(c.high) + 1))


def _binom(c: _Counts, options: Mapping[str, float], loc: float) -> ScipyForm:
    n = _known_n(c, options)
    if n is None:
        n = _best_integer(lambda k: _nll("binom", c, (k, c.mean / k)), int(c.high), c)
    if n == 0:
        raise ValueError("every value is 0")
    return ScipyForm("binom", (n, c.mean / n))


def _best_integer(nll: Callable[[int], float], low: int, c: _Counts) -> int:
    """The integer n >= low with the least `nll`: a coarse geometric scan, then each integer
    around the best of it (the binomial's profile likelihood in n is unimodal)."""
    import numpy as np

    low = max(low, 1)
    grid = np.unique(np.round(low * np.geomspace(1, 200, 60)).astype(int))
    scores = [nll(int(k)) for k in grid]
    best = int(np.argmin(scores))
    near = range(int(grid[max(best - 1, 0)]), int(grid[min(best + 1, grid.size - 1)]) + 1)
    return min(near, key=nll)


def _nbinom(c: _Counts, options: Mapping[str, float], loc: float) -> ScipyForm:
    def profile(log_r: float) -> float:
        r = math.exp(log_r)
        return _nll("nbinom", c, (r, r / (r + c.mean)))

    r = math.exp(_profile(profile, -12.0, 18.0))
    return ScipyForm("nbinom", (r, r / (r + c.mean)))


def _betabinom(c: _Counts, options: Mapping[str, float], loc: float) -> ScipyForm:
    n = _known_n(c, options) or int(c.high)
    if n == 0:
        raise ValueError("every value is 0")
    p = min(max(c.mean / n, 1e-6), 1 - 1e-6)
    args = _search(
        "betabinom",
        c,
        (math.log(p * 2), math.log((1 - p) * 2)),
        lambda t: (n, math.exp(t[0]), math.exp(t[1])),
    )
    return ScipyForm("betabinom", (n, *args[1:]))


def _betanbinom(c: _Counts, options: Mapping[str, float], loc: float) -> ScipyForm:
    args = _search(
        "betanbinom",
        c,
        (0.0, math.log(3.0), 0.0),
        lambda t: (math.exp(t[0]), math.exp(t[1]), math.exp(t[2])),
    )
    return ScipyForm("betanbinom", args)


def _one_positive(
    name: str, offset: float = 0.0
) -> Callable[[_Counts, Mapping[str, float], float], ScipyForm]:
    """A family of one parameter above `offset`, fitted on log(parameter - offset)."""

    def fit(c: _Counts, options: Mapping[str, float], loc: float) -> ScipyForm:
        log = _profile(lambda t: _nll(name, c, (offset + math.exp(t),), loc), -15.0, 8.0)
        return _with_loc(name, (offset + math.exp(log),), loc)

    return fit


def _logser(c: _Counts, options: Mapping[str, float], loc: float) -> ScipyForm:
    def logit(t: float) -> float:
        return 1 / (1 + math.exp(-t))

    t = _profile(lambda t: _nll("logser", c, (logit(t),), loc), -15.0, 25.0)
    return _with_loc("logser", (logit(t),), loc)


def _zipfian(c: _Counts, options: Mapping[str, float], loc: float) -> ScipyForm:
    n = int(c.high - loc)
    log = _profile(lambda t: _nll("zipfian", c, (math.exp(t), n), loc), -15.0, 4.0)
    return _with_loc("zipfian", (math.exp(log), n), loc)


def _boltzmann(c: _Counts, options: Mapping[str, float], loc: float) -> ScipyForm:
    if c.low < 0:
        raise ValueError("boltzmann takes no negative values")
    big_n = int(c.high) + 1
    log = _profile(lambda t: _nll("boltzmann", c, (math.exp(t), big_n)), -15.0, 6.0)
    return ScipyForm("boltzmann", (math.exp(log), big_n))


def _dlaplace(c: _Counts, options: Mapping[str, float], loc: float) -> ScipyForm:
    import numpy as np

    centre = float(np.round(np.median(np.repeat(c.values, c.counts.astype(int)))))
    log = _profile(lambda t: _nll("dlaplace", c, (math.exp(t),), centre), -15.0, 6.0)
    return ScipyForm("dlaplace", (math.exp(log),), {"loc": centre})


def _skellam(c: _Counts, options: Mapping[str, float], loc: float) -> ScipyForm:
    total = max(c.var, abs(c.mean) + 1e-3)
    mu1, mu2 = (total + c.mean) / 2, (total - c.mean) / 2
    args = _search(
        "skellam",
        c,
        (math.log(max(mu1, 1e-3)), math.log(max(mu2, 1e-3))),
        lambda t: (math.exp(t[0]), math.exp(t[1])),
    )
    return ScipyForm("skellam", args)


_DISCRETE: dict[str, Callable[[_Counts, Mapping[str, float], float], ScipyForm]] = {
    "bernoulli": _bernoulli,
    "betabinom": _betabinom,
    "betanbinom": _betanbinom,
    "binom": _binom,
    "boltzmann": _boltzmann,
    "dlaplace": _dlaplace,
    "geom": _geom,
    "logser": _logser,
    "nbinom": _nbinom,
    "planck": _one_positive("planck"),
    "poisson": _poisson,
    "randint": _randint,
    "skellam": _skellam,
    "yulesimon": _one_positive("yulesimon"),
    "zipf": _one_positive("zipf", offset=1.0),
    "zipfian": _zipfian,
}
