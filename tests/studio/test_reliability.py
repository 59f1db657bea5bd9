"""The studio as an attacker and an impatient user see it (issue 25, items 4, 9, 11, 12, 17):
real `distkit studio` processes, real sockets, real signals."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.studio.conftest import Studio, model_env, start_studio

MELODY = {"notes": [[67, 0, 4], [74, 4, 8], [72, 8, 16]], "steps": 16}


def call(studio: Studio, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = (
        None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{studio.port}{path}",
        data=data,
        method=method,
        headers={"X-Distkit-Token": studio.token, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def wait_for(predicate: Any, what: str, tries: int = 600) -> Any:
    for _ in range(tries):
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return (
        Path(f"/proc/{pid}").exists()
        and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
    )


def job_pids(studio: Studio) -> set[int]:
    children = Path(f"/proc/{studio.process.pid}/task/{studio.process.pid}/children")
    return {int(pid) for pid in children.read_text().split()}


@pytest.fixture
def limited(model_site: Path, tmp_path: Path) -> Any:
    running = start_studio("--jobs", "2", "--time-limit", "4", env=model_env(model_site, tmp_path))
    yield running
    running.stop()


def test_the_browser_is_not_given_the_token_on_its_command_line(
    model_site: Path, tmp_path: Path
) -> None:
    record = tmp_path / "browser-argv.json"
    browser = tmp_path / "fake-browser"
    browser.write_text(
        f"#!{sys.executable}\nimport json, pathlib, stat, sys\n"
        f"record = pathlib.Path({str(record)!r})\n"
        "seen = {'argv': sys.argv}\n"  # first what `ps` shows, then what the page is
        "page = pathlib.Path(sys.argv[1].removeprefix('file://'))\n"
        "if page.is_file():\n"
        "    seen.update(mode=stat.S_IMODE(page.stat().st_mode), page=page.read_text(),\n"
        "                folder=stat.S_IMODE(page.parent.stat().st_mode))\n"
        "record.with_suffix('.tmp').write_text(json.dumps(seen))\n"
        "record.with_suffix('.tmp').rename(record)\n"
    )
    browser.chmod(0o755)
    env = {**os.environ, **model_env(model_site, tmp_path), "BROWSER": f"{browser} %s"}
    process = subprocess.Popen(
        [sys.executable, "-m", "distkit", "studio"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env,
    )  # fmt: skip
    try:
        seen = wait_for(lambda: record.exists() and json.loads(record.read_text()), "the browser")
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert all("token=" not in argument for argument in seen["argv"])
    token = seen["page"].split("token=")[1].split('"')[0]
    assert len(token) > 20
    assert all(token not in argument for argument in seen["argv"])
    assert seen["argv"][1].startswith("file://")
    assert (seen["mode"], seen["folder"]) == (0o600, 0o700)
    assert token not in out + err
    assert not Path(seen["argv"][1].removeprefix("file://")).exists()  # removed on exit


def test_a_hanging_model_gets_a_busy_answer_a_time_limit_and_ctrl_c_stops_all(
    limited: Studio,
) -> None:
    started = [call(limited, "POST", "/api/jobs", {**MELODY, "model": "hangs"}) for _ in range(2)]
    assert [status for status, _ in started] == [202, 202]
    status, busy = call(limited, "POST", "/api/jobs", {**MELODY, "model": "parallel"})
    assert status == 503
    assert busy["busy"]
    assert "busy" in busy["error"]
    assert call(limited, "GET", "/api/models")[0] == 200  # the rest of the studio answers
    workers = job_pids(limited)
    assert len(workers) == 2
    ended = wait_for(
        lambda: all(
            call(limited, "GET", f"/api/jobs/{job['id']}")[1]["state"] == "timed-out"
            for _, job in started
        ),
        "the time limit",
    )
    assert ended
    assert not any(alive(pid) for pid in workers)
    assert call(limited, "POST", "/api/jobs", {**MELODY, "model": "parallel"})[0] == 202


def test_ctrl_c_stops_the_studio_its_workers_and_a_slow_client_at_once(limited: Studio) -> None:
    call(limited, "POST", "/api/jobs", {**MELODY, "model": "hangs"})
    workers = job_pids(limited)
    slow = socket.create_connection(("127.0.0.1", limited.port))
    slow.sendall(
        f"POST /api/parse HTTP/1.1\r\nHost: 127.0.0.1:{limited.port}\r\n"
        f"X-Distkit-Token: {limited.token}\r\nContent-Length: 100000\r\n\r\n{{".encode()
    )  # and never the rest of the body
    time.sleep(0.5)
    limited.process.send_signal(signal.SIGINT)
    time.sleep(0.2)
    limited.process.send_signal(signal.SIGINT)  # an impatient second Ctrl-C
    code, _out, err = limited.stop()
    slow.close()
    assert "Traceback" not in err, err
    assert code in (0, 130), err
    assert not any(alive(pid) for pid in workers)


def test_cancel_stops_a_slow_models_work_on_the_server(studio: Studio, tmp_path: Path) -> None:
    steps = tmp_path / "steps.log"
    status, job = call(studio, "POST", "/api/jobs", {**MELODY, "model": "slow"})
    assert status == 202
    wait_for(lambda: steps.exists() and len(steps.read_text().splitlines()) >= 3, "three steps")
    worker = int(steps.read_text().split()[0])
    status, view = call(studio, "DELETE", f"/api/jobs/{job['id']}")
    assert view["state"] == "cancelled"
    done = len(steps.read_text().splitlines())
    wait_for(lambda: not alive(worker), "the worker to end")
    time.sleep(0.5)  # ten of the model's steps, had it gone on
    assert len(steps.read_text().splitlines()) == done < 60


def test_a_model_raising_keyboard_interrupt_is_one_clean_error(studio: Studio) -> None:
    _, job = call(studio, "POST", "/api/jobs", {**MELODY, "model": "interrupts"})
    view = wait_for(
        lambda: (v := call(studio, "GET", f"/api/jobs/{job['id']}")[1])["state"] != "running" and v,
        "the answer",
    )
    assert view["state"] == "failed"
    assert "KeyboardInterrupt" in view["error"]
    assert call(studio, "GET", "/api/models")[0] == 200
    _code, out, err = studio.stop()
    assert "Traceback" not in err, err
    assert out.strip().splitlines()[-1] == "distkit studio stopped."


def test_deeply_nested_json_is_a_one_line_400(studio: Studio) -> None:
    for path in ("/api/parse", "/api/jobs", "/api/export/midi"):
        status, answer = call(studio, "POST", path, b"[" * 200_000)
        assert status == 400, (path, answer)
        assert "nested too deeply" in answer["error"]
    _code, _out, err = studio.stop()
    assert "Traceback" not in err, err
    assert "RecursionError" not in err, err


def test_the_same_port_is_reused_at_once_after_a_restart(model_site: Path, tmp_path: Path) -> None:
    first = start_studio(env=model_env(model_site, tmp_path))
    port = first.port
    with socket.create_connection(("127.0.0.1", port)) as client:  # the server closes first,
        client.sendall(f"GET /favicon.ico HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                       "Connection: close\r\n\r\n".encode())  # fmt: skip
        assert client.recv(100).startswith(b"HTTP/1.1 200")  # (and the icon is no 403)
        while client.recv(4096):
            pass
    first.stop()  # which leaves its side of the connection in TIME-WAIT
    second = start_studio("--port", str(port), env=model_env(model_site, tmp_path))
    assert second.port == port
    second.stop()


def test_a_wav_export_takes_memory_linear_in_its_length(studio: Studio) -> None:
    """Four voices of 1,024 beats: the studio's largest request, about 290 KB of JSON."""
    voices = {
        voice: [[60 + 3 * index + (step // 4) % 7, step, step + 4] for step in range(0, 4096, 4)]
        for index, voice in enumerate(("bass", "tenor", "alto", "soprano"))
    }
    body = json.dumps({"voices": voices, "steps": 4096, "tempo": 40}).encode()
    before = _peak_kib(studio.process.pid)
    request = urllib.request.Request(
        f"http://127.0.0.1:{studio.port}/api/export/wav", data=body, method="POST",
        headers={"X-Distkit-Token": studio.token, "Content-Type": "application/json"},
    )  # fmt: skip
    size = 0
    with urllib.request.urlopen(request, timeout=600) as response:
        while chunk := response.read(1 << 20):
            size += len(chunk)
    grown = _peak_kib(studio.process.pid) - before
    kilobytes, megabytes, mebibytes = len(body) / 1000, size / 1e6, grown / 1024
    print(f"request {kilobytes:.0f} kB, WAV {megabytes:.1f} MB, peak grew {mebibytes:.0f} MiB")
    assert size > 60_000_000  # 25.6 minutes of 16-bit sound at 22,050 Hz
    assert grown < 150 * 1024  # the old in-memory mix grew the server by over 1 GB


def _peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


def test_what_models_print_never_takes_the_studios_own_stdout(studio: Studio) -> None:
    jobs = [call(studio, "POST", "/api/jobs", {**MELODY, "model": "talks"})[1] for _ in range(2)]
    for job in jobs:
        wait_for(
            lambda j=job: call(studio, "GET", f"/api/jobs/{j['id']}")[1]["state"] == "done", "talks"
        )
    _code, out, err = studio.stop()
    assert "talks: thinking" not in out
    assert err.count("talks: thinking") == 10
    assert out.strip().splitlines()[-1] == "distkit studio stopped."


def test_a_model_that_reports_progress_is_seen_by_the_poller(studio: Studio) -> None:
    _, job = call(studio, "POST", "/api/jobs", {**MELODY, "model": "reports"})
    seen = set()
    while (view := call(studio, "GET", f"/api/jobs/{job['id']}")[1])["state"] == "running":
        if view["progress"] is not None:
            seen.add(view["progress"])
        time.sleep(0.1)
    assert view["state"] == "done"
    assert len(seen) >= 2  # it moved while the page watched
    assert all(0 < fraction <= 1 for fraction in seen)
