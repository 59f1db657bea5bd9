"""The record a package keeps of how it was made: the template, its version, and the answers.

`distkit new` writes it into every package (as cruft writes `.cruft.json`); `distkit update`
reads it to render the template again, and `distkit new --force` takes it as the sign that a
folder is one distkit made and may replace.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from distkit.errors import UsageError

ANSWERS_FILE = ".distkit-answers.json"
BUILTIN = "builtin"


@dataclass(frozen=True)
class Answers:
    """Where a package came from: `template` is "builtin" or a path or git URL, `version`
    distkit's version (built-in template) or the template's commit ("" for a folder outside
    git), `context` the answers (strings for the built-in template; any JSON value for others,
    as cookiecutter allows)."""

    template: str
    version: str
    context: dict[str, Any] = field(default_factory=dict)


def write_answers(folder: Path, answers: Answers) -> Path:
    """Write `answers` into `folder`; return the file."""
    path = folder / ANSWERS_FILE
    path.write_text(json.dumps(asdict(answers), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def read_answers(folder: Path) -> Answers:
    """The record in `folder`, or UsageError when there is none or it is not one."""
    path = folder / ANSWERS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{folder} was not made by distkit new (no {ANSWERS_FILE})") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UsageError(f"{path} cannot be read: {error}") from None
    if not _well_formed(data):
        raise UsageError(f"{path} is not a distkit answers file")
    return Answers(data["template"], data["version"], dict(data["context"]))


def is_distkit_package(folder: Path) -> bool:
    """Whether `folder` holds a readable answers file, i.e. distkit made it."""
    try:
        read_answers(folder)
    except UsageError:
        return False
    return True


def _well_formed(data: object) -> bool:
    if not isinstance(data, Mapping):
        return False
    context = data.get("context")
    return (
        isinstance(data.get("template"), str)
        and isinstance(data.get("version"), str)
        and isinstance(context, Mapping)
        and all(isinstance(k, str) for k in context)
        and (data["template"] != BUILTIN or all(isinstance(v, str) for v in context.values()))
    )
