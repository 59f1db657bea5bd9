"""`distkit update`: bring a package up to date with its template, keeping the user's edits.

As nf-core's `sync` does, every pristine render of the template (no user edits) is a commit on
the package's `distkit-template` branch; `distkit new` makes the first one from the package's
first commit. An update renders the template's new version with the recorded answers, and
applies the difference between the last pristine render and the new one to the package as a
three-way merge (`git cherry-pick`), so a clash is left as ordinary conflict markers.

When the branch is missing (a package made with git off, or inside another repository), the
old render is made again where that is possible: a git template at its recorded commit, or the
built-in template when distkit's version has not changed.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from distkit import __version__, git
from distkit.errors import GitError, UpdateConflict, UsageError
from distkit.scaffold.answers import ANSWERS_FILE, BUILTIN, Answers, read_answers, write_answers

TEMPLATE_BRANCH = "distkit-template"


@dataclass(frozen=True)
class UpdateResult:
    """What an update found or did: `status` is "current", "available" or "updated"."""

    status: str
    old_version: str
    new_version: str
    changed: list[str] = field(default_factory=list)


def start_history(package: Path) -> bool:
    """Make `package` a git repository with a first commit and the `distkit-template` branch
    at it, unless it is inside a repository already; return whether it did."""
    if git.toplevel(package) is not None:
        return False
    record = read_answers(package)
    options = _identity(package, record.context)
    try:
        git.init_with_first_commit(package, "Create the package with distkit new", options)
        git.set_branch(package, TEMPLATE_BRANCH, git.head(package))
    except BaseException:  # Ctrl-C or a git failure: no half-made repository is left
        shutil.rmtree(package / ".git", ignore_errors=True)
        raise
    return True


def render_pristine(record: Answers, destination: Path, *, commit: str | None = None) -> Answers:
    """Render the template `record` names with its answers into `destination` (which must not
    exist), with the answers file; return the record it wrote (its version is the one used).
    `commit` picks a git template's commit (default: the newest)."""
    if record.template == BUILTIN:
        from distkit.scaffold.rendering import render

        made = Answers(BUILTIN, __version__, _builtin_context(record.context))
        render(made.context, destination)
    else:
        from distkit.scaffold import template_source

        source = template_source.resolve(record.template)
        with (
            template_source.checked_out(source, commit) as (folder, head),
            tempfile.TemporaryDirectory(prefix="distkit-render-") as scratch,
        ):
            project, used = template_source.render(
                folder, Path(scratch), answers=record.context, no_input=True
            )
            shutil.move(str(project), str(destination))
        made = Answers(record.template, head, used)
    write_answers(destination, made)
    return made


def _builtin_context(values: Mapping[str, Any]) -> dict[str, str]:
    from distkit.scaffold.context import CUSTOM_FILE, build_context

    given = {key: str(value) for key, value in values.items()}
    custom = given.get("custom_params") if given.get("family_file") == CUSTOM_FILE else None
    return build_context(given.get("family", ""), given, custom=custom or None)


def update(
    package: Path, *, changes: Mapping[str, str] | None = None, check: bool = False
) -> UpdateResult:
    """Merge the template's newest render into `package` (or, with `check`, only say whether
    there is one). Raises UpdateConflict when the merge leaves conflict markers."""
    root = git.require_repo(package)
    prefix = package.resolve().relative_to(root.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix
    record = read_answers(package)
    context = {**record.context, **_checked(record, changes)}
    wanted = Answers(record.template, record.version, context)
    if not check:
        git.require_clean(root, "update")
    with tempfile.TemporaryDirectory(prefix="distkit-update-") as scratch:
        made = render_pristine(wanted, Path(scratch) / "new")
        new_tree = git.tree_of(root, Path(scratch) / "new", prefix)
        base = _pristine_base(root, package, prefix, record, Path(scratch) / "old", check)
        if base is None:  # only with check, when the old render cannot be made again
            status = "current" if made.version == record.version and not changes else "available"
            return UpdateResult(status, record.version, made.version)
    answers_path = f"{prefix}/{ANSWERS_FILE}" if prefix else ANSWERS_FILE
    changed = [p for p in _diff_names(root, base, new_tree) if p != answers_path]
    if not changed:
        return UpdateResult("current", record.version, made.version)
    if check:
        return UpdateResult("available", record.version, made.version, changed)
    options = _identity(root, wanted.context)
    message = f"Update from the template {_label(made)} (was {_label(record)})"
    step = git.commit_tree(root, new_tree, message, base, options)
    tip = git.branch_commit(root, TEMPLATE_BRANCH)
    git.set_branch(root, TEMPLATE_BRANCH, git.commit_tree(root, new_tree, message, tip, options))
    result = git.run(root, *options, "cherry-pick", "--keep-redundant-commits", step, check=False)
    conflicts = _conflicted(root)
    if conflicts:
        shown = ", ".join(conflicts[:3]) + (" ..." if len(conflicts) > 3 else "")
        raise UpdateConflict(
            f"the template's changes clash with yours in {len(conflicts)} file(s): {shown}; "
            "resolve the conflict markers, then git add and git cherry-pick --continue "
            "(or git cherry-pick --abort to undo)"
        )
    if result.returncode != 0:
        raise GitError(f"git cherry-pick failed: {result.stderr.strip().splitlines()[-1:]}")
    return UpdateResult("updated", record.version, made.version, changed)


def _checked(record: Answers, changes: Mapping[str, str] | None) -> dict[str, str]:
    for key in changes or {}:
        if key not in record.context:
            known = ", ".join(sorted(record.context))
            raise UsageError(f"the template has no answer named {key!r} (known: {known})")
    return dict(changes or {})


def _pristine_base(
    root: Path, package: Path, prefix: str, record: Answers, scratch: Path, check: bool
) -> str | None:
    """The commit holding the pristine render the package was last made or updated from."""
    path = f"{prefix}/{ANSWERS_FILE}" if prefix else ANSWERS_FILE
    recorded = (package / ANSWERS_FILE).read_text(encoding="utf-8")
    if git.branch_commit(root, TEMPLATE_BRANCH):
        commits = git.run(root, "rev-list", TEMPLATE_BRANCH).stdout.split()
        for commit in commits:
            if git.show(root, commit, path) == recorded:
                return commit
    renderable = record.version == __version__ if record.template == BUILTIN else record.version
    if not renderable:
        if check:
            return None
        raise GitError(
            f"there is no {TEMPLATE_BRANCH} branch with the pristine render of the template "
            f"{_label(record)}, so the update cannot tell your edits from the template's"
        )
    render_pristine(record, scratch, commit=None if record.template == BUILTIN else record.version)
    tree = git.tree_of(root, scratch, prefix)
    options = _identity(root, record.context)
    return git.commit_tree(root, tree, f"The template {_label(record)}", None, options)


def _diff_names(root: Path, base: str, tree: str) -> list[str]:
    output = git.run(root, "diff", "--name-only", "--no-renames", base, tree).stdout
    return output.splitlines()


def _conflicted(root: Path) -> list[str]:
    return git.run(root, "diff", "--name-only", "--diff-filter=U").stdout.splitlines()


def _label(record: Answers) -> str:
    if record.template == BUILTIN:
        return f"distkit {record.version}"
    return f"{record.template} {record.version[:12]}".strip()


def _identity(root: Path, context: Mapping[str, Any]) -> list[str]:
    return git.identity(
        root,
        str(context.get("full_name") or "distkit"),
        str(context.get("email") or "distkit@localhost"),
    )
