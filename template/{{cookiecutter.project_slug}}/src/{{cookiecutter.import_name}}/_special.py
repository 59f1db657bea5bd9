"""Special functions in numpy (erf, incomplete gamma and beta), so scipy stays a test dependency."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

_ITERATIONS = 300
_TINY = 1e-300

_lgamma = np.frompyfunc(math.lgamma, 1, 1)
_erf = np.frompyfunc(math.erf, 1, 1)
_erfc = np.frompyfunc(math.erfc, 1, 1)


def lgamma(x: Any) -> np.ndarray:
    """log |Gamma(x)|, elementwise."""
    return np.asarray(_lgamma(np.asarray(x, dtype=float)), dtype=float)


def erf(x: Any) -> np.ndarray:
    """The error function, elementwise."""
    return np.asarray(_erf(np.asarray(x, dtype=float)), dtype=float)


def erfc(x: Any) -> np.ndarray:
    """The complementary error function 1 - erf(x), elementwise and accurate in the tail."""
    return np.asarray(_erfc(np.asarray(x, dtype=float)), dtype=float)


def _gamma_series(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    term = 1.0 / a
    total = term.copy()
    for n in range(1, _ITERATIONS):
        term = term * x / (a + n)
        total = total + term
    return total * np.exp(-x + a * np.log(x) - lgamma(a))


def _gamma_fraction(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    b = x + 1.0 - a
    c = np.full_like(b, 1.0 / _TINY)
    d = 1.0 / b
    h = d.copy()
    for n in range(1, _ITERATIONS):
        an = -n * (n - a)
        b = b + 2.0
        d = an * d + b
        d = np.where(np.abs(d) < _TINY, _TINY, d)
        c = b + an / c
        c = np.where(np.abs(c) < _TINY, _TINY, c)
        d = 1.0 / d
        h = h * d * c
    return np.exp(-x + a * np.log(x) - lgamma(a)) * h


def gammainc(a: Any, x: Any) -> np.ndarray:
    """Regularised lower incomplete gamma P(a, x) for a > 0, x >= 0."""
    a, x = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(x, dtype=float))
    safe_x = np.where(x > 0, x, 1.0)
    series = x < a + 1
    lower = _gamma_series(a, np.where(series, safe_x, a))
    upper = _gamma_fraction(a, np.where(series, a + 2, safe_x))
    return np.where(x <= 0, 0.0, np.where(series, lower, 1.0 - upper))


def gammaincc(a: Any, x: Any) -> np.ndarray:
    """Regularised upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate in the upper tail."""
    a, x = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(x, dtype=float))
    safe_x = np.where(x > 0, x, 1.0)
    series = x < a + 1
    lower = _gamma_series(a, np.where(series, safe_x, a))
    upper = _gamma_fraction(a, np.where(series, a + 2, safe_x))
    return np.where(x <= 0, 1.0, np.where(series, 1.0 - lower, upper))


def _beta_fraction(a: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = 1.0 - qab * x / qap
    d = 1.0 / np.where(np.abs(d) < _TINY, _TINY, d)
    h = d.copy()
    for m in range(1, _ITERATIONS):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / np.where(np.abs(d) < _TINY, _TINY, d)
            c = 1.0 + numerator / c
            c = np.where(np.abs(c) < _TINY, _TINY, c)
            h = h * d * c
    return h


def betainc(a: Any, b: Any, x: Any) -> np.ndarray:
    """Regularised incomplete beta I_x(a, b) for a, b > 0 and 0 <= x <= 1."""
    a, b, x = np.broadcast_arrays(
        np.asarray(a, dtype=float), np.asarray(b, dtype=float), np.asarray(x, dtype=float)
    )
    inside = np.clip(x, 1e-300, 1 - 1e-16)
    log_front = lgamma(a + b) - lgamma(a) - lgamma(b) + a * np.log(inside) + b * np.log1p(-inside)
    front = np.exp(log_front)
    direct = x < (a + 1) / (a + b + 2)
    lower = front * _beta_fraction(a, b, np.where(direct, inside, 0.0)) / a
    upper = 1.0 - front * _beta_fraction(b, a, np.where(direct, 0.0, 1.0 - inside)) / b
    result = np.where(direct, lower, upper)
    return np.where(x <= 0, 0.0, np.where(x >= 1, 1.0, result))


def digamma(x: float) -> float:
    """The digamma function psi(x) for x > 0 (recurrence, then the asymptotic series)."""
    result = 0.0
    while x < 10:
        result -= 1 / x
        x += 1
    inverse = 1 / (x * x)
    series = inverse * (1 / 12 - inverse * (1 / 120 - inverse * (1 / 252 - inverse / 240)))
    return result + math.log(x) - 0.5 / x - series


def trigamma(x: float) -> float:
    """The trigamma function psi'(x) for x > 0."""
    result = 0.0
    while x < 10:
        result += 1 / (x * x)
        x += 1
    inverse = 1 / (x * x)
    series = 1 / x + inverse / 2 + inverse / x * (1 / 6 - inverse * (1 / 30 - inverse / 42))
    return result + series
