"""The degenerate maximum of a family whose support's end is estimated, and how it is scored.

A family with a location (beta, gamma, Weibull, exponential power, ...) can put the end of its
support on the smallest (or largest) value, where its density is unbounded when its shape is
below 1: that one value then buys an arbitrarily large likelihood (the degenerate maximum of
Cheng and Amin, 1983). Maximum likelihood is pulled there, and the fit, scored as it stands,
tops any ranking by likelihood while fitting worse. Here that value's density is replaced by the
fit's mean density from the end of the support to the next value (never raised), as the
maximum-product-of-spacings estimator does for every value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]


SCORED_BY_MEAN = "scored by its mean up to the next"


@dataclass(frozen=True)
class _End:
    """An end of the data: its extreme value's index, and the next value's."""

    name: str
    index: int
    neighbour: int
    inward: float


def _ends(data: FloatArray) -> tuple[_End, _End]:
    import numpy as np

    order = np.argsort(data)
    return (
        _End("smallest", int(order[0]), int(order[1]), 1.0),
        _End("largest", int(order[-1]), int(order[-2]), -1.0),
    )


def _mean_log_density(model: Any, end: _End, bound: float, data: FloatArray) -> float | None:
    """The log of the fit's mean density from `bound` to the value next to the extreme one,
    when `bound` (an end of the support) lies closer to the extreme value than that value to
    its neighbour; None when it does not, or when the interval holds no mass."""
    value, near = float(data[end.index]), float(data[end.neighbour])
    if not math.isfinite(bound) or abs(value - bound) >= abs(near - value):
        return None
    span = abs(near - bound)
    mass = abs(float(model.cdf(near)) - float(model.cdf(bound)))
    return math.log(mass / span) if mass > 0 and span > 0 else None


def corrected_logs(
    model: Any, data: FloatArray, logs: FloatArray
) -> tuple[FloatArray, tuple[str, ...]]:
    """`logs` (the log densities of `data` under the frozen scipy `model`), with a spike at an
    end of the support taken out, and a note for each end where one was."""
    if data.size < 3:
        return logs, ()
    low, high = (float(v) for v in model.support())
    notes = []
    logs = logs.copy()
    for end, bound in zip(_ends(data), (low, high), strict=True):
        mean = _mean_log_density(model, end, bound, data)
        if mean is None or not mean < logs[end.index] or not _diverges(model, end, bound, data):
            continue
        logs[end.index] = mean
        notes.append(f"unbounded density at the {end.name} value: {SCORED_BY_MEAN}")
    return logs, tuple(notes)


def _diverges(model: Any, end: _End, bound: float, data: FloatArray) -> bool:
    span = abs(float(data[end.neighbour]) - bound)
    close, closer = model.pdf([bound + end.inward * span * 1e-3, bound + end.inward * span * 1e-6])
    return bool(closer > 1.01 * close)
