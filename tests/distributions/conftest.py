"""Fixtures for the distributions tests: the course's own data files."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def numbers_txt() -> Path:
    """The course's Gaussian data: 1 3 99 100 120 32 330 23 76 44 31."""
    return DATA / "numbers.txt"


@pytest.fixture
def numbers_binomial_txt() -> Path:
    """The course's Binomial trials: 0 1 1 1 1 1 0 1 0 1 0 1 0."""
    return DATA / "numbers_binomial.txt"
