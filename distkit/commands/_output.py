"""Output helpers shared by the commands: aligned tables, strict JSON, warnings about plugins."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from distkit.plugins import Registry

WARNED = "distkit.warned"  # click's ctx.meta key: the warnings given in this invocation


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "") -> None:
    """Print `rows` under `headers`, columns aligned, the last column left ragged."""
    table = [list(headers), *[list(map(str, row)) for row in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)]
        click.echo(indent + "  ".join([*cells, row[-1]]).rstrip())


def echo_json(data: Any) -> None:
    """Print `data` as JSON that any parser reads: NaN and infinities become null."""
    click.echo(json.dumps(finite(data), indent=2, allow_nan=False))


def finite(value: Any) -> Any:
    """`value` with every float that is not finite replaced by None, in lists and dicts too."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    return value


def warn_problems(registry: Registry) -> None:
    """Warn on stderr about plugins that are broken or slow, each problem once per command."""
    ctx = click.get_current_context(silent=True)
    warned: set[str] = ctx.meta.setdefault(WARNED, set()) if ctx is not None else set()
    for problem in registry.problems:
        if problem not in warned:
            warned.add(problem)
            click.echo(f"warning: {problem} (see `distkit plugins`)", err=True)
