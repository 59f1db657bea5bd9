"""What a user meets on the way: bad pyproject files, no terminal, prompts after the checks,
placeholder metadata, progress while tests run, help for every option."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from distkit.errors import PlaceholderMetadata
from distkit.release import publish as releasing
from tests.publishing.commands import error_line, invoke, run
from tests.publishing.conftest import SECRET, Index

PLACEHOLDER_AUTHOR = 'authors = [{ name = "Your Name", email = "you@example.com" }]\n'


def add_to_project(package: Path, lines: str) -> None:
    pyproject = package / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace('license = "MIT"\n', f'license = "MIT"\n{lines}'))


@pytest.mark.parametrize("command", ["build", "test", "publish"])
def test_a_pyproject_that_is_not_utf8_is_one_line(package: Path, command: str) -> None:
    (package / "pyproject.toml").write_bytes(b'[project]\nname = "caf\xe9"\nversion = "1"\n')
    extra = ("--local", "--no-tests") if command == "publish" else ()
    code, out = invoke(command, str(package), *extra)
    assert code == 2, out
    assert "is not UTF-8 text" in error_line(out)


@pytest.mark.parametrize("command", ["build", "publish"])
def test_a_project_key_that_is_not_a_table_is_one_line(package: Path, command: str) -> None:
    (package / "pyproject.toml").write_text('project = "distkit-fixture"\n')
    extra = ("--test", "--dry-run") if command == "publish" else ()
    code, out = invoke(command, str(package), *extra)
    assert code == 2, out
    assert "`project` must be a table" in error_line(out)


def test_two_targets_are_one_line_naming_the_options(package: Path) -> None:
    code, out = invoke("publish", str(package), "--test", "--local")
    assert code == 2
    assert "--repository-url" in error_line(out)


def never(*args: object, **kwargs: object) -> None:
    raise AssertionError("went on towards the real index")


@pytest.mark.usefixtures("secret_env")
def test_pypi_without_a_terminal_or_yes_is_one_line_naming_yes(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(releasing.build, "build_dists", never)  # a regression stops here
    code, out = invoke("publish", str(package), "--no-tests")
    assert code == 2, out
    line = error_line(out)
    assert "no terminal to confirm it" in line
    assert "--yes" in line
    assert "Aborted" not in out
    assert "Publishing" not in out


@pytest.mark.slow
def test_the_token_is_asked_for_after_preflight_passed(
    package: Path, pypiserver: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TWINE_PASSWORD", raising=False)
    monkeypatch.setenv("TWINE_USERNAME", "uploader")
    seen: list[str] = []

    def ask(target: str) -> str:
        seen.append("ASKED")
        return SECRET

    console = releasing.Console(
        report=lambda status, message: seen.append(message),
        echo=seen.append,
        ask_token=ask,
        confirm=lambda question: True,
    )
    request = releasing.Request(package, repository_url=pypiserver.url, run_tests=False)
    outcome = releasing.publish(request, console)
    assert outcome.uploaded == outcome.built
    assert len(list(pypiserver.packages.iterdir())) == 2
    asked = seen.index("ASKED")
    assert seen[0].startswith("Publishing distkit-fixture 0.1.0")
    assert any("twine check --strict passed" in line for line in seen[:asked])
    assert any("is new on" in line for line in seen[:asked])


@pytest.mark.usefixtures("secret_env")
def test_placeholder_metadata_is_refused_for_a_public_index(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Should the check regress, nothing may go on towards the real TestPyPI.
    monkeypatch.setattr(releasing.build, "build_dists", never)
    add_to_project(package, PLACEHOLDER_AUTHOR)
    console = releasing.Console(report=lambda *_: None, echo=lambda _: None, confirm=never)
    request = releasing.Request(package, test=True, run_tests=False)
    with pytest.raises(PlaceholderMetadata, match=r"authors email = you@example\.com"):
        releasing.publish(request, console)


@pytest.mark.usefixtures("secret_env")
def test_a_dry_run_to_testpypi_marks_placeholder_metadata_failed(package: Path) -> None:
    add_to_project(package, PLACEHOLDER_AUTHOR)
    code, out = invoke("publish", str(package), "--test", "--dry-run", "--no-tests")
    assert code == 1, out
    assert "  FAIL placeholder metadata in pyproject.toml: authors name = Your Name" in out
    assert "1 check failed" in error_line(out)


@pytest.mark.slow
@pytest.mark.usefixtures("local_index")
def test_placeholder_metadata_is_a_warning_for_the_local_index(package: Path) -> None:
    add_to_project(package, PLACEHOLDER_AUTHOR)
    code, out = invoke("publish", str(package), "--local", "--no-tests")
    assert code == 0, out
    assert "  warn placeholder metadata in pyproject.toml" in out


@pytest.mark.slow
def test_failing_tests_give_the_summary_on_stdout_and_one_line_on_stderr(package: Path) -> None:
    test_file = package / "tests" / "test_fixture.py"
    test_file.write_text(test_file.read_text().replace('== "fixture"', '== "other"'))
    result = run("test", str(package))
    assert result.returncode == 1
    assert "0/1 envs passed" in result.stdout
    assert "==> py: started" in result.stdout
    assert "==> py: FAILED (" in result.stdout
    assert result.stderr.strip().splitlines() == ["Error: tests failed (py)"]


@pytest.mark.slow
def test_build_says_where_it_wrote_the_files(package: Path) -> None:
    code, out = invoke("build", str(package))
    assert code == 0, out
    assert f"Built distkit-fixture 0.1.0 into {package.resolve() / 'dist'}:" in out


def all_commands() -> list[click.Command]:
    from distkit.commands.build import build
    from distkit.commands.index import index
    from distkit.commands.publish import publish
    from distkit.commands.test import test

    assert isinstance(index, click.Group)
    return [build, publish, test, *index.commands.values()]


@pytest.mark.parametrize("command", all_commands(), ids=lambda command: command.name)
def test_every_option_has_help(command: click.Command) -> None:
    options = [p for p in command.params if isinstance(p, click.Option)]
    assert [option.name for option in options if not option.help] == []
    assert command.help
