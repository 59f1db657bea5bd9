"""The studio's gate, against a real server: token, Host header, body size, port, Ctrl-C."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from distkit.studio.api import MAX_MIDI_BYTES
from distkit.studio.security import MAX_BODY
from tests.studio.conftest import Studio, start_studio

ROUTES = [
    ("GET", "/"),
    ("GET", "/static/studio.js"),
    ("GET", "/static/studio.css"),
    ("GET", "/api/models"),
    ("GET", "/api/examples"),
    ("POST", "/api/parse"),
    ("POST", "/api/text"),
    ("POST", "/api/melody"),
    ("POST", "/api/jobs"),
    ("GET", "/api/jobs/x"),
    ("GET", "/api/settings"),
    ("POST", "/api/export/midi"),
    ("POST", "/api/export/html"),
    ("GET", "/no/such/route"),
    ("GET", "/static/../../etc/passwd"),
]


def request(
    studio: Studio,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    chunked: bool = False,
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", studio.port, timeout=30)
    connection.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response.status, content


def with_token(studio: Studio) -> dict[str, str]:
    return {"X-Distkit-Token": studio.token}


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_refuses_a_request_without_the_token(
    studio: Studio, method: str, path: str
) -> None:
    assert request(studio, method, path, body=b"{}" if method == "POST" else None)[0] == 403


@pytest.mark.parametrize("token", ["", "wrong", "x" * 43])
def test_a_wrong_token_is_refused_in_the_query_and_in_the_header(
    studio: Studio, token: str
) -> None:
    assert request(studio, "GET", f"/api/models?token={token}")[0] == 403
    assert request(studio, "GET", "/api/models", headers={"X-Distkit-Token": token})[0] == 403


def test_the_token_in_the_query_or_the_header_is_let_in(studio: Studio) -> None:
    assert request(studio, "GET", f"/?token={studio.token}")[0] == 200
    status, body = request(studio, "GET", "/api/models", headers=with_token(studio))
    assert status == 200
    assert "chorale-hmm" in [model["name"] for model in json.loads(body)["models"]]


@pytest.mark.parametrize(
    "host", ["evil.example:{port}", "127.0.0.1", "127.0.0.1:1", "localhost.evil:{port}", ""]
)
def test_a_foreign_host_header_is_refused_even_with_the_token(studio: Studio, host: str) -> None:
    headers = {**with_token(studio), "Host": host.format(port=studio.port)}
    assert request(studio, "GET", "/api/models", headers=headers)[0] == 403


def test_localhost_is_a_host_the_studio_answers_to(studio: Studio) -> None:
    headers = {**with_token(studio), "Host": f"localhost:{studio.port}"}
    assert request(studio, "GET", "/api/models", headers=headers)[0] == 200


@pytest.mark.parametrize("chunked", [False, True])
def test_an_oversized_upload_is_refused(studio: Studio, chunked: bool) -> None:
    body = b"MThd" + b"\0" * MAX_BODY
    status, content = request(
        studio, "POST", "/api/melody", body=body, headers=with_token(studio), chunked=chunked
    )
    assert status == 413
    assert b"too large" in content


def test_an_upload_over_the_midi_limit_is_refused(studio: Studio) -> None:
    body = b"MThd" + b"\0" * MAX_MIDI_BYTES
    status, content = request(studio, "POST", "/api/melody", body=body, headers=with_token(studio))
    assert status == 400
    assert "larger than" in json.loads(content)["error"]


@pytest.mark.parametrize("body", [b"", b"not midi at all", b"MThd\0\0\0\6garbage"])
def test_an_upload_that_is_not_midi_is_one_line_without_a_path(studio: Studio, body: bytes) -> None:
    status, content = request(studio, "POST", "/api/melody", body=body, headers=with_token(studio))
    error = json.loads(content)["error"]
    assert status == 400
    assert "MIDI" in error
    assert "/tmp" not in error
    assert "\n" not in error


def test_the_studio_never_writes_its_token_to_its_log(studio: Studio) -> None:
    request(studio, "GET", f"/api/models?token={studio.token}")
    request(studio, "GET", "/nothing?token=wrong")
    _code, out, err = studio.stop()
    assert studio.token not in err
    assert studio.token not in out  # after the one link printed for --no-browser


def test_ctrl_c_stops_the_studio_cleanly(studio: Studio) -> None:
    code, out, err = studio.stop()
    assert code == 0
    assert "stopped" in out
    assert "Traceback" not in err


def test_a_taken_port_is_one_line_and_exit_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "distkit", "studio", "--no-browser", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: port {port} on 127.0.0.1 is in use by another program (choose another with --port)"
    ]


def test_the_studio_listens_on_loopback_only(studio: Studio) -> None:
    table = Path("/proc/net/tcp")
    if not table.exists():
        pytest.skip("no /proc/net/tcp to read listening sockets from")
    listening = [
        fields[1]
        for fields in (line.split() for line in table.read_text().splitlines()[1:])
        if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == studio.port
    ]
    assert listening == [f"0100007F:{studio.port:04X}"]  # 127.0.0.1, little-endian hex


def test_a_started_studio_with_another_port_runs_alongside() -> None:
    first = start_studio()
    second = start_studio()
    try:
        assert first.port != second.port
        assert first.token != second.token
    finally:
        assert first.stop()[0] == 0
        assert second.stop()[0] == 0
