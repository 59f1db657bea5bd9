"""`distkit index`: start, stop and inspect the local package index."""

from __future__ import annotations

import click


@click.group()
def index() -> None:
    """The local package index (pypiserver on 127.0.0.1)."""


@index.command()
@click.option(
    "--port",
    type=click.IntRange(1024, 65535),
    help="Listen on this port (kept for later starts; default: the last one, else a free one).",
)
def start(port: int | None) -> None:
    """Start the local index in the background (or reuse the running one)."""
    from distkit.release import local_index

    server = local_index.start(port=port)
    click.echo(
        f"local index at {server.url} (pid {server.pid}, files in {local_index.index_dir()})"
    )


@index.command()
def stop() -> None:
    """Stop the local index."""
    from distkit.release import local_index

    click.echo("stopped" if local_index.stop() else "not running")


@index.command()
def status() -> None:
    """Say whether the local index runs, and where (exit 1 when it does not)."""
    from distkit.errors import DistkitError
    from distkit.release import local_index

    server = local_index.status()
    if server is None:
        raise DistkitError("the local index is not running (`distkit index start` starts it)")
    click.echo(f"running at {server.url} (pid {server.pid})")


@index.command()
def url() -> None:
    """Print the Simple API URL of the running local index."""
    from distkit.errors import DistkitError
    from distkit.release import local_index

    server = local_index.status()
    if server is None:
        raise DistkitError("the local index is not running (`distkit index start`)")
    click.echo(f"{server.url}simple/")
