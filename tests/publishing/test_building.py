"""A failed `distkit build` says why in the backend's words, and leaves nothing behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from distkit.release.build import build_hint
from distkit.release.tool import trim_error
from tests.publishing.commands import error_line, invoke

HATCHLING = 'requires = ["hatchling>=1.26"]\nbuild-backend = "hatchling.build"\n'
BUILD_TIP = (
    "TIP pass --env-dir and --sdist-extract-dir to keep the build environment and sources, then"
    " see https://build.pypa.io/en/stable/how-to/troubleshooting.html#debug-a-failed-build for"
    " help debugging a failed build"
)
BUILD_FAILURE = f"""\
* Getting build dependencies for sdist...
Traceback (most recent call last):
  File "/tmp/build-env/lib/python3.11/site-packages/hatchling/metadata/core.py", line 553
    raise OSError(message)
OSError: Readme file does not exist: README.md

{BUILD_TIP}
ERROR Backend subprocess exited when trying to invoke build_sdist
"""


def break_license(package: Path) -> None:
    pyproject = package / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('license = "MIT"', 'license = "Not-A-License"')
    )


@pytest.mark.slow
def test_a_failed_build_leaves_no_empty_dist_folder(package: Path) -> None:
    break_license(package)
    code, out = invoke("build", str(package))
    assert code == 1, out
    assert not (package / "dist").exists()


@pytest.mark.slow
def test_a_failed_build_keeps_a_dist_folder_that_was_there(package: Path) -> None:
    (package / "dist").mkdir()
    break_license(package)
    code, out = invoke("build", str(package))
    assert code == 1, out
    assert (package / "dist").is_dir()


@pytest.mark.slow
def test_a_failed_build_shows_the_backend_reason_without_the_frontend_lines(
    package: Path,
) -> None:
    break_license(package)
    line = error_line(invoke("build", str(package))[1])
    assert "project.license" in line
    assert "TIP" not in line
    assert "Backend subprocess exited" not in line


@pytest.mark.slow
def test_a_file_the_backend_cannot_read_is_not_blamed_on_pyproject(package: Path) -> None:
    pyproject = package / "pyproject.toml"
    setuptools = 'requires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n'
    pyproject.write_text(pyproject.read_text().replace(setuptools, HATCHLING))
    (package / "README.md").unlink()
    code, out = invoke("build", str(package))
    assert code == 1, out
    line = error_line(out)
    assert "OSError: Readme file does not exist: README.md" in line
    assert "pyproject.toml" not in line


def test_trim_error_keeps_the_backend_reason_of_a_build_failure() -> None:
    assert trim_error(BUILD_FAILURE) == "OSError: Readme file does not exist: README.md"


def test_a_permission_error_hint_asks_for_access_not_a_pyproject_fix() -> None:
    hint = build_hint("PermissionError: [Errno 13] Permission denied: 'src/pkg/data.bin'")
    assert "permission" in hint
    assert "pyproject.toml" not in hint


HOLD_FOLDER = """\
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.read()
"""


@pytest.mark.slow
def test_a_build_waits_for_another_build_of_the_same_folder(package: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_FOLDER, str(package)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdin is not None
    assert holder.stdout.readline() == "held\n"
    build = subprocess.Popen(
        [sys.executable, "-m", "distkit", "build", str(package)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert build.stderr is not None
    try:
        first = build.stderr.readline()
        assert first == f"waiting for another build of {package.resolve()} to finish\n"
        assert not (package / "dist").exists()
    finally:
        holder.stdin.close()
        holder.wait(30)
    _out, err = build.communicate(timeout=300)
    assert build.returncode == 0, err
    assert sorted(p.name for p in (package / "dist").iterdir()) == [
        "distkit_fixture-0.1.0-py3-none-any.whl",
        "distkit_fixture-0.1.0.tar.gz",
    ]
