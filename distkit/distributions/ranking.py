"""`fit --best`: fit every family that suits the data and rank them.

The candidates are the registered families (built-ins and every plugin) and, on request, every
scipy.stats family that suits the data. Each is fitted and scored in a worker process under a
time limit. The ranking is by AIC (or AICc, BIC, KS, CvM, AD), with Akaike weights; whole-number
data rank masses (discrete families) and densities apart, since their likelihoods are not
comparable. A family that cannot take the data, misbehaves or runs out of time is skipped with
the reason. By an information criterion, the top fit is the simplest of those within 2 of the
lowest (a rule chosen on validation sets). The top fits can get bootstrap p-values and
parameter intervals.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distkit.distributions import scipy_families
from distkit.distributions.candidates import SCIPY, Candidate, Fit, Scored, fit_and_score
from distkit.distributions.fitting import json_number
from distkit.distributions.goodness import akaike_weights
from distkit.distributions.workers import Job, Outcome, default_jobs, run_jobs
from distkit.errors import PluginError, UsageError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from distkit.plugins import Registry

    FloatArray = npt.NDArray[np.float64]

ORDERS = ("aic", "aicc", "bic", "ks", "cvm", "ad")
CRITERIA = ("aic", "aicc", "bic")
PARSIMONY = True  # chosen on validation sets: benchmarks/fitting_rules.py
PARSIMONY_DELTA = 2.0
SAME_LOGLIK = 0.01  # fits this close in log-likelihood, as many parameters and
SAME_CDF = 1e-3  # CDFs this close at the data are one distribution under two names
REFINED = 5  # scipy fits of each kind polished on all the data when it was screened on a part
KS_REJECTS = 2.69  # sqrt(n) times the KS statistic's critical value at 1e-6: sqrt(ln(2e6) / 2)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RankSettings:
    """What to rank and how.

    `scipy` adds every scipy.stats family that suits the data (`families` names the ones to
    try instead); `options` holds known parameters such as a binomial's n; each fit gets
    `time_limit` seconds in one of `workers` processes. `gof` parametric bootstrap samples give
    p-values, and `ci` gives `resamples`-resample intervals, both for the `top` fits.
    `parsimony` puts first, by AIC, AICc or BIC, the fit with the fewest parameters within
    PARSIMONY_DELTA of the lowest (`parsimonious`).
    """

    scipy: bool = False
    families: tuple[str, ...] | None = None
    options: Mapping[str, float] = field(default_factory=dict)
    time_limit: float = 10.0
    workers: int | None = None
    gof: int = 0
    ci: bool = False
    resamples: int = 200
    top: int = 3
    by: str = "aic"
    seed: int = 0
    parsimony: bool = PARSIMONY


@dataclass(frozen=True)
class Ranked:
    """One fitted family, how well it fits, and (for a top fit) its bootstrap answers."""

    scored: Scored
    weight: float = math.nan
    pvalues: dict[str, float | int] | None = None
    intervals: dict[str, list[float]] | None = None
    notes: tuple[str, ...] = ()
    promoted: bool = False  # put first by the parsimony rule, above a lower criterion
    spike: bool = False  # its criterion beat fits the KS test accepts, which rejects it: last
    same_as: str | None = None
    """The higher-ranked family whose fit this one repeats (`repeats`), if any."""

    @property
    def fit(self) -> Fit:
        return self.scored.fit

    @property
    def name(self) -> str:
        return self.fit.candidate.name

    @property
    def source(self) -> str:
        return self.fit.candidate.source

    @property
    def kind(self) -> str:
        return "mass" if self.fit.candidate.discrete else "density"

    def value(self, key: str) -> float:
        """The criterion or statistic `key` (one of ORDERS, or "loglik")."""
        if key in ("ks", "cvm", "ad"):
            return float(getattr(self.scored.statistics, key))
        return float(getattr(self.scored.criteria, key))

    def as_dict(self) -> dict[str, Any]:
        scipy_form = self.fit.scipy
        numbers = {key: self.value(key) for key in ("loglik", *ORDERS)}
        return {
            "kind": self.kind,
            "distribution": self.name,
            "plugin": self.source,
            "params": {k: json_number(v) for k, v in self.fit.params.items()},
            "scipy": scipy_form.as_dict() if scipy_form is not None else None,
            "k": self.fit.k,
            "fitted_on": self.fit.fitted_on,
            **{key: json_number(value) for key, value in numbers.items()},
            "weight": json_number(self.weight),
            "same_as": self.same_as,
            "gof": self.pvalues,
            "ci": self.intervals,
            "notes": [*self.scored.notes, *self.notes],
        }


@dataclass(frozen=True)
class Skipped:
    """A family that was not ranked, and why."""

    name: str
    plugin: str
    reason: str


@dataclass(frozen=True)
class Ranking:
    """The ranked fits and the skipped families, for one data file.

    `ranked` holds the masses first, then the densities (only densities for data that are not
    all whole numbers), each best first by `by`.
    """

    path: Path
    data: FloatArray
    ranked: list[Ranked]
    skipped: list[Skipped]
    by: str = "aic"
    options: Mapping[str, float] = field(default_factory=dict)

    def of_kind(self, kind: str) -> list[Ranked]:
        return [entry for entry in self.ranked if entry.kind == kind]

    @property
    def top_kind(self) -> str:
        """The kind whose best fits are plotted and bootstrapped: masses when there are any."""
        return "mass" if self.of_kind("mass") else "density"

    def top(self, count: int) -> list[Ranked]:
        """The best `count` fits of the leading kind, each a different distribution (a fit
        that repeats a higher one, or whose likelihood comes from a spike, is passed over)."""
        return [e for e in self.of_kind(self.top_kind) if e.same_as is None and not e.spike][:count]

    def as_dict(self) -> dict[str, Any]:
        rows = []
        for kind in ("mass", "density"):
            rows += [
                {"rank": i, **entry.as_dict()}
                for i, entry in enumerate(self.of_kind(kind), start=1)
            ]
        return {
            "data_file": str(self.path),
            "n": len(self.data),
            "by": self.by,
            "ranking": rows,
            "skipped": [
                {"distribution": s.name, "plugin": s.plugin, "reason": s.reason}
                for s in self.skipped
            ],
        }


def rank_file(
    registry: Registry | None,
    path: Path,
    settings: RankSettings | None = None,
    *,
    column: str | None = None,
    progress: Progress | None = None,
) -> Ranking:
    """Read `path` (see `read_numbers`; `column` picks a table's column) and rank it."""
    from distkit.distributions.datafile import read_numbers

    data = read_numbers(path, column=column)
    return rank_data(registry, data, Path(path), settings, progress=progress)


def rank_data(
    registry: Registry | None,
    data: FloatArray,
    path: Path,
    settings: RankSettings | None = None,
    *,
    progress: Progress | None = None,
) -> Ranking:
    """Fit and score each candidate on `data` (the registered families of `registry`, if any,
    and the scipy.stats ones that `settings` asks for); best first. BLAS runs on one thread
    here and in the workers: the fits' vectors are small, and OpenBLAS's threads waiting on a
    busy machine made them up to a hundred times slower."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _rank_data(registry, data, path, settings, progress)


def _rank_data(
    registry: Registry | None,
    data: FloatArray,
    path: Path,
    settings: RankSettings | None,
    progress: Progress | None,
) -> Ranking:
    import numpy as np
    import scipy.stats  # noqa: F401 - loaded once here, so no worker spends its limit on it

    settings = settings or RankSettings()
    if settings.by not in ORDERS:
        raise UsageError(f"cannot rank by {settings.by!r}; choose one of {', '.join(ORDERS)}")
    whole = bool(np.all(data == np.floor(data)))
    candidates, skipped = _candidates(registry, settings, whole=whole)
    scored = _fit_all(candidates, data, settings, skipped, progress)
    scored = _refine(scored, data, settings, progress)
    ranked = _order(scored, settings.by, settings.parsimony, data)
    ranking = Ranking(Path(path), data, ranked, skipped, settings.by, dict(settings.options))
    if settings.gof > 0 or settings.ci:
        ranking = _bootstrap(ranking, settings, progress)
    return ranking


def _candidates(
    registry: Registry | None, settings: RankSettings, *, whole: bool
) -> tuple[list[Candidate], list[Skipped]]:
    candidates: list[Candidate] = []
    skipped: list[Skipped] = []
    for registration in registry.distributions if registry else []:
        try:
            candidates.append(Candidate.registered(registration))
        except PluginError as error:  # its class cannot be imported or read
            skipped.append(Skipped(registration.name, registration.plugin, str(error)))
    if settings.scipy or settings.families is not None:
        names, not_tried = scipy_families.candidates(whole=whole, names=settings.families)
        candidates += [Candidate.scipy(name) for name in names]
        skipped += [Skipped(name, SCIPY, reason) for name, reason in not_tried.items()]
    return candidates, skipped


def _run(
    stage: str, jobs: list[Job], settings: RankSettings, limit: float, progress: Progress | None
) -> list[Outcome]:
    def report(done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    workers = settings.workers or default_jobs()
    return run_jobs(jobs, workers=workers, time_limit=limit, progress=report)


def _fit_all(
    candidates: Sequence[Candidate],
    data: FloatArray,
    settings: RankSettings,
    skipped: list[Skipped],
    progress: Progress | None,
) -> list[Scored]:
    options = dict(settings.options)
    jobs = [
        Job(str(i), fit_and_score, (c, data, options_for(c, options), False), _here(c))
        for i, c in enumerate(candidates)
    ]
    scored = []
    for candidate, outcome in zip(
        candidates, _run("fitting", jobs, settings, settings.time_limit, progress), strict=True
    ):
        if outcome.error is not None:
            skipped.append(Skipped(candidate.name, candidate.source, outcome.error))
        else:
            scored.append(outcome.value)
    return scored


def _here(candidate: Candidate) -> bool:
    """Whether to fit `candidate` in this process (distkit's own fit of a scipy family, whose
    work is bounded) rather than in a worker under the time limit."""
    return (
        candidate.registration is None
        and not candidate.discrete
        and scipy_families.bounded(candidate.name)
    )


def options_for(candidate: Candidate, options: Mapping[str, float]) -> dict[str, float]:
    """The known parameters a family takes: scipy's binomials take n; a registered class
    those its `fit` names (all of them if it takes **kwargs or cannot be inspected)."""
    if candidate.registration is not None:
        import inspect

        try:
            parameters = inspect.signature(candidate.registration.cls.fit).parameters
        except (TypeError, ValueError):
            return dict(options)
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
            return dict(options)
        return {key: value for key, value in options.items() if key in parameters}
    if candidate.name in ("binom", "betabinom"):
        return {k: v for k, v in options.items() if k in ("n", "size")}
    return {}


def _refine(
    scored: list[Scored], data: FloatArray, settings: RankSettings, progress: Progress | None
) -> list[Scored]:
    """Polish the best scipy fits that were screened: fitted on a subsample of the data, or
    without a family's second search (`profile_fits.QUICK`, among the top few)."""
    densities = sorted(
        (s for s in scored if not s.fit.candidate.discrete), key=lambda s: _key(s, settings.by)
    )
    screened = [s for s in densities if s.fit.fitted_on < data.size][:REFINED]
    quick = [
        s
        for s in densities[:REFINED]
        if s.fit.scipy is not None
        and s.fit.candidate.registration is None
        and scipy_families.needs_refining(s.fit.scipy, data.size)
        and all(s is not other for other in screened)
    ]
    best = screened + quick
    if not best:
        return scored
    jobs = [
        Job(
            s.fit.candidate.name,
            fit_and_score,
            (s.fit.candidate, data, {}, True, s.fit.scipy),
            _here(s.fit.candidate),
        )
        for s in best
    ]
    outcomes = _run("refining", jobs, settings, settings.time_limit, progress)
    better = {
        id(old): outcome.value
        for old, outcome in zip(best, outcomes, strict=True)
        if outcome.error is None and outcome.value.criteria.loglik >= old.criteria.loglik
    }
    return [better.get(id(s), s) for s in scored]


def _key(scored: Scored, by: str) -> float:
    if by in ("ks", "cvm", "ad"):
        value = float(getattr(scored.statistics, by))
    else:
        value = float(getattr(scored.criteria, by))
    return value if math.isfinite(value) else math.inf


def _order(scored: list[Scored], by: str, parsimony: bool, data: FloatArray) -> list[Ranked]:
    ranked: list[Ranked] = []
    for discrete in (True, False):
        group = sorted(
            (s for s in scored if s.fit.candidate.discrete is discrete),
            key=lambda s: (_key(s, by), s.criteria.bic),
        )
        spikes: list[Ranked] = []
        if not discrete and by in CRITERIA:
            group, spikes = _rejected_by_ks(group, by, data.size)
        rows = [Ranked(s) for s in group]
        if parsimony and by in CRITERIA and rows:
            chosen = parsimonious(group, by)
            if chosen is not group[0]:
                index = group.index(chosen)
                note = f"within {PARSIMONY_DELTA:g} of the lowest {by.upper()}, fewest parameters"
                top = replace(rows.pop(index), notes=(note,), promoted=True)
                rows.insert(0, top)
        ranked += _weighted(_marked_repeats(rows, data), by) + spikes
    return ranked


def _rejected_by_ks(group: list[Scored], by: str, size: int) -> tuple[list[Scored], list[Ranked]]:
    """`group` (densities, best first by the criterion `by`) without the fits that beat by it
    every fit the Kolmogorov-Smirnov test accepts while the test rejects them at 1e-6, and
    those fits, marked to rank last: their likelihood comes from a spike at one value (the
    degenerate maximum of a family whose density can peak without bound inside the data, such
    as gengamma with a huge shape), not from the shape of the data. None where the test rejects
    every fit."""
    limit = KS_REJECTS / math.sqrt(size)
    accepted = [s for s in group if float(s.statistics.ks) <= limit]
    if not accepted:
        return group, []
    bar = _key(accepted[0], by)
    rejected = [s for s in group if float(s.statistics.ks) > limit and _key(s, by) < bar]
    if not rejected:
        return group, []
    kept = [s for s in group if all(s is not r for r in rejected)]
    spikes = [
        Ranked(
            s,
            weight=0.0,
            spike=True,
            notes=(
                f"KS {float(s.statistics.ks):.3g} rejects it at 1e-6 (above {limit:.3g}) though "
                f"its {by.upper()} is lower than every fit the test accepts: its likelihood "
                "comes from a spike at one value; ranked after them",
            ),
        )
        for s in rejected
    ]
    return kept, spikes


def _marked_repeats(rows: list[Ranked], data: FloatArray) -> list[Ranked]:
    """`rows`, each fit that repeats a higher-ranked one (`repeats`: the same family under
    another name, such as chi2, erlang and pearson3 for a gamma fit) marked with its name."""
    marked: list[Ranked] = []
    for row in rows:
        original = next(
            (kept for kept in marked if kept.same_as is None and repeats(row, kept, data)), None
        )
        if original is not None:
            note = f"the same fit as {original.name} (CDFs within {SAME_CDF:g} on the data)"
            row = replace(row, same_as=original.name, notes=(*row.notes, note))
        marked.append(row)
    return marked


def repeats(fit: Ranked, other: Ranked, data: FloatArray) -> bool:
    """Whether `fit` is `other` again: as many free parameters, a log-likelihood within
    SAME_LOGLIK, and scipy.stats forms whose CDFs are within SAME_CDF at every distinct value
    of `data` (200 of its quantiles for a large sample). A plugin's own code is not called
    here, outside its worker: a fit without a scipy form is never a repeat."""
    import warnings

    import numpy as np

    ours, theirs = fit.fit.scipy, other.fit.scipy
    if ours is None or theirs is None or fit.fit.k != other.fit.k:
        return False
    if not abs(fit.value("loglik") - other.value("loglik")) <= SAME_LOGLIK:
        return False
    points = np.unique(data)
    if points.size > 200:
        points = np.quantile(points, np.linspace(0, 1, 200))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # e.g. erlang's warning about a shape not whole
        gap = np.max(np.abs(ours.frozen().cdf(points) - theirs.frozen().cdf(points)))
    return bool(gap <= SAME_CDF)


def _weighted(rows: list[Ranked], by: str) -> list[Ranked]:
    """Akaike weights (by `by` when it is a criterion, else by AIC) over the different fits;
    a fit that repeats another gets 0, its support counted once, with the other's."""
    criterion = by if by in CRITERIA else "aic"
    distinct = [row for row in rows if row.same_as is None]
    weights = akaike_weights([row.value(criterion) for row in distinct])
    weight_of = {id(row): weight for row, weight in zip(distinct, weights, strict=True)}
    return [replace(row, weight=weight_of.get(id(row), 0.0)) for row in rows]


def parsimonious(group: Sequence[Scored], by: str) -> Scored:
    """The fit with the fewest free parameters among those within PARSIMONY_DELTA of the
    lowest criterion `by` (AIC, AICc or BIC), the lowest criterion breaking ties: the rule of
    thumb of Burnham and Anderson (2002) that fits closer than 2 have about the same support,
    so the simplest of them is preferred."""
    best = min(_key(s, by) for s in group)
    near = [s for s in group if _key(s, by) - best < PARSIMONY_DELTA]
    return min(near, key=lambda s: (s.fit.k, _key(s, by)))


def _bootstrap(ranking: Ranking, settings: RankSettings, progress: Progress | None) -> Ranking:
    """p-values and intervals for the top fits, each family's in its own worker."""
    top = ranking.top(max(settings.top, 1))
    data = ranking.data
    jobs: list[Job] = []
    for index, entry in enumerate(top):
        candidate = entry.fit.candidate
        options = options_for(candidate, settings.options)
        if settings.gof > 0:
            gof_args = (entry, data, options, settings.gof, settings.seed)
            jobs.append(Job(f"gof {index}", _gof_job, gof_args))
        if settings.ci:
            ci_args = (candidate, data, options, settings.resamples, settings.seed)
            jobs.append(Job(f"ci {index}", _ci_job, ci_args))
    resamples = max(settings.gof, settings.resamples if settings.ci else 0)
    limit = settings.time_limit * max(1.0, resamples / 10)
    outcomes = {o.key: o for o in _run("bootstrap", jobs, settings, limit, progress)}
    updated = {}
    for index, entry in enumerate(top):
        gof, ci = outcomes.get(f"gof {index}"), outcomes.get(f"ci {index}")
        notes = [f"--{k}: {o.error}" for k, o in (("gof", gof), ("ci", ci)) if o and o.error]
        updated[id(entry)] = replace(
            entry,
            pvalues=gof.value if gof and gof.error is None else None,
            intervals=ci.value if ci and ci.error is None else None,
            notes=tuple(notes),
        )
    ranked = [updated.get(id(entry), entry) for entry in ranking.ranked]
    return replace(ranking, ranked=ranked)


def _gof_job(
    entry: Ranked, data: FloatArray, options: dict[str, float], resamples: int, seed: int
) -> dict[str, float | int]:
    from distkit.distributions.bootstrap import gof_pvalues

    fit = entry.fit
    if fit.model is None:  # a plugin's object that could not travel: fit it again here
        fit = fit.candidate.fit(data, options)
    return gof_pvalues(fit, entry.scored.statistics, data.size, options, resamples, seed)


def _ci_job(
    candidate: Candidate,
    data: FloatArray,
    options: dict[str, float],
    resamples: int,
    seed: int,
) -> dict[str, list[float]]:
    from distkit.distributions.bootstrap import parameter_intervals

    return parameter_intervals(candidate, data, options, resamples, seed=seed)
