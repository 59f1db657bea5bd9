"""Fitting a registered distribution to a data file.

The class may come from any plugin, so every call into it runs under `plugin_code` (what it
prints goes to stderr, whatever it raises becomes one error naming the plugin; Ctrl-C still
stops it) with numpy's warnings silenced, and what it returns is checked before it is used.
"""

from __future__ import annotations

import contextlib
import inspect
import math
import numbers
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from distkit.distributions.validation import shown_number
from distkit.errors import FitRefused, UsageError
from distkit.plugins import DISTRIBUTION, Registration, Registry, plugin_code

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class FitResult:
    """A fitted distribution, its checked parameters, and what it was fitted to."""

    name: str
    plugin: str
    distribution: Any
    data: FloatArray
    path: Path
    params: dict[str, float]
    mean: float | None
    stdev: float | None
    registration: Registration | None = None

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready values (a number that is not finite is None)."""
        return {
            "distribution": self.name,
            "plugin": self.plugin,
            "data_file": str(self.path),
            "n": len(self.data),
            "params": {key: json_number(value) for key, value in self.params.items()},
            "mean": json_number(self.mean),
            "stdev": json_number(self.stdev),
        }


def json_number(value: float | None) -> float | None:
    """`value`, or None for NaN and infinities, which JSON cannot hold."""
    return value if value is not None and math.isfinite(value) else None


@contextlib.contextmanager
def calling(plugin: str, action: str) -> Iterator[None]:
    """Run a plugin's code (see `plugin_code`) with numpy's floating-point warnings silenced:
    what comes back is checked instead."""
    import numpy as np

    with plugin_code(plugin, action), warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def parse_options(items: Iterable[str]) -> dict[str, float]:
    """`["n=20", "scale=1.5"]` as `{"n": 20, "scale": 1.5}` (whole numbers stay ints)."""
    options: dict[str, float] = {}
    for item in items:
        key, equals, text = item.partition("=")
        key = key.strip()
        if not (equals and key.isidentifier()):
            raise UsageError(f"{item!r} is not NAME=VALUE (for example n=20)")
        try:
            value = float(text)
        except ValueError:
            raise UsageError(f"{key}={text!r}: the value is not a number") from None
        if not math.isfinite(value):
            raise UsageError(f"{key}={text!r}: the value must be finite")
        options[key] = int(value) if value.is_integer() and "." not in text else value
    return options


def fit_file(
    registry: Registry,
    name: str,
    path: Path,
    options: Mapping[str, float] | None = None,
    *,
    column: str | None = None,
) -> FitResult:
    """Read the numbers of `path` (see `read_numbers`; `column` picks a table's column) and fit
    the distribution registered as `name`, passing `options` (a known parameter such as
    binomial's n) to its `fit`."""
    from distkit.distributions.datafile import read_numbers

    registration = registry.lookup(DISTRIBUTION, name)
    data = read_numbers(path, column=column)
    return fit_data(registration, data, Path(path), options or {})


def fit_data(
    registration: Registration, data: FloatArray, path: Path, options: Mapping[str, float]
) -> FitResult:
    """Fit the registered class to `data` (read from `path`) and check what it returns.

    FitRefused when the class cannot take the data, PluginError when it misbehaves.
    """
    name, plugin = registration.name, registration.plugin
    cls = registration.cls
    _check_options(cls, name, options)
    if getattr(cls, "discrete", False) is True:
        _check_whole_numbers(name, data, path)
    with calling(plugin, f"fitting {name}"):
        try:
            fitted = cls.fit(data, **options)
        except ValueError as error:
            needs = getattr(error, "parameter", None)  # ParameterNeeded, or a plugin's like it
            needs = needs if isinstance(needs, str) else None
            raise FitRefused(path, name, _with_line_numbers(str(error)), needs=needs) from None
        params, mean, stdev = _read_fit(fitted, name)
    bad = [f"{key}={value}" for key, value in params.items() if not math.isfinite(value)]
    if bad:
        reason = f"the fitted {', '.join(bad)} is not finite (values too large or too spread?)"
        raise FitRefused(path, name, reason)
    return FitResult(name, plugin, fitted, data, path, params, mean, stdev, registration)


def _check_options(cls: type[Any], name: str, options: Mapping[str, float]) -> None:
    if not options:
        return
    try:
        inspect.signature(cls.fit).bind(None, **options)
    except TypeError:
        names = ", ".join(map(repr, options))
        raise UsageError(f"{name}'s fit takes no parameter {names}") from None
    except ValueError:
        pass  # no signature to check (a builtin); the call itself will tell


def _check_whole_numbers(name: str, data: FloatArray, path: Path) -> None:
    import numpy as np

    bad = data != np.floor(data)
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        raise FitRefused(
            path,
            name,
            f"{name} is discrete, but line {index + 1} holds {shown_number(data[index])}, "
            "not a whole number",
        )


def _with_line_numbers(message: str) -> str:
    """A fit's "at index 3" is line 4 of the data file (one value per line, none skipped)."""
    return re.sub(r"\bat index (\d+)", lambda m: f"on line {int(m[1]) + 1}", message)


def _read_fit(fitted: Any, name: str) -> tuple[dict[str, float], float | None, float | None]:
    """The parameters, mean and stdev of what `fit` returned, checked; ValueError otherwise."""
    if fitted is None or not callable(getattr(fitted, "pdf", None)):
        raise TypeError(f"{name}.fit returned {type(fitted).__name__}, not a distribution")
    params = fitted.params
    if not isinstance(params, Mapping):
        raise TypeError(f"{name}.params is a {type(params).__name__}, not a mapping")
    checked: dict[str, float] = {}
    for key, value in params.items():
        number = _number(value)
        if not isinstance(key, str) or number is None:
            raise TypeError(f"{name}.params[{key!r}] is {value!r}, not a number")
        checked[key] = number
    return checked, _number(getattr(fitted, "mean", None)), _number(getattr(fitted, "stdev", None))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    number = float(value)
    return int(number) if isinstance(value, numbers.Integral) else number


def check_png(png: Path, *, force: bool) -> None:
    """Refuse a plot path that is not a .png, is a folder, or exists without `force`."""
    if png.suffix.lower() != ".png":
        raise UsageError(f"{png}: the plot is a PNG, so its name must end in .png")
    if png.is_dir():
        raise UsageError(f"{png} is a folder; give a file name ending in .png")
    if png.exists() and not png.is_file():
        raise UsageError(f"{png} is not a regular file; give another file name ending in .png")
    if os.path.lexists(png) and not force:
        raise UsageError(f"{png} already exists; use --force to overwrite it")
    if not png.parent.is_dir():
        raise UsageError(f"{png.parent} is not a folder; create it first")
