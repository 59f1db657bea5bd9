"""distkit's own fits (profile_fits, quick_fits) against scipy.stats' `fit`, family by family.

Run: python benchmarks/fit_speed.py [--sizes 500,5000] [--repeats 3]

For each family distkit fits itself, on samples of several true families and sizes, the time of
one fit (the best of `--repeats`, BLAS on one thread for both, as `fit --best` runs) and the
log-likelihood each reaches, as the ranking scores it. Prints scipy's time over distkit's.
"""

from __future__ import annotations

import argparse
import math
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from fitting import CONTINUOUS  # benchmarks/ is the script's folder
from scipy import stats
from threadpoolctl import threadpool_limits

from distkit.distributions import profile_fits, quick_fits, spikes


def best_time(function: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeats):
        profile_fits._GAMMA_FITS.clear()  # the gamma fit kept for chi2: each fit timed whole
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), result


def scored(name: str, x: np.ndarray, params: Any) -> float:
    model = getattr(stats, name)(*params[:-2], loc=params[-2], scale=params[-1])
    logs = model.logpdf(x)
    if not np.isfinite(logs).all():
        return -math.inf
    return float(spikes.corrected_logs(model, x, logs)[0].sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5000")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    warnings.simplefilter("ignore")
    np.seterr(all="ignore")
    columns = ["family", "n", "distkit ms (mean)", "scipy ms (mean)", "scipy / distkit"]
    print("| " + " | ".join([*columns, "loglik gain (min, mean)"]) + " |")
    print("|---|---|---|---|---|---|")
    with threadpool_limits(limits=1, user_api="blas"):
        own = {name: profile_fits.fit for name in profile_fits.FAMILIES}
        own |= {name: quick_fits.fit for name in quick_fits.FAMILIES}
        for name, fit in sorted(own.items()):
            for size in sizes:
                ours, theirs, gains = [], [], []
                for index, source in enumerate(CONTINUOUS.values()):
                    x = source.rvs(size, random_state=1000 + index)
                    mine_s, mine = best_time(
                        lambda name=name, x=x, fit=fit: fit(name, x), args.repeats
                    )
                    scipy_s, fitted = best_time(
                        lambda name=name, x=x: getattr(stats, name).fit(x), args.repeats
                    )
                    ours.append(mine_s)
                    theirs.append(scipy_s)
                    gains.append(scored(name, x, mine) - scored(name, x, tuple(fitted)))
                finite = [g for g in gains if math.isfinite(g)]
                print(
                    f"| {name} | {size} | {1000 * np.mean(ours):.2f} | {1000 * np.mean(theirs):.2f}"
                    f" | {np.mean(theirs) / np.mean(ours):.1f}x"
                    f" | {min(finite):+.3f}, {np.mean(finite):+.3f} |"
                )


if __name__ == "__main__":
    main()
