"""`distkit update`: merge the template's newer version into a package, keeping the user's edits."""

from __future__ import annotations

from pathlib import Path

import click


def _parse_answers(values: tuple[str, ...]) -> dict[str, str]:
    answers = {}
    for value in values:
        key, sep, answer = value.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{value!r} is not KEY=VALUE", param_hint="--answer")
        answers[key.strip()] = answer
    return answers


def _short(version: str) -> str:
    """A version as shown: a git commit cut to 12 characters, or "(no commit)"."""
    is_commit = len(version) == 40 and all(c in "0123456789abcdef" for c in version)
    return version[:12] if is_commit else version or "(no commit)"


@click.command("update")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when an update is available.")
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Show the patch an update would apply; change nothing.",
)
@click.option(
    "--skip",
    "skips",
    multiple=True,
    metavar="PATH",
    help="A path (file or folder, relative to the package) the template must never touch; "
    "recorded in .distkit-answers.json, so later updates keep it too (repeatable).",
)
@click.option(
    "--to", "ref", metavar="REF", help="Update to this commit, tag or branch of a git template."
)
@click.option(
    "--answer", "answers", multiple=True, metavar="KEY=VALUE", help="Change an answer (repeatable)."
)
def update(
    path: Path,
    check: bool,
    show_diff: bool,
    skips: tuple[str, ...],
    ref: str | None,
    answers: tuple[str, ...],
) -> None:
    """Bring the package in PATH up to date with its template, keeping your edits, the files
    you deleted, and every file git does not track."""
    from distkit.scaffold.update import update as run_update

    result = run_update(
        path,
        changes=_parse_answers(answers),
        check=check,
        diff=show_diff,
        skip=skips,
        to=ref,
    )
    versions = f"{_short(result.old_version)} -> {_short(result.new_version)}"
    if show_diff and result.diff:
        click.echo(result.diff, nl=False)
    for kept in result.kept_deleted:
        click.echo(f"Kept deleted (you deleted it; the template changed it): {kept}")
    for kept in result.skipped:
        click.echo(f"Skipped (--skip): {kept}")
    for clash in result.clashes:
        click.echo(f"Would clash with your edits (conflict markers to resolve): {clash}")
    if result.status == "current":
        click.echo(f"Up to date with the template ({_short(result.new_version)}).")
    elif result.status == "available":
        click.echo(f"An update is available: {versions}; run distkit update {path}")
        if check:
            raise click.exceptions.Exit(1)
    else:
        click.echo(f"Updated {path} from the template: {versions}, {len(result.changed)} file(s).")
