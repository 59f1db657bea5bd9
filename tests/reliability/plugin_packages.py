"""Real plugin packages for the reliability tests: a module and a dist-info naming its entry
point, written into a folder that a distkit process finds on PYTHONPATH."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

TIMEOUT = 120  # seconds a distkit process may take before the run counts as a hang

HEADER = """
import os
import sys
import time
import click
import pluggy
hookimpl = pluggy.HookimplMarker("distkit")
"""

SHAPE = """
class Shape:
    name = "{name}"

    def __init__(self, low=0.0, high=1.0):
        self.low, self.high = float(low), float(high)
        self.mean, self.stdev, self.data = (low + high) / 2, (high - low) / 12**0.5, []

    @property
    def params(self):
        return dict(low=self.low, high=self.high)

    def pdf(self, x): return x
    def cdf(self, x): return x
    def sample(self, size, seed=None): return []
    @classmethod
    def fit(cls, data): {fit}
    def read_data_file(self, path): pass
"""


def shape(name: str = "shape", fit: str = "return cls(min(data), max(data))") -> str:
    """A small distribution class `Shape` named `name`, whose fit does `fit`."""
    return SHAPE.replace("{name}", name).replace("{fit}", fit)


def hook(name: str, body: str, *, before: str = "") -> str:
    """`before`, then a hook implementation `name` whose body is `body`."""
    argument = "cli" if name == "register_commands" else "register"
    body = textwrap.indent(textwrap.dedent(body).strip(), "    ")
    return f"{before}\n@hookimpl\ndef {name}({argument}):\n{body}\n"


def install(site: Path, entry_name: str, code: str) -> str:
    """Install `code` as a real plugin package whose entry point is `entry_name`; its module."""
    module = f"misbehaving_{entry_name.replace('-', '_')}"
    (site / f"{module}.py").write_text(code)
    info = site / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[distkit]\n{entry_name} = {module}\n")
    return module


def strict_json(text: str) -> Any:
    """Parse JSON as strict parsers do: NaN and Infinity are not JSON."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)
