"""Fixtures for the distributions tests: the course's own data files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from distkit.plugins import get_registry
from tests.core.conftest import PluginSite

DATA = Path(__file__).parent / "data"


@pytest.fixture
def numbers_txt() -> Path:
    """The course's Gaussian data: 1 3 99 100 120 32 330 23 76 44 31."""
    return DATA / "numbers.txt"


@pytest.fixture
def numbers_binomial_txt() -> Path:
    """The course's Binomial trials: 0 1 1 1 1 1 0 1 0 1 0 1 0."""
    return DATA / "numbers_binomial.txt"


@pytest.fixture(autouse=True)
def _hermetic_plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Load no installed third-party plugins unless a test adds its own."""
    monkeypatch.setenv("DISTKIT_LOAD_PLUGINS", "")
    get_registry.cache_clear()
    yield
    get_registry.cache_clear()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PluginSite:
    """A folder on sys.path for throwaway plugin packages with real dist-info."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    return PluginSite(root)
