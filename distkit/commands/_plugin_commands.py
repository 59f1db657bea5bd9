"""The click commands that plugins add through `register_commands`, collected once."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import click

from distkit.commands import COMMANDS
from distkit.errors import DistkitError, PluginError

if TYPE_CHECKING:
    from distkit.plugins import Registry


@functools.lru_cache(maxsize=1)
def plugin_commands(registry: Registry) -> dict[str, click.Command]:
    """The commands that plugins add, collected once per registry."""
    collector = click.Group("plugins")
    registry.add_commands(collector)
    for plugin in registry.plugins.values():
        for name in plugin.commands:
            _guard(collector.commands[name], plugin.name)
            if name in COMMANDS:
                plugin.errors.append(f"adds command {name!r}, which distkit's own {name!r} hides")
    return dict(collector.commands)


def _guard(command: click.Command, plugin: str) -> None:
    """Make an unexpected exception in a plugin's command a one-line error naming the plugin."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _guard(sub, plugin)
    callback = command.callback
    if callback is None:
        return

    @functools.wraps(callback)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, DistkitError, OSError):
            raise
        except Exception as error:
            raise PluginError(
                f"command {command.name!r} of plugin {plugin!r} failed: "
                f"{type(error).__name__}: {error}"
            ) from error

    command.callback = guarded
