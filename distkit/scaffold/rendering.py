"""Render the cookiecutter template into a new package folder (`distkit new`)."""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

from distkit import __version__
from distkit.errors import GitError, UsageError
from distkit.scaffold.answers import BUILTIN, Answers, write_answers
from distkit.scaffold.context import build_context
from distkit.scaffold.families import template_dir
from distkit.scaffold.history import begin_history, start_history
from distkit.scaffold.jinja_env import environment, render_text
from distkit.scaffold.placing import place


def render(context: Mapping[str, str], destination: Path) -> None:
    """Render the template's project folder into the folder `destination` (which must hold
    nothing the template writes; `distkit new` may have started `git init` there).

    Every rendered file and folder name must be one plain name, and no file is written twice,
    so no context value can put a file outside `destination` or over another one.
    """
    source = template_dir() / "{{cookiecutter.project_slug}}"
    env = environment([str(source), str(template_dir() / "templates")])
    variables = {"cookiecutter": dict(context)}
    for root, dirs, files in os.walk(source):
        dirs[:] = [d for d in dirs if d != "__pycache__"]  # pip byte-compiles installed templates
        relative = Path(root).relative_to(source)
        target = destination.joinpath(
            *(
                _plain_name(render_text(env, part, variables) if "{" in part else part)
                for part in relative.parts
            )
        )
        target.mkdir(parents=True, exist_ok=True)
        for file in files:
            name = render_text(env, file, variables) if "{" in file else file
            text = (Path(root) / file).read_text(encoding="utf-8")
            if "{{" in text or "{%" in text:
                text = env.get_template((relative / file).as_posix()).render(variables)
            with open(target / _plain_name(name), "x", encoding="utf-8") as output:
                output.write(text)


def _plain_name(name: str) -> str:
    """`name` if it names one entry inside a folder; UsageError otherwise."""
    if name in ("", ".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise UsageError(f"the template rendered the file name {name!r}, which is not allowed")
    return name


def create(
    family: str,
    output_dir: Path,
    values: Mapping[str, str] | None = None,
    *,
    force: bool = False,
    custom: str | None = None,
    notify: Callable[[str], None] | None = None,
    git: bool = False,
) -> Path:
    """Render a package for `family` into output_dir; return its folder. With `git`, it is
    made a git repository with a first commit before it is put in place (unless output_dir is
    inside a repository), so the package and its history arrive together; if git fails, the
    package is put in place without it and the GitError is raised afterwards.

    The package is rendered in a staging folder beside the target and moved in whole
    (distkit.scaffold.placing): an error or a signal leaves nothing half made, and with
    `force` only a package folder distkit made is replaced, once the new one is complete.
    """
    context = build_context(family, values, custom=custom)

    git_failures: list[GitError] = []

    def build(folder: Path) -> None:
        folder.mkdir()
        init = _begin_history(folder, git_failures) if git else None
        try:
            render(context, folder)
            write_answers(folder, Answers(BUILTIN, __version__, dict(context)))
        except BaseException:
            if init is not None:
                init.wait()
            raise
        if git and not git_failures:
            try:
                start_history(folder, init)
            except GitError as error:
                git_failures.append(error)

    target = place(build, output_dir / context["project_slug"], force=force, notify=notify)
    if git_failures:
        raise git_failures[0]
    return target


def _begin_history(folder: Path, failures: list[GitError]) -> subprocess.Popen[str] | None:
    try:
        return begin_history(folder)
    except GitError as error:  # git is not installed
        failures.append(error)
        return None


def next_steps(target: Path) -> str:
    """What to type after `distkit new`."""
    return (
        f"cd {shlex.quote(str(target))} && distkit test && distkit build && distkit publish --local"
    )


def skeleton_module(target: Path, family: str) -> Path:
    """The module of a `--custom` package whose TODOs the user fills in."""
    return next((target / "src").glob(f"*/{family.replace('-', '_')}.py"))
