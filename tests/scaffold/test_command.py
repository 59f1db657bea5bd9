"""`distkit new` through click."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from distkit.cli import cli


def run(*args: str, stdin: str | None = None) -> object:
    return CliRunner().invoke(cli, ["new", *args], input=stdin)


def test_no_input_creates_the_package_and_prints_next_steps(tmp_path: Path) -> None:
    result = run("poisson", "--no-input", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    target = tmp_path / "distkit-poisson"
    assert (
        f"cd {target} && distkit test && distkit build && distkit publish --local" in result.output
    )
    assert (target / "src/distkit_poisson/poisson.py").is_file()


def test_prompts_fill_in_author_and_license(tmp_path: Path) -> None:
    answers = "Ada Lovelace\nada@example.org\nmy-poisson\n1.2.0\nApache-2.0\n"
    result = run("poisson", "-o", str(tmp_path), stdin=answers)
    assert result.exit_code == 0, result.output
    pyproject = (tmp_path / "my-poisson/pyproject.toml").read_text()
    assert 'name = "my-poisson"' in pyproject
    assert 'version = "1.2.0"' in pyproject
    assert 'license = "Apache-2.0"' in pyproject
    assert "Ada Lovelace" in (tmp_path / "my-poisson/LICENSE").read_text()


def test_project_name_option(tmp_path: Path) -> None:
    result = run("gamma", "--no-input", "--project-name", "gamma-dist", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "gamma-dist/src/gamma_dist/gamma.py").is_file()


def test_unknown_family_is_one_line_exit_2(tmp_path: Path) -> None:
    result = run("poison", "--no-input", "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "did you mean 'poisson'?" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_existing_folder_needs_force(tmp_path: Path) -> None:
    assert run("poisson", "--no-input", "-o", str(tmp_path)).exit_code == 0
    again = run("poisson", "--no-input", "-o", str(tmp_path))
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert "use --force to replace it" in again.output
    assert run("poisson", "--no-input", "--force", "-o", str(tmp_path)).exit_code == 0


def test_force_says_that_the_old_git_folder_went_with_the_package(tmp_path: Path) -> None:
    assert run("poisson", "--no-input", "--no-git", "-o", str(tmp_path)).exit_code == 0
    (tmp_path / "distkit-poisson/.git").mkdir()
    refused = run("poisson", "--no-input", "--no-git", "-o", str(tmp_path))
    assert "deletes it and its .git folder" in refused.output
    replaced = run("poisson", "--no-input", "--no-git", "--force", "-o", str(tmp_path))
    assert replaced.exit_code == 0
    assert "Warning: " in replaced.stderr
    assert "deleted with its .git folder" in replaced.stderr
    assert not (tmp_path / "distkit-poisson/.git").exists()


def test_force_does_not_hint_at_itself_for_a_folder_it_will_not_replace(tmp_path: Path) -> None:
    (tmp_path / "distkit-poisson").write_text("my notes")
    result = run("poisson", "--no-input", "--force", "-o", str(tmp_path))
    assert result.exit_code == 2
    assert "is a file" in result.output
    assert "--force" not in result.output
    assert (tmp_path / "distkit-poisson").read_text() == "my notes"


def test_next_steps_are_shell_quoted(tmp_path: Path) -> None:
    import shlex

    out = tmp_path / "my dir; rm -rf x"
    result = run("poisson", "--no-input", "-o", str(out))
    assert result.exit_code == 0, result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("Next: ")]
    words = shlex.split(line.removeprefix("Next: "))
    assert words[:3] == ["cd", str(out / "distkit-poisson"), "&&"]


@pytest.mark.parametrize("name", ["distkit-cli", "click", "Jinja2", "pyyaml"])
def test_a_project_name_that_would_replace_distkit_or_its_dependency_is_refused(
    tmp_path: Path, name: str
) -> None:
    result = run("poisson", "--no-input", "--project-name", name, "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "would replace" in result.output
    assert not (tmp_path / "out").exists()


def test_list_families() -> None:
    result = run("--list-families")
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.output.splitlines()]
    assert names == sorted(
        [
            "poisson",
            "exponential",
            "uniform",
            "geometric",
            "bernoulli",
            "negative-binomial",
            "gamma",
            "beta",
            "lognormal",
            "laplace",
        ]
    )
