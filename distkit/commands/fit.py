"""`distkit fit`: fit a distribution to data (or rank them all with --best), print, plot."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from distkit.commands._output import echo_json, echo_table, warn_problems
from distkit.errors import FitRefused, UsageError

if TYPE_CHECKING:
    from distkit.distributions.fitting import FitResult
    from distkit.distributions.ranking import Ranking


@click.command("fit")
@click.argument("name_or_file", metavar="[NAME]")
@click.argument("datafile", type=click.Path(path_type=Path), required=False, metavar="DATAFILE")
@click.option("--best", is_flag=True, help="Fit every registered distribution and rank them.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A known parameter for the fit, e.g. --param n=20 for binomial counts out of 20.",
)
@click.option(
    "--plot",
    "png",
    type=click.Path(path_type=Path),
    help="Save a histogram with the fitted density (with --best, the best few).",
)
@click.option("--top", default=3, show_default=True, help="How many fits --best plots.")
@click.option("--force", is_flag=True, help="Overwrite the --plot file if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def fit(
    name_or_file: str,
    datafile: Path | None,
    best: bool,
    params: tuple[str, ...],
    png: Path | None,
    top: int,
    force: bool,
    as_json: bool,
) -> None:
    """Fit the distribution NAME (or PLUGIN:NAME) to DATAFILE, one number per line.

    With --best, give only DATAFILE: every installed distribution that accepts the data is
    fitted and ranked by AIC.
    """
    from distkit.plugins import get_registry

    registry = get_registry()
    if best:
        if datafile is not None or params:
            raise UsageError("with --best, give only DATAFILE (no NAME, no --param)")
        from distkit.distributions.ranking import rank_file, save_best_plot

        ranking = rank_file(registry, Path(name_or_file))
        warn_problems(registry)
        if png is not None:
            save_best_plot(ranking, png, top=max(top, 1), force=force)
        _print_ranking(ranking, png, as_json)
        return
    if datafile is None:
        raise UsageError("missing DATAFILE: distkit fit NAME DATAFILE (or fit --best DATAFILE)")
    from distkit.distributions.fitting import fit_file, parse_options, save_plot

    try:
        result = fit_file(registry, name_or_file, datafile, parse_options(params))
    except FitRefused as error:
        if "known n" in error.reason and not params:
            raise UsageError(f"{error} (for counts out of n trials, add --param n=N)") from None
        raise
    warn_problems(registry)
    if png is not None:
        save_plot(result, png, force=force)
    _print_fit(result, datafile, png, as_json)


def _print_fit(result: FitResult, datafile: Path, png: Path | None, as_json: bool) -> None:
    if as_json:
        echo_json({**result.as_dict(), "plot": str(png) if png else None})
        return
    click.echo(
        f"{result.name} ({result.plugin}) fitted to {len(result.data):,} values from {datafile}"
    )
    rows = [[key, _number(value)] for key, value in result.params.items()]
    rows += [["mean", _number(result.mean)], ["stdev", _number(result.stdev)]]
    echo_table(["PARAMETER", "VALUE"], rows, indent="  ")
    if png is not None:
        click.echo(f"Plot saved to {png}")


def _print_ranking(ranking: Ranking, png: Path | None, as_json: bool) -> None:
    if as_json:
        echo_json({**ranking.as_dict(), "plot": str(png) if png else None})
        return
    click.echo(f"{len(ranking.ranked)} fits to {len(ranking.data):,} values from {ranking.path}")
    rows = [
        [
            str(rank),
            entry.result.name,
            entry.result.plugin,
            _number(entry.aic),
            _number(entry.bic),
            _number(entry.loglik),
            f"{entry.ks:.4f}",
            ", ".join(f"{k}={_number(v)}" for k, v in entry.result.params.items()),
        ]
        for rank, entry in enumerate(ranking.ranked, start=1)
    ]
    headers = ["RANK", "NAME", "PLUGIN", "AIC", "BIC", "LOGLIK", "KS", "PARAMETERS"]
    echo_table(headers, rows, indent="  ")
    if ranking.skipped:
        click.echo(f"Skipped {len(ranking.skipped)}:")
        for skipped in ranking.skipped:
            click.echo(f"  {skipped.name} ({skipped.plugin}): {skipped.reason}")
    if png is not None:
        click.echo(f"Plot saved to {png}")


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.6g}"
