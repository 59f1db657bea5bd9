"""The local index's upload password goes only to the pypiserver distkit started and still owns
(issue 25, item 1): a process holding the saved port while the index is stopped, this user's or
another local user's, never receives an Authorization header, and `distkit index start` does
not report success. Real processes: distkit, pypiserver and the impostor."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from distkit.release import local_index as index
from tests.publishing.commands import error_line, run

pytestmark = pytest.mark.usefixtures("local_index")
OTHER_USER = "distkit-impostor"

# An HTTP server that answers everything as a healthy index would (200 to /health, an empty
# Simple API page, 200 to uploads) and prints each Authorization header it receives.
IMPOSTOR = r"""
import http.server, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self):
        seen = self.headers.get("Authorization")
        if seen:
            print("AUTHORIZATION " + seen, flush=True)
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        body = b"<html><body></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = answer
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
print("LISTENING", flush=True)
server.serve_forever()
"""


def saved_port() -> int:
    """The index's port, as a first start saves it; the index is stopped again."""
    started = run("index", "start")
    assert started.returncode == 0, started.stderr
    port = index.status()
    assert port is not None
    assert run("index", "stop").stdout == "stopped\n"
    return port.port


def hold(port: int, user: str | None = None) -> subprocess.Popen[str]:
    """The impostor, listening on `port` (as `user` when given)."""
    python = sys.executable if user is None else other_python()
    impostor = subprocess.Popen(
        [python, "-c", IMPOSTOR, str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        user=user,
        cwd="/",
    )
    assert impostor.stdout is not None
    assert impostor.stdout.readline() == "LISTENING\n"
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
        assert answer.status == 200  # it answers as the index would
    return impostor


def other_python() -> str:
    """A Python another user may run (this venv's may sit in root's home)."""
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.access(candidate, os.X_OK):
            return candidate
    pytest.skip("no system-wide python3 for the second user")


def what_it_heard(impostor: subprocess.Popen[str]) -> str:
    impostor.terminate()
    out, _ = impostor.communicate(timeout=10)
    return out


def test_index_start_refuses_a_port_another_process_holds() -> None:
    port = saved_port()
    impostor = hold(port)
    try:
        result = run("index", "start")
        assert result.returncode == 1, result.stdout
        line = error_line(result.stderr)
        assert f"port {port} on 127.0.0.1 is held by another process" in line
        assert "local index at" not in result.stdout
        assert run("index", "status").returncode == 1
        assert index._our_servers(index.index_dir()) == []
    finally:
        heard = what_it_heard(impostor)
    assert "AUTHORIZATION" not in heard


@pytest.mark.slow
def test_publish_local_sends_no_credentials_to_a_process_on_the_saved_port(
    package: Path,
) -> None:
    port = saved_port()
    impostor = hold(port)
    try:
        result = run("publish", str(package), "--local", "--no-tests", "--yes")
    finally:
        heard = what_it_heard(impostor)
    assert "AUTHORIZATION" not in heard, "the upload password went to the impostor"
    assert result.returncode == 1, result.stdout
    assert f"port {port} on 127.0.0.1 is held by another process" in error_line(result.stderr)
    assert "Published" not in result.stdout


def test_the_password_is_not_sent_once_the_server_gave_up_its_port() -> None:
    """The index died after publish started (its port now someone else's): confirm() says so
    right before an upload would send the password."""
    server = index.start()
    index.confirm(server)  # the live server passes
    os.kill(server.pid, 9)
    index._wait_gone(server.pid)
    impostor = hold(server.port)
    try:
        from distkit.errors import LocalIndexError

        with pytest.raises(LocalIndexError, match="no longer holds port"):
            index.confirm(server)
        assert index.status() is None
    finally:
        heard = what_it_heard(impostor)
    assert "AUTHORIZATION" not in heard


@pytest.fixture
def other_user() -> Iterator[str]:
    """A second local user, made for the test and removed after it."""
    if os.geteuid() != 0:
        pytest.skip("making a second local user needs root (as in CI)")
    if shutil.which("useradd") is None or shutil.which("userdel") is None:
        pytest.skip("useradd/userdel are not installed")
    existed = subprocess.run(["id", OTHER_USER], capture_output=True).returncode == 0
    if not existed:
        made = subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OTHER_USER],
            capture_output=True,
            text=True,
        )
        if made.returncode != 0:
            pytest.skip(f"useradd failed: {made.stderr.strip()}")
    other_python()
    try:
        yield OTHER_USER
    finally:
        if not existed:
            subprocess.run(["userdel", OTHER_USER], capture_output=True)


@pytest.mark.slow
def test_another_local_user_on_the_saved_port_gets_no_credentials(
    package: Path, other_user: str
) -> None:
    port = saved_port()
    impostor = hold(port, user=other_user)
    try:
        for _ in range(2):  # the same refusal each time; nothing is taken over meanwhile
            result = run("publish", str(package), "--local", "--no-tests", "--yes")
            assert result.returncode == 1, result.stdout
            assert "held by another process" in error_line(result.stderr)
            time.sleep(0.2)
    finally:
        heard = what_it_heard(impostor)
    assert "AUTHORIZATION" not in heard, "another user received the upload password"
    assert not any((index.index_dir() / "packages").iterdir())
