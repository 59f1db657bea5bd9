"""The project itself: README examples run, every command is documented, the PyPI name is ours."""

from __future__ import annotations

import contextlib
import io
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from distkit.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
PRINT_WITH_EXPECTATION = re.compile(r"^print\(.*\)\s+# (?P<expected>.+)$")


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


@pytest.mark.parametrize("block", python_blocks(README))
def test_readme_python_example_prints_what_its_comments_say(block: str) -> None:
    expected = [
        m["expected"]
        for line in block.splitlines()
        if (m := PRINT_WITH_EXPECTATION.match(line.strip()))
    ]
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(block, "README.md", "exec"), {})
    assert output.getvalue().splitlines() == expected


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"`distkit {command}" in README


def test_readme_gives_the_two_quick_start_commands() -> None:
    for marker in ("main-command", "test-command"):
        after = README.split(f"<!-- {marker} -->\n```bash\n", 1)[1]
        assert after.split("\n", 1)[0].strip()


def requirement_lists() -> list[tuple[str, str]]:
    found = []
    for pyproject in [ROOT / "pyproject.toml", *ROOT.glob("plugins/*/pyproject.toml")]:
        data = tomllib.loads(pyproject.read_text())
        project = data.get("project", {})
        lists = [project.get("dependencies", [])]
        lists += list(project.get("optional-dependencies", {}).values())
        lists += [data.get("build-system", {}).get("requires", [])]
        found += [(pyproject.relative_to(ROOT).as_posix(), r) for group in lists for r in group]
    return found


@pytest.mark.parametrize(("where", "requirement"), requirement_lists())
def test_no_requirement_names_the_unrelated_distkit_package(where: str, requirement: str) -> None:
    assert canonicalize_name(Requirement(requirement).name) != "distkit", where


def test_no_install_command_names_the_unrelated_distkit_package() -> None:
    bare = re.compile(r"pip install(?:(?!&&|;|\|)[^\n])*?(?<![\w./-])distkit(?![\w-])")
    for path in [
        ROOT / "README.md",
        ROOT / "tox.ini",
        ROOT / ".ci" / "run",
        *ROOT.glob("docs/*.md"),
    ]:
        assert not bare.search(path.read_text()), path


def test_our_distribution_name_is_distkit_cli() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["project"]["name"] == "distkit-cli"
    assert data["project"]["scripts"] == {"distkit": "distkit.entry:main"}
