"""`distkit list`: every registered distribution and music model, with its plugin."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from distkit.commands._output import echo_json, echo_table, warn_problems

if TYPE_CHECKING:
    from distkit.plugins import Registration


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_command(as_json: bool) -> None:
    """List registered distributions and music models, with the plugin that provides each."""
    from distkit.music.base import panel_note, recorded_panel
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
                        "parameters": r.parameters,
                        "discrete": bool(getattr(r.cls, "discrete", False)) if r.loaded else None,
                        "description": r.description,
                    }
                    for r in distributions
                ],
                "music_models": [
                    {
                        "name": r.name,
                        "plugin": r.plugin,
                        "class": r.class_path,
                        "description": r.description,
                        "panel": recorded_panel(r.cls),
                    }
                    for r in models
                ],
            }
        )
        return
    click.echo("Distributions")
    echo_table(
        ["NAME", "PLUGIN", "PARAMETERS", "DESCRIPTION"],
        [
            [
                r.name,
                r.plugin,
                "-" if r.parameters is None else ", ".join(r.parameters),
                r.description,
            ]
            for r in distributions
        ],
        indent="  ",
    )
    click.echo("\nMusic models")
    if models:
        echo_table(
            ["NAME", "PLUGIN", "DESCRIPTION"],
            [[r.name, r.plugin, r.description + panel_note(r.cls)] for r in models],
            indent="  ",
        )
    else:
        click.echo("  (none)")


def _parameters(registration: Registration) -> str:
    parameters = registration.parameters
    return "-" if parameters is None else ", ".join(parameters)
