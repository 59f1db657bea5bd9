"""`distkit update`: bring a package up to date with its template, keeping the user's edits.

As nf-core's `sync` does, every pristine render of the template (no user edits) is a commit on
the package's `distkit-template` branch (distkit.scaffold.history); `distkit new` makes the
first one from the package's first commit. An update renders the template's new version (or
the version `to` names) with the recorded answers, and applies the difference between the last
pristine render and the new one to the package as a three-way merge (`git cherry-pick`), so a
clash is left as ordinary conflict markers.

What the update never touches: the paths recorded as skipped (`--skip`), a file the user
deleted (it stays deleted), and a file git does not track (an ignored .env): the template
writing one is refused before anything changes.

When the branch is missing (a package made with git off, or inside another repository), the
old render is made again where that is possible: a git template at its recorded commit, or the
built-in template when distkit's version has not changed.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from distkit import __version__, git
from distkit.errors import GitError, UntrackedInTheWay, UpdateConflict, UsageError
from distkit.files.reading import read_regular
from distkit.interrupts import held_signals, temporary_folder, unwinding
from distkit.scaffold.answers import (
    ANSWERS_FILE,
    BUILTIN,
    MAX_ANSWERS_BYTES,
    Answers,
    is_package_path,
    read_answers,
    write_answers,
)
from distkit.scaffold.history import TEMPLATE_BRANCH, identity, start_history

__all__ = ["TEMPLATE_BRANCH", "UpdateResult", "render_pristine", "start_history", "update"]


@dataclass(frozen=True)
class UpdateResult:
    """What an update found or did: `status` is "current", "available" or "updated";
    `changed` the package's files the template changes (paths relative to the repository),
    `kept_deleted` those the user deleted and that stay deleted, `skipped` those the recorded
    skips kept as they were; with `diff=True`, `diff` is the change the update would make to
    the package and `clashes` the files it would leave with conflict markers."""

    status: str
    old_version: str
    new_version: str
    changed: list[str] = field(default_factory=list)
    kept_deleted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    diff: str = ""
    clashes: list[str] = field(default_factory=list)


def render_pristine(record: Answers, destination: Path, *, commit: str | None = None) -> Answers:
    """Render the template `record` names with its answers into `destination` (which must not
    exist), with the answers file; return the record it wrote (its version is the one used).
    `commit` picks a git template's commit, tag or branch (default: the newest)."""
    if record.template == BUILTIN:
        from distkit.scaffold.rendering import render

        made = Answers(BUILTIN, __version__, _builtin_context(record.context), record.skip)
        destination.mkdir()
        render(made.context, destination)
    else:
        from distkit.scaffold import template_source
        from distkit.scaffold.cookiecutter_render import render as render_template

        source = template_source.resolve(record.template)
        with (
            template_source.checked_out(source, commit) as (folder, head),
            temporary_folder(prefix="distkit-render-") as scratch,
        ):
            project, used = render_template(
                folder, Path(scratch), answers=record.context, no_input=True
            )
            shutil.move(str(project), str(destination))
        made = Answers(record.template, head, used, record.skip)
    write_answers(destination, made)
    return made


def _builtin_context(values: Mapping[str, Any]) -> dict[str, str]:
    from distkit.scaffold.context import CUSTOM_FILE, build_context

    given = {key: str(value) for key, value in values.items()}
    custom = given.get("custom_params") if given.get("family_file") == CUSTOM_FILE else None
    return build_context(given.get("family", ""), given, custom=custom or None)


def update(
    package: Path,
    *,
    changes: Mapping[str, str] | None = None,
    check: bool = False,
    diff: bool = False,
    skip: Sequence[str] = (),
    to: str | None = None,
) -> UpdateResult:
    """Merge the template's newest render (or its version `to`) into `package`; with `check`
    or `diff`, only say whether there is one (and, with `diff`, what it would change).
    `skip` adds paths (relative to the package) that updates never touch; they are recorded.

    Raises UpdateConflict when the merge leaves conflict markers, UntrackedInTheWay (before
    anything changes) when the template would write over a file git does not track.
    """
    dry = check or diff
    root = git.require_repo(package)
    prefix = package.resolve().relative_to(root.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix
    record = read_answers(package)
    if to is not None and record.template == BUILTIN:
        raise UsageError(
            "--to picks a version of a git template; the built-in template's version is "
            "distkit's own (install another distkit to change it)"
        )
    context = {**record.context, **_checked(record, changes)}
    skips = sorted({*record.skip, *_checked_skips(skip)})
    wanted = Answers(record.template, record.version, context, skips)
    if not dry:
        git.require_clean(root, "update")
    with (
        unwinding(f"{package} was left as it was"),
        temporary_folder(prefix="distkit-update-") as scratch,
    ):
        made = render_pristine(wanted, Path(scratch) / "new", commit=to)
        new_tree = git.tree_of(root, Path(scratch) / "new", prefix)
        base = _pristine_base(root, package, prefix, record, Path(scratch) / "old", dry)
        if base is None:  # only with check, when the old render cannot be made again
            asked = changes or skips != record.skip
            status = "current" if made.version == record.version and not asked else "available"
            return UpdateResult(status, record.version, made.version)
        return _apply(root, prefix, record, wanted, made, base, new_tree, dry=dry, diff=diff)


def _apply(
    root: Path,
    prefix: str,
    record: Answers,
    wanted: Answers,
    made: Answers,
    base: str,
    new_tree: str,
    *,
    dry: bool,
    diff: bool,
) -> UpdateResult:
    """Apply the change from `base` to `new_tree`, less what must not be touched."""
    answers_path = _in_repo(prefix, ANSWERS_FILE)
    names = _diff_names(root, base, new_tree)
    changed = [path for path in names if path != answers_path]
    asked = wanted.context != record.context or wanted.skip != record.skip
    if not changed and not (asked and answers_path in names):
        return UpdateResult("current", record.version, made.version)
    skipped = [path for path in changed if _skipped(path, prefix, wanted.skip)]
    in_head = git.paths_in(root, "HEAD", changed)
    in_base = git.paths_in(root, base, changed)
    in_new = git.paths_in(root, new_tree, changed)
    kept_deleted = [
        path
        for path in changed
        if path in in_base and path in in_new and path not in in_head and path not in skipped
    ]
    held = skipped + kept_deleted
    if not asked and set(changed) <= set(held):  # nothing the update may touch would change
        return UpdateResult("current", record.version, record.version, [], kept_deleted, skipped)
    step_tree = git.tree_with(root, new_tree, base, held)
    result = UpdateResult("available", record.version, made.version, changed, kept_deleted, skipped)
    if dry:
        if diff:
            patch, clashes = _preview(root, base, step_tree, identity(root, wanted.context))
            result = replace(result, diff=patch, clashes=clashes)
        return result
    applied = set(changed) - set(held)
    _refuse_untracked(root, sorted(applied - in_head))
    options = identity(root, wanted.context)
    message = f"Update from the template {_label(made)} (was {_label(record)})"
    with held_signals():
        step = git.commit_tree(root, step_tree, message, base, options)
        picked = git.run(
            root, *options, "cherry-pick", "--keep-redundant-commits", step, check=False
        )
        tip = git.branch_commit(root, TEMPLATE_BRANCH)
        pristine = git.commit_tree(root, new_tree, message, tip, options)
        git.set_branch(root, TEMPLATE_BRANCH, pristine)
    conflicts = _conflicted(root)
    if conflicts:
        shown = ", ".join(conflicts[:3]) + (" ..." if len(conflicts) > 3 else "")
        raise UpdateConflict(
            f"the template's changes clash with yours in {len(conflicts)} file(s): {shown}; "
            "resolve the conflict markers, then git add and git cherry-pick --continue "
            "(or git cherry-pick --abort to undo)",
            paths=conflicts,
        )
    if picked.returncode != 0:
        raise GitError(f"git cherry-pick failed: {picked.stderr.strip().splitlines()[-1:]}")
    return UpdateResult("updated", record.version, made.version, changed, kept_deleted, skipped)


def _preview(root: Path, base: str, step_tree: str, options: list[str]) -> tuple[str, list[str]]:
    """The change the update would make to the package (the three-way merge a cherry-pick
    does, made with `git merge-tree` on commits that nothing refers to), and the files it
    would leave with conflict markers. Where git has no `merge-tree --write-tree` (before
    2.38), the template's own change, with no clashes named."""
    step = git.commit_tree(root, step_tree, "distkit update --diff", base, options)
    head_tree = git.run(root, "rev-parse", "HEAD^{tree}").stdout.strip()
    ours = git.commit_tree(root, head_tree, "distkit update --diff", base, options)
    merged = git.run(
        root, "merge-tree", "--write-tree", "--name-only", "--no-messages", ours, step, check=False
    )
    lines = merged.stdout.splitlines()
    if merged.returncode not in (0, 1) or not lines:
        return git.run(root, "diff", "--no-renames", "--no-color", base, step_tree).stdout, []
    clashes = sorted({line for line in lines[1:] if line})
    patch = git.run(root, "diff", "--no-renames", "--no-color", "HEAD", lines[0]).stdout
    return patch, clashes


def _refuse_untracked(root: Path, new_paths: list[str]) -> None:
    """UntrackedInTheWay when a path the update would create holds a file git does not track
    (ignored, so the clean-tree check let it pass): git would overwrite it silently."""
    present = [path for path in new_paths if os.path.lexists(root / path)]
    if present:
        shown = ", ".join(present[:3]) + (" ..." if len(present) > 3 else "")
        raise UntrackedInTheWay(
            f"the template's update would write over {len(present)} file(s) git does not track: "
            f"{shown}; nothing was changed (move them aside, or keep them with --skip)",
            paths=present,
        )


def _skipped(path: str, prefix: str, skips: list[str]) -> bool:
    inside = path[len(prefix) + 1 :] if prefix else path
    return any(inside == skip or inside.startswith(f"{skip}/") for skip in skips)


def _in_repo(prefix: str, path: str) -> str:
    return f"{prefix}/{path}" if prefix else path


FIXED_BUILTIN_ANSWERS = frozenset(
    {"family", "family_file", "custom_params", "project_name", "project_slug"}
    | {"import_name", "module_name", "class_name"}
)
"""The built-in template's answers an update cannot change: the package's names (its folder,
import, module and class, all made from the project name) and its family's maths."""


def _checked(record: Answers, changes: Mapping[str, str] | None) -> dict[str, str]:
    for key in changes or {}:
        if key not in record.context:
            known = ", ".join(sorted(record.context))
            raise UsageError(f"the template has no answer named {key!r} (known: {known})")
        if record.template == BUILTIN and key in FIXED_BUILTIN_ANSWERS:
            free = ", ".join(sorted(set(record.context) - FIXED_BUILTIN_ANSWERS))
            raise UsageError(
                f"{key} cannot be changed by an update: the package's names and its family's "
                f"maths come from it (make a new package with `distkit new`); these can: {free}"
            )
    return dict(changes or {})


def _checked_skips(paths: Sequence[str]) -> list[str]:
    """`--skip` paths as recorded: relative to the package, '/'-separated, plainly written."""
    checked = []
    for path in paths:
        plain = PurePosixPath(path.replace(os.sep, "/").strip()).as_posix()
        if not is_package_path(plain):
            raise UsageError(f"--skip {path!r} is not a path inside the package")
        if plain == ANSWERS_FILE:
            raise UsageError(f"--skip cannot keep {ANSWERS_FILE}: the update writes its record")
        checked.append(plain)
    return checked


def _pristine_base(
    root: Path, package: Path, prefix: str, record: Answers, scratch: Path, check: bool
) -> str | None:
    """The commit holding the pristine render the package was last made or updated from."""
    path = _in_repo(prefix, ANSWERS_FILE)
    recorded = read_regular(
        package / ANSWERS_FILE, max_bytes=MAX_ANSWERS_BYTES, what="distkit answers file"
    ).decode("utf-8", "replace")
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
    options = identity(root, record.context)
    return git.commit_tree(root, tree, f"The template {_label(record)}", None, options)


def _diff_names(root: Path, base: str, tree: str) -> list[str]:
    output = git.run(root, "diff", "--name-only", "--no-renames", "-z", base, tree).stdout
    return [path for path in output.split("\0") if path]


def _conflicted(root: Path) -> list[str]:
    return git.run(root, "diff", "--name-only", "--diff-filter=U").stdout.splitlines()


def _label(record: Answers) -> str:
    if record.template == BUILTIN:
        return f"distkit {record.version}"
    return f"{record.template} {record.version[:12]}".strip()
