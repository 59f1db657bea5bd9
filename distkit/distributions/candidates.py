"""The families `fit --best` ranks, fitted and scored one at a time (in a worker process).

A candidate is a registered class (from any plugin: its calls run under `calling`) or a
scipy.stats family. Either way a fit gives a `Fit`: the parameters, the scipy.stats form when
scipy has the family, and the fitted object itself, with one way to ask any of them for their
log density, CDF, mass and samples.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distkit.distributions import scipy_families, spikes
from distkit.distributions.fitting import calling, fit_data
from distkit.distributions.goodness import Criteria, Statistics, statistics_of
from distkit.distributions.scipy_families import ScipyForm
from distkit.distributions.validation import shown_number
from distkit.errors import FitRefused

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from distkit.plugins import Registration

    FloatArray = npt.NDArray[np.float64]

SCIPY = "scipy.stats"


@dataclass(frozen=True)
class Candidate:
    """A family to rank: `registration` for a registered class, None for a scipy.stats one."""

    name: str
    source: str
    discrete: bool
    registration: Registration | None = None

    @classmethod
    def scipy(cls, name: str) -> Candidate:
        return cls(name, SCIPY, scipy_families.is_discrete(name))

    @classmethod
    def registered(cls, registration: Registration) -> Candidate:
        """PluginError when the class cannot be imported or read."""
        from distkit.plugins.describe import read_class

        discrete = read_class(registration, lambda c: getattr(c, "discrete", False) is True)
        return cls(registration.name, registration.plugin, discrete, registration)

    def fit(
        self,
        data: FloatArray,
        options: Mapping[str, float],
        *,
        seed: int = 0,
        full: bool = True,
        screened: ScipyForm | None = None,
    ) -> Fit:
        """Fit to `data`; FitRefused (or ValueError) when the family cannot take them. `full`
        polishes a scipy fit on all the data (else a large sample is fitted on a subsample),
        from `screened` when the subsample was fitted already."""
        if self.registration is None:
            form = screened or scipy_families.fit_family(self.name, data, options, seed=seed)
            if full:
                form = scipy_families.refine(form, data)
            model = form.frozen()
            fitted_on = min(data.size, scipy_families.SCREEN_SIZE)
            if full or self.discrete:
                fitted_on = data.size
            return Fit(self, form.params(), form, model, _free_scipy(form, options), fitted_on)
        result = fit_data(self.registration, data, Path("data"), options)
        known = registered_scipy_form(self.name, result.params, result.distribution, data)
        free = len(result.params) - len(set(options) & set(result.params) | _aliases(options))
        return Fit(self, result.params, known, result.distribution, max(free, 0), data.size)


def _aliases(options: Mapping[str, float]) -> set[str]:
    return {"size"} if "n" in options else set()


def _free_scipy(form: ScipyForm, options: Mapping[str, float]) -> int:
    """The parameters estimated from the data (a given n, or the 0-based shift of a family
    that starts at 1, are not)."""
    count = len(form.args) + len(form.kwds)
    if form.name in scipy_families.STARTS_AT_ONE and "loc" in form.kwds:
        count -= 1
    if form.name in ("binom", "betabinom") and ("n" in options or "size" in options):
        count -= 1
    return count


@dataclass(frozen=True)
class Fit:
    """A fitted family: its parameters, its scipy form (if any), the fitted object, the count
    of free parameters, and how many values the parameters were estimated from."""

    candidate: Candidate
    params: dict[str, float]
    scipy: ScipyForm | None
    model: Any
    k: int
    fitted_on: int

    def log_density(self, x: FloatArray) -> FloatArray:
        import numpy as np

        if self.candidate.registration is None:
            logs = self.model.logpmf(x) if self.candidate.discrete else self.model.logpdf(x)
            return np.asarray(logs, dtype=np.float64)
        with self.calling("scoring"):
            logpdf = getattr(self.model, "logpdf", None)
            if callable(logpdf):
                return _shaped(logpdf(x), x, f"{self.candidate.name}.logpdf")
            return np.log(_shaped(self.model.pdf(x), x, f"{self.candidate.name}.pdf"))

    def density(self, x: FloatArray) -> FloatArray:
        """The density, or the mass for a discrete family."""
        import numpy as np

        if self.candidate.registration is None:
            values = self.model.pmf(x) if self.candidate.discrete else self.model.pdf(x)
            return np.asarray(values, dtype=np.float64)
        with self.calling("plotting"):
            return _shaped(self.model.pdf(x), x, f"{self.candidate.name}.pdf")

    def cdf(self, x: FloatArray) -> FloatArray:
        import numpy as np

        if self.candidate.registration is None:
            return np.asarray(self.model.cdf(x), dtype=np.float64)
        with self.calling("scoring"):
            return _shaped(self.model.cdf(x), x, f"{self.candidate.name}.cdf")

    def sample(self, size: int, seed: int) -> FloatArray:
        import numpy as np

        if self.candidate.registration is None:
            draws = self.model.rvs(size=size, random_state=np.random.default_rng(seed))
            return np.asarray(draws, dtype=np.float64)
        with self.calling("sampling"):
            draws = self.model.sample(size, seed=seed)
        return _shaped(draws, np.empty(size), f"{self.candidate.name}.sample")

    def calling(self, action: str) -> Any:
        """The guard for a call into the fitted object (a plugin's code)."""
        return calling(self.candidate.source, f"{action} {self.candidate.name}")

    def portable(self) -> Fit:
        """This fit, without the fitted object when it cannot be pickled (a plugin's class
        defined where a worker cannot send it); `refit` brings it back."""
        if self.candidate.registration is None:
            return self
        try:
            pickle.dumps(self.model)
        except Exception:  # whatever pickling raises, the object stays here
            return Fit(self.candidate, self.params, self.scipy, None, self.k, self.fitted_on)
        return self


def _shaped(values: Any, like: FloatArray, what: str) -> FloatArray:
    import numpy as np

    array = np.asarray(values, dtype=np.float64)
    if array.shape != like.shape:
        raise ValueError(f"{what} gave shape {array.shape} for {like.size} values")
    return array


@dataclass(frozen=True)
class Scored:
    """A fit and its scores on the data."""

    fit: Fit
    criteria: Criteria
    statistics: Statistics
    notes: tuple[str, ...] = ()


def score(fit: Fit, data: FloatArray) -> Scored:
    """The log-likelihood and the distance statistics of `fit` on `data`; FitRefused when the
    fit gives some value zero probability or a density that is not a number."""
    import numpy as np

    name = fit.candidate.name
    logs = fit.log_density(data)
    if np.isnan(logs).any() or np.isposinf(logs).any():
        raise FitRefused("data", name, "its density is not a finite number at every value")
    if np.isneginf(logs).any():
        index = int(np.flatnonzero(np.isneginf(logs))[0])
        value = shown_number(data[index])
        reason = f"the fit gives value {index + 1} ({value}) zero probability"
        raise FitRefused("data", name, reason)
    mass: Callable[[FloatArray], FloatArray] | None = (
        fit.density if fit.candidate.discrete else None
    )
    statistics = statistics_of(data, fit.cdf, mass)
    logs, notes = _without_spikes(fit, data, logs)
    criteria = Criteria(float(logs.sum()), fit.k, int(data.size))
    if not math.isfinite(criteria.loglik):
        raise FitRefused("data", name, "its log-likelihood is not a finite number")
    return Scored(fit.portable(), criteria, statistics, notes)


def _without_spikes(
    fit: Fit, data: FloatArray, logs: FloatArray
) -> tuple[FloatArray, tuple[str, ...]]:
    """The log densities, with a spike at an end of a scipy density's support taken out
    (`spikes.corrected_logs`)."""
    if fit.candidate.registration is not None or fit.candidate.discrete:
        return logs, ()
    return spikes.corrected_logs(fit.model, data, logs)


def fit_and_score(
    candidate: Candidate,
    data: FloatArray,
    options: Mapping[str, float],
    full: bool,
    screened: ScipyForm | None = None,
) -> Scored:
    """The job each worker runs for one family (see `Candidate.fit`)."""
    import warnings

    import numpy as np

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return score(candidate.fit(data, options, full=full, screened=screened), data)
        except FitRefused as error:
            raise ValueError(error.reason) from None


# -- the scipy form of a registered family --------------------------------------------------

_TRANSLATIONS: dict[str, Callable[[Mapping[str, float]], ScipyForm]] = {
    "gaussian": lambda p: ScipyForm("norm", (), {"loc": p["mu"], "scale": p["sigma"]}),
    "binomial": lambda p: ScipyForm("binom", (p["size"], p["prob"])),
    "bernoulli": lambda p: ScipyForm("bernoulli", (p["p"],)),
    "beta": lambda p: ScipyForm("beta", (p["a"], p["b"])),
    "exponential": lambda p: ScipyForm("expon", (), {"scale": 1 / p["rate"]}),
    "gamma": lambda p: ScipyForm("gamma", (p["shape"],), {"scale": p["scale"]}),
    "geometric": lambda p: ScipyForm("geom", (p["p"],)),
    "laplace": lambda p: ScipyForm("laplace", (), {"loc": p["loc"], "scale": p["scale"]}),
    "lognormal": lambda p: ScipyForm("lognorm", (p["sigma"],), {"scale": math.exp(p["mu"])}),
    "negative-binomial": lambda p: ScipyForm("nbinom", (p["r"], p["p"])),
    "negative_binomial": lambda p: ScipyForm("nbinom", (p["r"], p["p"])),
    "poisson": lambda p: ScipyForm("poisson", (), {"mu": p["lam"]}),
    "uniform": lambda p: ScipyForm("uniform", (), {"loc": p["low"], "scale": p["high"] - p["low"]}),
}


def registered_scipy_form(
    name: str, params: Mapping[str, float], distribution: Any, data: FloatArray
) -> ScipyForm | None:
    """The scipy.stats form of a registered fit: the class's own `scipy_form()` if it has
    one, else distkit's translation of the family's usual parameters, else scipy's family of
    the same name with the same parameter names. It is kept only if its CDF matches the
    class's at the data's quantiles."""
    form = _proposed_form(name, params, distribution)
    if form is None:
        return None
    import numpy as np

    try:
        points = np.quantile(data, np.linspace(0, 1, 21)) if data.size else np.zeros(1)
        theirs = np.asarray(distribution.cdf(points), dtype=np.float64)
        ours = np.asarray(form.frozen().cdf(points), dtype=np.float64)
    except Exception:  # a form that cannot be checked is not offered
        return None
    return form if np.allclose(theirs, ours, rtol=1e-6, atol=1e-9) else None


def _proposed_form(name: str, params: Mapping[str, float], distribution: Any) -> ScipyForm | None:
    import scipy.stats

    own = getattr(distribution, "scipy_form", None)
    try:
        if callable(own):
            scipy_name, args, kwds = own()
            return ScipyForm(
                str(scipy_name), tuple(map(float, args)), {k: float(v) for k, v in kwds.items()}
            )
        if name in _TRANSLATIONS:
            return _TRANSLATIONS[name](params)
    except Exception:  # a plugin's form that does not work is not offered
        return None
    family = getattr(scipy.stats, name, None)
    if not isinstance(family, (scipy.stats.rv_continuous, scipy.stats.rv_discrete)):
        return None
    shapes = scipy_families.shape_names(name)
    known = {*shapes, "loc", "scale"}
    if not set(params) <= known or not set(shapes) <= set(params):
        return None
    kwds = {key: float(params[key]) for key in ("loc", "scale") if key in params}
    return ScipyForm(name, tuple(float(params[s]) for s in shapes), kwds)
