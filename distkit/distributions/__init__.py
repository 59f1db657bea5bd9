"""Probability distributions: the `Distribution` base and the built-in Gaussian and Binomial.

`Gaussian` and `Binomial` keep the Udacity course's `distributions` package behaviour to the
number and add numpy-vectorised `pdf`/`cdf`, `sample`, `fit`, `params` and validation.
"""

from __future__ import annotations

from distkit.distributions.base import Distribution
from distkit.distributions.binomial import Binomial
from distkit.distributions.datafile import read_numbers
from distkit.distributions.gaussian import Gaussian

__all__ = ["Binomial", "Distribution", "Gaussian", "read_numbers"]
