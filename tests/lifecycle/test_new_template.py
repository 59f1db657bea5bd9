"""`distkit new --template`: any cookiecutter template, rendered by cookiecutter itself, with
its hooks; the package records the template and its commit, and starts a git history."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from distkit.cli import cli
from distkit.scaffold.answers import ANSWERS_FILE
from tests.lifecycle.conftest import git, status

HOOK = """\
import sys

name = "{{ cookiecutter.project_name }}"
if name.startswith("bad"):
    sys.exit(f"refusing the name {name}")
with open("HOOKED.txt", "w") as marker:
    marker.write("the pre-gen hook ran in " + name + "\\n")
"""


@pytest.fixture
def greeter(tmp_path: Path) -> Path:
    """A small third-party template in a git repository, with a pre-gen hook."""
    root = tmp_path / "cookiecutter-greeter"
    project = root / "{{cookiecutter.project_slug}}"
    (root / "hooks").mkdir(parents=True)
    project.mkdir()
    (root / "cookiecutter.json").write_text(
        json.dumps(
            {
                "project_name": "Greeter",
                "project_slug": "{{ cookiecutter.project_name | lower }}",
                "greeting": ["hello", "bonjour"],
                "loud": False,
            }
        )
    )
    (root / "hooks" / "pre_gen_project.py").write_text(HOOK)
    (project / "greet.py").write_text(
        textwrap.dedent(
            """\
            def greet():
                return "{{ cookiecutter.greeting }}"{% if cookiecutter.loud %}.upper(){% endif %}
            """
        )
    )
    git(root, "init", "--quiet")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "greeter v1")
    return root


def distkit(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_third_party_template_renders_with_its_hook(greeter: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, err = distkit(
        "new", "--template", str(greeter), "-o", str(out), "--no-input", "--project-name", "Hi"
    )
    assert code == 0, stdout + err
    package = out / "hi"
    assert (package / "HOOKED.txt").read_text() == "the pre-gen hook ran in Hi\n"
    assert 'return "hello"' in (package / "greet.py").read_text()
    record = json.loads((package / ANSWERS_FILE).read_text())
    assert record["template"] == str(greeter)
    assert record["version"] == git(greeter, "rev-parse", "HEAD").strip()
    assert record["context"] == {
        "project_name": "Hi",
        "project_slug": "hi",
        "greeting": "hello",
        "loud": False,
    }
    assert status(package) == ""
    assert git(package, "rev-parse", "HEAD") == git(package, "rev-parse", "distkit-template")


def test_a_hook_that_refuses_leaves_nothing_behind(greeter: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    code, _, err = distkit(
        "new", "--template", str(greeter), "-o", str(out), "--no-input", "--project-name", "bad"
    )
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "the template's hook failed: refusing the name bad" in err
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("name", ["../Up", "Team/Tool", "../X/Y"])
def test_a_project_folder_name_that_leaves_the_folder_is_refused_and_leaves_nothing(
    greeter: Path, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    code, _, err = distkit(
        "new", "--template", str(greeter), "-o", str(out), "--no-input", "--project-name", name
    )
    assert code == 1
    assert err.splitlines() == [
        f"Error: the template names its project folder {name.lower()!r}, not one plain folder "
        "name: answer without '/' or '..' in the name it is made from"
    ]
    assert list(out.iterdir()) == []
    made = {"up", "team", "tool", "x", "y"}
    assert not [path for path in tmp_path.rglob("*") if path.name in made]


def test_a_folder_that_was_there_before_an_escaping_render_is_kept(
    greeter: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (out / "keep").mkdir(parents=True)
    name = "../Keep/Y"
    code, _, err = distkit(
        "new", "--template", str(greeter), "-o", str(out), "--no-input", "--project-name", name
    )
    assert code == 1
    assert "not one plain folder name" in err
    assert [p.relative_to(out).as_posix() for p in out.rglob("*")] == ["keep"]


def test_cookiecutters_prompts_are_asked(greeter: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["new", "--template", str(greeter), "-o", str(tmp_path), "--no-git"],
        input="Salut\n\n2\ny\n",
    )
    assert result.exit_code == 0, result.output
    assert 'return "bonjour".upper()' in (tmp_path / "salut" / "greet.py").read_text()


def test_a_template_change_merges_into_a_third_party_package(greeter: Path, tmp_path: Path) -> None:
    assert distkit("new", "--template", str(greeter), "-o", str(tmp_path), "--no-input")[0] == 0
    package = tmp_path / "greeter"
    with (package / "greet.py").open("a") as module:
        module.write("\n\ndef mine():\n    return 1\n")
    git(package, "commit", "--quiet", "-am", "mine")
    readme = greeter / "{{cookiecutter.project_slug}}" / "README.md"
    readme.write_text("# {{ cookiecutter.project_name }}\n")
    git(greeter, "add", "--all")
    git(greeter, "commit", "--quiet", "-m", "greeter v2")

    code, out, err = distkit("update", str(package))
    assert code == 0, out + err
    assert (package / "README.md").read_text() == "# Greeter\n"
    assert (package / "greet.py").read_text().endswith("def mine():\n    return 1\n")


def test_name_is_refused_for_a_template_without_a_family(greeter: Path, tmp_path: Path) -> None:
    code, _, err = distkit("new", "poisson", "--template", str(greeter), "-o", str(tmp_path))
    assert code == 2
    assert "no question named 'family'" in err


def test_an_unknown_template_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = distkit("new", "--template", str(tmp_path / "nowhere"), "--no-input")
    assert code == 2
    assert "no template" in err


def test_an_existing_folder_is_not_overwritten(greeter: Path, tmp_path: Path) -> None:
    (tmp_path / "greeter").mkdir()
    (tmp_path / "greeter" / "keep.txt").write_text("mine\n")
    code, _, err = distkit("new", "--template", str(greeter), "-o", str(tmp_path), "--no-input")
    assert code == 2
    assert "exists and distkit did not make it" in err
    assert [p.name for p in (tmp_path / "greeter").iterdir()] == ["keep.txt"]
    code, _, err = distkit(
        "new", "--template", str(greeter), "-o", str(tmp_path), "--no-input", "--force"
    )
    assert code == 2
    assert [p.name for p in (tmp_path / "greeter").iterdir()] == ["keep.txt"]


def test_force_replaces_only_a_package_distkit_made(greeter: Path, tmp_path: Path) -> None:
    args = ["new", "--template", str(greeter), "-o", str(tmp_path), "--no-input", "--no-git"]
    assert distkit(*args)[0] == 0
    (tmp_path / "greeter" / "old.txt").write_text("from the first run\n")
    code, _, err = distkit(*args)
    assert code == 2
    assert err.strip().endswith("use --force to replace it")
    assert (tmp_path / "greeter" / "old.txt").exists()
    code, out, err = distkit(*args, "--force")
    assert code == 0, out + err
    assert not (tmp_path / "greeter" / "old.txt").exists()
    assert (tmp_path / "greeter" / "greet.py").is_file()


def test_replay_renders_the_last_answers_again(greeter: Path, tmp_path: Path) -> None:
    first = tmp_path / "first"
    args = ["new", "--template", str(greeter), "--no-git"]
    assert distkit(*args, "-o", str(first), "--no-input", "--project-name", "Again")[0] == 0
    code, out, err = distkit(*args, "-o", str(tmp_path / "second"), "--replay")
    assert code == 0, out + err
    assert (tmp_path / "second" / "again" / "HOOKED.txt").read_text() == (
        "the pre-gen hook ran in Again\n"
    )
