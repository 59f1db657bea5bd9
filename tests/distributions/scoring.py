"""Helpers of the fit tests: the log-likelihood as the ranking scores it, and a quiet call."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from scipy import stats

from distkit.distributions import spikes


def scored(name: str, x: np.ndarray, params: tuple[float, ...]) -> float:
    """The log-likelihood as the ranking scores it: a spike at the support's end taken out."""
    model = getattr(stats, name)(*params[:-2], loc=params[-2], scale=params[-1])
    logs = model.logpdf(x)
    if not np.isfinite(logs).all():
        return -math.inf
    return float(spikes.corrected_logs(model, x, logs)[0].sum())


def quietly(function: Any, *args: Any, **kwds: Any) -> Any:
    """`function(*args, **kwds)` without warnings."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return function(*args, **kwds)
