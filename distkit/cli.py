"""The `distkit` command line: a thin, lazy click group.

Built-in commands are named here with their one-line help, so `distkit --help` imports no
command module; each module is imported only when its command runs. Commands added by plugins
(`register_commands`) are looked up, loading plugins, only when the name is not a built-in.
"""

from __future__ import annotations

import functools
import importlib
import traceback
from typing import TYPE_CHECKING, Any

import click

from distkit import __version__
from distkit.errors import DistkitError, PluginError

if TYPE_CHECKING:
    from distkit.plugins import Registry

# name -> (module, attribute, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "new": ("distkit.commands.new", "new", "Render a complete package for a distribution family."),
    "list": (
        "distkit.commands.listing",
        "list_command",
        "List registered distributions and music models.",
    ),
    "plugins": (
        "distkit.commands.plugins",
        "plugins_command",
        "List installed plugins, their hooks and errors.",
    ),
    "fit": ("distkit.commands.fit", "fit", "Fit a distribution to a data file."),
    "test": ("distkit.commands.test", "test", "Run a package's tox environments and summarise."),
    "build": ("distkit.commands.build", "build", "Build sdist and wheel, then twine check them."),
    "publish": (
        "distkit.commands.publish",
        "publish",
        "Preflight, upload with twine, verify by installing back.",
    ),
    "index": (
        "distkit.commands.index",
        "index",
        "Start, stop or inspect the embedded local index.",
    ),
    "compose": ("distkit.commands.compose", "compose", "Harmonize a melody with a music model."),
}


class DistkitGroup(click.Group):
    """A group that imports built-in commands on demand and asks plugins for the rest."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module, attribute, _ = COMMANDS[cmd_name]
            builtin: click.Command = getattr(importlib.import_module(module), attribute)
            return builtin
        from distkit.commands._output import warn_problems
        from distkit.plugins import get_registry

        registry = get_registry()
        command = plugin_commands(registry).get(cmd_name)
        if command is not None:
            warn_problems(registry)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (DistkitError, OSError) as error:
            if ctx.params.get("debug"):
                traceback.print_exc()
            raise one_line(error) from None
        except click.UsageError as error:
            where = error.ctx.command_path if error.ctx else "distkit"
            raise Misuse(f"{error.format_message()} (see '{where} --help')") from None


def one_line(error: DistkitError | OSError) -> click.ClickException:
    """The click error that prints `error` as one line with its exit code."""
    if isinstance(error, OSError):
        where = f": {error.filename}" if error.filename else ""
        return Failure(f"{error.strerror or error}{where}")
    failure = Misuse if error.exit_code == Misuse.exit_code else Failure
    return failure(str(error))


class Failure(click.ClickException):
    """A failed operation: one line on stderr, exit code 1."""

    exit_code = 1


class Misuse(click.ClickException):
    """A usage error: one line on stderr (no usage text), exit code 2."""

    exit_code = 2


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


@click.group(
    cls=DistkitGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Plugins may add commands: `distkit plugins` lists them. Docs: docs/plugins.md",
)
@click.version_option(__version__, "-V", "--version", prog_name="distkit")
@click.option("--debug", is_flag=True, help="Show the full traceback when a command fails.")
def cli(debug: bool) -> None:
    """distkit: from a probability distribution (or a music model) in mind to a tested package
    on an index that anyone can pip install.

    \b
    Quick start:
      distkit new poisson --no-input
      distkit publish distkit-poisson --local
    """


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="distkit")
