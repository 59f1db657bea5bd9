"""`distkit publish`: preflight, upload with twine, verify by installing it back."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from distkit.release.publish import Status

LABELS = {"ok": "ok", "warn": "warn", "fail": "FAIL"}


def _report(status: Status, message: str) -> None:
    click.echo(f"  {LABELS[status]:<4} {message}")


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
@click.option("--yes", is_flag=True, help="Do not ask before uploading to PyPI.")
@click.option("--no-tests", is_flag=True, help="Do not run the package's tests first.")
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
) -> None:
    """Check, upload and verify the package in PATH (PyPI unless a target is named)."""
    from distkit.errors import UsageError
    from distkit.release import local_index, targets
    from distkit.release import publish as releasing
    from distkit.release.build import read_project

    if sum(map(bool, (test_pypi, local, repository, repository_url))) > 1:
        raise UsageError("name one target: --test, --local, --repository or --repository-url")
    project = read_project(path)
    local_url = local_index.start().url if local else None
    target = targets.resolve_target(
        test=test_pypi,
        local_url=local_url,
        repository=repository,
        repository_url=repository_url,
        config_file=config_file,
    )
    credentials = targets.find_credentials(target)
    if credentials is None and sys.stdin.isatty():
        password = click.prompt(f"API token for {target.name}", hide_input=True)
        credentials = targets.Credentials("__token__", password, "prompt")
    click.echo(
        f"Publishing {project.name} {project.version} to {target.name} ({target.upload_url})"
    )
    files = releasing.preflight(
        project,
        target,
        credentials,
        _report,
        run_tests=not no_tests,
        skip_existing=skip_existing,
        dry_run=dry_run,
    )
    if dry_run:
        click.echo(
            f"Dry run: would upload {len(files)} files to {target.upload_url}; sent nothing."
        )
        return
    assert credentials is not None
    if files:
        if target.name == "PyPI" and not yes:
            click.confirm(f"Upload {project.name} {project.version} to PyPI?", abort=True)
        releasing.upload(files, target, credentials, click.echo)
    loaded = releasing.verify(project, target)
    _report("ok", f"installed {project.name}=={project.version} back; entry point {loaded}")
    base = (
        "https://pypi.org" if target.name == "PyPI" else target.simple_url.rsplit("/simple/", 1)[0]
    )
    page = (
        f"{base}/project/{project.name}/{project.version}/"
        if target.is_public
        else f"{target.simple_url}{project.name}/"
    )
    click.echo(f"{'Published' if files else 'Already published'}: {page}")
