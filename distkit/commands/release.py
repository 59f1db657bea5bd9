"""`distkit release`: bump the version, date the CHANGELOG, commit and tag."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from distkit.release.releasing import Release


@click.command("release")
@click.argument("spec", metavar="[SPEC]", required=False)
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option(
    "--pre",
    type=click.Choice(["a", "b", "rc"]),
    help="Start a pre-release of the bumped part (release minor --pre rc: 0.2.0rc1).",
)
@click.option("--dry-run", is_flag=True, help="Print every change; touch nothing.")
@click.option(
    "--notes",
    "notes_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the released CHANGELOG section to this new file (for a GitHub Release).",
)
@click.option("--publish", "then_publish", is_flag=True, help="Run distkit publish afterwards.")
@click.pass_context
def release(
    ctx: click.Context,
    spec: str | None,
    path: Path,
    pre: str | None,
    dry_run: bool,
    notes_file: Path | None,
    then_publish: bool,
) -> None:
    """Release the package in PATH: bump its version, date its CHANGELOG's Unreleased section,
    commit, and tag vVERSION.

    SPEC is major, minor or patch; a, b or rc (the next pre-release of that kind: 0.2.0rc1 ->
    0.2.0rc2); post; dev; final (or nothing: a pre-release's final release); or a PEP 440
    version.
    """
    from distkit.release.releasing import release as run_release

    if spec is not None and _is_path(spec) and path == Path("."):
        path = Path(spec)  # `distkit release PATH`: a pre-release to its final
        spec = None
    done = run_release(
        path,
        None if spec == "final" else spec,
        pre=pre,
        dry_run=dry_run,
        notes_file=notes_file,
    )
    if done.dry_run:
        _print_dry_run(done)
        return
    if done.finished:
        click.echo(
            f"Finished the release of {done.version} left untagged: tag {done.tag} on "
            f"commit {done.commit[:10]}"
        )
    else:
        click.echo(
            f"Released {done.version} (was {done.previous}): commit {done.commit[:10]}, "
            f"tag {done.tag}"
        )
    if done.notes_file is not None:
        click.echo(f"Release notes in {done.notes_file}")
    if then_publish:
        from distkit.commands.publish import publish

        ctx.invoke(publish, path=path)
        return
    click.echo(f"Next: git push --follow-tags && distkit publish {shlex.quote(str(path))}")


def _is_path(spec: str) -> bool:
    """Whether SPEC is a folder rather than a step or a version."""
    from packaging.version import InvalidVersion, Version

    from distkit.release.version_bump import SPECS

    if spec in SPECS or spec == "final":
        return False
    try:
        Version(spec)
    except InvalidVersion:
        return Path(spec).is_dir()
    return False


def _print_dry_run(done: Release) -> None:
    if done.finished:
        click.echo(f"Dry run: would tag the untagged release commit {done.version} as {done.tag}")
    else:
        click.echo(f"Dry run: would release {done.version} (was {done.previous})")
        click.echo(done.diff, nl=False)
        click.echo(f"would commit: Release {done.version}")
        click.echo(f"would tag: {done.tag}")
    if done.notes_file is not None:
        click.echo(f"would write {done.notes_file}:")
        click.echo(done.notes, nl=False)
    click.echo("Touched nothing.")
