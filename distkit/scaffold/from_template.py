"""`distkit new --template`: render another cookiecutter template, start the package's git
history, and put the package in place, in one call.

cookiecutter renders into a hidden folder beside the target (its prompts are asked there, and
Ctrl-C at one leaves nothing); the package then gets its answers file and, with `git`, its first
commit, and is moved in whole by `distkit.scaffold.placing`, as the built-in template's
packages are. SIGTERM and SIGHUP unwind the run like Ctrl-C, so no staging or temporary folder
is left behind.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distkit.errors import GitError, TemplateError, UnknownAnswer, UsageError
from distkit.interrupts import temporary_folder, unwinding
from distkit.scaffold.answers import Answers, write_answers
from distkit.scaffold.cookiecutter_render import render
from distkit.scaffold.history import start_history
from distkit.scaffold.placing import make_folders, place, remove_empty
from distkit.scaffold.template_source import checked_out, resolve, variables

RENDER_PREFIX = ".distkit-render-"


@dataclass(frozen=True)
class TemplatePackage:
    """A package made from a template: its folder, the template as recorded (a URL without
    its password, a folder, or "plugin:NAME"), and whether its git history was started."""

    path: Path
    template: str
    history: bool


def create_from_template(
    spec: str,
    output_dir: Path,
    answers: Mapping[str, Any] | None = None,
    *,
    no_input: bool = False,
    replay: bool = False,
    force: bool = False,
    git: bool = True,
    notify: Callable[[str], None] | None = None,
) -> TemplatePackage:
    """Render the template `spec` names (a folder, a git URL, a plugin's template) into a new
    package in `output_dir`, with the answers file that records the template, its commit and
    the answers, and with `git` a first commit (unless `output_dir` is inside a repository).

    Raises UnknownAnswer for an answer the template does not ask for, TargetExistsError when
    the folder exists (with `force`, a package distkit made is replaced), TemplateError when
    the template cannot be fetched or rendered. If git fails, the package is put in place
    without its history and the GitError is raised afterwards.
    """
    if replay and answers:
        raise UsageError("a replay takes every answer from the replay file; give no others")
    source = resolve(spec)
    history: list[bool] = []
    git_failures: list[GitError] = []
    with unwinding(f"{output_dir} was left as it was"):
        made = make_folders(output_dir)
        try:
            with checked_out(source) as (folder, commit):
                declared = variables(folder)
                unknown = sorted(key for key in answers or {} if key not in declared)
                if unknown:
                    raise UnknownAnswer(
                        f"the template {source.name} asks no question named {unknown[0]!r}",
                        name=unknown[0],
                    )
                with temporary_folder(prefix=RENDER_PREFIX, dir=output_dir) as scratch:
                    before = _listings_above(Path(scratch))
                    project, used = render(
                        folder, Path(scratch), answers=answers, no_input=no_input, replay=replay
                    )
                    _check_inside(project, Path(scratch), before)
                    record = Answers(source.name, commit, used)

                    def build(staging: Path) -> None:
                        os.rename(project, staging)
                        write_answers(staging, record)
                        if git:
                            try:
                                history.append(start_history(staging))
                            except GitError as error:
                                git_failures.append(error)

                    target = place(build, output_dir / project.name, force=force, notify=notify)
        except BaseException:
            remove_empty(made)
            raise
    if git_failures:
        raise git_failures[0]
    return TemplatePackage(target, source.name, history=any(history))


def _listings_above(scratch: Path) -> dict[Path, set[str] | None]:
    """What each folder above `scratch` holds (None where it cannot be listed), so that what
    a render puts there can be told from what was there before it."""
    listings: dict[Path, set[str] | None] = {}
    for folder in Path(os.path.abspath(scratch)).parents:
        try:
            listings[folder] = set(os.listdir(folder))
        except OSError:
            listings[folder] = None
    return listings


def _check_inside(project: Path, scratch: Path, before: dict[Path, set[str] | None]) -> None:
    """TemplateError unless the folder cookiecutter made is one plain name inside `scratch`:
    an answer with '/' or '..' in the folder's name (a project_slug of "../up") renders it
    elsewhere. What the render made there is removed: the outermost new folder on the way to
    it (by `before`, the listings taken before the render), or else the project folder alone
    (cookiecutter refuses one that exists); a folder that was there before is kept."""
    made = Path(os.path.normpath(os.path.abspath(project)))
    if made.parent == Path(os.path.abspath(scratch)):
        return
    if not made.is_relative_to(os.path.abspath(scratch)) and made.is_dir():
        above = next(folder for folder in made.parents if folder in before)
        outermost = above / made.relative_to(above).parts[0]
        listed = before[above]
        new = listed is not None and outermost.name not in listed
        shutil.rmtree(outermost if new else made, ignore_errors=True)
    raise TemplateError(
        f"the template names its project folder {os.path.relpath(made, scratch)!r}, not one "
        "plain folder name: answer without '/' or '..' in the name it is made from"
    )
