"""`distkit new`: render a complete distribution package from the cookiecutter template."""

from __future__ import annotations

from pathlib import Path

import click

PROMPTS = {
    "full_name": "Author name",
    "email": "Author email",
    "project_name": "Project name (on PyPI)",
    "version": "Version",
}


@click.command("new")
@click.argument("name", required=False)
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder to create the package in.",
)
@click.option("--no-input", is_flag=True, help="Use defaults and ~/.cookiecutterrc; no prompts.")
@click.option(
    "--force",
    is_flag=True,
    help="Replace a package folder that distkit made (it is deleted, .git included); "
    "other folders and files are never replaced.",
)
@click.option("--project-name", help="Distribution name on PyPI (default: distkit-NAME).")
@click.option("--license", "license_", type=click.Choice(["MIT", "BSD-3-Clause", "Apache-2.0"]))
@click.option(
    "--custom",
    metavar="PARAMS",
    help="A skeleton with TODOs for a family distkit does not know, with these parameters "
    "(comma-separated, each NAME or NAME=DEFAULT), e.g. --custom 'shape=2,scale=1'.",
)
@click.option("--list-families", is_flag=True, help="List the families NAME can be, and exit.")
def new(
    name: str | None,
    output_dir: Path,
    no_input: bool,
    force: bool,
    project_name: str | None,
    license_: str | None,
    custom: str | None,
    list_families: bool,
) -> None:
    """Create a package for the distribution family NAME (poisson, gamma, ...)."""
    from distkit import scaffold
    from distkit.errors import TargetExistsError, UsageError
    from distkit.scaffold.families import families, get_family

    if list_families:
        for family in families():
            click.echo(f"{family.name:<18} {family.description}")
        return
    if name is None:
        raise UsageError("missing NAME (see distkit new --list-families)")
    if custom is None:
        get_family(name)
    values = scaffold.user_defaults()
    values.setdefault("project_name", f"distkit-{name}")
    if project_name is not None:
        values["project_name"] = project_name
    if license_:
        values["license"] = license_
    if not no_input:
        defaults = scaffold.build_context(name, values, custom=custom)
        for key, prompt in PROMPTS.items():
            if key == "project_name" and project_name is not None:
                continue
            values[key] = click.prompt(prompt, default=defaults[key])
        if not license_:
            values["license"] = click.prompt(
                "License", type=click.Choice(scaffold.LICENSES), default=defaults["license"]
            )
    try:
        target = scaffold.create(name, output_dir, values, force=force, custom=custom, notify=_warn)
    except TargetExistsError as error:
        if error.replaceable:
            raise UsageError(f"{error}; use --force to replace it") from None
        raise
    click.echo(f"Created {target}")
    if custom is not None:
        module = scaffold.skeleton_module(target, name)
        click.echo(f"Fill in the TODOs in {module}; its tests pass once they are done.")
    click.echo(f"Next: {scaffold.next_steps(target)}")


def _warn(line: str) -> None:
    click.echo(f"Warning: {line}", err=True)
