"""`distkit list`: every registered distribution and music model, with its plugin."""

from __future__ import annotations

import click

from distkit.commands._output import echo_json, echo_table, warn_problems
from distkit.plugins.describe import description, parameters


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_command(as_json: bool) -> None:
    """List registered distributions and music models, with the plugin that provides each."""
    from distkit.music.base import panel_note, recorded_panel
    from distkit.music.styles import by_style, model_facts
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
                        "discrete": bool(getattr(r.cls, "discrete", False)) if r.loaded else None,
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
                        "panel": recorded_panel(r.cls),
                        **model_facts(r.cls),
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
            [[r.name, r.plugin, description(r) + panel_note(r.cls)] for r in members],
            indent="    ",
        )


def _parameters(names: list[str] | None) -> str:
    return "-" if names is None else ", ".join(names)
