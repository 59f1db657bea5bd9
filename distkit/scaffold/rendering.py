"""Render the cookiecutter template into a new package folder, swapped in whole (`distkit new`)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from distkit import __version__
from distkit.errors import TargetExistsError
from distkit.scaffold.answers import BUILTIN, Answers, write_answers
from distkit.scaffold.context import build_context
from distkit.scaffold.families import template_dir


def render(context: Mapping[str, str], destination: Path) -> None:
    """Render the template's project folder into `destination` (which must not exist)."""
    import jinja2

    source = template_dir() / "{{cookiecutter.project_slug}}"
    loader = jinja2.FileSystemLoader([str(source), str(template_dir() / "templates")])
    env = jinja2.Environment(
        loader=loader,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    variables = {"cookiecutter": dict(context)}
    destination.mkdir()
    for root, dirs, files in os.walk(source):
        dirs[:] = [d for d in dirs if d != "__pycache__"]  # pip byte-compiles installed templates
        relative = Path(root).relative_to(source)
        target = destination / env.from_string(str(relative)).render(variables)
        target.mkdir(parents=True, exist_ok=True)
        for file in files:
            name = env.from_string(file).render(variables) if "{" in file else file
            text = (Path(root) / file).read_text(encoding="utf-8")
            if "{{" in text or "{%" in text:
                text = env.get_template((relative / file).as_posix()).render(variables)
            (target / name).write_text(text, encoding="utf-8")


def create(
    family: str,
    output_dir: Path,
    values: Mapping[str, str] | None = None,
    *,
    force: bool = False,
    custom: str | None = None,
) -> Path:
    """Render a package for `family` into output_dir; return its folder.

    Renders into a temporary folder beside the target, then renames it into place, so an
    error leaves nothing half made; with `force` an existing target is replaced only then.
    """
    context = build_context(family, values, custom=custom)
    target = output_dir / context["project_slug"]
    if target.exists() and not force:
        raise TargetExistsError(f"{target} already exists (use --force to replace it)")
    first_new = _first_missing(output_dir.absolute())
    output_dir.mkdir(parents=True, exist_ok=True)
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=output_dir))
        try:
            render(context, staging / "new")
            write_answers(staging / "new", Answers(BUILTIN, __version__, dict(context)))
            _swap_in(staging / "new", target, staging / "old")
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        if first_new is not None:
            shutil.rmtree(first_new, ignore_errors=True)
        raise
    return target


def _first_missing(path: Path) -> Path | None:
    """The outermost folder of `path` that does not exist yet (what mkdir -p would create)."""
    missing = None
    while not path.exists():
        missing, path = path, path.parent
    return missing


def _swap_in(new: Path, target: Path, old: Path) -> None:
    """Rename `new` to `target`, moving an existing target to `old`, and back if that fails."""
    if target.exists():
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        if old.exists():
            old.rename(target)
        raise


def next_steps(target: Path) -> str:
    """What to type after `distkit new`."""
    return f"cd {target} && distkit test && distkit build && distkit publish --local"


def skeleton_module(target: Path, family: str) -> Path:
    """The module of a `--custom` package whose TODOs the user fills in."""
    return next((target / "src").glob(f"*/{family.replace('-', '_')}.py"))
