"""Each way a publish can fail gives one line and a non-zero exit, and never shows the secret."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from distkit.release.build import Project
from distkit.release.checks import foreign_versions
from distkit.release.local_index import free_port
from distkit.release.preflight import git_tags
from tests.publishing.commands import error_line, invoke


@pytest.mark.slow
def test_wrong_password_is_refused_in_one_line(package: Path, pypiserver, secret_env, monkeypatch):
    wrong = "sentinel-WRONG-91c4"
    monkeypatch.setenv("TWINE_PASSWORD", wrong)
    code, out = invoke("publish", str(package), "--repository-url", pypiserver.url, "--no-tests")
    assert code == 1
    line = error_line(out)
    assert "refused the credentials from TWINE_PASSWORD environment variable (HTTP 403)" in line
    assert wrong not in out
    assert list(pypiserver.packages.iterdir()) == []


@pytest.mark.slow
def test_dead_port_is_one_line(package: Path, secret_env: str) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    code, out = invoke("publish", str(package), "--repository-url", url, "--no-tests")
    assert code == 1
    assert "cannot reach" in error_line(out)
    assert secret_env not in out


@pytest.mark.slow
def test_missing_readme_fails_twine_check_in_one_line(package: Path) -> None:
    (package / "README.md").unlink()
    code, out = invoke("build", str(package))
    assert code == 1
    line = error_line(out)
    assert line.startswith("Error: twine check failed:")
    assert "long_description" in line


@pytest.mark.slow
def test_a_failed_build_shows_the_backend_reason_and_a_tip(package: Path) -> None:
    pyproject = package / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('license = "MIT"', 'license = "Not-A-License"')
    )
    code, out = invoke("build", str(package))
    assert code == 1
    line = error_line(out)
    assert line.startswith("Error: build failed:")
    assert "project.license" in line
    assert "then run `distkit build` again" in line


def test_invalid_pypirc_is_one_line(package: Path, tmp_path: Path) -> None:
    pypirc = tmp_path / "pypirc"
    pypirc.write_text("[distutils\nindex-servers = x\n")
    code, out = invoke(
        "publish", str(package), "--repository", "x", "--config-file", str(pypirc), "--dry-run"
    )
    assert code == 2
    assert "is not a valid pypirc file" in error_line(out)


@pytest.mark.parametrize("kind", ["missing", "fifo"])
def test_a_named_pypirc_that_is_missing_or_not_a_file_is_one_line(
    package: Path, tmp_path: Path, kind: str
) -> None:
    import os

    pypirc = tmp_path / "pypirc"
    if kind == "fifo":
        os.mkfifo(pypirc)
    for repository in ("x", "testpypi"):
        args = ("--repository", repository, "--config-file", str(pypirc), "--dry-run")
        code, out = invoke("publish", str(package), *args)
        assert code == 2
        expected = "no such pypirc file" if kind == "missing" else "not a regular file"
        assert expected in error_line(out)


@pytest.mark.parametrize(
    "url", ["https://pypi.org/simple/", "https://test.pypi.org/", "http://127.0.0.1:1/simple/"]
)
def test_a_download_url_is_not_an_upload_endpoint(package: Path, url: str) -> None:
    code, out = invoke("publish", str(package), "--repository-url", url, "--dry-run")
    assert code == 2
    assert "is not an upload endpoint" in error_line(out)


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWINE_PASSWORD", raising=False)


@pytest.mark.slow
@pytest.mark.usefixtures("no_credentials")
def test_a_dry_run_without_credentials_fails_that_check_and_runs_the_rest(package: Path) -> None:
    code, out = invoke("publish", str(package), "--test", "--dry-run", "--no-tests")
    assert code == 1, out
    assert "  FAIL no credentials for TestPyPI: set TWINE_USERNAME" in out
    assert "twine check --strict passed" in out
    assert "1 check failed" in error_line(out)


@pytest.mark.usefixtures("no_credentials")
def test_missing_credentials_stop_an_upload_in_one_line_before_building(package: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    code, out = invoke("publish", str(package), "--repository-url", url, "--no-tests")
    assert code == 2, out
    assert "no credentials for" in error_line(out)
    assert not (package / "dist").exists()


def test_stdlib_name_is_refused(package: Path) -> None:
    pyproject = package / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"distkit-fixture"', '"email"'))
    code, out = invoke("publish", str(package), "--test", "--dry-run", "--no-tests")
    assert code == 2, out
    assert "shadow the standard library module 'email'" in error_line(out)


def test_a_package_without_tox_config_is_one_line(package: Path) -> None:
    (package / "tox.ini").unlink()
    code, out = invoke("test", str(package))
    assert code == 2
    assert "no tox configuration" in error_line(out)


@pytest.mark.slow
def test_failing_tests_exit_1_with_a_summary(package: Path) -> None:
    test_file = package / "tests" / "test_fixture.py"
    test_file.write_text(test_file.read_text().replace('== "fixture"', '== "other"'))
    code, out = invoke("test", str(package))
    assert code == 1
    assert "0/1 envs passed" in out


@pytest.mark.slow
def test_skip_existing_uploads_only_the_missing_files(
    package: Path, pypiserver, secret_env
) -> None:
    code, out = invoke("build", str(package))
    assert code == 0, out
    sdist = package / "dist" / "distkit_fixture-0.1.0.tar.gz"
    (pypiserver.packages / sdist.name).write_bytes(sdist.read_bytes())
    args = ("publish", str(package), "--repository-url", pypiserver.url, "--no-tests")
    code, out = invoke(*args)
    assert code == 1
    assert "is already on" in error_line(out)
    code, out = invoke(*args, "--skip-existing")
    assert code == 0, out
    assert "skipping 1 files already on" in out
    assert "Uploading distkit_fixture-0.1.0-py3-none-any.whl" in out
    assert "Uploading distkit_fixture-0.1.0.tar.gz" not in out


@pytest.mark.slow
def test_skip_existing_with_every_file_there_uploads_nothing_and_verifies(
    package: Path, pypiserver, secret_env
) -> None:
    code, out = invoke("build", str(package))
    assert code == 0, out
    for file in (package / "dist").iterdir():
        (pypiserver.packages / file.name).write_bytes(file.read_bytes())
    args = ("publish", str(package), "--repository-url", pypiserver.url, "--no-tests")
    code, out = invoke(*args, "--skip-existing")
    assert code == 0, out
    assert "all 2 files of distkit-fixture 0.1.0 are already on" in out
    assert "Uploading" not in out
    assert "installed distkit-fixture==0.1.0 back" in out
    assert secret_env not in out


@pytest.mark.slow
def test_a_name_held_with_higher_versions_is_flagged_before_upload(
    package: Path, pypiserver, secret_env
) -> None:
    (pypiserver.packages / "distkit_fixture-7.0.0.tar.gz").write_bytes(b"someone else's")
    args = ("publish", str(package), "--repository-url", pypiserver.url, "--no-tests")
    code, out = invoke(*args, "--dry-run")
    assert code == 0, out
    assert "  warn distkit-fixture on" in out
    assert "higher versions that are not this package's git tags (7.0.0)" in out
    assert "probably someone else's" in out
    assert secret_env not in out


@pytest.mark.slow
def test_a_lower_version_on_the_index_is_an_ordinary_bump_and_not_flagged(
    package: Path, pypiserver, secret_env
) -> None:
    (pypiserver.packages / "distkit_fixture-0.0.9.tar.gz").write_bytes(b"our last release")
    args = ("publish", str(package), "--repository-url", pypiserver.url, "--no-tests")
    code, out = invoke(*args, "--dry-run")
    assert code == 0, out
    assert "  warn " not in out
    assert "someone else's" not in out


@pytest.mark.slow
def test_failing_tests_stop_publish_naming_the_env_and_the_command(
    package: Path, pypiserver, secret_env
) -> None:
    test_file = package / "tests" / "test_fixture.py"
    test_file.write_text(test_file.read_text().replace('== "fixture"', '== "other"'))
    code, out = invoke("publish", str(package), "--repository-url", pypiserver.url, "--dry-run")
    assert code == 1, out
    line = error_line(out)
    assert f"tests failed (py); run `distkit test {package}` to see why" in line
    assert "(or pass --no-tests)" in line
    assert secret_env not in out


def git_tag(path: Path, tag: str) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "x")
    git("tag", tag)


def test_foreign_versions_are_higher_than_ours_and_not_our_git_tags(tmp_path: Path) -> None:
    project = Project(tmp_path, "demo", "1.0")
    held = ["demo-0.9.0.tar.gz", "demo-1.0.0-py3-none-any.whl", "demo-2.0.tar.gz", "README"]
    assert foreign_versions(project.version, held, []) == ["2.0"]


def test_a_higher_version_that_is_a_git_tag_is_ours(tmp_path: Path) -> None:
    git_tag(tmp_path, "v2.0")
    project = Project(tmp_path, "demo", "1.0")
    held = ["demo-2.0.tar.gz", "demo-3.0.tar.gz"]
    assert foreign_versions(project.version, held, git_tags(project.path)) == ["3.0"]
