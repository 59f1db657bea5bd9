"""No surprise at upload (issue 24, item 5): preflight compares the "ultranormalized" name (PEP
503, then '.', '-', '_' dropped, l/i -> 1, o -> 0) with the projects the index lists, and
refuses a collision naming the existing project. Against a real pypiserver on 127.0.0.1."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distkit.release.checks import similar_names, ultranormalize
from tests.publishing.commands import error_line, run
from tests.publishing.conftest import FIXTURE, Index


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("distkit-fixture", "d1stk1tf1xture"),
        ("Distkit_Fixture", "d1stk1tf1xture"),
        ("distkit.f1xture", "d1stk1tf1xture"),
        ("requests", "requests"),
        ("Pillow", "p1110w"),
        ("django-oil", "djang0011"),
    ],
)
def test_ultranormalize(name: str, folded: str) -> None:
    assert ultranormalize(name) == folded


NAME = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9._-]{0,20}[A-Za-z0-9])?", fullmatch=True)


@given(NAME, st.sampled_from(["-", "_", ".", "--", "._"]))
def test_separators_case_and_lookalikes_never_change_the_folded_name(
    name: str, separator: str
) -> None:
    spaced = separator.join(name.upper())
    swapped = name.replace("1", "l").replace("0", "O")
    assert ultranormalize(spaced) == ultranormalize(name) == ultranormalize(swapped)
    assert ultranormalize(ultranormalize(name)) == ultranormalize(name)


def test_similar_names_leave_out_the_project_itself() -> None:
    listed = ["distkit_fixture", "Distkit.Fixture", "distkit-f1xture", "numpy", "distkitfixturex"]
    assert similar_names("distkit-fixture", listed) == ["distkit-f1xture"]


def plant(index: Index, tmp_path: Path, name: str) -> None:
    """Put a project called `name` (one sdist) on the index, as someone else would have."""
    (index.packages / f"{name}-1.0.tar.gz").write_bytes(b"not a real sdist")


@pytest.mark.usefixtures("secret_env")
def test_a_too_similar_name_on_the_index_is_refused_naming_it(
    package: Path, pypiserver: Index, tmp_path: Path
) -> None:
    plant(pypiserver, tmp_path, "distkit_f1xture")
    result = run("publish", str(package), "--repository-url", pypiserver.url, "--no-tests")
    assert result.returncode == 1, result.stdout
    line = error_line(result.stderr)
    assert "distkit-fixture is too similar to distkit" in line
    assert "f1xture" in line
    assert "rename the project in pyproject.toml" in line
    assert "built" not in result.stdout  # refused before anything was built or sent
    assert sorted(p.name for p in pypiserver.packages.iterdir()) == ["distkit_f1xture-1.0.tar.gz"]


@pytest.mark.slow
@pytest.mark.usefixtures("secret_env")
def test_the_projects_own_earlier_release_is_no_collision(
    package: Path, pypiserver: Index, tmp_path: Path
) -> None:
    earlier = tmp_path / "earlier"
    shutil.copytree(FIXTURE, earlier, ignore=shutil.ignore_patterns("dist", ".tox"))
    pyproject = earlier / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.1.0"', 'version = "0.0.9"'))
    first = run("publish", str(earlier), "--repository-url", pypiserver.url, "--no-tests")
    assert first.returncode == 0, first.stderr
    result = run("publish", str(package), "--repository-url", pypiserver.url, "--no-tests")
    assert result.returncode == 0, result.stderr
    assert "is not too similar to a project on" in result.stdout
