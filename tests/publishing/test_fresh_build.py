"""publish uploads exactly what it built from the source it tested, in a folder of its own:
never a leftover or partial dist/. What is installed back is that build, even when the
package prints at import."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from distkit.release import local_index as index
from tests.publishing.commands import invoke, run

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("local_index")]


def installed_value(simple_url: str, requirement: str, expression: str, venv: Path) -> str:
    """`expression` evaluated in a fresh venv that installed `requirement` from the index."""
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    pip = [python, "-m", "pip", "install", "-q", "--no-deps", "--index-url", simple_url]
    subprocess.run([*pip, requirement], check=True, capture_output=True)
    code = f"import sys, importlib; print({expression}, file=sys.stderr)"
    result = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return result.stderr.strip()


def test_new_build_edit_publish_local_installs_the_edit(tmp_path: Path) -> None:
    code, out = invoke("new", "poisson", "--no-input", "-o", str(tmp_path))
    assert code == 0, out
    package = tmp_path / "distkit-poisson"
    assert run("build", str(package)).returncode == 0
    init = package / "src" / "distkit_poisson" / "__init__.py"
    init.write_text(init.read_text() + '\n\nEDITED = "after the build"\n')
    result = run("publish", str(package), "--local")
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^  test py3\d+: started$", result.stdout, re.M), result.stdout
    simple = f"{index.status().url}simple/"  # type: ignore[union-attr]
    edited = installed_value(
        simple,
        "distkit-poisson==0.1.0",
        "importlib.import_module('distkit_poisson').EDITED",
        tmp_path / "check-venv",
    )
    assert edited == "after the build"


def test_a_stale_wheel_in_dist_is_not_uploaded(package: Path) -> None:
    assert run("build", str(package)).returncode == 0
    stale = {p.name: p.read_bytes() for p in (package / "dist").iterdir()}
    init = package / "src" / "distkit_fixture" / "__init__.py"
    init.write_text(init.read_text().replace('NAME = "fixture"', 'NAME = "fresh"'))
    result = run("publish", str(package), "--local", "--no-tests")
    assert result.returncode == 0, result.stderr
    packages = index.index_dir() / "packages"
    wheel = packages / "distkit_fixture-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        assert 'NAME = "fresh"' in archive.read("distkit_fixture/__init__.py").decode()
    assert {p.name: p.read_bytes() for p in (package / "dist").iterdir()} == stale


def test_a_partial_dist_folder_from_an_interrupted_build_is_ignored(package: Path) -> None:
    (package / "dist").mkdir()
    (package / "dist" / "distkit_fixture-0.1.0.tar.gz").write_bytes(b"half a file")
    result = run("publish", str(package), "--local", "--no-tests")
    assert result.returncode == 0, result.stderr
    held = sorted(p.name for p in (index.index_dir() / "packages").iterdir())
    assert held == ["distkit_fixture-0.1.0-py3-none-any.whl", "distkit_fixture-0.1.0.tar.gz"]
    sdist = index.index_dir() / "packages" / "distkit_fixture-0.1.0.tar.gz"
    assert sdist.read_bytes() != b"half a file"


def test_a_package_that_prints_at_import_still_verifies(package: Path) -> None:
    init = package / "src" / "distkit_fixture" / "__init__.py"
    init.write_text('print("hello")\nprint("9.9.9 spoofed")\n' + init.read_text())
    result = run("publish", str(package), "--local", "--no-tests")
    assert result.returncode == 0, result.stderr
    assert "installed distkit-fixture==0.1.0 back" in result.stdout
