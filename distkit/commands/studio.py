"""`distkit studio`: the local web app to play, harmonize, hear and share a melody."""

from __future__ import annotations

import click

from distkit.errors import StudioError


@click.command("studio")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    show_default=True,
    help="Port on 127.0.0.1 (0 picks a free one).",
)
@click.option("--no-browser", is_flag=True, help="Print the link instead of opening a browser.")
@click.option(
    "--jobs",
    type=click.IntRange(1, 16),
    default=2,
    show_default=True,
    help="Harmonizations that may run at once; more are answered 'busy'.",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(1, 3600),
    default=300,
    show_default=True,
    help="Seconds a harmonization may take before it is stopped.",
)
def studio(port: int, no_browser: bool, jobs: int, time_limit: float) -> None:
    """Start the studio on 127.0.0.1 and open it in the browser; Ctrl-C stops it."""
    from distkit.studio.runner import Address, serve

    def ready(address: Address, opened: bool) -> None:
        if opened:
            click.echo(f"distkit studio is open in your browser at {address.public_url}")
            click.echo("(the link carries a secret token; --no-browser prints it)")
        else:
            click.echo(f"distkit studio: open {address.url}")
        click.echo("Press Ctrl-C to stop.")

    try:
        serve(
            port=port,
            open_browser=not no_browser,
            on_ready=ready,
            max_jobs=jobs,
            job_seconds=time_limit,
        )
    except StudioError as error:
        raise StudioError(f"{error} (choose another with --port)") from None
    click.echo("distkit studio stopped.")
