"""`distkit index` manages distkit's own index: its credentials, one server, a stable port, and
no process signalled unless it is that server."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from distkit.release import local_index as index
from tests.publishing.commands import error_line, invoke, run

pytestmark = pytest.mark.usefixtures("local_index")


def servers() -> list[index.Server]:
    return index._our_servers(index.index_dir())


def test_index_start_is_reused_and_stop_stops_it() -> None:
    code, out = invoke("index", "status")
    assert code == 1
    assert "the local index is not running" in error_line(out)
    code, out = invoke("index", "start")
    assert code == 0, out
    assert "local index at http://127.0.0.1:" in out
    code, again = invoke("index", "start")
    assert again == out
    code, url = invoke("index", "url")
    assert url.startswith("http://127.0.0.1:")
    assert url.endswith("/simple/\n")
    assert invoke("index", "stop") == (0, "stopped\n")
    assert invoke("index", "status")[0] == 1
    code, out = invoke("index", "url")
    assert code == 1
    assert "not running" in out


def test_the_index_keeps_its_port_across_restarts() -> None:
    port = index.free_port()
    code, out = invoke("index", "start", "--port", str(port))
    assert code == 0, out
    assert f"http://127.0.0.1:{port}/" in out
    invoke("index", "stop")
    code, out = invoke("index", "start")
    assert f"http://127.0.0.1:{port}/" in out


def test_a_fifo_in_the_saved_port_s_or_the_log_s_place_is_not_waited_on() -> None:
    import os

    root = index.index_dir()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.mkfifo(root / "port")
    os.mkfifo(root / "server.log")
    assert index._saved_port(root) is None
    code, out = invoke("index", "start")
    assert code == 0, out
    assert "local index at http://127.0.0.1:" in out
    assert index._saved_port(root) is not None
    assert (root / "server.log").is_file()
    invoke("index", "stop")


def test_an_index_folder_that_is_a_file_is_one_line() -> None:
    root = index.index_dir()
    root.parent.mkdir(parents=True, exist_ok=True)
    root.write_text("not a folder\n")
    code, out = invoke("index", "start")
    assert code == 2
    assert error_line(out) == (
        f"Error: {root} is not a folder; the local index keeps its files in a folder "
        "(DISTKIT_INDEX_DIR names it)"
    )
    assert root.read_text() == "not a folder\n"


def test_upload_password_is_private_and_anonymous_uploads_are_refused() -> None:
    server = index.start()
    root = index.index_dir()
    assert (root.stat().st_mode & 0o777) == 0o700
    assert ((root / "upload-password").stat().st_mode & 0o777) == 0o600
    request = urllib.request.Request(server.url, data=b":action=file_upload", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code in (401, 403)


def test_a_folder_other_users_can_write_is_refused() -> None:
    root = index.index_dir()
    root.mkdir(mode=0o700)
    root.chmod(0o777)
    try:
        code, out = invoke("index", "start")
        assert code == 1
        assert "is open to other users" in error_line(out)
        assert servers() == []
    finally:
        root.chmod(0o700)


@pytest.mark.parametrize("pid", ["0", "1", "-1", "99999999999999999999", '"x"'])
def test_a_state_file_cannot_make_stop_signal_another_process(pid: str) -> None:
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        root = index.index_dir()
        root.mkdir(mode=0o700)
        for value in (pid, str(bystander.pid)):
            (root / "server.json").write_text(f'{{"pid": {value}, "port": 1}}')
            assert invoke("index", "stop") == (0, "not running\n")
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_a_corrupt_state_file_neither_hides_the_server_nor_starts_a_second() -> None:
    first = index.start()
    (index.index_dir() / "server.json").write_text("{not json")
    (index.index_dir() / "port").write_text("garbage")
    code, out = invoke("index", "start")
    assert code == 0, out
    assert f"pid {first.pid}" in out
    assert len(servers()) == 1
    assert invoke("index", "stop") == (0, "stopped\n")
    assert servers() == []


@pytest.mark.slow
def test_two_processes_starting_the_index_at_once_share_one_server(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "distkit", "index", "start"]
    racers = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [racer.communicate(timeout=120) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], outs
    assert outs[0][0] == outs[1][0]
    assert len(servers()) == 1


@pytest.mark.slow
def test_two_publishes_to_the_local_index_at_once_upload_once(package: Path) -> None:
    command = [sys.executable, "-m", "distkit", "publish", str(package), "--local", "--no-tests"]
    racers = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [racer.communicate(timeout=300) for racer in racers]
    codes = sorted(racer.returncode for racer in racers)
    assert codes == [0, 1], outs
    loser = next(o[1] for o, r in zip(outs, racers, strict=True) if r.returncode == 1)
    assert "already on local index" in error_line(loser)
    held = sorted(p.name for p in (index.index_dir() / "packages").iterdir())
    assert held == ["distkit_fixture-0.1.0-py3-none-any.whl", "distkit_fixture-0.1.0.tar.gz"]
    assert len(servers()) == 1


@pytest.mark.slow
def test_publish_local_uploads_with_its_own_credentials_and_installs_back(package: Path) -> None:
    result = run("publish", str(package), "--local", "--no-tests")
    assert result.returncode == 0, result.stderr
    assert "credentials: the local index's own upload password" in result.stdout
    assert "installed distkit-fixture==0.1.0 back; sha256 matches this build" in result.stdout
    held = sorted(p.name for p in (index.index_dir() / "packages").iterdir())
    assert held == ["distkit_fixture-0.1.0-py3-none-any.whl", "distkit_fixture-0.1.0.tar.gz"]


@pytest.mark.slow
def test_files_someone_else_put_on_the_index_are_not_installed_as_ours(package: Path) -> None:
    """Another user's NAME==VERSION got there first: --skip-existing must not verify it."""
    impostor = package.parent / "impostor"
    import shutil

    shutil.copytree(package, impostor)
    init = impostor / "src" / "distkit_fixture" / "__init__.py"
    init.write_text(init.read_text() + "IMPOSTOR = True\n")
    assert run("build", str(impostor)).returncode == 0
    index.start()
    for file in (impostor / "dist").iterdir():
        (index.index_dir() / "packages" / file.name).write_bytes(file.read_bytes())
    result = run("publish", str(package), "--local", "--no-tests", "--skip-existing")
    assert result.returncode == 1, result.stdout
    line = error_line(result.stderr)
    assert "did not install as the files built here (sha256 checked)" in line
    assert "Published" not in result.stdout


def test_an_open_server_left_by_an_older_distkit_is_replaced_by_a_locked_one() -> None:
    packages = index.index_dir() / "packages"
    packages.mkdir(parents=True)
    index.index_dir().chmod(0o700)
    port = index.free_port()
    command = [sys.executable, "-m", "pypiserver", "run", "-i", "127.0.0.1", "-p", str(port)]
    old = subprocess.Popen([*command, "-a", ".", "-P", ".", str(packages.resolve())])
    try:
        for _ in range(100):
            if index._healthy(port):
                break
            time.sleep(0.1)
        server = index.start()
        assert old.wait(timeout=10) is not None
        assert server.pid != old.pid
        assert [s.authenticated for s in servers()] == [True]
    finally:
        old.kill()
        old.wait()


def test_without_proc_the_processes_come_from_ps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", "marker-x1"])
    try:
        found = dict(index._own_processes_from_ps())
        assert "marker-x1" in found[child.pid]
    finally:
        child.kill()
        child.wait()
