"""`distkit fit`: fit a distribution to data, print the parameters, optionally plot."""

from __future__ import annotations

from pathlib import Path

import click

from distkit.commands._output import echo_json, echo_table, warn_problems


@click.command("fit")
@click.argument("name")
@click.argument("datafile", type=click.Path(path_type=Path))
@click.option(
    "--plot",
    "png",
    type=click.Path(path_type=Path),
    help="Save a histogram with the fitted density.",
)
@click.option("--force", is_flag=True, help="Overwrite the --plot file if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def fit(name: str, datafile: Path, png: Path | None, force: bool, as_json: bool) -> None:
    """Fit the distribution NAME (or PLUGIN:NAME) to DATAFILE, one number per line."""
    from distkit.fitting import fit_file, save_plot
    from distkit.plugins import get_registry

    registry = get_registry()
    result = fit_file(registry, name, datafile)
    warn_problems(registry)
    if png is not None:
        save_plot(result, png, force=force)
    if as_json:
        echo_json({**result.as_dict(), "plot": str(png) if png else None})
        return
    click.echo(
        f"{result.name} ({result.plugin}) fitted to {len(result.data):,} values from {datafile}"
    )
    rows = [[key, f"{value:.6g}"] for key, value in result.params.items()]
    rows += [["mean", f"{result.mean:.6g}"], ["stdev", f"{result.stdev:.6g}"]]
    echo_table(["PARAMETER", "VALUE"], rows, indent="  ")
    if png is not None:
        click.echo(f"Plot saved to {png}")
