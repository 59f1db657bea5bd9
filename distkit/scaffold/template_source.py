"""Templates other than the built-in one: a folder, a git repository (path or URL), or one a
plugin provides. They are rendered with cookiecutter itself, so their hooks, prompts,
~/.cookiecutterrc and replay files work as with `cookiecutter`.

A git template is cloned into a temporary folder and checked out at a commit, which the
package records, so `distkit update` can render the same commit again.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distkit import git
from distkit.errors import GitError, NotFoundError, TemplateError, UsageError

_COMMIT = re.compile(r"[0-9a-f]{7,64}")
_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|[\w.-]+@[\w.-]+:)", re.IGNORECASE)


@dataclass(frozen=True)
class TemplateSource:
    """Where a template lives: `location` is a folder or git URL; `name` what the package
    records (the URL, the folder's absolute path, or "plugin:NAME")."""

    name: str
    location: str

    @property
    def is_git(self) -> bool:
        if _URL.match(self.location):
            return True
        return git.toplevel(Path(self.location)) == Path(self.location).resolve()


def resolve(spec: str) -> TemplateSource:
    """The template `spec` names: a git URL, a folder, or a template a plugin registered."""
    if _URL.match(spec):
        return TemplateSource(spec, spec)
    if spec.startswith("plugin:") or not Path(spec).exists():
        name = spec.removeprefix("plugin:")
        templates = plugin_templates()
        if name in templates:
            return TemplateSource(f"plugin:{name}", templates[name])
        known = ", ".join(sorted(templates)) or "none"
        raise NotFoundError(
            f"no template {spec!r}: not a folder, a git URL, or a plugin's template ({known})"
        )
    folder = Path(spec).resolve()
    if not (folder / "cookiecutter.json").is_file():
        raise UsageError(f"{spec} is not a cookiecutter template (it has no cookiecutter.json)")
    return TemplateSource(str(folder), str(folder))


def plugin_templates() -> dict[str, str]:
    """Every template the installed plugins registered: name -> folder or git URL."""
    from distkit.plugins import get_registry

    return {entry.name: entry.location for entry in get_registry().templates}


@contextmanager
def checked_out(source: TemplateSource, commit: str | None = None) -> Iterator[tuple[Path, str]]:
    """The template as a folder, with its commit ("" when it is not in git): a git template
    is cloned into a temporary folder and checked out at `commit` (default: its HEAD)."""
    if commit and not _COMMIT.fullmatch(commit):
        raise TemplateError(f"{commit!r} is not a git commit id")
    if not source.is_git:
        if commit:
            raise TemplateError(f"{source.name} is not a git repository; it has no commit {commit}")
        yield Path(source.location), ""
        return
    with tempfile.TemporaryDirectory(prefix="distkit-template-") as scratch:
        stem = re.sub(r"\.git$", "", source.location.rstrip("/").rpartition("/")[2]) or "template"
        clone = Path(scratch) / re.sub(r"[^\w.-]", "_", stem.rpartition(":")[2])
        try:
            git.run(
                Path(scratch),
                "clone",
                "--quiet",
                "--no-checkout",
                "--",
                source.location,
                str(clone),
            )
            git.run(clone, "checkout", "--quiet", "--detach", commit or "HEAD")
        except GitError as error:
            raise TemplateError(f"cannot fetch the template {source.name}: {error}") from None
        yield clone, git.head(clone)


def variables(template: Path) -> dict[str, Any]:
    """The questions a template's cookiecutter.json declares, with their defaults."""
    try:
        data = json.loads((template / "cookiecutter.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TemplateError(f"{template}/cookiecutter.json cannot be read: {error}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{template}/cookiecutter.json is not a JSON object")
    return data


def render(
    template: Path,
    output_dir: Path,
    *,
    answers: Mapping[str, Any] | None = None,
    no_input: bool = False,
    replay: bool = False,
) -> tuple[Path, dict[str, Any]]:
    """Run cookiecutter on `template` into `output_dir`; return the project folder it made and
    the answers it used (read back from cookiecutter's replay file)."""
    from cookiecutter.config import get_user_config
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter
    from cookiecutter.replay import load

    extra = dict(answers) if answers else None
    try:
        made = cookiecutter(
            str(template),
            no_input=no_input,
            replay=replay or None,
            extra_context=extra,
            output_dir=str(output_dir),
        )
        context = load(get_user_config()["replay_dir"], template.resolve().name)
    except CookiecutterException as error:
        raise TemplateError(f"the template failed: {_first_line(error)}") from None
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise TemplateError(f"the template failed: {_first_line(error)}") from None
    chosen = {k: v for k, v in context["cookiecutter"].items() if not k.startswith("_")}
    return Path(made), chosen


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def create(
    spec: str,
    output_dir: Path,
    values: Mapping[str, Any] | None = None,
    *,
    no_input: bool = False,
    replay: bool = False,
) -> Path:
    """Render the template `spec` names into a new package folder in `output_dir`, with the
    answers file that records the template, its commit and the answers; return the folder.

    cookiecutter renders into a temporary folder beside the target, which is renamed into
    place only when it is complete and the name is free, so nothing existing is touched.
    """
    from distkit.errors import TargetExistsError
    from distkit.scaffold.answers import Answers, write_answers

    if replay and values:
        raise UsageError("a replay takes every answer from the replay file; give no others")
    source = resolve(spec)
    output_dir.mkdir(parents=True, exist_ok=True)
    with checked_out(source) as (folder, commit):
        declared = variables(folder)
        unknown = sorted(key for key in values or {} if key not in declared)
        if unknown:
            raise UsageError(f"the template {source.name} asks no question named {unknown[0]!r}")
        with tempfile.TemporaryDirectory(prefix=".distkit-new-", dir=output_dir) as scratch:
            project, used = render(
                folder, Path(scratch), answers=values, no_input=no_input, replay=replay
            )
            target = output_dir / project.name
            if target.exists():
                raise TargetExistsError(f"{target} already exists")
            write_answers(project, Answers(source.name, commit, used))
            project.rename(target)
    return target
