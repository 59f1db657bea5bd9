"""`distkit release`: bump the version, date the CHANGELOG, commit and tag."""

from __future__ import annotations

import shlex
from pathlib import Path

import click


@click.command("release")
@click.argument("spec", metavar="major|minor|patch|VERSION")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option("--publish", "then_publish", is_flag=True, help="Run distkit publish afterwards.")
@click.pass_context
def release(ctx: click.Context, spec: str, path: Path, then_publish: bool) -> None:
    """Release the package in PATH: bump its version, date its CHANGELOG's Unreleased section,
    commit, and tag vVERSION."""
    from distkit.release.version_bump import release as run_release

    done = run_release(path, spec)
    click.echo(
        f"Released {done.version} (was {done.previous}): commit {done.commit[:10]}, tag {done.tag}"
    )
    if then_publish:
        from distkit.commands.publish import publish

        ctx.invoke(publish, path=path)
        return
    click.echo(f"Next: git push --follow-tags && distkit publish {shlex.quote(str(path))}")
