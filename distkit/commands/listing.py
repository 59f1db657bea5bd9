"""`distkit list`: every registered distribution and music model, with its plugin."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from distkit.commands._output import echo_json, echo_table, warn_problems
from distkit.errors import PluginError
from distkit.plugins.describe import description, parameters, read_class

if TYPE_CHECKING:
    from distkit.plugins import Registration


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_command(as_json: bool) -> None:
    """List registered distributions and music models, with the plugin that provides each."""
    from distkit.music.styles import by_style
    from distkit.plugins import get_registry

    registry = get_registry()
    distributions = registry.distributions
    models = registry.music_models
    warn_problems(registry)
    if as_json:
        echo_json(
            {
                "distributions": [
                    {
                        "name": r.name,
                        "plugin": r.plugin,
                        "class": r.class_path,
                        "parameters": parameters(r),
                        "discrete": _discrete(r),
                        "description": description(r),
                    }
                    for r in distributions
                ],
                "music_models": [
                    {
                        "name": r.name,
                        "plugin": r.plugin,
                        "class": r.class_path,
                        "description": description(r),
                        **_model_entry(r),
                    }
                    for r in models
                ],
            }
        )
        return
    click.echo("Distributions")
    echo_table(
        ["NAME", "PLUGIN", "PARAMETERS", "DESCRIPTION"],
        [[r.name, r.plugin, _parameters(parameters(r)), description(r)] for r in distributions],
        indent="  ",
    )
    click.echo("\nMusic models")
    if not models:
        click.echo("  (none)")
    for style, members in by_style(models):
        click.echo(f"  {style}")
        echo_table(
            ["NAME", "PLUGIN", "DESCRIPTION"],
            [[r.name, r.plugin, _model_line(r)] for r in members],
            indent="    ",
        )


def _discrete(registration: Registration) -> bool | None:
    if not registration.loaded:
        return None
    try:
        return read_class(registration, lambda cls: getattr(cls, "discrete", False) is True)
    except PluginError as error:
        _warn(error)
        return None


def _model_entry(registration: Registration) -> dict[str, Any]:
    """A model's recorded panel and what it says of itself; for a class that cannot be
    imported or read, none of them and the error (warned about on stderr too)."""
    from distkit.music.base import recorded_panel
    from distkit.music.styles import model_facts

    try:
        return read_class(registration, lambda c: {"panel": recorded_panel(c)} | model_facts(c))
    except PluginError as error:
        _warn(error)
        return {"panel": None, "style": None, "voices": None, "programs": None, "error": str(error)}


def _model_line(registration: Registration) -> str:
    from distkit.music.base import panel_note

    try:
        return description(registration) + read_class(registration, panel_note)
    except PluginError as error:
        _warn(error)
        return "(cannot be used; see the warning above)"


def _warn(error: PluginError) -> None:
    """Warn on stderr about a plugin's class that failed, once per command."""
    ctx = click.get_current_context(silent=True)
    warned: set[str] = ctx.meta.setdefault("distkit.list.failed", set()) if ctx else set()
    if str(error) not in warned:
        warned.add(str(error))
        click.echo(f"warning: {error}", err=True)


def _parameters(names: list[str] | None) -> str:
    return "-" if names is None else ", ".join(names)
