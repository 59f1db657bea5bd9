"""`distkit test`: run a package's tox environments and summarize them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from distkit.release.tox import EnvProgress


def _progress(event: EnvProgress) -> None:
    click.echo(f"==> {event.line()}")


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.argument("tox_args", nargs=-1, type=click.UNPROCESSED)
@click.option(
    "--runner",
    type=click.Choice(["uv-venv-runner", "virtualenv"]),
    default="uv-venv-runner",
    show_default=True,
    help="tox's environment runner (uv-venv-runner is about 2x faster).",
)
def test(path: Path, tox_args: tuple[str, ...], runner: str) -> None:
    """Run the package's tests with tox (environments in parallel). Extra args go to tox."""
    from distkit.release.tox import run_tox

    report = run_tox(path, list(tox_args), runner=runner, echo=click.echo, progress=_progress)
    click.echo("")
    for env in report.envs:
        click.echo(f"  {env.name:<12} {env.status}  {env.seconds:.1f} s")
    click.echo(report.summary())
    report.raise_for_failure()
