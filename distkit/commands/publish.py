"""`distkit publish`: preflight, upload with twine, verify by installing it back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from distkit.errors import DistkitError
    from distkit.release.publish import Status
    from distkit.release.tox import EnvProgress

LABELS = {"ok": "ok", "warn": "warn", "fail": "FAIL"}


def _hints() -> list[tuple[type[DistkitError], str]]:
    """The hint each library error type gets here, where the flags are known (first match)."""
    from distkit import errors

    return [
        (errors.TargetConflict, "pass one of --test, --local, --repository, --repository-url"),
        (errors.InsecureTransport, "or pass --allow-insecure-http to send them anyway"),
        (errors.ConfirmationNeeded, "pass --yes to upload without asking"),
        (
            errors.PlaceholderMetadata,
            "fix [project] in pyproject.toml, or pass --yes to publish it as is",
        ),
        (errors.TestsFailed, "or pass --no-tests"),
        (errors.AlreadyPublished, "or pass --skip-existing to upload only the missing files"),
        (errors.SimilarName, "rename the project in pyproject.toml"),
    ]


def _report(status: Status, message: str) -> None:
    click.echo(f"  {LABELS[status]:<4} {message}")


def _progress(event: EnvProgress) -> None:
    click.echo(f"  test {event.line()}")


def _ask_token(target: str) -> str:
    return str(click.prompt(f"API token for {target}", hide_input=True))


def _confirm(question: str) -> bool:
    return click.confirm(question)


def with_hint(error: DistkitError) -> DistkitError:
    """`error` with the flag that gets past it named at the end of its message."""
    hint = next((hint for kind, hint in _hints() if isinstance(error, kind)), None)
    if hint and error.args:
        error.args = (f"{error.args[0]} ({hint})", *error.args[1:])
    return error


@click.command()
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path), default=".")
@click.option("--test", "test_pypi", is_flag=True, help="Upload to TestPyPI.")
@click.option("--local", is_flag=True, help="Upload to distkit's local index (started on demand).")
@click.option("--repository", help="A repository named in ~/.pypirc.")
@click.option("--repository-url", help="An upload endpoint URL.")
@click.option(
    "--config-file", type=click.Path(dir_okay=False, path_type=Path), help="A pypirc file."
)
@click.option("--dry-run", is_flag=True, help="Check everything, upload nothing.")
@click.option("--skip-existing", is_flag=True, help="Upload only files the index lacks.")
@click.option(
    "--yes", is_flag=True, help="Do not ask before uploading to PyPI; accept placeholder metadata."
)
@click.option("--no-tests", is_flag=True, help="Do not run the package's tests first.")
@click.option(
    "--allow-insecure-http",
    is_flag=True,
    help="Send credentials over plain http to another machine (clear text; avoid).",
)
def publish(
    path: Path,
    test_pypi: bool,
    local: bool,
    repository: str | None,
    repository_url: str | None,
    config_file: Path | None,
    dry_run: bool,
    skip_existing: bool,
    yes: bool,
    no_tests: bool,
    allow_insecure_http: bool,
) -> None:
    """Check, test, build afresh, upload and verify the package in PATH (PyPI unless a target
    is named)."""
    from distkit.errors import DistkitError
    from distkit.release import publish as releasing

    request = releasing.Request(
        path,
        test=test_pypi,
        local=local,
        repository=repository,
        repository_url=repository_url,
        config_file=config_file,
        dry_run=dry_run,
        skip_existing=skip_existing,
        yes=yes,
        run_tests=not no_tests,
        allow_insecure_http=allow_insecure_http,
    )
    terminal = sys.stdin.isatty()
    console = releasing.Console(
        report=_report,
        echo=click.echo,
        progress=_progress,
        ask_token=_ask_token if terminal else None,
        confirm=_confirm if terminal else None,
    )
    try:
        outcome = releasing.publish(request, console)
    except DistkitError as error:
        with_hint(error)
        raise
    if outcome.dry_run:
        click.echo(
            f"Dry run: would upload {len(outcome.uploaded)} files to "
            f"{outcome.target.upload_url}; sent nothing."
        )
        return
    click.echo(f"  ok   entry point {outcome.loaded}")
    click.echo(f"{'Published' if outcome.uploaded else 'Already published'}: {outcome.page}")
