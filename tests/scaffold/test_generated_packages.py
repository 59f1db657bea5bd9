"""Generated packages end to end: fresh venv, their own tox suite, build, twine, distkit list."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from distkit import scaffold
from distkit.release.tox import tox_environment
from distkit.scaffold.families import families

REPO = Path(__file__).resolve().parents[2]
UV = shutil.which("uv")


def sh(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command outside any enclosing tox run's settings; fail the test if it fails."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env or tox_environment(),
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def check_family(family: str, tmp_path: Path) -> None:
    target = scaffold.create(family, tmp_path)
    sh(sys.executable, "-m", "ruff", "check", ".", cwd=target)
    sh(sys.executable, "-m", "ruff", "format", "--check", ".", cwd=target)
    sh(sys.executable, "-m", "tox", "run", "-e", "py,lint", cwd=target)
    sh(sys.executable, "-m", "build", "--outdir", tmp_path / "dist", ".", cwd=target)
    wheels = sorted((tmp_path / "dist").iterdir())
    sh(sys.executable, "-m", "twine", "check", "--strict", *wheels, cwd=target)

    venv = tmp_path / "venv"
    sh(UV or "uv", "venv", "--quiet", "--python", sys.executable, venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    wheel = next(p for p in wheels if p.suffix == ".whl")
    sh(UV or "uv", "pip", "install", "--quiet", "--python", python, "-e", REPO, wheel, cwd=tmp_path)
    env = {k: v for k, v in tox_environment().items() if k != "DISTKIT_LOAD_PLUGINS"}
    listed = json.loads(sh(venv / "bin" / "distkit", "list", "--json", cwd=tmp_path, env=env))
    text = json.dumps(listed)
    assert f'"{family}"' in text, text


@pytest.mark.slow
@pytest.mark.skipif(UV is None, reason="needs uv to make a fresh virtual environment")
def test_poisson_end_to_end(tmp_path: Path) -> None:
    check_family("poisson", tmp_path)


@pytest.mark.slow
@pytest.mark.families
@pytest.mark.skipif(UV is None, reason="needs uv to make a fresh virtual environment")
@pytest.mark.parametrize("family", [f.name for f in families() if f.name != "poisson"])
def test_every_family_end_to_end(family: str, tmp_path: Path) -> None:
    check_family(family, tmp_path)
