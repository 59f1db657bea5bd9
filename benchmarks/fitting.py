"""Which distribution is this? distkit's `fit --best --scipy` against fitter and distfit.

Run: python benchmarks/fitting.py [--quick] [--sizes 500,5000] [--repeats 5] [--seed 0]

Data are drawn from known families (continuous and discrete) at several sample sizes, `--repeats`
draws of each (seeds `seed + 100 * repeat + set index`: repeat 0 is the single draw of earlier
readings; benchmarks/fitting_rules.py's validation draws start at 10,000). For each
set, each tool ranks the same candidate families and its top fit is compared with the TRUE
distribution: the distance is the largest gap between the two CDFs (over a fine grid of the true
distribution's quantiles, or every whole number of its range). Wall times are for the same
families on the same data, each tool using every CPU (fitter and distkit in worker processes,
distfit with n_jobs=-1), after one untimed warm-up run each. fitter and distfit are benchmark
tools only (`pip install --group fit-bench`), not distkit dependencies; fitter fits no discrete
family, and distfit's discrete method fits the binomial only.

Goals: distkit's top fit closer to the truth than fitter's and distfit's on average; at most a
fifth of fitter's time over the same families; discrete sets within 0.03 of the truth.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import math
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from distkit.distributions.ranking import RankSettings, rank_data

# fitter's common families, distfit's "popular" ones, and the Weibull
FAMILIES = [
    "beta",
    "cauchy",
    "chi2",
    "dweibull",
    "expon",
    "exponpow",
    "gamma",
    "genextreme",
    "loggamma",
    "lognorm",
    "norm",
    "pareto",
    "powerlaw",
    "rayleigh",
    "t",
    "uniform",
    "weibull_min",
]
CONTINUOUS = {
    "norm(10, 2)": stats.norm(10, 2),
    "gamma(2, scale=3)": stats.gamma(2, scale=3),
    "lognorm(0.6, scale=e)": stats.lognorm(0.6, scale=math.e),
    "weibull_min(1.5, scale=2)": stats.weibull_min(1.5, scale=2),
    "expon(scale=2)": stats.expon(scale=2),
    "t(5)": stats.t(5),
}
DISCRETE = {
    "poisson(4)": stats.poisson(4),
    "nbinom(3, 0.3)": stats.nbinom(3, 0.3),
    "geom(0.25)": stats.geom(0.25),
    "binom(20, 0.3)": stats.binom(20, 0.3),
    "betabinom(30, 2, 5)": stats.betabinom(30, 2, 5),
}
TIME_GOAL = 5.0  # fitter's time over distkit's, at least
DISCRETE_GOAL = 0.03


@dataclass
class Result:
    tool: str
    name: str | None
    distance: float
    seconds: float


def cdf_distance(fitted: Any, truth: Any, *, discrete: bool) -> float:
    """sup |F_fitted - F_true| over the true distribution's range."""
    if discrete:
        low, high = truth.ppf(1e-7), truth.ppf(1 - 1e-7)
        grid = np.arange(low - 1, high + 1)
    else:
        grid = truth.ppf(np.linspace(1e-5, 1 - 1e-5, 4001))
    return float(np.max(np.abs(fitted.cdf(grid) - truth.cdf(grid))))


BY = ["aic"]  # what distkit ranks by (--by)


def run_distkit(data: np.ndarray, families: list[str] | None) -> tuple[str, Any]:
    from distkit.distributions.scipy_families import all_families

    names = families if families is not None else all_families(discrete=True)
    settings = RankSettings(scipy=True, families=tuple(names), by=BY[0])
    ranking = rank_data(None, data, Path("benchmark"), settings)
    top = ranking.top(1)[0]
    assert top.fit.scipy is not None
    return top.name, top.fit.scipy.frozen()


def run_fitter(data: np.ndarray, families: list[str]) -> tuple[str, Any]:
    from fitter import Fitter

    fitter = Fitter(data, distributions=families, timeout=30)
    fitter.fit()
    (name,) = fitter.get_best()  # by its default, the sum of squared errors of the histogram
    return name, getattr(stats, name)(*fitter.fitted_param[name])


def run_distfit(data: np.ndarray, families: list[str] | None) -> tuple[str, Any]:
    from distfit import distfit

    if families is None:  # discrete data: distfit's discrete method (the binomial)
        model = distfit(method="discrete", verbose="error")
        model.fit_transform(data.astype(int))
        n, p = model.model["n"], model.model["p"]
        return "binom", stats.binom(n, p)
    model = distfit(distr=families, n_jobs=-1, verbose="error")
    model.fit_transform(data)
    name = model.model["name"]
    return name, getattr(stats, name)(*model.model["params"])


TOOLS: dict[str, Callable[[np.ndarray, list[str] | None], tuple[str, Any]]] = {
    "distkit": run_distkit,
    "fitter": run_fitter,  # type: ignore[dict-item]
    "distfit": run_distfit,
}


def measure(tool: str, data: np.ndarray, truth: Any, *, discrete: bool) -> Result:
    families = None if discrete else list(FAMILIES)
    if tool == "fitter" and discrete:
        return Result(tool, None, math.nan, math.nan)
    start = time.perf_counter()
    with quiet():
        try:
            name, fitted = TOOLS[tool](data, families)
        except Exception as error:  # a peer that fails on a set is reported, not fatal
            print(f"  {tool} failed: {type(error).__name__}: {error}", file=sys.stderr)
            return Result(tool, None, math.nan, time.perf_counter() - start)
    seconds = time.perf_counter() - start
    return Result(tool, name, cdf_distance(fitted, truth, discrete=discrete), seconds)


@contextlib.contextmanager
def quiet() -> Any:
    """Silence the peers' logging, progress bars and warnings."""
    logging.disable(logging.CRITICAL)
    with (
        warnings.catch_warnings(),
        np.errstate(all="ignore"),
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        warnings.simplefilter("ignore")
        try:
            yield
        finally:
            logging.disable(logging.NOTSET)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000", help="sample sizes, comma-separated")
    parser.add_argument("--quick", action="store_true", help="one size (500), three sets, one draw")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--repeats", type=int, help="draws of each set and size [default: 5; 1 with --quick]"
    )
    parser.add_argument("--tools", default="distkit,fitter,distfit")
    parser.add_argument("--by", default="aic", help="what distkit ranks by (as fit --by)")
    args = parser.parse_args()
    BY[0] = args.by
    repeats = args.repeats if args.repeats is not None else (1 if args.quick else 5)
    sizes = [500] if args.quick else [int(s) for s in args.sizes.split(",")]
    tools = args.tools.split(",")
    sets = [(name, truth, False) for name, truth in CONTINUOUS.items()]
    sets += [(name, truth, True) for name, truth in DISCRETE.items()]
    if args.quick:
        sets = [sets[1], sets[3], sets[7]]
    warm = stats.gamma(2).rvs(200, random_state=1)
    for tool in tools:  # imports and worker start-up, untimed
        measure(tool, warm, stats.gamma(2), discrete=False)
    header = "| set | n | seed | "
    print(header + " | ".join(f"{t} top | {t} distance | {t} s" for t in tools) + " |")
    print("|" + "---|" * (3 + 3 * len(tools)))
    results: dict[str, list[tuple[bool, Result]]] = {tool: [] for tool in tools}
    labels: list[tuple[str, int]] = []
    with tempfile.TemporaryDirectory():
        for repeat in range(repeats):
            for index, (name, truth, discrete) in enumerate(sets):
                for size in sizes:
                    seed = args.seed + 100 * repeat + index
                    data = np.asarray(truth.rvs(size, random_state=seed), dtype=float)
                    labels.append((name, size))
                    row = [name, f"{size:,}", str(seed)]
                    for tool in tools:
                        result = measure(tool, data, truth, discrete=discrete)
                        results[tool].append((discrete, result))
                        row += [
                            result.name or "-",
                            _number(result.distance, 4),
                            _number(result.seconds, 2),
                        ]
                    print("| " + " | ".join(row) + " |", flush=True)
    by_set(labels, results)
    summarise(results, labels)


def by_set(labels: list[tuple[str, int]], results: dict[str, list[tuple[bool, Result]]]) -> None:
    """Each tool's mean distance and time per true family and size, over the repeats, and
    how often each family came top."""
    tools = list(results)
    print()
    print(
        "| data (true family) | n | "
        + " | ".join(f"{t} mean distance (tops) | {t} s" for t in tools)
        + " |"
    )
    print("|" + "---|" * (2 + 2 * len(tools)))
    for label in dict.fromkeys(labels):
        rows = [i for i, other in enumerate(labels) if other == label]
        cells = [label[0], f"{label[1]:,}"]
        for tool in tools:
            mine = [results[tool][i][1] for i in rows]
            finite = [r.distance for r in mine if math.isfinite(r.distance)]
            if not finite:
                cells += ["-", "-"]
                continue
            tops = statistics.multimode(r.name for r in mine)
            counts = ", ".join(f"{n} {sum(r.name == n for r in mine)}" for n in tops)
            cells += [
                f"{statistics.fmean(finite):.4f} ({counts})",
                f"{sum(r.seconds for r in mine):.2f}",
            ]
        print("| " + " | ".join(cells) + " |")


def paired_interval(
    ours: list[float], theirs: list[float], seed: int = 0
) -> tuple[float, float, float]:
    """The mean of ours - theirs over paired sets, and its 95 % bootstrap interval."""
    differences = np.asarray(ours) - np.asarray(theirs)
    rng = np.random.default_rng(seed)
    means = [
        differences[rng.integers(0, differences.size, differences.size)].mean() for _ in range(4000)
    ]
    low, high = np.percentile(means, [2.5, 97.5])
    return float(differences.mean()), float(low), float(high)


def summarise(results: dict[str, list[tuple[bool, Result]]], labels: list[tuple[str, int]]) -> None:
    print()
    for kind, discrete in (("continuous", False), ("discrete", True)):
        for tool, rows in results.items():
            mine = [r for d, r in rows if d is discrete and math.isfinite(r.distance)]
            if mine:
                mean = statistics.fmean(r.distance for r in mine)
                worst = max(r.distance for r in mine)
                seconds = sum(r.seconds for r in mine)
                print(
                    f"{kind:<10} {tool:<8} mean distance {mean:.4f}  worst {worst:.4f}  "
                    f"total {seconds:.1f} s over {len(mine)} sets"
                )
    for peer in ("fitter", "distfit"):
        if peer not in results or "distkit" not in results:
            continue
        pairs = [
            (a.distance, b.distance)
            for (d, a), (_, b) in zip(results["distkit"], results[peer], strict=True)
            if not d and math.isfinite(a.distance) and math.isfinite(b.distance)
        ]
        if pairs:
            mean, low, high = paired_interval([a for a, _ in pairs], [b for _, b in pairs])
            print(
                f"distkit - {peer}, mean distance over {len(pairs)} continuous sets: "
                f"{mean:+.4f} (95 % bootstrap {low:+.4f} to {high:+.4f}; below 0: distkit closer)"
            )
    if "fitter" in results and "distkit" in results:
        ours = [r for d, r in results["distkit"] if not d]
        theirs = [r for d, r in results["fitter"] if not d]
        ratio = sum(r.seconds for r in theirs) / max(sum(r.seconds for r in ours), 1e-9)
        print(
            f"fitter's time / distkit's (continuous sets, same families): {ratio:.1f}x "
            f"(goal at least {TIME_GOAL:g}x)"
        )
    draws: dict[tuple[str, int], list[float]] = {}
    for label, (d, r) in zip(labels, results.get("distkit", []), strict=True):
        if d:
            draws.setdefault(label, []).append(r.distance)
    if draws:
        (name, size), mean = max(
            ((label, statistics.fmean(values)) for label, values in draws.items()),
            key=lambda item: item[1],
        )
        single = max(max(values) for values in draws.values())
        print(
            f"distkit's worst discrete distance: {single:.4f} in one draw; the worst mean over a"
            f" set's draws {mean:.4f} ({name}, n={size:,}) (goal at most {DISCRETE_GOAL})"
        )


def _number(value: float, digits: int) -> str:
    return "-" if not math.isfinite(value) else f"{value:.{digits}f}"


if __name__ == "__main__":
    main()
