"""A new package passes the Scientific Python review (sp-repo-review), and its GitHub workflows
pass zizmor and actionlint: pinned actions, concurrency, Dependabot, pre-commit, docs, and a
scheduled template sync that opens a pull request."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
import yaml

from distkit import scaffold

SYNC = ".github/workflows/template-sync.yml"
FULL_SHA_WITH_VERSION = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")


def tool(name: str) -> str:
    """A console script installed beside this interpreter (the test extra ships them)."""
    beside = Path(sysconfig.get_path("scripts")) / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is not installed (pip install -e '.[test]')"
    return found


def review(package: Path) -> tuple[list[str], list[str]]:
    """The sp-repo-review checks `package` passes and fails (skipped ones are neither)."""
    from repo_review.processor import process

    results = process(package).results
    passed = [r.name for r in results if r.result is True]
    failed = [f"{r.name} {r.description}: {r.err_msg}" for r in results if r.result is False]
    return passed, failed


def zizmor_findings(package: Path) -> list[str]:
    """zizmor's findings on every workflow, Dependabot and pre-commit file, pedantic included."""
    done = subprocess.run(
        [tool("zizmor"), "--offline", "--persona=pedantic", "--format=json", str(package)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 10, 11, 12, 13, 14), done.stderr  # 1x: findings reported
    return [f"{f['ident']}: {f['desc']}" for f in json.loads(done.stdout)]


def actionlint(package: Path) -> subprocess.CompletedProcess[str]:
    workflows = sorted(str(p) for p in (package / ".github/workflows").glob("*.yml"))
    return subprocess.run(
        [tool("actionlint"), "-no-color", *workflows], capture_output=True, text=True, check=False
    )


def assert_reviewed_clean(package: Path) -> int:
    """sp-repo-review: 0 fail and at least 60 pass; zizmor: 0 findings. Returns the passes."""
    passed, failed = review(package)
    assert failed == []
    assert len(passed) >= 60, passed
    assert zizmor_findings(package) == []
    return len(passed)


@pytest.fixture(scope="module")
def poisson(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return scaffold.create("poisson", tmp_path_factory.mktemp("review"))


def load(package: Path, name: str) -> dict[Any, Any]:
    data = yaml.safe_load((package / name).read_text())
    assert isinstance(data, dict)
    return data


def test_a_new_package_passes_the_review_and_zizmor(poisson: Path) -> None:
    assert assert_reviewed_clean(poisson) >= 60


def test_a_custom_package_passes_the_review_and_zizmor(tmp_path: Path) -> None:
    package = scaffold.create("weibull", tmp_path, custom="shape=2,scale")
    assert_reviewed_clean(package)


def test_the_review_fails_what_it_should(poisson: Path, tmp_path: Path) -> None:
    """The review reads the files: without them, the checks they satisfy fail again."""
    copy = tmp_path / "copy"
    shutil.copytree(poisson, copy)
    (copy / ".pre-commit-config.yaml").unlink()
    (copy / ".github/dependabot.yml").unlink()
    workflow = copy / ".github/workflows/test.yml"
    workflow.write_text(workflow.read_text().replace("concurrency:", "x-concurrency:"))
    _, failed = review(copy)
    assert {f.split()[0] for f in failed} >= {"PY006", "GH200", "SEC001"}
    unpinned = copy / ".github/workflows/publish.yml"
    unpinned.write_text(re.sub(r"@[0-9a-f]{40} # (v[\d.]+)", r"@\1", unpinned.read_text()))
    assert any(f.startswith("unpinned-uses") for f in zizmor_findings(copy))


def test_every_action_is_pinned_to_a_full_sha_with_its_version(poisson: Path) -> None:
    refs = []
    for path in (poisson / ".github/workflows").glob("*.yml"):
        refs += re.findall(r"^\s+(?:- )?uses: (.+)$", path.read_text(), re.MULTILINE)
    remote = [ref for ref in refs if not ref.startswith("$/")]
    assert len(remote) >= 10
    assert [ref for ref in remote if not FULL_SHA_WITH_VERSION.match(ref)] == []


def test_the_workflows_pass_actionlint(poisson: Path) -> None:
    result = actionlint(poisson)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pre_commit_config_is_valid_and_runs_in_ci(poisson: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        cwd=poisson,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    hooks = {
        hook["id"]
        for repo in load(poisson, ".pre-commit-config.yaml")["repos"]
        for hook in repo["hooks"]
    }
    assert {"ruff-check", "ruff-format", "check-merge-conflict", "trailing-whitespace"} <= hooks
    assert {"end-of-file-fixer", "check-yaml", "check-toml", "mypy", "zizmor"} <= hooks
    jobs = load(poisson, ".github/workflows/test.yml")["jobs"]
    runs = " ".join(step.get("run", "") for step in jobs["pre-commit"]["steps"])
    assert "pre-commit run --all-files" in runs


def test_docs_readthedocs_and_a_docs_tox_env(poisson: Path) -> None:
    rtd = load(poisson, ".readthedocs.yaml")
    assert rtd["mkdocs"]["configuration"] == "mkdocs.yml"
    assert load(poisson, "mkdocs.yml")["nav"] == [{"Home": "index.md"}]
    assert (poisson / "docs/index.md").read_text().startswith("# distkit-poisson\n")
    assert "[testenv:docs]" in (poisson / "tox.ini").read_text()


def test_sync_workflow_opens_a_labelled_pull_request_on_a_schedule(poisson: Path) -> None:
    sync = load(poisson, SYNC)
    assert sync[True]["schedule"]  # YAML 1.1 reads the key `on` as True
    assert "workflow_dispatch" in sync[True]
    job = sync["jobs"]["sync"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    script = "\n".join(step.get("run", "") for step in job["steps"])
    assert "distkit update >" in script
    assert "--diff-filter=U" in script  # conflicts are kept and committed for a person
    assert "git -c core.editor=true cherry-pick --continue" in script
    assert "gh pr create" in script
    assert '--label "$labels"' in script
    assert "labels=template-sync" in script
    assert 'labels="$labels,conflicts"' in script
    assert "${{" not in script  # no expression is pasted into a shell script (zizmor)


def test_drift_shows_in_ci_with_update_check(poisson: Path) -> None:
    sync = load(poisson, SYNC)
    assert {"push", "pull_request"} <= set(sync[True])
    check = sync["jobs"]["check"]
    assert "if" not in check
    assert any(
        step.get("run", "").rstrip().endswith("distkit update --check") for step in check["steps"]
    )
    (checkout,) = [s for s in check["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0  # the distkit-template branch comes along


def test_the_pytest_and_mypy_settings_are_strict(poisson: Path) -> None:
    import tomllib

    pyproject = tomllib.loads((poisson / "pyproject.toml").read_text())
    pytest_options = pyproject["tool"]["pytest"]["ini_options"]
    assert pytest_options["filterwarnings"] == ["error"]
    assert pytest_options["xfail_strict"] is True
    assert {"--strict-config", "--strict-markers", "-ra"} <= set(pytest_options["addopts"])
    mypy = pyproject["tool"]["mypy"]
    assert mypy["warn_unreachable"] is True
    assert {"ignore-without-code", "redundant-expr", "truthy-bool"} <= set(
        mypy["enable_error_code"]
    )
    assert "target-version" not in pyproject["tool"]["ruff"]
    assert pyproject["dependency-groups"]["dev"]


def test_distkits_own_repository_passes_the_review_and_zizmor() -> None:
    repo = Path(__file__).resolve().parents[2]
    passed, failed = review(repo)
    assert failed == []
    assert len(passed) >= 55
    assert zizmor_findings(repo) == []
