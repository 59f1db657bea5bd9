"""A package's git history as `distkit new` starts it and `distkit update` extends it.

Every pristine render of the template (no user edits) is a commit on the package's
`distkit-template` branch; `start_history` makes the first one from the package's first commit.
Both rendering (`new`) and update use this module; it imports neither of them.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from distkit import git
from distkit.scaffold.answers import read_answers

TEMPLATE_BRANCH = "distkit-template"


def start_history(package: Path) -> bool:
    """Make `package` a git repository with a first commit and the `distkit-template` branch
    at it, unless it is inside a repository already; return whether it did."""
    if git.toplevel(package) is not None:
        return False
    record = read_answers(package)
    options = identity(package, record.context)
    try:
        git.init_with_first_commit(
            package, "Create the package with distkit new", options, also_branch=TEMPLATE_BRANCH
        )
    except BaseException:  # Ctrl-C or a git failure: no half-made repository is left
        shutil.rmtree(package / ".git", ignore_errors=True)
        raise
    return True


def identity(root: Path, context: Mapping[str, Any]) -> list[str]:
    """git options naming the package's author as committer where git's config names nobody."""
    return git.identity(
        root,
        str(context.get("full_name") or "distkit"),
        str(context.get("email") or "distkit@localhost"),
    )
