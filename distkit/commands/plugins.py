"""`distkit plugins`: installed plugins, their versions and hooks, and errors for broken ones."""

from __future__ import annotations

import click

from distkit.commands._output import echo_json, echo_table


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def plugins_command(ctx: click.Context, as_json: bool) -> None:
    """List installed plugins: name, version, hooks, and errors for broken ones."""
    from distkit.commands._plugin_commands import plugin_commands
    from distkit.plugins import get_registry

    registry = get_registry()
    # Running every hook is what finds the plugins whose hooks raise.
    registry.distributions  # noqa: B018
    registry.music_models  # noqa: B018
    plugin_commands(registry)
    plugins = list(registry.plugins.values())
    if as_json:
        echo_json(
            [
                {
                    "name": p.name,
                    "package": p.package,
                    "version": p.version,
                    "module": p.module,
                    "builtin": p.builtin,
                    "hooks": p.hooks,
                    "commands": p.commands,
                    "ok": p.ok,
                    "errors": p.errors,
                    "warnings": p.warnings,
                }
                for p in plugins
            ]
        )
    else:
        echo_table(
            ["NAME", "PACKAGE", "VERSION", "STATUS", "HOOKS", "COMMANDS"],
            [
                [
                    p.name,
                    p.package or "?",
                    p.version or "?",
                    "ok" if p.ok else "BROKEN",
                    ", ".join(p.hooks) or "-",
                    ", ".join(p.commands) or "-",
                ]
                for p in plugins
            ],
        )
        for p in plugins:
            for error in p.errors:
                click.echo(f"  {p.name}: {error}", err=True)
            for warning in p.warnings:
                click.echo(f"  {p.name}: warning: {warning}", err=True)
    if ctx.find_root().params.get("debug"):
        for p in plugins:
            for story in p.tracebacks:
                click.echo(f"\n{p.name}:\n{story}", err=True, nl=False)
