"""`distkit index`: start, stop and inspect the local package index."""

from __future__ import annotations

import click


@click.group()
def index() -> None:
    """The local package index (pypiserver on 127.0.0.1)."""


@index.command()
def start() -> None:
    """Start the local index in the background (or reuse the running one)."""
    from distkit import localindex

    server = localindex.start()
    click.echo(f"local index at {server.url} (pid {server.pid}, files in {localindex.index_dir()})")


@index.command()
def stop() -> None:
    """Stop the local index."""
    from distkit import localindex

    click.echo("stopped" if localindex.stop() else "not running")


@index.command()
def status() -> None:
    """Say whether the local index runs, and where."""
    from distkit import localindex

    server = localindex.status()
    click.echo(f"running at {server.url} (pid {server.pid})" if server else "not running")


@index.command()
def url() -> None:
    """Print the Simple API URL of the running local index."""
    from distkit import localindex
    from distkit.errors import DistkitError

    server = localindex.status()
    if server is None:
        raise DistkitError("the local index is not running (`distkit index start`)")
    click.echo(f"{server.url}simple/")
