"""A password never shows: not from a URL's userinfo (plain or percent-encoded, from the command
line or a pypirc), not echoed back by a server, not under --debug. Credentials never cross the
network in clear text. The secret guard (conftest) greps every output and file of each test."""

from __future__ import annotations

import base64
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from distkit.release.redact import redact, split_userinfo
from distkit.release.targets import is_loopback_host
from tests.publishing.commands import error_line, invoke, run
from tests.publishing.conftest import SECRET, SECRETS, USER, Index

ECHOED = "sentinel-Echo-99z"


def test_redact_masks_userinfo_in_every_url_and_basic_auth() -> None:
    text = (
        "https://alice:SECRET@host/legacy/ http://a%40b:S%2FX@[::1]:8/ "
        "Authorization: Basic YWxpY2U6U0VDUkVU"
    )
    masked = redact(text)
    assert "SECRET" not in masked
    assert "S%2FX" not in masked
    assert "YWxpY2U6U0VDUkVU" not in masked
    assert "https://********@host/legacy/" in masked


def test_redact_leaves_ordinary_words_alone() -> None:
    text = "basic checks passed; an API token for TestPyPI; see https://host/x"
    assert redact(text) == text


def test_split_userinfo_decodes_the_credentials_and_keeps_a_clean_url() -> None:
    assert split_userinfo("https://al%40ce:SE%2FCRET@host:8/legacy/") == (
        "https://host:8/legacy/",
        "al@ce",
        "SE/CRET",
    )


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        *[("127.0.0.1", True), ("127.9.9.9", True), ("::1", True), ("localhost", True)],
        *[("10.0.0.1", False), ("example.org", False), ("127.example.org", False)],
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


@pytest.mark.slow
def test_credentials_in_the_url_are_used_and_never_printed(
    package: Path, pypiserver: Index
) -> None:
    url = pypiserver.url_with(USER, SECRET)
    code, out = invoke("publish", str(package), "--repository-url", url, "--no-tests")
    assert code == 0, out
    assert f"Publishing distkit-fixture 0.1.0 to {pypiserver.url}\n" in out
    assert "credentials from the repository URL's userinfo (user uploader)" in out
    assert len(list(pypiserver.packages.iterdir())) == 2


@pytest.mark.slow
def test_a_pypirc_url_with_wrong_credentials_fails_without_showing_them_even_with_debug(
    package: Path, pypiserver: Index, tmp_path: Path
) -> None:
    wrong = "sentinel-Wr0ng/pass"
    SECRETS.append(wrong)
    try:
        pypirc = tmp_path / "pypirc"
        url = pypiserver.url_with(USER, wrong)
        pypirc.write_text(f"[private]\nrepository = {url}\n")
        args = ("--repository", "private", "--config-file", str(pypirc), "--no-tests")
        result = run("--debug", "publish", str(package), *args)
        assert result.returncode == 1, result.stdout
        assert "refused the credentials from the pypirc file's userinfo" in result.stderr
        assert "Traceback" in result.stderr
        assert wrong not in result.stdout + result.stderr
    finally:
        SECRETS.remove(wrong)


def test_a_dry_run_to_a_url_with_userinfo_prints_only_the_clean_url(package: Path) -> None:
    url = f"https://{USER}:{SECRET.replace('/', '%2F')}@upload.example.invalid/legacy/"
    args = ("--repository-url", url, "--dry-run", "--no-tests")
    code, out = invoke("publish", str(package), *args)
    assert code == 0, out
    assert "Dry run: would upload 2 files to https://upload.example.invalid/legacy/" in out
    assert "%2F" not in out


def test_a_malformed_url_with_a_secret_is_one_line_that_hides_it(package: Path) -> None:
    args = ("publish", str(package), "--repository-url", f"http://u:{SECRET}@[::1/")
    result = run(*args)
    assert result.returncode == 2
    assert "is not a valid URL" in error_line(result.stderr)
    debug = run("--debug", *args)
    assert debug.returncode == 2
    assert "Traceback" in debug.stderr


@pytest.mark.parametrize("url", ["http://[::1/", "http://127.0.0.1:99999/", "http://:80/"])
def test_a_malformed_url_is_one_line(package: Path, url: str) -> None:
    code, out = invoke("publish", str(package), "--repository-url", url, "--dry-run")
    assert code == 2
    error_line(out)


@pytest.mark.usefixtures("secret_env")
def test_plain_http_to_another_machine_with_credentials_is_refused_before_connecting(
    package: Path,
) -> None:
    code, out = invoke("publish", str(package), "--repository-url", "http://10.0.0.1/legacy/")
    assert code == 2, out
    line = error_line(out)
    assert "clear text; use an https URL" in line
    assert "--allow-insecure-http" in line
    assert "Publishing" not in out


@pytest.mark.usefixtures("secret_env")
def test_allow_insecure_http_lets_a_dry_run_through(package: Path) -> None:
    url = "http://10.0.0.1/legacy/"
    args = ("--repository-url", url, "--allow-insecure-http", "--dry-run", "--no-tests")
    code, out = invoke("publish", str(package), *args)
    assert code == 0, out
    assert "sent nothing" in out


class _EchoAuthorization(http.server.BaseHTTPRequestHandler):
    """A bad index: it sends the Authorization header back in its reason and its body."""

    def do_GET(self) -> None:
        self.send_response(404)
        self.end_headers()

    def do_POST(self) -> None:
        auth = self.headers.get("Authorization", "")
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(400, f"Bad auth {auth}")
        self.end_headers()
        self.wfile.write(f"you sent {auth}".encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EchoAuthorization)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.mark.slow
def test_an_authorization_header_echoed_by_the_server_is_masked(
    package: Path, echo_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWINE_USERNAME", USER)
    monkeypatch.setenv("TWINE_PASSWORD", ECHOED)
    SECRETS.append(ECHOED)
    try:
        args = ("--repository-url", echo_server, "--no-tests", "--skip-existing")
        code, out = invoke("--debug", "publish", str(package), *args)
        assert code == 1, out
        assert base64.b64encode(f"{USER}:{ECHOED}".encode()).decode() not in out
        assert "Basic ********" in out
    finally:
        SECRETS.remove(ECHOED)


@pytest.mark.slow
def test_credentials_from_keyring_are_named_as_such_and_work(
    package: Path, pypiserver: Index, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import keyring
    import keyring.backends.null

    from tests.publishing.file_keyring import FileKeyring

    monkeypatch.delenv("TWINE_PASSWORD", raising=False)
    monkeypatch.setenv("TWINE_USERNAME", USER)
    monkeypatch.setenv("DISTKIT_TEST_KEYRING", str(tmp_path.parent / f"{tmp_path.name}.keyring"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.publishing.file_keyring.FileKeyring")
    FileKeyring().set_password(pypiserver.url, USER, SECRET)
    keyring.set_keyring(FileKeyring())
    try:
        args = ("--repository-url", pypiserver.url, "--no-tests")
        code, out = invoke("publish", str(package), *args)
    finally:
        keyring.set_keyring(keyring.backends.null.Keyring())
    assert code == 0, out
    assert "credentials from keyring (user uploader)" in out
    assert len(list(pypiserver.packages.iterdir())) == 2
