"""A password in a URL may hold a raw "@", "/", "?" or "#": the userinfo is everything up to
the LAST "@", so no part of such a password is ever printed, and it is the password that
uploads (issue 25, item 3). Real processes against a real pypiserver on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from distkit.release.local_index import free_port
from distkit.release.redact import redact, split_userinfo
from tests.publishing.commands import error_line, run

PASSWORDS = ["S3cr3t/P@ssw0rdTAIL", "S3cr3t#P@ssw0rdTAIL", "S3cr3t?P@ssw0rdTAIL"]
# Every piece of the passwords above that must never be printed.
PIECES = ["S3cr3t", "P@ss", "ssw0rd", "TAIL"]


def assert_no_piece(text: str) -> None:
    for piece in PIECES:
        assert piece not in text, f"{piece!r} was printed:\n{text}"


@pytest.mark.parametrize("password", PASSWORDS)
def test_redact_and_split_take_the_userinfo_up_to_the_last_at(password: str) -> None:
    url = f"http://alice:{password}@127.0.0.1:8080/legacy/"
    assert redact(f"see {url} now") == "see http://********@127.0.0.1:8080/legacy/ now"
    assert split_userinfo(url) == ("http://127.0.0.1:8080/legacy/", "alice", password)


@pytest.fixture
def alice_index(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A pypiserver on 127.0.0.1 where alice uploads with the test's password; its URL."""
    from passlib.apache import HtpasswdFile

    password = request.param
    packages = tmp_path / "alice-index"
    packages.mkdir()
    table = HtpasswdFile(str(tmp_path / "alice.htpasswd"), new=True)
    table.set_password("alice", password)
    table.save()
    port = free_port()
    command = [sys.executable, "-m", "pypiserver", "run", "-i", "127.0.0.1", "-p", str(port)]
    command += ["-P", str(tmp_path / "alice.htpasswd"), "-a", "update", "--disable-fallback"]
    server = subprocess.Popen([*command, str(packages)], stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://alice:{password}@127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(10)


@pytest.mark.parametrize("alice_index", PASSWORDS[1:], indirect=True)
def test_a_dry_run_never_prints_a_piece_of_the_password(alice_index: str, package: Path) -> None:
    result = run(
        "publish", str(package), "--repository-url", alice_index, "--no-tests", "--dry-run"
    )
    assert_no_piece(result.stdout + result.stderr)
    assert result.returncode == 0, result.stderr
    assert "Dry run: would upload 2 files to http://127.0.0.1:" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("alice_index", PASSWORDS[:1], indirect=True)
def test_the_whole_password_uploads_and_no_piece_is_printed(
    alice_index: str, package: Path
) -> None:
    result = run("publish", str(package), "--repository-url", alice_index, "--no-tests")
    assert_no_piece(result.stdout + result.stderr)
    assert result.returncode == 0, result.stderr
    assert "Published: http://127.0.0.1:" in result.stdout


@pytest.mark.parametrize("alice_index", PASSWORDS[:1], indirect=True)
def test_a_wrong_password_with_an_at_is_refused_in_one_line_without_it(
    alice_index: str, package: Path
) -> None:
    wrong = alice_index.replace("TAIL@", "TAIL0@")
    result = run("publish", str(package), "--repository-url", wrong, "--no-tests")
    assert_no_piece(result.stdout + result.stderr)
    assert result.returncode == 1
    assert "refused the credentials" in error_line(result.stderr)
