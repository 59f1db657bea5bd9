"""The `Distribution` base class: what every distkit distribution has."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, overload

if TYPE_CHECKING:
    from typing import Self

    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]


class Distribution:
    """A probability distribution with a mean, a standard deviation and optional data.

    Subclasses set `name` and `discrete`, and implement `params`, `_pdf`, `_cdf`, `sample`
    and `fit`; `pdf` and `cdf` here turn a scalar into a float and an array into an array.
    """

    name: ClassVar[str] = "distribution"
    discrete: ClassVar[bool] = False

    def __init__(self, mu: float = 0, sigma: float = 1) -> None:
        import numpy as np

        self.mean = mu
        self.stdev = sigma
        self.data: FloatArray = np.empty(0)

    @property
    def params(self) -> dict[str, float]:
        """The parameters by constructor argument name: `type(d)(**d.params)` rebuilds `d`."""
        raise NotImplementedError(f"{type(self).__name__} does not define params")

    def read_data_file(self, file_name: str | os.PathLike[str]) -> FloatArray:
        """Read one number per line into `data`; `mean` and `stdev` are left alone."""
        from distkit.distributions.datafile import read_numbers

        self.data = read_numbers(file_name)
        return self.data

    @overload
    def pdf(self, x: float) -> float: ...
    @overload
    def pdf(self, x: FloatArray | Sequence[float]) -> FloatArray: ...
    def pdf(self, x: Any) -> Any:
        """Density (or mass, when `discrete`) at x: a float for a scalar, an array otherwise."""
        return _elementwise(self._pdf, x)

    @overload
    def cdf(self, x: float) -> float: ...
    @overload
    def cdf(self, x: FloatArray | Sequence[float]) -> FloatArray: ...
    def cdf(self, x: Any) -> Any:
        """P(X <= x): a float for a scalar, an array otherwise."""
        return _elementwise(self._cdf, x)

    def _pdf(self, x: FloatArray) -> FloatArray:
        raise NotImplementedError(f"{type(self).__name__} does not define pdf")

    def _cdf(self, x: FloatArray) -> FloatArray:
        raise NotImplementedError(f"{type(self).__name__} does not define cdf")

    def sample(self, size: int | tuple[int, ...], seed: int | None = None) -> FloatArray:
        """Draw `size` values with `numpy.random.default_rng(seed)`."""
        raise NotImplementedError(f"{type(self).__name__} does not define sample")

    @classmethod
    def fit(cls, data: npt.ArrayLike) -> Self:
        """Estimate the parameters from `data` and return a new instance holding that data."""
        raise NotImplementedError(f"{cls.__name__} does not define fit")

    def __repr__(self) -> str:
        return f"mean {self.mean}, standard deviation {self.stdev}"


def _elementwise(function: Callable[[FloatArray], FloatArray], x: Any) -> Any:
    import numpy as np

    values = np.asarray(x, dtype=np.float64)
    result = function(values)
    return float(result) if values.ndim == 0 else result
