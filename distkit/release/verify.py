"""Verify an upload: the index lists the files with the sha256 built here, and this version
installs back from it into a fresh venv and loads its `distkit` entry points."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from distkit.errors import PublishError, ToolError
from distkit.interrupts import temporary_folder
from distkit.release import build, installed, simple_api
from distkit.release.checks import Report
from distkit.release.targets import Target
from distkit.release.tool import run_tool


def verify(
    project: build.Project,
    target: Target,
    built: list[Path],
    uploaded: list[Path],
    report: Report,
) -> str:
    """Check the index lists the uploaded files with their sha256, install this version back
    into a fresh venv accepting only files built here, and load its `distkit` entry points;
    return what was loaded.

    The venv sees this Python's site-packages, so dependencies come from there and the index is
    asked only for the package itself (a private index need not mirror numpy).
    """
    digests = {file.name: installed.sha256(file) for file in built}
    _check_listing(project, target, digests, {file.name for file in uploaded}, report)
    from packaging.version import Version
    from uv import find_uv_bin

    uv = find_uv_bin()
    with temporary_folder(prefix="distkit-verify-") as tmp:
        venv = Path(tmp) / "venv"
        _run(
            [uv, "venv", "--quiet", "--system-site-packages", "--python", sys.executable, str(venv)]
        )
        python = venv / "bin" / "python"
        requirements = Path(tmp) / "requirements.txt"
        pins = " ".join(f"--hash=sha256:{digest}" for digest in sorted(digests.values()))
        requirements.write_text(f"{project.name}=={project.version} {pins}\n", encoding="utf-8")
        install = [uv, "pip", "install", "--quiet", "--python", str(python), "--no-cache"]
        install += ["--index-url", target.simple_url, "--no-deps", "--require-hashes"]
        try:
            _run([*install, "-r", str(requirements)])
        except ToolError as error:
            raise PublishError(
                f"{project.name} {project.version} on {target.name} did not install as the files "
                f"built here (sha256 checked): {error}"
            ) from None
        version, entry_points = installed.metadata(venv, project.name)
        if Version(version) != Version(project.version):
            raise PublishError(f"installed {version}, expected {project.version}")
        if not entry_points:
            raise PublishError(f"installed {project.name} has no `distkit` entry point")
        installed.load_entry_points(python, project.name)
    report("ok", f"installed {project.name}=={project.version} back; sha256 matches this build")
    return ", ".join(entry_points)


def _check_listing(
    project: build.Project,
    target: Target,
    digests: dict[str, str],
    uploaded: set[str],
    report: Report,
) -> None:
    listing = simple_api.project_files(target.simple_url, project.name) or {}
    for name, digest in sorted(digests.items()):
        listed = listing.get(name)
        if listed is None and name in uploaded:
            raise PublishError(f"{target.name} does not list {name} after the upload")
        if listed and listed != digest:
            if name in uploaded:
                raise PublishError(
                    f"{target.name} lists {name} with another sha256 than the file uploaded"
                )
            report(
                "warn",
                f"{name} on {target.name} is not the file built here (its sha256 differs): "
                "it came from another build",
            )


def _run(command: list[str]) -> str:
    return run_tool(command, what="verify", keep=2, env=dict(os.environ))
