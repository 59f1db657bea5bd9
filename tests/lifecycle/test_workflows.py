"""The GitHub workflows every generated package carries: tested on the Python versions it
claims, built once, and published with Trusted Publishing; actionlint finds nothing wrong."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.specifiers import SpecifierSet

from distkit.scaffold import create
from distkit.scaffold.families import families

WORKFLOWS = ".github/workflows"


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """One package of every family, and a --custom one."""
    out = tmp_path_factory.mktemp("families")
    made = [create(family.name, out) for family in families()]
    return [*made, create("weibull", out, custom="shape=2,scale")]


@pytest.fixture(scope="module")
def poisson(packages: list[Path]) -> Path:
    return next(p for p in packages if p.name == "distkit-poisson")


def load(package: Path, name: str) -> dict[Any, Any]:
    data = yaml.safe_load((package / WORKFLOWS / name).read_text())
    assert isinstance(data, dict)
    return data


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [step for step in job["steps"] if step.get("uses", "").startswith(action)]


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="actionlint is not installed")
def test_every_familys_workflows_pass_actionlint(packages: list[Path]) -> None:
    files = sorted(str(path) for p in packages for path in (p / WORKFLOWS).glob("*.yml"))
    assert len(files) == 3 * len(packages)
    result = subprocess.run(
        ["actionlint", "-no-color", *files], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_publishing_uses_trusted_publishing_with_attestations(poisson: Path) -> None:
    publish = load(poisson, "publish.yml")
    assert publish[True]["push"]["tags"] == ["v*"]  # YAML 1.1 reads the key `on` as True
    for name, index in (("pypi", "https://pypi.org/p/"), ("testpypi", "https://test.pypi.org/p/")):
        job = publish["jobs"][name]
        assert job["permissions"] == {"id-token": "write"}
        assert job["environment"]["url"] == f"{index}distkit-poisson"
        (upload,) = steps_using(job, "pypa/gh-action-pypi-publish@")
        assert upload["with"]["attestations"] is True
        assert "password" not in upload["with"]
        (download,) = steps_using(job, "actions/download-artifact@")
        assert download["with"]["name"] == "dist"
        assert job["needs"] == "test"
    assert publish["jobs"]["test"]["uses"] == "$/.github/workflows/test.yml"  # self-repository
    assert "secrets" not in (poisson / WORKFLOWS / "publish.yml").read_text()


def test_the_files_tested_are_the_files_built_once(poisson: Path) -> None:
    jobs = load(poisson, "test.yml")["jobs"]
    (upload,) = steps_using(jobs["build"], "actions/upload-artifact@")
    assert upload["with"]["name"] == "dist"
    test = jobs["test"]
    assert test["needs"] == "build"
    assert steps_using(test, "actions/download-artifact@")[0]["with"]["name"] == "dist"
    runs = " ".join(step.get("run", "") for step in test["steps"])
    assert "--installpkg dist/*.whl" in runs
    assert not any("python -m build" in step.get("run", "") for step in test["steps"])


def test_the_python_versions_are_the_ones_the_package_claims(poisson: Path, tmp_path: Path) -> None:
    build = load(poisson, "test.yml")["jobs"]["build"]
    (step,) = [s for s in build["steps"] if s.get("id") == "pythons"]
    output = tmp_path / "github_output"
    subprocess.run(
        [sys.executable, "-c", step["run"]],
        cwd=poisson,
        env={**os.environ, "GITHUB_OUTPUT": str(output)},
        check=True,
    )
    versions = yaml.safe_load(output.read_text().removeprefix("versions="))
    project = tomllib.loads((poisson / "pyproject.toml").read_text())["project"]
    claimed = [
        m.group(1)
        for c in project.get("classifiers", [])
        if (m := re.fullmatch(r"Programming Language :: Python :: (3\.\d+)", c))
    ]
    assert versions
    assert all(f"{v}.0" in SpecifierSet(project["requires-python"]) for v in versions)
    if claimed:
        assert versions == claimed


def test_the_tox_environments_in_the_workflow_exist(poisson: Path) -> None:
    tox = (poisson / "tox.ini").read_text()
    runs = " ".join(
        step.get("run", "")
        for job in load(poisson, "test.yml")["jobs"].values()
        for step in job["steps"]
    )
    for env in re.findall(r"tox run -e (\w+)", runs):
        assert env == "py" or f"[testenv:{env}]" in tox
