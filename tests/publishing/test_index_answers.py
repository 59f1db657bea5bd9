"""An index that answers the Simple API with garbage (HTML or JSON nonsense, wrong types, cut
short, too big, not UTF-8, nested too deep, not even HTTP) is one line, never one of a parser's
exceptions (issue 25, item 13). The garbage comes from a real server process on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from distkit.errors import IndexAnswerError
from distkit.release import simple_api
from distkit.release.local_index import free_port
from tests.publishing.commands import error_line, run

# Answers every GET with the garbage its mode names: the project page, and the root too when
# the mode starts with "root-".
GARBAGE_SERVER = r"""
import http.server, sys
MODE, PORT = sys.argv[1], int(sys.argv[2])
JSON = "application/vnd.pypi.simple.v1+json"
BODIES = {
    "json-not-json": (JSON, b"{not json"),
    "json-list": (JSON, b"[1, 2, 3]"),
    "json-files-not-list": (JSON, b'{"files": 5}'),
    "json-filename-number": (JSON, b'{"files": [{"filename": 7}]}'),
    "json-file-a-string": (JSON, b'{"files": ["x.whl"]}'),
    "json-hashes-string": (JSON, b'{"files": [{"filename": "x-1.0.tar.gz", "hashes": "abc"}]}'),
    "json-sha256-list": (
        JSON, b'{"files": [{"filename": "x-1.0.tar.gz", "hashes": {"sha256": [1]}}]}'
    ),
    "json-deep": (JSON, b"[" * 200000 + b"]" * 200000),
    "not-utf8": (JSON, b'{"files": [{"filename": "\xff\xfe"}]}'),
    "html-garbage": ("text/html", b"<a href='#sha256=zz'>\x00<<<</a><![if x]><!-- <a>"),
    "root-json-garbage": (JSON, b'{"projects": [{"name": 1}]}'),
    "root-not-json": (JSON, b"]]]"),
}
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        root = self.path.rstrip("/") == "/simple"
        if root and not MODE.startswith("root-"):
            return self.answer("text/html", b"<html><body></body></html>")
        if MODE == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", JSON)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b'{"files": [')
            self.wfile.flush()
            self.close_connection = True
            return
        if MODE == "huge":
            size = 64 * 1024 * 1024 + 10
            self.send_response(200)
            self.send_header("Content-Type", JSON)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            chunk = b" " * (1 << 20)
            for _ in range(size >> 20):
                self.wfile.write(chunk)
            self.wfile.write(b" " * (size % (1 << 20)))
            return
        if MODE == "not-http":
            self.wfile.write(b"GARBAGE\r\n\r\n")
            self.close_connection = True
            return
        self.answer(*BODIES[MODE])
    def answer(self, kind, body):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
print("LISTENING", flush=True)
server.serve_forever()
"""

PROJECT_MODES = [
    "json-not-json",
    "json-list",
    "json-files-not-list",
    "json-filename-number",
    "json-file-a-string",
    "json-hashes-string",
    "json-sha256-list",
    "json-deep",
    "not-utf8",
    "truncated",
    "huge",
    "not-http",
]


@pytest.fixture
def garbage(request: pytest.FixtureRequest) -> Iterator[str]:
    """A server process answering with the garbage the test's parameter names; its URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", GARBAGE_SERVER, request.param, str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert server.stdout.readline() == "LISTENING\n"
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.kill()
        server.wait()


@pytest.mark.parametrize("garbage", PROJECT_MODES, indirect=True)
def test_a_malformed_project_page_is_an_index_answer_error(garbage: str) -> None:
    with pytest.raises(IndexAnswerError) as refused:
        simple_api.project_files(garbage + "simple/", "distkit-fixture")
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{garbage}simple/distkit-fixture/ ")


@pytest.mark.parametrize("garbage", ["html-garbage"], indirect=True)
def test_lenient_html_garbage_reads_as_what_it_lists(garbage: str) -> None:
    files = simple_api.project_files(garbage + "simple/", "distkit-fixture")
    assert isinstance(files, dict)
    assert all(isinstance(name, str) and isinstance(h, str) for name, h in files.items())


@pytest.mark.parametrize("garbage", ["root-json-garbage", "root-not-json"], indirect=True)
def test_a_malformed_project_list_is_one_line_before_anything_is_built(
    garbage: str, package: Path
) -> None:
    result = run("publish", str(package), "--repository-url", garbage, "--no-tests", "--dry-run")
    assert result.returncode == 1, result.stdout
    line = error_line(result.stderr)
    assert f"{garbage}simple/ answered something that is not a Simple API page" in line
    assert "built" not in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("garbage", ["json-hashes-string", "truncated"], indirect=True)
def test_publish_says_one_line_for_a_malformed_project_page(garbage: str, package: Path) -> None:
    result = run("publish", str(package), "--repository-url", garbage, "--no-tests", "--dry-run")
    assert result.returncode == 1, result.stdout
    line = error_line(result.stderr)
    assert f"{garbage}simple/distkit-fixture/" in line
