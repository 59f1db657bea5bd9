"""The few git operations `distkit new`, `update` and `release` need, run with the git CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path

from distkit.errors import GitError

# Keep the user's hooks, editor and pager out of what distkit runs; never prompt.
_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true", "GIT_PAGER": "cat", "LC_ALL": "C"}


def run(
    cwd: Path,
    *args: str,
    check: bool = True,
    env: Mapping[str, str] | None = None,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `git ARGS` in `cwd` (with `input` on its stdin); raise GitError with git's own last
    line when it fails."""
    if shutil.which("git") is None:
        raise GitError("git is not installed (it is needed to create, update and release)")
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        env={**os.environ, **_ENV, **(env or {})},
        check=False,
    )
    if check and result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        reason = lines[-1] if lines else f"exit status {result.returncode}"
        raise GitError(f"git {_subcommand(args)} failed: {reason.removeprefix('fatal: ')}")
    return result


def _subcommand(args: tuple[str, ...]) -> str:
    """The git command in `args`, past global options such as `-c key=value`."""
    rest = list(args)
    while rest and rest[0].startswith("-"):
        rest = rest[2:] if rest[0] == "-c" else rest[1:]
    return rest[0] if rest else "git"


def toplevel(path: Path) -> Path | None:
    """The root of the git work tree that holds `path`, or None when it is in none."""
    if shutil.which("git") is None:
        return None
    result = run(path, "rev-parse", "--show-toplevel", check=False)
    return Path(result.stdout.strip()) if result.returncode == 0 else None


def require_repo(path: Path) -> Path:
    """The root of the work tree holding `path`, or GitError saying it is not in one."""
    root = toplevel(path)
    if root is None:
        raise GitError(f"{path} is not in a git repository")
    return root


def dirty_paths(root: Path) -> list[str]:
    """Changed, staged and untracked paths in the work tree at `root` (empty when clean)."""
    output = run(root, "status", "--porcelain", "--untracked-files=all").stdout
    return [line[3:] for line in output.splitlines() if line.strip()]


def require_clean(root: Path, what: str) -> None:
    """GitError when the work tree at `root` has changes, naming the first few."""
    dirty = dirty_paths(root)
    if (root / ".git").is_dir() and _in_progress(root):
        raise GitError(f"cannot {what}: a merge, cherry-pick or rebase is in progress")
    if dirty:
        shown = ", ".join(dirty[:3]) + (f" and {len(dirty) - 3} more" if len(dirty) > 3 else "")
        raise GitError(f"cannot {what}: the work tree has uncommitted changes ({shown})")


def _in_progress(root: Path) -> bool:
    names = ("MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD", "rebase-merge", "rebase-apply")
    return any((root / ".git" / name).exists() for name in names)


def identity(root: Path, name: str, email: str) -> list[str]:
    """`-c user.name=... -c user.email=...` for what the user's git config lacks, so a commit
    works on a machine where git was never configured (their config is left alone)."""
    listed = run(root, "config", "--get-regexp", r"^user\.(name|email)$", check=False).stdout
    configured = {line.split(" ", 1)[0] for line in listed.splitlines()}
    options: list[str] = []
    for key, value in (("user.name", name), ("user.email", email)):
        if key not in configured:
            options += ["-c", f"{key}={value}"]
    return options


def init_with_first_commit(
    folder: Path, message: str, options: list[str], *, also_branch: str | None = None
) -> None:
    """Make `folder` a git repository whose first commit holds all its files, with the branch
    `also_branch` (if given) at that commit as well."""
    run(folder, "init", "--quiet")
    run(folder, "add", "--all")
    run(folder, *options, "commit", "--quiet", "--no-verify", "-m", message)
    if also_branch:
        run(folder, "branch", also_branch)


def head(root: Path) -> str:
    """The commit checked out at `root`."""
    return run(root, "rev-parse", "HEAD").stdout.strip()


def tree_of(root: Path, folder: Path, prefix: str = "") -> str:
    """Store every file under `folder` in the object database of the repository at `root`
    as a tree, with its paths under `prefix`; return the tree's id (the index is untouched)."""
    with tempfile.TemporaryDirectory(prefix="distkit-index-") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        run(root, f"--work-tree={folder}", "add", "--all", "--force", ".", env=env)
        tree = run(root, "write-tree", env=env).stdout.strip()
        if not prefix:
            return tree
        run(root, "read-tree", "--empty", env=env)
        run(root, "read-tree", f"--prefix={prefix}/", tree, env=env)
        return run(root, "write-tree", env=env).stdout.strip()


def commit_tree(root: Path, tree: str, message: str, parent: str | None, options: list[str]) -> str:
    """A commit of `tree` with `parent` (none: a root commit); no branch moves."""
    parents = ["-p", parent] if parent else []
    return run(root, *options, "commit-tree", tree, *parents, "-m", message).stdout.strip()


def branch_commit(root: Path, branch: str) -> str | None:
    """The commit `branch` points at, or None when there is no such branch."""
    ref = f"refs/heads/{branch}^{{commit}}"
    result = run(root, "rev-parse", "--verify", "--quiet", ref, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def set_branch(root: Path, branch: str, commit: str) -> None:
    run(root, "update-ref", f"refs/heads/{branch}", commit)


def show(root: Path, revision: str, path: str) -> str | None:
    """The text of `path` at `revision`, or None when it has no such file."""
    result = run(root, "show", f"{revision}:{path}", check=False)
    return result.stdout if result.returncode == 0 else None


def paths_in(root: Path, treeish: str, paths: list[str] | None = None) -> set[str]:
    """The file paths `treeish` holds (only those among `paths`, when given)."""
    if paths is not None and not paths:
        return set()
    output = run(root, "ls-tree", "-r", "-z", "--name-only", treeish, "--", *(paths or [])).stdout
    return {path for path in output.split("\0") if path}


def tree_with(root: Path, tree: str, source: str, paths: list[str]) -> str:
    """`tree` with `paths` as they are in `source` (removed where `source` lacks them); the
    new tree's id. The repository's index and work tree are untouched."""
    if not paths:
        return tree
    with tempfile.TemporaryDirectory(prefix="distkit-index-") as scratch:
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        run(root, "read-tree", tree, env=env)
        run(root, "update-index", "--force-remove", "--", *paths, env=env)
        entries = run(root, "ls-tree", "-r", "-z", source, "--", *paths).stdout
        if entries:
            run(root, "update-index", "-z", "--index-info", env=env, input=entries)
        return run(root, "write-tree", env=env).stdout.strip()


def tag_exists(root: Path, tag: str) -> bool:
    result = run(root, "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}", check=False)
    return result.returncode == 0
