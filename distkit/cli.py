"""The `distkit` command line: a thin, lazy click group.

Built-in commands are named here with their one-line help, so `distkit --help` imports no
command module; each module is imported only when its command runs. Commands added by plugins
(`register_commands`) are looked up, loading plugins, only when the name is not a built-in.
"""

from __future__ import annotations

import importlib
import shlex
import traceback
from typing import Any

import click

from distkit import __version__
from distkit.commands import COMMANDS
from distkit.errors import DistkitError, ToolError


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
        from distkit.commands._plugin_commands import plugin_commands
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
            from distkit.release.redact import redact

            if ctx.params.get("debug"):
                click.echo(redact(traceback.format_exc()).rstrip("\n"), err=True)
                if isinstance(error, ToolError) and error.command:
                    click.echo(redact(f"command: {shlex.join(error.command)}"), err=True)
            raise one_line(error) from None
        except click.UsageError as error:
            where = error.ctx.command_path if error.ctx else "distkit"
            raise Misuse(f"{error.format_message()} (see '{where} --help')") from None


def one_line(error: DistkitError | OSError) -> click.ClickException:
    """The click error that prints `error` as one line with its exit code."""
    if isinstance(error, OSError):
        where = f": {error.filename}" if error.filename else ""
        return Failure(f"{error.strerror or error}{where}")
    from distkit.release.redact import redact

    failure = Misuse if error.exit_code == Misuse.exit_code else Failure
    return failure(redact(str(error)))


class Failure(click.ClickException):
    """A failed operation: one line on stderr, exit code 1."""

    exit_code = 1


class Misuse(click.ClickException):
    """A usage error: one line on stderr (no usage text), exit code 2."""

    exit_code = 2


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
