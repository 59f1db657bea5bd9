"""`distkit fit`: fit a distribution to data (or rank them all with --best), print, plot."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from distkit.commands._output import echo_json, echo_table, warn_problems
from distkit.errors import FitRefused, UsageError

if TYPE_CHECKING:
    from distkit.distributions.fitting import FitResult
    from distkit.distributions.ranking import Ranked, Ranking, RankSettings

ORDERS = ["aic", "aicc", "bic", "ks", "cvm", "ad"]  # distkit.distributions.ranking.ORDERS
SHOWN = 20  # rows of each kind printed; --json has them all


@click.command("fit")
@click.argument("name_or_file", metavar="[NAME]")
@click.argument("datafile", type=click.Path(path_type=Path), required=False, metavar="DATAFILE")
@click.option("--best", is_flag=True, help="Fit every registered distribution and rank them.")
@click.option(
    "--scipy",
    "use_scipy",
    is_flag=True,
    help="With --best, also rank every scipy.stats family that suits the data.",
)
@click.option(
    "--families",
    metavar="NAME,...",
    help="With --best, the scipy.stats families to rank (implies --scipy), e.g. norm,gamma.",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A known parameter for the fit, e.g. --param n=20 for binomial counts out of 20.",
)
@click.option(
    "--column",
    metavar="NAME|N",
    help="The column of a CSV/TSV table to read: its header name, or its number from 1.",
)
@click.option(
    "--by",
    type=click.Choice(ORDERS),
    default="aic",
    show_default=True,
    help="What --best ranks by.",
)
@click.option(
    "--gof",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="p-values for the top fits from N parametric bootstrap samples (valid for fitted "
    "parameters).",
)
@click.option("--ci", is_flag=True, help="Bootstrap 95% intervals for the top fits' parameters.")
@click.option(
    "--resamples",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Resamples for --ci.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="With --best, the time each family may take to fit; past it, it is skipped.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for --best (default: one per CPU).",
)
@click.option(
    "--plot",
    "png",
    type=click.Path(path_type=Path),
    help="Save four panels (histogram and density, CDFs, QQ, PP); with --best, of the top fits.",
)
@click.option(
    "--top", default=3, show_default=True, help="How many fits --best plots, --gof and --ci."
)
@click.option("--force", is_flag=True, help="Overwrite the --plot file if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def fit(
    name_or_file: str,
    datafile: Path | None,
    best: bool,
    use_scipy: bool,
    families: str | None,
    params: tuple[str, ...],
    column: str | None,
    by: str,
    gof: int,
    ci: bool,
    resamples: int,
    time_limit: float,
    jobs: int | None,
    png: Path | None,
    top: int,
    force: bool,
    as_json: bool,
) -> None:
    """Fit the distribution NAME (or PLUGIN:NAME) to DATAFILE: one number per line, or a
    CSV/TSV table with --column.

    With --best, give only DATAFILE: every installed distribution (with --scipy, every
    scipy.stats family too) that accepts the data is fitted and ranked by AIC.
    """
    from distkit.distributions.fitting import parse_options
    from distkit.plugins import get_registry

    options = parse_options(params)
    registry = get_registry()
    if best:
        if datafile is not None:
            raise UsageError("with --best, give only DATAFILE (no NAME)")
        from distkit.distributions.ranking import RankSettings, rank_file

        settings = RankSettings(
            scipy=use_scipy or families is not None,
            families=_family_names(families),
            options=options,
            time_limit=time_limit,
            workers=jobs,
            gof=gof,
            ci=ci,
            resamples=resamples,
            top=max(top, 1),
            by=by,
        )
        with _Progress(enabled=not as_json and sys.stderr.isatty()) as progress:
            ranking = rank_file(
                registry, Path(name_or_file), settings, column=column, progress=progress
            )
        warn_problems(registry)
        if png is not None:
            from distkit.distributions.diagnostics import save_best_panels

            save_best_panels(ranking, png, top=max(top, 1), force=force)
        _print_ranking(ranking, settings, png, as_json)
        if not ranking.ranked:
            reason = "no family could be fitted; each one's reason is under skipped"
            raise FitRefused(ranking.path, "any distribution", reason)
        return
    if datafile is None:
        raise UsageError("missing DATAFILE: distkit fit NAME DATAFILE (or fit --best DATAFILE)")
    if use_scipy or families or gof or ci:
        raise UsageError("--scipy, --families, --gof and --ci go with --best")
    from distkit.distributions.fitting import fit_file

    try:
        result = fit_file(registry, name_or_file, datafile, options, column=column)
    except FitRefused as error:
        if error.needs is not None and error.needs not in options:
            raise UsageError(f"{error} (give it with --param {error.needs}=N)") from None
        raise
    warn_problems(registry)
    if png is not None:
        from distkit.distributions.diagnostics import save_fit_panels

        save_fit_panels(result, png, force=force)
    _print_fit(result, datafile, png, as_json)


def _family_names(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    names = tuple(name.strip() for name in text.split(",") if name.strip())
    if not names:
        raise UsageError("--families needs at least one scipy.stats name, e.g. norm,gamma")
    return names


class _Progress:
    """A one-line progress bar on stderr (only on a terminal): stage, count, bar."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = False

    def __enter__(self) -> _Progress | None:
        return self if self.enabled else None

    def __exit__(self, *exc: object) -> None:
        if self.shown:
            click.echo("\r\033[K", nl=False, err=True)

    def __call__(self, stage: str, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        click.echo(f"\r{stage:<9} [{bar}] {done}/{total}", nl=False, err=True)
        self.shown = True


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


def _print_ranking(
    ranking: Ranking, settings: RankSettings, png: Path | None, as_json: bool
) -> None:
    if as_json:
        echo_json({**ranking.as_dict(), "plot": str(png) if png else None})
        return
    from distkit.distributions.ranking import PARSIMONY_DELTA

    click.echo(f"{len(ranking.ranked)} fits to {len(ranking.data):,} values from {ranking.path}")
    for kind, title in (("mass", "Masses (discrete families)"), ("density", "Densities")):
        entries = ranking.of_kind(kind)
        if entries:
            rule = ranking.by.upper()
            if entries[0].promoted:
                rule += f" (first: the fewest parameters within {PARSIMONY_DELTA:g} of the lowest)"
            click.echo(f"{title}, best first by {rule}:")
            _print_rows(entries[:SHOWN], settings)
            if len(entries) > SHOWN:
                click.echo(f"  ... and {len(entries) - SHOWN} more (--json lists them all)")
            spikes = [entry.name for entry in entries if entry.spike]
            if spikes:
                click.echo(
                    f"  Ranked last: {', '.join(spikes)}: a lower {ranking.by.upper()} than every"
                    " fit the KS test accepts, but that test rejects them at 1e-6"
                    " (a spike at one value)"
                )
    _print_intervals(ranking.top(settings.top))
    if ranking.skipped:
        click.echo(f"Skipped {len(ranking.skipped)}:")
        for skipped in ranking.skipped:
            click.echo(f"  {skipped.name} ({skipped.plugin}): {skipped.reason}")
    if not settings.scipy and len(ranking.ranked) < 3:
        click.echo(
            "Only a few families could be ranked; --scipy ranks every scipy.stats family too."
        )
    if png is not None:
        click.echo(f"Plot saved to {png}")


def _print_rows(entries: list[Ranked], settings: RankSettings) -> None:
    headers = ["RANK", "NAME", "SOURCE", "AIC", "WEIGHT", "BIC", "KS", "CVM", "AD"]
    if settings.gof:
        headers += ["P(KS)", "P(CVM)", "P(AD)"]
    rows = []
    for rank, entry in enumerate(entries, start=1):
        row = [str(rank), entry.name, entry.source, _number(entry.value("aic"))]
        weight = f"={entry.same_as}" if entry.same_as is not None else f"{entry.weight:.3f}"
        row += [weight, _number(entry.value("bic"))]
        row += [f"{entry.value(key):.4g}" for key in ("ks", "cvm", "ad")]
        if settings.gof:
            pvalues = entry.pvalues or {}
            row += [_pvalue(pvalues.get(key)) for key in ("ks", "cvm", "ad")]
        rows.append([*row, _parameters(entry)])
    echo_table([*headers, "PARAMETERS"], rows, indent="  ")


def _print_intervals(top: list[Ranked]) -> None:
    for entry in top:
        if entry.intervals:
            shown = ", ".join(
                f"{key} {_number(low)} to {_number(high)}"
                for key, (low, high) in entry.intervals.items()
            )
            click.echo(f"95% bootstrap intervals for {entry.name}: {shown}")
        for note in entry.notes:
            click.echo(f"{entry.name}: {note}")


def _parameters(entry: Ranked) -> str:
    form = entry.fit.scipy
    if entry.source == "scipy.stats" and form is not None:
        args = [_number(value) for value in form.args]
        args += [f"{key}={_number(value)}" for key, value in form.kwds.items()]
        return f"{form.name}({', '.join(args)})"
    return ", ".join(f"{key}={_number(value)}" for key, value in entry.fit.params.items())


def _pvalue(value: float | int | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.6g}"
