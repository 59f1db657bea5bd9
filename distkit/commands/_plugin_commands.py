"""The click commands that plugins add through `register_commands`, collected once.

They are not wrapped: `distkit.cli` guards a plugin's command when it is invoked, naming the
plugin that provides it (`provider`).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import click

from distkit.commands import COMMANDS

if TYPE_CHECKING:
    from distkit.plugins import Registry


@functools.lru_cache(maxsize=1)
def plugin_commands(registry: Registry) -> dict[str, click.Command]:
    """The commands that plugins add, collected once per registry."""
    collector = click.Group("plugins")
    registry.add_commands(collector)
    for plugin in registry.plugins.values():
        for name in plugin.commands:
            if name in COMMANDS:
                plugin.errors.append(f"adds command {name!r}, which distkit's own {name!r} hides")
    return dict(collector.commands)


def provider(registry: Registry, command: str) -> str | None:
    """The plugin that added `command`, if one did."""
    return next((p.name for p in registry.plugins.values() if command in p.commands), None)
