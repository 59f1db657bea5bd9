"""The `distkit` command line: a thin, lazy click group.

Built-in commands are listed in `distkit.commands.COMMANDS` with their one-line help, so
`distkit --help` imports no command module; each module is imported only when its command runs.
Commands added by plugins (`register_commands`) are looked up, loading plugins, only when the
name is not a built-in.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import sys
import traceback
from typing import Any

import click

from distkit import __version__
from distkit.commands import COMMANDS
from distkit.errors import DistkitError, PluginError, ToolError, describe

PLUGIN = "distkit.plugin"  # click's ctx.meta key: the plugin whose command runs
CLOSED_PIPE = 141  # 128 + SIGPIPE: what a shell reports for a tool whose reader went away


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
        from distkit.commands._plugin_commands import plugin_commands, provider
        from distkit.plugins import get_registry

        registry = get_registry()
        command = plugin_commands(registry).get(cmd_name)
        if command is not None:
            ctx.meta[PLUGIN] = provider(registry, cmd_name)
            warn_problems(registry)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if (
            isinstance(command, click.Group)
            and not command.invoke_without_command
            and not rest
            and not ctx.resilient_parsing
        ):
            raise Misuse(missing_command(ctx, command, f"{ctx.command_path} {name}"))
        return name, command, rest

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; whatever goes wrong is one line on stderr and exit 1 or 2 (the
        traceback too under --debug), and a plugin's command that fails is named."""
        try:
            return super().invoke(ctx)
        except click.UsageError as error:
            raise Misuse(usage_line(error)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BaseException as error:
            if isinstance(error, OSError) and error.errno == errno.EPIPE:
                silence_output()
                raise click.exceptions.Exit(CLOSED_PIPE) from None
            plugin = ctx.meta.get(PLUGIN)
            if isinstance(error, SystemExit) and plugin is not None and error.code in (0, None):
                raise
            if plugin is not None and not isinstance(error, DistkitError | OSError):
                failure: DistkitError | OSError = PluginError(
                    f"command {ctx.invoked_subcommand!r} of plugin {plugin!r} failed: "
                    f"{describe(error)}"
                )
            elif isinstance(error, SystemExit):  # distkit never exits so: code it called did
                failure = DistkitError(
                    f"stopped by {describe(error)} from code that distkit called, likely a "
                    "plugin's (`distkit --debug` shows where)"
                )
            elif isinstance(error, MemoryError):
                failure = DistkitError(out_of_memory(error))
            elif isinstance(error, DistkitError | OSError):
                failure = error
            else:
                raise
            if ctx.params.get("debug"):
                show_traceback(error)
            raise one_line(failure) from None


def usage_line(error: click.UsageError) -> str:
    """A usage error as one line naming the help to read; a group given no command (click
    8.2 raises NoArgsIsHelpError, whose message is the whole help) names its commands."""
    ctx = error.ctx
    where = ctx.command_path if ctx else "distkit"
    no_command = getattr(click.exceptions, "NoArgsIsHelpError", ())
    if ctx is not None and isinstance(error, no_command) and isinstance(ctx.command, click.Group):
        return missing_command(ctx, ctx.command, where)
    return f"{error.format_message()} (see '{where} --help')"


def missing_command(ctx: click.Context, group: click.Group, where: str) -> str:
    names = ", ".join(group.list_commands(ctx))
    return f"missing a command: one of {names} (see '{where} --help')"


def out_of_memory(error: MemoryError) -> str:
    detail = str(error).strip().splitlines()
    return "out of memory" + (f": {detail[0]}" if detail else "")


def silence_output() -> None:
    """Point stdout and stderr at devnull, as Python's docs advise when the reader of a pipe
    went away (`distkit list | head -1`), so that nothing fails when they are flushed at exit.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):
            os.dup2(devnull, stream.fileno())
    os.close(devnull)


def show_traceback(error: BaseException) -> None:
    """`--debug`: the traceback, and the command a wrapped tool ran, secrets masked."""
    import shlex

    from distkit.release.redact import redact

    click.echo(redact(traceback.format_exc()).rstrip("\n"), err=True)
    if isinstance(error, ToolError) and error.command:
        click.echo(redact(f"command: {shlex.join(error.command)}"), err=True)


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
    """Console-script entry point. A pipe closed outside a command (while click prints help
    or an error) ends quietly too, and so does running out of memory, in one line."""
    try:
        cli(prog_name="distkit")
    except SystemExit as ending:
        _end(ending.code)
    except BrokenPipeError:
        silence_output()
        sys.exit(CLOSED_PIPE)
    except MemoryError as error:
        click.echo(f"Error: {out_of_memory(error)}", err=True)
        sys.exit(Failure.exit_code)
    finally:
        _signals_end_the_process()


def _end(code: str | int | None) -> None:
    """Exit with `code`, the way a torchrun rank must when a command joined a process group."""
    distributed = sys.modules.get("distkit.music.training.distributed")
    if distributed is not None:  # else no command trained: nothing to import for --help
        distributed.end_if_joined(code)
    sys.exit(code)


def _signals_end_the_process() -> None:
    """The command is over: from here a Ctrl-C or SIGTERM ends the process as the signal does
    by default, rather than raising KeyboardInterrupt inside the interpreter's shutdown (which
    prints a traceback from `threading._shutdown` after the work was done)."""
    import signal

    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(OSError, ValueError):  # not the main thread
            signal.signal(signum, signal.SIG_DFL)
