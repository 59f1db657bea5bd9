"""The local package index: a pypiserver on 127.0.0.1, started on demand and reused."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from distkit.errors import DistkitError

ENV_DIR = "DISTKIT_INDEX_DIR"


@dataclass(frozen=True)
class Server:
    """A running local index."""

    pid: int
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


def index_dir() -> Path:
    """Where the local index keeps its packages and state ($DISTKIT_INDEX_DIR overrides)."""
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    from platformdirs import user_data_dir

    return Path(user_data_dir("distkit")) / "index"


def status() -> Server | None:
    """The running server, or None (a stale state file is removed)."""
    state = index_dir() / "server.json"
    if not state.is_file():
        return None
    try:
        data = json.loads(state.read_text(encoding="utf-8"))
        server = Server(int(data["pid"]), int(data["port"]))
    except (ValueError, KeyError, TypeError):
        state.unlink()
        return None
    if _alive(server.pid) and _healthy(server.port):
        return server
    state.unlink()
    return None


def start(timeout: float = 20.0) -> Server:
    """Start the server in the background, or return the one already running."""
    running = status()
    if running:
        return running
    root = index_dir()
    packages = root / "packages"
    packages.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [sys.executable, "-m", "pypiserver", "run", "-i", "127.0.0.1", "-p", str(port)]
    command += ["-a", ".", "-P", ".", str(packages)]
    with open(root / "server.log", "ab") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise DistkitError(f"the local index stopped at start; see {root / 'server.log'}")
        if _healthy(port):
            server = Server(process.pid, port)
            (root / "server.json").write_text(json.dumps({"pid": process.pid, "port": port}))
            return server
        time.sleep(0.1)
    process.terminate()
    raise DistkitError(f"the local index did not answer within {timeout:.0f} s")


def stop() -> bool:
    """Stop the running server; False when none was running."""
    server = status()
    if server is None:
        return False
    os.kill(server.pid, signal.SIGTERM)
    for _ in range(50):
        if not _alive(server.pid):
            break
        time.sleep(0.1)
    (index_dir() / "server.json").unlink(missing_ok=True)
    return True


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False
