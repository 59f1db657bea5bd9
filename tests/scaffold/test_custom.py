"""`distkit new NAME --custom PARAMS`: a skeleton with TODOs whose tests pass once filled in."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from distkit import scaffold
from distkit.cli import cli
from distkit.errors import UsageError

UV = shutil.which("uv")

# What a user writes in place of each TODO of a Rayleigh skeleton.
RAYLEIGH_ANSWERS = {
    'raise NotImplementedError("TODO: Rayleigh.mean")': (
        "return float(self.sigma * np.sqrt(np.pi / 2))"
    ),
    'raise NotImplementedError("TODO: Rayleigh.stdev")': (
        "return float(self.sigma * np.sqrt((4 - np.pi) / 2))"
    ),
    'raise NotImplementedError("TODO: Rayleigh.logpdf")': (
        "return np.where(x >= 0, np.log(x / self.sigma**2) - x**2 / (2 * self.sigma**2), -np.inf)"
    ),
    'raise NotImplementedError("TODO: Rayleigh.cdf")': (
        "return np.where(x >= 0, 1 - np.exp(-(x**2) / (2 * self.sigma**2)), 0.0)"
    ),
    'raise NotImplementedError("TODO: Rayleigh._draw")': "return rng.rayleigh(self.sigma, size)",
    'raise NotImplementedError(f"TODO: {cls.__name__}.fit from {values.size} values")': (
        "return cls(float(np.sqrt(np.mean(values**2) / 2)))"
    ),
}


def new(*args: str) -> object:
    return CliRunner().invoke(cli, ["new", *args])


def test_custom_params_get_their_defaults() -> None:
    assert scaffold.parse_custom_params("shape=2, scale") == "shape=2.0,scale=1.0"


@pytest.mark.parametrize(
    ("params", "complaint"),
    [
        ("", "at least one parameter"),
        ("2shape", "cannot be a parameter name"),
        ("lambda", "cannot be a parameter name"),
        ("mean", "cannot be a parameter name"),
        ("a, a=2", "given twice"),
        ("a=big", "not a number"),
        ("a=inf", "must be finite"),
    ],
)
def test_bad_custom_params_are_refused(params: str, complaint: str) -> None:
    with pytest.raises(UsageError, match=complaint):
        scaffold.parse_custom_params(params)


def test_custom_skeleton_has_a_todo_for_each_method(tmp_path: Path) -> None:
    result = new("weibull", "--custom", "shape=2,scale", "--no-input", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    module = tmp_path / "distkit-weibull/src/distkit_weibull/weibull.py"
    assert f"Fill in the TODOs in {module}" in result.output
    code = module.read_text()
    assert "shape: float = 2.0,\n        scale: float = 1.0,\n    ) -> None:" in code
    for member in ("mean", "stdev", "logpdf", "cdf", "_draw"):
        assert f'raise NotImplementedError("TODO: Weibull.{member}")' in code
    assert "TODO: {cls.__name__}.fit" in code


def test_custom_skeleton_is_clean_by_ruff(tmp_path: Path) -> None:
    target = scaffold.create("half-normal", tmp_path, custom="sigma")
    for check in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *check, "."], cwd=target, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_custom_family_name_must_be_lower_case_words(tmp_path: Path) -> None:
    result = new("My_Dist", "--custom", "a", "--no-input", "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "lower-case letters and digits" in result.output
    assert not (tmp_path / "out").exists()


def test_unknown_family_without_custom_is_still_refused(tmp_path: Path) -> None:
    result = new("weibull", "--no-input", "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "unknown family 'weibull'" in result.output


def run_tests(package: Path, python: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=package,
        capture_output=True,
        text=True,
    )


@pytest.mark.slow
@pytest.mark.skipif(UV is None, reason="needs uv to make a fresh virtual environment")
def test_custom_tests_fail_until_the_todos_are_filled_in_then_pass(tmp_path: Path) -> None:
    package = scaffold.create("rayleigh", tmp_path, custom="sigma=2")
    venv = tmp_path / "venv"
    subprocess.run([UV or "uv", "venv", "-q", "-p", sys.executable, venv], check=True)
    python = venv / "bin" / "python"
    install = [UV or "uv", "pip", "install", "-q", "-p", python, "-e", package]
    install += ["--group", f"{package / 'pyproject.toml'}:test"]
    subprocess.run(install, check=True)

    before = run_tests(package, python)
    assert before.returncode == 1, before.stdout
    assert "NotImplementedError: TODO: Rayleigh.mean" in before.stdout

    module = package / "src/distkit_rayleigh/rayleigh.py"
    code = module.read_text()
    for todo, answer in RAYLEIGH_ANSWERS.items():
        assert todo in code
        code = code.replace(todo, answer)
    module.write_text(code)

    after = run_tests(package, python)
    assert after.returncode == 0, after.stdout
    assert " passed" in after.stdout
