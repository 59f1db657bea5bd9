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
@click.option(
    "--template",
    metavar="PATH_OR_GIT_URL",
    help="Render this cookiecutter template (a folder, a git URL, or a plugin's template name) "
    "with cookiecutter instead of distkit's own; NAME, if given, answers its 'family' question.",
)
@click.option("--replay", is_flag=True, help="With --template: reuse cookiecutter's last answers.")
@click.option("--no-git", is_flag=True, help="Do not make the package a git repository.")
def new(
    name: str | None,
    output_dir: Path,
    no_input: bool,
    force: bool,
    project_name: str | None,
    license_: str | None,
    custom: str | None,
    list_families: bool,
    template: str | None,
    replay: bool,
    no_git: bool,
) -> None:
    """Create a package for the distribution family NAME (poisson, gamma, ...)."""
    from distkit import scaffold
    from distkit.errors import TargetExistsError, UsageError
    from distkit.scaffold.families import families, get_family

    if list_families:
        for family in families():
            click.echo(f"{family.name:<18} {family.description}")
        return
    if template is not None:
        _new_from_template(
            template,
            name,
            output_dir,
            no_input,
            force,
            project_name,
            license_,
            custom,
            replay,
            no_git,
        )
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
        target = scaffold.create(
            name, output_dir, values, force=force, custom=custom, notify=_warn, git=not no_git
        )
    except TargetExistsError as error:
        if error.replaceable:
            raise UsageError(f"{error}; use --force to replace it") from None
        raise
    click.echo(f"Created {target}")
    if not no_git:
        _report_history(target, made=(target / ".git").is_dir())
    if custom is not None:
        module = scaffold.skeleton_module(target, name)
        click.echo(f"Fill in the TODOs in {module}; its tests pass once they are done.")
    click.echo(f"Next: {scaffold.next_steps(target)}")


def _new_from_template(
    template: str,
    name: str | None,
    output_dir: Path,
    no_input: bool,
    force: bool,
    project_name: str | None,
    license_: str | None,
    custom: str | None,
    replay: bool,
    no_git: bool,
) -> None:
    from distkit import scaffold
    from distkit.errors import TargetExistsError, UnknownAnswer, UsageError
    from distkit.scaffold.from_template import create_from_template

    if custom is not None:
        raise UsageError("--custom is for distkit's own template; leave it out with --template")
    given = {"family": name, "project_name": project_name, "license": license_}
    answers = {key: value for key, value in given.items() if value is not None}
    try:
        made = create_from_template(
            template,
            output_dir,
            answers,
            no_input=no_input,
            replay=replay,
            force=force,
            git=not no_git,
            notify=_warn,
        )
    except UnknownAnswer as error:
        if error.name == "family":
            raise UsageError(f"{error}; leave NAME out for this template") from None
        raise
    except TargetExistsError as error:
        if error.replaceable:
            raise UsageError(f"{error}; use --force to replace it") from None
        raise
    click.echo(f"Created {made.path} from {made.template}")
    if not no_git:
        _report_history(made.path, made=made.history)
    click.echo(f"Next: {scaffold.next_steps(made.path)}")


def _report_history(target: Path, *, made: bool) -> None:
    if made:
        click.echo("Made it a git repository with a first commit (--no-git to skip).")
    else:
        click.echo("It is inside a git repository already: commit it when you are ready.")


def _warn(line: str) -> None:
    click.echo(f"Warning: {line}", err=True)
