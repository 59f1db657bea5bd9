"""Registers the built-in distributions, Gaussian and Binomial."""

from __future__ import annotations

from distkit.plugins.hookspecs import Register, hookimpl


@hookimpl
def register_distributions(register: Register) -> None:
    from distkit.distributions import Binomial, Gaussian

    register(Gaussian)
    register(Binomial)
