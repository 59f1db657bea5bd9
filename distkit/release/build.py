"""Build a package's sdist and wheel in isolation, then check them with `twine check --strict`."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import sys
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from distkit.errors import ToolError, UsageError
from distkit.release.tool import run_tool

# 1980-01-01, the earliest time a zip file (a wheel) can hold.
REPRODUCIBLE_EPOCH = "315532800"


@dataclass(frozen=True)
class Project:
    """The name, version and folder of a PEP 621 project."""

    path: Path
    name: str
    version: str

    @property
    def file_stem(self) -> str:
        """The name as wheel and sdist file names spell it (PEP 625/427)."""
        from packaging.utils import canonicalize_name

        return canonicalize_name(self.name).replace("-", "_")


def read_project(path: Path) -> Project:
    """Read `[project]` name and version from `path`/pyproject.toml."""
    from packaging.utils import InvalidName, canonicalize_name
    from packaging.version import InvalidVersion, Version

    pyproject = path / "pyproject.toml"
    table = project_table(path)
    name, version = table.get("name"), table.get("version")
    if not isinstance(name, str) or not isinstance(version, str):
        raise UsageError(f"{pyproject} needs a static [project] name and version")
    try:
        canonicalize_name(name, validate=True)
    except InvalidName:
        raise UsageError(f"{pyproject}: {name!r} is not a valid project name") from None
    try:
        Version(version)
    except InvalidVersion:
        raise UsageError(f"{pyproject}: {version!r} is not a valid version") from None
    return Project(path.resolve(), name, version)


def project_table(path: Path) -> dict[str, Any]:
    """The `[project]` table of `path`/pyproject.toml, read as TOML requires (UTF-8)."""
    from distkit.files.reading import read_regular

    pyproject = path / "pyproject.toml"
    if not pyproject.is_file():
        raise UsageError(f"no pyproject.toml in {path}")
    raw = read_regular(pyproject, max_bytes=1 << 20, what="pyproject.toml")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{pyproject} is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{pyproject} is not valid TOML: {exc}") from None
    table = data.get("project", {})
    if not isinstance(table, dict):
        raise UsageError(f"{pyproject}: `project` must be a table ([project])")
    return table


def dist_files(project: Project, outdir: Path | None = None) -> list[Path]:
    """The sdist and wheels in `outdir` (default: dist/) built from the current version."""
    folder = outdir or project.path / "dist"
    prefix = f"{project.file_stem}-{project.version}"
    found = [
        path
        for path in sorted(folder.glob(f"{prefix}*"))
        if path.name == f"{prefix}.tar.gz"
        or (path.name.startswith(f"{prefix}-") and path.suffix == ".whl")
    ]
    return found


def build_dists(project: Project, outdir: Path | None = None, installer: str = "uv") -> list[Path]:
    """Build the sdist and wheel into `outdir` (default: dist/); return the files of this version.

    One build of a project folder runs at a time (a backend such as setuptools writes its
    release tree and egg-info into the folder); a failed build does not leave behind an empty
    folder that it created.
    """
    folder = outdir or project.path / "dist"
    command = [sys.executable, "-m", "build", "--outdir", str(folder), str(project.path)]
    if installer == "uv" and (importlib.util.find_spec("uv") or shutil.which("uv")):
        command[3:3] = ["--installer", "uv"]
    with one_build_at_a_time(project.path):
        created = not folder.exists()
        try:
            return _run_build(project, folder, command)
        finally:
            if created and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


def _say_waiting(path: Path) -> None:
    print(f"waiting for another build of {path} to finish", file=sys.stderr, flush=True)


@contextlib.contextmanager
def one_build_at_a_time(
    path: Path, on_wait: Callable[[Path], None] = _say_waiting
) -> Iterator[None]:
    """Hold an exclusive lock on the folder `path` itself (no lock file is left in it) for the
    block; where another process holds it, call `on_wait` once and wait for it."""
    if sys.platform == "win32":
        yield
        return
    import fcntl

    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait(path)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _run_build(project: Project, folder: Path, command: list[str]) -> list[Path]:
    try:
        run_tool(command, what="build", env=reproducible_env())
    except ToolError as error:
        error.hint = build_hint(str(error))
        raise
    files = dist_files(project, folder)
    if not files:
        raise ToolError(
            f"build wrote no files for {project.name} {project.version}", command=command
        )
    return files


def reproducible_env() -> dict[str, str]:
    """The environment of a build whose files come out the same each time from the same
    source, where the backend allows (SOURCE_DATE_EPOCH, unless the user set it)."""
    from distkit.release.tool import quiet_env

    return {"SOURCE_DATE_EPOCH": REPRODUCIBLE_EPOCH, **quiet_env()}


def build_hint(reason: str) -> str:
    """What to do next about a failed build, told apart by the backend's exception."""
    again = "then run `distkit build` again"
    if "PermissionError" in reason:
        return f"check the file permissions of the path named above, {again}"
    if re.search(r"\b(OSError|FileNotFoundError|IsADirectoryError|NotADirectoryError)\b", reason):
        return f"restore the file named above or correct its path, {again}"
    return f"fix pyproject.toml or the file named above, {again}"


def check(files: list[Path]) -> None:
    """Run `twine check --strict` on `files`; raise ToolError with twine's reason if it fails."""
    command = [sys.executable, "-m", "twine", "check", "--strict", *map(str, files)]
    run_tool(
        command,
        what="twine check",
        hint='add a README and `readme = "README.md"` to [project]',
    )
