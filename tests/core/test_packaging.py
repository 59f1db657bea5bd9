"""distkit's own wheel carries the template, py.typed and the HMM tables (package data)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_wheel_contains_the_template_and_py_typed(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--installer",
            "uv",
            "--outdir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("distkit_cli-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "distkit/py.typed" in names
    assert "distkit/music/hmm/data/chorale_hmm.npz" in names
    assert "distkit/music/hmm/data/chorale_context.npz" in names
    assert "distkit/template/cookiecutter.json" in names
    assert any(n.startswith("distkit/template/{{cookiecutter.project_slug}}/") for n in names)
    assert not any(n.startswith("tests/") for n in names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "Name: distkit-cli\n" in text
