"""The few git operations `distkit new`, `update` and `release` need, run with the git CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from distkit.errors import GitError
from distkit.interrupts import temporary_folder

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
    _require_git()
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        input=input,
        capture_output=True,
        text=True,
        env=_environment(env),
        check=False,
    )
    if check and result.returncode != 0:
        raise _failure(result)
    return result


def start(cwd: Path, *args: str) -> subprocess.Popen[str]:
    """`git ARGS` started in `cwd`, not waited for: give it to `finish`."""
    _require_git()
    return subprocess.Popen(
        ["git", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_environment(None),
    )


def finish(process: subprocess.Popen[str]) -> None:
    """Wait for a git started by `start`; GitError as `run` raises it when it failed."""
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        args = [str(arg) for arg in process.args]  # type: ignore[union-attr]
        raise _failure(subprocess.CompletedProcess(args, process.returncode, stdout, stderr))


def _require_git() -> None:
    if shutil.which("git") is None:
        raise GitError("git is not installed (it is needed to create, update and release)")


def _environment(extra: Mapping[str, str] | None) -> dict[str, str]:
    return {**os.environ, **_ENV, **(extra or {})}


def _failure(result: subprocess.CompletedProcess[str]) -> GitError:
    lines = (result.stderr or result.stdout).strip().splitlines()
    reason = lines[-1] if lines else f"exit status {result.returncode}"
    command = _subcommand(tuple(result.args[1:]))
    return GitError(f"git {command} failed: {reason.removeprefix('fatal: ')}")


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


def inside_work_tree(path: Path) -> bool:
    """Whether `path` lies in a git work tree, found as git finds one (a `.git` folder or file
    in it or a folder above, not across a file-system boundary) without starting git; where
    the environment changes git's search (GIT_DIR, GIT_CEILING_DIRECTORIES, ...), git decides."""
    if _DISCOVERY_SETTINGS & os.environ.keys():
        return toplevel(path) is not None
    folder = path.resolve()
    device = folder.stat().st_dev
    while True:
        if _is_git_dir_entry(folder / ".git"):
            return True
        parent = folder.parent
        if parent == folder or parent.stat().st_dev != device:
            return False
        folder = parent


_DISCOVERY_SETTINGS = frozenset(
    {"GIT_DIR", "GIT_WORK_TREE", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM"}
)


def _is_git_dir_entry(entry: Path) -> bool:
    """A `.git` folder holding HEAD, or a `.git` file pointing to one (`gitdir: ...`)."""
    if entry.is_dir():
        return (entry / "HEAD").is_file()
    if entry.is_file():
        with entry.open("rb") as file:
            return file.read(8) == b"gitdir: "
    return False


def init_with_first_commit(
    folder: Path,
    message: str,
    author: tuple[str, str],
    *,
    also_branch: str | None = None,
    init: subprocess.Popen[str] | None = None,
) -> None:
    """Make `folder` a git repository whose first commit holds all its files, with the branch
    `also_branch` (if given) at that commit as well. `author` (name, email) is the committer
    only where git's own config and environment name nobody. `init`: a `git init` of `folder`
    already started (by `start`) while its files were written."""
    if init is None:
        run(folder, "init", "--quiet")
    else:
        finish(init)
    run(folder, "add", "--all")
    commit = ["-c", "maintenance.auto=false", "commit", "--quiet", "--no-verify", "-m", message]
    first = run(folder, "-c", "user.useConfigOnly=true", *commit, check=False)
    if first.returncode != 0:
        options = identity(folder, *author)
        if not options:
            run(folder, *commit)  # the same failure, raised as a GitError
        run(folder, *options, *commit)
    if also_branch and not _branch_beside_head(folder / ".git", also_branch):
        run(folder, "branch", also_branch)


def _branch_beside_head(git_dir: Path, branch: str) -> bool:
    """Point the new `branch` at HEAD's commit by writing its ref file, as git's files backend
    does, in a repository just made; False (nothing written) where refs are not plain files."""
    try:
        head = (git_dir / "HEAD").read_text(encoding="ascii")
        if not head.startswith("ref: refs/heads/"):
            return False
        commit = (git_dir / head[len("ref: ") :].strip()).read_text(encoding="ascii").strip()
        if len(commit) not in (40, 64) or not all(c in "0123456789abcdef" for c in commit):
            return False
        ref = git_dir / "refs" / "heads" / branch
        lock = ref.with_name(f"{branch}.lock")  # the folder is distkit's own staging folder
        try:
            with lock.open("x", encoding="ascii") as file:
                file.write(commit + "\n")
            lock.replace(ref)
        except OSError:
            lock.unlink(missing_ok=True)
            raise
    except (OSError, UnicodeDecodeError):
        return False
    return True


def head(root: Path) -> str:
    """The commit checked out at `root`."""
    return run(root, "rev-parse", "HEAD").stdout.strip()


def tree_of(root: Path, folder: Path, prefix: str = "") -> str:
    """Store every file under `folder` in the object database of the repository at `root`
    as a tree, with its paths under `prefix`; return the tree's id (the index is untouched)."""
    with temporary_folder(prefix="distkit-index-") as scratch:
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
    with temporary_folder(prefix="distkit-index-") as scratch:
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
