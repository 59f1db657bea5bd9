"""Registers the built-in distributions, Gaussian and Binomial."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from distkit.hookspecs import hookimpl


@hookimpl
def register_distributions(register: Callable[[type[Any]], None]) -> None:
    from distkit.distributions import Binomial, Gaussian

    register(Gaussian)
    register(Binomial)
