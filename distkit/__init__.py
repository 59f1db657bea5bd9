"""distkit: from a distribution (or a music model) in mind to a tested package on an index."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "hookimpl"]


def __getattr__(name: str) -> Any:
    # Lazy, so that `import distkit` (and `distkit --help`) does not import pluggy.
    if name == "hookimpl":
        from distkit.plugins.hookspecs import hookimpl

        return hookimpl
    raise AttributeError(f"module 'distkit' has no attribute {name!r}")
