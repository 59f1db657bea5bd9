"""Fixtures for the core tests: real plugin packages (dist-info with entry points) on sys.path."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from distkit.plugins import get_registry

DUCK_DISTRIBUTION = '''
import numpy as np
import pluggy

hookimpl = pluggy.HookimplMarker("distkit")


class {cls}:
    """A {name} distribution that does not know distkit exists."""

    name = "{name}"
    discrete = False

    def __init__(self, low=0.0, high=1.0):
        self.low, self.high = float(low), float(high)
        self.mean = (self.low + self.high) / 2
        self.stdev = (self.high - self.low) / 12 ** 0.5
        self.data = np.array([])

    @property
    def params(self):
        return {{"low": self.low, "high": self.high}}

    def pdf(self, x):
        x = np.asarray(x, dtype=float)
        return np.where((x >= self.low) & (x <= self.high), 1 / (self.high - self.low), 0.0)

    def cdf(self, x):
        return np.clip((np.asarray(x, dtype=float) - self.low) / (self.high - self.low), 0, 1)

    def sample(self, size, seed=None):
        return np.random.default_rng(seed).uniform(self.low, self.high, size)

    @classmethod
    def fit(cls, data):
        data = np.asarray(data, dtype=float)
        return cls(data.min(), data.max())

    def read_data_file(self, path):
        self.data = np.loadtxt(path, ndmin=1)


@hookimpl
def register_distributions(register):
    register({cls})
'''


@dataclass
class PluginSite:
    """A folder on sys.path holding throwaway plugin packages with real dist-info."""

    root: Path
    names: list[str] = field(default_factory=list)

    def add(self, entry_name: str, code: str, *, package: str | None = None) -> str:
        """Write module `code` and a dist-info registering it as entry point `entry_name`."""
        module = f"plugin_{entry_name.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
        package = package or f"distkit-{entry_name}-{uuid.uuid4().hex[:4]}"
        (self.root / f"{module}.py").write_text(textwrap.dedent(code))
        info = self.root / f"{package.replace('-', '_')}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: 1.0\n")
        (info / "entry_points.txt").write_text(f"[distkit]\n{entry_name} = {module}\n")
        self.names.append(entry_name)
        os.environ["DISTKIT_LOAD_PLUGINS"] = ",".join(self.names)
        importlib.invalidate_caches()
        get_registry.cache_clear()
        return module

    def add_distribution(self, entry_name: str, name: str, cls: str = "Triangle") -> str:
        return self.add(entry_name, DUCK_DISTRIBUTION.format(cls=cls, name=name))

    def run(self, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        """Run `distkit ARGS` in a real subprocess that sees these plugins."""
        env = {**os.environ, "PYTHONPATH": str(self.root)}
        return subprocess.run(
            [sys.executable, "-m", "distkit", *args],
            capture_output=True,
            text=True,
            env=env,
            check=check,
        )


@pytest.fixture(autouse=True)
def _hermetic_plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Load no installed third-party plugins unless a test adds its own."""
    monkeypatch.setenv("DISTKIT_LOAD_PLUGINS", "")
    monkeypatch.delenv("DISTKIT_DISABLED_PLUGINS", raising=False)
    get_registry.cache_clear()
    yield
    get_registry.cache_clear()


@pytest.fixture
def plugin_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PluginSite:
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    return PluginSite(root)
