"""Output helpers shared by the commands: aligned tables, stable JSON, plugin warnings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from distkit.plugins import Registry


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "") -> None:
    """Print `rows` under `headers`, columns aligned, the last column left ragged."""
    table = [list(headers), *[list(map(str, row)) for row in rows]]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)]
        click.echo(indent + "  ".join([*cells, row[-1]]).rstrip())


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=False))


def warn_problems(registry: Registry) -> None:
    """Warn once on stderr about plugins that are broken."""
    for problem in registry.take_warnings():
        click.echo(f"warning: {problem} (see `distkit plugins`)", err=True)
