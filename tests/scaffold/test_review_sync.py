"""The template-sync workflow's own shell steps, run here as GitHub would run them: a clone of
the package whose template moved on gets an update branch, with conflict markers committed
when the update clashes with the user's edits, and `distkit update --check` shows the drift."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from distkit.scaffold.families import template_dir

AUTHOR = ["-c", "user.name=Test User", "-c", "user.email=test@example.org"]
SYNC = ".github/workflows/template-sync.yml"
ADDED_LINE = "A line the template's second version added under the title.\n"
ADDED_TOX = "\n[testenv:types]\ndescription = added by the template's second version\n"


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *AUTHOR, *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture(autouse=True)
def hermetic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for variable in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(variable, raising=False)


def template_repo(tmp_path: Path) -> Path:
    """A git copy of the built-in template at its first version."""
    path = tmp_path / "template-repo"
    shutil.copytree(template_dir(), path, ignore=shutil.ignore_patterns("__pycache__"))
    git(path, "init", "--quiet", "--initial-branch=main")
    git(path, "add", "--all")
    git(path, "commit", "--quiet", "-m", "v1")
    return path


def move_template_on(template: Path) -> None:
    """The template's second version adds a line under the README's title and a tox
    environment at the end of tox.ini."""
    with (template / "{{cookiecutter.project_slug}}" / "tox.ini").open("a") as tox:
        tox.write(ADDED_TOX)
    readme = template / "{{cookiecutter.project_slug}}" / "README.md"
    text = readme.read_text()
    title_end = text.index("\n", text.index("\n# ")) + 1
    readme.write_text(f"{text[:title_end]}\n{ADDED_LINE}{text[title_end:]}")
    git(template, "commit", "--quiet", "-am", "v2")


def distkit_bin() -> str:
    return str(Path(sys.executable).parent)


def new_package_with_origin(tmp_path: Path, template: Path) -> tuple[Path, Path]:
    """A package made from `template`, pushed to a bare `origin`, and a fresh clone of it
    with every branch fetched (what actions/checkout with fetch-depth 0 gives)."""
    out = tmp_path / "made"
    subprocess.run(
        [sys.executable, "-m", "distkit", "new", "poisson", "--template", str(template),
         "--no-input", "-o", str(out)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    package = out / "distkit-poisson"
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(package), str(origin))
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "--quiet", "--no-single-branch", str(origin), str(clone))
    return clone, origin


def step_script(package: Path, job: str, step_id: str | None = None) -> str:
    steps = yaml.safe_load((package / SYNC).read_text())["jobs"][job]["steps"]
    if step_id is not None:
        return next(step["run"] for step in steps if step.get("id") == step_id)
    return next(step["run"] for step in steps if "distkit update" in step.get("run", ""))


def run_step(clone: Path, script: str, tmp_path: Path) -> tuple[int, dict[str, str], str]:
    """Run a workflow step as GitHub's runner does (bash -e); its exit code and outputs."""
    output = tmp_path / "github_output"
    output.write_text("")
    runner_temp = tmp_path / "runner_temp"
    runner_temp.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "PATH": f"{distkit_bin()}{os.pathsep}{os.environ['PATH']}",
        "SYNC_BRANCH": "distkit/template-sync",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_SHA": git(clone, "rev-parse", "HEAD").strip(),
        "RUNNER_TEMP": str(runner_temp),
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-e", "-c", script],
        cwd=clone, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return done.returncode, outputs, done.stdout + done.stderr


def test_the_sync_step_commits_the_update_on_its_branch(tmp_path: Path) -> None:
    template = template_repo(tmp_path)
    clone, _ = new_package_with_origin(tmp_path, template)
    move_template_on(template)
    code, outputs, log = run_step(clone, step_script(clone, "sync", "update"), tmp_path)
    assert code == 0, log
    assert outputs == {"changed": "true", "conflicts": "false"}
    assert git(clone, "branch", "--show-current").strip() == "distkit/template-sync"
    assert ADDED_LINE in (clone / "README.md").read_text()
    assert git(clone, "status", "--porcelain") == ""


def test_a_clash_is_committed_with_its_markers_for_a_person_to_resolve(tmp_path: Path) -> None:
    template = template_repo(tmp_path)
    clone, _ = new_package_with_origin(tmp_path, template)
    with (clone / "tox.ini").open("a") as tox:
        tox.write("\n[testenv:mine]\ndescription = the author's own environment\n")
    git(clone, "commit", "--quiet", "-am", "my tox env")
    move_template_on(template)
    code, outputs, log = run_step(clone, step_script(clone, "sync", "update"), tmp_path)
    assert code == 0, log
    assert outputs == {"changed": "true", "conflicts": "true"}
    merged = (clone / "tox.ini").read_text()
    assert "<<<<<<<" in merged
    assert ">>>>>>>" in merged
    assert "[testenv:mine]" in merged
    assert ADDED_LINE in (clone / "README.md").read_text()  # the clean part merged as well
    assert git(clone, "status", "--porcelain") == ""  # committed, no cherry-pick left open
    assert not (clone / ".git" / "CHERRY_PICK_HEAD").exists()


def test_nothing_to_do_opens_no_pull_request(tmp_path: Path) -> None:
    template = template_repo(tmp_path)
    clone, _ = new_package_with_origin(tmp_path, template)
    code, outputs, log = run_step(clone, step_script(clone, "sync", "update"), tmp_path)
    assert code == 0, log
    assert outputs == {"changed": "false", "conflicts": "false"}


def test_the_check_job_fails_on_drift_and_passes_when_current(tmp_path: Path) -> None:
    template = template_repo(tmp_path)
    clone, _ = new_package_with_origin(tmp_path, template)
    assert "distkit-template" not in git(clone, "branch", "--list")  # only origin's, as in CI
    script = step_script(clone, "check")
    code, _, log = run_step(clone, script, tmp_path)
    assert code == 0, log
    move_template_on(template)
    code, _, log = run_step(clone, script, tmp_path)
    assert code == 1, log
