"""`distkit build`: build sdist and wheel in isolation, then check them."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option(
    "--installer",
    type=click.Choice(["uv", "pip"]),
    default="uv",
    show_default=True,
    help="What installs the build dependencies in the isolated environment.",
)
def build(path: Path, installer: str) -> None:
    """Build the package in PATH into PATH/dist and run `twine check --strict`."""
    import time

    from distkit.release.build import build_dists, check, read_project

    started = time.perf_counter()
    project = read_project(path)
    files = build_dists(project, installer=installer)
    click.echo(f"Built {project.name} {project.version} into {files[0].parent}:")
    for file in files:
        click.echo(f"  {file.name:<48} {file.stat().st_size / 1024:8.1f} KiB")
    check(files)
    click.echo(f"twine check --strict: passed ({time.perf_counter() - started:.1f} s)")
