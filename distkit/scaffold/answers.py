"""The record a package keeps of how it was made: the template, its version, and the answers.

`distkit new` writes it into every package (as cruft writes `.cruft.json`); `distkit update`
reads it to render the template again, and `distkit new --force` takes it as the sign that a
folder is one distkit made and may replace.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from distkit.errors import UsageError
from distkit.files.json_input import read_json
from distkit.files.reading import MiB

ANSWERS_FILE = ".distkit-answers.json"
BUILTIN = "builtin"
MAX_ANSWERS_BYTES = MiB


@dataclass(frozen=True)
class Answers:
    """Where a package came from: `template` is "builtin" or a path or git URL, `version`
    distkit's version (built-in template) or the template's commit ("" for a folder outside
    git), `context` the answers (strings for the built-in template; any JSON value for others,
    as cookiecutter allows), `skip` the paths `distkit update` never touches (relative to the
    package, as `--skip` gave them)."""

    template: str
    version: str
    context: dict[str, Any] = field(default_factory=dict)
    skip: list[str] = field(default_factory=list)


def write_answers(folder: Path, answers: Answers) -> Path:
    """Write `answers` into `folder`; return the file."""
    path = folder / ANSWERS_FILE
    data = asdict(answers)
    if not answers.skip:  # the record of a package without skips reads as it always did
        del data["skip"]
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_answers(folder: Path) -> Answers:
    """The record in `folder`, or UsageError when there is none or it is not one. It is read
    as a regular file of at most 1 MiB (a FIFO or a device is refused, not read), and JSON
    nested too deeply is refused in one line."""
    path = folder / ANSWERS_FILE
    if not os.path.lexists(path):
        raise UsageError(f"{folder} was not made by distkit new (no {ANSWERS_FILE})")
    try:
        data = read_json(path, what="distkit answers file", max_bytes=MAX_ANSWERS_BYTES)
    except OSError as error:
        raise UsageError(f"{path} cannot be read: {error.strerror or error}") from None
    if not _well_formed(data):
        raise UsageError(f"{path} is not a distkit answers file")
    return Answers(data["template"], data["version"], dict(data["context"]), list(data["skip"]))


def is_distkit_package(folder: Path) -> bool:
    """Whether `folder` holds a readable answers file, i.e. distkit made it."""
    try:
        read_answers(folder)
    except UsageError:
        return False
    return True


def _well_formed(data: object) -> bool:
    if not isinstance(data, dict):
        return False
    data.setdefault("skip", [])
    context = data.get("context")
    return (
        isinstance(data.get("template"), str)
        and isinstance(data.get("version"), str)
        and isinstance(context, Mapping)
        and all(isinstance(k, str) for k in context)
        and (data["template"] != BUILTIN or all(isinstance(v, str) for v in context.values()))
        and isinstance(data["skip"], list)
        and all(isinstance(p, str) and is_package_path(p) for p in data["skip"])
    )


def is_package_path(path: str) -> bool:
    """Whether `path` names something inside a package: relative, '/'-separated, written
    plainly (no '..', '.', '//' or trailing '/')."""
    parts = PurePosixPath(path).parts
    return (
        bool(parts)
        and PurePosixPath(path).as_posix() == path
        and not path.startswith("/")
        and "\\" not in path
        and "\0" not in path
        and all(part not in ("", ".", "..") for part in parts)
    )
