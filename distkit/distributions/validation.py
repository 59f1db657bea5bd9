"""Checks for distribution parameters and data, raising ValueError that names what is wrong."""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


def shown_number(value: float) -> str:
    """`value` as a refusal should show it: a whole number as one (12345678), any other as the
    shortest text that reads back as it (5.000000000001, never the rounded 5)."""
    number = float(value)
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


def check_real(name: str, value: Any) -> float:
    """Return `value` if it is a finite real number (ints stay ints), else raise ValueError."""
    if type(value) is int or type(value) is float:
        number: float = value
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
    else:
        raise ValueError(f"{name} must be a real number, got {value!r}")
    if not math.isfinite(number):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return number


def check_positive(name: str, value: Any) -> float:
    """Return `value` if it is a finite number above zero, else raise ValueError."""
    number = check_real(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be greater than 0, got {value!r}")
    return number


def check_probability(name: str, value: Any) -> float:
    """Return `value` if it is a number in [0, 1], else raise ValueError."""
    number = check_real(name, value)
    if not 0 <= number <= 1:
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    return number


def check_count(name: str, value: Any) -> int:
    """Return `value` as an int if it is a whole number >= 0 (20.0 is accepted), else raise."""
    number = check_real(name, value)
    if number != int(number):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if number < 0:
        raise ValueError(f"{name} must be 0 or more, got {value!r}")
    return int(number)


def as_data(data: Any, *, min_size: int = 1, check_finite: bool = True) -> npt.NDArray[np.float64]:
    """Return `data` as a 1-d float64 array of at least `min_size` (finite) values."""
    import numpy as np

    values = np.asarray(data, dtype=np.float64)
    if values.ndim != 1:
        values = values.ravel()
    if values.size < min_size:
        raise ValueError(f"data must hold at least {min_size} value(s), got {values.size}")
    if not check_finite:
        return values
    finite = np.isfinite(values)
    if not finite.all():
        index = int(np.flatnonzero(~finite)[0])
        raise ValueError(f"data must be finite, got {values[index]} at index {index}")
    return values
