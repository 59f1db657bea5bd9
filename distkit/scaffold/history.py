"""A package's git history as `distkit new` starts it and `distkit update` extends it.

Every pristine render of the template (no user edits) is a commit on the package's
`distkit-template` branch; `start_history` makes the first one from the package's first commit.
Both rendering (`new`) and update use this module; it imports neither of them.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from distkit import git
from distkit.scaffold.answers import read_answers

TEMPLATE_BRANCH = "distkit-template"


def begin_history(package: Path) -> subprocess.Popen[str] | None:
    """Start `git init` in the new, still empty folder `package` (unless it is inside a
    repository), to run while the package's files are written; hand it to `start_history`
    then, or to `git.finish` if the files are not written after all."""
    return None if git.inside_work_tree(package) else git.start(package, "init", "--quiet")


def start_history(package: Path, init: subprocess.Popen[str] | None = None) -> bool:
    """Make `package` a git repository with a first commit and the `distkit-template` branch
    at it, unless it is inside a repository already; return whether it did. `init`: what
    `begin_history` returned for it."""
    if init is None and git.inside_work_tree(package):
        return False
    author = _author(read_answers(package).context)
    try:
        git.init_with_first_commit(
            package,
            "Create the package with distkit new",
            author,
            also_branch=TEMPLATE_BRANCH,
            init=init,
        )
    except BaseException:  # Ctrl-C or a git failure: no half-made repository is left
        shutil.rmtree(package / ".git", ignore_errors=True)
        raise
    return True


def identity(root: Path, context: Mapping[str, Any]) -> list[str]:
    """git options naming the package's author as committer where git's config names nobody."""
    return git.identity(root, *_author(context))


def _author(context: Mapping[str, Any]) -> tuple[str, str]:
    """The package's author as git's (name, email)."""
    return str(context.get("full_name") or "distkit"), str(
        context.get("email") or "distkit@localhost"
    )
